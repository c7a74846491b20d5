"""Reporting periods (统计期): a month, a quarter, a year or a custom span of days.

Every figure is counted over one `Period`; `previous()` and `last_year()` give the periods a
dashboard compares with (环比, 同比). `period_from_params` is the one parser of the period a page
or the API asks for: an end before the start, a period that starts after today, or a custom span
longer than 366 days is refused with `ValidationFailed`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from firegrid.core.params import invalid

KINDS = ("month", "quarter", "year", "custom")
LONGEST_CUSTOM_DAYS = 366


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day: datetime.date) -> datetime.date:
    return add_months(day, 1) - datetime.timedelta(days=1)


def _year_earlier(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    start: datetime.date  # inclusive
    end: datetime.date  # inclusive
    kind: str = "custom"  # month | quarter | year | custom

    @classmethod
    def month(cls, day: datetime.date) -> Period:
        return cls(month_start(day), month_end(day), "month")

    @classmethod
    def quarter(cls, day: datetime.date) -> Period:
        first = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return cls(first, add_months(first, 3) - datetime.timedelta(days=1), "quarter")

    @classmethod
    def year(cls, day: datetime.date) -> Period:
        return cls(datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31), "year")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same kind (or length) right before this one."""
        if self.kind == "month":
            return Period.month(add_months(self.start, -1))
        if self.kind == "quarter":
            return Period.quarter(add_months(self.start, -3))
        if self.kind == "year":
            return Period.year(datetime.date(self.start.year - 1, 1, 1))
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end, "custom")

    def last_year(self) -> Period:
        """The same period one year earlier (同比)."""
        if self.kind == "month":
            return Period.month(_year_earlier(self.start))
        if self.kind == "quarter":
            return Period.quarter(_year_earlier(self.start))
        if self.kind == "year":
            return Period.year(_year_earlier(self.start))
        return Period(_year_earlier(self.start), _year_earlier(self.end), "custom")

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.start.year}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def period_from_params(
    *,
    kind: str,
    month: datetime.date | None,
    start: datetime.date | None,
    end: datetime.date | None,
    today: datetime.date,
) -> Period:
    """The period asked for; `month` is any day of the month (quarter, year) meant, today's by
    default. Refuses an unknown kind, a custom span without both ends, an end before its start,
    a custom span over 366 days and a period that starts after today."""
    if kind not in KINDS:
        raise invalid("period", _("Unknown period kind."), code="period_invalid")
    if kind == "custom":
        if start is None or end is None:
            raise invalid(
                "start", _("A custom period needs a start and an end."), code="period_invalid"
            )
        if end < start:
            raise invalid("end", _("The period ends before it starts."), code="period_invalid")
        if (end - start).days + 1 > LONGEST_CUSTOM_DAYS:
            raise invalid(
                "end", _("A custom period is at most 366 days long."), code="period_invalid"
            )
        period = Period(start, end, "custom")
    else:
        day = month or today
        period = {"month": Period.month, "quarter": Period.quarter, "year": Period.year}[kind](day)
    if period.start > today:
        raise invalid("period", _("The period lies in the future."), code="period_future")
    return period
