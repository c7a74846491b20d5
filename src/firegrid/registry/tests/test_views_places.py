"""Place pages: map + GeoJSON, list, detail with rules and history, create/edit, placard."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import segno
from django.urls import reverse

from firegrid.core.models import AuditEvent
from firegrid.people.models import Assignment, Person, Role
from firegrid.registry.models import ClassificationRule, DuplicateCandidate, Place
from firegrid.registry.services import place_create, place_update
from firegrid.registry.views import places as place_views

pytestmark = pytest.mark.django_db

# The small jurisdiction (conftest): grid A covers 113.0–113.1 E × 34.4–34.5 N, grid B the next
# 0.1° east; the other street starts at 113.2 E.
GRID_A, GRID_B = "410185001001001", "410185001001002"
COMMUNITY = "410185001001"
OTHER_GRID = "410185002001001"
EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}


def _place(name: str = "好梦宾馆", lon: float = 113.05, lat: float = 34.45, **values: Any) -> Place:
    values = {"name": name, "place_type": "hotel", "address": "中州路1号", **values}
    return place_create(actor=None, values=values, lon=lon, lat=lat)


def _login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return user


def _form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "幸福出租屋",
        "place_type": "rental_house",
        "address": "幸福路8号",
        "lon": "113.15",
        "lat": "34.45",
        "crs": "wgs84",
        "responsible_phone": "",
        "grid": "",
        "grid_reason": "",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------------------ map and GeoJSON


@pytest.mark.parametrize(
    ("headers", "lang", "type_name"), [(ZH, "zh-hans", "宾馆/饭店"), (EN, "en", "Hotel")]
)
def test_place_map_and_list_render_in_both_languages(
    client, small_jurisdiction, make_user, headers, lang, type_name
):
    _login(client, make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    _place()
    map_page = client.get(reverse("registry:map"), headers=headers)
    assert map_page.status_code == 200
    html = map_page.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'data-places-url="/registry/places.geojson"' in html
    assert "leaflet-markercluster/leaflet.markercluster.js" in html
    assert 'id="registry-labels"' in html
    listing = client.get(reverse("registry:place_list"), headers=headers).content.decode()
    assert f'<html lang="{lang}">' in listing
    assert "好梦宾馆" in listing
    assert type_name in listing


def test_markercluster_is_served_from_the_installed_package(client):
    response = client.get("/static/leaflet-markercluster/leaflet.markercluster.js")
    assert response.status_code == 200
    assert b"MarkerClusterGroup" in b"".join(response.streaming_content)


def test_geojson_has_only_places_in_scope_with_the_filters(client, small_jurisdiction, make_user):
    _login(client, make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    hotel = _place(rooms=60)  # key unit by rule
    shop = _place("小卖部", 113.02, 34.41, place_type="small_shop")
    _place("邻网格宾馆", 113.15, 34.45)  # grid B: outside the worker's scope
    collection = client.get(reverse("registry:place_geojson")).json()
    assert sorted(f["properties"]["id"] for f in collection["features"]) == [hotel.pk, shop.pk]
    assert collection["total"] == 2
    feature = next(f for f in collection["features"] if f["id"] == hotel.pk)
    assert feature["geometry"] == {"type": "Point", "coordinates": [113.05, 34.45]}
    assert feature["properties"]["key_unit"] is True
    assert feature["properties"]["risk"] == "medium"
    assert feature["properties"]["color"] == "#e67700"
    key_units = client.get(reverse("registry:place_geojson"), {"key_unit": "1"}).json()
    assert [f["id"] for f in key_units["features"]] == [hotel.pk]
    small = client.get(reverse("registry:place_geojson"), {"type": "九小场所"}).json()
    assert [f["id"] for f in small["features"]] == [shop.pk]


def test_geojson_is_capped_with_a_message(client, small_jurisdiction, make_user, monkeypatch):
    monkeypatch.setattr(place_views, "GEOJSON_MAX_PLACES", 2)
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    for n in range(3):
        _place(f"店{n}", 113.01 + n * 0.01, 34.41, place_type="small_shop")
    collection = client.get(reverse("registry:place_geojson"), headers=EN).json()
    assert len(collection["features"]) == 2
    assert collection["total"] == 3
    assert collection["capped"] is True
    assert collection["message"].startswith("3 places match; the map shows the first 2.")


def test_geojson_with_a_grid_outside_the_scope_is_a_404(client, small_jurisdiction, make_user):
    _login(client, make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    response = client.get(
        reverse("registry:place_geojson"), {"grid": small_jurisdiction[OTHER_GRID].pk}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "grid_not_found"


# ------------------------------------------------------------------------------ list


def test_list_searches_name_address_and_licence(client, small_jurisdiction, make_user):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    _place("好梦宾馆", licence_number="91410185MA0001")
    _place("老王超市", 113.06, 34.46, place_type="small_shop", address="建设路9号")
    url = reverse("registry:place_list")

    def names(q: str) -> list[str]:
        return [p.name for p in client.get(url, {"q": q}).context["places"]]

    assert names("超市") == ["老王超市"]
    assert names("建设路") == ["老王超市"]
    assert names("91410185MA0001") == ["好梦宾馆"]
    empty = client.get(url, {"q": "没有这个"}, headers=EN).content.decode()
    assert "No place matches these filters." in empty


def test_list_pages_thirty_places_in_a_bounded_number_of_queries(
    client, small_jurisdiction, make_user, django_assert_max_num_queries
):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    for n in range(32):
        _place(f"店{n:02d}", 113.001 + n * 0.003, 34.41, place_type="small_shop")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("registry:place_list"))
    assert response.status_code == 200
    assert len(response.context["places"]) == 25
    assert response.context["page"].paginator.count == 32


def test_list_links_the_map_with_the_same_filters(client, small_jurisdiction, make_user):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    html = client.get(reverse("registry:place_list"), {"risk": "high"}).content.decode()
    assert 'href="/registry/?risk=high"' in html
    assert 'href="/registry/ledger/export/places/?risk=high"' in html


# ------------------------------------------------------------------------------ detail


def test_detail_shows_rules_unverified_thresholds_and_the_grid_move_in_history(
    client, small_jurisdiction, make_user
):
    office = _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    ClassificationRule.objects.filter(code="key_hotel_50_rooms").update(verified=False)
    place = _place(rooms=50)
    place_update(actor=office, place=place, changes={}, point=(113.15, 34.45, "wgs84"))
    response = client.get(reverse("registry:place_detail", args=[place.pk]), headers=EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert [rule["code"] for rule in response.context["fired"]] == ["key_hotel_50_rooms"]
    assert response.context["fired"][0]["name"] == "Hotel with ≥ 50 rooms"
    assert "unverified threshold" in html
    moves = [c for row in response.context["history"] for c in row["changes"] if c["is_grid"]]
    assert [(m["old"], m["new"]) for m in moves] == [
        ("", f"网格1-1-1 ({GRID_A})"),
        (f"网格1-1-1 ({GRID_A})", f"网格1-1-2 ({GRID_B})"),
    ]
    assert response.context["history"][1]["actor"] == office.get_username()
    assert 'id="edit-link"' in html


def test_detail_in_chinese_names_the_rule_in_chinese(client, small_jurisdiction, make_user):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    place = _place(rooms=50)
    response = client.get(reverse("registry:place_detail", args=[place.pk]), headers=ZH)
    assert '<html lang="zh-hans">' in response.content.decode()
    assert response.context["fired"][0]["name"] == "宾馆(饭店)客房数≥50间为重点单位"


def test_place_outside_the_scope_is_a_404_on_every_page(client, small_jurisdiction, make_user):
    _login(client, make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    other = _place("邻网格宾馆", 113.15, 34.45)
    for name in ("place_detail", "place_edit", "place_placard"):
        assert client.get(reverse(f"registry:{name}", args=[other.pk])).status_code == 404
    response = client.post(reverse("registry:place_edit", args=[other.pk]), _form_data())
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "邻网格宾馆"


def test_volunteer_sees_no_edit_link_and_a_post_changes_nothing(
    client, small_jurisdiction, make_user
):
    _login(client, make_user("volunteer", small_jurisdiction[GRID_A]))
    place = _place()
    html = client.get(reverse("registry:place_detail", args=[place.pk])).content.decode()
    assert 'id="edit-link"' not in html
    assert reverse("registry:place_create") not in html
    assert client.get(reverse("registry:place_edit", args=[place.pk])).status_code == 403
    response = client.post(
        reverse("registry:place_edit", args=[place.pk]), _form_data(name="改名", lon="113.05")
    )
    assert response.status_code == 403
    classify = client.post(
        reverse("registry:place_classify", args=[place.pk]),
        {"risk_level": "high", "reason": "x"},
    )
    assert classify.status_code == 403
    created = client.post(reverse("registry:place_create"), _form_data(lon="113.05"))
    assert created.status_code == 403
    place.refresh_from_db()
    assert (place.name, place.risk_level) == ("好梦宾馆", "medium")
    assert Place.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="place.").count() == 1  # the create


def test_manual_classification_from_the_detail_page(client, small_jurisdiction, make_user):
    office = _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    place = _place()
    url = reverse("registry:place_classify", args=[place.pk])
    refused = client.post(url, {"risk_level": "high", "reason": ""}, headers=EN)
    assert refused.status_code == 422
    assert "A manual classification needs a reason." in refused.content.decode()
    place.refresh_from_db()
    assert place.risk_level == "medium"
    response = client.post(url, {"risk_level": "high", "reason": "存放大量可燃物"})
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.risk_level, place.override_reason) == ("high", "存放大量可燃物")
    event = AuditEvent.objects.get(action="place.set_classification")
    assert event.actor == office


def test_open_duplicate_can_be_dismissed_from_the_detail_page(
    client, small_jurisdiction, make_user
):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    first = _place(licence_number="91410185MA0001")
    second = _place("好梦宾馆二店", 113.06, 34.46, licence_number="91410185MA0001")
    flag = DuplicateCandidate.objects.get()
    detail = client.get(reverse("registry:place_detail", args=[first.pk]))
    assert [row["other"].pk for row in detail.context["duplicates"]] == [second.pk]
    response = client.post(
        reverse("registry:place_duplicate", args=[first.pk]),
        {"candidate": flag.pk, "action": "dismiss"},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == DuplicateCandidate.Status.DISMISSED


# ------------------------------------------------------------------------------ create / edit


def test_create_through_the_form_routes_the_place_to_the_grid_of_its_point(
    client, small_jurisdiction, make_user
):
    user = _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    response = client.post(reverse("registry:place_create"), _form_data())
    place = Place.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:place_detail", args=[place.pk])
    assert (place.name, place.place_type.code, place.grid.code) == (
        "幸福出租屋",
        "rental_house",
        GRID_B,
    )
    assert place.grid_manual is False
    assert AuditEvent.objects.get(action="place.create").actor == user


def test_create_with_a_gcj02_point_is_converted_to_wgs84(client, small_jurisdiction, make_user):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    from firegrid.core.coords import convert_point

    gcj_lon, gcj_lat = convert_point(113.05, 34.45, "wgs84", "gcj02")
    client.post(
        reverse("registry:place_create"),
        _form_data(lon=str(gcj_lon), lat=str(gcj_lat), crs="gcj02"),
    )
    place = Place.objects.get()
    assert place.grid.code == GRID_A
    assert place.lon == pytest.approx(113.05, abs=1e-5)
    assert place.lat == pytest.approx(34.45, abs=1e-5)


def test_service_error_is_shown_on_the_form_and_nothing_typed_is_lost(
    client, small_jurisdiction, make_user
):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    response = client.post(
        reverse("registry:place_create"),
        _form_data(lon="113.9", responsible_phone="138 0013 8000", occupants="12"),
        headers=EN,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "The point is outside every grid of the jurisdiction." in html
    assert 'value="幸福出租屋"' in html
    assert 'value="138 0013 8000"' in html
    assert 'value="113.9"' in html
    assert Place.objects.count() == 0
    bad_phone = client.post(
        reverse("registry:place_create"), _form_data(responsible_phone="12345"), headers=EN
    )
    assert bad_phone.status_code == 422
    assert bad_phone.context["form"].errors["responsible_phone"]
    assert Place.objects.count() == 0


def test_manual_grid_needs_a_reason_and_is_flagged(client, small_jurisdiction, make_user):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    grid_a = small_jurisdiction[GRID_A]
    refused = client.post(reverse("registry:place_create"), _form_data(grid=grid_a.pk), headers=EN)
    assert refused.status_code == 422
    assert refused.context["form"].errors["grid"] == ["Setting the grid by hand needs a reason."]
    client.post(
        reverse("registry:place_create"), _form_data(grid=grid_a.pk, grid_reason="门牌属于一网格")
    )
    place = Place.objects.get()
    assert (place.grid.code, place.grid_manual, place.grid_manual_reason) == (
        GRID_A,
        True,
        "门牌属于一网格",
    )


def test_edit_moves_the_point_into_another_grid(client, small_jurisdiction, make_user):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    place = _place()
    page = client.get(reverse("registry:place_edit", args=[place.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial["place_type"] == "hotel"
    data = _form_data(name="好梦宾馆", place_type="hotel", address="中州路1号", status="active")
    response = client.post(reverse("registry:place_edit", args=[place.pk]), data)
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.grid.code == GRID_B
    event = AuditEvent.objects.get(action="place.update")
    assert event.data["changes"]["grid"] == [GRID_A, GRID_B]


def test_edit_form_with_a_grid_refused_by_the_service_writes_nothing_and_keeps_the_input(
    client, small_jurisdiction, make_user
):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    place = _place()
    data = _form_data(
        name="好梦快捷酒店",
        place_type="hotel",
        address="中州路1号",
        lon="113.06",
        lat="34.46",
        status="active",
        grid=small_jurisdiction[GRID_B].pk,
        grid_reason="",
    )
    response = client.post(reverse("registry:place_edit", args=[place.pk]), data, headers=EN)
    assert response.status_code == 422
    assert response.context["form"].errors["grid"] == ["Setting the grid by hand needs a reason."]
    assert 'value="好梦快捷酒店"' in response.content.decode()
    place.refresh_from_db()
    assert (place.name, place.lon, place.grid.code, place.grid_manual) == (
        "好梦宾馆",
        113.05,
        GRID_A,
        False,
    )
    assert not AuditEvent.objects.filter(action__in=["place.update", "place.set_grid"]).exists()
    data["grid_reason"] = "门牌属于二网格"
    saved = client.post(reverse("registry:place_edit", args=[place.pk]), data)
    assert saved.status_code == 302
    place.refresh_from_db()
    assert (place.name, place.grid.code, place.grid_manual) == ("好梦快捷酒店", GRID_B, True)
    assert list(
        AuditEvent.objects.filter(object_id=str(place.pk))
        .filter(action__in=["place.update", "place.set_grid"])
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["place.update", "place.set_grid"]


def test_grid_worker_sees_the_create_form_with_only_their_grid(
    client, small_jurisdiction, make_user
):
    _login(client, make_user("parttime_worker", small_jurisdiction[GRID_A]))
    response = client.get(reverse("registry:place_create"), headers=EN)
    assert response.status_code == 200
    assert response.context["form"].fields["grid"].choices[1:] == [
        (small_jurisdiction[GRID_A].pk, f"网格1-1-1 ({GRID_A})")
    ]
    assert 'id="use-location"' in response.content.decode()


# ------------------------------------------------------------------------------ placard


def test_placard_has_an_svg_qr_code_for_the_citizen_report_page(
    client, small_jurisdiction, make_user, settings
):
    settings.FIREGRID_PUBLIC_REPORT_URL = "/report/"
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    place = _place(rooms=60, responsible_name="张三", manager_name="李四")
    response = client.get(reverse("registry:place_placard", args=[place.pk]), headers=ZH)
    assert response.status_code == 200
    url = response.context["report_url"]
    assert url == f"http://testserver/report/?place={place.pk}"
    assert url.endswith(f"?place={place.pk}")
    html = response.content.decode()
    expected = segno.make(url, error="m").svg_inline(scale=5, border=2, title=url)
    assert expected.startswith("<svg")
    assert expected in html
    assert "张三" in html and "李四" in html
    assert "placard-risk risk-medium" in html


def test_placard_uses_an_absolute_report_url_as_configured(
    client, small_jurisdiction, make_user, settings
):
    settings.FIREGRID_PUBLIC_REPORT_URL = "https://119.example.cn/r?src=qr"
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    place = _place()
    response = client.get(reverse("registry:place_placard", args=[place.pk]))
    assert response.context["report_url"] == f"https://119.example.cn/r?src=qr&place={place.pk}"


def test_placard_lists_the_grid_workers_with_phones_masked_for_a_worker(
    client, small_jurisdiction, make_user
):
    grid = small_jurisdiction[GRID_A]
    viewer = _login(client, make_user("parttime_worker", grid))
    Person.objects.filter(user=viewer).update(phone="13911112222")
    worker = Person.objects.create(name="王网格", phone="13800001111", home_grid=grid)
    Assignment.objects.create(
        person=worker,
        grid=grid,
        role=Role.objects.get(code="fulltime_worker"),
        start_on=datetime.date(2024, 1, 1),
    )
    place = _place()
    response = client.get(reverse("registry:place_placard", args=[place.pk]))
    rows = {row["assignment"].person.name: row["phone"] for row in response.context["workers"]}
    assert rows == {"王网格": "138****1111", viewer.get_username(): "139****2222"}


def test_placard_shows_full_phones_to_an_office_and_configured_reminders(
    client, small_jurisdiction, make_user, settings
):
    settings.FIREGRID_PLACARD_REMINDERS = ["严禁堵塞消防通道"]
    grid = small_jurisdiction[GRID_A]
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    worker = Person.objects.create(name="王网格", phone="13800001111", home_grid=grid)
    Assignment.objects.create(
        person=worker,
        grid=grid,
        role=Role.objects.get(code="fulltime_worker"),
        start_on=datetime.date(2024, 1, 1),
    )
    response = client.get(reverse("registry:place_placard", args=[_place().pk]))
    assert [row["phone"] for row in response.context["workers"]] == ["13800001111"]
    assert response.context["reminders"] == ["严禁堵塞消防通道"]


def test_geojson_of_thirty_places_in_a_bounded_number_of_queries(
    client, small_jurisdiction, make_user, django_assert_max_num_queries
):
    _login(client, make_user("community_office", small_jurisdiction[COMMUNITY]))
    for n in range(31):
        _place(f"店{n:02d}", 113.001 + n * 0.003, 34.41, place_type="small_shop")
    with django_assert_max_num_queries(8):
        collection = client.get(reverse("registry:place_geojson")).json()
    assert len(collection["features"]) == 31
    assert {f["properties"]["grid_name"] for f in collection["features"]} == {"网格1-1-1"}
