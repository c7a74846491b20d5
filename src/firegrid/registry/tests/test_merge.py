"""Merging duplicate places (合并): both histories kept, blanks filled, scope and state checked;
dismissing a flagged pair."""

from __future__ import annotations

import pytest

from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.registry.models import DuplicateCandidate, Place
from firegrid.registry.selectors import place_history
from firegrid.registry.services import (
    duplicate_dismiss,
    place_create,
    place_merge,
    place_update,
)

GRID_A = "410185001001001"
GRID_B = "410185001001002"
COMMUNITY = "410185001001"


def _pair(actor=None):
    keep = place_create(
        actor=actor,
        values={"name": "好梦宾馆", "place_type": "hotel", "address": "中州路1号"},
        lon=113.05,
        lat=34.45,
    )
    merge = place_create(
        actor=actor,
        values={
            "name": "好梦 宾馆",
            "place_type": "hotel",
            "rooms": 60,
            "licence_number": "92410185MA0000001G",
            "phone": "13937101234",
        },
        lon=113.0501,
        lat=34.4501,
    )
    return keep, merge


def test_merge_keeps_both_histories_and_fills_the_blanks(small_jurisdiction, make_user):
    office = make_user("community_office", small_jurisdiction[COMMUNITY])
    keep, merge = _pair(office)
    place_update(actor=office, place=merge, changes={"note": "二楼"})
    [flag] = DuplicateCandidate.objects.all()
    assert flag.status == "open"

    result = place_merge(actor=office, keep=keep, merge=merge, reason="同一家宾馆")

    keep.refresh_from_db()
    merge.refresh_from_db()
    assert result.pk == keep.pk
    assert (merge.status, merge.merged_into_id) == ("merged", keep.pk)
    assert (keep.rooms, keep.licence_number, keep.phone, keep.note, keep.address) == (
        60,
        "92410185MA0000001G",
        "13937101234",
        "二楼",
        "中州路1号",
    )
    assert keep.is_key_unit is True  # 60 rooms: the hotel rule fires on the filled value
    flag.refresh_from_db()
    assert flag.status == "merged"
    history = [(e.object_id, e.action) for e in place_history(keep)]
    assert history == [
        (str(keep.pk), "place.create"),
        (str(merge.pk), "place.create"),
        (str(merge.pk), "place.update"),
        (str(keep.pk), "place.merge"),
        (str(merge.pk), "place.merged_into"),
    ]
    merged_event = AuditEvent.objects.get(action="place.merge")
    assert merged_event.data["merged"] == merge.pk
    assert merged_event.data["reason"] == "同一家宾馆"
    assert merged_event.data["changes"]["rooms"] == [None, 60]
    assert merged_event.data["changes"]["phone"] == ["", "139****1234"]
    assert merged_event.data["changes"]["classification"][1]["is_key_unit"] is True
    into_event = AuditEvent.objects.get(action="place.merged_into")
    assert into_event.data["into"] == keep.pk
    assert into_event.data["changes"] == {
        "status": ["active", "merged"],
        "merged_into": [None, keep.pk],
    }


def test_merge_does_not_overwrite_filled_fields(small_jurisdiction):
    keep, merge = _pair()
    place_update(actor=None, place=keep, changes={"rooms": 20})
    place_merge(actor=None, keep=keep, merge=merge)
    keep.refresh_from_db()
    assert (keep.rooms, keep.name) == (20, "好梦宾馆")


def test_merging_across_scope_is_refused_and_nothing_changes(small_jurisdiction, make_user):
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    keep = place_create(
        actor=None, values={"name": "老王超市", "place_type": "small_shop"}, lon=113.05, lat=34.45
    )
    other = place_create(
        actor=None,
        values={"name": "老王超市", "place_type": "small_shop", "phone": "13937101234"},
        lon=113.15,
        lat=34.45,
    )
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied) as raised:
        place_merge(actor=worker, keep=keep, merge=other)
    assert raised.value.code == "grid_out_of_scope"
    keep.refresh_from_db()
    other.refresh_from_db()
    assert (other.status, other.merged_into_id, keep.phone) == ("active", None, "")
    assert AuditEvent.objects.count() == events


def test_merging_a_record_into_itself_is_refused(small_jurisdiction):
    keep, _merge = _pair()
    with pytest.raises(ValidationFailed) as raised:
        place_merge(actor=None, keep=keep, merge=keep)
    assert raised.value.code == "merge_same_record"
    keep.refresh_from_db()
    assert keep.status == "active"


def test_merging_into_or_from_a_merged_record_is_refused(small_jurisdiction):
    keep, merge = _pair()
    third = place_create(
        actor=None, values={"name": "好梦宾馆东店", "place_type": "hotel"}, lon=113.06, lat=34.46
    )
    place_merge(actor=None, keep=keep, merge=merge)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as raised:
        place_merge(actor=None, keep=merge, merge=third)
    assert raised.value.code == "merge_into_merged"
    with pytest.raises(ValidationFailed) as raised:
        place_merge(actor=None, keep=third, merge=merge)
    assert raised.value.code == "place_merged"
    third.refresh_from_db()
    assert (third.status, third.merged_into_id) == ("active", None)
    assert Place.objects.filter(merged_into=third).count() == 0
    assert AuditEvent.objects.count() == events


def test_records_merged_earlier_follow_into_the_new_kept_record(small_jurisdiction):
    keep, merge = _pair()
    third = place_create(
        actor=None, values={"name": "好梦宾馆东店", "place_type": "hotel"}, lon=113.06, lat=34.46
    )
    place_merge(actor=None, keep=merge, merge=keep)
    place_merge(actor=None, keep=third, merge=merge)
    ids = {e.object_id for e in place_history(third)}
    assert ids == {str(third.pk), str(merge.pk), str(keep.pk)}


def test_dismissed_pair_is_not_flagged_again(small_jurisdiction, make_user):
    office = make_user("community_office", small_jurisdiction[COMMUNITY])
    keep, merge = _pair(office)
    [flag] = DuplicateCandidate.objects.all()
    duplicate_dismiss(actor=office, candidate=flag, reason="两家不同的宾馆")
    flag.refresh_from_db()
    assert flag.status == "dismissed"
    event = AuditEvent.objects.get(action="duplicate.dismiss")
    assert event.data["changes"] == {"status": ["open", "dismissed"]}
    assert event.data["reason"] == "两家不同的宾馆"
    place_update(actor=office, place=merge, changes={"name": "好梦宾馆"})
    assert list(DuplicateCandidate.objects.values_list("status", flat=True)) == ["dismissed"]
    with pytest.raises(ValidationFailed) as raised:
        duplicate_dismiss(actor=office, candidate=flag)
    assert raised.value.code == "duplicate_not_open"


def test_volunteer_may_not_dismiss_a_duplicate(small_jurisdiction, make_user):
    volunteer = make_user("volunteer", small_jurisdiction[GRID_A])
    _pair()
    [flag] = DuplicateCandidate.objects.all()
    with pytest.raises(PermissionDenied):
        duplicate_dismiss(actor=volunteer, candidate=flag)
    flag.refresh_from_db()
    assert flag.status == "open"
