"""Login throttling (core/login_throttle.py): back-off per username, a limit per address, tokens."""

from __future__ import annotations

import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from firegrid.core.api_auth import api_token_create
from firegrid.core.login_throttle import backoff_seconds
from firegrid.core.models import ApiToken
from firegrid.testing import user_with_role

STREET = "410185001"
PASSWORD = "pw-for-tests-only"  # noqa: S105


def login(client: Client, username: str, password: str, ip: str) -> int:
    response = client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)
    return response.status_code


def failures(**where: str) -> int:
    return AccessAttempt.objects.filter(**where).aggregate(n=Sum("failures_since_start"))["n"] or 0


def test_back_off_doubles_after_the_limit_and_is_capped(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.FIREGRID_LOGIN_BACKOFF_BASE_SECONDS = 1
    settings.FIREGRID_LOGIN_BACKOFF_MAX_SECONDS = 900

    assert [backoff_seconds(n) for n in (0, 4, 5, 6, 7, 10, 15, 200)] == [
        0.0, 0.0, 1.0, 2.0, 4.0, 32.0, 900.0, 900.0,
    ]  # fmt: skip


def test_guessing_one_username_from_ten_addresses_is_throttled(small_jurisdiction, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user_with_role("street_office", small_jurisdiction[STREET], username="jiedao")
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        statuses = [login(client, "jiedao", f"guess-{n}", f"198.51.100.{n}") for n in range(10)]
        # the owner, from yet another address, during the back-off: refused too
        during = login(client, "jiedao", PASSWORD, "203.0.113.7")
        clock.shift(1.5)  # the first back-off step (1 s) is over
        after = login(client, "jiedao", PASSWORD, "203.0.113.7")

    assert statuses == [200, 200, 200, 200, 429, 429, 429, 429, 429, 429]
    assert during == 429
    assert after == 302
    assert client.session["_auth_user_id"] == str(
        get_user_model().objects.get(username="jiedao").pk
    )
    assert failures(username="jiedao") == 0  # a successful login clears the username's failures


def test_each_failure_after_the_limit_doubles_the_wait(small_jurisdiction, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user_with_role("street_office", small_jurisdiction[STREET], username="jiedao")
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = [login(client, "jiedao", "x", f"198.51.100.{n}") for n in range(2)]
        clock.shift(1.5)  # wait 1 s is over: the next failure is counted, the wait is now 2 s
        third = login(client, "jiedao", "x", "198.51.100.3")
        clock.shift(1.5)
        too_early = login(client, "jiedao", PASSWORD, "198.51.100.4")
        clock.shift(1.0)
        in_time = login(client, "jiedao", PASSWORD, "198.51.100.4")

    assert first == [200, 429]
    assert third == 429
    assert too_early == 429
    assert in_time == 302


def test_refused_attempts_during_back_off_are_not_counted(small_jurisdiction, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user_with_role("street_office", small_jurisdiction[STREET], username="jiedao")
    client = Client()
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(20):
            login(client, "jiedao", "x", f"198.51.100.{n}")

    assert failures(username="jiedao") == 3


def test_one_address_failing_across_many_usernames_is_locked(small_jurisdiction, settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.FIREGRID_LOGIN_IP_FAILURE_LIMIT = 6
    settings.FIREGRID_LOGIN_IP_COOLOFF_MINUTES = 15
    user_with_role("street_office", small_jurisdiction[STREET], username="jiedao")
    client = Client()
    attacker = "198.51.100.66"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        statuses = [login(client, f"user{n}", "x", attacker) for n in range(8)]
        from_attacker = login(client, "jiedao", PASSWORD, attacker)
        from_elsewhere = login(Client(), "jiedao", PASSWORD, "203.0.113.7")
        clock.shift(16 * 60)
        attacker_later = login(Client(), "user99", "x", attacker)

    assert statuses == [200, 200, 200, 200, 200, 429, 429, 429]
    assert from_attacker == 429
    assert from_elsewhere == 302
    assert failures(ip_address=attacker) == 7  # 6 counted, then one more after the cool-off
    assert attacker_later == 429  # still over the limit: locked again at once


def test_a_bearer_token_is_refused_while_its_account_is_locked(small_jurisdiction, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = user_with_role("street_office", small_jurisdiction[STREET], username="jiedao")
    token, key = api_token_create(user=user, name="巡查App")
    client = Client()
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(5):
            login(client, "jiedao", "x", f"198.51.100.{n}")
        locked = client.get("/api/v1/grids/tree", headers=headers)
        used_while_locked = ApiToken.objects.get(pk=token.pk).last_used_at
        clock.shift(1.5)
        unlocked = client.get("/api/v1/grids/tree", headers=headers)

    assert locked.status_code == 401
    body = locked.json()
    assert body["error"]["code"] == "account_locked"
    assert body["error"]["message"] == (
        "This account is locked after repeated failed logins; try again later."
    )
    assert set(body["error"]["details"]) == {"retry_after"}
    assert used_while_locked is None  # the refused request did not count as a use
    assert unlocked.status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
