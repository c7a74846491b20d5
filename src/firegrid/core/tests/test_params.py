"""The shared parser of untrusted arguments (core/params.py)."""

from __future__ import annotations

import datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from firegrid.core.errors import ValidationFailed
from firegrid.core.params import (
    Day,
    check_range,
    check_text,
    control_character_in,
    oversized_number_in,
    parse_datetime,
    parse_day,
    parse_int,
)


@pytest.mark.parametrize("raw, expected", [("1", 1), (" 42 ", 42), ("+7", 7), ("1000", 1000)])
def test_parse_int_reads_ascii_digits_within_bounds(raw: str, expected: int) -> None:
    assert parse_int(raw, name="page", minimum=1, maximum=1000) == expected


@pytest.mark.parametrize(
    "raw", ["²", "٣", "١٢", "0", "1001", "", "1.5", "1e3", "0x10", "1_000", "9" * 40, "-1"]
)
def test_parse_int_refuses_unicode_digits_and_out_of_range(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_int(raw, name="page", minimum=1, maximum=1000, code="page_invalid")

    assert refused.value.code == "page_invalid"
    assert refused.value.details == {"page": "page must be a whole number from 1 to 1000."}


def test_parse_day_reads_iso_days_within_1900_to_2100() -> None:
    assert parse_day("2026-03-01", name="d") == datetime.date(2026, 3, 1)
    assert parse_day("1900-01-01", name="d") == datetime.date(1900, 1, 1)
    assert parse_day("2100-12-31", name="d") == datetime.date(2100, 12, 31)


@pytest.mark.parametrize(
    "raw, code",
    [
        ("0001-01-01", "date_out_of_range"),
        ("9999-12-31", "date_out_of_range"),
        ("0", "date_invalid"),
        ("20260301", "date_invalid"),
        ("٢٠٢٦-٠٣-٠١", "date_invalid"),
        ("2026-02-30", "date_invalid"),
    ],
)
def test_parse_day_refuses_other_forms_and_extreme_days(raw: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_day(raw, name="start")

    assert refused.value.code == code
    assert list(refused.value.details) == ["start"]


def test_parse_datetime_reads_naive_as_local_and_refuses_extremes() -> None:
    value = parse_datetime("2026-12-03T09:30:00", name="start_date")
    assert value.isoformat() == "2026-12-03T09:30:00+08:00"
    for raw in ("9999-12-31", "0001-01-01T00:00:00", "soon", "２０２６-01-01"):
        with pytest.raises(ValidationFailed):
            parse_datetime(raw, name="start_date")


def test_check_range_refuses_an_end_before_the_start() -> None:
    day = datetime.date(2026, 1, 2)
    check_range(day, day, start_name="from", end_name="to")
    check_range(None, day, start_name="from", end_name="to")
    with pytest.raises(ValidationFailed) as refused:
        check_range(day, datetime.date(2026, 1, 1), start_name="from", end_name="to")

    assert refused.value.details == {"to": "to is before from."}


@pytest.mark.parametrize("value", ["a\x00b", "\x07", "x\x1b[0m", "\x7f", "\ud800"])
def test_control_characters_are_found(value: str) -> None:
    assert control_character_in(value)
    with pytest.raises(ValidationFailed):
        check_text(value, name="q")


@pytest.mark.parametrize("value", ["plain", "line\nbreak\r\n", "tab\there", "消防 网格"])
def test_tab_newline_and_text_pass(value: str) -> None:
    assert not control_character_in(value)
    assert check_text(value, name="q") == value


def test_oversized_numbers_are_those_no_bigint_holds() -> None:
    assert not oversized_number_in(str(2**63 - 1))
    assert not oversized_number_in("100000000000000000")
    assert oversized_number_in(str(2**63))
    assert oversized_number_in("-" + "9" * 30)
    assert not oversized_number_in("9" * 30 + "a")


def test_day_type_refuses_timestamps_and_extreme_days() -> None:
    adapter = TypeAdapter(Day)
    assert adapter.validate_python("2026-03-01") == datetime.date(2026, 3, 1)
    for raw in ("0", 0, "0001-01-01", "9999-12-31", "2026-03-01T00:00:00", "tomorrow"):
        with pytest.raises(ValidationError):
            adapter.validate_python(raw)
