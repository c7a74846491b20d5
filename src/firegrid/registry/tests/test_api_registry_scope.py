"""Acceptance: role × in-scope/out-of-scope × operation over the registry API.

Out of scope → 404 for every operation on a record (its existence is not leaked) and the record is
missing from lists; creating at a point in a grid outside the scope is 404 too. In scope, reads →
200; writes → 200/201 for roles that may edit the registry, 403 for read-only roles; revealing a
resident's ID number → 200 only for roles that may unmask PII. Every refused operation leaves the
database as it was: same rows, same values, and no new audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from firegrid.core.api_auth import api_token_create
from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.registry.models import (
    Building,
    EquipmentItem,
    FireResource,
    Household,
    Place,
    Resident,
)
from firegrid.registry.services import (
    building_create,
    fire_resource_create,
    household_create,
    place_create,
    resident_create,
)
from firegrid.testing import user_with_role

COMMUNITY_1_1 = "410185001001"
LEAF_A, LEAF_B = "410185001001001", "410185001001002"
LEAF_C = "410185001002001"  # community 1-2
POINTS = {LEAF_A: (113.05, 34.45), LEAF_B: (113.15, 34.45), LEAF_C: (113.05, 34.55)}
ID_NUMBER = "41018519450306123X"  # GB 11643, check digit X
OTHER_ID_NUMBER = "410185195001010015"


@dataclass(frozen=True)
class Seat:
    role: str
    at: str  # the grid the role is held on
    outside: str  # the nearest leaf outside that subtree
    edits: bool  # may add and edit registry records
    unmasks: bool  # may reveal residents' ID numbers and phones


SEATS = [
    Seat("community_office", COMMUNITY_1_1, LEAF_C, edits=True, unmasks=True),
    Seat("fulltime_worker", LEAF_A, LEAF_B, edits=True, unmasks=False),
    Seat("parttime_worker", LEAF_A, LEAF_B, edits=True, unmasks=False),
    Seat("volunteer", LEAF_A, LEAF_B, edits=False, unmasks=False),
    Seat("community_police", COMMUNITY_1_1, LEAF_C, edits=True, unmasks=True),
]

READS = [
    "place_read",
    "place_history",
    "building_read",
    "household_read",
    "resident_read",
    "fire_resource_read",
]
LISTS = ["place_list", "place_geojson", "building_list", "resident_list", "fire_resource_list"]
WRITES = {  # operation → status of a successful write
    "place_create": 201,
    "place_patch": 200,
    "place_set_classification": 200,
    "building_create": 201,
    "building_patch": 200,
    "household_create": 201,
    "household_patch": 200,
    "resident_create": 201,
    "resident_patch": 200,
    "fire_resource_create": 201,
    "fire_resource_patch": 200,
    "fire_resource_equipment": 200,
}
NOT_FOUND_CODES = {
    "place": "place_not_found",
    "building": "building_not_found",
    "household": "household_not_found",
    "resident": "resident_not_found",
    "fire_resource": "fire_resource_not_found",
}


@dataclass(frozen=True)
class Records:
    grid: Grid
    place: Place
    building: Building
    household: Household
    resident: Resident
    resource: FireResource


def records_in(grid: Grid, *, id_number: str = ID_NUMBER) -> Records:
    """One record of every kind in `grid`, written by the system (no actor)."""
    lon, lat = POINTS[grid.code]
    place = place_create(
        actor=None, values={"name": "目标宾馆", "place_type": "hotel"}, lon=lon, lat=lat
    )
    building = building_create(actor=None, values={"name": "目标楼"}, lon=lon, lat=lat)
    household = household_create(actor=None, values={"room": "101"}, building=building)
    resident = resident_create(
        actor=None,
        household=household,
        values={"name": "目标居民", "id_number": id_number, "phone": "13812345678"},
    )
    resource = fire_resource_create(
        actor=None, values={"kind": "fire_room", "name": "目标消防室"}, lon=lon, lat=lat
    )
    return Records(grid, place, building, household, resident, resource)


def state(records: Records) -> dict[str, Any]:
    """Everything a refused operation could have touched."""
    for record in (
        records.place,
        records.building,
        records.household,
        records.resident,
        records.resource,
    ):
        record.refresh_from_db()
    return {
        "values": (
            records.place.name,
            records.place.risk_level,
            records.building.name,
            records.household.size,
            records.resident.name,
            records.resource.status,
        ),
        "rows": tuple(
            model.objects.count()
            for model in (Place, Building, Household, Resident, FireResource, EquipmentItem)
        ),
        "audit": AuditEvent.objects.count(),
    }


def send(client: Client, method: str, url: str, body: Any = None, **extra: Any) -> Any:
    if method == "get":
        return client.get(url, body or {}, **extra)
    return getattr(client, method)(url, body, content_type="application/json", **extra)


def request_for(operation: str, r: Records) -> tuple[str, str, Any]:
    lon, lat = POINTS[r.grid.code]
    point = {"lon": lon, "lat": lat, "crs": "wgs84"}
    return {
        "place_read": ("get", f"/api/v1/places/{r.place.pk}", None),
        "place_history": ("get", f"/api/v1/places/{r.place.pk}/history", None),
        "building_read": ("get", f"/api/v1/buildings/{r.building.pk}", None),
        "household_read": ("get", f"/api/v1/households/{r.household.pk}", None),
        "resident_read": ("get", f"/api/v1/residents/{r.resident.pk}", None),
        "fire_resource_read": ("get", f"/api/v1/fire-resources/{r.resource.pk}", None),
        "place_list": ("get", "/api/v1/places", None),
        "place_geojson": ("get", "/api/v1/places.geojson", None),
        "building_list": ("get", "/api/v1/buildings", None),
        "resident_list": ("get", "/api/v1/residents", None),
        "fire_resource_list": ("get", "/api/v1/fire-resources", None),
        "place_create": (
            "post",
            "/api/v1/places",
            {"name": "新小店", "place_type": "small_shop", **point},
        ),
        "place_patch": ("patch", f"/api/v1/places/{r.place.pk}", {"name": "改名宾馆"}),
        "place_set_classification": (
            "post",
            f"/api/v1/places/{r.place.pk}/classification",
            {"overrides": {"risk_level": "high"}, "reason": "堆放可燃物"},
        ),
        "building_create": ("post", "/api/v1/buildings", {"name": "新楼", **point}),
        "building_patch": ("patch", f"/api/v1/buildings/{r.building.pk}", {"name": "改名楼"}),
        "household_create": (
            "post",
            "/api/v1/households",
            {"building_id": r.building.pk, "room": "202"},
        ),
        "household_patch": ("patch", f"/api/v1/households/{r.household.pk}", {"size": 4}),
        "resident_create": (
            "post",
            "/api/v1/residents",
            {"household_id": r.household.pk, "name": "新居民"},
        ),
        "resident_patch": ("patch", f"/api/v1/residents/{r.resident.pk}", {"name": "改名居民"}),
        "resident_reveal": (
            "post",
            f"/api/v1/residents/{r.resident.pk}/reveal",
            {"field": "id_number"},
        ),
        "fire_resource_create": (
            "post",
            "/api/v1/fire-resources",
            {"kind": "hydrant", "name": "新消火栓", **point},
        ),
        "fire_resource_patch": (
            "patch",
            f"/api/v1/fire-resources/{r.resource.pk}",
            {"status": "broken"},
        ),
        "fire_resource_equipment": (
            "put",
            f"/api/v1/fire-resources/{r.resource.pk}/equipment",
            {"items": [{"name": "灭火器", "quantity": 4}]},
        ),
    }[operation]


def listed_ids(operation: str, body: Any) -> list[int]:
    if operation == "place_geojson":
        return [feature["id"] for feature in body["features"]]
    return [item["id"] for item in body["items"]]


def target_id(operation: str, r: Records) -> int:
    kind = operation.rsplit("_", 1)[0]
    return {
        "place": r.place.pk,
        "building": r.building.pk,
        "resident": r.resident.pk,
        "fire_resource": r.resource.pk,
    }[kind]


def expected_not_found_code(operation: str) -> str:
    if operation in ("place_create", "building_create", "fire_resource_create"):
        return "point_not_in_grid"  # the point lies in a grid outside the scope
    if operation == "household_create":
        return "building_not_found"
    if operation == "resident_create":
        return "household_not_found"
    kind = operation.rsplit("_", 1)[0]
    if operation == "place_set_classification":
        kind = "place"
    return NOT_FOUND_CODES[kind]


@pytest.mark.django_db
@pytest.mark.parametrize("operation", [*READS, *LISTS, *WRITES, "resident_reveal"])
@pytest.mark.parametrize("in_scope", [True, False], ids=["in_scope", "out_of_scope"])
@pytest.mark.parametrize("seat", SEATS, ids=[f"{s.role}@{s.at}" for s in SEATS])
def test_registry_scope_matrix(
    small_jurisdiction: dict[str, Grid],
    client: Client,
    seat: Seat,
    in_scope: bool,
    operation: str,
) -> None:
    user = user_with_role(seat.role, small_jurisdiction[seat.at])
    records = records_in(small_jurisdiction[LEAF_A if in_scope else seat.outside])
    client.force_login(user)
    before = state(records)

    method, url, body = request_for(operation, records)
    response = send(client, method, url, body)
    status, payload = response.status_code, response.json()

    if operation in LISTS:
        expected = 200
    elif not in_scope:
        expected = 404
    elif operation in READS:
        expected = 200
    elif operation == "resident_reveal":
        expected = 200 if seat.unmasks else 403
    else:
        expected = WRITES[operation] if seat.edits else 403
    assert status == expected, payload

    if operation in LISTS:
        assert (target_id(operation, records) in listed_ids(operation, payload)) is in_scope
    if status == 404:
        assert payload["error"]["code"] == expected_not_found_code(operation)
    if status == 403:
        assert payload["error"]["code"] == (
            "pii_denied" if operation == "resident_reveal" else "registry_read_only"
        )
    if status in (403, 404) or operation in READS or operation in LISTS:
        assert state(records) == before
    if status in (200, 201) and (operation in WRITES or operation == "resident_reveal"):
        assert AuditEvent.objects.count() == before["audit"] + 1
    if operation == "resident_reveal":
        assert (ID_NUMBER.encode() in response.content) is (status == 200)
    elif operation.startswith("resident"):
        assert ID_NUMBER.encode() not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["fulltime_worker", "parttime_worker"])
def test_worker_may_not_move_a_place_into_a_grid_outside_the_scope(
    small_jurisdiction: dict[str, Grid], client: Client, role: str
) -> None:
    records = records_in(small_jurisdiction[LEAF_A])
    client.force_login(user_with_role(role, small_jurisdiction[LEAF_A]))
    before = state(records)

    response = send(
        client,
        "patch",
        f"/api/v1/places/{records.place.pk}",
        {"lon": 113.15, "lat": 34.45, "crs": "wgs84"},
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "grid_out_of_scope"
    assert state(records) == before
    assert (records.place.lon, records.place.grid_id) == (113.05, small_jurisdiction[LEAF_A].pk)


@pytest.mark.django_db
def test_manual_grid_outside_the_scope_is_404_and_changes_nothing(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    records = records_in(small_jurisdiction[LEAF_A])
    client.force_login(user_with_role("community_office", small_jurisdiction[COMMUNITY_1_1]))
    before = state(records)

    response = send(
        client,
        "post",
        f"/api/v1/places/{records.place.pk}/grid",
        {"grid_id": small_jurisdiction[LEAF_C].pk, "reason": "越界"},
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "grid_not_found"
    assert state(records) == before


@pytest.mark.django_db
def test_bearer_token_sees_the_owners_scope_only(small_jurisdiction: dict[str, Grid]) -> None:
    mine = records_in(small_jurisdiction[LEAF_A])
    theirs = records_in(small_jurisdiction[LEAF_B], id_number=OTHER_ID_NUMBER)
    user = user_with_role("community_police", small_jurisdiction[LEAF_A])
    _token, key = api_token_create(user=user, name="警务通")
    client = Client(enforce_csrf_checks=True)
    auth = {"Authorization": f"Bearer {key}"}

    listed = client.get("/api/v1/residents", headers=auth).json()
    other = client.get(f"/api/v1/residents/{theirs.resident.pk}", headers=auth)
    reveal = client.post(
        f"/api/v1/residents/{mine.resident.pk}/reveal",
        {"field": "phone"},
        content_type="application/json",
        headers=auth,
    )

    assert [r["id"] for r in listed["items"]] == [mine.resident.pk]
    assert other.status_code == 404
    assert reveal.json() == {
        "resident_id": mine.resident.pk,
        "field": "phone",
        "value": "13812345678",
    }
    assert AuditEvent.objects.filter(action="resident.reveal").get().actor_id == user.pk
