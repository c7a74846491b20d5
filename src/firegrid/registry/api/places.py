"""/api/v1/ places, place types, classification rules and duplicate candidates."""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from firegrid.core.coords import convert_point
from firegrid.core.errors import ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.grids.schemas import ErrorOut
from firegrid.grids.selectors import grid_get

from .. import selectors, services
from ..models import (
    ClassificationRule,
    DuplicateCandidate,
    Place,
    PlaceType,
)
from ..schemas import (
    DismissIn,
    DuplicateOut,
    MergeIn,
    PlaceClassificationIn,
    PlaceDetailOut,
    PlaceFeatureCollectionOut,
    PlaceGridIn,
    PlaceHistoryOut,
    PlaceIn,
    PlaceListFilters,
    PlaceMapQuery,
    PlaceOut,
    PlacePatchIn,
    PlaceTypeOut,
    RuleOut,
)
from .common import (
    LIST_ERRORS,
    MAX_GEOJSON_FEATURES,
    POINT_FIELDS,
    WRITE_ERRORS,
    grid_ref,
    point_in_scope,
    point_of,
    router,
)

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
        "responsible_phone": place.responsible_phone,
        "manager_name": place.manager_name,
        "manager_phone": place.manager_phone,
        "phone": place.phone,
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


@router.get(
    "/places.geojson", response={200: PlaceFeatureCollectionOut, 404: ErrorOut, 422: ErrorOut}
)
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
