"""/api/v1/ buildings, households, residents (masked) and fire resources."""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Status
from ninja.pagination import paginate

from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.grids.schemas import ErrorOut
from firegrid.grids.selectors import grid_get
from firegrid.people.selectors import person_get

from .. import selectors, services
from ..models import (
    Building,
    FireResource,
    Household,
    Resident,
)
from ..schemas import (
    BuildingFilters,
    BuildingIn,
    BuildingOut,
    BuildingPatchIn,
    EquipmentIn,
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
    ResidentFilters,
    ResidentIn,
    ResidentOut,
    ResidentPatchIn,
    RevealIn,
    RevealOut,
)
from .common import (
    LIST_ERRORS,
    POINT_FIELDS,
    WRITE_ERRORS,
    grid_ref,
    point_in_scope,
    point_of,
    router,
)

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
        "landlord_phone": selectors.phone_for(user, household.grid_path, household.landlord_phone),
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
        "keeper_phone": resource.keeper_phone,
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
                "phone": selectors.phone_for(request.user, resource.grid_path, m.phone),
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
