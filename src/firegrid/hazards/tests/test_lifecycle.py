"""The hazard lifecycle: steps in order, rights, separation of duties, working-day escalation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import translation

from firegrid.core.errors import Conflict, PermissionDenied, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.hazards.models import Hazard, HazardEvent, HazardPhoto
from firegrid.hazards.services import StepIn, hazard_step, hazards_sweep

from .conftest import COMMUNITY, STREET, D, at, photo


def step(world: dict[str, Any], who: str, action: str, day: datetime.date, **kw: Any) -> Hazard:
    with time_machine.travel(at(day), tick=False):
        return hazard_step(
            actor=world["users"][who], hazard_id=world["hazard"].pk, data=StepIn(action, **kw)
        )


def sweep(day: datetime.date) -> Any:
    with time_machine.travel(at(day, 1), tick=False):
        return hazards_sweep(today=day)


def test_an_unfixed_notice_escalates_to_the_street_3_working_days_after_the_deadline(
    world: dict[str, Any],
) -> None:
    from firegrid.notifications.models import Notification

    step(world, "community", "confirm", D(2026, 9, 21))
    issued = step(world, "community", "issue_notice", D(2026, 9, 21), deadline=D(2026, 9, 30))
    assert (issued.state, issued.owner_grid.code) == ("notice_issued", COMMUNITY)  # type: ignore[union-attr]

    first = sweep(D(2026, 10, 1))  # the day after the deadline: overdue
    # 3 working days after 30 September: 8, 9 and — a 调休 Saturday — 10 October (1–7 off).
    before = sweep(D(2026, 10, 9))
    escalated = sweep(D(2026, 10, 10))
    again = sweep(D(2026, 10, 10))

    hazard = Hazard.objects.select_related("owner_grid").get()
    assert (first.overdue, first.escalated) == (1, 0)
    assert (before.overdue, before.escalated) == (0, 0)
    assert (escalated.escalated, again.escalated, again.overdue) == (1, 0, 0)
    assert (hazard.state, hazard.owner_grid.code, hazard.escalations) == (  # type: ignore[union-attr]
        "escalated",
        STREET,
        1,
    )
    assert hazard.next_due == D(2026, 10, 14)  # the next level's clock: 12, 13, 14 October
    street_person = world["users"]["street"].person
    notes = Notification.objects.filter(recipient=street_person, kind="hazard.escalated")
    assert notes.count() == 1
    assert list(HazardEvent.objects.values_list("action", "from_state", "to_state")) == [
        ("confirm", "reported", "confirmed"),
        ("issue_notice", "confirmed", "notice_issued"),
        ("mark_overdue", "notice_issued", "overdue"),
        ("escalate", "overdue", "escalated"),
    ]
    event = HazardEvent.objects.get(action="escalate")
    assert (event.actor, event.data["level"]) == (None, [COMMUNITY, STREET])


def test_the_worker_who_reported_the_fix_cannot_close_it(world: dict[str, Any]) -> None:
    step(world, "community", "confirm", D(2026, 9, 21))
    step(world, "community", "issue_notice", D(2026, 9, 21), deadline=D(2026, 9, 30))
    step(world, "worker", "request_review", D(2026, 9, 25), photos=(photo(),), note="已清理")

    with pytest.raises(PermissionDenied) as not_manager:
        step(world, "worker", "reinspect_pass", D(2026, 9, 28), photos=(photo(),))
    hazard = Hazard.objects.get()
    assert not_manager.value.code == "hazard_not_manager"
    assert hazard.state == "review_requested"

    closed = step(world, "community", "reinspect_pass", D(2026, 9, 28), photos=(photo(),))
    assert closed.state == "closed"
    assert HazardPhoto.objects.filter(kind="after").count() == 2


def test_a_manager_who_fixed_it_on_the_spot_may_not_verify_it(world: dict[str, Any]) -> None:
    step(world, "community", "confirm", D(2026, 9, 21))
    step(world, "community", "fix_on_spot", D(2026, 9, 21), photos=(photo(),))
    events = HazardEvent.objects.count()

    with pytest.raises(PermissionDenied) as caught, translation.override("en"):
        step(world, "community", "verify_fix", D(2026, 9, 22))

    assert caught.value.code == "hazard_same_person"
    assert "may not verify" in str(caught.value.message)
    assert Hazard.objects.get().state == "fixed_on_spot"
    assert HazardEvent.objects.count() == events
    assert step(world, "street", "verify_fix", D(2026, 9, 22)).state == "closed"


@pytest.mark.parametrize(
    ("prepare", "who", "action", "kw", "code"),
    [
        ([], "worker", "request_review", {"photos": "photo"}, "hazard_bad_step"),
        (["confirm"], "community", "issue_notice", {"deadline": D(2026, 9, 20)},
         "hazard_deadline_past"),
        ([], "community", "reject", {}, "hazard_note_required"),
        (["confirm"], "worker", "fix_on_spot", {}, "hazard_photo_required"),
        ([], "community", "confirm", {"expected_state": "confirmed"}, "hazard_conflict"),
        (["confirm"], "community", "hand_over", {}, "hazard_bad_step"),
    ],
)  # fmt: skip
def test_bad_steps_change_nothing(
    world: dict[str, Any], prepare: list[str], who: str, action: str, kw: dict[str, Any], code: str
) -> None:
    for earlier in prepare:
        step(world, "community", earlier, D(2026, 9, 21))
    if kw.get("photos") == "photo":
        kw = {**kw, "photos": (photo(),)}
    state, events = Hazard.objects.get().state, HazardEvent.objects.count()
    audits = AuditEvent.objects.count()

    with pytest.raises((ValidationFailed, PermissionDenied, Conflict)) as caught:
        step(world, who, action, D(2026, 9, 21), **kw)

    assert caught.value.code == code
    assert Hazard.objects.get().state == state
    assert (HazardEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)
    assert HazardPhoto.objects.count() == 0


def test_only_the_sweep_marks_a_notice_overdue(world: dict[str, Any]) -> None:
    step(world, "community", "confirm", D(2026, 9, 21))
    step(world, "community", "issue_notice", D(2026, 9, 21), deadline=D(2026, 9, 30))

    with pytest.raises(PermissionDenied) as caught:
        step(world, "community", "mark_overdue", D(2026, 10, 1))

    assert caught.value.code == "hazard_system"
    assert Hazard.objects.get().state == "notice_issued"


def test_a_notice_needs_a_person_responsible_for_the_place(world: dict[str, Any]) -> None:
    type(world["shop"]).objects.filter(pk=world["shop"].pk).update(responsible_name="")
    step(world, "community", "confirm", D(2026, 9, 21))

    with pytest.raises(ValidationFailed) as caught:
        step(world, "community", "issue_notice", D(2026, 9, 21), deadline=D(2026, 9, 30))

    assert caught.value.code == "place_no_responsible"
    assert Hazard.objects.get().deadline is None


def test_a_hand_over_records_the_agency_and_closes_with_its_result(world: dict[str, Any]) -> None:
    step(world, "community", "confirm", D(2026, 9, 21))
    step(world, "community", "issue_notice", D(2026, 9, 21), deadline=D(2026, 9, 30))
    sweep(D(2026, 10, 1))

    handed = step(
        world, "community", "hand_over", D(2026, 10, 8),
        agency="登封市消防救援大队", reference="登消移〔2026〕12号",
    )  # fmt: skip
    closed = step(world, "community", "close_with_result", D(2026, 10, 20), note="已罚款并整改")

    assert (handed.handed_to, handed.handover_reference) == (
        "登封市消防救援大队",
        "登消移〔2026〕12号",
    )
    assert (closed.state, closed.next_due) == ("closed", None)
    assert list(Hazard.objects.open()) == []


def test_the_sweep_command_reports_what_it_did(world: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command

    step(world, "community", "confirm", D(2026, 9, 21))
    step(world, "community", "issue_notice", D(2026, 9, 21), deadline=D(2026, 9, 30))
    out = StringIO()

    with time_machine.travel(at(D(2026, 10, 12), 1), tick=False):
        call_command("hazards", "sweep", "--today", "2026-10-12", stdout=out)

    assert (
        out.getvalue().strip()
        == "2026-10-12: 1 overdue, 1 escalated, 0 at the top level (hand over), "
        "0 notices late, 0 reminded"
    )
