"""Places: located into grids, moved with history, classified by the rules, checked rights."""

from __future__ import annotations

import pytest

from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.registry.models import Place
from firegrid.registry.services import (
    KEEP_GRID,
    place_create,
    place_edit,
    place_set_classification,
    place_set_grid,
    place_update,
)

# The small jurisdiction: grid 410185001001001 covers 113.0–113.1 E, 34.4–34.5 N and
# 410185001001002 covers 113.1–113.2 E.
GRID_A = "410185001001001"
GRID_B = "410185001001002"
COMMUNITY = "410185001001"


def _hotel(**extra):
    return {"name": "好梦宾馆", "place_type": "hotel", "address": "中州路1号", **extra}


def test_place_is_assigned_to_the_grid_owning_its_point(small_jurisdiction, make_user):
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    place = place_create(actor=worker, values=_hotel(), lon=113.05, lat=34.45)
    assert place.grid.code == GRID_A
    assert place.grid_path == small_jurisdiction[GRID_A].path
    assert place.grid_manual is False
    assert AuditEvent.objects.filter(action="place.create", object_id=str(place.pk)).count() == 1


def test_moving_the_point_into_another_grid_reassigns_and_records_the_move(
    small_jurisdiction, make_user
):
    office = make_user("community_office", small_jurisdiction[COMMUNITY])
    place = place_create(actor=office, values=_hotel(), lon=113.05, lat=34.45)
    place_update(actor=office, place=place, changes={}, point=(113.15, 34.45, "wgs84"))
    place.refresh_from_db()
    assert place.grid.code == GRID_B
    event = AuditEvent.objects.get(action="place.update", object_id=str(place.pk))
    assert event.data["changes"]["grid"] == [GRID_A, GRID_B]
    assert event.data["changes"]["lon"] == [113.05, 113.15]


def test_hotel_with_fifty_rooms_is_a_key_unit_and_the_rule_is_named(small_jurisdiction):
    place = place_create(actor=None, values=_hotel(rooms=50), lon=113.05, lat=34.45)
    assert place.is_key_unit is True
    assert place.risk_level == "medium"
    assert [rule["code"] for rule in place.classification["fired"]] == ["key_hotel_50_rooms"]
    place = place_update(actor=None, place=place, changes={"rooms": 49})
    assert place.is_key_unit is False
    assert place.classification["fired"] == []


def test_manual_classification_needs_a_reason_and_survives_reclassification(small_jurisdiction):
    place = place_create(actor=None, values=_hotel(rooms=10), lon=113.05, lat=34.45)
    with pytest.raises(ValidationFailed) as raised:
        place_set_classification(
            actor=None, place=place, overrides={"risk_level": "high"}, reason=""
        )
    assert raised.value.code == "override_reason_required"
    place = place_set_classification(
        actor=None, place=place, overrides={"risk_level": "high"}, reason="存放大量可燃物"
    )
    place = place_update(actor=None, place=place, changes={"rooms": 60})
    assert (place.risk_level, place.is_key_unit) == ("high", True)
    assert place.classification["risk_level"] == "medium"


def test_manual_grid_is_flagged_and_kept_when_the_point_moves(small_jurisdiction):
    place = place_create(actor=None, values=_hotel(), lon=113.05, lat=34.45)
    place = place_set_grid(
        actor=None, place=place, grid=small_jurisdiction[GRID_B], reason="门牌属于二网格"
    )
    assert (place.grid.code, place.grid_manual) == (GRID_B, True)
    place = place_update(actor=None, place=place, changes={}, point=(113.06, 34.45, "wgs84"))
    assert place.grid.code == GRID_B
    place = place_set_grid(actor=None, place=place, grid=None)
    assert (place.grid.code, place.grid_manual) == (GRID_A, False)


def test_point_outside_every_grid_is_refused_and_nothing_is_written(small_jurisdiction):
    with pytest.raises(ValidationFailed) as raised:
        place_create(actor=None, values=_hotel(), lon=114.5, lat=34.45)
    assert raised.value.code == "point_outside_grids"
    assert Place.objects.count() == 0


def test_volunteer_may_not_add_places_and_nothing_is_written(small_jurisdiction, make_user):
    volunteer = make_user("volunteer", small_jurisdiction[GRID_A])
    with pytest.raises(PermissionDenied) as raised:
        place_create(actor=volunteer, values=_hotel(), lon=113.05, lat=34.45)
    assert raised.value.code == "registry_read_only"
    assert Place.objects.count() == 0


def test_worker_may_not_add_a_place_in_another_grid(small_jurisdiction, make_user):
    worker = make_user("parttime_worker", small_jurisdiction[GRID_A])
    with pytest.raises(PermissionDenied) as raised:
        place_create(actor=worker, values=_hotel(), lon=113.15, lat=34.45)
    assert raised.value.code == "grid_out_of_scope"
    assert Place.objects.count() == 0


def test_gcj02_point_is_stored_in_wgs84(small_jurisdiction):
    from firegrid.core.coords import wgs84_to_gcj02

    glon, glat = wgs84_to_gcj02(113.05, 34.45)
    place = place_create(actor=None, values=_hotel(), lon=glon, lat=glat, crs="gcj02")
    assert place.lon == pytest.approx(113.05, abs=1e-7)
    assert place.lat == pytest.approx(34.45, abs=1e-7)


def test_same_name_nearby_is_flagged_as_a_likely_duplicate(small_jurisdiction):
    first = place_create(actor=None, values=_hotel(), lon=113.05, lat=34.45)
    second = place_create(
        actor=None, values=_hotel(name="好梦 宾馆", address=""), lon=113.0501, lat=34.4501
    )
    flags = list(first.duplicate_flags.all())
    assert [(f.other_id, f.reasons) for f in flags] == [(second.pk, ["name_near"])]


def test_history_keeps_phone_changes_masked(small_jurisdiction):
    place = place_create(
        actor=None, values=_hotel(responsible_phone="13812345678"), lon=113.05, lat=34.45
    )
    place_update(actor=None, place=place, changes={"responsible_phone": "13900001111"})
    event = AuditEvent.objects.get(action="place.update", object_id=str(place.pk))
    assert event.data["changes"]["responsible_phone"] == ["138****5678", "139****1111"]
    assert "13900001111" not in str(event.data)


def _events(place: Place) -> list[tuple[str, dict]]:
    return [
        (e.action, e.data["changes"])
        for e in AuditEvent.objects.filter(
            object_id=str(place.pk), action__in=["place.update", "place.set_grid"]
        ).order_by("id")
    ]


def test_place_edit_sets_the_grid_by_hand_moves_and_edits_in_one_call(
    small_jurisdiction, make_user
):
    office = make_user("community_office", small_jurisdiction[COMMUNITY])
    place = place_create(actor=office, values=_hotel(), lon=113.05, lat=34.45)
    place = place_edit(
        actor=office,
        place=place,
        changes={"name": "好梦快捷酒店"},
        point=(113.06, 34.46, "wgs84"),
        grid=small_jurisdiction[GRID_B],
        grid_reason="门牌属于二网格",
    )
    place.refresh_from_db()
    assert (place.name, place.lon, place.lat) == ("好梦快捷酒店", 113.06, 34.46)
    assert (place.grid.code, place.grid_path) == (GRID_B, small_jurisdiction[GRID_B].path)
    assert (place.grid_manual, place.grid_manual_reason) == (True, "门牌属于二网格")
    assert _events(place) == [
        (
            "place.update",
            {"name": ["好梦宾馆", "好梦快捷酒店"], "lon": [113.05, 113.06], "lat": [34.45, 34.46]},
        ),
        (
            "place.set_grid",
            {
                "grid": [GRID_A, GRID_B],
                "grid_manual": [False, True],
                "grid_manual_reason": ["", "门牌属于二网格"],
            },
        ),
    ]
    # The same choice again writes nothing; None goes back to the grid owning the point.
    place_edit(
        actor=office,
        place=place,
        changes={},
        grid=small_jurisdiction[GRID_B],
        grid_reason="门牌属于二网格",
    )
    assert len(_events(place)) == 2
    place = place_edit(actor=office, place=place, changes={}, grid=None)
    assert (place.grid.code, place.grid_manual, place.grid_manual_reason) == (GRID_A, False, "")
    assert len(_events(place)) == 3


def test_place_edit_with_a_refused_grid_writes_none_of_the_field_changes(
    small_jurisdiction, make_user
):
    office = make_user("community_office", small_jurisdiction[COMMUNITY])
    place = place_create(actor=office, values=_hotel(), lon=113.05, lat=34.45)
    with pytest.raises(ValidationFailed) as raised:
        place_edit(
            actor=office,
            place=place,
            changes={"name": "好梦快捷酒店", "rooms": 80},
            point=(113.06, 34.46, "wgs84"),
            grid=small_jurisdiction[GRID_B],
            grid_reason="  ",
        )
    assert raised.value.code == "grid_reason_required"
    place.refresh_from_db()
    assert (place.name, place.rooms, place.lon, place.grid.code) == (
        "好梦宾馆",
        None,
        113.05,
        GRID_A,
    )
    assert place.is_key_unit is False
    assert _events(place) == []


def test_place_edit_by_a_worker_into_a_grid_outside_their_area_changes_nothing(
    small_jurisdiction, make_user
):
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    place = place_create(actor=worker, values=_hotel(), lon=113.05, lat=34.45)
    with pytest.raises(PermissionDenied) as raised:
        place_edit(
            actor=worker,
            place=place,
            changes={"name": "好梦快捷酒店"},
            grid=small_jurisdiction[GRID_B],
            grid_reason="门牌属于二网格",
        )
    assert raised.value.code == "grid_out_of_scope"
    place.refresh_from_db()
    assert (place.name, place.grid.code, place.grid_manual) == ("好梦宾馆", GRID_A, False)
    assert _events(place) == []
    volunteer = make_user("volunteer", small_jurisdiction[GRID_A])
    with pytest.raises(PermissionDenied) as raised:
        place_edit(actor=volunteer, place=place, changes={"name": "改名"}, grid=KEEP_GRID)
    assert raised.value.code == "registry_read_only"
    place.refresh_from_db()
    assert place.name == "好梦宾馆"
    assert _events(place) == []
