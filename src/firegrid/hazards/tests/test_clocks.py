"""Hazard clocks in working days, late notices and reminders before a deadline (the sweep)."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import time_machine
from django.core.management import call_command

from firegrid.hazards.models import Hazard, HazardEvent
from firegrid.hazards.services import StepIn, hazard_step, hazards_sweep
from firegrid.notifications.models import Notification

from .conftest import D, at, photo


def step(world: dict[str, Any], who: str, action: str, day: datetime.date, **kw: Any) -> Hazard:
    with time_machine.travel(at(day), tick=False):
        return hazard_step(
            actor=world["users"][who], hazard_id=world["hazard"].pk, data=StepIn(action, **kw)
        )


def sweep(day: datetime.date) -> Any:
    with time_machine.travel(at(day, 1), tick=False):
        return hazards_sweep(today=day)


def recipients(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__name", flat=True))


def names(world: dict[str, Any], *who: str) -> list[str]:
    return sorted(world["users"][w].person.name for w in who)


def test_confirming_starts_the_3_working_day_notice_clock(world: dict[str, Any]) -> None:
    monday = step(world, "community", "confirm", D(2026, 9, 21))

    assert monday.next_due == D(2026, 9, 24)


def test_the_notice_clock_skips_the_national_day_holiday(world: dict[str, Any]) -> None:
    # 30 September: 1–7 October are off; 8, 9 and the 调休 Saturday 10 October are working days.
    confirmed = step(world, "community", "confirm", D(2026, 9, 30))

    assert confirmed.next_due == D(2026, 10, 10)


def test_the_notice_working_days_are_a_setting(world: dict[str, Any], settings: Any) -> None:
    settings.FIREGRID_HAZARD_NOTICE_WORKING_DAYS = 1

    assert step(world, "community", "confirm", D(2026, 9, 25)).next_due == D(2026, 9, 28)


def test_every_open_state_has_a_next_deadline(world: dict[str, Any]) -> None:
    seen = {}
    seen["confirmed"] = step(world, "community", "confirm", D(2026, 9, 21)).next_due
    issued = step(world, "community", "issue_notice", D(2026, 9, 22), deadline=D(2026, 9, 30))
    seen["notice_issued"] = issued.next_due
    seen["rectifying"] = step(world, "worker", "acknowledge", D(2026, 9, 23)).next_due
    with time_machine.travel(at(D(2026, 10, 1), 1), tick=False):
        hazards_sweep(today=D(2026, 10, 1))
    seen["overdue"] = Hazard.objects.get(pk=world["hazard"].pk).next_due
    review = step(world, "worker", "request_review", D(2026, 10, 8), photos=(photo(),))
    seen["review_requested"] = review.next_due
    seen["overdue again"] = step(
        world, "community", "reinspect_fail", D(2026, 10, 9), note="未整改"
    ).next_due
    seen["escalated"] = step(world, "community", "escalate", D(2026, 10, 12)).next_due
    handed = step(
        world,
        "street",
        "hand_over",
        D(2026, 10, 13),
        agency="消防救援大队",
        reference="移〔2026〕1号",
    )
    seen["handed_over"] = handed.next_due

    assert seen == {
        "confirmed": D(2026, 9, 24),
        "notice_issued": D(2026, 9, 30),
        "rectifying": D(2026, 9, 30),
        "overdue": D(2026, 10, 10),  # 复查 within 3 working days after the deadline
        "review_requested": D(2026, 10, 12),  # 9, 10 (调休 Saturday), 12 October
        "overdue again": D(2026, 10, 13),
        "escalated": D(2026, 10, 15),
        "handed_over": D(2026, 10, 20),  # the agency's result is asked for in 5 working days
    }


def test_a_fix_on_the_spot_is_verified_within_the_review_window(world: dict[str, Any]) -> None:
    # 25–27 September are the Mid-Autumn holiday: 28, 29, 30 September.
    fixed = step(world, "worker", "fix_on_spot", D(2026, 9, 25), photos=(photo(),))

    assert (fixed.state, fixed.next_due) == ("fixed_on_spot", D(2026, 9, 30))


def test_a_late_notice_is_told_to_the_responsible_level_once(world: dict[str, Any]) -> None:
    step(world, "community", "confirm", D(2026, 9, 21))  # the notice is due by 24 September
    events = HazardEvent.objects.count()

    on_time = sweep(D(2026, 9, 24))
    late = sweep(D(2026, 9, 25))
    again = sweep(D(2026, 9, 28))

    assert (on_time.notices_late, late.notices_late, again.notices_late) == (0, 1, 0)
    assert recipients("hazard.notice_late") == names(world, "community")
    hazard = Hazard.objects.get(pk=world["hazard"].pk)
    assert (hazard.state, hazard.next_due) == ("confirmed", D(2026, 9, 24))  # still late
    assert HazardEvent.objects.count() == events  # the sweep marks nothing new
    note = Notification.objects.get(kind="hazard.notice_late")
    assert note.dedupe_key == f"hazard:{hazard.pk}:notice_late:2026-09-24"


def test_reminders_go_out_two_days_before_the_deadline_once(world: dict[str, Any]) -> None:
    step(world, "community", "confirm", D(2026, 9, 21))
    step(world, "community", "issue_notice", D(2026, 9, 21), deadline=D(2026, 9, 30))

    early = sweep(D(2026, 9, 27))
    due = sweep(D(2026, 9, 28))
    twice = sweep(D(2026, 9, 28))
    later = sweep(D(2026, 9, 29))

    assert [r.reminded for r in (early, due, twice, later)] == [0, 1, 0, 0]
    # The workers posted in the hazard's grid and the responsible level (the community office).
    assert recipients("hazard.deadline_soon") == names(world, "worker", "partner", "community")
    assert Notification.objects.filter(kind="hazard.deadline_soon").count() == 3


def test_the_reminder_lead_time_is_a_setting(world: dict[str, Any], settings: Any) -> None:
    settings.FIREGRID_HAZARD_REMINDER_DAYS = 5
    step(world, "community", "confirm", D(2026, 9, 21))
    step(world, "community", "issue_notice", D(2026, 9, 21), deadline=D(2026, 9, 30))

    assert (sweep(D(2026, 9, 24)).reminded, sweep(D(2026, 9, 25)).reminded) == (0, 1)


def test_the_sweep_command_prints_late_notices_and_reminders(world: dict[str, Any]) -> None:
    step(world, "community", "confirm", D(2026, 9, 21))
    out = StringIO()

    with time_machine.travel(at(D(2026, 9, 25), 1), tick=False):
        call_command("hazards", "sweep", "--today", "2026-09-25", stdout=out)
        call_command("hazards", "sweep", "--today", "2026-09-25", stdout=out)

    assert out.getvalue().splitlines() == [
        "2026-09-25: 0 overdue, 0 escalated, 0 at the top level (hand over), "
        "1 notices late, 0 reminded",
        "2026-09-25: 0 overdue, 0 escalated, 0 at the top level (hand over), "
        "0 notices late, 0 reminded",
    ]
