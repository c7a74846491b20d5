"""API schemas of the registry app (explicit fields only).

Input schemas forbid unknown fields, so a misspelt field is a 422 instead of a silent no-op.
Residents' ID numbers and phones go in clear and come out masked only; the clear value is
returned by the audited reveal endpoint alone.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, model_validator

from firegrid.core.params import Day
from firegrid.grids.schemas import CrsName

RiskName = Literal["high", "medium", "low"]
PlaceStatusName = Literal["active", "closed"]
BuildingCategory = Literal["high_rise", "multi_storey", "old", "bungalow", "other"]
BuildingStructure = Literal["rc", "masonry", "brick_wood", "steel", "other"]
ResourceKind = Literal[
    "hydrant", "water_source", "fire_room", "micro_station", "volunteer_team", "fire_engine"
]
ResourceStatus = Literal["usable", "broken", "repair"]
VulnerabilityFlag = Literal[
    "lives_alone_elderly", "disabled", "left_behind_child", "key_person", "limited_mobility"
]


class StrictIn(Schema):
    """Base of every input schema: unknown fields are refused (422), never ignored."""

    model_config = ConfigDict(extra="forbid")


class PointPatch(StrictIn):
    """Optional move of a located record: `lon` and `lat` together, `crs` only with them."""

    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    crs: CrsName | None = Field(None, description="Datum of the point; default from settings.")

    @model_validator(mode="after")
    def _point_complete(self) -> PointPatch:
        if (self.lon is None) != (self.lat is None):
            raise ValueError("lon and lat must be given together")
        if self.crs is not None and self.lon is None:
            raise ValueError("crs needs lon and lat")
        return self


# ------------------------------------------------------------------------------ taxonomy


class PlaceTypeOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    group: str
    group_en: str
    is_crowded: bool = Field(..., description="人员密集场所")
    default_risk: str
    sort_order: int


class RuleOut(Schema):
    code: str
    name: str
    name_en: str
    place_types: list[str] = Field(..., description="Type codes; empty = every type.")
    attribute: str
    operator: str
    threshold: float
    effect: str
    source: str
    verified: bool = Field(..., description="Threshold checked against the official text.")


# ------------------------------------------------------------------------------ places


class PlaceListFilters(Schema):
    search: str = Field("", max_length=100, description="Name, address or licence number.")
    place_type: str = Field("", max_length=50, description="A type code, or a group name.")
    risk_level: RiskName | None = None
    key_unit: bool | None = None
    grid_id: int | None = Field(None, description="This grid and its subtree.")
    status: Literal["active", "closed", "any"] = Field(
        "active", description="`any` = every status but merged."
    )
    has_duplicates: bool | None = Field(None, description="Only places with open duplicate flags.")


class PlaceMapQuery(PlaceListFilters):
    bbox: str | None = Field(
        None,
        max_length=100,
        description="min_lon,min_lat,max_lon,max_lat in the datum given by `crs`.",
    )
    crs: CrsName = Field("wgs84", description="Datum of the output points (and of `bbox`).")


class GridRefOut(Schema):
    id: int
    code: str
    name: str


class PlaceOut(Schema):
    id: int
    name: str
    place_type: str = Field(..., description="Type code.")
    place_type_name: str
    place_type_group: str
    address: str
    licence_number: str
    lon: float | None = Field(..., description="WGS-84.")
    lat: float | None = Field(..., description="WGS-84.")
    grid: GridRefOut
    grid_manual: bool
    risk_level: str
    is_key_unit: bool
    is_high_risk_unit: bool
    status: str


class ClassificationValuesOut(Schema):
    risk_level: str
    is_key_unit: bool
    is_high_risk_unit: bool


class FiredRuleOut(Schema):
    code: str
    name: str
    effect: str


class ClassificationOut(Schema):
    effective: ClassificationValuesOut = Field(..., description="What the place is treated as.")
    computed: ClassificationValuesOut | None = Field(..., description="What the rules derived.")
    fired: list[FiredRuleOut]
    overrides: dict[str, Any] = Field(..., description="Values set by hand.")
    override_reason: str


class PlaceRefOut(Schema):
    id: int
    name: str
    address: str
    place_type: str
    grid_id: int
    status: str


class DuplicateOut(Schema):
    id: int
    place: PlaceRefOut
    other: PlaceRefOut
    reasons: list[str] = Field(..., description="name_near, licence, address")
    distance_m: float | None
    status: str
    created_at: datetime.datetime


class PlaceDetailOut(PlaceOut):
    grid_manual_reason: str
    floor_area_m2: float | None
    floors: int | None
    height_m: float | None
    beds: int | None
    rooms: int | None
    occupants: int | None
    responsible_name: str
    responsible_phone: str = Field(
        ..., description="Masked (138****1234) unless your role sees phones here."
    )
    manager_name: str
    manager_phone: str = Field(
        ..., description="Masked (138****1234) unless your role sees phones here."
    )
    phone: str = Field(..., description="Masked (138****1234) unless your role sees phones here.")
    note: str
    merged_into_id: int | None
    classification: ClassificationOut
    duplicates: list[DuplicateOut] = Field(..., description="Open duplicate flags in your scope.")
    may_edit: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PlaceHistoryOut(Schema):
    id: int
    occurred_at: datetime.datetime
    actor: str | None = Field(..., description="Username; null for system jobs.")
    action: str
    place_id: int = Field(..., description="Differs from the place asked for after a merge.")
    changes: dict[str, Any] = Field(..., description="Field → [old, new], or what was created.")
    reason: str


class PlaceValues(StrictIn):
    """The editable attributes shared by create and patch."""

    address: str | None = Field(None, max_length=300)
    floor_area_m2: float | None = None
    floors: int | None = None
    height_m: float | None = None
    beds: int | None = None
    rooms: int | None = None
    occupants: int | None = None
    licence_number: str | None = Field(None, max_length=50)
    responsible_name: str | None = Field(None, max_length=50)
    responsible_phone: str | None = Field(None, max_length=40)
    manager_name: str | None = Field(None, max_length=50)
    manager_phone: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=40)
    note: str | None = Field(None, max_length=300)


class PlaceIn(PlaceValues):
    name: str = Field(..., max_length=200)
    place_type: str = Field(..., max_length=50, description="A type code (see place-types).")
    lon: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)
    crs: CrsName | None = Field(None, description="Datum of the point; default from settings.")
    grid_id: int | None = Field(None, description="Set the grid by hand (needs grid_reason).")
    grid_reason: str = Field("", max_length=200)


class PlacePatchIn(PlaceValues, PointPatch):
    name: str | None = Field(None, max_length=200)
    place_type: str | None = Field(None, max_length=50)
    status: PlaceStatusName | None = None


class PlaceGridIn(StrictIn):
    grid_id: int | None = Field(..., description="A leaf grid, or null to follow the point.")
    reason: str = Field("", max_length=200)


class PlaceClassificationIn(StrictIn):
    overrides: dict[str, Any] = Field(
        ..., description="risk_level / is_key_unit / is_high_risk_unit; {} = back to the rules."
    )
    reason: str = Field("", max_length=200)


class MergeIn(StrictIn):
    keep_id: int = Field(..., description="The place that stays; the other is merged into it.")
    reason: str = Field("", max_length=200)


class DismissIn(StrictIn):
    reason: str = Field("", max_length=200)


class PlaceFeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    crs_name: str = Field(..., description="Datum of the coordinates (wgs84, gcj02 or bd09).")
    features: list[dict[str, Any]]


# ------------------------------------------------------------------------------ buildings


class BuildingFilters(Schema):
    search: str = Field("", max_length=100, description="Name or address contains.")
    grid_id: int | None = Field(None, description="This grid and its subtree.")


class BuildingOut(Schema):
    id: int
    name: str
    address: str
    category: str
    floors: int | None
    structure: str
    year_built: int | None
    note: str
    lon: float | None
    lat: float | None
    grid: GridRefOut


class BuildingValues(StrictIn):
    address: str | None = Field(None, max_length=300)
    category: BuildingCategory | None = None
    floors: int | None = None
    structure: BuildingStructure | None = None
    year_built: int | None = None
    note: str | None = Field(None, max_length=300)


class BuildingIn(BuildingValues):
    name: str = Field(..., max_length=100)
    lon: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)
    crs: CrsName | None = Field(None, description="Datum of the point; default from settings.")


class BuildingPatchIn(BuildingValues, PointPatch):
    name: str | None = Field(None, max_length=100)


# ------------------------------------------------------------------------------ households


class HouseholdFilters(Schema):
    building_id: int | None = None
    rental: bool | None = Field(None, description="Only rentals (出租屋), or only non-rentals.")


class HouseholdOut(Schema):
    id: int
    building_id: int | None
    building_name: str | None
    grid: GridRefOut
    unit: str
    room: str
    address: str
    size: int
    is_rental: bool
    landlord_name: str
    landlord_phone: str = Field(
        ..., description="Masked (138****1234) unless your role sees phones here."
    )
    note: str


class HouseholdValues(StrictIn):
    unit: str | None = Field(None, max_length=20)
    room: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=300)
    size: int | None = None
    is_rental: bool | None = None
    landlord_name: str | None = Field(None, max_length=50)
    landlord_phone: str | None = Field(None, max_length=40)
    note: str | None = Field(None, max_length=300)


class HouseholdIn(HouseholdValues):
    building_id: int | None = Field(None, description="The building; or give grid_id instead.")
    grid_id: int | None = Field(None, description="The leaf grid of a household with no building.")


class HouseholdPatchIn(HouseholdValues):
    pass


# ------------------------------------------------------------------------------ residents


class ResidentFilters(Schema):
    search: str = Field("", max_length=50, description="Name contains (never the ID number).")
    flag: VulnerabilityFlag | None = Field(None, description="Only residents with this flag.")
    household_id: int | None = None
    grid_id: int | None = Field(None, description="This grid and its subtree.")


class ResidentOut(Schema):
    id: int
    household_id: int
    household: str = Field(..., description="Building, unit and room (or address).")
    grid: GridRefOut
    name: str
    id_number_masked: str = Field(..., description="4101**********1234; reveal for the clear one.")
    phone_masked: str = Field(..., description="138****1234; reveal for the clear one.")
    birth_year: int | None
    lives_alone_elderly: bool = Field(..., description="独居老人")
    disabled: bool = Field(..., description="残疾")
    left_behind_child: bool = Field(..., description="留守儿童")
    key_person: bool = Field(..., description="重点人口")
    limited_mobility: bool = Field(..., description="行动不便")
    is_vulnerable: bool
    note: str


class ResidentValues(StrictIn):
    id_number: str | None = Field(None, max_length=40, description="Clear; stored encrypted.")
    phone: str | None = Field(None, max_length=40, description="Clear; stored encrypted.")
    birth_year: int | None = None
    lives_alone_elderly: bool | None = None
    disabled: bool | None = None
    left_behind_child: bool | None = None
    key_person: bool | None = None
    limited_mobility: bool | None = None
    note: str | None = Field(None, max_length=300)


class ResidentIn(ResidentValues):
    household_id: int
    name: str = Field(..., max_length=50)


class ResidentPatchIn(ResidentValues):
    name: str | None = Field(None, max_length=50)


class RevealIn(StrictIn):
    field: Literal["id_number", "phone"]


class RevealOut(Schema):
    resident_id: int
    field: str
    value: str = Field(..., description="The clear value; this read is in the audit log.")


# ------------------------------------------------------------------------------ fire resources


class FireResourceFilters(Schema):
    kind: ResourceKind | None = None
    status: ResourceStatus | None = None
    grid_id: int | None = Field(None, description="This grid and its subtree.")
    search: str = Field("", max_length=100, description="Name or address contains.")


class FireResourceOut(Schema):
    id: int
    kind: str
    name: str
    address: str
    status: str
    last_checked_on: datetime.date | None
    keeper_name: str
    keeper_phone: str = Field(
        ..., description="Masked (138****1234) unless your role sees phones here."
    )
    note: str
    lon: float | None
    lat: float | None
    grid: GridRefOut


class EquipmentItemOut(Schema):
    id: int
    name: str
    quantity: int
    expires_on: datetime.date | None
    note: str


class TeamMemberOut(Schema):
    id: int
    name: str
    phone: str = Field(..., description="Masked (138****1234) unless your role sees phones here.")
    person_id: int | None


class FireResourceDetailOut(FireResourceOut):
    equipment: list[EquipmentItemOut] = Field(..., description="器材清单")
    members: list[TeamMemberOut] = Field(..., description="义务消防队员")


class FireResourceValues(StrictIn):
    address: str | None = Field(None, max_length=300)
    status: ResourceStatus | None = None
    last_checked_on: Day | None = None
    keeper_name: str | None = Field(None, max_length=50)
    keeper_phone: str | None = Field(None, max_length=40)
    note: str | None = Field(None, max_length=300)


class FireResourceIn(FireResourceValues):
    kind: ResourceKind
    name: str = Field(..., max_length=100)
    lon: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)
    crs: CrsName | None = Field(None, description="Datum of the point; default from settings.")


class FireResourcePatchIn(FireResourceValues, PointPatch):
    kind: ResourceKind | None = None
    name: str | None = Field(None, max_length=100)


class EquipmentItemIn(StrictIn):
    name: str = Field(..., max_length=100)
    quantity: int = 1
    expires_on: Day | None = None
    note: str = Field("", max_length=200)


class EquipmentIn(StrictIn):
    items: list[EquipmentItemIn] = Field(..., description="The whole inventory (replaces it).")


class TeamMemberIn(StrictIn):
    name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=40)
    person_id: int | None = Field(None, description="A person of the registry (人员) in scope.")


class MembersIn(StrictIn):
    members: list[TeamMemberIn] = Field(..., description="The whole team (replaces it).")
