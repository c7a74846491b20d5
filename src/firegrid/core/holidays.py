"""China's official holiday schedules (放假调休安排) as data, one entry per year.

Each year lists its days off (放假, including weekends inside a holiday) and its weekend working
days (调休上班). Only days that differ from Monday–Friday matter to the clock, but the whole
holiday is kept so pages can name it. A new year is loaded with `firegrid calendar load FILE`
(same shape, JSON) when the State Council publishes it, usually in November.
"""

from __future__ import annotations

import datetime
from typing import Any

# 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)
SOURCE_2026 = "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）"
HOLIDAYS_2026: dict[str, Any] = {
    "year": 2026,
    "source": SOURCE_2026,
    "off": [
        ["元旦", "2026-01-01", "2026-01-03"],
        ["春节", "2026-02-15", "2026-02-23"],
        ["清明节", "2026-04-04", "2026-04-06"],
        ["劳动节", "2026-05-01", "2026-05-05"],
        ["端午节", "2026-06-19", "2026-06-21"],
        ["中秋节", "2026-09-25", "2026-09-27"],
        ["国庆节", "2026-10-01", "2026-10-07"],
    ],
    "working": [
        ["元旦调休", "2026-01-04"],
        ["春节调休", "2026-02-14"],
        ["春节调休", "2026-02-28"],
        ["劳动节调休", "2026-05-09"],
        ["国庆节调休", "2026-09-20"],
        ["国庆节调休", "2026-10-10"],
    ],
}


def calendar_rows(schedule: dict[str, Any]) -> list[tuple[datetime.date, bool, str]]:
    """(day, is working, name) for every day a schedule names; raises ValueError on bad input."""
    year = int(schedule["year"])
    rows: list[tuple[datetime.date, bool, str]] = []
    for name, first, last in schedule.get("off", []):
        start, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
        if end < start or (end - start).days > 31:
            raise ValueError(f"{name}: {first}–{last} is not a holiday span")
        rows += [
            (start + datetime.timedelta(days=n), False, str(name))
            for n in range((end - start).days + 1)
        ]
    for name, day in schedule.get("working", []):
        rows.append((datetime.date.fromisoformat(day), True, str(name)))
    days = [row[0] for row in rows]
    if len(days) != len(set(days)):
        raise ValueError("a day is listed twice")
    if any(day.year not in (year - 1, year, year + 1) for day in days):
        raise ValueError(f"a day lies outside {year}")
    return rows
