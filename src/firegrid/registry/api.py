"""/api/v1/ registry: places, duplicates, buildings, households, residents, fire resources.

Every read goes through a selector that filters by the viewer's data scope (404 outside it); every
write goes through one service, which checks the role's right to edit the registry (403).
Residents' ID numbers and phones leave the server masked, except through the audited reveal.
"""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from firegrid.core.coords import convert_point
from firegrid.core.errors import NotFound, PermissionDenied, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.core.pii import mask_phone
from firegrid.grids.api import RenderedPagination, Rows
from firegrid.grids.models import Grid
from firegrid.grids.schemas import ErrorOut
from firegrid.grids.selectors import grid_get
from firegrid.people.scope import user_scope
from firegrid.people.selectors import person_get

from . import selectors, services
from .models import (
    Building,
    ClassificationRule,
    DuplicateCandidate,
    FireResource,
    Household,
    Place,
    PlaceType,
    Resident,
)
from .schemas import (
    BuildingFilters,
    BuildingIn,
    BuildingOut,
    BuildingPatchIn,
    DismissIn,
    DuplicateOut,
    EquipmentIn,
    FeatureCollectionOut,
    FireResourceDetailOut,
    FireResourceFilters,
    FireResourceIn,
    FireResourceOut,
    FireResourcePatchIn,
    HouseholdFilters,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatchIn,
    MembersIn,
    MergeIn,
    PlaceClassificationIn,
    PlaceDetailOut,
    PlaceGridIn,
    PlaceHistoryOut,
    PlaceIn,
    PlaceListFilters,
    PlaceMapQuery,
    PlaceOut,
    PlacePatchIn,
    PlaceTypeOut,
    ResidentFilters,
    ResidentIn,
    ResidentOut,
    ResidentPatchIn,
    RevealIn,
    RevealOut,
    RuleOut,
)

router = Router(tags=["registry"])
WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
LIST_ERRORS = {404: ErrorOut, 422: ErrorOut}  # a grid filter outside the scope; a bad filter
# A map layer larger than this is refused: narrow it with filters or a bounding box.
MAX_GEOJSON_FEATURES = 20_000
POINT_FIELDS = ("lon", "lat", "crs")


@contextmanager
def point_in_scope() -> Iterator[None]:
    """A new record whose point lies in a grid outside the viewer's scope answers 404, as any
    other object outside the scope does (the service says 403 `grid_out_of_scope`)."""
    try:
        yield
    except PermissionDenied as exc:
        if exc.code == "grid_out_of_scope":
            raise NotFound(
                _("No grid of yours contains this point."), code="point_not_in_grid"
            ) from exc
        raise


def point_of(payload: dict[str, Any]) -> tuple[float, float, str] | None:
    """Pop lon/lat/crs off a patch body: the move the service applies, or None."""
    lon, lat, crs = (payload.pop(field, None) for field in POINT_FIELDS)
    if lon is None or lat is None:
        return None
    return float(lon), float(lat), crs or settings.FIREGRID_DEFAULT_CRS


def grid_ref(grid: Grid) -> dict[str, Any]:
    return {"id": grid.pk, "code": grid.code, "name": grid.name}


def phone_for(user: Any, grid_path: str, phone: str) -> str:
    """A contact phone as the viewer may see it: in full only where their role `sees_phones`
    (the people app's rule); masked (138****1234) otherwise."""
    if not phone or user_scope(user).sees_phone_in(grid_path):
        return phone
    return mask_phone(phone)


# ------------------------------------------------------------------------------ taxonomy


def place_type_out(place_type: PlaceType) -> dict[str, Any]:
    return {
        "id": place_type.pk,
        "code": place_type.code,
        "name": place_type.name,
        "name_en": place_type.name_en,
        "group": place_type.group,
        "group_en": place_type.group_en,
        "is_crowded": place_type.is_crowded,
        "default_risk": place_type.default_risk,
        "sort_order": place_type.sort_order,
    }


def rule_out(rule: ClassificationRule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "name_en": rule.name_en,
        "place_types": sorted(t.code for t in rule.place_types.all()),
        "attribute": rule.attribute,
        "operator": rule.operator,
        "threshold": rule.threshold,
        "effect": rule.effect,
        "source": rule.source,
        "verified": rule.verified,
    }


@router.get("/registry/place-types", response=list[PlaceTypeOut])
@paginate(RenderedPagination, page_size=100)
def list_place_types(request: HttpRequest) -> Any:
    """The place taxonomy (场所类型), grouped (九小场所, 三合一场所 …) and ordered."""
    return Rows(selectors.place_type_list(), place_type_out)


@router.get("/registry/rules", response=list[RuleOut])
@paginate(RenderedPagination, page_size=100)
def list_rules(request: HttpRequest) -> Any:
    """The active classification rules (分级分类规则); `verified` = checked against the source."""
    return Rows(selectors.rule_list().order_by("code"), rule_out)


# ------------------------------------------------------------------------------ places


def place_filters(filters: PlaceListFilters) -> selectors.PlaceFilters:
    return selectors.PlaceFilters(
        search=filters.search.strip(),
        place_type=filters.place_type.strip(),
        risk_level=filters.risk_level or "",
        key_unit=filters.key_unit,
        grid_id=filters.grid_id,
        status="" if filters.status == "any" else filters.status,
        has_duplicates=filters.has_duplicates,
    )


def place_out(place: Place) -> dict[str, Any]:
    """Needs `place_type` and `grid` selected (selectors.place_list does both)."""
    return {
        "id": place.pk,
        "name": place.name,
        "place_type": place.place_type.code,
        "place_type_name": place.place_type.name,
        "place_type_group": place.place_type.group,
        "address": place.address,
        "licence_number": place.licence_number,
        "lon": place.lon,
        "lat": place.lat,
        "grid": grid_ref(place.grid),
        "grid_manual": place.grid_manual,
        "risk_level": place.risk_level,
        "is_key_unit": place.is_key_unit,
        "is_high_risk_unit": place.is_high_risk_unit,
        "status": place.status,
    }


def place_ref(place: Place) -> dict[str, Any]:
    return {
        "id": place.pk,
        "name": place.name,
        "address": place.address,
        "place_type": place.place_type.code,
        "grid_id": place.grid_id,
        "status": place.status,
    }


def duplicate_out(candidate: DuplicateCandidate) -> dict[str, Any]:
    return {
        "id": candidate.pk,
        "place": place_ref(candidate.place),
        "other": place_ref(candidate.other),
        "reasons": list(candidate.reasons),
        "distance_m": candidate.distance_m,
        "status": candidate.status,
        "created_at": candidate.created_at,
    }


def classification_values(values: dict[str, Any]) -> dict[str, Any] | None:
    if not values:
        return None
    return {key: values[key] for key in ("risk_level", "is_key_unit", "is_high_risk_unit")}


def place_detail_out(user: Any, place: Place) -> dict[str, Any]:
    computed = place.classification or {}
    return {
        **place_out(place),
        "grid_manual_reason": place.grid_manual_reason,
        "floor_area_m2": place.floor_area_m2,
        "floors": place.floors,
        "height_m": place.height_m,
        "beds": place.beds,
        "rooms": place.rooms,
        "occupants": place.occupants,
        "responsible_name": place.responsible_name,
        "responsible_phone": phone_for(user, place.grid_path, place.responsible_phone),
        "manager_name": place.manager_name,
        "manager_phone": phone_for(user, place.grid_path, place.manager_phone),
        "phone": phone_for(user, place.grid_path, place.phone),
        "note": place.note,
        "merged_into_id": place.merged_into_id,
        "classification": {
            "effective": {
                "risk_level": place.risk_level,
                "is_key_unit": place.is_key_unit,
                "is_high_risk_unit": place.is_high_risk_unit,
            },
            "computed": classification_values(computed),
            "fired": computed.get("fired", []),
            "overrides": place.overrides,
            "override_reason": place.override_reason,
        },
        "duplicates": [duplicate_out(c) for c in selectors.place_open_duplicates(user, place)],
        "may_edit": selectors.place_may_edit(user, place),
        "created_at": place.created_at,
        "updated_at": place.updated_at,
    }


def place_detail(request: HttpRequest, place_id: int) -> dict[str, Any]:
    return place_detail_out(request.user, selectors.place_get(request.user, place_id))


def history_out(event: AuditEvent) -> dict[str, Any]:
    data = event.data or {}
    return {
        "id": event.pk,
        "occurred_at": event.occurred_at,
        "actor": event.actor.get_username() if event.actor else None,
        "action": event.action,
        "place_id": int(event.object_id),
        "changes": data["changes"] if "changes" in data else data,
        "reason": str(data.get("reason", "")),
    }


@router.get("/places", response={200: list[PlaceOut], **LIST_ERRORS})
@paginate(RenderedPagination, page_size=50)
def list_places(request: HttpRequest, filters: Query[PlaceListFilters]) -> Any:
    """Places (场所/单位) in your scope; filter by type or group, risk, key unit, grid, status."""
    return Rows(selectors.place_list(request.user, place_filters(filters)), place_out)


def parse_bbox(raw: str, crs: str) -> tuple[float, float, float, float]:
    """ "min_lon,min_lat,max_lon,max_lat" in `crs` → the same box in WGS-84."""
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in raw.split(","))
    except ValueError as exc:
        raise ValidationFailed(
            _("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat."), code="bbox_invalid"
        ) from exc
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise ValidationFailed(
            _("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat."), code="bbox_invalid"
        )
    west, south = convert_point(min_lon, min_lat, crs, "wgs84")
    east, north = convert_point(max_lon, max_lat, crs, "wgs84")
    return west, south, east, north


@router.get("/places.geojson", response={200: FeatureCollectionOut, 404: ErrorOut, 422: ErrorOut})
def places_geojson(request: HttpRequest, query: Query[PlaceMapQuery]) -> Any:
    """Places in scope as GeoJSON points, with the list's filters; `crs` converts the output
    (GCJ-02 for Chinese web maps). More than 20,000 features is refused: narrow the filters."""
    bbox = parse_bbox(query.bbox, query.crs) if query.bbox else None
    points = selectors.place_map_points(request.user, place_filters(query), bbox=bbox)
    if points.count() > MAX_GEOJSON_FEATURES:
        raise ValidationFailed(
            _("More than %(n)d places: narrow the filters or the map view.")
            % {"n": MAX_GEOJSON_FEATURES},
            code="too_many_features",
        )
    rows = points.values_list(
        "pk",
        "name",
        "lon",
        "lat",
        "place_type__code",
        "place_type__name",
        "risk_level",
        "is_key_unit",
        "is_high_risk_unit",
        "grid_id",
        "status",
    )
    features = []
    for pk, name, lon, lat, type_code, type_name, risk, key, high, grid_id, status in rows:
        # place_map_points leaves out places without a point.
        x, y = convert_point(cast(float, lon), cast(float, lat), "wgs84", query.crs)
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "geometry": {"type": "Point", "coordinates": [round(x, 7), round(y, 7)]},
                "properties": {
                    "id": pk,
                    "name": name,
                    "place_type": type_code,
                    "place_type_name": type_name,
                    "risk_level": risk,
                    "is_key_unit": key,
                    "is_high_risk_unit": high,
                    "grid_id": grid_id,
                    "status": status,
                },
            }
        )
    return {"type": "FeatureCollection", "crs_name": query.crs, "features": features}


@router.get("/places/{int:place_id}", response={200: PlaceDetailOut, 404: ErrorOut})
def get_place(request: HttpRequest, place_id: int) -> Any:
    """A place with its classification (computed, overridden, rules fired) and open duplicates."""
    return place_detail(request, place_id)


@router.get("/places/{int:place_id}/history", response={200: list[PlaceHistoryOut], 404: ErrorOut})
@paginate(RenderedPagination, page_size=100)
def place_history(request: HttpRequest, place_id: int) -> Any:
    """Who changed what and when, oldest first (with records merged into this one)."""
    place = selectors.place_get(request.user, place_id)
    return Rows(selectors.place_history(place), history_out)


@router.post("/places", response={201: PlaceDetailOut, **WRITE_ERRORS})
def create_place(request: HttpRequest, payload: PlaceIn) -> Any:
    """Register a place at a point (any datum); its grid is the leaf grid owning the point.
    `grid_id` with `grid_reason` sets the grid by hand. Likely duplicates are flagged."""
    values = payload.dict(exclude_unset=True)
    for field in (*POINT_FIELDS, "grid_id", "grid_reason"):
        values.pop(field, None)
    grid = grid_get(request.user, payload.grid_id) if payload.grid_id is not None else None
    with point_in_scope():
        place = services.place_create(
            actor=request.user,
            values=values,
            lon=payload.lon,
            lat=payload.lat,
            crs=payload.crs or settings.FIREGRID_DEFAULT_CRS,
            grid=grid,
            grid_reason=payload.grid_reason,
        )
    return Status(201, place_detail(request, place.pk))


@router.patch("/places/{int:place_id}", response={200: PlaceDetailOut, **WRITE_ERRORS})
def patch_place(request: HttpRequest, place_id: int, payload: PlacePatchIn) -> Any:
    """Change the given fields; `lon`+`lat` (+`crs`) move it, re-assigning the grid."""
    place = selectors.place_get(request.user, place_id)
    changes = payload.dict(exclude_unset=True)
    point = point_of(changes)
    services.place_update(actor=request.user, place=place, changes=changes, point=point)
    return place_detail(request, place_id)


@router.post("/places/{int:place_id}/grid", response={200: PlaceDetailOut, **WRITE_ERRORS})
def set_place_grid(request: HttpRequest, place_id: int, payload: PlaceGridIn) -> Any:
    """Set the grid by hand (a leaf grid and a reason), or `null` to follow the point again."""
    place = selectors.place_get(request.user, place_id)
    grid = grid_get(request.user, payload.grid_id) if payload.grid_id is not None else None
    services.place_set_grid(actor=request.user, place=place, grid=grid, reason=payload.reason)
    return place_detail(request, place_id)


@router.post(
    "/places/{int:place_id}/classification", response={200: PlaceDetailOut, **WRITE_ERRORS}
)
def set_place_classification(
    request: HttpRequest, place_id: int, payload: PlaceClassificationIn
) -> Any:
    """Override risk level / key unit / 火灾高危 by hand (with a reason); `{}` = the rules again."""
    place = selectors.place_get(request.user, place_id)
    services.place_set_classification(
        actor=request.user, place=place, overrides=payload.overrides, reason=payload.reason
    )
    return place_detail(request, place_id)


# ------------------------------------------------------------------------------ duplicates


@router.get("/registry/duplicates", response=list[DuplicateOut])
@paginate(RenderedPagination, page_size=50)
def list_duplicates(request: HttpRequest) -> Any:
    """Open duplicate flags (疑似重复) whose two places are both in your scope, newest first."""
    return Rows(selectors.duplicate_list(request.user), duplicate_out)


@router.post(
    "/registry/duplicates/{int:candidate_id}/merge", response={200: PlaceDetailOut, **WRITE_ERRORS}
)
def merge_duplicate(request: HttpRequest, candidate_id: int, payload: MergeIn) -> Any:
    """Merge the pair: `keep_id` stays, the other is marked merged into it (both histories kept)."""
    candidate = selectors.duplicate_get(request.user, candidate_id)
    if payload.keep_id not in (candidate.place_id, candidate.other_id):
        raise ValidationFailed(
            _("keep_id must be one of the two places of this pair."), code="keep_invalid"
        )
    if payload.keep_id == candidate.place_id:
        keep, merge = candidate.place, candidate.other
    else:
        keep, merge = candidate.other, candidate.place
    services.place_merge(actor=request.user, keep=keep, merge=merge, reason=payload.reason)
    return place_detail(request, keep.pk)


@router.post(
    "/registry/duplicates/{int:candidate_id}/dismiss", response={200: DuplicateOut, **WRITE_ERRORS}
)
def dismiss_duplicate(request: HttpRequest, candidate_id: int, payload: DismissIn) -> Any:
    """Mark the pair as not a duplicate (不是重复); it is not flagged again."""
    candidate = selectors.duplicate_get(request.user, candidate_id)
    services.duplicate_dismiss(actor=request.user, candidate=candidate, reason=payload.reason)
    candidate.refresh_from_db(fields=["status", "updated_at"])
    return duplicate_out(candidate)


# ------------------------------------------------------------------------------ buildings


def building_out(building: Building) -> dict[str, Any]:
    return {
        "id": building.pk,
        "name": building.name,
        "address": building.address,
        "category": building.category,
        "floors": building.floors,
        "structure": building.structure,
        "year_built": building.year_built,
        "note": building.note,
        "lon": building.lon,
        "lat": building.lat,
        "grid": grid_ref(building.grid),
    }


@router.get("/buildings", response={200: list[BuildingOut], **LIST_ERRORS})
@paginate(RenderedPagination, page_size=50)
def list_buildings(request: HttpRequest, filters: Query[BuildingFilters]) -> Any:
    """Buildings (楼栋) in your scope."""
    buildings = selectors.building_list(
        request.user, search=filters.search.strip(), grid_id=filters.grid_id
    )
    return Rows(buildings, building_out)


@router.get("/buildings/{int:building_id}", response={200: BuildingOut, 404: ErrorOut})
def get_building(request: HttpRequest, building_id: int) -> Any:
    return building_out(selectors.building_get(request.user, building_id))


@router.post("/buildings", response={201: BuildingOut, **WRITE_ERRORS})
def create_building(request: HttpRequest, payload: BuildingIn) -> Any:
    """Register a building at a point; its grid is the leaf grid owning the point."""
    values = payload.dict(exclude_unset=True)
    for field in POINT_FIELDS:
        values.pop(field, None)
    with point_in_scope():
        building = services.building_create(
            actor=request.user,
            values=values,
            lon=payload.lon,
            lat=payload.lat,
            crs=payload.crs or settings.FIREGRID_DEFAULT_CRS,
        )
    return Status(201, building_out(selectors.building_get(request.user, building.pk)))


@router.patch("/buildings/{int:building_id}", response={200: BuildingOut, **WRITE_ERRORS})
def patch_building(request: HttpRequest, building_id: int, payload: BuildingPatchIn) -> Any:
    building = selectors.building_get(request.user, building_id)
    changes = payload.dict(exclude_unset=True)
    point = point_of(changes)
    services.building_update(actor=request.user, building=building, changes=changes, point=point)
    return building_out(selectors.building_get(request.user, building_id))


# ------------------------------------------------------------------------------ households


def household_out(user: Any, household: Household) -> dict[str, Any]:
    """Needs `building` and `grid` selected (selectors.household_list does both)."""
    return {
        "id": household.pk,
        "building_id": household.building_id,
        "building_name": household.building.name if household.building else None,
        "grid": grid_ref(household.grid),
        "unit": household.unit,
        "room": household.room,
        "address": household.address,
        "size": household.size,
        "is_rental": household.is_rental,
        "landlord_name": household.landlord_name,
        "landlord_phone": phone_for(user, household.grid_path, household.landlord_phone),
        "note": household.note,
    }


@router.get("/households", response=list[HouseholdOut])
@paginate(RenderedPagination, page_size=50)
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]) -> Any:
    """Households (住户) in your scope; filter by building or rental (出租屋)."""
    households = selectors.household_list(
        request.user, building_id=filters.building_id, rental=filters.rental
    )
    return Rows(households, lambda household: household_out(request.user, household))


@router.get("/households/{int:household_id}", response={200: HouseholdOut, 404: ErrorOut})
def get_household(request: HttpRequest, household_id: int) -> Any:
    return household_out(request.user, selectors.household_get(request.user, household_id))


@router.post("/households", response={201: HouseholdOut, **WRITE_ERRORS})
def create_household(request: HttpRequest, payload: HouseholdIn) -> Any:
    """A household in a building (its grid is the building's), or at an address in a grid."""
    values = payload.dict(exclude_unset=True)
    values.pop("building_id", None)
    values.pop("grid_id", None)
    building = (
        selectors.building_get(request.user, payload.building_id)
        if payload.building_id is not None
        else None
    )
    grid = grid_get(request.user, payload.grid_id) if payload.grid_id is not None else None
    household = services.household_create(
        actor=request.user, values=values, building=building, grid=grid
    )
    created = selectors.household_get(request.user, household.pk)
    return Status(201, household_out(request.user, created))


@router.patch("/households/{int:household_id}", response={200: HouseholdOut, **WRITE_ERRORS})
def patch_household(request: HttpRequest, household_id: int, payload: HouseholdPatchIn) -> Any:
    household = selectors.household_get(request.user, household_id)
    services.household_update(
        actor=request.user, household=household, changes=payload.dict(exclude_unset=True)
    )
    return household_out(request.user, selectors.household_get(request.user, household_id))


# ------------------------------------------------------------------------------ residents


def resident_out(resident: Resident) -> dict[str, Any]:
    """Only the masked ID number and phone: the clear values are never read here."""
    return {
        "id": resident.pk,
        "household_id": resident.household_id,
        "household": str(resident.household),
        "grid": grid_ref(resident.grid),
        "name": resident.name,
        "id_number_masked": resident.id_number_masked,
        "phone_masked": resident.phone_masked,
        "birth_year": resident.birth_year,
        "lives_alone_elderly": resident.lives_alone_elderly,
        "disabled": resident.disabled,
        "left_behind_child": resident.left_behind_child,
        "key_person": resident.key_person,
        "limited_mobility": resident.limited_mobility,
        "is_vulnerable": resident.is_vulnerable,
        "note": resident.note,
    }


@router.get("/residents", response={200: list[ResidentOut], **LIST_ERRORS})
@paginate(RenderedPagination, page_size=50)
def list_residents(request: HttpRequest, filters: Query[ResidentFilters]) -> Any:
    """Residents (居民) in your scope, ID numbers and phones masked; filter by vulnerability flag
    (独居老人, 残疾, 留守儿童, 重点人口, 行动不便), household or grid."""
    residents = selectors.resident_list(
        request.user,
        search=filters.search.strip(),
        flag=filters.flag or "",
        household_id=filters.household_id,
        grid_id=filters.grid_id,
    )
    return Rows(residents, resident_out)


@router.get("/residents/{int:resident_id}", response={200: ResidentOut, 404: ErrorOut})
def get_resident(request: HttpRequest, resident_id: int) -> Any:
    return resident_out(selectors.resident_get(request.user, resident_id))


@router.post("/residents", response={201: ResidentOut, **WRITE_ERRORS})
def create_resident(request: HttpRequest, payload: ResidentIn) -> Any:
    """Register a resident of a household; the ID number and phone are stored encrypted."""
    household = selectors.household_get(request.user, payload.household_id)
    values = payload.dict(exclude_unset=True)
    values.pop("household_id", None)
    resident = services.resident_create(actor=request.user, household=household, values=values)
    return Status(201, resident_out(selectors.resident_get(request.user, resident.pk)))


@router.patch("/residents/{int:resident_id}", response={200: ResidentOut, **WRITE_ERRORS})
def patch_resident(request: HttpRequest, resident_id: int, payload: ResidentPatchIn) -> Any:
    resident = selectors.resident_get(request.user, resident_id)
    services.resident_update(
        actor=request.user, resident=resident, changes=payload.dict(exclude_unset=True)
    )
    return resident_out(selectors.resident_get(request.user, resident_id))


@router.post("/residents/{int:resident_id}/reveal", response={200: RevealOut, **WRITE_ERRORS})
def reveal_resident(request: HttpRequest, resident_id: int, payload: RevealIn) -> Any:
    """The clear ID number or phone (解密查看): needs the right to unmask; who saw it is audited."""
    resident = selectors.resident_get(request.user, resident_id)
    value = services.resident_reveal(actor=request.user, resident=resident, field=payload.field)
    return {"resident_id": resident.pk, "field": payload.field, "value": value}


# ------------------------------------------------------------------------------ fire resources


def fire_resource_out(user: Any, resource: FireResource) -> dict[str, Any]:
    return {
        "id": resource.pk,
        "kind": resource.kind,
        "name": resource.name,
        "address": resource.address,
        "status": resource.status,
        "last_checked_on": resource.last_checked_on,
        "keeper_name": resource.keeper_name,
        "keeper_phone": phone_for(user, resource.grid_path, resource.keeper_phone),
        "note": resource.note,
        "lon": resource.lon,
        "lat": resource.lat,
        "grid": grid_ref(resource.grid),
    }


def fire_resource_detail(request: HttpRequest, resource_id: int) -> dict[str, Any]:
    resource = selectors.fire_resource_get(request.user, resource_id)
    return {
        **fire_resource_out(request.user, resource),
        "equipment": [
            {
                "id": item.pk,
                "name": item.name,
                "quantity": item.quantity,
                "expires_on": item.expires_on,
                "note": item.note,
            }
            for item in resource.equipment.all()
        ],
        "members": [
            {
                "id": m.pk,
                "name": m.name,
                "phone": phone_for(request.user, resource.grid_path, m.phone),
                "person_id": m.person_id,
            }
            for m in resource.members.all()
        ],
    }


@router.get("/fire-resources", response={200: list[FireResourceOut], **LIST_ERRORS})
@paginate(RenderedPagination, page_size=50)
def list_fire_resources(request: HttpRequest, filters: Query[FireResourceFilters]) -> Any:
    """Fire resources (消防资源) in your scope: hydrants, water sources, fire rooms, teams …"""
    resources = selectors.fire_resource_list(
        request.user,
        kind=filters.kind or "",
        status=filters.status or "",
        grid_id=filters.grid_id,
        search=filters.search.strip(),
    )
    return Rows(resources, lambda resource: fire_resource_out(request.user, resource))


@router.get(
    "/fire-resources/{int:resource_id}", response={200: FireResourceDetailOut, 404: ErrorOut}
)
def get_fire_resource(request: HttpRequest, resource_id: int) -> Any:
    """A fire resource with its equipment inventory (器材清单) and team members."""
    return fire_resource_detail(request, resource_id)


@router.post("/fire-resources", response={201: FireResourceDetailOut, **WRITE_ERRORS})
def create_fire_resource(request: HttpRequest, payload: FireResourceIn) -> Any:
    """Register a fire resource at a point; its grid is the leaf grid owning the point."""
    values = payload.dict(exclude_unset=True)
    for field in POINT_FIELDS:
        values.pop(field, None)
    with point_in_scope():
        resource = services.fire_resource_create(
            actor=request.user,
            values=values,
            lon=payload.lon,
            lat=payload.lat,
            crs=payload.crs or settings.FIREGRID_DEFAULT_CRS,
        )
    return Status(201, fire_resource_detail(request, resource.pk))


@router.patch(
    "/fire-resources/{int:resource_id}", response={200: FireResourceDetailOut, **WRITE_ERRORS}
)
def patch_fire_resource(
    request: HttpRequest, resource_id: int, payload: FireResourcePatchIn
) -> Any:
    resource = selectors.fire_resource_get(request.user, resource_id)
    changes = payload.dict(exclude_unset=True)
    point = point_of(changes)
    services.fire_resource_update(
        actor=request.user, resource=resource, changes=changes, point=point
    )
    return fire_resource_detail(request, resource_id)


@router.put(
    "/fire-resources/{int:resource_id}/equipment",
    response={200: FireResourceDetailOut, **WRITE_ERRORS},
)
def put_fire_resource_equipment(
    request: HttpRequest, resource_id: int, payload: EquipmentIn
) -> Any:
    """Replace the equipment inventory (器材清单) of a fire room or micro station."""
    resource = selectors.fire_resource_get(request.user, resource_id)
    services.fire_resource_set_equipment(
        actor=request.user, resource=resource, items=[item.dict() for item in payload.items]
    )
    return fire_resource_detail(request, resource_id)


@router.put(
    "/fire-resources/{int:resource_id}/members",
    response={200: FireResourceDetailOut, **WRITE_ERRORS},
)
def put_fire_resource_members(request: HttpRequest, resource_id: int, payload: MembersIn) -> Any:
    """Replace the members of a volunteer fire team (义务消防队)."""
    resource = selectors.fire_resource_get(request.user, resource_id)
    members = [
        {
            "name": member.name,
            "phone": member.phone,
            "person": person_get(request.user, member.person_id) if member.person_id else None,
        }
        for member in payload.members
    ]
    services.fire_resource_set_members(actor=request.user, resource=resource, members=members)
    return fire_resource_detail(request, resource_id)
