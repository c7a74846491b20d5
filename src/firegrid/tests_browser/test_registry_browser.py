"""Acceptance (issue 3): a grid worker on a phone adds a rental house (出租屋) with "use my
location" and sees it on the place map."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from firegrid.core.coords import convert_point
from firegrid.registry.models import Place, RiskLevel
from firegrid.testing import user_with_role

REPO_ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO_ROOT / "test-artifacts"
GRID_A = "410185001001001"  # 113.0–113.1 E × 34.4–34.5 N in the small jurisdiction
PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_grid_worker_on_a_phone_adds_a_rental_with_my_location_and_sees_it_on_the_map(
    live_server, browser, small_jurisdiction
):
    grid = small_jurisdiction[GRID_A]
    user_with_role("fulltime_worker", grid, username="wanggeyuan")

    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": 34.4532, "longitude": 113.0471, "accuracy": 12},
        permissions=["geolocation"],
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(f"{live_server.url}/login/?next=/registry/")
    page.fill("#id_username", "wanggeyuan")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/registry/")
    page.wait_for_selector('#place-map[data-state="ready"][data-place-count="0"]', timeout=15000)

    # From the map to the form, as a worker in the field would go.
    page.tap('a[href="/registry/places/new/"]')
    page.wait_for_url(f"{live_server.url}/registry/places/new/")
    page.wait_for_selector('#picker-map[data-state="ready"]', timeout=15000)
    page.fill("#id_name", "幸福出租屋")
    page.select_option("#id_place_type", "rental_house")
    page.fill("#id_address", "幸福路8号")
    page.tap("#use-location")
    page.wait_for_selector('#picker-map[data-located="1"]', timeout=15000)
    assert page.input_value("#id_crs") == "wgs84"  # the browser's position is WGS-84
    assert float(page.input_value("#id_lon")) == pytest.approx(113.0471)
    assert float(page.input_value("#id_lat")) == pytest.approx(34.4532)
    assert page.locator("#picker-map .place-marker").count() == 1
    page.tap("button.save-button")
    page.wait_for_url(re.compile(r"/registry/places/\d+/$"))

    place = Place.objects.get(name="幸福出租屋")
    assert place.place_type.code == "rental_house"
    assert place.grid_id == grid.pk
    assert place.grid_manual is False
    assert (place.lon, place.lat) == (pytest.approx(113.0471), pytest.approx(34.4532))
    assert grid.code in page.locator("#place-grid").inner_text()

    # "Show on the map": the marker (or its cluster) is there and its popup opens.
    page.tap(f'a[href="/registry/?focus={place.pk}"]')
    page.wait_for_selector(
        f'#place-map[data-state="ready"][data-focused="{place.pk}"]', timeout=15000
    )
    assert page.get_attribute("#place-map", "data-place-count") == "1"
    assert page.locator("#place-map .place-marker, #place-map .marker-cluster").count() >= 1
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "幸福出租屋" in popup.inner_text()
    with translation.override("zh-hans"):
        low_risk = str(RiskLevel.LOW.label)
    assert popup.locator("dd").all_inner_texts()[:3] == ["出租屋", low_risk, grid.name]
    href = popup.locator("a.popup-detail").get_attribute("href")
    assert href == f"/registry/places/{place.pk}/"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "registry_mobile.png"))
    page.goto(f"{live_server.url}/registry/places/new/")
    page.wait_for_selector('#picker-map[data-state="ready"]', timeout=15000)
    page.screenshot(path=str(ARTIFACTS / "registry_mobile_form.png"), full_page=True)
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_point_tapped_on_a_gcj02_map_is_sent_as_gcj02_and_stored_in_wgs84(
    live_server, browser, small_jurisdiction, settings
):
    settings.FIREGRID_TILE_CRS = "gcj02"  # as with AMap tiles (none are loaded in the test)
    grid = small_jurisdiction[GRID_A]
    user_with_role("parttime_worker", grid, username="jianzhi")
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{live_server.url}/login/?next=/registry/places/new/")
    page.fill("#id_username", "jianzhi")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_selector('#picker-map[data-state="ready"]', timeout=15000)
    page.wait_for_timeout(300)  # the fit to the grid has settled
    box = page.locator("#picker-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.input_value("#id_crs") == "gcj02"
    lon, lat = float(page.input_value("#id_lon")), float(page.input_value("#id_lat"))
    page.fill("#id_name", "点选的群租房")
    page.select_option("#id_place_type", "shared_rental")
    page.click("button.save-button")
    page.wait_for_url(re.compile(r"/registry/places/\d+/$"))

    place = Place.objects.get(name="点选的群租房")
    wgs_lon, wgs_lat = convert_point(lon, lat, "gcj02", "wgs84")
    assert (place.lon, place.lat) == (
        pytest.approx(wgs_lon, abs=1e-6),
        pytest.approx(wgs_lat, abs=1e-6),
    )
    assert place.lon != pytest.approx(lon, abs=1e-4)  # converted, not stored as tapped
    assert place.grid_id == grid.pk
    assert problems == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_on_a_phone_adds_equipment_lines_to_a_fire_room(
    live_server, browser, small_jurisdiction
):
    from firegrid.registry.services import fire_resource_create, fire_resource_set_equipment

    grid = small_jurisdiction[GRID_A]
    user_with_role("fulltime_worker", grid, username="wanggeyuan")
    room = fire_resource_create(
        actor=None, values={"kind": "fire_room", "name": "一村消防室"}, lon=113.05, lat=34.45
    )
    fire_resource_set_equipment(
        actor=None, resource=room, items=[{"name": "灭火器", "quantity": 10}]
    )
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{live_server.url}/login/?next=/registry/fire-resources/{room.pk}/")
    page.fill("#id_username", "wanggeyuan")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("form.stacked-form button[type=submit]")
    page.tap("#edit-equipment")
    page.wait_for_url(f"{live_server.url}/registry/fire-resources/{room.pk}/equipment/")
    assert page.input_value("#id_items-0-name") == "灭火器"
    # One line and two blank ones; "Add a line" (JavaScript) makes a fourth.
    page.tap("[data-add-line]")
    assert page.input_value("input[name=items-TOTAL_FORMS]") == "4"
    page.fill("#id_items-0-quantity", "12")
    page.fill("#id_items-3-name", "消防水带")
    page.fill("#id_items-3-quantity", "4")
    page.tap("button.save-button")
    page.wait_for_url(f"{live_server.url}/registry/fire-resources/{room.pk}/")
    assert sorted((i.name, i.quantity) for i in room.equipment.all()) == [
        ("消防水带", 4),
        ("灭火器", 12),
    ]
    assert "消防水带" in page.inner_text("#equipment")
    assert problems == []
    context.close()
