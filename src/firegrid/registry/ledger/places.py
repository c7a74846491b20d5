"""Checking and writing a places ledger (场所台账) in bulk: no query per row.

`places_check` reads nothing per row: place types, rules, grids, the places the file names and
the licence numbers it uses are loaded in a few queries; points are converted and located as
arrays. It returns a plan (the Place objects to create or update, with their history) or the
full list of row errors. `places_write` applies a clean plan with bulk inserts, one history
event per written place, and the duplicate flags, inside the caller's transaction.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record_many
from firegrid.core.bulk import insert_rows, reserve_ids
from firegrid.core.coords import convert_arrays, out_of_china_mask
from firegrid.core.errors import ValidationFailed
from firegrid.grids.locator import get_locator
from firegrid.grids.models import Grid
from firegrid.people.scope import user_scope

from ..classification import active_rules, classify, effective
from ..models import DuplicateCandidate, Place, PlaceType
from ..services.common import normalize_key
from ..services.duplicates import distance_m
from ..services.places import (
    CLASSIFIED_FIELDS,
    FLOAT_FIELDS,
    INT_FIELDS,
    PLACE_FIELDS,
    classification_summary,
    clean_place_values,
    history_value,
    place_classify,
)
from . import columns as c
from .columns import PLACES, Column
from .reader import LedgerRows
from .values import CellError, as_bool, as_choice, as_float, as_int, as_text, is_blank

FILE_OVERRIDES = ("risk_level", "is_key_unit")  # the overrides a ledger has columns for
CHUNK = 900  # keys per IN (…) query: under SQLite's parameter limit everywhere
MAX_GROUP = 50  # duplicate candidates compared per shared name/address
_CONCRETE = [f for f in Place._meta.concrete_fields]
PLACE_ATTNAMES = [f.attname for f in _CONCRETE]
PLACE_COLUMNS = [f.column for f in _CONCRETE]
# Values of the columns a ledger row does not set (merged_into, blank texts, empty numbers).
NEW_DEFAULTS = {f.attname: f.get_default() for f in _CONCRETE if f.attname != "id"}
UPDATE_FIELDS = [
    *PLACE_FIELDS,
    "lon",
    "lat",
    "grid",
    "grid_path",
    "grid_manual",
    "grid_manual_reason",
    "name_key",
    "address_key",
    "classification",
    *CLASSIFIED_FIELDS,
    "overrides",
    "override_reason",
    "updated_at",
]


@dataclass
class GridInfo:
    id: int
    path: str
    code: str
    name: str
    leaf: bool


@dataclass
class PlacePlan:
    errors: list[dict[str, Any]] = field(default_factory=list)
    creates: list[dict[str, Any]] = field(default_factory=list)  # Place attnames → values
    updates: list[tuple[Place, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0
    # (key, key, reasons, distance): key = a place pk, or ("new", index into creates)
    duplicates: list[tuple[Any, Any, list[str], float | None]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "duplicates_flagged": len(self.duplicates),
        }


@dataclass
class _Row:
    number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    place_id: int | None = None
    lon: float = math.nan
    lat: float = math.nan
    crs: str = ""
    grid_code: str | None = None  # None: column absent
    grid_reason: str = ""
    overrides: dict[str, Any] | None = None  # None: columns absent
    override_reason: str | None = None
    bad: bool = False


_REASONS = {
    "number_invalid": lambda e: _("Not a number."),
    "number_out_of_range": lambda e: _("Out of range."),
    "text_too_long": lambda e: _("Too long."),
    "place_type_unknown": lambda e: _("Unknown place type: pick one from the drop-down list."),
    "name_required": lambda e: _("Required."),
    "status_invalid": lambda e: _("Unknown status."),
}


def _reason(exc: ValidationFailed) -> str:
    make = _REASONS.get(exc.code)
    return make(exc) if make else str(exc.message)


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, row: _Row, column: Column, reason: str, value: Any = None) -> None:
        row.bad = True
        shown = row.raw.get(column.field) if value is None else value
        self.items.append(
            {"row": row.number, "column": column.header, "value": as_text(shown), "reason": reason}
        )


def _load_grids() -> tuple[dict[int, GridInfo], dict[str, GridInfo]]:
    rows = list(Grid.objects.values_list("id", "path", "code", "name", "parent_id"))
    parents = {parent for *_rest, parent in rows if parent is not None}
    by_id = {
        gid: GridInfo(gid, path, code, name, gid not in parents)
        for gid, path, code, name, _parent in rows
    }
    return by_id, {info.code: info for info in by_id.values()}


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def places_check(
    *,
    actor: Any,
    ledger: LedgerRows,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 5000,
) -> PlacePlan:
    """Check every row; the plan has either errors or the writes (never both applied)."""
    spec = PLACES
    errors = _Errors()
    types = {t.code: t for t in PlaceType.objects.filter(active=True)}
    type_by_label = {**types, **{t.name: t for t in types.values()}}
    present = {col.field: i for i, col in enumerate(ledger.columns)}
    cols = {col.field: col for col in spec.columns}
    default_crs = settings.FIREGRID_DEFAULT_CRS.lower()

    rows: list[_Row] = []
    for count, (number, cells) in enumerate(zip(ledger.numbers, ledger.rows, strict=True), 1):
        raw = {col.field: cells[i] for i, col in enumerate(ledger.columns)}
        row = _Row(number=number, raw=raw)
        _parse_row(row, present, cols, type_by_label, types, default_crs, errors)
        rows.append(row)
        if progress is not None and count % progress_every == 0:
            progress(count)

    grids_by_id, grids_by_code = _load_grids()
    located = _locate(rows, cols, errors)
    scope = user_scope(actor) if actor is not None else None
    existing = _load_existing(rows, cols, errors, scope)
    _check_licences(rows, cols, errors, existing)

    plan = PlacePlan()
    rules = active_rules()
    now = timezone.now()
    for row in rows:
        if row.bad:
            continue
        leaf = grids_by_id.get(located.get(row.number, -1))
        if leaf is None:
            continue
        stored = existing.get(row.place_id) if row.place_id is not None else None
        target, manual, reason = _target_grid(row, leaf, stored, grids_by_code, cols, errors)
        if target is None:
            continue
        place = existing.get(row.place_id) if row.place_id else None
        if scope is not None:
            paths = [target.path] + ([place.grid_path] if place is not None else [])
            denied = next((p for p in paths if not scope.may_edit_registry_in(p)), None)
            if denied is not None:
                where = cols["grid_code"] if manual else cols["lon"]
                name = target.name if denied == target.path else place.grid.name  # type: ignore[union-attr]
                message = (
                    _("The grid %(grid)s is outside your area.")
                    if not scope.covers(denied)
                    else _("Your role may not edit the registry of the grid %(grid)s.")
                )
                errors.add(row, where, message % {"grid": name})
                continue
        if place is None:
            plan.creates.append(_new_place(row, target, manual, reason, rules, now))
        else:
            history = _apply(place, row, target, manual, reason, rules, now)
            if history:
                plan.updates.append((place, history))
            else:
                plan.unchanged += 1
    if progress is not None:
        progress(len(rows))
    plan.errors = sorted(errors.items, key=lambda e: (e["row"], _column_order(e["column"])))
    if not plan.errors:
        plan.duplicates = _duplicates(plan)
    return plan


def _column_order(header: str) -> int:
    return next((i for i, col in enumerate(PLACES.columns) if col.header == header), 99)


def _parse_row(
    row: _Row,
    present: dict[str, int],
    cols: dict[str, Column],
    type_by_label: dict[str, PlaceType],
    types: dict[str, PlaceType],
    default_crs: str,
    errors: _Errors,
) -> None:
    raw = row.raw
    values: dict[str, Any] = {}
    for name in present:
        column = cols[name]
        value = raw[name]
        if is_blank(value):
            if column.required:
                errors.add(row, column, _("Required."))
            elif name in PLACE_FIELDS and name != "status":
                values[name] = None if name in INT_FIELDS or name in FLOAT_FIELDS else ""
            continue
        try:
            if name == "id":
                row.place_id = as_int(value)
            elif name in ("lon", "lat"):
                setattr(row, name, as_float(value))
            elif name == "crs":
                row.crs = as_choice(value, column)
            elif name == "grid_code":
                row.grid_code = as_text(value)
            elif name == "grid_reason":
                row.grid_reason = " ".join(as_text(value).split())
            elif name == "override_risk_level":
                row.overrides = {**(row.overrides or {}), "risk_level": as_choice(value, column)}
            elif name == "override_key_unit":
                row.overrides = {**(row.overrides or {}), "is_key_unit": as_bool(value)}
            elif name == "override_reason":
                row.override_reason = " ".join(as_text(value).split())
            elif name == "place_type":
                found = type_by_label.get("".join(as_text(value).split()))
                if found is None:
                    errors.add(
                        row, column, _("Unknown place type: pick one from the drop-down list.")
                    )
                else:
                    values[name] = found.code
            elif name == "status":
                values[name] = as_choice(value, column)
            elif column.kind == c.INT:
                values[name] = as_int(value)
            elif column.kind == c.FLOAT:
                values[name] = as_float(value)
            else:
                values[name] = as_text(value)
        except CellError as exc:
            errors.add(row, column, exc.reason)
    if "grid_code" in present and row.grid_code is None:
        row.grid_code = ""
    if "override_reason" in present and row.override_reason is None:
        row.override_reason = ""
    if row.overrides is None and (
        "override_risk_level" in present or "override_key_unit" in present
    ):
        row.overrides = {}
    if row.overrides and not row.override_reason:
        errors.add(row, cols["override_reason"], _("A manual classification needs a reason."))
    row.crs = row.crs or default_crs
    try:
        row.values = clean_place_values(values, types=types)
    except ValidationFailed:
        # Name every bad cell of the row, not only the first.
        for name, value in values.items():
            try:
                row.values.update(clean_place_values({name: value}, types=types))
            except ValidationFailed as exc:
                errors.add(row, cols[name], _reason(exc))


def _locate(rows: list[_Row], cols: dict[str, Column], errors: _Errors) -> dict[int, int]:
    """Row number → leaf grid id for every row whose point converts and falls in a grid."""
    located: dict[int, int] = {}
    by_crs: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if not row.bad and not (math.isnan(row.lon) or math.isnan(row.lat)):
            by_crs[row.crs].append(row)
    locator = get_locator()
    for crs, group in by_crs.items():
        lons = np.fromiter((r.lon for r in group), dtype=np.float64, count=len(group))
        lats = np.fromiter((r.lat for r in group), dtype=np.float64, count=len(group))
        outside = out_of_china_mask(lons, lats)
        wlons, wlats = convert_arrays(lons, lats, crs, "wgs84")
        leaves = locator.locate_many(wlons, wlats)
        for i, row in enumerate(group):
            if outside[i]:
                errors.add(
                    row,
                    cols["lon"],
                    _(
                        "The point (%(lon)s, %(lat)s) is not in China; "
                        "longitude and latitude swapped?"
                    )
                    % {"lon": row.lon, "lat": row.lat},
                )
            elif leaves[i] < 0:
                errors.add(
                    row, cols["lon"], _("The point is outside every grid of the jurisdiction.")
                )
            else:
                row.lon, row.lat = float(wlons[i]), float(wlats[i])
                located[row.number] = int(leaves[i])
    return located


def _load_existing(
    rows: list[_Row], cols: dict[str, Column], errors: _Errors, scope: Any
) -> dict[int, Place]:
    ids = sorted({row.place_id for row in rows if row.place_id is not None})
    existing: dict[int, Place] = {}
    for chunk in _chunks(ids):
        for place in Place.objects.filter(pk__in=chunk).select_related("place_type", "grid"):
            existing[place.pk] = place
    seen: dict[int, int] = {}
    for row in rows:
        if row.place_id is None:
            continue
        found = existing.get(row.place_id)
        if found is None or (scope is not None and not scope.covers(found.grid_path)):
            errors.add(row, cols["id"], _("No place with this id in your area."))
        elif found.status == Place.Status.MERGED:
            errors.add(row, cols["id"], _("This record was merged into another; edit that one."))
        elif row.place_id in seen:
            errors.add(
                row,
                cols["id"],
                _("The same id is already in row %(row)s.") % {"row": seen[row.place_id]},
            )
        else:
            seen[row.place_id] = row.number
    return existing


def _check_licences(
    rows: list[_Row], cols: dict[str, Column], errors: _Errors, existing: dict[int, Place]
) -> None:
    """A licence number belongs to one live place: another row or place using it is an error."""
    if "licence_number" not in cols:
        return
    in_file: dict[str, int] = {}
    for row in rows:
        licence = row.values.get("licence_number")
        if not licence:
            continue
        if licence in in_file:
            errors.add(
                row,
                cols["licence_number"],
                _("The licence number is already used in row %(row)s.") % {"row": in_file[licence]},
            )
        else:
            in_file[licence] = row.number
    file_ids = {row.place_id for row in rows if row.place_id is not None}
    owners: dict[str, int] = {}
    for chunk in _chunks(sorted(in_file)):
        # Places the file itself updates are left out here, in Python: a NOT IN of 100,000
        # ids in every query is what made a re-import crawl.
        for licence, pk in (
            Place.objects.filter(licence_number__in=chunk)
            .exclude(status=Place.Status.MERGED)
            .values_list("licence_number", "pk")
        ):
            if pk not in file_ids:
                owners[licence] = pk
    for row in rows:
        licence = row.values.get("licence_number") or ""
        owner = owners.get(licence) if licence else None
        if owner is not None and owner != row.place_id and in_file.get(licence) == row.number:
            errors.add(
                row,
                cols["licence_number"],
                _("The licence number is already registered for the place %(id)s.") % {"id": owner},
            )


def _target_grid(
    row: _Row,
    leaf: GridInfo,
    place: Place | None,
    grids_by_code: dict[str, GridInfo],
    cols: dict[str, Column],
    errors: _Errors,
) -> tuple[GridInfo | None, bool, str]:
    """The grid the row lands in: the point's leaf, or the grid set by hand (with a reason)."""
    code = row.grid_code
    if code is None and place is not None and place.grid_manual:  # column absent: keep it
        return (
            GridInfo(place.grid_id, place.grid_path, place.grid.code, place.grid.name, True),
            True,
            place.grid_manual_reason,
        )
    if code and code == leaf.code and place is not None and place.grid_manual:
        if place.grid_id == leaf.id:  # set by hand to the point's own grid: keep it so
            return leaf, True, row.grid_reason or place.grid_manual_reason
    if not code or code == leaf.code:
        return leaf, False, ""
    grid = grids_by_code.get(code)
    if grid is None:
        errors.add(row, cols["grid_code"], _("No grid has this code."))
        return None, False, ""
    if not grid.leaf:
        errors.add(
            row,
            cols["grid_code"],
            _("A place belongs to a leaf grid, not to %(grid)s.") % {"grid": grid.name},
        )
        return None, False, ""
    if not row.grid_reason:
        errors.add(row, cols["grid_reason"], _("Setting the grid by hand needs a reason."))
        return None, False, ""
    return grid, True, row.grid_reason


def _new_place(
    row: _Row, grid: GridInfo, manual: bool, reason: str, rules: list[Any], now: Any
) -> dict[str, Any]:
    """The new place's column values (no model instance: 100,000 of them cost seconds)."""
    values = dict(row.values)
    place_type = values.pop("place_type")
    overrides = row.overrides or {}
    computed = classify(
        type_id=place_type.pk,
        default_risk=place_type.default_risk,
        values={name: values.get(name) for name in (*INT_FIELDS, *FLOAT_FIELDS)},
        rules=rules,
    )
    return {
        **NEW_DEFAULTS,
        **values,
        "created_at": now,
        "updated_at": now,
        "lon": row.lon,
        "lat": row.lat,
        "grid_id": grid.id,
        "grid_path": grid.path,
        "grid_code": grid.code,  # for the history event; not a column
        "place_type_id": place_type.pk,
        "grid_manual": manual,
        "grid_manual_reason": reason if manual else "",
        "name_key": normalize_key(values.get("name", "")),
        "address_key": normalize_key(values.get("address") or ""),
        "classification": computed,
        **effective(computed, overrides),
        "overrides": overrides,
        "override_reason": (row.override_reason or "") if overrides else "",
    }


def _same_float(a: Any, b: Any) -> bool:
    """Equal up to what a spreadsheet keeps (Excel and openpyxl write 15–16 digits)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


def _apply(
    place: Place,
    row: _Row,
    grid: GridInfo,
    manual: bool,
    reason: str,
    rules: list[Any],
    now: Any,
) -> dict[str, Any]:
    """Set the row's values on the stored place; the history of what changed ({} = unchanged)."""
    history: dict[str, Any] = {}
    for name, value in row.values.items():
        old = getattr(place, name)
        if name == "place_type":
            if old.pk != value.pk:
                history[name] = [old.code, value.code]
                place.place_type = value
            continue
        if old != value and not _same_float(old, value):
            history[name] = [history_value(name, old), history_value(name, value)]
            setattr(place, name, value)
    if not (_same_float(place.lon, row.lon) and _same_float(place.lat, row.lat)):
        history["lon"], history["lat"] = [place.lon, row.lon], [place.lat, row.lat]
        place.lon, place.lat = row.lon, row.lat
    if place.grid_id != grid.id:
        history["grid"] = [place.grid.code, grid.code]
        place.grid_id, place.grid_path = grid.id, grid.path
    reason = reason if manual else ""
    if (place.grid_manual, place.grid_manual_reason) != (manual, reason):
        history["grid_manual"] = [place.grid_manual, manual]
        history["grid_manual_reason"] = [place.grid_manual_reason, reason]
        place.grid_manual, place.grid_manual_reason = manual, reason
    if row.overrides is not None:
        # The file carries the risk level and key unit; a 火灾高危 override set on the place
        # page has no column and stays.
        kept = {k: v for k, v in place.overrides.items() if k not in FILE_OVERRIDES}
        overrides = {**kept, **row.overrides}
        override_reason = (row.override_reason or place.override_reason) if overrides else ""
        if place.overrides != overrides or place.override_reason != override_reason:
            history["overrides"] = [place.overrides, overrides]
            history["override_reason"] = [place.override_reason, override_reason]
            place.overrides, place.override_reason = overrides, override_reason
    if not history:
        return history
    before = classification_summary(place)
    place.name_key = normalize_key(place.name)
    place.address_key = normalize_key(place.address)
    place_classify(place, rules=rules)
    after = classification_summary(place)
    if before != after:
        history["classification"] = [before, after]
    place.updated_at = now
    place._ledger_grid_code = grid.code  # type: ignore[attr-defined]
    return history


def _duplicates(plan: PlacePlan) -> list[tuple[Any, Any, list[str], float | None]]:
    """Likely duplicates among the written rows and the stored places, found in bulk: same
    normalised name within FIREGRID_DUPLICATE_DISTANCE_M, or the same normalised address."""
    items: dict[Any, tuple[str, str, float | None, float | None]] = {}
    for index, new in enumerate(plan.creates):
        items[("new", index)] = (new["name_key"], new["address_key"], new["lon"], new["lat"])
    written_ids = set()
    for place, _history in plan.updates:
        items[place.pk] = (place.name_key, place.address_key, place.lon, place.lat)
        written_ids.add(place.pk)
    if not items:
        return []
    names = sorted({v[0] for v in items.values() if v[0]})
    addresses = sorted({v[1] for v in items.values() if v[1]})
    stored = Place.objects.exclude(status=Place.Status.MERGED)
    for field_name, keys in (("name_key", names), ("address_key", addresses)):
        for chunk in _chunks(keys):
            for pk, name_key, address_key, lon, lat in stored.filter(
                Q(**{f"{field_name}__in": chunk})
            ).values_list("pk", "name_key", "address_key", "lon", "lat"):
                items.setdefault(pk, (name_key, address_key, lon, lat))  # written: file wins
    written = {key for key in items if isinstance(key, tuple)} | written_ids
    by_name: dict[str, list[Any]] = defaultdict(list)
    by_address: dict[str, list[Any]] = defaultdict(list)
    for key, (name_key, address_key, _lon, _lat) in items.items():
        if name_key:
            by_name[name_key].append(key)
        if address_key:
            by_address[address_key].append(key)
    limit = settings.FIREGRID_DUPLICATE_DISTANCE_M
    pairs: dict[tuple[Any, Any], tuple[list[str], float | None]] = {}

    def distance(a: Any, b: Any) -> float | None:
        _n, _a, lon1, lat1 = items[a]
        _n, _a, lon2, lat2 = items[b]
        if None in (lon1, lat1, lon2, lat2):
            return None
        return distance_m(lon1, lat1, lon2, lat2)  # type: ignore[arg-type]

    for groups, reason in ((by_name, "name_near"), (by_address, "address")):
        for members in groups.values():
            if len(members) < 2:
                continue
            members = members[:MAX_GROUP]
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if a not in written and b not in written:
                        continue
                    pair = (a, b) if repr(a) <= repr(b) else (b, a)
                    dist = distance(a, b)
                    if reason == "name_near" and (dist is None or dist > limit):
                        continue
                    reasons, _d = pairs.setdefault(pair, ([], dist))
                    reasons.append(reason)
    return [(a, b, reasons, dist) for (a, b), (reasons, dist) in pairs.items()]


def places_write(*, actor: Any, plan: PlacePlan, job_id: int | None = None) -> dict[str, int]:
    """Apply a clean plan; the caller holds the one transaction of the whole write."""
    if plan.errors:
        raise ValidationFailed(
            _("The ledger has errors; nothing was written."), code="ledger_rejected"
        )
    ids = reserve_ids(Place, len(plan.creates))
    for pk, new in zip(ids, plan.creates, strict=True):
        new["id"] = pk
    insert_rows(
        Place, PLACE_COLUMNS, [tuple(new[name] for name in PLACE_ATTNAMES) for new in plan.creates]
    )
    if plan.updates:
        Place.objects.bulk_update([p for p, _h in plan.updates], UPDATE_FIELDS, batch_size=500)
    source = {"ledger_import": job_id} if job_id is not None else {}
    events: list[tuple[str, Any, dict[str, Any]]] = [
        (
            "place.create",
            ("registry.place", str(new["id"])),
            {
                "name": new["name"],
                "grid": new["grid_code"],
                "grid_manual": new["grid_manual"],
                "classification": {
                    **{name: new[name] for name in CLASSIFIED_FIELDS},
                    "rules": [rule["code"] for rule in new["classification"]["fired"]],
                },
                **source,
            },
        )
        for new in plan.creates
    ]
    events += [
        ("place.update", place, {"changes": history, **source}) for place, history in plan.updates
    ]
    audit_record_many(actor=actor, events=events)
    flags = []
    for a, b, reasons, dist in plan.duplicates:
        first, second = sorted((_pk(plan, a), _pk(plan, b)))
        flags.append(
            DuplicateCandidate(place_id=first, other_id=second, reasons=reasons, distance_m=dist)
        )
    DuplicateCandidate.objects.bulk_create(flags, batch_size=1000, ignore_conflicts=True)
    return plan.counts


def _pk(plan: PlacePlan, key: Any) -> int:
    if isinstance(key, tuple):
        return int(plan.creates[key[1]]["id"])
    return int(key)
