"""Reads of the registry, always through the viewer's data scope (the grid subtree).

Pages, the API and the ledger export share these, so one filter means the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from firegrid.core.errors import NotFound
from firegrid.core.models import AuditEvent
from firegrid.core.pii import mask_phone
from firegrid.grids.models import Grid
from firegrid.people.scope import user_scope

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


@dataclass(frozen=True)
class PlaceFilters:
    """The filters of the place list, map, API and export (empty = no filter)."""

    search: str = ""
    place_type: str = ""  # a type code, or a group name (九小场所) to take the whole group
    risk_level: str = ""
    key_unit: bool | None = None
    grid_id: int | None = None  # the grid and its subtree
    status: str = "active"  # "" = every status but merged
    has_duplicates: bool | None = None


def _in_scope(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(user_scope(user).q("grid_path"))


def _grid_subtree(queryset: QuerySet[Any], user: Any, grid_id: int | None) -> QuerySet[Any]:
    if grid_id is None:
        return queryset
    from firegrid.grids.selectors import grid_get

    grid = grid_get(user, grid_id)
    return queryset.filter(grid_path__startswith=grid.path)


def place_queryset(user: Any) -> QuerySet[Place]:
    return _in_scope(user, Place.objects.all()).select_related("place_type", "grid")


def place_list(user: Any, filters: PlaceFilters | None = None) -> QuerySet[Place]:
    filters = filters or PlaceFilters()
    places = place_queryset(user)
    if filters.status:
        places = places.filter(status=filters.status)
    else:
        places = places.exclude(status=Place.Status.MERGED)
    if filters.search:
        from .services.common import normalize_key

        key = normalize_key(filters.search)
        places = places.filter(
            Q(name__icontains=filters.search)
            | Q(address__icontains=filters.search)
            | Q(name_key__contains=key)
            | Q(licence_number=filters.search.strip())
        )
    if filters.place_type:
        places = places.filter(
            Q(place_type__code=filters.place_type) | Q(place_type__group=filters.place_type)
        )
    if filters.risk_level:
        places = places.filter(risk_level=filters.risk_level)
    if filters.key_unit is not None:
        places = places.filter(is_key_unit=filters.key_unit)
    if filters.has_duplicates is not None:
        flagged = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
        in_a_pair = Q(pk__in=flagged.values("place_id")) | Q(pk__in=flagged.values("other_id"))
        places = places.filter(in_a_pair) if filters.has_duplicates else places.exclude(in_a_pair)
    places = _grid_subtree(places, user, filters.grid_id)
    return places.order_by("grid_path", "name", "id")


def place_get(user: Any, place_id: int) -> Place:
    place = place_queryset(user).filter(pk=place_id).first()
    if place is None:
        raise NotFound(_("Place not found."), code="place_not_found")
    return place


def place_may_edit(user: Any, place: Place) -> bool:
    return user_scope(user).may_edit_registry_in(place.grid_path)


def place_history(place: Place) -> QuerySet[AuditEvent]:
    """The place's audit events, and those of records merged into it, oldest first."""
    ids = [str(place.pk), *(str(pk) for pk in place.merged_from.values_list("pk", flat=True))]
    return (
        AuditEvent.objects.filter(object_type="registry.place", object_id__in=ids)
        .select_related("actor")
        .order_by("occurred_at", "id")
    )


def place_open_duplicates(user: Any, place: Place) -> list[DuplicateCandidate]:
    """Open duplicate flags of the place whose other side the viewer may also see."""
    scope = user_scope(user)
    flags = DuplicateCandidate.objects.filter(
        Q(place=place) | Q(other=place), status=DuplicateCandidate.Status.OPEN
    ).select_related("place", "other", "place__place_type", "other__place_type")
    return [f for f in flags if scope.covers(f.place.grid_path) and scope.covers(f.other.grid_path)]


def duplicate_list(user: Any) -> QuerySet[DuplicateCandidate]:
    scope = user_scope(user)
    return (
        DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
        .filter(scope.q("place__grid_path"), scope.q("other__grid_path"))
        .select_related("place", "other", "place__place_type", "other__place_type")
        .order_by("-created_at", "id")
    )


def phone_for(user: Any, grid_path: str, phone: str) -> str:
    """A private person's phone (landlord, team member) as the viewer may see it: in full only
    where their role `sees_phones` (the people app's rule); masked (138****1234) otherwise.
    Work contacts of places and fire resources are shown to everyone in scope: workers call
    them to arrange inspections, and they stand on the place's placard anyway."""
    if not phone or user_scope(user).sees_phone_in(grid_path):
        return phone
    return mask_phone(phone)


def place_type_list() -> QuerySet[PlaceType]:
    return PlaceType.objects.filter(active=True).order_by("sort_order", "code")


def rule_list() -> QuerySet[ClassificationRule]:
    return ClassificationRule.objects.filter(active=True).prefetch_related("place_types")


def building_list(user: Any, *, search: str = "", grid_id: int | None = None) -> QuerySet[Building]:
    buildings = _in_scope(user, Building.objects.all()).select_related("grid")
    if search:
        buildings = buildings.filter(Q(name__icontains=search) | Q(address__icontains=search))
    return _grid_subtree(buildings, user, grid_id).order_by("grid_path", "name", "id")


def building_get(user: Any, building_id: int) -> Building:
    building = building_list(user).filter(pk=building_id).first()
    if building is None:
        raise NotFound(_("Building not found."), code="building_not_found")
    return building


def household_list(
    user: Any, *, building_id: int | None = None, rental: bool | None = None
) -> QuerySet[Household]:
    households = _in_scope(user, Household.objects.all()).select_related("building", "grid")
    if building_id is not None:
        households = households.filter(building_id=building_id)
    if rental is not None:
        households = households.filter(is_rental=rental)
    return households


def household_get(user: Any, household_id: int) -> Household:
    household = household_list(user).filter(pk=household_id).first()
    if household is None:
        raise NotFound(_("Household not found."), code="household_not_found")
    return household


VULNERABILITY_FLAGS = (
    "lives_alone_elderly",
    "disabled",
    "left_behind_child",
    "key_person",
    "limited_mobility",
)


def resident_list(
    user: Any,
    *,
    search: str = "",
    flag: str = "",
    household_id: int | None = None,
    grid_id: int | None = None,
) -> QuerySet[Resident]:
    """Residents in scope. Only masked ID numbers and phones are ever read here."""
    residents = _in_scope(user, Resident.objects.all()).select_related(
        "household", "household__building", "grid"
    )
    if search:
        residents = residents.filter(name__icontains=search)
    if flag in VULNERABILITY_FLAGS:
        residents = residents.filter(**{flag: True})
    if household_id is not None:
        residents = residents.filter(household_id=household_id)
    return _grid_subtree(residents, user, grid_id).order_by("grid_path", "household_id", "id")


def resident_get(user: Any, resident_id: int) -> Resident:
    resident = resident_list(user).filter(pk=resident_id).first()
    if resident is None:
        raise NotFound(_("Resident not found."), code="resident_not_found")
    return resident


def resident_may_unmask(user: Any, resident: Resident) -> bool:
    return user_scope(user).may_unmask_pii_in(resident.grid_path)


def fire_resource_list(
    user: Any, *, kind: str = "", status: str = "", grid_id: int | None = None, search: str = ""
) -> QuerySet[FireResource]:
    resources = _in_scope(user, FireResource.objects.all()).select_related("grid")
    if kind:
        resources = resources.filter(kind=kind)
    if status:
        resources = resources.filter(status=status)
    if search:
        resources = resources.filter(Q(name__icontains=search) | Q(address__icontains=search))
    return _grid_subtree(resources, user, grid_id).order_by("grid_path", "kind", "name", "id")


def fire_resource_get(user: Any, resource_id: int) -> FireResource:
    resource = (
        fire_resource_list(user)
        .prefetch_related("equipment", "members")
        .filter(pk=resource_id)
        .first()
    )
    if resource is None:
        raise NotFound(_("Fire resource not found."), code="fire_resource_not_found")
    return resource


def duplicate_get(user: Any, candidate_id: int) -> DuplicateCandidate:
    """An open duplicate flag whose two places are both in the viewer's scope, or NotFound."""
    candidate = duplicate_list(user).filter(pk=candidate_id).first()
    if candidate is None:
        raise NotFound(_("Possible duplicate not found."), code="duplicate_not_found")
    return candidate


def place_map_points(
    user: Any,
    filters: PlaceFilters | None = None,
    *,
    bbox: tuple[float, float, float, float] | None = None,
) -> QuerySet[Place]:
    """Located places for a map layer: the list's filters, optionally inside a WGS-84 box
    (min_lon, min_lat, max_lon, max_lat). The API reads it with values_list, so 20,000 points
    stay cheap."""
    places = place_list(user, filters).filter(lon__isnull=False, lat__isnull=False)
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        places = places.filter(
            lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat
        )
    return places


def place_map_rows(
    user: Any, filters: PlaceFilters, *, limit: int
) -> tuple[int, list[tuple[Any, ...]]]:
    """(how many places match, the first `limit` of them as light rows for the map:
    id, name, lon, lat, type id, risk level, key unit, grid id, grid name)."""
    places = place_map_points(user, filters)
    total = places.count()
    rows = list(
        places.values_list(
            "id",
            "name",
            "lon",
            "lat",
            "place_type_id",
            "risk_level",
            "is_key_unit",
            "grid_id",
            "grid__name",
        )[:limit]
    )
    return total, rows


def rules_by_code(codes: list[str]) -> dict[str, ClassificationRule]:
    """The rules named in a place's classification (inactive ones too: they fired back then)."""
    return {rule.code: rule for rule in ClassificationRule.objects.filter(code__in=codes)}


def place_grid_choices(user: Any, *, limit: int = 500) -> list[Any]:
    """Leaf grids where the viewer may add places: the choices for setting a grid by hand."""
    grids = Grid.objects.filter(user_scope(user).q(registry=True), children__isnull=True)
    return list(grids.defer("boundary").order_by("path")[:limit])


def grid_names(codes: set[str]) -> dict[str, str]:
    """Grid names by code, to show grid moves in a place's history."""
    return dict(Grid.objects.filter(code__in=codes).values_list("code", "name"))
