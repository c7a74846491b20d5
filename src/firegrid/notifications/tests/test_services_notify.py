"""notify(): inbox rows always, channels only after commit, once per dedupe key."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from firegrid.core.errors import ValidationFailed
from firegrid.notifications.channels import channel_urls, configured_channels
from firegrid.notifications.models import Notification
from firegrid.notifications.services import (
    notification_deliver,
    notification_mark_all_read,
    notification_mark_read,
    notify,
)


def _notify(people: dict[str, Any], **extra: Any) -> list[Notification]:
    fields: dict[str, Any] = {
        "recipients": [people["alice"].person, people["carol"]],
        "kind": "hazard.escalated",
        "subject": "隐患已升级 Hazard escalated",
        "body": "网格1-1-1 出租屋一",
        "link": "/hazards/7/",
        **extra,
    }
    return notify(**fields)


def test_same_dedupe_key_twice_writes_one_row_per_person_and_sends_once(
    people: dict[str, Any], settings: Any, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.FIREGRID_NOTIFY_CHANNELS = ["mailto:ops@example.org"]

    with django_capture_on_commit_callbacks(execute=True) as first:
        created = _notify(people, dedupe_key="hazard:7:escalated:2")
    with django_capture_on_commit_callbacks(execute=True) as second:
        again = _notify(people, dedupe_key="hazard:7:escalated:2")

    assert [n.recipient.name for n in created] == ["alice", "carol"]
    assert again == []
    assert len(second) == 0
    assert len(first) == 2  # our enqueue, then the backend's own on-commit
    rows = Notification.objects.order_by("id")
    assert [(n.recipient.name, n.dedupe_key) for n in rows] == [
        ("alice", "hazard:7:escalated:2"),
        ("carol", "hazard:7:escalated:2"),
    ]
    assert all(n.delivered_at == frozen for n in rows)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.org"]
    assert mail.outbox[0].subject == "[FireGrid] 隐患已升级 Hazard escalated"
    assert (
        mail.outbox[0].body
        == "【FireGrid】隐患已升级 Hazard escalated\n网格1-1-1 出租屋一\n/hazards/7/\n"
        "→ alice、carol"
    )


def test_a_new_recipient_under_the_same_key_is_still_notified(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people, dedupe_key="k1")
        later = notify(
            recipients=[people["carol"], people["bob"].person],
            kind="hazard.escalated",
            subject="s",
            dedupe_key="k1",
        )
    assert [n.recipient.name for n in later] == ["bob"]
    assert Notification.objects.count() == 3


def test_notifications_without_a_key_are_never_deduplicated(people: dict[str, Any]) -> None:
    _notify(people)
    _notify(people)
    assert Notification.objects.count() == 4


def test_channels_run_only_after_commit_and_not_on_rollback(
    people: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.FIREGRID_NOTIFY_CHANNELS = ["mailto:ops@example.org"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _notify(people, dedupe_key="k")
            raise RuntimeError("the escalation failed")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        _notify(people, dedupe_key="k")
        assert mail.outbox == []  # still inside the caller's transaction
    assert len(mail.outbox) == 1


def test_target_is_recorded(people: dict[str, Any]) -> None:
    (row, _) = _notify(people, target=people["carol"])
    assert (row.object_type, row.object_id) == ("people.person", str(people["carol"].pk))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"link": "//evil.example/x"}, "A notification link must be a path inside FireGrid."),
        ({"link": "https://evil.example/"}, "A notification link must be a path inside FireGrid."),
        ({"subject": "  "}, "A notification needs a subject."),
        ({"kind": "Hazard Escalated"}, "A notification kind is a slug such as hazard.escalated."),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    people: dict[str, Any], extra: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _notify(people, **extra)
    assert str(caught.value.message) == message
    assert Notification.objects.count() == 0


def test_delivering_twice_sends_once(people: dict[str, Any], settings: Any) -> None:
    settings.FIREGRID_NOTIFY_CHANNELS = ["mailto:ops@example.org"]
    ids = [n.pk for n in _notify(people)]
    assert notification_deliver(ids=ids) == 2
    assert notification_deliver(ids=ids) == 0
    assert len(mail.outbox) == 1


def test_a_broken_channel_is_logged_and_the_others_still_run(
    people: dict[str, Any], settings: Any, caplog: Any, monkeypatch: Any
) -> None:
    settings.FIREGRID_NOTIFY_CHANNELS = ["log", "mailto:ops@example.org"]

    def boom(self: Any, message: Any) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("firegrid.notifications.channels.LogChannel.send", boom)
    ids = [n.pk for n in _notify(people)]
    with caplog.at_level(logging.ERROR, logger="firegrid.notify"):
        assert notification_deliver(ids=ids) == 2
    assert "notification channel log failed" in caplog.text
    assert len(mail.outbox) == 1


def test_log_is_the_default_channel(people: dict[str, Any], settings: Any, caplog: Any) -> None:
    del settings.FIREGRID_NOTIFY_CHANNELS
    assert [c.name for c in configured_channels()] == ["log"]
    ids = [n.pk for n in _notify(people)]
    with caplog.at_level(logging.INFO, logger="firegrid.notify"):
        notification_deliver(ids=ids)
    assert "notify hazard.escalated to alice, carol: 隐患已升级 Hazard escalated" in caplog.text


def test_channel_settings_are_parsed_from_a_comma_separated_list(
    caplog: Any, settings: Any
) -> None:
    raw = "log, mailto:a@example.org,b@example.org ,wecom+http://example.org/x,sms:1"
    assert channel_urls(raw) == [
        "log",
        "mailto:a@example.org,b@example.org",
        "wecom+http://example.org/x",
        "sms:1",
    ]
    settings.FIREGRID_NOTIFY_CHANNELS = channel_urls(raw)
    with caplog.at_level(logging.ERROR, logger="firegrid.notify"):
        channels = configured_channels()
    assert [c.name for c in channels] == ["log", "mailto"]
    assert channels[1].addresses == ["a@example.org", "b@example.org"]  # type: ignore[attr-defined]
    # plain http only to this machine; unknown schemes are named in the log, not raised
    assert "ignoring notification channel 'wecom'" in caplog.text
    assert "ignoring notification channel 'sms'" in caplog.text


def test_mark_read_touches_only_the_actors_own_notifications(
    people: dict[str, Any], frozen: Any
) -> None:
    mine = notify(recipients=[people["alice"].person], kind="k", subject="mine")
    theirs = notify(recipients=[people["bob"].person], kind="k", subject="theirs")

    assert notification_mark_read(actor=people["alice"], ids=[mine[0].pk, theirs[0].pk]) == 1
    assert notification_mark_read(actor=people["alice"], ids=[mine[0].pk]) == 0

    mine[0].refresh_from_db()
    theirs[0].refresh_from_db()
    assert mine[0].read_at == frozen
    assert theirs[0].read_at is None


def test_mark_all_read(people: dict[str, Any]) -> None:
    notify(recipients=[people["alice"].person], kind="k", subject="a")
    notify(recipients=[people["alice"].person], kind="k", subject="b")
    notify(recipients=[people["bob"].person], kind="k", subject="c")
    assert notification_mark_all_read(actor=people["alice"]) == 2
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_too_many_ids_are_refused(people: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed):
        notification_mark_read(actor=people["alice"], ids=range(501))


def test_the_database_holds_one_row_per_person_and_key(people: dict[str, Any]) -> None:
    """The unique constraint is what a concurrent second sweep run hits (notify skips it)."""
    carol = people["carol"]
    Notification.objects.create(recipient=carol, kind="k", subject="s", dedupe_key="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=carol, kind="k", subject="s", dedupe_key="same")
    Notification.objects.create(recipient=carol, kind="k", subject="s")
    Notification.objects.create(recipient=carol, kind="k", subject="s")  # no key: no limit
    assert Notification.objects.count() == 3


def test_notify_skips_a_row_a_concurrent_run_wrote_first(
    people: dict[str, Any], monkeypatch: Any
) -> None:
    carol = people["carol"]
    Notification.objects.create(recipient=carol, kind="k", subject="s", dedupe_key="race")
    # Pretend the existence check ran before the other run's insert became visible.
    monkeypatch.setattr("firegrid.notifications.services.set", lambda rows=(): set(), raising=False)
    assert notify(recipients=[carol], kind="k", subject="s", dedupe_key="race") == []
    assert Notification.objects.count() == 1
