"""Working-day clocks against the 2026 holiday calendar (loaded by a data migration)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from firegrid.core.errors import ValidationFailed
from firegrid.core.models import AuditEvent, CalendarDay
from firegrid.core.services import calendar_load
from firegrid.core.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date
pytestmark = pytest.mark.django_db


def test_the_2026_schedule_is_loaded() -> None:
    assert CalendarDay.objects.filter(day__year=2026, is_working=False).count() == 33
    assert list(
        CalendarDay.objects.filter(day__year=2026, is_working=True).values_list("day", flat=True)
    ) == [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
          D(2026, 10, 10)]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 3, 13), 1, D(2026, 3, 16)),  # Friday + 1 = Monday
        (D(2026, 3, 11), 3, D(2026, 3, 16)),  # an ordinary week
        (D(2026, 9, 29), 3, D(2026, 10, 9)),  # 国庆: 1–7 October off
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 8), 2, D(2026, 10, 10)),  # Saturday 10 October is a 调休 working day
        (D(2026, 2, 12), 1, D(2026, 2, 13)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Saturday 14 February works
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # then 春节 15–23 February
        (D(2026, 4, 2), 1, D(2026, 4, 3)),
        (D(2026, 4, 3), 1, D(2026, 4, 7)),  # 清明 4–6 April
        (D(2026, 6, 1), 0, D(2026, 6, 1)),
    ],
)
def test_add_working_days_skips_holidays_and_counts_tiaoxiu(
    start: datetime.date, n: int, expected: datetime.date
) -> None:
    assert add_working_days(start, n) == expected


def test_working_day_questions() -> None:
    assert is_working_day(D(2026, 10, 10)) is True  # a Saturday
    assert is_working_day(D(2026, 10, 5)) is False  # a Monday off
    assert is_working_day(D(2026, 10, 11)) is False  # a plain Sunday
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4  # 8, 9, 10, 12 October
    assert working_days_between(D(2026, 10, 12), D(2026, 10, 12)) == 0


def test_a_new_year_loads_from_a_file_and_replaces_that_year(tmp_path: Path) -> None:
    schedule: dict[str, Any] = {
        "year": 2027,
        "source": "test schedule",
        "off": [["元旦", "2027-01-01", "2027-01-03"]],
        "working": [["调休", "2027-01-09"]],
    }
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(schedule, ensure_ascii=False), encoding="utf-8")

    call_command("calendar", "load", str(path))
    call_command("calendar", "load", str(path))  # loading again replaces, never duplicates

    assert CalendarDay.objects.filter(day__year=2027).count() == 4
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert is_working_day(D(2027, 1, 9)) is True
    assert AuditEvent.objects.filter(action="calendar.load").count() == 2


@pytest.mark.parametrize(
    "schedule",
    [
        {"year": 2027, "off": [["元旦", "2027-01-03", "2027-01-01"]]},
        {"year": 2027, "off": [["a", "2027-01-01", "2027-01-02"]],
         "working": [["b", "2027-01-02"]]},
        {"year": 2027, "off": [["a", "2031-01-01", "2031-01-02"]]},
        {"off": []},
        {"year": 2027, "off": [["a", "2027-13-01", "2027-13-02"]]},
    ],
)  # fmt: skip
def test_a_bad_schedule_changes_nothing(schedule: dict[str, Any]) -> None:
    before = CalendarDay.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        calendar_load(schedule=schedule)
    assert caught.value.code == "calendar_invalid"
    assert CalendarDay.objects.count() == before


def test_the_command_names_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("calendar", "load", str(path))
