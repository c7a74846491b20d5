"""Turning cells as calamine gives them (str, float, int, bool, date…) into field values.

Each parser returns the value or raises CellError with a reason the user can act on.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from .columns import NO, YES, Column


class CellError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_blank(value: Any) -> bool:
    if value is None or value == "":
        return True
    return type(value) is str and not value.strip()


def as_text(value: Any) -> str:
    """A cell as text: numbers typed into text columns (licence, grid code) lose the '.0'."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _folded(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


def as_float(value: Any) -> float:
    if type(value) is float:
        return value
    if isinstance(value, bool):
        raise CellError(_("Not a number."))
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(_folded(str(value)))
    except ValueError:
        raise CellError(_("Not a number.")) from None


def as_int(value: Any) -> int:
    number = as_float(value)
    if not number.is_integer():
        raise CellError(_("Not a whole number."))
    return int(number)


def as_choice(value: Any, column: Column) -> str:
    text = _folded(as_text(value))
    for stored, label in column.choices:
        if text.lower() in (label.lower(), stored.lower()):
            return stored
    raise CellError(
        _("Not one of: %(choices)s.")
        % {"choices": "、".join(label for _s, label in column.choices)}
    )


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _folded(as_text(value)).lower()
    if text in (YES, "y", "yes", "true", "1", "√", "✓"):
        return True
    if text in (NO, "n", "no", "false", "0", "×"):
        return False
    raise CellError(_("Write 是 or 否."))


_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
)


def as_date(value: Any) -> datetime.date:
    """2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日 or an Excel date cell; nothing else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("A number is not a date: format the cell as a date or write 2026-03-01."))
    text = _folded(str(value))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                raise CellError(_("There is no such day.")) from None
    raise CellError(_("Not a date: write it as 2026-03-01, 2026/3/1 or 2026年3月1日."))
