"""The daily schedule sweep (huey periodic task) and `firegrid inspections sweep`."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count

from firegrid.core.models import AuditEvent
from firegrid.inspections.models import InspectionTask, ScheduleRule
from firegrid.inspections.tasks import crontab_hour, schedule_sweep_daily, sweep_today

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LEAF = "410185001001001"
COMMUNITY = "410185001001"


def _at(day: int, hour: int = 9) -> Any:
    return time_machine.travel(datetime.datetime(2026, 3, day, hour, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def staffed(small_jurisdiction: Any, make_user: Any, make_place: Any, settings: Any) -> Any:
    """One rental in a leaf grid with its 专职网格员; only the rentals and patrol rules run."""
    settings.FIREGRID_SCHEDULE_HORIZON_DAYS = 14
    ScheduleRule.objects.exclude(code__in=["rentals_monthly", "grid_patrol_weekly"]).update(
        active=False
    )
    grid = small_jurisdiction[LEAF]
    start = datetime.date(2026, 1, 1)
    make_user("fulltime_worker", grid, username="worker", start_on=start)
    return make_place(grid, "rental_house", name="出租屋一")


def _per_rule() -> dict[str, int]:
    rows = InspectionTask.objects.values("rule__code").annotate(n=Count("id"))
    return {row["rule__code"]: row["n"] for row in rows}


def test_huey_fires_the_sweep_just_after_midnight_in_shanghai() -> None:
    task = schedule_sweep_daily.task_class()
    assert crontab_hour(0) == 16
    # huey hands periodic tasks naive UTC times
    assert task.validate_datetime(datetime.datetime(2026, 3, 10, 16, 17)) is True  # noqa: DTZ001
    assert task.validate_datetime(datetime.datetime(2026, 3, 10, 0, 17)) is False  # noqa: DTZ001


def test_crontab_hour_follows_the_time_zone_and_huey_utc_option(settings: Any) -> None:
    settings.TIME_ZONE = "UTC"
    assert crontab_hour(0) == 0
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.HUEY = {**settings.HUEY, "utc": False}
    assert crontab_hour(0) == 0


def test_sweep_plans_the_horizon_and_a_second_run_adds_nothing(staffed: Any) -> None:
    with _at(10):
        assert sweep_today() == (25, 0)
        # rentals: March for the rental; patrols: 8 leaf grids × weeks of 9, 16 and 23 March.
        assert _per_rule() == {"rentals_monthly": 1, "grid_patrol_weekly": 24}
        before = AuditEvent.objects.count()
        assert sweep_today() == (0, 0)
    assert InspectionTask.objects.count() == 25
    rental_task = InspectionTask.objects.get(rule__code="rentals_monthly")
    assert rental_task.assignee is not None
    assert (rental_task.assignee.name, rental_task.due_on) == ("worker", datetime.date(2026, 3, 31))
    assert AuditEvent.objects.count() == before  # a run that changed nothing records nothing


def test_sweep_marks_ended_windows_missed(staffed: Any) -> None:
    with _at(10):
        sweep_today()
    with _at(16):
        created, missed = sweep_today()
    assert missed == 8  # the week of 9 March in every leaf grid
    assert created == 8  # the week of 30 March comes into the horizon
    late = InspectionTask.objects.filter(state=InspectionTask.State.MISSED)
    assert set(late.values_list("due_on", "rule__code")) == {
        (datetime.date(2026, 3, 15), "grid_patrol_weekly")
    }


def test_the_periodic_task_runs_the_sweep(staffed: Any) -> None:
    with _at(10):
        schedule_sweep_daily.call_local()
    assert _per_rule()["rentals_monthly"] == 1


def test_command_sweep_prints_counts_per_rule(staffed: Any) -> None:
    out = io.StringIO()
    call_command("inspections", "sweep", "--today", "2026-03-10", stdout=out)
    assert out.getvalue().splitlines() == [
        "planned 2026-03-10 – 2026-03-24",
        "  grid_patrol_weekly       24",
        "  rentals_monthly           1",
        "  total                    25",
        "21 tasks have nobody to do them",
        "marked missed: 0",
    ]


def test_command_plans_a_range_without_marking_missed(staffed: Any) -> None:
    out = io.StringIO()
    call_command("inspections", "sweep", "--start", "2026-04-01", "--end", "2026-04-30", stdout=out)
    assert out.getvalue().splitlines()[0] == "planned 2026-04-01 – 2026-04-30"
    assert _per_rule() == {"rentals_monthly": 1, "grid_patrol_weekly": 40}
    assert "marked missed" not in out.getvalue()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--start", "2026-04-01"], "give --start and --end together"),
        (["--today", "2026-04-31"], "not a date (YYYY-MM-DD): '2026-04-31'"),
        (["--start", "2026-04-30", "--end", "2026-04-01"], "--end is before --start"),
        (
            ["--today", "2026-04-01", "--start", "2026-04-01", "--end", "2026-04-02"],
            "--today and --start/--end exclude each other",
        ),
        (["--horizon", "-1"], "--horizon must not be negative"),
    ],
)
def test_command_refuses_bad_dates_and_writes_nothing(
    staffed: Any, argv: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as error:
        call_command("inspections", "sweep", *argv, stdout=io.StringIO())
    assert str(error.value) == message
    assert InspectionTask.objects.count() == 0
