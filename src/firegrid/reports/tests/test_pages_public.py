"""The public report pages (/report/): no login, the form, its errors, duplicates, abuse pages,
the success page and the status page by tracking code (never any contact data)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from firegrid.hazards.models import Hazard
from firegrid.inspections.tests.conftest import place_in
from firegrid.registry.models import Place
from firegrid.reports import abuse
from firegrid.reports.models import BlockedSender, Report, ReportEvent, ReportPhoto
from firegrid.reports.services import report_close, report_confirm, report_hide

from .conftest import make_jpeg

EN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "en"}
NEW = "/report/"


def _post(client: Client, world: Any, **overrides: Any) -> Any:
    lon, lat = world.inside
    data: dict[str, Any] = {
        "service": "ebike",
        "description": "楼道里有三辆电动车在充电",
        "lon": f"{lon}",
        "lat": f"{lat}",
        "crs": "wgs84",
        "device_id": "device-aaaa",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(NEW, data, REMOTE_ADDR="203.0.113.7", **EN)


def test_report_page_urls_are_the_public_ones() -> None:
    assert reverse("report:new") == "/report/"
    assert reverse("report:track") == "/report/track/"
    assert reverse("report:status", args=["ABCD2345"]) == "/report/track/ABCD2345/"


def test_report_form_opens_without_login_and_is_made_for_phones(report_world: Any) -> None:
    response = Client().get(NEW, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport"' in html
    assert 'id="report-map"' in html and 'id="use-location"' in html
    assert 'accept="image/*"' in html and "capture=" in html and " multiple" in html
    assert "Reports are anonymous by default." in html
    # Every active category is offered, with its description, and its questions are there.
    for code in ("exits_blocked", "fire_systems", "ebike", "other"):
        assert f'value="{code}"' in html
    assert "Corridors, escape stairs or exits blocked or locked" in html
    assert 'name="attr__exits_blocked__where"' in html
    assert 'name="attr__fire_systems__which_system"' in html
    # The language switch, and no staff navigation.
    assert 'action="/i18n/setlang/"' in html
    assert "/people/" not in html and "Log out" not in html
    assert "cdn" not in html.lower()


def test_report_form_is_chinese_by_default(report_world: Any) -> None:
    html = Client().get(NEW).content.decode()
    assert "疏散通道/安全出口堵塞" in html
    assert "Escape route or exit blocked" not in html


def test_placard_link_prefills_the_place_and_files_the_report_there(report_world: Any) -> None:
    from firegrid.registry.views.place_forms import report_url

    place = place_in(report_world.leaf, name="好邻居便利店", address="幸福路8号")
    request = Client().get("/").wsgi_request
    url = report_url(request, place)
    assert url == f"http://testserver/report/?place={place.pk}"
    response = Client().get(f"/report/?place={place.pk}", **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "好邻居便利店" in html and 'id="place-banner"' in html
    assert f'name="place" value="{place.pk}"' in html
    assert f'data-point="{place.lon},{place.lat},wgs84"' in html

    # Sent with the place and no point of its own: the place's point and grid are used.
    client = Client()
    response = _post(client, report_world, lon=None, lat=None, place=str(place.pk))
    report = Report.objects.get()
    assert response.status_code == 302
    assert (report.place_id, report.lon, report.lat) == (place.pk, place.lon, place.lat)
    assert report.grid_id == report_world.leaf.pk
    assert report.address == "幸福路8号"


def test_unknown_or_closed_place_is_ignored_with_a_note(report_world: Any) -> None:
    closed = place_in(report_world.leaf, name="已关闭的店", status=Place.Status.CLOSED)
    for value in (str(closed.pk), "999999", "abc"):
        html = Client().get(f"/report/?place={value}", **EN).content.decode()
        assert 'id="place-note"' in html
        assert 'id="place-banner"' not in html
        assert "已关闭的店" not in html
        assert 'name="place" value' not in html


def test_a_report_with_a_photo_is_filed_and_the_code_is_shown(report_world: Any) -> None:
    client = Client()
    response = _post(
        client,
        report_world,
        service="exits_blocked",
        attr__exits_blocked__where="stairs",
        photos=[make_jpeg("a.jpg"), make_jpeg("b.jpg", color="blue")],
        contact_phone="13912345678",
        address="幸福小区3号楼",
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/report/sent/{report.tracking_code}/"
    assert report.service.code == "exits_blocked"
    assert report.attributes == {"where": "stairs"}
    assert report.grid_id == report_world.leaf.pk
    assert report.channel == Report.Channel.WEB
    assert report.device_id == "device-aaaa"
    assert report.ip_digest == abuse.ip_digest("203.0.113.7")
    assert report.address == "幸福小区3号楼"
    assert ReportPhoto.objects.filter(report=report).count() == 2
    assert report.contact_phone_masked and "13912345678" not in report.contact_phone

    sent = client.get(response["Location"], **EN)
    html = sent.content.decode()
    assert sent.status_code == 200
    assert f'id="tracking-code">{report.tracking_code}<' in html
    assert f'href="/report/track/{report.tracking_code}/"' in html
    assert "13912345678" not in html and report.contact_phone_masked not in html


def test_a_point_tapped_on_a_gcj02_map_is_converted(report_world: Any) -> None:
    from firegrid.core.coords import convert_point

    glon, glat = convert_point(113.05, 34.45, "wgs84", "gcj02")
    response = _post(Client(), report_world, lon=f"{glon:.7f}", lat=f"{glat:.7f}", crs="gcj02")
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.lon == pytest.approx(113.05, abs=1e-6)
    assert report.lat == pytest.approx(34.45, abs=1e-6)


@pytest.mark.parametrize(
    ("overrides", "field_marker", "message"),
    [
        ({"service": None}, "service", "This field is required."),
        ({"lon": None, "lat": None}, "location-error", "pick a point on the map"),
        ({"lon": "112.5", "lat": "34.45"}, "location-error", "outside the area we cover"),
        ({"description": "<b>火</b>"}, "field-description", "HTML"),
        ({"description": "火" * 4001}, "field-description", "Ensure this value has at most"),
        ({"contact_phone": "12345"}, "field-contact_phone", "not a valid mainland"),
        ({"contact_email": "nobody"}, "field-contact_email", "valid email"),
    ],
)
def test_bad_input_rerenders_the_form_with_the_error_and_stores_nothing(
    report_world: Any, overrides: dict[str, Any], field_marker: str, message: str
) -> None:
    response = _post(Client(), report_world, address="保留的地址", **overrides)
    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    assert field_marker in html
    assert 'value="保留的地址"' in html  # what was typed is kept
    assert 'id="photo-repick"' in html  # and the reporter is told to pick photos again
    assert Report.objects.count() == 0
    assert ReportEvent.objects.count() == 0


def test_a_file_that_is_not_an_image_is_refused_on_the_photo_field(report_world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"not a picture at all", content_type="image/jpeg")
    response = _post(Client(), report_world, photos=[fake])
    html = response.content.decode()
    assert response.status_code == 422
    assert "is not a photo" in html
    assert html.index("is not a photo") > html.index('id="id_photos"')
    assert Report.objects.count() == 0 and ReportPhoto.objects.count() == 0


def test_too_many_photos_are_refused(report_world: Any, settings: Any) -> None:
    settings.FIREGRID_REPORT_MAX_PHOTOS = 1
    response = _post(Client(), report_world, photos=[make_jpeg("a.jpg"), make_jpeg("b.jpg")])
    assert response.status_code == 422
    assert "At most 1 photos" in response.content.decode()
    assert Report.objects.count() == 0


def test_a_bad_attribute_answer_is_shown_on_its_question(report_world: Any) -> None:
    response = _post(
        Client(), report_world, service="exits_blocked", attr__exits_blocked__where="roof"
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Select a valid choice" in html or "Not a valid answer" in html
    assert Report.objects.count() == 0


def test_duplicates_nearby_are_offered_before_filing(report_world: Any, submit: Any) -> None:
    original = submit(service_code="ebike", device_id="someone-else")
    client = Client()
    response = _post(client, report_world)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="duplicates"' in html
    assert f'name="link_to" value="{original.tracking_code}"' in html
    assert 'name="confirm" value="1"' in html
    assert Report.objects.count() == 1  # nothing filed yet

    # "It is a different problem": filed on its own.
    response = _post(client, report_world, confirm="1")
    assert response.status_code == 302
    mine = Report.objects.exclude(pk=original.pk).get()
    assert mine.duplicate_of_id is None

    # "This is the same": filed and linked, so its reporter follows the original.
    response = _post(client, report_world, link_to=original.tracking_code, device_id="dev-3")
    assert response.status_code == 302
    linked = Report.objects.exclude(pk__in=[original.pk, mine.pk]).get()
    assert linked.duplicate_of_id == original.pk


def test_other_categories_are_not_offered_as_duplicates(report_world: Any, submit: Any) -> None:
    submit(service_code="exits_blocked")
    response = _post(Client(), report_world, service="ebike")
    assert response.status_code == 302
    assert Report.objects.count() == 2


def test_rate_limited_sender_gets_a_clear_429_page(report_world: Any, settings: Any) -> None:
    settings.FIREGRID_REPORT_RATE_PER_DEVICE_HOUR = 1
    client = Client()
    assert _post(client, report_world).status_code == 302
    response = _post(client, report_world, service="fire_lane", confirm="1")
    assert response.status_code == 429
    html = response.content.decode()
    assert 'data-kind="rate_limited"' in html and "Too many reports" in html
    assert Report.objects.count() == 1


def test_blocked_sender_gets_a_clear_403_page(report_world: Any) -> None:
    abuse.block_sender(
        actor=None, kind=BlockedSender.Kind.IP, value="203.0.113.7", reason="恶意举报"
    )
    response = _post(Client(), report_world)
    assert response.status_code == 403
    assert 'data-kind="blocked"' in response.content.decode()
    assert Report.objects.count() == 0


def test_track_form_goes_to_the_status_page(report_world: Any, submit: Any) -> None:
    report = submit()
    client = Client()
    assert client.get("/report/track/", **EN).status_code == 200
    response = client.get("/report/track/", {"code": f" {report.tracking_code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/report/track/{report.tracking_code}/"


def test_unknown_code_is_a_404_page_with_the_form(report_world: Any) -> None:
    response = Client().get("/report/track/NOSUCH99/", **EN)
    html = response.content.decode()
    assert response.status_code == 404
    assert 'id="unknown-code"' in html and 'id="track-form"' in html
    assert 'value="NOSUCH99"' in html


def test_status_page_shows_progress_and_never_the_contact(report_world: Any, submit: Any) -> None:
    report = submit(
        contact_name="张三丰", contact_phone="13912345678", contact_email="zs@example.org"
    )
    response = Client().get(f"/report/track/{report.tracking_code}/", **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="new"' in html
    assert "Report received" in html
    assert "checked on site within 24 hours" in html  # blocked exits: the 24-hour clock
    for secret in ("张三丰", "13912345678", report.contact_phone_masked, "zs@example.org"):
        assert secret not in html
    assert report.description not in html  # only the category and the progress are public


def test_status_page_shows_the_closing_reason(report_world: Any, submit: Any) -> None:
    report = submit()
    report_close(
        actor=report_world.worker,
        report_id=report.pk,
        reason=Report.CloseReason.OUTSIDE_REMIT,
        referral="市场监管所",
        note="已转交市场监管所处理",
    )
    html = Client().get(f"/report/track/{report.tracking_code}/", **EN).content.decode()
    assert 'data-status="closed"' in html
    assert "outside our remit (referred)" in html
    assert "市场监管所" in html and "已转交市场监管所处理" in html


def test_a_confirmed_report_shows_the_hazard_progress(report_world: Any, submit: Any) -> None:
    report = submit()
    report_confirm(actor=report_world.worker, report_id=report.pk, note="已派人核查")
    report.refresh_from_db()
    hazard = Hazard.objects.get(pk=report.hazard_id)
    html = Client().get(f"/report/track/{report.tracking_code}/", **EN).content.decode()
    assert 'id="hazard-progress"' in html
    assert f'id="hazard-state">{Hazard.State(hazard.state).label}<' in html
    assert 'data-state="confirmed"' in html


def test_a_hidden_report_has_no_public_status(report_world: Any, submit: Any) -> None:
    report = submit()
    report_hide(actor=report_world.office, report_id=report.pk, reason="辱骂内容")
    assert Client().get(f"/report/track/{report.tracking_code}/").status_code == 404
    assert Client().get(f"/report/sent/{report.tracking_code}/").status_code == 404


def test_english_and_chinese_status_page(report_world: Any, submit: Any) -> None:
    report = submit()
    url = f"/report/track/{report.tracking_code}/"
    assert "Escape route or exit blocked" in Client().get(url, **EN).content.decode()
    assert "疏散通道/安全出口堵塞" in Client().get(url).content.decode()


def test_duplicate_check_for_the_page_lists_only_public_facts(
    report_world: Any, submit: Any
) -> None:
    original = submit(service_code="ebike", contact_phone="13912345678", contact_name="李四")
    submit(service_code="fire_lane", device_id="x")
    lon, lat = report_world.inside
    response = Client().get(
        "/report/duplicates/", {"service": "ebike", "lon": lon, "lat": lat, "crs": "wgs84"}, **EN
    )
    data = response.json()
    assert response.status_code == 200
    assert [r["tracking_code"] for r in data["results"]] == [original.tracking_code]
    assert set(data["results"][0]) == {"tracking_code", "service", "requested_on", "state"}
    assert data["results"][0]["service"] == "E-bike parked in a stairwell or charged indoors"
    assert "13912345678" not in response.content.decode()
    assert "李四" not in response.content.decode()
    far = Client().get("/report/duplicates/", {"service": "ebike", "lon": "113.35", "lat": "34.55"})
    assert far.json() == {"results": []}
    assert Client().get("/report/duplicates/", {"lon": "x"}).json() == {"results": []}


def test_the_map_gets_the_county_outline_and_nothing_else(report_world: Any) -> None:
    import json
    import re

    html = Client().get(NEW).content.decode()
    match = re.search(r'<script id="report-outlines" type="application/json">(.*?)</script>', html)
    assert match is not None
    outlines = json.loads(match.group(1))
    assert len(outlines["features"]) == 1
    feature = outlines["features"][0]
    assert feature["properties"] == {}
    ring = feature["geometry"]["coordinates"][0]
    assert ring == report_world.county.boundary["coordinates"][0]
