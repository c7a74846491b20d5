"""Field-by-field validation of registry input (buildings, households, residents, resources).

Each record type declares its editable fields as `Spec`s; `clean_values` checks and normalises
what was given and raises `ValidationFailed` with a stable code and `details={"field": …}`, so
the API, the pages and the ledger import report the same error for the same bad value.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from firegrid.core import pii
from firegrid.core.errors import ValidationFailed

from .common import normalize_phone_field

TRUE_WORDS = {"1", "true", "yes", "y", "是", "√"}
FALSE_WORDS = {"0", "false", "no", "n", "否", ""}


@dataclass(frozen=True)
class Spec:
    """One editable field: `kind` is text, phone, int, float, choice, date or bool."""

    kind: str
    max_length: int = 0
    choices: tuple[str, ...] = ()
    minimum: float = 0
    maximum: float = 10_000_000
    required: bool = False  # must not be empty when given (and must be given on create)


def invalid(field: str, message: str, code: str, **details: Any) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"field": field, **details})


def clean_values(values: dict[str, Any], specs: dict[str, Spec]) -> dict[str, Any]:
    """The given values, checked and normalised; unknown fields are refused, not ignored."""
    unknown = set(values) - set(specs)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="fields_unknown",
            details={"field": sorted(unknown)[0]},
        )
    return {field: clean_value(field, value, specs[field]) for field, value in values.items()}


def require_fields(clean: dict[str, Any], specs: dict[str, Spec]) -> None:
    """On create: every required field must be there."""
    for field, spec in specs.items():
        if spec.required and field not in clean:
            raise invalid(field, _("%(field)s is required.") % {"field": field}, "field_required")


def clean_value(field: str, value: Any, spec: Spec) -> Any:
    if spec.kind == "text":
        text = " ".join(str(value if value is not None else "").split())
        if len(text) > spec.max_length:
            raise invalid(
                field,
                _("%(field)s is longer than %(max)s characters.")
                % {"field": field, "max": spec.max_length},
                "text_too_long",
            )
        if spec.required and not text:
            code = "name_required" if field == "name" else "field_required"
            raise invalid(field, _("%(field)s must not be empty.") % {"field": field}, code)
        return text
    if spec.kind == "phone":
        return normalize_phone_field(str(value if value is not None else ""), field=field)
    if spec.kind in ("int", "float"):
        return _clean_number(field, value, spec)
    if spec.kind == "choice":
        if value not in spec.choices:
            raise invalid(
                field,
                _("%(value)s is not a valid %(field)s.") % {"value": repr(value), "field": field},
                f"{field}_invalid",
            )
        return value
    if spec.kind == "date":
        return clean_date(field, value)
    if spec.kind == "bool":
        return _clean_bool(field, value)
    raise AssertionError(f"unknown field kind {spec.kind!r}")  # pragma: no cover


def _clean_number(field: str, value: Any, spec: Spec) -> int | float | None:
    if value is None or value == "":
        if spec.required:
            raise invalid(field, _("%(field)s is required.") % {"field": field}, "field_required")
        return None
    if isinstance(value, bool):
        raise invalid(field, _("%(field)s must be a number.") % {"field": field}, "number_invalid")
    try:
        if spec.kind == "int":
            number: int | float = int(str(value).strip()) if isinstance(value, str) else int(value)
            if isinstance(value, float) and value != number:
                raise ValueError(value)
        else:
            number = float(value)
    except (TypeError, ValueError) as exc:
        raise invalid(
            field, _("%(field)s must be a number.") % {"field": field}, "number_invalid"
        ) from exc
    if number < spec.minimum or number > spec.maximum:
        raise invalid(
            field, _("%(field)s is out of range.") % {"field": field}, "number_out_of_range"
        )
    return number


def clean_date(field: str, value: Any) -> datetime.date | None:
    """A date, or an ISO `YYYY-MM-DD` string; anything ambiguous is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        raise invalid(field, _("%(field)s must be a date.") % {"field": field}, "date_invalid")
    if isinstance(value, datetime.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise invalid(
            field,
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": repr(value)},
            "date_invalid",
        ) from exc


def _clean_bool(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value if value is not None else "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise invalid(field, _("%(field)s must be yes or no.") % {"field": field}, "boolean_invalid")


def history_value(field: str, value: Any, specs: dict[str, Spec]) -> Any:
    """A value as the audit log keeps it: dates as ISO text, phones masked (never clear)."""
    spec = specs.get(field)
    if spec is not None and spec.kind == "phone":
        return pii.mask_phone(value) if value else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def apply_changes(record: Any, clean: dict[str, Any], specs: dict[str, Spec]) -> dict[str, Any]:
    """Set the changed fields on `record`; the history `{field: [old, new]}` of what changed."""
    history: dict[str, Any] = {}
    for field, value in clean.items():
        old = getattr(record, field)
        if old != value:
            history[field] = [history_value(field, old, specs), history_value(field, value, specs)]
            setattr(record, field, value)
    return history


def move_point(actor: Any, record: Any, point: tuple[float, float, str]) -> dict[str, Any]:
    """Move a located record (lon, lat, crs); a new grid needs edit rights there too.

    Returns the history of the move (lon, lat and grid as [old, new]); `grid_path` follows.
    """
    from .common import locate_point, require_edit

    lon, lat, crs = point
    located = locate_point(lon=lon, lat=lat, crs=crs)
    history: dict[str, Any] = {}
    if (record.lon, record.lat) != (located.lon, located.lat):
        history["lon"] = [record.lon, located.lon]
        history["lat"] = [record.lat, located.lat]
        record.lon, record.lat = located.lon, located.lat
    if located.grid.pk != record.grid_id:
        require_edit(actor, located.grid)
        history["grid"] = [record.grid.code, located.grid.code]
        record.grid = located.grid
        record.grid_path = located.grid.path
    return history
