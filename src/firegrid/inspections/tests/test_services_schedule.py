"""The schedule sweep: exact tasks per person for a frozen month, idempotency, AB posts,
missed windows and risk-based intervals."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import pytest
import time_machine

from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard, HazardCategory
from firegrid.inspections.models import Frequency, Inspection, InspectionTask, ScheduleRule
from firegrid.inspections.periods import period_of, periods_overlapping, relaxed, window_of
from firegrid.inspections.selectors import coverage
from firegrid.inspections.services import schedule_generate, tasks_mark_missed
from firegrid.people.models import Assignment, Leave, Person, Role
from firegrid.registry.models import PlaceType

from .conftest import place_in

D = datetime.date
DEC_START, DEC_END = D(2026, 12, 1), D(2026, 12, 31)
LEAF_A, LEAF_B = "410185001001001", "410185001001002"
COMMUNITY = "410185001001"


def person(name: str, grid: Grid) -> Person:
    return Person.objects.create(name=name, phone="", home_grid=grid)


def assign(who: Person, grid: Grid, role: str, backup: Person | None = None) -> Assignment:
    return Assignment.objects.create(
        person=who, grid=grid, role=Role.objects.get(code=role), start_on=D(2026, 1, 1),
        backup=backup,
    )  # fmt: skip


def rule(code: str, kind: str, roles: list[str], depth: int, frequency: str, **extra: Any) -> Any:
    types = extra.pop("place_types", [])
    made = ScheduleRule.objects.create(
        code=code, name=code, kind=kind, grid_depth=depth, frequency=frequency, **extra
    )
    made.roles.set(Role.objects.filter(code__in=roles))
    made.place_types.set(PlaceType.objects.filter(code__in=types))
    return made


@pytest.fixture
def month(small_jurisdiction: dict[str, Grid]) -> dict[str, Any]:
    """Rules "rentals monthly, key units weekly, 小片 daily" and the people who hold them."""
    ScheduleRule.objects.all().delete()  # only this test's rules
    grids = small_jurisdiction
    worker_a, partner_a = person("网格员甲", grids[LEAF_A]), person("兼职乙", grids[LEAF_A])
    worker_b, police = person("网格员丙", grids[LEAF_B]), person("民警丁", grids[COMMUNITY])
    assign(worker_a, grids[LEAF_A], "fulltime_worker", backup=partner_a)
    assign(partner_a, grids[LEAF_A], "parttime_worker", backup=worker_a)
    assign(worker_b, grids[LEAF_B], "fulltime_worker")
    assign(police, grids[COMMUNITY], "community_police")
    rules = {
        "daily": rule("xiaopian_daily", "patrol", ["fulltime_worker"], 3, Frequency.DAILY),
        "rentals": rule(
            "rentals_monthly", "inspection", ["fulltime_worker"], 3, Frequency.MONTHLY,
            place_types=["rental_house", "shared_rental"],
        ),
        "key": rule(
            "key_weekly", "inspection", ["community_police"], 2, Frequency.WEEKLY,
            key_units_only=True,
        ),
    }  # fmt: skip
    places = {
        "rental_a1": place_in(grids[LEAF_A], "rental_house"),
        "rental_a2": place_in(grids[LEAF_A], "shared_rental"),
        "rental_b": place_in(grids[LEAF_B], "rental_house"),
        "hotel_key": place_in(grids[LEAF_A], "hotel", is_key_unit=True),
        "shop": place_in(grids[LEAF_B], "small_shop"),
    }
    people = {"a": worker_a, "partner": partner_a, "b": worker_b, "police": police}
    return {"grids": grids, "rules": rules, "places": places, "people": people}


def per_person(**filters: Any) -> Counter[Any]:
    return Counter(
        InspectionTask.objects.filter(**filters).values_list("assignee__name", flat=True)
    )


@time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_one_month_creates_exactly_the_expected_tasks_per_person(month: dict[str, Any]) -> None:
    result = schedule_generate(start=DEC_START, end=DEC_END)

    # 8 leaf grids × 31 days; 3 rentals × 1 month; 1 key unit × 5 weeks touching December.
    assert result.per_rule == {"xiaopian_daily": 248, "rentals_monthly": 3, "key_weekly": 5}
    assert result.created == 256
    assert per_person(rule__code="xiaopian_daily") == {"网格员甲": 31, "网格员丙": 31, None: 186}
    assert per_person(rule__code="rentals_monthly") == {"网格员甲": 2, "网格员丙": 1}
    assert per_person(rule__code="key_weekly") == {"民警丁": 5}
    weeks = InspectionTask.objects.filter(rule__code="key_weekly").order_by("period_start")
    assert [t.period_start for t in weeks] == [
        D(2026, 11, 30), D(2026, 12, 7), D(2026, 12, 14), D(2026, 12, 21), D(2026, 12, 28)
    ]  # fmt: skip
    assert [t.due_on for t in weeks][-1] == D(2027, 1, 3)
    assert result.unassigned == 186
    event = AuditEvent.objects.get(action="inspections.schedule_generate")
    assert event.data["created"] == 256


@time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_running_the_sweep_twice_creates_no_duplicates(month: dict[str, Any]) -> None:
    schedule_generate(start=DEC_START, end=DEC_END)
    again = schedule_generate(start=DEC_START, end=DEC_END)
    overlapping = schedule_generate(start=D(2026, 12, 15), end=D(2027, 1, 10))

    assert again.created == 0
    # Only January's periods are new: 8 × 10 days, 3 rentals, key-unit weeks from Jan 4.
    assert overlapping.per_rule == {"xiaopian_daily": 80, "rentals_monthly": 3, "key_weekly": 1}
    assert InspectionTask.objects.count() == 256 + 84
    # A run that changed nothing leaves no audit event.
    assert AuditEvent.objects.filter(action="inspections.schedule_generate").count() == 2


@time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_a_primary_on_leave_hands_the_window_to_the_ab_partner(month: dict[str, Any]) -> None:
    Leave.objects.create(
        person=month["people"]["a"], start_on=D(2026, 12, 5), end_on=D(2026, 12, 6)
    )

    schedule_generate(start=DEC_START, end=DEC_END)

    daily = InspectionTask.objects.filter(rule__code="xiaopian_daily", grid__code=LEAF_A)
    backed = daily.filter(assigned_via=InspectionTask.Via.BACKUP)
    assert sorted(t.due_on.day for t in backed) == [5, 6]
    assert {t.assignee_id for t in backed} == {month["people"]["partner"].pk}
    # Two days away in a month is not "missing": the rentals stay with the primary.
    assert per_person(rule__code="rentals_monthly") == {"网格员甲": 2, "网格员丙": 1}


@time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_an_ended_assignment_leaves_the_task_unassigned(month: dict[str, Any]) -> None:
    Assignment.objects.filter(person=month["people"]["b"]).update(end_on=D(2026, 11, 30))

    schedule_generate(start=DEC_START, end=DEC_END)

    rental_b = InspectionTask.objects.get(place=month["places"]["rental_b"])
    assert (rental_b.assignee, rental_b.assigned_via) == (None, InspectionTask.Via.NONE)


def test_a_window_that_passes_marks_the_task_missed_and_shows_in_coverage(
    month: dict[str, Any], make_user: Any
) -> None:
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)):
        schedule_generate(start=DEC_START, end=D(2026, 12, 3))
    with time_machine.travel(datetime.datetime(2026, 12, 3, 1, 0, tzinfo=datetime.UTC)):
        missed = tasks_mark_missed(today=D(2026, 12, 3))
        office = make_user("community_office", month["grids"][COMMUNITY])
        report = coverage(
            actor=office, grid_id=month["grids"][COMMUNITY].pk, start=DEC_START, end=DEC_END
        )

    # Dec 1 and Dec 2 daily patrols of all 8 leaves; 4 of them in this community.
    assert missed == 16
    assert InspectionTask.objects.filter(grid__code=LEAF_A, state="missed").count() == 2
    assert [r.grid.code for r in report.rows if r.grid] == [LEAF_A, LEAF_B]
    row_a = report.rows[0]
    # 3 daily patrols, 2 rentals, 1 key-unit week are due in December in leaf A.
    assert (row_a.due, row_a.missed, row_a.done, row_a.rate) == (6, 2, 0, 0.0)
    assert report.total.missed == 4
    assert {t.grid.code for t in report.missed} == {LEAF_A, LEAF_B}
    events = AuditEvent.objects.filter(action="inspection_task.missed")
    assert events.count() == 16


def test_a_missed_run_only_touches_open_tasks_whose_window_ended(month: dict[str, Any]) -> None:
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)):
        schedule_generate(start=DEC_START, end=DEC_END)
    InspectionTask.objects.filter(rule__code="xiaopian_daily", due_on=DEC_START).update(
        state="done"
    )

    assert tasks_mark_missed(today=D(2026, 12, 2)) == 0
    assert tasks_mark_missed(today=D(2026, 12, 3)) == 8


@time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_risk_open_hazards_and_clean_streaks_set_the_interval(
    small_jurisdiction: dict[str, Grid], make_user: Any
) -> None:
    ScheduleRule.objects.all().delete()
    grid = small_jurisdiction[LEAF_A]
    by_risk = rule(
        "small_by_risk", "inspection", ["fulltime_worker"], 3, Frequency.QUARTERLY,
        place_types=["small_shop"],
        frequency_by_risk={"high": "monthly", "medium": "quarterly", "low": "half_yearly"},
        frequency_open_hazard="weekly", relax_after_clean=2, relax_cap="yearly",
    )  # fmt: skip
    high = place_in(grid, "small_shop", risk_level="high")
    low = place_in(grid, "small_shop", risk_level="low")
    with_hazard = place_in(grid, "small_shop", risk_level="low")
    clean_high = place_in(grid, "small_shop", risk_level="high")
    worker = make_user("fulltime_worker", grid)
    Hazard.objects.create(
        category=HazardCategory.objects.get(code="ebike"), source="inspection", place=with_hazard,
        grid=grid, grid_path=grid.path, description="充电",
        found_at=datetime.datetime.now(datetime.UTC),
    )  # fmt: skip
    for day in (1, 2):
        _clean_inspection(clean_high, worker, day)

    schedule_generate(start=DEC_START, end=DEC_END, rules=[by_risk])

    def frequencies(place: Any) -> list[str]:
        return list(InspectionTask.objects.filter(place=place).values_list("frequency", flat=True))

    assert frequencies(high) == ["monthly"]
    assert frequencies(low) == ["half_yearly"]
    assert frequencies(with_hazard) == ["weekly"] * 5
    assert frequencies(clean_high) == ["quarterly"]  # two clean in a row: one step longer


def _clean_inspection(place: Any, user: Any, day: int) -> None:
    from firegrid.inspections.services import checklist_for_place

    when = datetime.datetime(2026, 11, day, 9, tzinfo=datetime.UTC)
    Inspection.objects.create(
        client_uuid=f"00000000-0000-0000-0000-{place.pk:06d}{day:06d}", place=place,
        grid=place.grid, grid_path=place.grid_path, template=checklist_for_place(place),
        inspector=user.person, submitted_by=user, started_at=when, finished_at=when,
        result="clean",
    )  # fmt: skip


def test_periods_follow_the_calendar() -> None:
    assert period_of("weekly", D(2026, 12, 2)) == (D(2026, 11, 30), D(2026, 12, 6))
    assert period_of("half_monthly", D(2026, 2, 20)) == (D(2026, 2, 16), D(2026, 2, 28))
    assert period_of("quarterly", D(2026, 12, 2)) == (D(2026, 10, 1), D(2026, 12, 31))
    assert period_of("half_yearly", D(2026, 7, 1)) == (D(2026, 7, 1), D(2026, 12, 31))
    assert period_of("yearly", D(2026, 3, 3)) == (D(2026, 1, 1), D(2026, 12, 31))
    assert len(list(periods_overlapping("half_monthly", D(2026, 1, 10), D(2026, 2, 1)))) == 3
    # 每月上旬: a monthly window of ten days.
    assert window_of(D(2026, 12, 1), D(2026, 12, 31), 10) == (D(2026, 12, 1), D(2026, 12, 10))
    assert relaxed("monthly", steps=1, cap="yearly") == "quarterly"
    assert relaxed("monthly", steps=9, cap="half_yearly") == "half_yearly"
    assert relaxed("quarterly", steps=2, cap="monthly") == "quarterly"


@time_machine.travel(datetime.datetime(2026, 12, 12, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_a_window_already_over_is_not_planned(month: dict[str, Any]) -> None:
    inspection_day = rule(
        "inspection_day", "patrol", ["community_office"], 2, Frequency.MONTHLY, window_days=10
    )

    first = schedule_generate(start=D(2026, 12, 12), end=D(2027, 1, 5), rules=[inspection_day])

    assert first.created == 4  # January only: December's window closed on the 10th
    task = InspectionTask.objects.filter(rule=inspection_day).first()
    assert task is not None
    assert (task.window_start, task.due_on) == (D(2027, 1, 1), D(2027, 1, 10))
