"""Golden tests: on the frozen November fixture (tests/conftest.py) every metric equals a
hand-computed value, equals an aggregate written here in raw SQL, and its drill-down lists
exactly as many records as the figure counts."""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Any

import pytest
from django.db import connection

from firegrid.core.errors import NotFound, ValidationFailed
from firegrid.inspections.selectors import coverage
from firegrid.metrics import (
    MetricFilters,
    Period,
    metric_definitions,
    metric_records,
    metric_table,
)
from firegrid.metrics.definitions import BY_CODE

from . import builders as b
from .conftest import COMM1, COMM2, COUNTY, STREET1, STREET2, TODAY, A, D

NOVEMBER = Period.month(TODAY)

# Hand-computed from the fixture for the county in November 2026, "today" 20 November.
COUNTY_COUNTS = {
    "tasks_due": 8,  # on time 3 + late 1 + missed 2 + open past the window 2
    "tasks_done_on_time": 3,
    "tasks_done_late": 1,
    "tasks_missed": 2,
    "tasks_open_overdue": 2,
    "tasks_open_in_window": 3,  # due today (20th), 25th, 30th
    "places_never_inspected": 3,  # 甲店, 乙店, 丁重点 (the closed shop is not counted)
    "key_units_not_inspected": 2,  # 丁重点 never, 甲重点 only in October
    "hazards_found": 7,  # h1 h2 h4 h5 h6 h7 h8
    "hazards_confirmed": 5,  # h1 h2 h4 h7 h8
    "hazards_found_closed": 1,  # h1
    "hazards_closed": 2,  # h1, h3 (found in October)
    "hazards_deadline_due": 5,  # h1 h2 h3 h4 h7
    "hazards_closed_by_deadline": 1,  # h1 (h3 closed a day late)
    "hazards_open": 6,  # h2 h4 h6 h7 h8 h9
    "hazards_overdue": 2,  # h2 (deadline passed while rectifying), h4 (escalated)
    "hazards_escalated": 1,
    "hazards_handed_over": 1,
    "hazards_major": 1,
    "reports_received": 3,  # r4 is hidden, r5 is October
    "reports_triaged_in_time": 1,
    "reports_triage_overdue": 1,  # r3 (clock ran out on the 16th); r4 is hidden
    "reports_confirmed": 1,
    "reports_closed": 1,
    "notices_issued": 2,
    "notices_acknowledged": 1,
}
COUNTY_RATES = {
    "tasks_on_time_rate": Fraction(3, 8),
    "hazards_rectification_rate": Fraction(1, 5),
    "hazards_on_time_rectification_rate": Fraction(1, 5),
}
COUNTY_DAYS = {"hazards_days_to_close_avg": 10.5, "hazards_days_to_close_p90": 17}

OPEN = "('planned', 'in_progress')"
TASKS = "FROM inspections_inspectiontask t WHERE t.grid_path LIKE %(prefix)s"
TASKS_DUE = f"{TASKS} AND t.due_on >= %(start)s AND t.due_on <= %(end)s"
HAZARDS = "FROM hazards_hazard h WHERE h.grid_path LIKE %(prefix)s"
FOUND = f"{HAZARDS} AND h.found_at >= %(start_at)s AND h.found_at < %(end_before)s"
EVENT = "EXISTS (SELECT 1 FROM hazards_hazardevent e WHERE e.hazard_id = h.id AND "
DEADLINE = (
    f"{HAZARDS} AND h.deadline >= %(start)s AND h.deadline <= %(end)s AND h.state <> 'rejected'"
)
REPORTS = (
    "FROM reports_report r WHERE r.grid_path LIKE %(prefix)s AND r.hidden = %(false)s "
    "AND r.requested_at >= %(start_at)s AND r.requested_at < %(end_before)s"
)
NOTICES = (
    "FROM hazards_rectificationnotice n JOIN hazards_hazard h ON h.id = n.hazard_id "
    "WHERE h.grid_path LIKE %(prefix)s "
    "AND n.issued_at >= %(start_at)s AND n.issued_at < %(end_before)s"
)
PLACES = "FROM registry_place p WHERE p.grid_path LIKE %(prefix)s AND p.status = 'active'"


def local_date(column: str) -> str:
    """The local (Asia/Shanghai) calendar day of a stored UTC timestamp, per database."""
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE 'Asia/Shanghai')::date"
    return f"date({column}, '+8 hours')"


RAW_SQL = {
    "tasks_due": f"{TASKS_DUE} AND t.state <> 'cancelled' "
    f"AND NOT (t.state IN {OPEN} AND t.due_on >= %(today)s)",
    "tasks_done_on_time": f"{TASKS_DUE} AND t.state = 'done' "
    "AND (t.completed_on <= t.due_on OR t.completed_on IS NULL)",
    "tasks_done_late": f"{TASKS_DUE} AND t.state = 'done' AND t.completed_on > t.due_on",
    "tasks_missed": f"{TASKS_DUE} AND t.state = 'missed'",
    "tasks_open_overdue": f"{TASKS_DUE} AND t.state IN {OPEN} AND t.due_on < %(today)s",
    "tasks_open_in_window": f"{TASKS_DUE} AND t.state IN {OPEN} AND t.due_on >= %(today)s",
    "places_never_inspected": f"{PLACES} AND NOT EXISTS "  # noqa: S608
    "(SELECT 1 FROM inspections_inspection i WHERE i.place_id = p.id)",
    "key_units_not_inspected": f"{PLACES} AND p.is_key_unit = %(true)s AND NOT EXISTS "  # noqa: S608
    "(SELECT 1 FROM inspections_inspection i WHERE i.place_id = p.id "
    "AND i.finished_at >= %(start_at)s AND i.finished_at < %(end_before)s)",
    "hazards_found": FOUND,
    "hazards_confirmed": f"{FOUND} AND h.state NOT IN ('reported', 'rejected')",
    "hazards_found_closed": f"{FOUND} AND {EVENT} e.to_state = 'closed' AND e.at < %(end_before)s)",
    "hazards_closed": f"{HAZARDS} AND {EVENT} e.to_state = 'closed' "
    "AND e.at >= %(start_at)s AND e.at < %(end_before)s)",
    "hazards_deadline_due": DEADLINE,
    "hazards_closed_by_deadline": f"{DEADLINE} AND {EVENT} e.to_state = 'closed' "
    f"AND {local_date('e.at')} <= h.deadline)",
    "hazards_open": f"{HAZARDS} AND h.state NOT IN ('closed', 'rejected')",
    "hazards_overdue": f"{HAZARDS} AND h.state NOT IN ('closed', 'rejected') AND "
    "(h.next_due < %(today)s OR h.state IN ('overdue', 'escalated') OR "
    "(h.deadline < %(today)s AND h.state IN ('notice_issued', 'rectifying')))",
    "hazards_escalated": f"{FOUND} AND {EVENT} e.action = 'escalate')",
    "hazards_handed_over": f"{FOUND} AND {EVENT} e.action = 'hand_over')",
    "hazards_major": f"{FOUND} AND h.severity = 'major'",
    "reports_received": REPORTS,
    "reports_triaged_in_time": f"{REPORTS} AND r.triaged_at IS NOT NULL "
    "AND (r.triage_due IS NULL OR r.triaged_at <= r.triage_due)",
    "reports_triage_overdue": "FROM reports_report r WHERE r.grid_path LIKE %(prefix)s "
    "AND r.hidden = %(false)s AND r.state = 'new' AND r.triage_due < %(end_of_today)s",
    "reports_confirmed": f"{REPORTS} AND r.state = 'confirmed'",
    "reports_closed": f"{REPORTS} AND r.state = 'closed'",
    "notices_issued": NOTICES,
    "notices_acknowledged": f"{NOTICES} AND n.received_at IS NOT NULL",
}


def raw_count(code: str, prefix: str, period: Period = NOVEMBER) -> int:
    ops = connection.ops
    params = {
        "prefix": prefix + "%",
        "start": ops.adapt_datefield_value(period.start),
        "end": ops.adapt_datefield_value(period.end),
        "today": ops.adapt_datefield_value(TODAY),
        "start_at": ops.adapt_datetimefield_value(b.at(period.start, 0)),
        "end_before": ops.adapt_datetimefield_value(
            b.at(period.end, 0) + datetime.timedelta(days=1)
        ),
        "end_of_today": ops.adapt_datetimefield_value(b.at(TODAY, 0) + datetime.timedelta(days=1)),
        "true": True,
        "false": False,
    }
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {RAW_SQL[code]}", params)  # noqa: S608
        return int(cursor.fetchone()[0])


def test_every_metric_of_the_interface_is_defined_and_tested() -> None:
    public = {m.code for m in metric_definitions() if not m.internal}
    internal = {"hazards_found_closed", "hazards_deadline_due", "hazards_closed_by_deadline"}
    assert public == (set(COUNTY_COUNTS) - internal) | set(COUNTY_RATES) | set(COUNTY_DAYS)
    assert set(RAW_SQL) == {m.code for m in metric_definitions() if m.unit == "count"}


@pytest.mark.parametrize("code", sorted(COUNTY_COUNTS))
def test_a_count_equals_the_hand_count_the_raw_sql_and_its_drill_down(
    world: dict[str, Any], code: str
) -> None:
    county, user = world["grids"][COUNTY], world["users"]["county"]
    table = metric_table(actor=user, grid_id=county.pk, period=NOVEMBER, codes=[code])
    records = metric_records(actor=user, code=code, grid_id=county.pk, period=NOVEMBER)

    assert table.total[code].value == COUNTY_COUNTS[code]
    assert raw_count(code, county.path) == COUNTY_COUNTS[code]
    assert records.count() == COUNTY_COUNTS[code]


@pytest.mark.parametrize("code", sorted(COUNTY_RATES))
def test_a_rate_is_numerator_over_denominator_and_drills_down_to_the_numerator(
    world: dict[str, Any], code: str
) -> None:
    county, user = world["grids"][COUNTY], world["users"]["county"]
    metric = BY_CODE[code]
    figure = metric_table(actor=user, grid_id=county.pk, period=NOVEMBER, codes=[code]).total[code]
    records = metric_records(actor=user, code=code, grid_id=county.pk, period=NOVEMBER)
    expected = COUNTY_RATES[code]

    assert figure.value == float(expected)
    assert (figure.numerator, figure.denominator) == (expected.numerator, expected.denominator)
    assert figure.numerator == raw_count(str(metric.numerator), county.path)
    assert figure.denominator == raw_count(str(metric.denominator), county.path)
    assert records.count() == figure.numerator


def test_working_days_to_close_skip_weekends_and_drill_down_to_the_hazards_closed(
    world: dict[str, Any],
) -> None:
    county, user = world["grids"][COUNTY], world["users"]["county"]
    table = metric_table(actor=user, grid_id=county.pk, period=NOVEMBER, codes=sorted(COUNTY_DAYS))
    records = metric_records(
        actor=user, code="hazards_days_to_close_p90", grid_id=county.pk, period=NOVEMBER
    )

    # h1: Mon 2 → Fri 6 Nov = 4 working days; h3: Tue 20 Oct → Thu 12 Nov = 17.
    assert table.total["hazards_days_to_close_avg"].value == 10.5
    assert table.total["hazards_days_to_close_p90"].value == 17
    assert [h.pk for h in records] == [world["hazards"]["h3"].pk, world["hazards"]["h1"].pk]
    assert table.previous["hazards_days_to_close_avg"].value is None


def test_a_task_left_open_past_its_window_lowers_the_on_time_rate(world: dict[str, Any]) -> None:
    county, user = world["grids"][COUNTY], world["users"]["county"]

    def rate() -> Any:
        table = metric_table(
            actor=user, grid_id=county.pk, period=NOVEMBER, codes=["tasks_on_time_rate"]
        )
        return table.total["tasks_on_time_rate"]

    before = rate()
    b.task(world["grids"][A], D(2026, 11, 23), "planned")  # still inside its window: apart
    within = rate()
    b.task(world["grids"][A], D(2026, 11, 16), "planned")  # past its window, never swept
    after = rate()

    assert (before.numerator, before.denominator) == (3, 8)
    assert (within.numerator, within.denominator) == (3, 8)
    assert (after.numerator, after.denominator) == (3, 9)
    assert after.value is not None and before.value is not None and after.value < before.value


def test_the_table_has_one_row_per_child_grid_and_the_periods_to_compare(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    g, user = world["grids"], world["users"]["county"]
    codes = [m.code for m in metric_definitions()]
    user_scope_warm = metric_table(actor=user, grid_id=None, period=NOVEMBER, codes=["tasks_due"])
    assert [grid.code for grid, _figures in user_scope_warm.rows] == [COUNTY]

    # grid, children, one grouped query per family (tasks, places, hazards, reports, notices)
    # for the three periods together, one for the days to close, one for the holiday calendar.
    with django_assert_max_num_queries(9):
        table = metric_table(actor=user, grid_id=g[COUNTY].pk, period=NOVEMBER, codes=codes)

    assert {c: f.value for c, f in table.total.items() if c in COUNTY_COUNTS} == COUNTY_COUNTS
    assert [grid.code for grid, _figures in table.rows] == [STREET1, STREET2]
    street1, street2 = (figures for _grid, figures in table.rows)
    assert (street1["tasks_due"].value, street1["tasks_done_on_time"].value) == (7, 2)
    assert (street2["tasks_due"].value, street2["tasks_on_time_rate"].value) == (1, 1.0)
    assert (street1["hazards_found"].value, street2["hazards_found"].value) == (6, 1)
    assert (street1["hazards_open"].value, street2["hazards_open"].value) == (5, 1)
    assert table.previous["tasks_due"].value == 1  # October: the task done on 20 October
    assert table.previous["hazards_found"].value == 2  # h3, h9
    assert table.last_year["tasks_due"].value == 0
    assert table.last_year["tasks_on_time_rate"].value is None


def test_filters_narrow_by_category_and_place_type(world: dict[str, Any]) -> None:
    county, user = world["grids"][COUNTY], world["users"]["county"]
    codes = ["hazards_found", "hazards_major", "tasks_due", "reports_received"]

    ebikes = metric_table(
        actor=user, grid_id=county.pk, period=NOVEMBER, codes=codes,
        filters=MetricFilters(category="ebike"),
    )  # fmt: skip
    shops = metric_table(
        actor=user, grid_id=county.pk, period=NOVEMBER, codes=codes,
        filters=MetricFilters(place_type="small_shop"),
    )  # fmt: skip

    assert {c: f.value for c, f in ebikes.total.items()} == {
        "hazards_found": 1, "hazards_major": 1, "tasks_due": 8, "reports_received": 0,
    }  # fmt: skip
    assert {c: f.value for c, f in shops.total.items()} == {
        "hazards_found": 1, "hazards_major": 0, "tasks_due": 1, "reports_received": 0,
    }  # fmt: skip


# ------------------------------------------------------------------------------ scope matrix

SCOPED = {
    # viewer: (the grid they see, tasks_due, on time, hazards_found, hazards_open,
    #          reports_received, notices_issued, places_never_inspected)
    "comm1": (COMM1, 6, 2, 4, 4, 2, 2, 2),
    "comm2": (COMM2, 1, 0, 2, 1, 1, 0, 0),
    "worker_a": (A, 4, 1, 4, 3, 1, 2, 1),
    "street1": (STREET1, 7, 2, 6, 5, 3, 2, 2),
}
SCOPED_CODES = [
    "tasks_due", "tasks_done_on_time", "hazards_found", "hazards_open", "reports_received",
    "notices_issued", "places_never_inspected",
]  # fmt: skip


@pytest.mark.parametrize("viewer", sorted(SCOPED))
def test_a_viewer_counts_only_their_own_grids_records(world: dict[str, Any], viewer: str) -> None:
    code_of_grid, *expected = SCOPED[viewer]
    user, grid = world["users"][viewer], world["grids"][code_of_grid]

    everything = metric_table(actor=user, grid_id=None, period=NOVEMBER, codes=SCOPED_CODES)
    own = metric_table(actor=user, grid_id=grid.pk, period=NOVEMBER, codes=SCOPED_CODES)

    assert [everything.total[c].value for c in SCOPED_CODES] == expected
    assert [own.total[c].value for c in SCOPED_CODES] == expected
    assert [c for c in SCOPED_CODES if raw_count(c, grid.path) != own.total[c].value] == []
    for code in SCOPED_CODES:
        records = metric_records(actor=user, code=code, grid_id=None, period=NOVEMBER)
        paths = [r.hazard.grid_path if code.startswith("notices") else r.grid_path for r in records]
        assert all(path.startswith(grid.path) for path in paths)
        assert len(paths) == own.total[code].value


@pytest.mark.parametrize(
    ("viewer", "other"),
    [("comm1", COMM2), ("comm2", COMM1), ("worker_a", COMM1), ("comm1", STREET1),
     ("street1", STREET2)],
)  # fmt: skip
def test_a_grid_outside_the_scope_is_not_found(
    world: dict[str, Any], viewer: str, other: str
) -> None:
    user, grid = world["users"][viewer], world["grids"][other]

    with pytest.raises(NotFound) as table_error:
        metric_table(actor=user, grid_id=grid.pk, period=NOVEMBER, codes=["tasks_due"])
    with pytest.raises(NotFound) as records_error:
        metric_records(actor=user, code="tasks_due", grid_id=grid.pk, period=NOVEMBER)

    assert table_error.value.code == records_error.value.code == "grid_not_found"


# ------------------------------------------------------------------------------ bad input


def test_bad_input_is_refused_with_a_clear_error(world: dict[str, Any]) -> None:
    user, county = world["users"]["county"], world["grids"][COUNTY]

    def table(**kwargs: Any) -> Any:
        args = {"actor": user, "grid_id": county.pk, "period": NOVEMBER, "codes": ["tasks_due"]}
        return metric_table(**{**args, **kwargs})

    with pytest.raises(ValidationFailed) as backwards:
        table(period=Period(D(2026, 11, 10), D(2026, 11, 1)))
    with pytest.raises(ValidationFailed) as future:
        table(period=Period.month(D(2026, 12, 1)))
    with pytest.raises(NotFound) as unknown_metric:
        table(codes=["tasks_due", "no_such_metric"])
    with pytest.raises(NotFound) as unknown_grid:
        table(grid_id=10**9)

    assert backwards.value.code == "period_invalid"
    assert future.value.code == "period_future"
    assert unknown_metric.value.code == "metric_not_found"
    assert unknown_grid.value.code == "grid_not_found"


def test_the_coverage_page_shows_the_same_on_time_rate(world: dict[str, Any]) -> None:
    county, user = world["grids"][COUNTY], world["users"]["county"]
    table = metric_table(
        actor=user, grid_id=county.pk, period=NOVEMBER, codes=["tasks_on_time_rate"]
    )
    report = coverage(actor=user, grid_id=county.pk, start=NOVEMBER.start, end=NOVEMBER.end)

    assert report.total.rate == table.total["tasks_on_time_rate"].value == 3 / 8
    assert (
        [row.rate for row in report.rows]
        == [figures["tasks_on_time_rate"].value for _grid, figures in table.rows]
        == [2 / 7, 1.0]
    )
