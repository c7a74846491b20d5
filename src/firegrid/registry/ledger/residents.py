"""The residents ledger (居民台账): one row per resident, its household's columns repeated.

Same contract as the other ledgers: every row is checked first, in bulk (buildings, grids,
households, residents and ID-number digests are loaded in a few chunked queries, never one per
row), and nothing is written unless every row is clean.

Households are found again by their 系统编号, else by (building, unit, room), or by address
within the grid for a household without a building. A household's grid is its building's, or
— without a building — the leaf grid named in 所属网格编码.

Personal data: ID numbers and phones are encrypted on write (`resident_set_pii`); the history,
the job's errors and the error report only ever show masked values. A cell that still holds the
stored masked value (what the export writes by default) means "unchanged", so an exported file
imports back unchanged. An export with clear values needs the unmask right on every row's grid
and is audited (`residents.export_unmasked`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core import pii
from firegrid.core.audit import audit_record, audit_record_many
from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.people.scope import user_scope

from ..models import Building, Household, Resident
from ..services.common import normalize_key, normalize_phone_field
from ..services.households import RESIDENT_FLAGS
from ..services.residents import resident_set_pii
from .columns import NO, RESIDENTS, YES, Column
from .places import GridInfo, _chunks, _Errors, _load_grids, _Row
from .reader import LedgerRows
from .values import CellError, as_bool, as_int, as_text, is_blank

HOUSEHOLD_TEXT = ("unit", "room", "address", "landlord_name", "landlord_phone")
HOUSEHOLD_VALUES = ("size", "is_rental", *HOUSEHOLD_TEXT)
RESIDENT_VALUES = ("name", "birth_year", *RESIDENT_FLAGS, "note")
PII_COLUMNS = ("id_number", "phone")
MAX_LENGTH = {
    "unit": 20,
    "room": 20,
    "address": 300,
    "landlord_name": 50,
    "name": 50,
    "note": 300,
    "building": 300,
    "grid_code": 50,
}
KEEP = object()  # a PII cell still holding the stored masked value: leave the stored value


class _PiiErrors(_Errors):
    """Row errors that never show an ID number or phone in clear."""

    def add(self, row: _Row, column: Column, reason: str, value: Any = None) -> None:
        if column.field in PII_COLUMNS:
            text = _fold(as_text(row.raw.get(column.field) if value is None else value))
            value = pii.mask_id_number(text) if column.field == "id_number" else _mask_phone(text)
        super().add(row, column, reason, value)


def _mask_phone(text: str) -> str:
    return pii.mask_phone(text) if text else ""


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


@dataclass
class _ResidentRow:
    """What one row says, parsed (values only for the columns present in the file)."""

    row: _Row
    household_id: int | None = None
    resident_id: int | None = None
    grid_code: str = ""
    building: str = ""
    household: dict[str, Any] = field(default_factory=dict)
    resident: dict[str, Any] = field(default_factory=dict)
    id_number: Any = None  # None: column absent or blank (keep); KEEP; or the clean value
    phone: Any = None
    digest: str = ""


@dataclass
class ResidentPlan:
    errors: list[dict[str, Any]] = field(default_factory=list)
    household_creates: list[Household] = field(default_factory=list)
    household_updates: list[tuple[Household, dict[str, Any]]] = field(default_factory=list)
    creates: list[Resident] = field(default_factory=list)
    updates: list[tuple[Resident, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "households_created": len(self.household_creates),
            "households_updated": len(self.household_updates),
        }

    @property
    def changed(self) -> bool:
        return any(v for k, v in self.counts.items() if k != "unchanged")


# --------------------------------------------------------------------------- parsing


def _parse(row: _Row, present: list[Column], cols: dict[str, Column], errors: _Errors) -> Any:
    parsed = _ResidentRow(row=row)
    for column in present:
        name, value = column.field, row.raw[column.field]
        if is_blank(value):
            if column.required:
                errors.add(row, column, _("Required."))
            elif name in HOUSEHOLD_TEXT:
                parsed.household[name] = ""
            elif name in ("is_rental", *RESIDENT_FLAGS):
                (parsed.household if name == "is_rental" else parsed.resident)[name] = False
            elif name in ("birth_year", "note"):
                parsed.resident[name] = None if name == "birth_year" else ""
            # A blank ID number or phone keeps the stored one: a list typed without them
            # must not wipe what cannot be typed again; clearing is done on the resident page.
            continue
        try:
            if name in ("id", "household_id"):
                number = as_int(value)
                if name == "id":
                    parsed.resident_id = number
                else:
                    parsed.household_id = number
            elif name in ("is_rental", *RESIDENT_FLAGS):
                target = parsed.household if name == "is_rental" else parsed.resident
                target[name] = as_bool(value)
            elif name == "size":
                size = as_int(value)
                if not 1 <= size <= 200:
                    raise CellError(_("Out of range."))
                parsed.household["size"] = size
            elif name == "birth_year":
                year = as_int(value)
                if not 1900 <= year <= 2100:
                    raise CellError(_("Out of range."))
                parsed.resident["birth_year"] = year
            elif name == "landlord_phone":
                parsed.household[name] = _phone(value)
            elif name == "phone":
                text = _fold(as_text(value))
                parsed.phone = text if "*" in text else _phone(text)
            elif name == "id_number":
                parsed.id_number = _fold(as_text(value)).upper()
            else:
                text = " ".join(as_text(value).split())
                if len(text) > MAX_LENGTH.get(name, 300):
                    raise CellError(_("Too long."))
                if name == "grid_code":
                    parsed.grid_code = text
                elif name == "building":
                    parsed.building = text
                elif name in HOUSEHOLD_TEXT:
                    parsed.household[name] = text
                else:
                    parsed.resident[name] = text
        except CellError as exc:
            errors.add(row, column, exc.reason)
    return parsed


def _phone(value: Any) -> str:
    try:
        return normalize_phone_field(as_text(value), field="phone")
    except ValidationFailed:
        raise CellError(_("Not a valid phone number.")) from None


# --------------------------------------------------------------------------- checking


def residents_check(
    *,
    actor: Any,
    ledger: LedgerRows,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 5000,
) -> ResidentPlan:
    """Check every row; the plan holds either the errors or the writes."""
    errors = _PiiErrors()
    cols = {col.field: col for col in RESIDENTS.columns}
    present = list(ledger.columns)
    parsed: list[_ResidentRow] = []
    for count, (number, cells) in enumerate(zip(ledger.numbers, ledger.rows, strict=True), 1):
        row = _Row(number=number, raw={col.field: cells[i] for i, col in enumerate(present)})
        parsed.append(_parse(row, present, cols, errors))
        if progress is not None and count % progress_every == 0:
            progress(count)
    scope = user_scope(actor) if actor is not None else None
    grids_by_id, grids_by_code = _load_grids()
    buildings = _load_buildings(scope)
    existing_households = _load_households(parsed, buildings, grids_by_code)
    residents_by_id, residents_by_household = _load_residents(parsed, existing_households)
    checker = _Checker(
        errors=errors,
        cols=cols,
        scope=scope,
        grids_by_id=grids_by_id,
        grids_by_code=grids_by_code,
        buildings=buildings,
        households=existing_households,
        residents_by_id=residents_by_id,
        residents_by_household=residents_by_household,
    )
    plan = checker.run(parsed)
    if progress is not None:
        progress(len(parsed))
    plan.errors = sorted(errors.items, key=lambda e: (e["row"], _column_order(e["column"])))
    return plan


def _column_order(header: str) -> int:
    return next((i for i, col in enumerate(RESIDENTS.columns) if col.header == header), 99)


@dataclass
class _BuildingInfo:
    id: int
    name: str
    grid_id: int
    grid_path: str


@dataclass
class _Buildings:
    by_id: dict[int, _BuildingInfo]
    by_key: dict[str, list[_BuildingInfo]]


def _load_buildings(scope: Any) -> _Buildings:
    """Every building the actor sees, by normalised name and by normalised address."""
    query = Building.objects.all()
    if scope is not None:
        query = query.filter(scope.q("grid_path"))
    by_id: dict[int, _BuildingInfo] = {}
    by_key: dict[str, list[_BuildingInfo]] = {}
    for pk, name, address, grid_id, grid_path in query.values_list(
        "pk", "name", "address", "grid_id", "grid_path"
    ).order_by("pk"):
        info = _BuildingInfo(pk, name, grid_id, grid_path)
        by_id[pk] = info
        for key in {normalize_key(name), normalize_key(address)} - {""}:
            by_key.setdefault(key, []).append(info)
    return _Buildings(by_id, by_key)


def _load_households(
    parsed: list[_ResidentRow], buildings: _Buildings, grids_by_code: dict[str, GridInfo]
) -> dict[int, Household]:
    """The stored households the file may mean: by id, in its buildings, in its grids."""
    ids = sorted({p.household_id for p in parsed if p.household_id is not None})
    building_ids = sorted(
        {
            b.id
            for p in parsed
            if p.building
            for b in buildings.by_key.get(normalize_key(p.building), [])
        }
    )
    grid_ids = sorted(
        {
            grids_by_code[p.grid_code].id
            for p in parsed
            if not p.building and p.grid_code in grids_by_code
        }
    )
    found: dict[int, Household] = {}
    base = Household.objects.all()  # grids come from `_load_grids`: no boundary read here
    for chunk in _chunks(building_ids):
        found.update((h.pk, h) for h in base.filter(building_id__in=chunk))
    for chunk in _chunks(grid_ids):
        found.update((h.pk, h) for h in base.filter(grid_id__in=chunk, building__isnull=True))
    for chunk in _chunks([pk for pk in ids if pk not in found]):
        found.update((h.pk, h) for h in base.filter(pk__in=chunk))
    return found


def _load_residents(
    parsed: list[_ResidentRow], households: dict[int, Household]
) -> tuple[dict[int, Resident], dict[int, list[Resident]]]:
    by_id: dict[int, Resident] = {}
    for chunk in _chunks(sorted(households)):
        by_id.update((r.pk, r) for r in Resident.objects.filter(household_id__in=chunk))
    ids = sorted({p.resident_id for p in parsed if p.resident_id is not None} - set(by_id))
    for chunk in _chunks(ids):
        by_id.update((r.pk, r) for r in Resident.objects.filter(pk__in=chunk))
    by_household: dict[int, list[Resident]] = {}
    for resident in sorted(by_id.values(), key=lambda r: r.pk):
        by_household.setdefault(resident.household_id, []).append(resident)
    return by_id, by_household


@dataclass
class _Group:
    """The rows of one household in the file (a stored household, or one to create)."""

    first: int
    household: Household | None
    building: _BuildingInfo | None
    grid: GridInfo
    values: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # field → row that gave the value
    filled: set[str] = field(default_factory=set)  # fields some row gave a value for
    new: Household | None = None


@dataclass
class _Checker:
    errors: _Errors
    cols: dict[str, Column]
    scope: Any
    grids_by_id: dict[int, GridInfo]
    grids_by_code: dict[str, GridInfo]
    buildings: _Buildings
    households: dict[int, Household]
    residents_by_id: dict[int, Resident]
    residents_by_household: dict[int, list[Resident]]

    def run(self, parsed: list[_ResidentRow]) -> ResidentPlan:
        plan = ResidentPlan()
        natural: dict[tuple[Any, ...], Household] = {}
        for household in sorted(self.households.values(), key=lambda h: h.pk):
            natural.setdefault(_natural_key(household), household)
        groups: dict[tuple[Any, ...], _Group] = {}
        placed: list[tuple[_ResidentRow, _Group | None]] = []
        for p in parsed:
            placed.append((p, self._group(p, natural, groups)))  # None: the row has errors
        self._check_ids(placed)
        if self.errors.items:
            return plan
        now = timezone.now()
        for group in groups.values():
            self._household(group, plan, now)
        claimed: set[int] = set()
        for p, found in placed:
            assert found is not None  # every row is clean here
            self._resident(p, found, plan, claimed, now)
        return plan

    # ----- households

    def _where(self, p: _ResidentRow) -> tuple[_BuildingInfo | None, GridInfo | None]:
        """The row's building and grid, or (None, None) after an error."""
        row, cols = p.row, self.cols
        grid = None
        if p.grid_code:
            grid = self.grids_by_code.get(p.grid_code)
            if grid is None:
                self.errors.add(row, cols["grid_code"], _("No grid has this code."))
                return None, None
        if p.building:
            candidates = self.buildings.by_key.get(normalize_key(p.building), [])
            if grid is not None:
                candidates = [b for b in candidates if b.grid_path.startswith(grid.path)]
            if not candidates:
                self.errors.add(
                    row,
                    cols["building"],
                    _("Unknown building: no building in your area has this name or address."),
                )
                return None, None
            if len({b.id for b in candidates}) > 1:
                self.errors.add(
                    row,
                    cols["building"],
                    _(
                        "Several buildings have this name or address; write the household's "
                        "grid code in 所属网格编码."
                    ),
                )
                return None, None
            building = candidates[0]
            return building, self.grids_by_id[building.grid_id]
        if grid is None:
            self.errors.add(
                row,
                cols["building"],
                _("A household needs a building, or a grid code (所属网格编码) and an address."),
            )
            return None, None
        if not grid.leaf:
            self.errors.add(
                row,
                cols["grid_code"],
                _("A household belongs to a leaf grid, not to %(grid)s.") % {"grid": grid.name},
            )
            return None, None
        if not p.household.get("address"):
            self.errors.add(
                row, cols["address"], _("A household without a building needs an address.")
            )
            return None, None
        return None, grid

    def _may_edit(self, p: _ResidentRow, grid: GridInfo, column: str) -> bool:
        scope = self.scope
        if scope is None or scope.may_edit_registry_in(grid.path):
            return True
        message = (
            _("The grid %(grid)s is outside your area.")
            if not scope.covers(grid.path)
            else _("Your role may not edit the registry of the grid %(grid)s.")
        )
        self.errors.add(p.row, self.cols[column], message % {"grid": grid.name})
        return False

    def _group(
        self,
        p: _ResidentRow,
        natural: dict[tuple[Any, ...], Household],
        groups: dict[tuple[Any, ...], _Group],
    ) -> _Group | None:
        row, cols = p.row, self.cols
        stored: Household | None = None
        if p.household_id is not None:
            stored = self.households.get(p.household_id)
            if stored is None or (
                self.scope is not None and not self.scope.covers(stored.grid_path)
            ):
                self.errors.add(
                    row, cols["household_id"], _("No household with this id in your area.")
                )
                return None
        building, grid = self._where(p)
        if grid is None:
            return None
        column = "building" if building is not None else "grid_code"
        if not self._may_edit(p, grid, column):
            return None
        if stored is None:
            key = _row_key(building, grid, p.household)
            stored = natural.get(key)
        elif (building.id if building else None) != stored.building_id or (
            building is None and stored.grid_id != grid.id
        ):
            self.errors.add(
                row,
                cols[column],
                _(
                    "The household %(id)s is registered elsewhere; a ledger does not move "
                    "households."
                )
                % {"id": stored.pk},
            )
            return None
        if stored is not None:
            group_key: tuple[Any, ...] = ("id", stored.pk)
        else:
            group_key = ("new", *_row_key(building, grid, p.household))
        group = groups.get(group_key)
        if group is None:
            group = groups[group_key] = _Group(row.number, stored, building, grid)
        for name, value in p.household.items():
            if not _filled(row, name):
                group.values.setdefault(name, value)  # blank: "same as the other rows"
            elif name not in group.filled:
                group.values[name], group.rows[name] = value, row.number
                group.filled.add(name)
            elif value != group.values[name]:
                self.errors.add(
                    row,
                    cols[name],
                    _("Differs from row %(row)s of the same household.")
                    % {"row": group.rows[name]},
                )
        return group

    def _household(self, group: _Group, plan: ResidentPlan, now: Any) -> None:
        values = dict(group.values)
        stored = group.household
        if stored is None:
            new = Household(
                building_id=group.building.id if group.building else None,
                grid_id=group.grid.id,
                grid_path=group.grid.path,
                size=values.pop("size", None) or 1,
                **values,
            )
            new._ledger_grid_code = group.grid.code  # type: ignore[attr-defined]
            group.new = new
            plan.household_creates.append(new)
            return
        history: dict[str, Any] = {}
        for name, value in values.items():
            if name == "size" and value is None:
                continue
            old = getattr(stored, name)
            if old != value:
                history[name] = [old, value]
                setattr(stored, name, value)
        if history:
            stored.updated_at = now
            plan.household_updates.append((stored, history))

    # ----- residents

    def _check_ids(self, placed: list[tuple[_ResidentRow, _Group | None]]) -> None:
        """Resident ids and ID numbers: valid, once in the file, not another resident's."""
        cols = self.cols
        seen_ids: dict[int, int] = {}
        seen_digests: dict[str, int] = {}
        for p, group in placed:
            row = p.row
            if p.resident_id is not None:
                stored = self.residents_by_id.get(p.resident_id)
                if stored is None or (
                    self.scope is not None and not self.scope.covers(stored.grid_path)
                ):
                    self.errors.add(row, cols["id"], _("No resident with this id in your area."))
                    continue
                if p.resident_id in seen_ids:
                    self.errors.add(
                        row,
                        cols["id"],
                        _("The same id is already in row %(row)s.")
                        % {"row": seen_ids[p.resident_id]},
                    )
                    continue
                seen_ids[p.resident_id] = row.number
                if group is None:
                    pass
                elif group.household is None or stored.household_id != group.household.pk:
                    self.errors.add(
                        row,
                        cols["id"],
                        _(
                            "The resident %(id)s belongs to another household; a ledger does not "
                            "move residents."
                        )
                        % {"id": stored.pk},
                    )
                    continue
            stored = self.residents_by_id.get(p.resident_id) if p.resident_id else None
            if p.phone and "*" in p.phone:
                if stored is not None and p.phone == stored.phone_masked:
                    p.phone = KEEP
                else:
                    self.errors.add(row, cols["phone"], _("Not a valid phone number."))
            value = p.id_number
            if not value:
                continue
            if stored is not None and value == stored.id_number_masked:
                p.id_number = KEEP
                continue
            if not pii.id_number_valid(value):
                self.errors.add(
                    row,
                    cols["id_number"],
                    _("Not a valid ID number (18 characters with a correct check digit)."),
                )
                continue
            p.digest = pii.digest(value)
            if p.digest in seen_digests:
                self.errors.add(
                    row,
                    cols["id_number"],
                    _("The same ID number is already in row %(row)s.")
                    % {"row": seen_digests[p.digest]},
                )
                continue
            seen_digests[p.digest] = row.number
        self._check_registry_digests(placed, seen_digests, set(seen_ids))

    def _check_registry_digests(
        self,
        placed: list[tuple[_ResidentRow, _Group | None]],
        in_file: dict[str, int],
        seen_ids: set[int],
    ) -> None:
        owners: dict[str, tuple[int, int]] = {}  # digest → (resident, household)
        for chunk in _chunks(sorted(in_file)):
            for pk, household_id, digest in Resident.objects.filter(
                id_number_digest__in=chunk
            ).values_list("pk", "household_id", "id_number_digest"):
                owners[digest] = (pk, household_id)
        # A resident the file gives another ID number frees its old one.
        freed = {
            self.residents_by_id[p.resident_id].id_number_digest
            for p, _g in placed
            if p.resident_id in self.residents_by_id
            and p.id_number is not None
            and p.id_number is not KEEP
            and (p.digest or "") != self.residents_by_id[p.resident_id].id_number_digest
        }
        for p, group in placed:
            if group is None or not p.digest or p.row.bad or p.digest not in owners:
                continue
            owner, household_id = owners[p.digest]
            if owner == p.resident_id:
                continue
            if p.resident_id is None and group.household is not None and owner not in seen_ids:
                if household_id == group.household.pk:  # found again by its ID number
                    p.resident_id = owner
                    continue
            if p.digest in freed:
                continue
            self.errors.add(
                p.row,
                self.cols["id_number"],
                _("This ID number is already registered for another resident."),
            )

    def _resident(
        self, p: _ResidentRow, group: _Group, plan: ResidentPlan, claimed: set[int], now: Any
    ) -> None:
        stored = self.residents_by_id.get(p.resident_id) if p.resident_id else None
        if stored is None and group.household is not None and not p.id_number:
            # Found again by name in its household (a file without 系统编号 or ID numbers).
            same = [
                r
                for r in self.residents_by_household.get(group.household.pk, [])
                if r.name == p.resident.get("name") and r.pk not in claimed
            ]
            if len(same) == 1:
                stored = same[0]
        if stored is not None:
            claimed.add(stored.pk)
        if stored is None:
            household = group.household or group.new
            assert household is not None
            new = Resident(
                household=household,
                grid_id=group.grid.id,
                grid_path=group.grid.path,
                **{k: v for k, v in p.resident.items() if v is not None},
            )
            _set_pii(new, p)
            if new.birth_year is None and isinstance(p.id_number, str) and len(p.id_number) == 18:
                new.birth_year = int(p.id_number[6:10])
            new._ledger_grid_code = group.grid.code  # type: ignore[attr-defined]
            plan.creates.append(new)
            return
        history: dict[str, Any] = {}
        values = dict(p.resident)
        if values.get("birth_year", 0) is None:
            if isinstance(p.id_number, str) and len(p.id_number) == 18:
                values["birth_year"] = int(p.id_number[6:10])
            elif stored.id_number_encrypted and p.id_number in (KEEP, None):
                values.pop("birth_year")  # derived from the ID number kept as stored
        for name, value in values.items():
            old = getattr(stored, name)
            if old != value:
                history[name] = [old, value]
                setattr(stored, name, value)
        masked = (stored.id_number_masked, stored.phone_masked)
        if p.id_number is not None and p.id_number is not KEEP:
            if (p.digest or "") != stored.id_number_digest:
                resident_pii(stored, id_number=p.id_number, phone=None)
                history["id_number"] = [masked[0], stored.id_number_masked]
        if isinstance(p.phone, str):
            phone = p.phone
            if phone != (_decrypt(stored.phone_encrypted) or ""):
                resident_pii(stored, id_number=None, phone=phone)
                history["phone"] = [masked[1], stored.phone_masked]
        if history:
            stored.updated_at = now
            plan.updates.append((stored, history))
        else:
            plan.unchanged += 1


def _filled(row: _Row, name: str) -> bool:
    return name in row.raw and not is_blank(row.raw[name])


def _row_key(
    building: _BuildingInfo | None, grid: GridInfo, household: dict[str, Any]
) -> tuple[Any, ...]:
    if building is not None:
        return ("b", building.id, household.get("unit", ""), household.get("room", ""))
    return ("a", grid.id, normalize_key(household.get("address", "")))


def _natural_key(household: Household) -> tuple[Any, ...]:
    if household.building_id is not None:
        return ("b", household.building_id, household.unit, household.room)
    return ("a", household.grid_id, normalize_key(household.address))


def resident_pii(resident: Resident, *, id_number: str | None, phone: str | None) -> None:
    """Encrypt, mask and digest through the service (`resident_set_pii`); the values are
    already checked, so it raises nothing here."""
    resident_set_pii(resident, id_number=id_number, phone=phone)


def _set_pii(resident: Resident, p: _ResidentRow) -> None:
    resident_pii(
        resident,
        id_number=p.id_number if isinstance(p.id_number, str) else None,
        phone=p.phone if isinstance(p.phone, str) else None,
    )


def _decrypt(token: str) -> str | None:
    try:
        return pii.decrypt(token)
    except ValueError:
        return None


# --------------------------------------------------------------------------- writing


def residents_write(*, actor: Any, plan: ResidentPlan, job_id: int | None = None) -> dict[str, int]:
    """Apply a clean plan in bulk; the caller holds the one transaction of the whole write."""
    if plan.errors:
        raise ValidationFailed(
            _("The ledger has errors; nothing was written."), code="ledger_rejected"
        )
    Household.objects.bulk_create(plan.household_creates, batch_size=500)
    if plan.household_updates:
        names = {n for _h, history in plan.household_updates for n in history}
        Household.objects.bulk_update(
            [h for h, _h in plan.household_updates], sorted(names | {"updated_at"}), batch_size=500
        )
    for resident in plan.creates:
        resident.household_id = resident.household.pk
    Resident.objects.bulk_create(plan.creates, batch_size=500)
    if plan.updates:
        names = {n for _r, history in plan.updates for n in history}
        fields = set()
        for name in names:
            if name in PII_COLUMNS:
                fields |= {f"{name}_encrypted", f"{name}_masked"}
                if name == "id_number":
                    fields.add("id_number_digest")
            else:
                fields.add(name)
        Resident.objects.bulk_update(
            [r for r, _h in plan.updates], sorted(fields | {"updated_at"}), batch_size=500
        )
    source = {"ledger_import": job_id} if job_id is not None else {}
    events: list[tuple[str, Any, dict[str, Any]]] = []
    for household in plan.household_creates:
        events.append(
            (
                "household.create",
                household,
                {
                    "building": household.building_id,
                    "grid": household._ledger_grid_code,  # type: ignore[attr-defined]
                    "changes": {
                        name: [None, getattr(household, name)]
                        for name in HOUSEHOLD_VALUES
                        if getattr(household, name) not in ("", None, False)
                    },
                    **source,
                },
            )
        )
    events += [
        ("household.update", h, {"changes": history, **source})
        for h, history in plan.household_updates
    ]
    for resident in plan.creates:
        changes = {
            name: [None, getattr(resident, name)]
            for name in RESIDENT_VALUES
            if getattr(resident, name) not in ("", None, False)
        }
        for name in PII_COLUMNS:
            masked = getattr(resident, f"{name}_masked")
            if masked:
                changes[name] = [None, masked]
        events.append(
            (
                "resident.create",
                resident,
                {
                    "household": resident.household_id,
                    "grid": resident._ledger_grid_code,  # type: ignore[attr-defined]
                    "changes": changes,
                    **source,
                },
            )
        )
    events += [("resident.update", r, {"changes": h, **source}) for r, h in plan.updates]
    audit_record_many(actor=actor, events=events)
    return plan.counts


# --------------------------------------------------------------------------- export


def _yes_no(value: bool) -> str:
    return YES if value else NO


def resident_row(resident: Resident, *, unmasked: bool = False) -> list[Any]:
    """One resident as a ledger row, in the column order of RESIDENTS."""
    household = resident.household
    building = household.building
    if unmasked:
        id_number = _decrypt(resident.id_number_encrypted) or ""
        phone = _decrypt(resident.phone_encrypted) or ""
    else:
        id_number, phone = resident.id_number_masked, resident.phone_masked
    return [
        household.pk,
        resident.pk,
        resident.grid.code,  # a resident's grid is its household's
        building.name if building is not None else "",
        household.unit,
        household.room,
        household.address,
        household.size,
        _yes_no(household.is_rental),
        household.landlord_name,
        household.landlord_phone,
        resident.name,
        id_number,
        phone,
        resident.birth_year,
        *(_yes_no(getattr(resident, flag)) for flag in RESIDENT_FLAGS),
        resident.note,
        resident.grid.name,
    ]


def _truthy(value: Any) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def residents_export(user: Any, query: Mapping[str, Any]) -> bytes:
    """The viewer's residents (filters q, grid, flag) as a ledger, masked unless the query asks
    for `unmasked` and the viewer may unmask personal data in every exported row's grid."""
    from ..selectors import resident_list
    from .writer import write_ledger

    grid = str(query.get("grid", "") or "").strip()
    flag = str(query.get("flag", "") or "").strip()
    residents = resident_list(
        user,
        search=str(query.get("q", "") or "").strip(),
        flag=flag if flag in RESIDENT_FLAGS else "",
        grid_id=int(grid) if grid.isdigit() else None,
    ).defer("grid__boundary")
    unmasked = _truthy(query.get("unmasked"))
    if not unmasked:
        return write_ledger(RESIDENTS, (resident_row(r) for r in residents.iterator(2000)))
    scope = user_scope(user) if getattr(user, "pk", None) else None  # None: the system (CLI)
    paths = set(residents.order_by().values_list("grid_path", flat=True).distinct())
    if scope is not None and (
        not (scope.everything or scope.pii_paths)
        or not all(scope.may_unmask_pii_in(path) for path in paths)
    ):
        raise PermissionDenied(
            _(
                "Your role may not see residents' personal data unmasked, so it may not export "
                "them unmasked. Export without the unmasked option."
            ),
            code="pii_denied",
        )
    rows = [resident_row(r, unmasked=True) for r in residents.iterator(2000)]
    audit_record(
        actor=user if getattr(user, "pk", None) else None,
        action="residents.export_unmasked",
        data={"user": user.get_username() or "system", "residents": len(rows)},
    )
    return write_ledger(RESIDENTS, rows)
