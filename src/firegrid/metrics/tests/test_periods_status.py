"""Periods (month, quarter, year, custom), their comparisons, and the red/amber/green status."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from firegrid.core.errors import ValidationFailed
from firegrid.metrics import Figure, Period, metric_get, metric_status, period_from_params

D = datetime.date
TODAY = D(2026, 11, 20)


def parse(**kwargs: Any) -> Period:
    args: dict[str, Any] = {"kind": "month", "month": None, "start": None, "end": None}
    return period_from_params(**{**args, **kwargs}, today=TODAY)


def test_periods_of_each_kind_with_their_previous_and_last_year() -> None:
    month = parse(month=D(2026, 3, 17))
    quarter = parse(kind="quarter", month=D(2026, 11, 1))
    year = parse(kind="year")
    custom = parse(kind="custom", start=D(2026, 11, 1), end=D(2026, 11, 10))
    leap = Period.month(D(2028, 2, 1))

    assert (month.start, month.end, month.label) == (D(2026, 3, 1), D(2026, 3, 31), "2026-03")
    assert month.previous() == Period(D(2026, 2, 1), D(2026, 2, 28), "month")
    assert month.last_year() == Period(D(2025, 3, 1), D(2025, 3, 31), "month")
    assert (quarter.start, quarter.end) == (D(2026, 10, 1), D(2026, 12, 31))
    assert quarter.label == "2026 Q4"
    assert quarter.previous() == Period(D(2026, 7, 1), D(2026, 9, 30), "quarter")
    assert (year.start, year.end, year.label) == (D(2026, 1, 1), D(2026, 12, 31), "2026")
    assert custom.previous() == Period(D(2026, 10, 22), D(2026, 10, 31), "custom")
    assert custom.last_year() == Period(D(2025, 11, 1), D(2025, 11, 10), "custom")
    assert custom.label == "2026-11-01 – 2026-11-10"
    assert Period.month(D(2026, 1, 5)).previous().label == "2025-12"
    assert leap.last_year() == Period(D(2027, 2, 1), D(2027, 2, 28), "month")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "custom", "start": D(2026, 11, 10), "end": D(2026, 11, 1)}, "period_invalid"),
        ({"kind": "custom", "start": D(2026, 11, 10)}, "period_invalid"),
        ({"kind": "custom", "start": D(2025, 1, 1), "end": D(2026, 1, 2)}, "period_invalid"),
        ({"month": D(2026, 12, 1)}, "period_future"),
        ({"kind": "year", "month": D(2027, 1, 1)}, "period_future"),
        ({"kind": "week"}, "period_invalid"),
    ],
)
def test_a_bad_period_is_refused(kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        parse(**kwargs)

    assert error.value.code == code


@pytest.mark.parametrize(
    ("code", "value", "status"),
    [
        ("tasks_on_time_rate", 0.95, "green"),
        ("tasks_on_time_rate", 0.9, "green"),
        ("tasks_on_time_rate", 0.8, "amber"),
        ("tasks_on_time_rate", 0.5, "red"),
        ("tasks_on_time_rate", None, None),
        ("hazards_overdue", 0, "green"),
        ("hazards_overdue", 3, "amber"),
        ("hazards_overdue", 5, "red"),
        ("hazards_found", 40, None),
    ],
)
def test_status_follows_the_default_thresholds(code: str, value: Any, status: Any) -> None:
    assert metric_status(metric_get(code), Figure(code, value)) == status


def test_thresholds_are_configurable(settings: Any) -> None:
    settings.FIREGRID_METRIC_THRESHOLDS = {
        "tasks_on_time_rate": [0.99, 0.5],
        "hazards_open": [10, 20],
    }

    assert metric_status(metric_get("tasks_on_time_rate"), Figure("x", 0.95)) == "amber"
    assert metric_status(metric_get("hazards_open"), Figure("x", 15)) == "amber"
