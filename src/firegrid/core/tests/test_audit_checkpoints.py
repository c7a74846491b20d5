"""Signed checkpoints of the audit chain (审计锚点): deleting the newest events, or editing one and
re-hashing every later row, keeps the chain linked but no longer matches a checkpoint signed with
FIREGRID_AUDIT_KEY (a key outside the database); `audit_verify` and `firegrid audit verify` name
the last good checkpoint and the one that no longer matches."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from firegrid.core.audit import (
    GENESIS_HASH,
    CheckpointRef,
    audit_checkpoint,
    audit_record,
    audit_verify,
    checkpoint_signature,
)
from firegrid.core.models import AuditCheckpoint, AuditEvent
from firegrid.core.tasks import audit_checkpoint_periodic

pytestmark = pytest.mark.django_db

KEY = "test-audit-key-not-in-the-database"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def audit_key():
    with override_settings(FIREGRID_AUDIT_KEY=KEY):
        yield


def log(first: int, last: int) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action=f"test.step{n}", data={"n": n}) for n in range(first, last)
    ]


def ref(checkpoint: AuditCheckpoint) -> CheckpointRef:
    checkpoint.refresh_from_db()
    return CheckpointRef(
        checkpoint.pk, checkpoint.head_id, checkpoint.event_count, checkpoint.created_at
    )


def rehash_from(pk: int) -> None:
    """What a careful forger does after editing row `pk`: recompute prev_hash and hash of it and
    of every later row, so the chain links again."""
    before = AuditEvent.objects.filter(pk__lt=pk).order_by("-id").values_list("hash", flat=True)
    prev = before.first() or GENESIS_HASH
    for event in AuditEvent.objects.filter(pk__gte=pk).order_by("id"):
        event.prev_hash = prev
        event.hash = event.compute_hash()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash


def verify_cli() -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_a_checkpoint_signs_the_head_and_the_count_with_the_key() -> None:
    events = log(0, 4)
    at = datetime.datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=SHANGHAI)

    checkpoint = audit_checkpoint(now=at)

    assert checkpoint is not None
    checkpoint.refresh_from_db()
    assert (checkpoint.head_id, checkpoint.head_hash, checkpoint.event_count) == (
        events[-1].pk,
        events[-1].hash,
        4,
    )
    assert checkpoint.created_at == at
    assert checkpoint.signature == checkpoint_signature(
        head_id=events[-1].pk, head_hash=events[-1].hash, event_count=4, created_at=at
    )
    with override_settings(FIREGRID_AUDIT_KEY="another-key"):
        assert checkpoint.signature != checkpoint_signature(
            head_id=events[-1].pk, head_hash=events[-1].hash, event_count=4, created_at=at
        )


def test_checkpointing_twice_without_new_events_writes_one_row() -> None:
    log(0, 3)
    first = audit_checkpoint()
    again = audit_checkpoint()
    assert (first is not None, again) == (True, None)
    assert AuditCheckpoint.objects.count() == 1

    log(3, 4)
    later = audit_checkpoint()
    assert later is not None and later.event_count == 4
    assert AuditCheckpoint.objects.count() == 2


def test_an_empty_log_gets_no_checkpoint() -> None:
    assert audit_checkpoint() is None
    assert AuditCheckpoint.objects.count() == 0


def test_an_untouched_chain_verifies_with_its_newest_checkpoint_as_last_good() -> None:
    log(0, 3)
    audit_checkpoint()
    log(3, 5)
    newest = audit_checkpoint()
    assert newest is not None
    log(5, 6)  # after the newest checkpoint: covered by the chain only

    report = audit_verify()

    assert (report.ok, report.checked, report.checkpoints_checked) == (True, 6, 2)
    assert (report.last_good_checkpoint, report.broken_checkpoint) == (ref(newest), None)
    assert (report.checkpoint_reason, report.truncated) == ("", False)
    out, error = verify_cli()
    assert error is None
    assert out == (
        "audit chain intact: 6 events\n"
        f"last good checkpoint: #{newest.pk} (head event {newest.head_id}, 5 events, "
        f"{newest.created_at.isoformat(timespec='seconds')})\n"
    )


@pytest.mark.parametrize("deleted", [1, 3])
def test_deleting_the_newest_events_fails_and_names_the_checkpoint(deleted: int) -> None:
    events = log(0, 3)
    older = audit_checkpoint()
    events += log(3, 6)
    newest = audit_checkpoint()
    assert older is not None and newest is not None
    AuditEvent.objects.filter(pk__in=[e.pk for e in events[-deleted:]]).delete()

    report = audit_verify()

    assert report.ok is False
    assert (report.first_broken_id, report.checked) == (None, 6 - deleted)  # the chain still links
    assert (report.last_good_checkpoint, report.broken_checkpoint) == (ref(older), ref(newest))
    assert report.truncated is True
    last = events[-deleted - 1].pk
    assert report.checkpoint_reason == (
        f"event {newest.head_id} it names is missing: the log ends at event {last} "
        "(newest events deleted)"
    )
    out, error = verify_cli()
    assert error is not None and error.returncode == 1
    assert str(error) == (
        f"audit log truncated: checkpoint #{newest.pk} no longer matches "
        f"({report.checkpoint_reason})"
    )
    assert f"last good checkpoint: #{older.pk} " in out
    assert f"checkpoint no longer matching: #{newest.pk} " in out


def test_editing_a_middle_event_and_rehashing_the_rest_fails_and_names_the_checkpoint() -> None:
    events = log(0, 3)
    older = audit_checkpoint()
    events += log(3, 7)
    newest = audit_checkpoint()
    assert older is not None and newest is not None
    edited = events[4]
    AuditEvent.objects.filter(pk=edited.pk).update(data={"n": 99})
    rehash_from(edited.pk)

    report = audit_verify()

    assert report.ok is False
    assert (report.first_broken_id, report.checked) == (None, 7)  # re-hashed: the chain links
    assert (report.last_good_checkpoint, report.broken_checkpoint) == (ref(older), ref(newest))
    assert report.checkpoint_reason == f"event {newest.head_id} no longer has the signed hash"
    assert report.truncated is False
    out, error = verify_cli()
    assert error is not None and error.returncode == 1
    assert str(error) == (
        f"audit log altered: checkpoint #{newest.pk} no longer matches "
        f"(event {newest.head_id} no longer has the signed hash)"
    )


def test_editing_before_every_checkpoint_leaves_no_good_checkpoint() -> None:
    events = log(0, 4)
    only = audit_checkpoint()
    assert only is not None
    AuditEvent.objects.filter(pk=events[0].pk).update(action="test.forged")
    rehash_from(events[0].pk)

    report = audit_verify()

    assert (report.ok, report.last_good_checkpoint, report.broken_checkpoint) == (
        False,
        None,
        ref(only),
    )
    out, _error = verify_cli()
    assert out.startswith("last good checkpoint: none\n")


def test_a_checkpoint_signed_with_another_key_is_refused() -> None:
    """A forger who rewrote the log and signs a new checkpoint without the real key."""
    log(0, 3)
    good = audit_checkpoint()
    log(3, 4)
    with override_settings(FIREGRID_AUDIT_KEY="guessed-key"):
        forged = audit_checkpoint()
    assert good is not None and forged is not None

    report = audit_verify()

    assert report.ok is False
    assert (report.last_good_checkpoint, report.broken_checkpoint) == (ref(good), ref(forged))
    assert report.checkpoint_reason == "signature does not match (forged or altered checkpoint)"


def test_an_altered_checkpoint_row_is_refused() -> None:
    events = log(0, 3)
    checkpoint = audit_checkpoint()
    assert checkpoint is not None
    # Moving the checkpoint back to an earlier head (to hide a later truncation) breaks its seal.
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(
        head_id=events[1].pk, head_hash=events[1].hash, event_count=2
    )

    report = audit_verify()

    assert (report.ok, report.broken_checkpoint) == (False, ref(checkpoint))
    assert report.checkpoint_reason == "signature does not match (forged or altered checkpoint)"


def test_a_chain_break_is_still_named_first_with_the_checkpoints_reported() -> None:
    events = log(0, 2)
    good = audit_checkpoint()
    assert good is not None
    events += log(2, 5)
    AuditEvent.objects.filter(pk=events[3].pk).update(data={"n": 42})

    report = audit_verify()

    assert (report.first_broken_id, report.checked, report.broken_checkpoint) == (
        events[3].pk,
        3,
        None,
    )
    assert report.last_good_checkpoint == ref(good)  # its head is before the break
    out, error = verify_cli()
    assert error is not None
    assert str(error) == (
        f"audit chain broken at event id {events[3].pk}: content does not match its hash "
        "(3 events before it are intact)"
    )
    assert out.startswith(f"last good checkpoint: #{good.pk} ")


def test_the_cli_writes_a_checkpoint_once() -> None:
    events = log(0, 2)
    first, second = io.StringIO(), io.StringIO()

    call_command("audit", "checkpoint", stdout=first)
    call_command("audit", "checkpoint", stdout=second)

    checkpoint = AuditCheckpoint.objects.get()
    assert first.getvalue() == (
        f"audit checkpoint #{checkpoint.pk} (head event {events[-1].pk}, 2 events, "
        f"{checkpoint.created_at.isoformat(timespec='seconds')}) hash {events[-1].hash}\n"
    )
    assert second.getvalue() == ("no new audit events since the last checkpoint; nothing written\n")


def test_the_periodic_task_checkpoints_every_ten_minutes_by_default() -> None:
    log(0, 2)
    due = datetime.datetime(2026, 12, 1, 10, 20)  # noqa: DTZ001 - huey's crontab is naive
    not_due = datetime.datetime(2026, 12, 1, 10, 25)  # noqa: DTZ001

    audit_checkpoint_periodic()  # huey runs tasks immediately in tests

    assert AuditCheckpoint.objects.count() == 1
    assert audit_checkpoint_periodic.task_class().validate_datetime(due) is True
    assert audit_checkpoint_periodic.task_class().validate_datetime(not_due) is False


def test_without_an_audit_key_a_demo_key_is_derived_from_the_secret_key() -> None:
    log(0, 1)
    with override_settings(FIREGRID_AUDIT_KEY=""):
        checkpoint = audit_checkpoint()
        assert checkpoint is not None
        assert audit_verify().ok is True
        with override_settings(SECRET_KEY="another-secret"):
            assert audit_verify().broken_checkpoint == ref(checkpoint)
