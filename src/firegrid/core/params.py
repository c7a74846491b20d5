"""One parser for what arrives from outside: whole numbers, days, day ranges, text.

Every interface reads its untrusted arguments through these (the JSON API through the
constrained types `Day`, `Page`, `PageSize`; Open311 and pages through the functions), so a value
is refused the same way everywhere and nothing a database or `datetime` cannot hold reaches one:

- whole numbers are ASCII digits only (`int("٣")` is 3 and `"²".isdigit()` is true in Python;
  neither is a number a person typed on purpose), within explicit bounds;
- days lie within 1900-01-01 … 2100-12-31 (`date.max + timedelta` overflows, `0` read as a
  Unix timestamp is 1970-01-01), written as ISO 8601 ``YYYY-MM-DD``;
- a range's end is not before its start;
- text carries no NUL or other control character except tab, line feed and carriage return
  (PostgreSQL refuses NUL in text; SQLite stores it and every later export carries it).

Problems are `ValidationFailed` whose `details` map the argument name to the message.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from .errors import ValidationFailed

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
# Pages: the highest page a list answers. (MAX_PAGE - 1) × the largest page size stays far
# inside a 64-bit OFFSET; a page past the data (but not past this) is an empty page.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1000
# NUL and the C0 controls but tab, LF and CR; DEL; lone UTF-16 surrogates (from JSON escapes),
# which neither PostgreSQL nor SQLite can store as UTF-8.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ASCII_INT = re.compile(r"[+-]?[0-9]+")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def invalid(name: str, message: str, *, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={name: message})


def parse_int(
    raw: str, *, name: str, minimum: int, maximum: int, code: str = "number_invalid"
) -> int:
    """ASCII digits (an optional sign), within [minimum, maximum]; surrounding spaces ignored."""
    text = raw.strip()
    if not _ASCII_INT.fullmatch(text) or len(text) > 20 or not minimum <= int(text) <= maximum:
        raise invalid(
            name,
            _("%(name)s must be a whole number from %(min)d to %(max)d.")
            % {"name": name, "min": minimum, "max": maximum},
            code=code,
        )
    return int(text)


def check_day(value: datetime.date, *, name: str) -> datetime.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise invalid(name, _day_message(name), code="date_out_of_range")
    return value


def _day_message(name: str) -> str:
    return _("%(name)s must be a day from %(first)s to %(last)s, written YYYY-MM-DD.") % {
        "name": name,
        "first": FIRST_DAY.isoformat(),
        "last": LAST_DAY.isoformat(),
    }


def parse_day(raw: str, *, name: str) -> datetime.date:
    """``YYYY-MM-DD`` in ASCII digits, within FIRST_DAY … LAST_DAY."""
    text = raw.strip()
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(text)
        value = datetime.date.fromisoformat(text)
    except ValueError:
        raise invalid(name, _day_message(name), code="date_invalid") from None
    return check_day(value, name=name)


def parse_datetime(raw: str, *, name: str) -> datetime.datetime:
    """ISO 8601 date or datetime (naive = local time) whose day is within the bounds."""
    from django.utils import timezone

    text = raw.strip()
    message = _(
        "%(name)s must be an ISO 8601 datetime such as 2026-12-03T09:30:00+08:00, "
        "from %(first)s to %(last)s."
    ) % {"name": name, "first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
    try:
        if not text.isascii():
            raise ValueError(text)
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise invalid(name, message, code="date_invalid") from None
    if not FIRST_DAY <= value.date() <= LAST_DAY:
        raise invalid(name, message, code="date_out_of_range")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def check_range(
    start: datetime.date | None, end: datetime.date | None, *, start_name: str, end_name: str
) -> None:
    """A range whose end is before its start is refused (naming the end)."""
    if start is not None and end is not None and end < start:
        raise invalid(
            end_name,
            _("%(end)s is before %(start)s.") % {"end": end_name, "start": start_name},
            code="date_range_invalid",
        )


# The largest whole number a database key or BIGINT holds; beyond it SQLite raises OverflowError.
MAX_BIGINT = 2**63 - 1


def oversized_number_in(value: str) -> bool:
    """A whole number in ASCII digits that no 64-bit column holds (e.g. an id of 30 digits)."""
    text = value.strip()
    return len(text) > 18 and _ASCII_INT.fullmatch(text) is not None and abs(int(text)) > MAX_BIGINT


def oversized_number_message(name: str) -> str:
    return _("%(name)s is a number too large to be stored or looked up.") % {"name": name}


def control_character_in(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def check_text(value: str, *, name: str) -> str:
    if control_character_in(value):
        raise invalid(name, control_character_message(name), code="control_character")
    return value


def control_character_message(name: str) -> str:
    return _("%(name)s contains a NUL or another control character, which is not allowed.") % {
        "name": name
    }


# ---------------------------------------------------------------- ninja / pydantic types


def _day_before(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` (or a date): pydantic alone would read ``0`` as 1970-01-01."""
    if isinstance(value, datetime.datetime):
        raise ValueError("a day, not a datetime")
    if isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        try:
            day = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(_day_message("value")) from None
    else:
        raise ValueError(_day_message("value"))
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(_day_message("value"))
    return day


# A calendar day in an API schema: ISO `YYYY-MM-DD` within 1900-01-01 … 2100-12-31.
Day = Annotated[
    datetime.date,
    BeforeValidator(_day_before),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "description": "YYYY-MM-DD, from 1900-01-01 to 2100-12-31.",
        }
    ),
]
# Page numbers and sizes of paginated lists.
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]


def day_range(start: str, end: str) -> Any:
    """A schema validator refusing a range whose `end` is before its `start` (422):
    ``_found = day_range("found_from", "found_to")`` in the schema's body."""

    def check(model: Any) -> Any:
        first, last = getattr(model, start), getattr(model, end)
        if first is not None and last is not None and last < first:
            raise ValueError(_("%(end)s is before %(start)s.") % {"end": end, "start": start})
        return model

    return model_validator(mode="after")(check)
