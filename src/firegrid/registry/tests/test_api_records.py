"""/api/v1/buildings, households, residents (masked PII, audited reveal), fire-resources,
and merging or dismissing duplicates."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.people.models import Person
from firegrid.registry.models import (
    Building,
    DuplicateCandidate,
    EquipmentItem,
    FireResource,
    Household,
    Place,
    Resident,
    TeamMember,
)
from firegrid.registry.services import (
    building_create,
    fire_resource_create,
    household_create,
    place_create,
    resident_create,
)
from firegrid.testing import user_with_role

pytestmark = pytest.mark.django_db

COMMUNITY, LEAF_A, LEAF_B = "410185001001", "410185001001001", "410185001001002"
LEAF_C = "410185001002001"  # community 1-2, outside the office's community


def id_number(first17: str) -> str:
    """A GB 11643 ID number with its check digit."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


ELDER_ID = id_number("41018519450306123")  # born 1945


@pytest.fixture
def office(small_jurisdiction: dict[str, Grid], client: Client) -> Client:
    client.force_login(
        user_with_role("community_office", small_jurisdiction[COMMUNITY], username="office")
    )
    return client


def post_json(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.post(url, data, content_type="application/json", **extra)


def patch_json(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.patch(url, data, content_type="application/json", **extra)


def put_json(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.put(url, data, content_type="application/json", **extra)


def counts() -> tuple[int, ...]:
    return (
        Building.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
        FireResource.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def building(small_jurisdiction: dict[str, Grid]) -> Building:
    return building_create(
        actor=None, values={"name": "幸福里1号楼", "floors": 6}, lon=113.05, lat=34.45
    )


@pytest.fixture
def household(building: Building) -> Household:
    return household_create(
        actor=None, values={"unit": "1", "room": "101", "size": 1}, building=building
    )


@pytest.fixture
def resident(household: Household) -> Resident:
    return resident_create(
        actor=None,
        household=household,
        values={
            "name": "赵桂兰",
            "id_number": ELDER_ID,
            "phone": "13812345678",
            "lives_alone_elderly": True,
        },
    )


# ------------------------------------------------------------------------------ buildings


def test_create_building_is_located_and_audited(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    response = post_json(
        office,
        "/api/v1/buildings",
        {
            "name": "幸福里2号楼",
            "category": "old",
            "floors": 5,
            "structure": "brick_wood",
            "lon": 113.15,
            "lat": 34.45,
            "crs": "wgs84",
        },
    )

    building = Building.objects.get()
    leaf = small_jurisdiction[LEAF_B]
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "id": building.pk,
        "name": "幸福里2号楼",
        "address": "",
        "category": "old",
        "floors": 5,
        "structure": "brick_wood",
        "year_built": None,
        "note": "",
        "lon": 113.15,
        "lat": 34.45,
        "grid": {"id": leaf.pk, "code": LEAF_B, "name": leaf.name},
    }
    assert AuditEvent.objects.filter(action="building.create").count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "楼", "lon": 114.5, "lat": 34.45, "crs": "wgs84"}, "point_outside_grids"),
        ({"name": "楼", "lon": 113.05, "lat": 34.45, "crs": "mercator"}, "invalid_input"),
        ({"name": "楼", "lon": 113.05, "lat": 34.45, "storeys": 3}, "invalid_input"),
        ({"name": "楼", "lon": 113.05, "lat": 34.45, "category": "castle"}, "invalid_input"),
        (
            {"name": "楼", "lon": 113.05, "lat": 34.45, "crs": "wgs84", "floors": 0},
            "number_out_of_range",
        ),
    ],
    ids=["outside_grids", "wrong_crs", "unknown_field", "unknown_category", "zero_floors"],
)
def test_bad_building_input_is_422_and_writes_nothing(
    small_jurisdiction: dict[str, Grid], office: Client, body: dict[str, Any], code: str
) -> None:
    before = counts()

    response = post_json(office, "/api/v1/buildings", body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert counts() == before


def test_moving_a_building_takes_its_households_and_residents_along(
    small_jurisdiction: dict[str, Grid], office: Client, building: Building, resident: Resident
) -> None:
    response = patch_json(
        office,
        f"/api/v1/buildings/{building.pk}",
        {"lon": 113.15, "lat": 34.45, "crs": "wgs84", "note": "门牌调整"},
    )

    resident.refresh_from_db()
    leaf_b = small_jurisdiction[LEAF_B]
    assert response.status_code == 200
    assert (response.json()["grid"]["code"], response.json()["note"]) == (LEAF_B, "门牌调整")
    assert Household.objects.get().grid_id == leaf_b.pk
    assert (resident.grid_id, resident.grid_path) == (leaf_b.pk, leaf_b.path)
    event = AuditEvent.objects.filter(action="building.update").get()
    assert event.data["changes"]["grid"] == [LEAF_A, LEAF_B]


def test_building_list_filters_and_query_count(
    small_jurisdiction: dict[str, Grid],
    client: Client,
    django_assert_num_queries: Any,
) -> None:
    for i in range(30):
        building_create(
            actor=None,
            values={"name": f"楼{i:02d}", "address": "东街" if i % 2 else "西街"},
            lon=113.01 + i * 0.005,
            lat=34.45,
        )
    client.force_login(user_with_role("county_office", small_jurisdiction["410185"]))

    with django_assert_num_queries(5):  # session, user, scope, COUNT, page (grid joined)
        every = client.get("/api/v1/buildings", {"page_size": 30}).json()
    east = client.get("/api/v1/buildings", {"search": "东街", "page_size": "100"}).json()
    leaf_b = client.get("/api/v1/buildings", {"grid_id": str(small_jurisdiction[LEAF_B].pk)}).json()

    assert every["count"] == 30
    assert len(every["items"]) == 30
    assert [b["name"] for b in east["items"]] == [f"楼{i:02d}" for i in range(30) if i % 2]
    assert [b["name"] for b in leaf_b["items"]] == [f"楼{i:02d}" for i in range(30) if i >= 18]


# ------------------------------------------------------------------------------ households


def test_create_household_in_a_building_and_at_an_address(
    small_jurisdiction: dict[str, Grid], office: Client, building: Building
) -> None:
    leaf_b = small_jurisdiction[LEAF_B]

    in_building = post_json(
        office,
        "/api/v1/households",
        {"building_id": building.pk, "unit": "2", "room": "201", "size": 3, "is_rental": True},
    )
    at_address = post_json(
        office,
        "/api/v1/households",
        {"grid_id": leaf_b.pk, "address": "东街5号", "landlord_phone": "138 0013 8000"},
    )

    assert in_building.status_code == 201, in_building.json()
    assert at_address.status_code == 201, at_address.json()
    first = in_building.json()
    assert (first["building_id"], first["building_name"], first["grid"]["code"]) == (
        building.pk,
        "幸福里1号楼",
        LEAF_A,
    )
    assert (first["unit"], first["room"], first["size"], first["is_rental"]) == (
        "2",
        "201",
        3,
        True,
    )
    second = at_address.json()
    assert (second["building_id"], second["grid"]["code"], second["address"]) == (
        None,
        LEAF_B,
        "东街5号",
    )
    assert second["landlord_phone"] == "13800138000"  # a community office sees phones
    rentals = office.get("/api/v1/households", {"rental": True}).json()
    assert [h["id"] for h in rentals["items"]] == [first["id"]]


def test_household_needs_a_building_or_a_grid(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    before = counts()

    response = post_json(office, "/api/v1/households", {"address": "无处"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "household_location_required"
    assert counts() == before


def test_landlord_phone_is_masked_for_a_role_that_does_not_see_phones(
    small_jurisdiction: dict[str, Grid], client: Client, building: Building
) -> None:
    household = household_create(
        actor=None,
        values={"room": "102", "landlord_name": "钱房东", "landlord_phone": "13900001111"},
        building=building,
    )
    client.force_login(user_with_role("parttime_worker", small_jurisdiction[LEAF_A]))

    body = client.get(f"/api/v1/households/{household.pk}").json()

    assert body["landlord_phone"] == "139****1111"


def test_patch_household_changes_only_the_given_fields(
    office: Client, household: Household
) -> None:
    response = patch_json(office, f"/api/v1/households/{household.pk}", {"size": 2})

    household.refresh_from_db()
    assert response.status_code == 200
    assert (household.size, household.unit, household.room) == (2, "1", "101")
    assert AuditEvent.objects.filter(action="household.update").get().data == {
        "changes": {"size": [1, 2]}
    }


# ------------------------------------------------------------------------------ residents


def test_create_resident_answers_masked_values_only(
    small_jurisdiction: dict[str, Grid], office: Client, household: Household
) -> None:
    clear_id = id_number("41018520100101002")

    response = post_json(
        office,
        "/api/v1/residents",
        {
            "household_id": household.pk,
            "name": "孙小明",
            "id_number": clear_id,
            "phone": "13711112222",
            "left_behind_child": True,
        },
    )

    resident = Resident.objects.get()
    leaf = small_jurisdiction[LEAF_A]
    assert response.status_code == 201, response.json()
    assert clear_id.encode() not in response.content
    assert b"13711112222" not in response.content
    assert response.json() == {
        "id": resident.pk,
        "household_id": household.pk,
        "household": "幸福里1号楼 1 101",
        "grid": {"id": leaf.pk, "code": LEAF_A, "name": leaf.name},
        "name": "孙小明",
        "id_number_masked": clear_id[:4] + "*" * 10 + clear_id[-4:],
        "phone_masked": "137****2222",
        "birth_year": 2010,
        "lives_alone_elderly": False,
        "disabled": False,
        "left_behind_child": True,
        "key_person": False,
        "limited_mobility": False,
        "is_vulnerable": True,
        "note": "",
    }
    assert clear_id not in resident.id_number_encrypted


def test_resident_list_and_detail_never_contain_a_clear_id_number(
    small_jurisdiction: dict[str, Grid],
    household: Household,
    client: Client,
    django_assert_num_queries: Any,
) -> None:
    clear = [id_number(f"410185198001{i:02d}00{i % 10}") for i in range(1, 31)]
    phones = [f"1381234{i:04d}" for i in range(30)]
    for i in range(30):
        resident_create(
            actor=None,
            household=household,
            values={
                "name": f"居民{i:02d}",
                "id_number": clear[i],
                "phone": phones[i],
                "disabled": i % 5 == 0,
            },
        )
    client.force_login(user_with_role("community_office", small_jurisdiction[COMMUNITY]))

    # session, user, scope, COUNT, page (household, building and grid joined)
    with django_assert_num_queries(5):
        listed = client.get("/api/v1/residents", {"page_size": 30})
    detail = client.get(f"/api/v1/residents/{Resident.objects.first().pk}")  # type: ignore[union-attr]
    disabled = client.get("/api/v1/residents", {"flag": "disabled"}).json()

    assert listed.json()["count"] == 30
    for raw in (listed.content, detail.content):
        assert not any(number.encode() in raw for number in clear)
        assert not any(phone.encode() in raw for phone in phones)
        assert b"encrypted" not in raw
        assert b"digest" not in raw
    assert [r["name"] for r in disabled["items"]] == [f"居民{i:02d}" for i in range(0, 30, 5)]
    assert client.get("/api/v1/residents", {"search": clear[0]}).json()["count"] == 0


def test_resident_filters_by_household_and_grid(
    small_jurisdiction: dict[str, Grid], office: Client, resident: Resident
) -> None:
    other = household_create(
        actor=None,
        values={"address": "东街9号"},
        grid=small_jurisdiction[LEAF_B],
    )
    resident_create(actor=None, household=other, values={"name": "周东"})

    def names(**params: Any) -> list[str]:
        return [r["name"] for r in office.get("/api/v1/residents", params).json()["items"]]

    assert names() == ["赵桂兰", "周东"]
    assert names(household_id=other.pk) == ["周东"]
    assert names(grid_id=small_jurisdiction[LEAF_A].pk) == ["赵桂兰"]
    assert names(flag="lives_alone_elderly") == ["赵桂兰"]
    assert office.get("/api/v1/residents", {"flag": "rich"}).status_code == 422


def test_invalid_id_number_is_422_without_echoing_it_and_writes_nothing(
    office: Client, household: Household
) -> None:
    before = counts()
    wrong = ELDER_ID[:-1] + ("0" if ELDER_ID[-1] != "0" else "1")

    response = post_json(
        office,
        "/api/v1/residents",
        {"household_id": household.pk, "name": "错号", "id_number": wrong},
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "id_number_invalid"
    assert wrong.encode() not in response.content
    assert counts() == before


def test_patch_resident_takes_a_clear_phone_and_answers_it_masked(
    office: Client, resident: Resident
) -> None:
    response = patch_json(
        office, f"/api/v1/residents/{resident.pk}", {"phone": "139 0000 2222", "disabled": True}
    )

    assert response.status_code == 200
    assert (response.json()["phone_masked"], response.json()["disabled"]) == (
        "139****2222",
        True,
    )
    assert b"13900002222" not in response.content
    changes = AuditEvent.objects.filter(action="resident.update").get().data["changes"]
    assert changes == {"disabled": [False, True], "phone": ["138****5678", "139****2222"]}


def test_office_reveals_an_id_number_and_the_audit_names_viewer_and_resident(
    office: Client, resident: Resident
) -> None:
    response = post_json(office, f"/api/v1/residents/{resident.pk}/reveal", {"field": "id_number"})

    assert response.status_code == 200
    assert response.json() == {"resident_id": resident.pk, "field": "id_number", "value": ELDER_ID}
    event = AuditEvent.objects.filter(action="resident.reveal").get()
    assert event.actor.get_username() == "office"  # type: ignore[union-attr]
    assert (event.object_type, event.object_id) == ("registry.resident", str(resident.pk))
    assert event.data == {"field": "id_number", "resident": "赵桂兰", "viewer": "office"}


def test_parttime_worker_sees_masked_numbers_and_may_not_reveal(
    small_jurisdiction: dict[str, Grid], client: Client, resident: Resident
) -> None:
    client.force_login(user_with_role("parttime_worker", small_jurisdiction[LEAF_A]))
    before = counts()

    detail = client.get(f"/api/v1/residents/{resident.pk}")
    reveal = post_json(client, f"/api/v1/residents/{resident.pk}/reveal", {"field": "phone"})

    assert detail.json()["id_number_masked"] == "4101**********" + ELDER_ID[-4:]
    assert reveal.status_code == 403
    assert reveal.json()["error"]["code"] == "pii_denied"
    assert ELDER_ID.encode() not in reveal.content
    assert counts() == before


def test_reveal_of_an_unknown_field_is_422(office: Client, resident: Resident) -> None:
    response = post_json(office, f"/api/v1/residents/{resident.pk}/reveal", {"field": "name"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert not AuditEvent.objects.filter(action="resident.reveal").exists()


# ------------------------------------------------------------------------------ fire resources


def test_create_fire_room_set_its_equipment_and_list_by_kind(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    created = post_json(
        office,
        "/api/v1/fire-resources",
        {
            "kind": "fire_room",
            "name": "一村消防室",
            "last_checked_on": "2026-11-01",
            "lon": 113.05,
            "lat": 34.45,
            "crs": "wgs84",
        },
    )
    resource_id = created.json()["id"]
    equipped = put_json(
        office,
        f"/api/v1/fire-resources/{resource_id}/equipment",
        {
            "items": [
                {"name": "灭火器", "quantity": 10, "expires_on": "2028-06-30"},
                {"name": "消防水带", "quantity": 2},
            ]
        },
    )
    hydrant = fire_resource_create(
        actor=None, values={"kind": "hydrant", "name": "1号消火栓"}, lon=113.06, lat=34.45
    )
    rooms = office.get("/api/v1/fire-resources", {"kind": "fire_room"}).json()

    assert created.status_code == 201, created.json()
    assert (created.json()["status"], created.json()["last_checked_on"]) == ("usable", "2026-11-01")
    assert created.json()["equipment"] == []
    assert equipped.status_code == 200, equipped.json()
    assert [(i["name"], i["quantity"], i["expires_on"]) for i in equipped.json()["equipment"]] == [
        ("消防水带", 2, None),
        ("灭火器", 10, "2028-06-30"),
    ]
    assert [r["id"] for r in rooms["items"]] == [resource_id]
    assert hydrant.pk not in [r["id"] for r in rooms["items"]]


def test_equipment_for_a_hydrant_is_refused_and_nothing_is_written(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    hydrant = fire_resource_create(
        actor=None, values={"kind": "hydrant", "name": "1号消火栓"}, lon=113.06, lat=34.45
    )
    before = (counts(), EquipmentItem.objects.count())

    response = put_json(
        office,
        f"/api/v1/fire-resources/{hydrant.pk}/equipment",
        {"items": [{"name": "扳手", "quantity": 1}]},
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "equipment_not_allowed"
    assert (counts(), EquipmentItem.objects.count()) == before


def test_team_members_are_replaced_and_a_person_must_be_in_scope(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    team = fire_resource_create(
        actor=None,
        values={"kind": "volunteer_team", "name": "一村义务消防队"},
        lon=113.05,
        lat=34.45,
    )
    member = Person.objects.create(name="吴队长", home_grid=small_jurisdiction[LEAF_A])
    stranger = Person.objects.create(name="外人", home_grid=small_jurisdiction[LEAF_C])
    url = f"/api/v1/fire-resources/{team.pk}/members"

    refused = put_json(office, url, {"members": [{"name": "外人", "person_id": stranger.pk}]})
    saved = put_json(
        office,
        url,
        {
            "members": [
                {"name": "吴队长", "phone": "13600001111", "person_id": member.pk},
                {"name": "郑队员"},
            ]
        },
    )

    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "person_not_found"
    assert saved.status_code == 200, saved.json()
    assert [(m["name"], m["phone"], m["person_id"]) for m in saved.json()["members"]] == [
        ("吴队长", "13600001111", member.pk),
        ("郑队员", "", None),
    ]
    assert TeamMember.objects.count() == 2


def test_patch_fire_resource_status_and_filter_broken(
    small_jurisdiction: dict[str, Grid], office: Client
) -> None:
    hydrant = fire_resource_create(
        actor=None, values={"kind": "hydrant", "name": "1号消火栓"}, lon=113.06, lat=34.45
    )

    response = patch_json(office, f"/api/v1/fire-resources/{hydrant.pk}", {"status": "broken"})
    broken = office.get("/api/v1/fire-resources", {"status": "broken"}).json()
    future = patch_json(
        office, f"/api/v1/fire-resources/{hydrant.pk}", {"last_checked_on": "2099-01-01"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "broken"
    assert [r["id"] for r in broken["items"]] == [hydrant.pk]
    assert future.status_code == 422
    assert future.json()["error"]["code"] == "date_in_future"


def test_fire_resource_list_query_count(
    small_jurisdiction: dict[str, Grid], client: Client, django_assert_num_queries: Any
) -> None:
    for i in range(30):
        fire_resource_create(
            actor=None,
            values={"kind": "hydrant", "name": f"消火栓{i:02d}"},
            lon=113.01 + i * 0.005,
            lat=34.45,
        )
    client.force_login(user_with_role("county_office", small_jurisdiction["410185"]))

    with django_assert_num_queries(5):
        body = client.get("/api/v1/fire-resources", {"page_size": 30}).json()

    assert body["count"] == 30
    assert len(body["items"]) == 30


# ------------------------------------------------------------------------------ duplicates


@pytest.fixture
def pair(small_jurisdiction: dict[str, Grid]) -> tuple[Place, Place, DuplicateCandidate]:
    first = place_create(
        actor=None,
        values={"name": "好梦宾馆", "place_type": "hotel", "address": "中州路1号"},
        lon=113.05,
        lat=34.45,
    )
    second = place_create(
        actor=None,
        values={"name": "好梦 宾馆", "place_type": "hotel", "phone": "13800138000"},
        lon=113.0501,
        lat=34.4501,
    )
    return first, second, DuplicateCandidate.objects.get()


def test_merge_keeps_one_record_and_both_histories(
    office: Client, pair: tuple[Place, Place, DuplicateCandidate]
) -> None:
    first, second, candidate = pair

    response = post_json(
        office,
        f"/api/v1/registry/duplicates/{candidate.pk}/merge",
        {"keep_id": first.pk, "reason": "同一家"},
    )

    second.refresh_from_db()
    candidate.refresh_from_db()
    assert response.status_code == 200, response.json()
    assert response.json()["id"] == first.pk
    assert response.json()["phone"] == "13800138000"  # filled from the merged record
    assert response.json()["duplicates"] == []
    assert (second.status, second.merged_into_id) == ("merged", first.pk)
    assert candidate.status == "merged"
    history = office.get(f"/api/v1/places/{first.pk}/history").json()["items"]
    assert [(e["action"], e["place_id"]) for e in history] == [
        ("place.create", first.pk),
        ("place.create", second.pk),
        ("place.merge", first.pk),
        ("place.merged_into", second.pk),
    ]
    assert office.get("/api/v1/registry/duplicates").json() == {"items": [], "count": 0}


def test_merge_with_a_keep_id_outside_the_pair_is_422_and_changes_nothing(
    office: Client, pair: tuple[Place, Place, DuplicateCandidate]
) -> None:
    first, second, candidate = pair
    before = (AuditEvent.objects.count(), Place.objects.filter(status="merged").count())

    response = post_json(
        office, f"/api/v1/registry/duplicates/{candidate.pk}/merge", {"keep_id": 999_999}
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "keep_invalid"
    assert (AuditEvent.objects.count(), Place.objects.filter(status="merged").count()) == before


def test_dismiss_closes_the_flag(
    office: Client, pair: tuple[Place, Place, DuplicateCandidate]
) -> None:
    _first, _second, candidate = pair

    response = post_json(
        office, f"/api/v1/registry/duplicates/{candidate.pk}/dismiss", {"reason": "两家分店"}
    )
    again = post_json(office, f"/api/v1/registry/duplicates/{candidate.pk}/dismiss", {})

    assert response.status_code == 200, response.json()
    assert (response.json()["id"], response.json()["status"]) == (candidate.pk, "dismissed")
    assert again.status_code == 404  # no longer an open flag
    event = AuditEvent.objects.filter(action="duplicate.dismiss").get()
    assert event.data["reason"] == "两家分店"


def test_household_list_query_count(
    small_jurisdiction: dict[str, Grid],
    client: Client,
    building: Building,
    django_assert_num_queries: Any,
) -> None:
    for i in range(30):
        household_create(
            actor=None, values={"unit": "1", "room": f"{i + 1:03d}"}, building=building
        )
    client.force_login(user_with_role("county_office", small_jurisdiction["410185"]))

    with django_assert_num_queries(5):  # session, user, scope, COUNT, page (building, grid)
        body = client.get("/api/v1/households", {"page_size": "30"}).json()

    assert body["count"] == 30
    assert [h["building_name"] for h in body["items"]] == ["幸福里1号楼"] * 30


def test_duplicate_list_query_count(
    small_jurisdiction: dict[str, Grid], client: Client, django_assert_num_queries: Any
) -> None:
    for i in range(30):
        for offset in (0.0, 0.0001):
            place_create(
                actor=None,
                values={"name": f"重复店{i:02d}", "place_type": "small_shop"},
                lon=113.01 + i * 0.002 + offset,
                lat=34.45,
            )
    client.force_login(user_with_role("county_office", small_jurisdiction["410185"]))

    with django_assert_num_queries(5):  # session, user, scope, COUNT, page (places joined)
        body = client.get("/api/v1/registry/duplicates", {"page_size": "30"}).json()

    assert body["count"] == 30
    assert sorted(d["place"]["name"] for d in body["items"]) == [
        f"重复店{i:02d}" for i in range(30)
    ]
