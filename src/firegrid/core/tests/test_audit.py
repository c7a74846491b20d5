"""The hash-chained audit log (审计日志): every event links to the one before; an edited or
deleted row is found and named, by `audit_verify` and by `firegrid audit verify`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from firegrid.core.audit import GENESIS_HASH, audit_record, audit_verify
from firegrid.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> list[AuditEvent]:
    return [audit_record(actor=None, action=f"test.step{n}", data={"n": n}) for n in range(5)]


def test_each_event_links_to_the_hash_of_the_one_before(events):
    assert events[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert all(e.hash == e.compute_hash() for e in events)
    report = audit_verify()
    assert (report.ok, report.checked, report.first_broken_id) == (True, 5, None)


def test_an_edited_row_is_named_exactly(events):
    edited = events[2]
    AuditEvent.objects.filter(pk=edited.pk).update(data={"n": 99})

    report = audit_verify()

    assert (report.ok, report.first_broken_id, report.checked) == (False, edited.pk, 2)
    assert report.reason == "content does not match its hash"


def test_a_deleted_row_in_the_middle_breaks_the_link_of_the_next_one(events):
    AuditEvent.objects.filter(pk=events[2].pk).delete()  # a queryset delete bypasses the guard

    report = audit_verify()

    assert (report.first_broken_id, report.checked) == (events[3].pk, 2)
    assert report.reason == "previous hash does not match the row before"


def test_rows_cannot_be_changed_or_deleted_through_the_model(events):
    with pytest.raises(RuntimeError, match="append-only"):
        events[0].save()
    with pytest.raises(RuntimeError, match="append-only"):
        events[0].delete()
    assert AuditEvent.objects.count() == 5


def test_cli_names_the_edited_row_and_exits_non_zero(events):
    edited = events[3]
    AuditEvent.objects.filter(pk=edited.pk).update(action="test.forged")

    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", stdout=io.StringIO())

    assert caught.value.returncode == 1
    assert str(caught.value) == (
        f"audit chain broken at event id {edited.pk}: content does not match its hash "
        "(3 events before it are intact)"
    )


def test_cli_reports_an_intact_chain(events):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue() == "audit chain intact: 5 events\n"
