"""/api/v1/places, /api/v1/places.geojson, /api/v1/registry/place-types|rules|duplicates."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from firegrid.core.api_auth import api_token_create
from firegrid.core.coords import convert_point, wgs84_to_gcj02
from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.registry.api import places as registry_api
from firegrid.registry.models import ClassificationRule, DuplicateCandidate, Place, PlaceType
from firegrid.registry.services import place_create, place_update
from firegrid.registry.taxonomy import DEFAULT_PLACE_TYPES
from firegrid.testing import user_with_role

pytestmark = pytest.mark.django_db

# The small jurisdiction: leaf A covers 113.0–113.1 E × 34.4–34.5 N, leaf B 113.1–113.2 E;
# community 1-1 holds both. Leaf C (community 1-2) is north of them, 34.5–34.6 N.
COMMUNITY, LEAF_A, LEAF_B = "410185001001", "410185001001001", "410185001001002"
LEAF_C = "410185001002001"


@pytest.fixture
def office(small_jurisdiction: dict[str, Grid], client: Client) -> Client:
    """A community office login: edits the registry of community 1-1 and unmasks PII there."""
    client.force_login(
        user_with_role("community_office", small_jurisdiction[COMMUNITY], username="office")
    )
    return client


def hotel(**extra: Any) -> dict[str, Any]:
    return {"name": "好梦宾馆", "place_type": "hotel", "address": "中州路1号", **extra}


def post_json(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, data, content_type="application/json", **extra)


def patch_json(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.patch(url, data, content_type="application/json", **extra)


def written() -> tuple[int, int, int]:
    return Place.objects.count(), AuditEvent.objects.count(), DuplicateCandidate.objects.count()


def test_create_place_is_located_classified_audited_and_answers_the_detail(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    response = post_json(
        office,
        "/api/v1/places",
        {**hotel(rooms=60, phone="0371-6688 1234"), "lon": 113.05, "lat": 34.45, "crs": "wgs84"},
    )

    body = response.json()
    place = Place.objects.get()
    leaf = small_jurisdiction[LEAF_A]
    assert response.status_code == 201, body
    assert body["id"] == place.pk
    assert (body["lon"], body["lat"]) == (113.05, 34.45)
    assert body["grid"] == {"id": leaf.pk, "code": LEAF_A, "name": leaf.name}
    assert (body["grid_manual"], body["grid_manual_reason"]) == (False, "")
    assert (body["place_type"], body["place_type_name"]) == ("hotel", "宾馆/饭店")
    assert body["phone"] == "0371-66881234"
    assert body["rooms"] == 60
    assert body["classification"] == {
        "effective": {"risk_level": "medium", "is_key_unit": True, "is_high_risk_unit": False},
        "computed": {"risk_level": "medium", "is_key_unit": True, "is_high_risk_unit": False},
        "fired": [
            {
                "code": "key_hotel_50_rooms",
                "name": "宾馆(饭店)客房数≥50间为重点单位",
                "effect": "key_unit",
            }
        ],
        "overrides": {},
        "override_reason": "",
    }
    assert body["duplicates"] == []
    assert body["may_edit"] is True
    assert body["status"] == "active"
    events = AuditEvent.objects.filter(object_type="registry.place")
    assert list(events.values_list("action", "object_id")) == [("place.create", str(place.pk))]


def test_create_place_without_crs_reads_the_default_datum(
    small_jurisdiction: dict[str, Grid], office: Client, settings: Any
) -> None:
    settings.FIREGRID_DEFAULT_CRS = "gcj02"
    glon, glat = wgs84_to_gcj02(113.05, 34.45)

    response = post_json(office, "/api/v1/places", {**hotel(), "lon": glon, "lat": glat})

    place = Place.objects.get()
    assert response.status_code == 201
    assert place.lon == pytest.approx(113.05, abs=1e-7)
    assert place.lat == pytest.approx(34.45, abs=1e-7)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**hotel(place_type="spaceport"), "lon": 113.05, "lat": 34.45}, "place_type_unknown"),
        ({**hotel(), "lon": 114.5, "lat": 34.45, "crs": "wgs84"}, "point_outside_grids"),
        ({**hotel(), "lon": 34.45, "lat": 113.05, "crs": "wgs84"}, "invalid_input"),
        ({**hotel(colour="red"), "lon": 113.05, "lat": 34.45}, "invalid_input"),
        ({**hotel(), "lon": 113.05, "lat": 34.45, "crs": "utm50"}, "invalid_input"),
        ({"place_type": "hotel", "lon": 113.05, "lat": 34.45}, "invalid_input"),
        ({**hotel(name="  "), "lon": 113.05, "lat": 34.45, "crs": "wgs84"}, "name_required"),
        ({**hotel(phone="12345"), "lon": 113.05, "lat": 34.45, "crs": "wgs84"}, "phone_invalid"),
        ({**hotel(rooms=-1), "lon": 113.05, "lat": 34.45}, "number_out_of_range"),
    ],
    ids=[
        "unknown_type",
        "outside_grids",
        "swapped_lon_lat",
        "unknown_field",
        "wrong_crs",
        "missing_name",
        "blank_name",
        "bad_phone",
        "negative_rooms",
    ],
)
def test_bad_place_input_is_422_in_the_envelope_and_writes_nothing(
    small_jurisdiction: dict[str, Grid], office: Client, body: dict[str, Any], code: str
) -> None:
    before = written()

    response = post_json(office, "/api/v1/places", body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert written() == before


def test_unknown_type_message_is_translated_and_names_the_field(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    response = post_json(
        office,
        "/api/v1/places",
        {**hotel(place_type="spaceport"), "lon": 113.05, "lat": 34.45, "crs": "wgs84"},
        headers={"Accept-Language": "en"},
    )

    assert response.json() == {
        "error": {
            "code": "place_type_unknown",
            "message": "Unknown place type 'spaceport'.",
            "details": {"field": "place_type"},
        }
    }


def test_moving_a_place_into_the_next_grid_reassigns_it_and_the_history_shows_the_move(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    place = place_create(actor=None, values=hotel(), lon=113.05, lat=34.45)

    response = patch_json(
        office,
        f"/api/v1/places/{place.pk}",
        {"lon": 113.15, "lat": 34.45, "crs": "wgs84", "note": "搬到东边"},
    )
    history = office.get(f"/api/v1/places/{place.pk}/history").json()

    assert response.status_code == 200
    assert response.json()["grid"]["code"] == LEAF_B
    assert response.json()["note"] == "搬到东边"
    assert history["count"] == 2
    assert [(e["action"], e["actor"], e["place_id"]) for e in history["items"]] == [
        ("place.create", None, place.pk),
        ("place.update", "office", place.pk),
    ]
    assert history["items"][1]["changes"] == {
        "note": ["", "搬到东边"],
        "lon": [113.05, 113.15],
        "lat": [34.45, 34.45],  # the service records both coordinates of a move
        "grid": [LEAF_A, LEAF_B],
    }


def test_patch_with_lon_but_no_lat_is_422_and_changes_nothing(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    place = place_create(actor=None, values=hotel(), lon=113.05, lat=34.45)
    before = written()

    response = patch_json(office, f"/api/v1/places/{place.pk}", {"lon": 113.15, "name": "新名"})

    place.refresh_from_db()
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert (place.name, place.lon) == ("好梦宾馆", 113.05)
    assert written() == before


def test_patch_that_changes_a_rule_input_reclassifies(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    place = place_create(actor=None, values=hotel(rooms=10), lon=113.05, lat=34.45)

    body = patch_json(office, f"/api/v1/places/{place.pk}", {"rooms": 80}).json()

    assert body["is_key_unit"] is True
    assert [rule["code"] for rule in body["classification"]["fired"]] == ["key_hotel_50_rooms"]
    event = AuditEvent.objects.filter(action="place.update").get()
    assert event.data["changes"]["rooms"] == [10, 80]
    assert event.data["changes"]["classification"][1]["is_key_unit"] is True


def test_setting_the_grid_by_hand_needs_a_reason_and_is_flagged(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    place = place_create(actor=None, values=hotel(), lon=113.05, lat=34.45)
    leaf_b = small_jurisdiction[LEAF_B]
    url = f"/api/v1/places/{place.pk}/grid"

    refused = post_json(office, url, {"grid_id": leaf_b.pk, "reason": " "})
    place.refresh_from_db()
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "grid_reason_required"
    assert place.grid_id == small_jurisdiction[LEAF_A].pk

    manual = post_json(office, url, {"grid_id": leaf_b.pk, "reason": "门牌属于二网格"}).json()
    assert (manual["grid"]["code"], manual["grid_manual"]) == (LEAF_B, True)
    assert manual["grid_manual_reason"] == "门牌属于二网格"

    back = post_json(office, url, {"grid_id": None}).json()
    assert (back["grid"]["code"], back["grid_manual"], back["grid_manual_reason"]) == (
        LEAF_A,
        False,
        "",
    )


def test_manual_grid_must_be_a_leaf(small_jurisdiction: dict[str, Grid], office: Client) -> None:
    place = place_create(actor=None, values=hotel(), lon=113.05, lat=34.45)

    response = post_json(
        office,
        f"/api/v1/places/{place.pk}/grid",
        {"grid_id": small_jurisdiction[COMMUNITY].pk, "reason": "整个社区"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "grid_not_leaf"


def test_manual_classification_shows_both_the_override_and_the_computed_values(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    place = place_create(actor=None, values=hotel(rooms=10), lon=113.05, lat=34.45)
    url = f"/api/v1/places/{place.pk}/classification"

    no_reason = post_json(office, url, {"overrides": {"risk_level": "high"}})
    body = post_json(
        office, url, {"overrides": {"risk_level": "high"}, "reason": "存放大量可燃物"}
    ).json()

    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["code"] == "override_reason_required"
    assert body["risk_level"] == "high"
    assert body["classification"] == {
        "effective": {"risk_level": "high", "is_key_unit": False, "is_high_risk_unit": False},
        "computed": {"risk_level": "medium", "is_key_unit": False, "is_high_risk_unit": False},
        "fired": [],
        "overrides": {"risk_level": "high"},
        "override_reason": "存放大量可燃物",
    }
    history = office.get(f"/api/v1/places/{place.pk}/history").json()["items"]
    assert (history[-1]["action"], history[-1]["reason"]) == (
        "place.set_classification",
        "存放大量可燃物",
    )


def test_unknown_override_field_is_422(small_jurisdiction: dict[str, Grid], office: Client) -> None:
    place = place_create(actor=None, values=hotel(), lon=113.05, lat=34.45)
    before = written()

    response = post_json(
        office,
        f"/api/v1/places/{place.pk}/classification",
        {"overrides": {"colour": "red"}, "reason": "x"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "fields_unknown"
    assert written() == before


@pytest.fixture
def thirty_places(small_jurisdiction: dict[str, Grid]) -> list[Place]:
    """30 places across leaves A, B and C: hotels, shops and a key-unit hotel every tenth."""
    places = []
    for i in range(30):
        lon = 113.01 + (i % 2) * 0.1 + i * 0.001
        lat = 34.41 + (0.1 if i % 3 == 0 else 0) + i * 0.001
        values: dict[str, Any] = {
            "name": f"场所{i:02d}",
            "place_type": "hotel" if i % 2 else "small_shop",
        }
        if i % 10 == 0:
            values["place_type"], values["rooms"] = "hotel", 100
        places.append(place_create(actor=None, values=values, lon=lon, lat=lat))
    return places


@pytest.mark.parametrize("page_size", [1, 30])
def test_place_list_query_count_does_not_grow_with_the_page(
    thirty_places: list[Place],
    small_jurisdiction: dict[str, Grid],
    client: Client,
    django_assert_num_queries: Any,
    page_size: int,
) -> None:
    client.force_login(user_with_role("county_office", small_jurisdiction["410185"]))
    # session, user, scope (assignments), COUNT, page rows (type and grid joined)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/places", {"page_size": page_size})

    assert response.json()["count"] == 30
    assert len(response.json()["items"]) == page_size


def test_place_list_filters(
    thirty_places: list[Place], small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    def names(**params: Any) -> list[str]:
        body = office.get("/api/v1/places", {"page_size": 100, **params}).json()
        return [item["name"] for item in body["items"]]

    # The office sees community 1-1 (leaves A and B) only: the places with i % 3 != 0.
    in_scope = sorted(f"场所{i:02d}" for i in range(30) if i % 3)
    assert sorted(names()) == in_scope
    assert names(grid_id=small_jurisdiction[LEAF_B].pk) == [
        f"场所{i:02d}" for i in range(30) if i % 3 and i % 2
    ]
    assert names(key_unit=True) == ["场所10", "场所20"]
    assert names(place_type="small_shop") == [
        f"场所{i:02d}" for i in range(30) if i % 3 and not i % 2 and i % 10
    ]
    assert sorted(names(place_type="九小场所")) == sorted(names(place_type="small_shop"))
    assert names(search="场所1", risk_level="medium", key_unit=True) == ["场所10"]
    assert names(has_duplicates=True) == []


def test_place_list_grid_filter_outside_the_scope_is_404(
    thirty_places: list[Place], small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    response = office.get("/api/v1/places", {"grid_id": small_jurisdiction[LEAF_C].pk})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "grid_not_found"


def test_place_list_refuses_an_unknown_risk_level(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    response = office.get("/api/v1/places", {"risk_level": "apocalyptic"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_closed_places_show_with_status_closed_or_any(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    open_place = place_create(actor=None, values=hotel(), lon=113.05, lat=34.45)
    closed = place_create(
        actor=None, values={**hotel(name="关门店"), "status": "closed"}, lon=113.06, lat=34.45
    )

    def ids(status: str) -> list[int]:
        return [p["id"] for p in office.get("/api/v1/places", {"status": status}).json()["items"]]

    assert ids("active") == [open_place.pk]
    assert ids("closed") == [closed.pk]
    assert ids("any") == [closed.pk, open_place.pk]


def test_geojson_in_gcj02_round_trips_to_the_stored_wgs84_point(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    place = place_create(actor=None, values=hotel(rooms=60), lon=113.0537, lat=34.4512)

    body = office.get("/api/v1/places.geojson", {"crs": "gcj02"}).json()

    assert body["type"] == "FeatureCollection"
    assert body["crs_name"] == "gcj02"
    [feature] = body["features"]
    glon, glat = feature["geometry"]["coordinates"]
    assert (glon, glat) != (113.0537, 34.4512)
    lon, lat = convert_point(glon, glat, "gcj02", "wgs84")
    assert lon == pytest.approx(place.lon, abs=2e-7)
    assert lat == pytest.approx(place.lat, abs=2e-7)
    assert feature["properties"] == {
        "id": place.pk,
        "name": "好梦宾馆",
        "place_type": "hotel",
        "place_type_name": "宾馆/饭店",
        "risk_level": "medium",
        "is_key_unit": True,
        "is_high_risk_unit": False,
        "grid_id": small_jurisdiction[LEAF_A].pk,
        "status": "active",
    }


def test_geojson_takes_the_list_filters_and_a_bbox(
    thirty_places: list[Place],
    small_jurisdiction: dict[str, Grid],
    office: Client,
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(5):  # session, user, scope, COUNT, points
        every = office.get("/api/v1/places.geojson").json()
    west = office.get("/api/v1/places.geojson", {"bbox": "113.0,34.4,113.1,34.5"}).json()
    keys = office.get("/api/v1/places.geojson", {"key_unit": True}).json()

    def names(collection: dict[str, Any]) -> list[str]:
        return sorted(f["properties"]["name"] for f in collection["features"])

    assert names(every) == sorted(f"场所{i:02d}" for i in range(30) if i % 3)
    assert names(west) == sorted(f"场所{i:02d}" for i in range(30) if i % 3 and not i % 2)
    assert names(keys) == ["场所10", "场所20"]


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "113.1,34.4,113.0,34.5"])
def test_geojson_refuses_a_bad_bbox(
    small_jurisdiction: dict[str, Grid], office: Client, bbox: str
) -> None:
    response = office.get("/api/v1/places.geojson", {"bbox": bbox})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "bbox_invalid"


def test_geojson_refuses_too_many_features(
    thirty_places: list[Place], office: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry_api, "MAX_GEOJSON_FEATURES", 19)

    response = office.get("/api/v1/places.geojson", headers={"Accept-Language": "en"})

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "too_many_features",
        "message": "More than 19 places: narrow the filters or the map view.",
        "details": None,
    }


def test_place_types_and_rules_are_listed(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    types = office.get("/api/v1/registry/place-types").json()
    rules = office.get("/api/v1/registry/rules").json()

    assert types["count"] == len(DEFAULT_PLACE_TYPES) == PlaceType.objects.count()
    assert [t["code"] for t in types["items"]][:2] == ["small_school", "small_clinic"]
    assert types["items"][0]["group"] == "九小场所"
    assert rules["count"] == ClassificationRule.objects.filter(active=True).count()
    hotel_rule = next(r for r in rules["items"] if r["code"] == "key_hotel_50_rooms")
    assert hotel_rule == {
        "code": "key_hotel_50_rooms",
        "name": "宾馆(饭店)客房数≥50间为重点单位",
        "name_en": "Hotel with ≥ 50 rooms",
        "place_types": ["hotel", "small_hotel"],
        "attribute": "rooms",
        "operator": "gte",
        "threshold": 50.0,
        "effect": "key_unit",
        "source": ClassificationRule.objects.get(code="key_hotel_50_rooms").source,
        "verified": True,
    }
    unverified = {r["code"] for r in rules["items"] if not r["verified"]}
    assert unverified == set(
        ClassificationRule.objects.filter(verified=False).values_list("code", flat=True)
    )
    assert unverified != set()


def test_likely_duplicate_is_listed_and_shown_on_both_places(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    first = place_create(actor=None, values=hotel(), lon=113.05, lat=34.45)
    second = place_create(
        actor=None, values=hotel(name="好梦 宾馆", address=""), lon=113.0501, lat=34.4501
    )
    candidate = DuplicateCandidate.objects.get()

    listed = office.get("/api/v1/registry/duplicates").json()
    detail = office.get(f"/api/v1/places/{second.pk}").json()
    flagged = office.get("/api/v1/places", {"has_duplicates": True}).json()

    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["id"] == candidate.pk
    assert (item["place"]["id"], item["other"]["id"]) == (first.pk, second.pk)
    assert item["reasons"] == ["name_near"]
    assert item["distance_m"] == pytest.approx(14.4, abs=0.5)
    assert item["status"] == "open"
    assert [d["id"] for d in detail["duplicates"]] == [candidate.pk]
    # Ordered by grid, then name: "好梦 宾馆" (with a space) sorts first.
    assert [p["id"] for p in flagged["items"]] == [second.pk, first.pk]


def test_bearer_token_lists_and_creates_places_without_csrf(
    small_jurisdiction: dict[str, Grid],
) -> None:
    client = Client(enforce_csrf_checks=True)
    user = user_with_role("fulltime_worker", small_jurisdiction[LEAF_A], username="app")
    _token, key = api_token_create(user=user, name="巡查App")
    auth = {"Authorization": f"Bearer {key}"}

    created = client.post(
        "/api/v1/places",
        {**hotel(), "lon": 113.05, "lat": 34.45, "crs": "wgs84"},
        content_type="application/json",
        headers=auth,
    )
    listed = client.get("/api/v1/places", headers=auth)
    anonymous = client.get("/api/v1/places")

    assert created.status_code == 201, created.json()
    assert [p["id"] for p in listed.json()["items"]] == [created.json()["id"]]
    assert AuditEvent.objects.get(action="place.create").actor_id == user.pk
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"


def test_history_query_count_does_not_grow_with_the_events(
    small_jurisdiction: dict[str, Grid], office: Client, django_assert_num_queries: Any
) -> None:
    worker = user_with_role("fulltime_worker", small_jurisdiction[LEAF_A], username="worker")
    place = place_create(actor=worker, values=hotel(), lon=113.05, lat=34.45)
    for rooms in range(1, 31):
        place_update(actor=worker, place=place, changes={"rooms": rooms})

    # session, user, scope, the place, merged-in ids, COUNT, page (actor joined)
    with django_assert_num_queries(7):
        body = office.get(f"/api/v1/places/{place.pk}/history", {"page_size": 31}).json()

    assert body["count"] == 31
    assert [e["actor"] for e in body["items"]] == ["worker"] * 31
    assert body["items"][-1]["changes"] == {"rooms": [29, 30]}


def test_taxonomy_lists_query_counts(
    small_jurisdiction: dict[str, Grid], office: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(4):  # session, user, COUNT, page
        types = office.get("/api/v1/registry/place-types").json()
    with django_assert_num_queries(5):  # session, user, COUNT, page, the rules' place types
        rules = office.get("/api/v1/registry/rules").json()

    assert len(types["items"]) == types["count"] >= 30
    assert len(rules["items"]) == rules["count"]


def test_a_places_contact_phones_are_shown_to_the_grid_worker_who_inspects_it(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    place = place_create(
        actor=None,
        values=hotel(responsible_name="王老板", responsible_phone="13912345678"),
        lon=113.05,
        lat=34.45,
    )
    client.force_login(user_with_role("parttime_worker", small_jurisdiction[LEAF_A]))

    body = client.get(f"/api/v1/places/{place.pk}").json()

    # A business's contacts are work contacts (they also stand on its placard); the worker who
    # arranges its inspections needs them. Private persons' phones stay masked (landlords).
    assert (body["responsible_name"], body["responsible_phone"]) == ("王老板", "13912345678")
    assert body["may_edit"] is True


def test_patch_with_crs_but_no_point_is_422(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    place = place_create(actor=None, values=hotel(), lon=113.05, lat=34.45)

    response = patch_json(office, f"/api/v1/places/{place.pk}", {"crs": "gcj02"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert AuditEvent.objects.filter(action="place.update").exists() is False


def test_patching_a_merged_record_is_refused(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    place = place_create(actor=None, values=hotel(), lon=113.05, lat=34.45)
    Place.objects.filter(pk=place.pk).update(status="merged")

    response = patch_json(office, f"/api/v1/places/{place.pk}", {"note": "x"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "place_merged"
