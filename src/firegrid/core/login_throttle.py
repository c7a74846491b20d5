"""Login throttling: exponential back-off per username, a hard limit per address.

django-axes records every failed login (username, address); this handler decides from those rows:

- **Per username, from any address.** After ``AXES_FAILURE_LIMIT`` failures, the next attempt must
  wait ``base × 2^k`` seconds after the latest failure (k = failures beyond the limit), capped at
  ``FIREGRID_LOGIN_BACKOFF_MAX_SECONDS``. Guessing spread over many addresses is slowed to one try
  per cap; a stranger cannot keep a user out for longer than that, and attempts refused while
  waiting are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False).
- **Per address, across usernames.** ``FIREGRID_LOGIN_IP_FAILURE_LIMIT`` failures from one
  address lock it for ``FIREGRID_LOGIN_IP_COOLOFF_MINUTES``.

Failures older than AXES_COOLOFF_TIME (the memory window) are forgotten by axes. API tokens of a
user in back-off are refused too (`username_locked_until`, used by core.api_auth).
"""

from __future__ import annotations

import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone


def backoff_seconds(failures: int) -> float:
    """How long to wait after the latest failure once `failures` were counted (0: no wait)."""
    limit = settings.AXES_FAILURE_LIMIT
    if failures < limit:
        return 0.0
    base = settings.FIREGRID_LOGIN_BACKOFF_BASE_SECONDS
    cap = settings.FIREGRID_LOGIN_BACKOFF_MAX_SECONDS
    exponent = min(failures - limit, 40)  # 2^40 s is far beyond any cap; keeps the float finite
    return float(min(cap, base * 2**exponent))


def _window_start(now: datetime.datetime) -> datetime.datetime:
    window = get_cool_off(None)
    return (
        now - window if window is not None else datetime.datetime.min.replace(tzinfo=datetime.UTC)
    )


def username_locked_until(
    username: str | None, *, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When the username's back-off ends, or None when it may try now."""
    if not username:
        return None
    now = now or timezone.now()
    totals = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=_window_start(now)
    ).aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
    wait = backoff_seconds(totals["failures"] or 0)
    if not wait or totals["latest"] is None:
        return None
    until: datetime.datetime = totals["latest"] + datetime.timedelta(seconds=wait)
    return until if until > now else None


def address_locked_until(
    ip_address: str | None, *, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When the address' lock ends, or None when it is not locked."""
    if not ip_address:
        return None
    now = now or timezone.now()
    totals = AccessAttempt.objects.filter(
        ip_address=ip_address, attempt_time__gte=_window_start(now)
    ).aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
    if (totals["failures"] or 0) < settings.FIREGRID_LOGIN_IP_FAILURE_LIMIT:
        return None
    cooloff = datetime.timedelta(minutes=settings.FIREGRID_LOGIN_IP_COOLOFF_MINUTES)
    until: datetime.datetime = totals["latest"] + cooloff
    return until if until > now else None


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler (it records the failures) with our lock decision."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        username = get_client_username(request, credentials)
        ip_address = getattr(request, "axes_ip_address", None)
        return bool(
            username_locked_until(username, now=now) or address_locked_until(ip_address, now=now)
        )

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """axes compares this with AXES_FAILURE_LIMIT after recording a failure: report the
        limit when our rules lock, so the response for that attempt already says so."""
        return settings.AXES_FAILURE_LIMIT if self.is_locked(request, credentials) else 0

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """A successful login clears the username's failures only: one account logging in from
        an address must not wipe that address' failures against other accounts."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(count)
