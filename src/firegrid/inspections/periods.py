"""Calendar periods of a frequency: weeks start on Monday, half-months on the 1st and 16th,
quarters and half-years on January, April, July and October the 1st."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from .models import Frequency

# From most to least often: relaxing an interval moves one step right.
ORDER: list[str] = [
    Frequency.DAILY,
    Frequency.WEEKLY,
    Frequency.HALF_MONTHLY,
    Frequency.MONTHLY,
    Frequency.QUARTERLY,
    Frequency.HALF_YEARLY,
    Frequency.YEARLY,
]
# Periods a month, for the staffing estimate.
PER_MONTH: dict[str, float] = {
    Frequency.DAILY: 30.4,
    Frequency.WEEKLY: 30.4 / 7,
    Frequency.HALF_MONTHLY: 2.0,
    Frequency.MONTHLY: 1.0,
    Frequency.QUARTERLY: 1 / 3,
    Frequency.HALF_YEARLY: 1 / 6,
    Frequency.YEARLY: 1 / 12,
}
_MONTHS_IN: dict[str, int] = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_of(frequency: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period (first day, last day) of `frequency` that contains `day`."""
    if frequency == Frequency.DAILY:
        return day, day
    if frequency == Frequency.WEEKLY:
        start = day - datetime.timedelta(days=day.weekday())
        return start, start + datetime.timedelta(days=6)
    if frequency == Frequency.HALF_MONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), _add_months(day, 1) - datetime.timedelta(days=1)
    if frequency == Frequency.YEARLY:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    months = _MONTHS_IN[frequency]
    start = datetime.date(day.year, (day.month - 1) // months * months + 1, 1)
    return start, _add_months(start, months) - datetime.timedelta(days=1)


def periods_overlapping(
    frequency: str, start: datetime.date, end: datetime.date
) -> Iterator[tuple[datetime.date, datetime.date]]:
    """Every period of `frequency` that overlaps [start, end], in order."""
    day = start
    while day <= end:
        first, last = period_of(frequency, day)
        yield first, last
        day = last + datetime.timedelta(days=1)


def window_of(
    first: datetime.date, last: datetime.date, window_days: int | None
) -> tuple[datetime.date, datetime.date]:
    """The part of a period a task is due in: the first `window_days` days (每月上旬 = 10)."""
    if not window_days:
        return first, last
    return first, min(last, first + datetime.timedelta(days=window_days - 1))


def relaxed(frequency: str, *, steps: int, cap: str) -> str:
    """`frequency` lengthened by `steps`, but never past `cap` (nor shortened by it)."""
    index = ORDER.index(frequency)
    limit = max(ORDER.index(cap), index) if cap else index
    return ORDER[min(index + steps, limit)]
