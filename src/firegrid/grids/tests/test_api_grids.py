"""/api/v1/grids: tree, list, detail, GeoJSON, locate, import and export."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from firegrid.conftest import neighbouring_collection, small_collection
from firegrid.core.coords import wgs84_to_bd09, wgs84_to_gcj02
from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.testing import user_with_role

pytestmark = pytest.mark.django_db

LEAF_A = "410185001001001"


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(user)
    return client


def codes(items: list[dict[str, Any]]) -> list[str]:
    return [item["code"] for item in items]


def upload(collection: Any, name: str = "grids.geojson") -> SimpleUploadedFile:
    raw = collection if isinstance(collection, bytes) else json.dumps(collection).encode()
    return SimpleUploadedFile(name, raw, content_type="application/geo+json")


def test_anonymous_request_gets_401_in_the_envelope(client: Client) -> None:
    response = client.get("/api/v1/grids")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_tree_starts_at_the_viewers_scope_root(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    client.force_login(user_with_role("street_office", small_jurisdiction["410185001"]))

    tree = client.get("/api/v1/grids/tree", {"levels": 1}).json()

    assert [node["code"] for node in tree] == ["410185001"]
    assert codes(tree[0]["children"]) == ["410185001001", "410185001002"]
    assert [child["children"] for child in tree[0]["children"]] == [[], []]
    assert tree[0]["level_name"] == "街道/乡镇"


def test_superuser_tree_two_levels_deep(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    tree = admin_client.get("/api/v1/grids/tree").json()

    assert codes(tree) == ["410185"]
    assert codes(tree[0]["children"]) == ["410185001", "410185002"]
    assert codes(tree[0]["children"][0]["children"]) == ["410185001001", "410185001002"]


def test_list_filters_by_parent_depth_and_search(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    street = small_jurisdiction["410185001"]

    by_parent = admin_client.get("/api/v1/grids", {"parent": street.pk}).json()
    by_depth = admin_client.get("/api/v1/grids", {"depth": 3}).json()
    by_name = admin_client.get("/api/v1/grids", {"q": "网格1-2"}).json()
    by_code = admin_client.get("/api/v1/grids", {"q": "410185002002"}).json()

    assert codes(by_parent["items"]) == ["410185001001", "410185001002"]
    assert [item["child_count"] for item in by_parent["items"]] == [2, 2]
    assert by_depth["count"] == 8
    assert codes(by_name["items"]) == ["410185001002001", "410185001002002"]
    assert codes(by_code["items"]) == ["410185002002", "410185002002001", "410185002002002"]


def test_list_is_paginated(small_jurisdiction: dict[str, Grid], admin_client: Client) -> None:
    first = admin_client.get("/api/v1/grids", {"depth": 3, "page_size": 3}).json()
    last = admin_client.get("/api/v1/grids", {"depth": 3, "page_size": 3, "page": 3}).json()

    assert first["count"] == 8
    assert codes(first["items"]) == ["410185001001001", "410185001001002", "410185001002001"]
    assert codes(last["items"]) == ["410185002002001", "410185002002002"]


def test_list_item_has_exact_fields(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    leaf = small_jurisdiction[LEAF_A]

    item = admin_client.get("/api/v1/grids", {"q": LEAF_A}).json()["items"][0]

    assert item == {
        "id": leaf.pk,
        "code": LEAF_A,
        "name": "网格1-1-1",
        "depth": 3,
        "level_name": "网格",
        "parent_id": small_jurisdiction["410185001001"].pk,
        "households": 400,
        "population": 1200,
        "area_m2": leaf.area_m2,
        "centroid_lon": leaf.centroid_lon,
        "centroid_lat": leaf.centroid_lat,
        "bbox": [113.0, 34.4, 113.1, 34.5],
        "child_count": 0,
    }


@pytest.mark.parametrize("page_size", [1, 8])
def test_list_query_count_does_not_grow_with_the_page(
    small_jurisdiction: dict[str, Grid],
    client: Client,
    django_assert_num_queries: Any,
    page_size: int,
) -> None:
    client.force_login(user_with_role("county_office", small_jurisdiction["410185"]))
    # session, user, scope (assignments), COUNT, page rows (level joined, children counted)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/grids", {"depth": 3, "page_size": page_size})

    assert len(response.json()["items"]) == page_size


def test_detail_has_ancestors_and_neighbours(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    leaf = small_jurisdiction[LEAF_A]

    body = admin_client.get(f"/api/v1/grids/{leaf.pk}").json()

    assert body["jurisdiction_code"] == "410185"
    assert codes(body["ancestors"]) == ["410185", "410185001", "410185001001"]
    # East in the same community and north in the next one; the diagonal only touches a corner.
    assert body["neighbour_ids"] == [
        small_jurisdiction["410185001001002"].pk,
        small_jurisdiction["410185001002001"].pk,
    ]


def test_detail_for_a_grid_worker_hides_ancestors_and_neighbours_outside_scope(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    client.force_login(user_with_role("parttime_worker", leaf))

    body = client.get(f"/api/v1/grids/{leaf.pk}").json()
    neighbours = client.get(f"/api/v1/grids/{leaf.pk}/neighbours").json()

    assert body["ancestors"] == []
    assert body["neighbour_ids"] == []
    assert neighbours == {"items": [], "count": 0}


def test_neighbours_endpoint_lists_adjacent_grids(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    leaf = small_jurisdiction[LEAF_A]

    body = admin_client.get(f"/api/v1/grids/{leaf.pk}/neighbours").json()

    assert body["count"] == 2
    assert codes(body["items"]) == ["410185001001002", "410185001002001"]


def test_geojson_of_a_parent_is_a_feature_collection_of_its_children(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    community = small_jurisdiction["410185001001"]

    body = admin_client.get("/api/v1/grids/geojson", {"parent": community.pk}).json()

    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == [LEAF_A, "410185001001002"]
    first = body["features"][0]
    assert first["geometry"]["type"] == "Polygon"
    assert first["properties"]["parent_id"] == community.pk
    assert first["properties"]["level"] == "网格"


def test_geojson_of_an_out_of_scope_parent_is_404(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    client.force_login(user_with_role("street_office", small_jurisdiction["410185001"]))

    response = client.get("/api/v1/grids/geojson", {"parent": small_jurisdiction["410185002"].pk})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "grid_not_found"


def test_single_grid_geojson(small_jurisdiction: dict[str, Grid], admin_client: Client) -> None:
    leaf = small_jurisdiction[LEAF_A]

    body = admin_client.get(f"/api/v1/grids/{leaf.pk}/geojson").json()

    assert [f["id"] for f in body["features"]] == [leaf.pk]
    assert body["features"][0]["geometry"] == leaf.boundary


@pytest.mark.parametrize(
    ("crs", "convert"),
    [("wgs84", lambda lon, lat: (lon, lat)), ("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)],
)
def test_the_same_point_in_each_datum_locates_to_the_same_leaf(
    small_jurisdiction: dict[str, Grid],
    admin_client: Client,
    crs: str,
    convert: Callable[[float, float], tuple[float, float]],
) -> None:
    # 113.095 is 500 m from the leaf's east edge: less than the GCJ-02 offset, so a datum
    # mix-up would land in the neighbour.
    lon, lat = convert(113.095, 34.45)

    response = admin_client.get(
        "/api/v1/grids/locate", {"lon": str(lon), "lat": str(lat), "crs": crs}
    )

    body = response.json()
    assert response.status_code == 200
    assert body["leaf"]["code"] == LEAF_A
    assert codes(body["chain"]) == ["410185", "410185001", "410185001001", LEAF_A]
    assert body["lon_wgs84"] == pytest.approx(113.095, abs=1e-7)
    assert body["lat_wgs84"] == pytest.approx(34.45, abs=1e-7)


def test_gcj02_point_read_as_wgs84_lands_elsewhere(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    lon, lat = wgs84_to_gcj02(113.095, 34.45)

    body = admin_client.get(
        "/api/v1/grids/locate", {"lon": str(lon), "lat": str(lat), "crs": "wgs84"}
    ).json()

    assert body["leaf"]["code"] == "410185001001002"


def test_locate_outside_every_grid_is_404_in_the_envelope(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    response = admin_client.get(
        "/api/v1/grids/locate",
        {"lon": str(100.0), "lat": str(30.0), "crs": "wgs84"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "point_not_in_grid",
            "message": "No grid of yours contains this point.",
            "details": None,
        }
    }


def test_locate_a_point_in_a_grid_outside_the_scope_is_404(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    client.force_login(user_with_role("parttime_worker", small_jurisdiction["410185001001002"]))

    response = client.get(
        "/api/v1/grids/locate", {"lon": str(113.05), "lat": str(34.45), "crs": "wgs84"}
    )

    assert response.status_code == 404


def test_locate_with_an_unknown_crs_is_422(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    response = admin_client.get(
        "/api/v1/grids/locate", {"lon": str(113.05), "lat": str(34.45), "crs": "utm"}
    )

    body = response.json()
    assert response.status_code == 422
    assert body["error"]["code"] == "invalid_input"
    assert [error["loc"] for error in body["error"]["details"]] == [["query", "crs"]]


def test_patch_grid_by_a_manager_changes_it_and_audits(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    client.force_login(user_with_role("community_office", small_jurisdiction["410185001001"]))

    response = client.patch(
        f"/api/v1/grids/{leaf.pk}",
        {"name": " 新名字 ", "population": 1300},
        content_type="application/json",
    )

    leaf.refresh_from_db()
    event = AuditEvent.objects.last()
    assert response.status_code == 200
    assert (response.json()["name"], leaf.name, leaf.population) == ("新名字", "新名字", 1300)
    assert event is not None
    assert (event.action, event.object_id) == ("grid.update", str(leaf.pk))
    assert event.data == {
        "before": {"name": "网格1-1-1", "population": 1200},
        "after": {"name": "新名字", "population": 1300},
    }


def test_patch_grid_with_negative_households_is_422_and_unchanged(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    leaf = small_jurisdiction[LEAF_A]

    response = admin_client.patch(
        f"/api/v1/grids/{leaf.pk}", {"households": -1}, content_type="application/json"
    )

    leaf.refresh_from_db()
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert leaf.households == 400


def test_import_of_a_bad_file_lists_every_problem_and_writes_nothing(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    collection = neighbouring_collection()
    features = collection["features"]
    features[3]["properties"]["parent_code"] = "410186999"  # unknown parent
    features[4]["properties"]["code"] = features[5]["properties"]["code"]  # duplicate code
    features[7]["geometry"]["coordinates"][0] = [  # a bow-tie: self-intersecting
        [114.0, 34.4],
        [114.1, 34.5],
        [114.1, 34.4],
        [114.0, 34.5],
        [114.0, 34.4],
    ]
    grids_before, audit_before = Grid.objects.count(), AuditEvent.objects.count()

    response = admin_client.post("/api/v1/grids/import", {"file": upload(collection)})

    body = response.json()
    problems = {(p["feature"], p["field"]) for p in body["error"]["details"]["errors"]}
    assert response.status_code == 422
    assert body["error"]["code"] == "import_rejected"
    assert {(4, "parent_code"), (6, "code"), (8, "geometry")} <= problems
    assert (Grid.objects.count(), AuditEvent.objects.count()) == (grids_before, audit_before)


def test_import_of_something_that_is_not_json_is_422(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    response = admin_client.post("/api/v1/grids/import", {"file": upload(b"\x89PNG not json")})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_json"
    assert Grid.objects.count() == 15


def test_import_of_a_good_file_reports_created_counts(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    response = admin_client.post(
        "/api/v1/grids/import", {"file": upload(neighbouring_collection())}
    )

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "dry_run": False,
        "jurisdiction_code": "410186",
        "created": 15,
        "updated": 0,
        "unchanged": 0,
        "warnings": [],
    }
    assert Grid.objects.filter(jurisdiction__code="410186").count() == 15


def test_import_dry_run_writes_nothing(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    audit_before = AuditEvent.objects.count()

    response = admin_client.post(
        "/api/v1/grids/import", {"file": upload(neighbouring_collection()), "dry_run": "true"}
    )

    assert response.status_code == 200
    assert (response.json()["dry_run"], response.json()["created"]) == (True, 15)
    assert Grid.objects.count() == 15
    assert AuditEvent.objects.count() == audit_before


def test_import_by_a_street_office_is_403_and_writes_nothing(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    client.force_login(user_with_role("street_office", small_jurisdiction["410185001"]))

    response = client.post("/api/v1/grids/import", {"file": upload(small_collection())})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_manager"
    assert AuditEvent.objects.filter(action="grids.import").count() == 1  # the fixture's


def test_county_office_may_import_its_own_jurisdiction(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    client.force_login(user_with_role("county_office", small_jurisdiction["410185"]))

    own = client.post("/api/v1/grids/import", {"file": upload(small_collection())})
    other = client.post("/api/v1/grids/import", {"file": upload(neighbouring_collection())})

    assert own.status_code == 200
    assert own.json()["unchanged"] == 15
    assert other.status_code == 403


def test_export_round_trips_through_import(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    exported = admin_client.get("/api/v1/jurisdictions/410185/export").json()

    response = admin_client.post("/api/v1/grids/import", {"file": upload(exported)})

    assert exported["firegrid"]["jurisdiction"]["code"] == "410185"
    assert [level["name"] for level in exported["firegrid"]["levels"]] == [
        "区县",
        "街道/乡镇",
        "社区/村",
        "网格",
    ]
    assert len(exported["features"]) == 15
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["unchanged"]) == (0, 15)


def test_export_in_gcj02_converts_coordinates(
    small_jurisdiction: dict[str, Grid], admin_client: Client
) -> None:
    exported = admin_client.get("/api/v1/jurisdictions/410185/export", {"crs": "gcj02"}).json()

    first_corner = exported["features"][0]["geometry"]["coordinates"][0][0]
    assert exported["firegrid"]["crs"] == "gcj02"
    assert first_corner == pytest.approx(list(wgs84_to_gcj02(113.0, 34.4)), abs=1e-6)


def test_export_of_a_jurisdiction_outside_the_scope_is_404(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    client.force_login(user_with_role("street_office", small_jurisdiction["410185001"]))

    response = client.get("/api/v1/jurisdictions/410185/export")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "jurisdiction_not_found"
