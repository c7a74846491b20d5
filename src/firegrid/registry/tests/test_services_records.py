"""Buildings, households, residents and fire resources: create, edit, grid routing, history,
bad input (a clear code, nothing written) and rights."""

from __future__ import annotations

import datetime

import pytest

from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.registry.models import (
    Building,
    EquipmentItem,
    FireResource,
    Household,
    Resident,
    TeamMember,
)
from firegrid.registry.services import (
    building_create,
    building_update,
    fire_resource_create,
    fire_resource_set_equipment,
    fire_resource_set_members,
    fire_resource_update,
    household_create,
    household_update,
    resident_create,
    resident_update,
)

# The small jurisdiction: grid 410185001001001 covers 113.0–113.1 E, 34.4–34.5 N and
# 410185001001002 covers 113.1–113.2 E.
GRID_A = "410185001001001"
GRID_B = "410185001001002"
COMMUNITY = "410185001001"
ID_NUMBER = "11010519491231002X"  # the GB 11643 example: valid check digit
OTHER_ID = "410185195001181236"


def _events(action: str, record) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(record.pk)).order_by("id"))


def _building(actor=None, **extra):
    values = {
        "name": "书院小区3号楼",
        "address": "书院路8号",
        "category": "old",
        "floors": 6,
        **extra,
    }
    return building_create(actor=actor, values=values, lon=113.05, lat=34.45)


def _record_counts() -> dict[str, int]:
    return {
        "buildings": Building.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "resources": FireResource.objects.count(),
        "equipment": EquipmentItem.objects.count(),
        "members": TeamMember.objects.count(),
        "events": AuditEvent.objects.count(),
    }


# Buildings ------------------------------------------------------------------------------------


def test_building_is_assigned_to_the_grid_owning_its_point_and_audited(
    small_jurisdiction, make_user
):
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    building = _building(worker, structure="masonry", year_built=1992)
    assert (building.grid.code, building.grid_path) == (GRID_A, small_jurisdiction[GRID_A].path)
    assert (building.lon, building.lat) == (113.05, 34.45)
    [event] = _events("building.create", building)
    assert event.actor_id == worker.pk
    assert event.data["grid"] == GRID_A
    assert event.data["changes"] == {
        "name": [None, "书院小区3号楼"],
        "address": [None, "书院路8号"],
        "category": [None, "old"],
        "floors": [None, 6],
        "structure": [None, "masonry"],
        "year_built": [None, 1992],
    }


def test_moving_a_building_into_another_grid_takes_its_households_and_residents_along(
    small_jurisdiction,
):
    building = _building()
    household = household_create(actor=None, values={"unit": "1", "room": "301"}, building=building)
    resident = resident_create(actor=None, household=household, values={"name": "王建国"})
    building_update(
        actor=None, building=building, changes={"floors": 7}, point=(113.15, 34.45, "wgs84")
    )
    path_b = small_jurisdiction[GRID_B].path
    building.refresh_from_db()
    household.refresh_from_db()
    resident.refresh_from_db()
    assert (building.grid.code, building.grid_path, building.floors) == (GRID_B, path_b, 7)
    assert (household.grid.code, household.grid_path) == (GRID_B, path_b)
    assert (resident.grid.code, resident.grid_path) == (GRID_B, path_b)
    [event] = _events("building.update", building)
    assert event.data["changes"] == {
        "floors": [6, 7],
        "lon": [113.05, 113.15],
        "lat": [34.45, 34.45],
        "grid": [GRID_A, GRID_B],
        "households_moved": 1,
    }


def test_building_update_without_a_change_writes_no_history(small_jurisdiction):
    building = _building()
    building_update(actor=None, building=building, changes={"name": " 书院小区3号楼 "})
    assert _events("building.update", building) == []


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"address": "书院路8号"}, "field_required", "name"),
        ({"name": "  "}, "name_required", "name"),
        ({"name": "1号楼", "category": "castle"}, "category_invalid", "category"),
        ({"name": "1号楼", "floors": "六"}, "number_invalid", "floors"),
        ({"name": "1号楼", "floors": 0}, "number_out_of_range", "floors"),
        ({"name": "1号楼", "height": 20}, "fields_unknown", "height"),
        ({"name": "楼" * 101}, "text_too_long", "name"),
    ],
)
def test_bad_building_input_is_refused_with_a_clear_code_and_nothing_written(
    small_jurisdiction, values, code, field
):
    before = _record_counts()
    with pytest.raises(ValidationFailed) as raised:
        building_create(actor=None, values=values, lon=113.05, lat=34.45)
    assert (raised.value.code, raised.value.details["field"]) == (code, field)
    assert _record_counts() == before


def test_building_outside_every_grid_is_refused(small_jurisdiction):
    before = _record_counts()
    with pytest.raises(ValidationFailed) as raised:
        building_create(actor=None, values={"name": "1号楼"}, lon=114.5, lat=34.45)
    assert raised.value.code == "point_outside_grids"
    assert _record_counts() == before


def test_volunteer_may_not_add_a_building_and_nothing_is_written(small_jurisdiction, make_user):
    volunteer = make_user("volunteer", small_jurisdiction[GRID_A])
    before = _record_counts()
    with pytest.raises(PermissionDenied) as raised:
        _building(volunteer)
    assert raised.value.code == "registry_read_only"
    assert _record_counts() == before


def test_worker_of_grid_a_may_not_move_a_building_into_grid_b(small_jurisdiction, make_user):
    worker = make_user("parttime_worker", small_jurisdiction[GRID_A])
    building = _building(worker)
    before = _record_counts()
    with pytest.raises(PermissionDenied) as raised:
        building_update(actor=worker, building=building, changes={}, point=(113.15, 34.45, "wgs84"))
    assert raised.value.code == "grid_out_of_scope"
    building.refresh_from_db()
    assert building.grid.code == GRID_A
    assert _record_counts() == before


# Households -----------------------------------------------------------------------------------


def test_household_in_a_building_takes_the_building_grid(small_jurisdiction, make_user):
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    building = _building(worker)
    household = household_create(
        actor=worker,
        values={
            "unit": "2单元",
            "room": "502",
            "size": "3",
            "is_rental": "是",
            "landlord_name": "李秀英",
            "landlord_phone": "138 0371 1234",
        },
        building=building,
    )
    assert (household.grid.code, household.grid_path) == (GRID_A, building.grid_path)
    assert (household.size, household.is_rental, household.landlord_phone) == (
        3,
        True,
        "13803711234",
    )
    [event] = _events("household.create", household)
    assert event.data["building"] == building.pk
    assert event.data["changes"]["landlord_phone"] == [None, "138****1234"]
    household_update(actor=worker, household=household, changes={"is_rental": False, "size": 2})
    [update] = _events("household.update", household)
    assert update.data["changes"] == {"size": [3, 2], "is_rental": [True, False]}


def test_household_without_a_building_needs_a_leaf_grid_and_an_address(small_jurisdiction):
    with pytest.raises(ValidationFailed) as raised:
        household_create(actor=None, values={"address": "张庄3号"}, grid=None)
    assert raised.value.code == "household_location_required"
    with pytest.raises(ValidationFailed) as raised:
        household_create(
            actor=None, values={"address": "张庄3号"}, grid=small_jurisdiction[COMMUNITY]
        )
    assert raised.value.code == "grid_not_leaf"
    with pytest.raises(ValidationFailed) as raised:
        household_create(actor=None, values={}, grid=small_jurisdiction[GRID_B])
    assert (raised.value.code, raised.value.details["field"]) == ("field_required", "address")
    assert Household.objects.count() == 0
    household = household_create(
        actor=None, values={"address": "张庄3号"}, grid=small_jurisdiction[GRID_B]
    )
    assert (household.building_id, household.grid.code) == (None, GRID_B)


def test_household_grid_must_match_its_building(small_jurisdiction):
    building = _building()
    with pytest.raises(ValidationFailed) as raised:
        household_create(
            actor=None, values={"room": "101"}, building=building, grid=small_jurisdiction[GRID_B]
        )
    assert raised.value.code == "grid_mismatch"
    assert Household.objects.count() == 0


def test_the_same_room_of_a_building_is_registered_once(small_jurisdiction):
    building = _building()
    household_create(actor=None, values={"unit": "1", "room": "101"}, building=building)
    with pytest.raises(ValidationFailed) as raised:
        household_create(actor=None, values={"unit": "1", "room": "101"}, building=building)
    assert raised.value.code == "household_exists"
    assert Household.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"size": 0}, "number_out_of_range", "size"),
        ({"size": None}, "field_required", "size"),
        ({"is_rental": "maybe"}, "boolean_invalid", "is_rental"),
        ({"landlord_phone": "12345"}, "phone_invalid", "landlord_phone"),
        ({"building": 3}, "fields_unknown", "building"),
    ],
)
def test_bad_household_changes_are_refused_and_nothing_written(
    small_jurisdiction, changes, code, field
):
    household = household_create(actor=None, values={"room": "101"}, building=_building())
    before = _record_counts()
    with pytest.raises(ValidationFailed) as raised:
        household_update(actor=None, household=household, changes=changes)
    assert (raised.value.code, raised.value.details["field"]) == (code, field)
    household.refresh_from_db()
    assert (household.size, household.is_rental, household.landlord_phone) == (1, False, "")
    assert _record_counts() == before


def test_worker_of_grid_a_may_not_add_a_household_in_grid_b(small_jurisdiction, make_user):
    worker = make_user("parttime_worker", small_jurisdiction[GRID_A])
    before = _record_counts()
    with pytest.raises(PermissionDenied) as raised:
        household_create(
            actor=worker, values={"address": "张庄3号"}, grid=small_jurisdiction[GRID_B]
        )
    assert raised.value.code == "grid_out_of_scope"
    assert _record_counts() == before


# Residents ------------------------------------------------------------------------------------


def test_resident_takes_the_household_grid_and_history_holds_masked_values_only(
    small_jurisdiction, make_user
):
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    household = household_create(actor=worker, values={"room": "101"}, building=_building(worker))
    resident = resident_create(
        actor=worker,
        household=household,
        values={
            "name": "赵桂兰",
            "id_number": ID_NUMBER.lower(),
            "phone": "+86 139-3710-5678",
            "lives_alone_elderly": True,
            "limited_mobility": "1",
        },
    )
    assert (resident.grid.code, resident.grid_path) == (GRID_A, household.grid_path)
    assert (resident.id_number_masked, resident.phone_masked) == (
        "1101**********002X",
        "139****5678",
    )
    assert resident.birth_year == 1949
    assert (resident.lives_alone_elderly, resident.limited_mobility, resident.disabled) == (
        True,
        True,
        False,
    )
    [event] = _events("resident.create", resident)
    assert event.data["changes"] == {
        "name": [None, "赵桂兰"],
        "lives_alone_elderly": [None, True],
        "limited_mobility": [None, True],
        "birth_year": [None, 1949],
        "id_number": [None, "1101**********002X"],
        "phone": [None, "139****5678"],
    }
    assert ID_NUMBER not in str(event.data) and "13937105678" not in str(event.data)


def test_resident_update_records_masked_old_and_new_values(small_jurisdiction):
    household = household_create(actor=None, values={"room": "101"}, building=_building())
    resident = resident_create(
        actor=None, household=household, values={"name": "赵桂兰", "id_number": ID_NUMBER}
    )
    resident_update(
        actor=None,
        resident=resident,
        changes={"id_number": OTHER_ID, "phone": "13937105678", "disabled": True},
    )
    resident.refresh_from_db()
    assert (resident.id_number_masked, resident.phone_masked, resident.disabled) == (
        "4101**********1236",
        "139****5678",
        True,
    )
    [event] = _events("resident.update", resident)
    assert event.data["changes"] == {
        "disabled": [False, True],
        "id_number": ["1101**********002X", "4101**********1236"],
        "phone": ["", "139****5678"],
    }
    resident_update(actor=None, resident=resident, changes={"phone": "139 3710 5678"})
    assert len(_events("resident.update", resident)) == 1


def test_the_same_id_number_twice_is_refused(small_jurisdiction):
    household = household_create(actor=None, values={"room": "101"}, building=_building())
    resident_create(actor=None, household=household, values={"name": "甲", "id_number": ID_NUMBER})
    other = resident_create(actor=None, household=household, values={"name": "乙"})
    before = _record_counts()
    with pytest.raises(ValidationFailed) as raised:
        resident_create(
            actor=None, household=household, values={"name": "丙", "id_number": ID_NUMBER}
        )
    assert (raised.value.code, raised.value.details["field"]) == (
        "id_number_duplicate",
        "id_number",
    )
    with pytest.raises(ValidationFailed) as raised:
        resident_update(actor=None, resident=other, changes={"id_number": ID_NUMBER})
    assert raised.value.code == "id_number_duplicate"
    assert _record_counts() == before
    other.refresh_from_db()
    assert other.id_number_digest == ""


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({}, "field_required", "name"),
        ({"name": "甲", "id_number": "110105194912310021"}, "id_number_invalid", "id_number"),
        ({"name": "甲", "phone": "call me"}, "phone_invalid", "phone"),
        ({"name": "甲", "birth_year": 1800}, "number_out_of_range", "birth_year"),
        ({"name": "甲", "disabled": "perhaps"}, "boolean_invalid", "disabled"),
        ({"name": "甲", "id_number_masked": "x"}, "fields_unknown", "id_number_masked"),
    ],
)
def test_bad_resident_input_is_refused_and_nothing_written(small_jurisdiction, values, code, field):
    household = household_create(actor=None, values={"room": "101"}, building=_building())
    before = _record_counts()
    with pytest.raises(ValidationFailed) as raised:
        resident_create(actor=None, household=household, values=values)
    assert (raised.value.code, raised.value.details["field"]) == (code, field)
    assert _record_counts() == before


def test_volunteer_may_not_add_a_resident_and_nothing_is_written(small_jurisdiction, make_user):
    volunteer = make_user("volunteer", small_jurisdiction[GRID_A])
    household = household_create(actor=None, values={"room": "101"}, building=_building())
    before = _record_counts()
    with pytest.raises(PermissionDenied) as raised:
        resident_create(actor=volunteer, household=household, values={"name": "甲"})
    assert raised.value.code == "registry_read_only"
    assert _record_counts() == before


def test_worker_of_grid_a_may_not_edit_a_resident_of_grid_b(small_jurisdiction, make_user):
    worker = make_user("parttime_worker", small_jurisdiction[GRID_A])
    household = household_create(
        actor=None, values={"address": "张庄3号"}, grid=small_jurisdiction[GRID_B]
    )
    resident = resident_create(actor=None, household=household, values={"name": "甲"})
    before = _record_counts()
    with pytest.raises(PermissionDenied) as raised:
        resident_update(actor=worker, resident=resident, changes={"disabled": True})
    assert raised.value.code == "grid_out_of_scope"
    resident.refresh_from_db()
    assert resident.disabled is False
    assert _record_counts() == before


# Fire resources -------------------------------------------------------------------------------


def _fire_room(actor=None, **extra):
    values = {
        "kind": "fire_room",
        "name": "告成村消防室",
        "status": "usable",
        "last_checked_on": "2025-03-01",
        "keeper_name": "刘振华",
        "keeper_phone": "13937101234",
        **extra,
    }
    return fire_resource_create(actor=actor, values=values, lon=113.05, lat=34.45)


def test_fire_resource_create_and_update_with_move_and_history(small_jurisdiction, make_user):
    office = make_user("community_office", small_jurisdiction[COMMUNITY])
    room = _fire_room(office)
    assert (room.grid.code, room.kind, room.last_checked_on) == (
        GRID_A,
        "fire_room",
        datetime.date(2025, 3, 1),
    )
    [event] = _events("fire_resource.create", room)
    assert event.data["changes"]["keeper_phone"] == [None, "139****1234"]
    assert event.data["changes"]["last_checked_on"] == [None, "2025-03-01"]
    fire_resource_update(
        actor=office,
        resource=room,
        changes={"status": "repair", "last_checked_on": datetime.date(2025, 4, 2)},
        point=(113.15, 34.45, "wgs84"),
    )
    room.refresh_from_db()
    assert (room.status, room.grid.code, room.grid_path) == (
        "repair",
        GRID_B,
        small_jurisdiction[GRID_B].path,
    )
    [update] = _events("fire_resource.update", room)
    assert update.data["changes"] == {
        "status": ["usable", "repair"],
        "last_checked_on": ["2025-03-01", "2025-04-02"],
        "lon": [113.05, 113.15],
        "lat": [34.45, 34.45],
        "grid": [GRID_A, GRID_B],
    }


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"kind": "bucket"}, "kind_invalid", "kind"),
        ({"status": "lost"}, "status_invalid", "status"),
        ({"last_checked_on": "03/01/2025"}, "date_invalid", "last_checked_on"),
        ({"last_checked_on": "2999-01-01"}, "date_in_future", "last_checked_on"),
        ({"keeper_phone": "0371"}, "phone_invalid", "keeper_phone"),
        ({"name": ""}, "name_required", "name"),
    ],
)
def test_bad_fire_resource_input_is_refused_and_nothing_written(
    small_jurisdiction, values, code, field
):
    before = _record_counts()
    with pytest.raises(ValidationFailed) as raised:
        _fire_room(**values)
    assert (raised.value.code, raised.value.details["field"]) == (code, field)
    assert _record_counts() == before


def test_equipment_inventory_is_replaced_whole_and_recorded(small_jurisdiction):
    room = _fire_room()
    fire_resource_set_equipment(
        actor=None,
        resource=room,
        items=[
            {"name": "灭火器", "quantity": 10, "expires_on": "2027-06-30"},
            {"name": "水带", "quantity": "4"},
        ],
    )
    fire_resource_set_equipment(
        actor=None, resource=room, items=[{"name": "灭火器", "quantity": 12}]
    )
    assert list(room.equipment.values_list("name", "quantity", "expires_on")) == [
        ("灭火器", 12, None)
    ]
    first, second = _events("fire_resource.set_equipment", room)
    assert first.data["changes"]["equipment"] == [
        [],
        [
            {"name": "水带", "quantity": 4, "expires_on": None, "note": ""},
            {"name": "灭火器", "quantity": 10, "expires_on": "2027-06-30", "note": ""},
        ],
    ]
    assert second.data["changes"]["equipment"][1] == [
        {"name": "灭火器", "quantity": 12, "expires_on": None, "note": ""}
    ]
    fire_resource_set_equipment(
        actor=None, resource=room, items=[{"name": "灭火器", "quantity": 12}]
    )
    assert len(_events("fire_resource.set_equipment", room)) == 2


@pytest.mark.parametrize(
    ("items", "code", "index", "column"),
    [
        ([{"name": "灭火器", "quantity": 0}], "number_out_of_range", 0, "quantity"),
        ([{"name": "灭火器", "quantity": 2}, {"quantity": 1}], "field_required", 1, "name"),
        (
            [{"name": "灭火器", "quantity": 2, "expires_on": "明年"}],
            "date_invalid",
            0,
            "expires_on",
        ),
        ([{"name": "灭火器"}], "field_required", 0, "quantity"),
    ],
)
def test_bad_equipment_line_is_refused_naming_the_line_and_the_old_inventory_stays(
    small_jurisdiction, items, code, index, column
):
    room = _fire_room()
    fire_resource_set_equipment(actor=None, resource=room, items=[{"name": "水枪", "quantity": 2}])
    before = _record_counts()
    with pytest.raises(ValidationFailed) as raised:
        fire_resource_set_equipment(actor=None, resource=room, items=items)
    assert raised.value.code == code
    assert raised.value.details == {"field": "items", "index": index, "column": column}
    assert list(room.equipment.values_list("name", "quantity")) == [("水枪", 2)]
    assert _record_counts() == before


def test_a_hydrant_keeps_no_inventory_and_has_no_members(small_jurisdiction):
    hydrant = _fire_room(kind="hydrant", name="书院路消火栓1号")
    with pytest.raises(ValidationFailed) as raised:
        fire_resource_set_equipment(actor=None, resource=hydrant, items=[])
    assert raised.value.code == "equipment_not_allowed"
    with pytest.raises(ValidationFailed) as raised:
        fire_resource_set_members(actor=None, resource=hydrant, members=[])
    assert raised.value.code == "members_not_allowed"


def test_team_members_are_replaced_with_phones_normalised_and_masked_in_history(
    small_jurisdiction, make_user
):
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    from firegrid.people.models import Person

    person = Person.objects.get(user=worker)
    team = _fire_room(worker, kind="volunteer_team", name="书院河社区义务消防队")
    fire_resource_set_members(
        actor=worker,
        resource=team,
        members=[
            {"name": "张志强", "phone": "１３９ ３７１０ ０００１"},
            {"name": person.name, "phone": "", "person": person.pk},
        ],
    )
    assert sorted(team.members.values_list("name", "phone", "person_id")) == sorted(
        [("张志强", "13937100001", None), (person.name, "", person.pk)]
    )
    [event] = _events("fire_resource.set_members", team)
    assert event.data["changes"]["members"][0] == []
    assert {"name": "张志强", "phone": "139****0001", "person": None} in event.data["changes"][
        "members"
    ][1]
    assert "13937100001" not in str(event.data)


@pytest.mark.parametrize(
    ("members", "code", "index", "column"),
    [
        ([{"name": "张志强", "phone": "139371"}], "phone_invalid", 0, "phone"),
        ([{"name": "甲"}, {"name": "甲"}], "member_duplicate", 1, "name"),
        ([{"name": "甲", "person": 999999}], "person_not_found", 0, "person"),
        ([{"phone": "13937100001"}], "field_required", 0, "name"),
    ],
)
def test_bad_member_is_refused_naming_the_line_and_nothing_written(
    small_jurisdiction, members, code, index, column
):
    team = _fire_room(kind="volunteer_team", name="书院河社区义务消防队")
    before = _record_counts()
    with pytest.raises(ValidationFailed) as raised:
        fire_resource_set_members(actor=None, resource=team, members=members)
    assert raised.value.code == code
    assert raised.value.details == {"field": "members", "index": index, "column": column}
    assert _record_counts() == before


def test_volunteer_may_not_edit_fire_resources_and_nothing_is_written(
    small_jurisdiction, make_user
):
    volunteer = make_user("volunteer", small_jurisdiction[GRID_A])
    room = _fire_room()
    before = _record_counts()
    with pytest.raises(PermissionDenied) as raised:
        _fire_room(volunteer, name="另一个消防室")
    assert raised.value.code == "registry_read_only"
    with pytest.raises(PermissionDenied):
        fire_resource_update(actor=volunteer, resource=room, changes={"status": "broken"})
    with pytest.raises(PermissionDenied):
        fire_resource_set_equipment(
            actor=volunteer, resource=room, items=[{"name": "灭火器", "quantity": 1}]
        )
    room.refresh_from_db()
    assert room.status == "usable"
    assert _record_counts() == before


def test_worker_of_grid_a_may_not_edit_a_resource_of_grid_b(small_jurisdiction, make_user):
    worker = make_user("parttime_worker", small_jurisdiction[GRID_A])
    hydrant = fire_resource_create(
        actor=None, values={"kind": "hydrant", "name": "消火栓2号"}, lon=113.15, lat=34.45
    )
    before = _record_counts()
    with pytest.raises(PermissionDenied) as raised:
        fire_resource_update(actor=worker, resource=hydrant, changes={"status": "broken"})
    assert raised.value.code == "grid_out_of_scope"
    with pytest.raises(PermissionDenied) as raised:
        fire_resource_create(
            actor=worker, values={"kind": "hydrant", "name": "消火栓3号"}, lon=113.15, lat=34.45
        )
    assert raised.value.code == "grid_out_of_scope"
    assert _record_counts() == before


def test_gcj02_building_point_is_stored_in_wgs84_and_routed(small_jurisdiction):
    from firegrid.core.coords import wgs84_to_gcj02

    glon, glat = wgs84_to_gcj02(113.15, 34.45)
    building = building_create(
        actor=None, values={"name": "2号楼"}, lon=glon, lat=glat, crs="gcj02"
    )
    assert building.lon == pytest.approx(113.15, abs=1e-7)
    assert building.lat == pytest.approx(34.45, abs=1e-7)
    assert building.grid.code == GRID_B


def test_a_team_with_members_cannot_become_a_hydrant(small_jurisdiction):
    team = _fire_room(kind="volunteer_team", name="书院河社区义务消防队")
    fire_resource_set_members(actor=None, resource=team, members=[{"name": "甲"}])
    with pytest.raises(ValidationFailed) as raised:
        fire_resource_update(actor=None, resource=team, changes={"kind": "hydrant"})
    assert (raised.value.code, raised.value.details["field"]) == ("kind_in_use", "kind")
    team.refresh_from_db()
    assert team.kind == "volunteer_team"
