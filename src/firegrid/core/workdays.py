"""Working-day clocks (工作日): Monday–Friday, except the days the holiday calendar changes.

Statutory limits ("within 3 working days") count whole working days after the start day:
`add_working_days(Friday, 1)` is the next Monday, unless that is a holiday.
"""

from __future__ import annotations

import datetime

from .models import CalendarDay

# Enough room for the longest holiday (Spring Festival, 9 days) plus weekends around it.
_SPAN_SLACK_DAYS = 21


class WorkCalendar:
    """The calendar's exceptions for a span, read once; answers many questions without queries."""

    def __init__(self, start: datetime.date, end: datetime.date) -> None:
        self.start, self.end = start, end
        self.exceptions = dict(
            CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list(
                "day", "is_working"
            )
        )

    def is_working(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def add(self, day: datetime.date, working_days: int) -> datetime.date:
        """The date `working_days` working days after `day` (0: `day` itself)."""
        if working_days < 0:
            raise ValueError("working_days must be ≥ 0")
        current, left = day, working_days
        while left:
            current += datetime.timedelta(days=1)
            if current > self.end:
                raise ValueError("span too short for this count")
            if self.is_working(current):
                left -= 1
        return current


def add_working_days(day: datetime.date, working_days: int) -> datetime.date:
    """`day` plus `working_days` working days, holidays and 调休 weekends included."""
    span = working_days * 7 // 5 + _SPAN_SLACK_DAYS + 7
    return WorkCalendar(day, day + datetime.timedelta(days=span)).add(day, working_days)


def is_working_day(day: datetime.date) -> bool:
    return WorkCalendar(day, day).is_working(day)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]: how many a clock started on `start` has used by `end`."""
    if end <= start:
        return 0
    calendar = WorkCalendar(start, end)
    return sum(
        1
        for n in range(1, (end - start).days + 1)
        if calendar.is_working(start + datetime.timedelta(days=n))
    )
