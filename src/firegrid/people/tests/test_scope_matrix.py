"""Acceptance: role × in-scope/out-of-scope × operation, over the API and the pages.

Out of scope → 404 for every operation (existence is not leaked); in scope, reads → 200 and writes
→ 200/201 for roles that `can_manage`, 403 otherwise. Every refused write leaves the database as it
was: same rows, same values, and no new audit event.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from firegrid.conftest import neighbouring_collection
from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.grids.services import grids_import
from firegrid.people.models import Assignment, Person, Role
from firegrid.testing import user_with_role

COUNTY, STREET_1, STREET_2 = "410185", "410185001", "410185002"
COMMUNITY_1_1, COMMUNITY_1_2 = "410185001001", "410185001002"
LEAF_A, LEAF_B = "410185001001001", "410185001001002"
OTHER_LEAF = "410186001001001"  # a leaf of a second jurisdiction


@dataclass(frozen=True)
class Seat:
    role: str
    at: str  # the grid the role is held on
    outside: str  # the nearest grid outside that subtree
    manages: bool


SEATS = [
    Seat("county_office", COUNTY, OTHER_LEAF, manages=True),
    Seat("street_office", STREET_1, "410185002001001", manages=True),
    Seat("community_office", COMMUNITY_1_1, "410185001002001", manages=True),
    Seat("grid_head", LEAF_A, LEAF_B, manages=False),
    Seat("parttime_worker", LEAF_A, LEAF_B, manages=False),
    Seat("community_police", COMMUNITY_1_1, "410185001002001", manages=False),
    Seat("volunteer", LEAF_A, LEAF_B, manages=False),
]

READS = ["api_grid_detail", "api_grid_list", "api_person", "page_grid_detail", "page_person"]
WRITES = ["api_grid_patch", "api_person_create", "api_assignment_create", "page_grid_edit"]
# What a manager's successful write answers, per operation.
WRITE_OK = {
    "api_grid_patch": 200,
    "api_person_create": 201,
    "api_assignment_create": 201,
    "page_grid_edit": 302,
}


@pytest.fixture
def world(small_jurisdiction: dict[str, Grid]) -> dict[str, Grid]:
    grids_import(collection=neighbouring_collection(), actor=None)
    return {grid.code: grid for grid in Grid.objects.select_related("level")}


def state(target: Grid) -> dict[str, Any]:
    """Everything a refused write could have touched."""
    target.refresh_from_db()
    return {
        "grid": (target.name, target.households, target.population),
        "people": Person.objects.count(),
        "assignments": Assignment.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def perform(client: Client, operation: str, grid: Grid, person: Person) -> tuple[int, Any]:
    today = timezone.localdate().isoformat()
    if operation == "api_grid_detail":
        response = client.get(f"/api/v1/grids/{grid.pk}")
    elif operation == "api_grid_list":
        response = client.get("/api/v1/grids", {"q": grid.code})
    elif operation == "api_person":
        response = client.get(f"/api/v1/people/{person.pk}")
    elif operation == "page_grid_detail":
        response = client.get(f"/grids/{grid.pk}/")
    elif operation == "page_person":
        response = client.get(f"/people/{person.pk}/")
    elif operation == "api_grid_patch":
        response = client.patch(
            f"/api/v1/grids/{grid.pk}",
            json.dumps({"households": 999}),
            content_type="application/json",
        )
    elif operation == "api_person_create":
        response = client.post(
            "/api/v1/people",
            {"name": "新人", "phone": "13900001111", "home_grid_id": grid.pk},
            content_type="application/json",
        )
    elif operation == "api_assignment_create":
        response = client.post(
            "/api/v1/assignments",
            {
                "person_id": person.pk,
                "grid_id": grid.pk,
                "role_code": "volunteer",
                "start_on": today,
            },
            content_type="application/json",
        )
    elif operation == "page_grid_edit":
        response = client.post(
            f"/grids/{grid.pk}/edit/", {"name": grid.name, "households": 999, "population": 1200}
        )
    else:  # pragma: no cover - a typo in the matrix
        raise AssertionError(operation)
    body = response.json() if response["Content-Type"].startswith("application/json") else None
    return response.status_code, body


@pytest.mark.django_db
@pytest.mark.parametrize("operation", READS + WRITES)
@pytest.mark.parametrize("in_scope", [True, False], ids=["in_scope", "out_of_scope"])
@pytest.mark.parametrize("seat", SEATS, ids=[f"{s.role}@{s.at}" for s in SEATS])
def test_scope_matrix(
    world: dict[str, Grid], client: Client, seat: Seat, in_scope: bool, operation: str
) -> None:
    user = user_with_role(seat.role, world[seat.at])
    target = world[LEAF_A if in_scope else seat.outside]
    person = Person.objects.create(name="目标人", phone="13700001234", home_grid=target)
    client.force_login(user)
    before = state(target)

    status, body = perform(client, operation, target, person)

    if not in_scope:
        expected = 200 if operation == "api_grid_list" else 404
    elif operation in READS:
        expected = 200
    else:
        expected = WRITE_OK[operation] if seat.manages else 403
    assert status == expected, body

    if operation == "api_grid_list":
        assert [item["code"] for item in body["items"]] == ([target.code] if in_scope else [])
    if operation.startswith("api_") and status == 403:
        assert body["error"]["code"] == "not_manager"
    if operation.startswith("api_") and status == 404:
        assert body["error"]["code"] in {"grid_not_found", "person_not_found"}
    if operation in WRITES and status in (403, 404):
        assert state(target) == before
    if operation in WRITES and status == WRITE_OK[operation]:
        assert AuditEvent.objects.count() == before["audit"] + 1
    if operation in ("api_grid_patch", "page_grid_edit") and status == WRITE_OK[operation]:
        target.refresh_from_db()
        assert target.households == 999


@pytest.mark.django_db
def test_parttime_worker_of_grid_a_gets_404_on_grid_b(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    grid_a, grid_b = small_jurisdiction[LEAF_A], small_jurisdiction[LEAF_B]
    client.force_login(user_with_role("parttime_worker", grid_a))
    person_b = Person.objects.create(name="乙网格人", phone="13700005678", home_grid=grid_b)

    assert client.get(f"/api/v1/grids/{grid_a.pk}").status_code == 200
    response = client.get(f"/api/v1/grids/{grid_b.pk}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "grid_not_found", "message": "Grid not found.", "details": None}
    }
    # The same answer as for a grid that does not exist at all.
    missing = client.get("/api/v1/grids/999999", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    assert missing.json() == response.json()
    assert client.get(f"/api/v1/grids/{grid_b.pk}/geojson").status_code == 404
    assert client.get(f"/api/v1/grids/{grid_b.pk}/neighbours").status_code == 404
    assert client.get(f"/api/v1/people/{person_b.pk}").status_code == 404
    assert client.get(f"/grids/{grid_b.pk}/").status_code == 404
    assert client.get(f"/people/{person_b.pk}/").status_code == 404
    listed = client.get("/api/v1/grids").json()
    assert [item["code"] for item in listed["items"]] == [LEAF_A]
    people = client.get("/api/v1/people").json()
    assert person_b.pk not in [item["id"] for item in people["items"]]


@pytest.mark.django_db
def test_ended_assignment_no_longer_grants_scope(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    grid = small_jurisdiction[LEAF_A]
    user = user_with_role(
        "grid_head", grid, start_on=yesterday - datetime.timedelta(days=30), end_on=yesterday
    )
    client.force_login(user)

    assert client.get(f"/api/v1/grids/{grid.pk}").status_code == 404
    assert client.get("/api/v1/grids").json() == {"items": [], "count": 0}


@pytest.mark.django_db
def test_manager_cannot_create_an_assignment_with_an_unknown_role_and_nothing_is_written(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    grid = small_jurisdiction[LEAF_A]
    client.force_login(user_with_role("community_office", small_jurisdiction[COMMUNITY_1_1]))
    person = Person.objects.create(name="某人", home_grid=grid)
    before = (Assignment.objects.count(), AuditEvent.objects.count())

    response = client.post(
        "/api/v1/assignments",
        {"person_id": person.pk, "grid_id": grid.pk, "role_code": "king", "start_on": "2025-01-01"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "role_unknown"
    assert (Assignment.objects.count(), AuditEvent.objects.count()) == before
    assert Role.objects.filter(code="king").exists() is False
