"""Writes of places (场所/单位): create, edit, move, set the grid or the classification by hand.

Every write checks the actor's right, runs in one transaction and leaves an audit record whose
`data` is the place's history: the changed fields with old and new values, and grid moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import ValidationFailed
from firegrid.core.pii import mask_phone
from firegrid.grids.models import Grid

from ..classification import RuleSpec, active_rules, classify, effective
from ..models import Place, PlaceType, RiskLevel
from .cleaning import Spec, invalid
from .cleaning import clean_values as clean_fields
from .common import locate_point, normalize_key, require_edit
from .duplicates import place_flag_duplicates

# The editable fields, checked by the same `cleaning` rules as every other registry record.
PLACE_SPECS: dict[str, Spec] = {
    "name": Spec("text", max_length=200, required=True),
    "address": Spec("text", max_length=300),
    "licence_number": Spec("text", max_length=50),
    "responsible_name": Spec("text", max_length=50),
    "manager_name": Spec("text", max_length=50),
    "note": Spec("text", max_length=300),
    "responsible_phone": Spec("phone"),
    "manager_phone": Spec("phone"),
    "phone": Spec("phone"),
    "floors": Spec("int"),
    "beds": Spec("int"),
    "rooms": Spec("int"),
    "occupants": Spec("int"),
    "floor_area_m2": Spec("float"),
    "height_m": Spec("float"),
    # A place is merged only by `place_merge`, never by an edit.
    "status": Spec("choice", choices=(Place.Status.ACTIVE, Place.Status.CLOSED)),
}
TEXT_FIELDS = tuple(f for f, spec in PLACE_SPECS.items() if spec.kind == "text")
PHONE_FIELDS = tuple(f for f, spec in PLACE_SPECS.items() if spec.kind == "phone")
INT_FIELDS = tuple(f for f, spec in PLACE_SPECS.items() if spec.kind == "int")
FLOAT_FIELDS = tuple(f for f, spec in PLACE_SPECS.items() if spec.kind == "float")
PLACE_FIELDS = (*PLACE_SPECS, "place_type")
CLASSIFIED_FIELDS = ("risk_level", "is_key_unit", "is_high_risk_unit")
# Fields that feed the classification rules: changing one re-classifies the place.
RULE_INPUTS = ("place_type", *INT_FIELDS, *FLOAT_FIELDS)


def _clean_type(value: Any, types: Mapping[str, PlaceType] | None = None) -> PlaceType:
    if isinstance(value, PlaceType):
        return value
    if types is not None:
        place_type = types.get(str(value or ""))
    else:
        place_type = PlaceType.objects.filter(code=str(value or ""), active=True).first()
    if place_type is None:
        raise invalid(
            "place_type",
            _("Unknown place type %(type)s.") % {"type": repr(value)},
            "place_type_unknown",
        )
    return place_type


def clean_place_values(
    values: Mapping[str, Any], *, types: Mapping[str, PlaceType] | None = None
) -> dict[str, Any]:
    """Validate and normalise the editable fields given (the ledger import uses it per row).

    `types` (active place types by code, loaded once) spares the query per call that checking
    a 100,000-row ledger could not afford.
    """
    fields = dict(values)
    type_given = "place_type" in fields
    place_type = fields.pop("place_type", None)
    clean = clean_fields(fields, PLACE_SPECS)
    if type_given:
        clean["place_type"] = _clean_type(place_type, types)
    return clean


def history_value(field: str, value: Any) -> Any:
    """A value as the history keeps it: types by code, phones masked (the history is shown to
    roles that may not see phone numbers)."""
    if isinstance(value, PlaceType):
        return value.code
    if field in PHONE_FIELDS and value:
        return mask_phone(value)
    return value


def place_classify(place: Place, *, rules: list[RuleSpec] | None = None) -> bool:
    """Apply the rules (and the place's overrides) to the unsaved place; whether anything moved.

    `rules` loaded once spares a query per place when many are classified.
    """
    computed = classify(
        type_id=place.place_type_id,
        default_risk=place.place_type.default_risk,
        values={field: getattr(place, field) for field in (*INT_FIELDS, *FLOAT_FIELDS)},
        rules=active_rules() if rules is None else rules,
    )
    values = effective(computed, place.overrides)
    if computed == place.classification and all(getattr(place, k) == v for k, v in values.items()):
        return False
    place.classification = computed
    for field, value in values.items():
        setattr(place, field, value)
    return True


@transaction.atomic
def place_create(
    *,
    actor: Any,
    values: dict[str, Any],
    lon: float,
    lat: float,
    crs: str = "wgs84",
    grid: Grid | None = None,
    grid_reason: str = "",
) -> Place:
    """Register a place at a point; its grid is the leaf grid owning the point.

    Passing `grid` sets the grid by hand (a `grid_reason` is required); the place is then flagged
    `grid_manual`. Likely duplicates are flagged, not refused: the office decides.
    """
    clean = clean_place_values(values)
    for required in ("name", "place_type"):
        if required not in clean:
            raise invalid(
                required, _("%(field)s is required.") % {"field": required}, "field_required"
            )
    located = locate_point(lon=lon, lat=lat, crs=crs)
    target = located.grid
    if grid is not None and grid.pk != located.grid.pk:
        target = _manual_grid(grid, grid_reason)
    require_edit(actor, target)
    place = Place(
        lon=located.lon,
        lat=located.lat,
        grid=target,
        grid_path=target.path,
        grid_manual=target.pk != located.grid.pk,
        grid_manual_reason=grid_reason.strip() if target.pk != located.grid.pk else "",
        **clean,
    )
    place.name_key = normalize_key(place.name)
    place.address_key = normalize_key(place.address)
    place_classify(place)
    place.save()
    audit_record(
        actor=actor,
        action="place.create",
        target=place,
        data={
            "name": place.name,
            "grid": target.code,
            "grid_manual": place.grid_manual,
            "classification": classification_summary(place),
        },
    )
    place_flag_duplicates(place=place)
    return place


def _manual_grid(grid: Grid, reason: str) -> Grid:
    if not reason.strip():
        raise invalid(
            "grid",
            _("Setting the grid by hand needs a reason."),
            "grid_reason_required",
        )
    if grid.children.exists():
        raise invalid(
            "grid",
            _("A place belongs to a leaf grid, not to %(grid)s.") % {"grid": grid.name},
            "grid_not_leaf",
        )
    return grid


def classification_summary(place: Place) -> dict[str, Any]:
    """The classification as history events record it: effective values and fired rules."""
    return {
        **{field: getattr(place, field) for field in CLASSIFIED_FIELDS},
        "rules": [rule["code"] for rule in place.classification.get("fired", [])],
    }


@transaction.atomic
def place_update(
    *,
    actor: Any,
    place: Place,
    changes: dict[str, Any],
    point: tuple[float, float, str] | None = None,
) -> Place:
    """Edit fields and/or move the point (lon, lat, crs). A move into another grid re-assigns
    the place (unless its grid was set by hand) and the move is written to its history."""
    place = _lock_for_edit(actor, place)
    return _apply_update(actor, place, changes, point)


def _lock_for_edit(actor: Any, place: Place) -> Place:
    """The place locked for the rest of the transaction, after the one right check on it."""
    place = Place.objects.select_for_update().select_related("place_type", "grid").get(pk=place.pk)
    require_edit(actor, place.grid)
    if place.status == Place.Status.MERGED:
        raise ValidationFailed(
            _("This record was merged into another; edit that one."), code="place_merged"
        )
    return place


def _apply_update(
    actor: Any, place: Place, changes: dict[str, Any], point: tuple[float, float, str] | None
) -> Place:
    clean = clean_place_values(changes)
    history: dict[str, Any] = {}
    for field, value in clean.items():
        old = getattr(place, field)
        if old != value:
            history[field] = [history_value(field, old), history_value(field, value)]
            setattr(place, field, value)
    if point is not None:
        history.update(_move(actor, place, *point))
    if not history:
        return place
    place.name_key = normalize_key(place.name)
    place.address_key = normalize_key(place.address)
    before = classification_summary(place)
    if any(field in history for field in RULE_INPUTS):
        place_classify(place)
    after = classification_summary(place)
    if before != after:
        history["classification"] = [before, after]
    place.save()
    audit_record(actor=actor, action="place.update", target=place, data={"changes": history})
    if {"name", "address", "licence_number", "lon"} & set(history):
        place_flag_duplicates(place=place)
    return place


def _move(actor: Any, place: Place, lon: float, lat: float, crs: str) -> dict[str, Any]:
    located = locate_point(lon=lon, lat=lat, crs=crs)
    history: dict[str, Any] = {}
    if (place.lon, place.lat) != (located.lon, located.lat):
        history["lon"] = [place.lon, located.lon]
        history["lat"] = [place.lat, located.lat]
        place.lon, place.lat = located.lon, located.lat
    if not place.grid_manual and located.grid.pk != place.grid_id:
        require_edit(actor, located.grid)
        history["grid"] = [place.grid.code, located.grid.code]
        place.grid = located.grid
        place.grid_path = located.grid.path
    return history


@transaction.atomic
def place_set_grid(*, actor: Any, place: Place, grid: Grid | None, reason: str = "") -> Place:
    """Set the grid by hand (with a reason), or with `grid=None` go back to the point's grid."""
    place = Place.objects.select_for_update().select_related("grid").get(pk=place.pk)
    require_edit(actor, place.grid)
    return _apply_set_grid(actor, place, grid, reason)


def _apply_set_grid(actor: Any, place: Place, grid: Grid | None, reason: str) -> Place:
    if grid is None:
        if place.lon is None or place.lat is None:
            raise invalid("grid", _("This place has no point to locate."), "point_missing")
        target = locate_point(lon=place.lon, lat=place.lat, crs="wgs84").grid
        manual, reason = False, ""
    else:
        target = _manual_grid(grid, reason)
        manual = True
    require_edit(actor, target)
    history = {
        "grid": [place.grid.code, target.code],
        "grid_manual": [place.grid_manual, manual],
        "grid_manual_reason": [place.grid_manual_reason, reason.strip()],
    }
    place.grid, place.grid_path = target, target.path
    place.grid_manual, place.grid_manual_reason = manual, reason.strip()
    place.save(
        update_fields=["grid", "grid_path", "grid_manual", "grid_manual_reason", "updated_at"]
    )
    audit_record(actor=actor, action="place.set_grid", target=place, data={"changes": history})
    return place


class KeepGrid(Enum):
    """`place_edit(grid=KEEP_GRID)`: leave how the grid is chosen as it is."""

    KEEP = "keep"


KEEP_GRID = KeepGrid.KEEP


@transaction.atomic
def place_edit(
    *,
    actor: Any,
    place: Place,
    changes: dict[str, Any],
    point: tuple[float, float, str] | None = None,
    grid: Grid | None | KeepGrid = KEEP_GRID,
    grid_reason: str = "",
) -> Place:
    """The edit page's one write: fields, a move of the point and the grid, all or nothing.

    `grid` is a grid set by hand (`grid_reason` required), `None` for the grid owning the
    point, or `KEEP_GRID`. The history gets the same events as the separate services
    (`place.update`, then `place.set_grid` when the grid choice changes); a refused grid
    leaves the field changes unwritten.
    """
    place = _lock_for_edit(actor, place)
    place = _apply_update(actor, place, changes, point)
    if grid is KEEP_GRID:
        return place
    if grid is None:
        if place.grid_manual:
            place = _apply_set_grid(actor, place, None, "")
    elif grid.pk != place.grid_id or grid_reason.strip() != place.grid_manual_reason:
        place = _apply_set_grid(actor, place, grid, grid_reason)
    return place


@transaction.atomic
def place_set_classification(
    *, actor: Any, place: Place, overrides: dict[str, Any], reason: str
) -> Place:
    """Override risk level / key unit / 火灾高危 by hand; an empty dict goes back to the rules."""
    place = Place.objects.select_for_update().select_related("grid").get(pk=place.pk)
    require_edit(actor, place.grid)
    unknown = set(overrides) - set(CLASSIFIED_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="fields_unknown",
        )
    if "risk_level" in overrides and overrides["risk_level"] not in RiskLevel.values:
        raise invalid("risk_level", _("Unknown risk level."), "risk_level_invalid")
    if overrides and not reason.strip():
        raise invalid(
            "override_reason",
            _("A manual classification needs a reason."),
            "override_reason_required",
        )
    before = classification_summary(place)
    place.overrides = {key: overrides[key] for key in CLASSIFIED_FIELDS if key in overrides}
    place.override_reason = reason.strip() if overrides else ""
    for field, value in effective(place.classification, place.overrides).items():
        setattr(place, field, value)
    place.save(update_fields=[*CLASSIFIED_FIELDS, "overrides", "override_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="place.set_classification",
        target=place,
        data={
            "changes": {"classification": [before, classification_summary(place)]},
            "overrides": place.overrides,
            "reason": place.override_reason,
        },
    )
    return place


@transaction.atomic
def places_reclassify(*, actor: Any) -> int:
    """Apply the current rules to every place (after an office edits the rules); returns how
    many changed. Overrides stay."""
    rules = active_rules()
    changed = 0
    for place in Place.objects.select_related("place_type").iterator(chunk_size=2000):
        if not place_classify(place, rules=rules):
            continue
        place.save(update_fields=[*CLASSIFIED_FIELDS, "classification", "updated_at"])
        changed += 1
    audit_record(actor=actor, action="places.reclassify", data={"changed": changed})
    return changed
