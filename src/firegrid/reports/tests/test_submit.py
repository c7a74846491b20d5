"""report_submit: validation, routing, clocks, contacts, photos — nothing stored on error."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from firegrid.core import pii
from firegrid.core.errors import ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.notifications.models import Notification
from firegrid.reports.models import Report, ReportEvent, ReportPhoto
from firegrid.reports.services.submit import TRACKING_ALPHABET, has_html

pytestmark = pytest.mark.django_db


def test_submit_routes_to_the_leaf_and_starts_the_clock(report_world: Any, submit: Any) -> None:
    now = timezone.now()
    report = submit(now=now)
    assert report.grid == report_world.leaf
    assert report.owner_grid == report_world.leaf
    assert report.jurisdiction == report_world.county
    assert report.grid_path == report_world.leaf.path
    assert report.state == Report.State.NEW
    assert report.triage_due == now + datetime.timedelta(hours=24)
    assert len(report.tracking_code) == 8
    assert set(report.tracking_code) <= set(TRACKING_ALPHABET)
    assert len(report.token) == 32
    assert ReportEvent.objects.filter(report=report, action="submitted", public=True).count() == 1
    assert AuditEvent.objects.filter(action="report.submit", object_id=str(report.pk)).exists()
    told = set(
        Notification.objects.filter(kind="report.submitted").values_list(
            "recipient__user__username", flat=True
        )
    )
    # Everyone posted at the leaf, and the community office that manages it.
    assert {"worker", "fulltime", "parttime", "office"} <= told
    assert "outsider" not in told and "street" not in told


def test_non_urgent_clock_is_end_of_third_working_day(report_world: Any, submit: Any) -> None:
    # Thursday 2026-12-03 10:00 local → Tuesday 2026-12-08 23:59:59 (weekend skipped).
    now = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=timezone.get_current_timezone())
    report = submit(service_code="ebike", now=now)
    due = timezone.localtime(report.triage_due)
    assert (due.date(), due.hour, due.minute) == (datetime.date(2026, 12, 8), 23, 59)


def test_gcj02_point_is_converted_before_routing(report_world: Any, submit: Any) -> None:
    from firegrid.core.coords import wgs84_to_gcj02

    glon, glat = wgs84_to_gcj02(*report_world.inside)
    report = submit(lon=glon, lat=glat, crs="gcj02")
    assert report.grid == report_world.leaf
    assert abs(report.lon - report_world.inside[0]) < 1e-6


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"service_code": ""}, "service_unknown"),
        ({"service_code": "nope"}, "service_unknown"),
        ({"lon": None, "lat": None}, "location_missing"),
        ({"lat": None}, "location_invalid"),
        ({"lon": "abc"}, "location_invalid"),
        ({"lon": float("nan")}, "location_invalid"),
        ({"crs": "mercator"}, "location_invalid"),
        ({"lon": 112.5}, "location_outside"),
        ({"jurisdiction_code": "999999"}, "jurisdiction_unknown"),
        ({"jurisdiction_code": "410185001"}, "jurisdiction_unknown"),
        ({"description": "x" * 4001}, "description_too_long"),
        ({"description": "look <b>here</b>"}, "description_html"),
        ({"description": "<script>alert(1)</script>"}, "description_html"),
        ({"attributes": {"colour": "red"}}, "attribute_unknown"),
        ({"attributes": {"where": "roof"}}, "attribute_invalid"),
        ({"contact_phone": "12345"}, "contact_invalid"),
        ({"contact_email": "not-an-email"}, "contact_invalid"),
        ({"place_id": 999999, "lon": None, "lat": None}, "location_invalid"),
        ({"link_to_tracking_code": "ZZZZZZZZ"}, "link_invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    report_world: Any, submit: Any, overrides: dict[str, Any], code: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        submit(**overrides)
    assert caught.value.code == code
    assert isinstance(caught.value.details, dict) and caught.value.details
    assert Report.objects.count() == 0
    assert ReportEvent.objects.count() == 0
    assert Notification.objects.count() == 0


def test_jurisdiction_code_of_the_county_is_accepted(report_world: Any, submit: Any) -> None:
    assert submit(jurisdiction_code="410185").jurisdiction == report_world.county


def test_description_limits(report_world: Any, submit: Any) -> None:
    report = submit(description="x" * 4000)
    assert len(report.description) == 4000
    assert submit(description="出口宽度 < 1.1m, 3<5 也可以").description.startswith("出口")
    assert has_html("<img src=x onerror=alert(1)>")
    assert has_html("<!-- c -->")
    assert not has_html("a < b > c")


def test_attributes_are_checked_against_the_definition(report_world: Any, submit: Any) -> None:
    report = submit(attributes={"where": "stairs"})
    assert report.attributes == {"where": "stairs"}
    other = submit(service_code="fire_systems", attributes={"which_system": "喷淋"})
    assert other.attributes == {"which_system": "喷淋"}


def test_required_attribute(report_world: Any, submit: Any) -> None:
    attribute = report_world.services["exits_blocked"].attributes.get(code="where")
    attribute.required = True
    attribute.save()
    with pytest.raises(ValidationFailed) as caught:
        submit()
    assert caught.value.code == "attribute_required"
    assert Report.objects.count() == 0


def test_contact_is_encrypted_and_masked(report_world: Any, submit: Any) -> None:
    report = submit(
        contact_name="张三", contact_phone="+86 139 1234 5678", contact_email="a@example.org"
    )
    assert "13912345678" not in report.contact_phone
    assert pii.decrypt(report.contact_phone) == "13912345678"
    assert report.contact_phone_masked == "139****5678"
    assert pii.decrypt(report.contact_email) == "a@example.org"
    landline = submit(contact_phone="0371-12345678")
    assert pii.decrypt(landline.contact_phone) == "0371-12345678"


def test_place_fills_the_location(report_world: Any, submit: Any) -> None:
    from firegrid.registry.models import Place, PlaceType

    place = Place.objects.create(
        name="老王超市",
        place_type=PlaceType.objects.order_by("pk")[0],
        grid=report_world.leaf,
        lon=113.02,
        lat=34.42,
    )
    report = submit(lon=None, lat=None, place_id=place.pk)
    assert report.place == place
    assert (report.lon, report.lat) == (113.02, 34.42)
    assert report.grid == report_world.leaf


def test_photos_are_cleaned_and_limited(report_world: Any, submit: Any, jpeg: Any) -> None:
    report = submit(photos=(jpeg(), jpeg(color="blue")))
    assert ReportPhoto.objects.filter(report=report).count() == 2
    with pytest.raises(ValidationFailed) as caught:
        submit(photos=tuple(jpeg() for _ in range(4)))
    assert caught.value.code == "photos_too_many"
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as caught:
        submit(photos=(fake,))
    assert caught.value.code == "photo_invalid"
    assert Report.objects.count() == 1
    assert ReportPhoto.objects.count() == 2


def test_photo_too_big(report_world: Any, submit: Any, jpeg: Any, settings: Any) -> None:
    settings.FIREGRID_REPORT_PHOTO_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as caught:
        submit(photos=(jpeg(size=(400, 400)),))
    assert caught.value.code == "photo_too_big"
    assert Report.objects.count() == 0


def test_tracking_code_collision_is_drawn_again(
    report_world: Any, submit: Any, monkeypatch: Any
) -> None:
    from firegrid.reports.services import submit as module

    first = submit()
    codes = iter([first.tracking_code, "ABCDEFGH"])
    monkeypatch.setattr(module, "new_tracking_code", lambda: next(codes))
    second = submit()
    assert second.tracking_code == "ABCDEFGH"


def test_accepting_a_duplicate_suggestion_links(report_world: Any, submit: Any) -> None:
    original = submit()
    follower = submit(link_to_tracking_code=original.tracking_code.lower())
    assert follower.duplicate_of == original
    assert follower.state == Report.State.NEW
    assert follower.triage_due is None  # the original carries the clock
    assert ReportEvent.objects.filter(report=follower, action="linked", public=True).exists()


def test_duplicates_near(report_world: Any, submit: Any, settings: Any) -> None:
    from firegrid.core.coords import wgs84_to_gcj02
    from firegrid.reports.services import report_duplicates_near

    settings.FIREGRID_REPORT_DUPLICATE_RADIUS_M = 100
    lon, lat = report_world.inside
    near = submit()
    submit(lon=lon + 0.002, lat=lat)  # ~180 m east: too far
    submit(service_code="ebike")  # another service
    closed = submit()
    Report.objects.filter(pk=closed.pk).update(state=Report.State.CLOSED)
    found = report_duplicates_near(service_code="exits_blocked", lon=lon + 0.0005, lat=lat)
    assert found == [near]
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert report_duplicates_near(
        service_code="exits_blocked", lon=glon, lat=glat, crs="gcj02"
    ) == [near]
    assert report_duplicates_near(service_code="exits_blocked", lon=1e9, lat=0) == []


def test_a_closed_place_is_refused_and_nothing_is_stored(report_world: Any, submit: Any) -> None:
    from firegrid.registry.models import Place, PlaceType

    place = Place.objects.create(
        name="已关门的店",
        place_type=PlaceType.objects.order_by("pk")[0],
        grid=report_world.leaf,
        lon=113.02,
        lat=34.42,
        status=Place.Status.CLOSED,
    )
    with pytest.raises(ValidationFailed) as caught:
        submit(lon=None, lat=None, place_id=place.pk)
    assert (caught.value.code, list(caught.value.details)) == ("location_invalid", ["place_id"])
    assert not Report.objects.exists()


def test_the_public_map_outlines_are_built_once_per_grid_version(
    report_world: Any, django_assert_num_queries: Any
) -> None:
    from firegrid.reports.selectors import jurisdiction_outlines

    first = jurisdiction_outlines()
    with django_assert_num_queries(1):  # the grid version only
        again = jurisdiction_outlines()
    assert again == first
    assert len(first["features"]) == 1  # the one county of the test jurisdiction
