"""Loading the demo registry's plan: only what is missing, in bulk, one audit record per batch.

Records are found again by stable keys: a place's licence number (or name + address without
one), building name + address, household building + unit + room (or address), resident ID
number digest, fire resource kind + name. Equipment and members come with a new resource only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from firegrid.core.audit import audit_record, audit_record_many
from firegrid.grids.demo.collection import COUNTY_CODE
from firegrid.grids.models import Grid

from ..classification import active_rules, classify
from ..models import (
    Building,
    EquipmentItem,
    FireResource,
    Household,
    Place,
    PlaceType,
    Resident,
    TeamMember,
)
from ..services.common import normalize_key
from ..services.places import classification_summary
from ..services.residents import resident_set_pii
from .plan import BuildingPlan, HouseholdPlan, PlacePlan, ResourcePlan, registry_demo_plan


@dataclass
class RegistryDemoResult:
    created: dict[str, int]
    totals: dict[str, int]

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def registry_demo_load(*, actor: Any) -> RegistryDemoResult:
    """Bring the demo registry into the database (the caller holds the transaction)."""
    plan = registry_demo_plan()
    county = Grid.objects.get(code=COUNTY_CODE)
    created: dict[str, int] = {}
    created["places"] = _load_places(plan.places, actor, county)
    buildings, created["buildings"] = _load_buildings(plan.buildings, actor, county)
    households, unfilled, created["households"] = _load_households(
        plan.households, buildings, actor, county
    )
    created["residents"] = _load_residents(unfilled, households, actor, county)
    created["fire_resources"], created["equipment"], created["members"] = _load_resources(
        plan.resources, actor, county
    )
    totals = {
        "places": len(plan.places),
        "buildings": len(plan.buildings),
        "households": len(plan.households),
        "residents": sum(len(h.residents) for h in plan.households),
        "fire_resources": len(plan.resources),
        "equipment": sum(len(r.equipment) for r in plan.resources),
        "members": sum(len(r.members) for r in plan.resources),
    }
    return RegistryDemoResult(created=created, totals=totals)


def _audit_batch(
    actor: Any, action: str, target: Grid, rows: Sequence[models.Model], **extra: int
) -> None:
    """One audit event for a batch of created rows (none for an empty batch)."""
    if rows:
        audit_record(
            actor=actor,
            action=action,
            target=target,
            data={"count": len(rows), "ids": [row.pk for row in rows], **extra},
        )


def _place_key(licence: str, name: str, address: str) -> tuple[str, ...]:
    """A business by its licence number (it survives a rename); a rental by name and address."""
    return ("licence", licence) if licence else (name, address)


def _load_places(specs: list[PlacePlan], actor: Any, county: Grid) -> int:
    existing = {
        _place_key(*row)
        for row in Place.objects.filter(grid_path__startswith=county.path).values_list(
            "licence_number", "name", "address"
        )
    }
    missing = [s for s in specs if _place_key(s.licence, s.name, s.address) not in existing]
    if not missing:
        return 0
    types = {t.code: t for t in PlaceType.objects.all()}
    rules = active_rules()
    rows = []
    for spec in missing:
        place_type = types[spec.type_code]
        values = {k: spec.attrs.get(k) for k in ("floors", "beds", "rooms", "occupants")}
        values |= {k: spec.attrs.get(k) for k in ("floor_area_m2", "height_m")}
        computed = classify(
            type_id=place_type.pk, default_risk=place_type.default_risk, values=values, rules=rules
        )
        rows.append(
            Place(
                name=spec.name,
                name_key=normalize_key(spec.name),
                place_type=place_type,
                address=spec.address,
                address_key=normalize_key(spec.address),
                lon=spec.lon,
                lat=spec.lat,
                grid=spec.grid,
                grid_path=spec.grid.path,
                licence_number=spec.licence,
                responsible_name=spec.responsible[0],
                responsible_phone=spec.responsible[1],
                phone=spec.phone,
                risk_level=computed["risk_level"],
                is_key_unit=computed["is_key_unit"],
                is_high_risk_unit=computed["is_high_risk_unit"],
                classification=computed,
                **values,
            )
        )
    created = Place.objects.bulk_create(rows, batch_size=500)
    # One history event per place (as the service and the ledger import write), so every demo
    # place's page shows where it came from.
    audit_record_many(
        actor=actor,
        events=[
            (
                "place.create",
                place,
                {
                    "name": place.name,
                    "grid": place.grid.code,
                    "grid_manual": False,
                    "classification": classification_summary(place),
                    "source": "demo",
                },
            )
            for place in created
        ],
    )
    return len(created)


def _load_buildings(
    specs: list[BuildingPlan], actor: Any, county: Grid
) -> tuple[dict[tuple[str, str], Building], int]:
    found = {
        (b.name, b.address): b for b in Building.objects.filter(grid_path__startswith=county.path)
    }
    new = Building.objects.bulk_create(
        (
            Building(
                name=s.name,
                address=s.address,
                lon=s.lon,
                lat=s.lat,
                grid=s.grid,
                grid_path=s.grid.path,
                category=s.category,
                floors=s.floors,
                structure=s.structure,
                year_built=s.year_built,
            )
            for s in specs
            if (s.name, s.address) not in found
        ),
        batch_size=500,
    )
    found.update({(b.name, b.address): b for b in new})
    _audit_batch(actor, "demo.buildings_create", county, new)
    return found, len(new)


def _household_key(spec: HouseholdPlan) -> tuple[Any, ...]:
    return (spec.building_key, spec.unit, spec.room, spec.address)


def _load_households(
    specs: list[HouseholdPlan],
    buildings: dict[tuple[str, str], Building],
    actor: Any,
    county: Grid,
) -> tuple[dict[tuple[Any, ...], tuple[int, int]], list[HouseholdPlan], int]:
    """The demo households by key as (id, residents held), the missing ones created; also the
    plans whose residents may be missing (new households, or fewer residents than planned)."""
    rows = (
        Household.objects.filter(grid_path__startswith=county.path)
        .annotate(held=models.Count("residents"))
        .values_list("building__name", "building__address", "unit", "room", "address", "pk", "held")
    )
    found: dict[tuple[Any, ...], tuple[int, int]] = {}
    for b_name, b_address, unit, room, address, pk, held in rows:
        building_key = (b_name, b_address) if b_name is not None else None
        found[(building_key, unit, room, address)] = (pk, held)
    new_rows, new_specs, short = [], [], []
    for spec in specs:
        known = found.get(_household_key(spec))
        if known is not None:
            if known[1] < len(spec.residents):
                short.append(spec)
            continue
        new_specs.append(spec)
        new_rows.append(
            Household(
                building=buildings[spec.building_key] if spec.building_key else None,
                grid=spec.grid,
                grid_path=spec.grid.path,
                unit=spec.unit,
                room=spec.room,
                address=spec.address,
                size=max(len(spec.residents), 1),
                is_rental=spec.is_rental,
                landlord_name=spec.landlord[0],
                landlord_phone=spec.landlord[1],
            )
        )
    Household.objects.bulk_create(new_rows, batch_size=500)
    for spec, row in zip(new_specs, new_rows, strict=True):
        found[_household_key(spec)] = (row.pk, 0)
    _audit_batch(actor, "demo.households_create", county, new_rows)
    return found, new_specs + short, len(new_rows)


def _load_residents(
    specs: list[HouseholdPlan],
    households: dict[tuple[Any, ...], tuple[int, int]],
    actor: Any,
    county: Grid,
) -> int:
    """Residents of the given households not yet registered (same ID number digest)."""
    if not specs:
        return 0
    existing = set(
        Resident.objects.filter(grid_path__startswith=county.path).values_list(
            "id_number_digest", flat=True
        )
    )
    rows = []
    for spec in specs:
        household_id = households[_household_key(spec)][0]
        for plan in spec.residents:
            resident = Resident(
                household_id=household_id,
                grid=spec.grid,
                grid_path=spec.grid.path,
                name=plan.name,
                birth_year=int(plan.id_number[6:10]),
                **plan.flags,
            )
            resident_set_pii(resident, id_number=plan.id_number, phone=plan.phone)
            if resident.id_number_digest not in existing:
                rows.append(resident)
    Resident.objects.bulk_create(rows, batch_size=500)
    _audit_batch(actor, "demo.residents_create", county, rows)
    return len(rows)


def _load_resources(specs: list[ResourcePlan], actor: Any, county: Grid) -> tuple[int, int, int]:
    existing = set(
        FireResource.objects.filter(grid_path__startswith=county.path).values_list("kind", "name")
    )
    missing = [s for s in specs if (s.kind, s.name) not in existing]
    new = FireResource.objects.bulk_create(
        (
            FireResource(
                kind=s.kind,
                name=s.name,
                address=s.address,
                lon=s.lon,
                lat=s.lat,
                grid=s.grid,
                grid_path=s.grid.path,
                status=s.status,
                last_checked_on=s.checked,
                keeper_name=s.keeper[0],
                keeper_phone=s.keeper[1],
            )
            for s in missing
        ),
        batch_size=500,
    )
    equipment = EquipmentItem.objects.bulk_create(
        EquipmentItem(resource=row, name=name, quantity=quantity, expires_on=expires)
        for row, spec in zip(new, missing, strict=True)
        for name, quantity, expires in spec.equipment
    )
    members = TeamMember.objects.bulk_create(
        TeamMember(resource=row, name=name, phone=phone, person_id=person_id)
        for row, spec in zip(new, missing, strict=True)
        for name, phone, person_id in spec.members
    )
    _audit_batch(
        actor,
        "demo.fire_resources_create",
        county,
        new,
        equipment=len(equipment),
        members=len(members),
    )
    return len(new), len(equipment), len(members)
