"""Pages of buildings, residents (masked, revealed with an audit record) and fire resources."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from firegrid.core.models import AuditEvent
from firegrid.registry.models import Building, Household, Resident
from firegrid.registry.services import (
    building_create,
    fire_resource_create,
    fire_resource_set_equipment,
    fire_resource_set_members,
    household_create,
    resident_create,
)

pytestmark = pytest.mark.django_db

GRID_A, GRID_B = "410185001001001", "410185001001002"
COMMUNITY = "410185001001"
EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}
ID_NUMBER = "410185195001061234"  # valid GB 11643 check digit
MASKED_ID = "4101**********1234"
PHONE = "13937105678"


def _id_number(serial: int) -> str:
    """A valid 18-digit ID number (GB 11643 check digit) differing by its serial."""
    body = f"41018519500106{serial:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _household(grid_lon: float = 113.05, name: str = "3号楼") -> Household:
    building = building_create(
        actor=None, values={"name": name, "floors": 6}, lon=grid_lon, lat=34.45
    )
    return household_create(actor=None, values={"unit": "1", "room": "301"}, building=building)


def _resident(household: Household, name: str = "赵桂兰", **values: Any) -> Resident:
    values = {"name": name, "id_number": ID_NUMBER, "phone": PHONE, **values}
    return resident_create(actor=None, household=household, values=values)


# ------------------------------------------------------------------------------ residents


@pytest.mark.parametrize(("headers", "lang"), [(ZH, "zh-hans"), (EN, "en")])
def test_resident_list_shows_only_masked_id_numbers_and_phones(
    client, small_jurisdiction, make_user, headers, lang
):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY]))
    _resident(_household(), lives_alone_elderly=True)
    response = client.get(reverse("registry:resident_list"), headers=headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert "赵桂兰" in html
    assert MASKED_ID in html
    assert "139****5678" in html
    assert ID_NUMBER not in html
    assert PHONE not in html
    assert html.count('name="field" value="id_number"') == 1  # the office may reveal


def test_parttime_worker_gets_no_reveal_button_and_a_reveal_post_is_refused(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("parttime_worker", small_jurisdiction[GRID_A]))
    resident = _resident(_household())
    html = client.get(reverse("registry:resident_list")).content.decode()
    assert MASKED_ID in html
    assert ID_NUMBER not in html
    assert "reveal-form" not in html
    response = client.post(
        reverse("registry:resident_reveal", args=[resident.pk]),
        {"field": "id_number"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    assert ID_NUMBER not in response.content.decode()
    assert not AuditEvent.objects.filter(action="resident.reveal").exists()


def test_reveal_by_an_office_returns_the_number_and_writes_one_audit_event(
    client, small_jurisdiction, make_user
):
    office = make_user("community_office", small_jurisdiction[COMMUNITY])
    client.force_login(office)
    resident = _resident(_household())
    response = client.post(
        reverse("registry:resident_reveal", args=[resident.pk]),
        {"field": "id_number"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert ID_NUMBER in html
    assert "<html" not in html  # the htmx fragment only
    [event] = AuditEvent.objects.filter(action="resident.reveal")
    assert event.actor == office
    assert event.object_id == str(resident.pk)
    assert event.data["field"] == "id_number"
    assert event.data["resident"] == "赵桂兰"
    phone = client.post(reverse("registry:resident_reveal", args=[resident.pk]), {"field": "phone"})
    assert PHONE in phone.content.decode()
    assert "<html" in phone.content.decode()  # without htmx: a whole page
    assert AuditEvent.objects.filter(action="resident.reveal").count() == 2


def test_reveal_of_a_resident_outside_the_scope_is_a_404(client, small_jurisdiction, make_user):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    resident = _resident(_household(113.15))
    response = client.post(
        reverse("registry:resident_reveal", args=[resident.pk]), {"field": "id_number"}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="resident.reveal").exists()


def test_vulnerable_filter_lists_only_flagged_residents(client, small_jurisdiction, make_user):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY]))
    household = _household()
    _resident(household, "独居的", lives_alone_elderly=True)
    _resident(household, "普通的", id_number=_id_number(7))
    response = client.get(reverse("registry:resident_list"), {"flag": "lives_alone_elderly"})
    assert [row["resident"].name for row in response.context["rows"]] == ["独居的"]


def test_resident_list_of_thirty_in_a_bounded_number_of_queries(
    client, small_jurisdiction, make_user, django_assert_max_num_queries
):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY]))
    household = _household()
    for n in range(32):
        _resident(household, f"居民{n:02d}", id_number=_id_number(n))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:resident_list"))
    assert len(response.context["rows"]) == 25
    html = response.content.decode()
    assert all(_id_number(n) not in html for n in range(32))


# ------------------------------------------------------------------------------ buildings


@pytest.mark.parametrize(("headers", "lang"), [(ZH, "zh-hans"), (EN, "en")])
def test_building_list_and_detail_render_with_households(
    client, small_jurisdiction, make_user, headers, lang
):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    household = _household()
    listing = client.get(reverse("registry:building_list"), headers=headers)
    assert f'<html lang="{lang}">' in listing.content.decode()
    assert [b.name for b in listing.context["buildings"]] == ["3号楼"]
    detail = client.get(
        reverse("registry:building_detail", args=[household.building_id]), headers=headers
    )
    assert detail.status_code == 200
    assert [h.room for h in detail.context["households"]] == ["301"]


def test_building_outside_the_scope_is_a_404(client, small_jurisdiction, make_user):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    other = _household(113.15)
    assert (
        client.get(reverse("registry:building_detail", args=[other.building_id])).status_code == 404
    )


def test_building_list_of_thirty_in_a_bounded_number_of_queries(
    client, small_jurisdiction, make_user, django_assert_max_num_queries
):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY]))
    for n in range(31):
        building_create(
            actor=None, values={"name": f"{n:02d}号楼"}, lon=113.01 + n * 0.002, lat=34.45
        )
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:building_list"), {"q": "号楼"})
    assert len(response.context["buildings"]) == 25
    assert Building.objects.count() == 31


# ------------------------------------------------------------------------------ fire resources


@pytest.mark.parametrize(("headers", "lang"), [(ZH, "zh-hans"), (EN, "en")])
def test_fire_resource_list_and_detail_show_equipment_and_members(
    client, small_jurisdiction, make_user, headers, lang
):
    client.force_login(make_user("parttime_worker", small_jurisdiction[GRID_A]))
    room = fire_resource_create(
        actor=None,
        values={"kind": "fire_room", "name": "一村消防室", "last_checked_on": "2026-11-01"},
        lon=113.05,
        lat=34.45,
    )
    fire_resource_set_equipment(
        actor=None, resource=room, items=[{"name": "灭火器", "quantity": 10}]
    )
    team = fire_resource_create(
        actor=None,
        values={"kind": "volunteer_team", "name": "一村义务消防队"},
        lon=113.06,
        lat=34.45,
    )
    fire_resource_set_members(
        actor=None, resource=team, members=[{"name": "李队员", "phone": "13700001234"}]
    )
    listing = client.get(
        reverse("registry:fire_resource_list"), {"kind": "fire_room"}, headers=headers
    )
    assert f'<html lang="{lang}">' in listing.content.decode()
    assert [r.name for r in listing.context["resources"]] == ["一村消防室"]
    detail = client.get(reverse("registry:fire_resource_detail", args=[room.pk]), headers=headers)
    html = detail.content.decode()
    assert "灭火器" in html and "2026-11-01" in html
    team_page = client.get(reverse("registry:fire_resource_detail", args=[team.pk]))
    # A part-time worker does not see phones in full.
    assert team_page.context["members"][0][1] == "137****1234"
    assert "13700001234" not in team_page.content.decode()


def test_fire_resource_list_of_thirty_in_a_bounded_number_of_queries(
    client, small_jurisdiction, make_user, django_assert_max_num_queries
):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY]))
    for n in range(31):
        fire_resource_create(
            actor=None,
            values={"kind": "hydrant", "name": f"消火栓{n:02d}"},
            lon=113.01 + n * 0.002,
            lat=34.42,
        )
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:fire_resource_list"))
    assert len(response.context["resources"]) == 25
    assert response.context["page"].paginator.count == 31


def test_registry_sub_navigation_and_main_navigation_link(client, small_jurisdiction, make_user):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    html = client.get(reverse("registry:building_list"), headers=EN).content.decode()
    for name in ("map", "place_list", "building_list", "resident_list", "fire_resource_list"):
        assert f'href="{reverse(f"registry:{name}")}"' in html
    assert '<a href="/registry/" aria-current="page">Registry</a>' in html


# ------------------------------------------------------------------------------ create / edit forms


def test_building_household_and_resident_are_added_through_the_forms(
    client, small_jurisdiction, make_user
):
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    client.force_login(worker)
    response = client.post(
        reverse("registry:building_create"),
        {
            "lon": "113.05",
            "lat": "34.45",
            "crs": "wgs84",
            "name": "5号楼",
            "category": "old",
            "structure": "masonry",
            "floors": "6",
        },
    )
    building = Building.objects.get()
    assert response.status_code == 302
    assert (building.grid.code, building.category, building.floors) == (GRID_A, "old", 6)
    client.post(
        reverse("registry:household_create", args=[building.pk]),
        {"unit": "2", "room": "502", "size": "3", "is_rental": "on", "landlord_name": "钱房东"},
    )
    household = Household.objects.get()
    assert (household.room, household.is_rental, household.grid_id) == (
        "502",
        True,
        building.grid_id,
    )
    response = client.post(
        reverse("registry:resident_create", args=[household.pk]),
        {"name": "孙大爷", "id_number": ID_NUMBER, "phone": PHONE, "lives_alone_elderly": "on"},
    )
    assert response.status_code == 302
    resident = Resident.objects.get()
    assert (resident.name, resident.id_number_masked, resident.lives_alone_elderly) == (
        "孙大爷",
        MASKED_ID,
        True,
    )
    listing = client.get(response["Location"]).content.decode()
    assert MASKED_ID in listing and ID_NUMBER not in listing


def test_a_bad_id_number_is_shown_on_the_form_and_nothing_is_saved(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    household = _household()
    response = client.post(
        reverse("registry:resident_create", args=[household.pk]),
        {"name": "孙大爷", "id_number": "410185195001061235"},
        headers=EN,
    )
    assert response.status_code == 422
    assert response.context["form"].errors["id_number"] == [
        "4101**********1235 is not a valid ID number."
    ]
    assert 'value="孙大爷"' in response.content.decode()
    assert not Resident.objects.exists()


def test_volunteer_may_not_add_or_edit_records(client, small_jurisdiction, make_user):
    client.force_login(make_user("volunteer", small_jurisdiction[GRID_A]))
    household = _household()
    building = Building.objects.get(households=household)
    assert client.get(reverse("registry:building_create")).status_code == 403
    edit = client.post(
        reverse("registry:building_edit", args=[building.pk]),
        {
            "lon": "",
            "lat": "",
            "crs": "wgs84",
            "name": "改名",
            "category": "old",
            "structure": "rc",
        },
    )
    assert edit.status_code == 403
    assert (
        client.post(
            reverse("registry:resident_create", args=[household.pk]), {"name": "某人"}
        ).status_code
        == 403
    )
    assert client.get(reverse("registry:fire_resource_create")).status_code == 403
    building.refresh_from_db()
    assert building.name == "3号楼"
    assert not Resident.objects.exists()
    html = client.get(reverse("registry:building_detail", args=[building.pk])).content.decode()
    assert 'id="edit-link"' not in html


def test_fire_resource_is_added_and_its_status_edited_through_the_forms(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY]))
    form = {
        "lon": "113.15",
        "lat": "34.45",
        "crs": "wgs84",
        "kind": "hydrant",
        "name": "幸福路消火栓",
        "status": "usable",
        "last_checked_on": "2026-11-20",
        "keeper_phone": "12345",
    }
    refused = client.post(reverse("registry:fire_resource_create"), form, headers=EN)
    assert refused.status_code == 422
    assert refused.context["form"].errors["keeper_phone"]
    form["keeper_phone"] = "13700001234"
    created = client.post(reverse("registry:fire_resource_create"), form)
    assert created.status_code == 302
    from firegrid.registry.models import FireResource

    resource = FireResource.objects.get()
    assert (resource.grid.code, str(resource.last_checked_on)) == (GRID_B, "2026-11-20")
    page = client.get(reverse("registry:fire_resource_edit", args=[resource.pk]))
    assert page.status_code == 200
    edited = client.post(
        reverse("registry:fire_resource_edit", args=[resource.pk]),
        {**form, "status": "broken"},
    )
    assert edited.status_code == 302
    resource.refresh_from_db()
    assert (resource.status, resource.grid.code) == ("broken", GRID_B)


# ------------------------------------------------------------------- household / resident edit


def _audit(action: str) -> list[dict[str, Any]]:
    return [e.data["changes"] for e in AuditEvent.objects.filter(action=action).order_by("id")]


def test_household_edit_form_is_filled_and_saves_through_the_service(
    client, small_jurisdiction, make_user
):
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    client.force_login(worker)
    household = _household()
    household.is_rental = True
    household.landlord_name = "钱房东"
    household.save()
    url = reverse("registry:household_edit", args=[household.pk])
    page = client.get(url, headers=EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="room" value="301"' in html
    assert 'name="landlord_name" value="钱房东"' in html
    assert 'name="address"' not in html  # a household in a building has the building's address
    response = client.post(url, {"unit": "1", "room": "302", "size": "4", "landlord_name": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:building_detail", args=[household.building_id])
    household.refresh_from_db()
    assert (household.room, household.size, household.is_rental, household.landlord_name) == (
        "302",
        4,
        False,
        "",
    )
    assert _audit("household.update") == [
        {
            "room": ["301", "302"],
            "size": [1, 4],
            "is_rental": [True, False],
            "landlord_name": ["钱房东", ""],
        }
    ]


def test_household_edit_shows_the_service_error_and_keeps_what_was_typed(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    household = _household()
    response = client.post(
        reverse("registry:household_edit", args=[household.pk]),
        {"unit": "1", "room": "301", "size": "3", "landlord_phone": "12345", "note": "新备注"},
        headers=EN,
    )
    assert response.status_code == 422
    assert response.context["form"].errors["landlord_phone"]
    html = response.content.decode()
    assert 'value="12345"' in html and 'value="新备注"' in html
    household.refresh_from_db()
    assert (household.size, household.note) == (1, "")
    assert _audit("household.update") == []


def test_household_without_a_building_keeps_its_address_on_the_edit_form(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    household = household_create(
        actor=None, values={"address": "幸福路8号院"}, grid=small_jurisdiction[GRID_A]
    )
    url = reverse("registry:household_edit", args=[household.pk])
    assert 'name="address" value="幸福路8号院"' in client.get(url).content.decode()
    refused = client.post(url, {"address": "", "size": "2"}, headers=EN)
    assert refused.status_code == 422
    assert refused.context["form"].errors["address"] == [
        "A household without a building needs an address."
    ]
    household.refresh_from_db()
    assert (household.address, household.size) == ("幸福路8号院", 1)
    saved = client.post(url, {"address": "幸福路8号院东屋", "size": "2"})
    assert saved["Location"] == f"{reverse('registry:resident_list')}?household={household.pk}"
    household.refresh_from_db()
    assert (household.address, household.size) == ("幸福路8号院东屋", 2)


def test_resident_edit_never_shows_the_clear_id_number_or_phone(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY]))
    resident = _resident(_household(), lives_alone_elderly=True)
    response = client.get(reverse("registry:resident_edit", args=[resident.pk]), headers=EN)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert ID_NUMBER not in html and PHONE not in html
    assert f"Stored: {MASKED_ID}. Leave empty to keep it; type a new one to replace it." in html
    assert (
        '<input type="text" name="id_number" autocomplete="off" maxlength="30" '
        f'placeholder="{MASKED_ID}" aria-describedby="id_id_number_helptext" id="id_id_number">'
    ) in html
    assert 'name="name" value="赵桂兰"' in html
    assert 'name="lives_alone_elderly" id="id_lives_alone_elderly" checked' in html


def test_resident_edit_with_empty_pii_inputs_keeps_them_and_a_new_phone_replaces_it(
    client, small_jurisdiction, make_user
):
    from firegrid.core import pii

    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    resident = _resident(_household(), lives_alone_elderly=True)
    url = reverse("registry:resident_edit", args=[resident.pk])
    kept = client.post(
        url,
        {"name": "赵桂兰", "birth_year": "1950", "id_number": "", "phone": "", "disabled": "on"},
    )
    assert kept.status_code == 302
    assert (
        kept["Location"] == f"{reverse('registry:resident_list')}?household={resident.household_id}"
    )
    resident.refresh_from_db()
    assert (resident.lives_alone_elderly, resident.disabled) == (False, True)
    assert pii.decrypt(resident.id_number_encrypted) == ID_NUMBER
    assert pii.decrypt(resident.phone_encrypted) == PHONE
    client.post(
        url, {"name": "赵桂兰", "birth_year": "1950", "phone": "139 3710 0000", "disabled": "on"}
    )
    resident.refresh_from_db()
    assert pii.decrypt(resident.phone_encrypted) == "13937100000"
    assert resident.phone_masked == "139****0000"
    assert pii.decrypt(resident.id_number_encrypted) == ID_NUMBER
    changes = _audit("resident.update")
    assert changes == [
        {"lives_alone_elderly": [True, False], "disabled": [False, True]},
        {"phone": ["139****5678", "139****0000"]},
    ]
    assert PHONE not in str(changes) and "13937100000" not in str(changes)


def test_resident_edit_with_a_duplicate_id_number_shows_the_error_and_changes_nothing(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    household = _household()
    _resident(household, "钱某")
    other = _resident(household, "孙某", id_number=_id_number(7), phone="")
    response = client.post(
        reverse("registry:resident_edit", args=[other.pk]),
        {"name": "孙某某", "id_number": ID_NUMBER, "note": "要留下的备注"},
        headers=EN,
    )
    assert response.status_code == 422
    assert response.context["form"].errors["id_number"] == [
        f"The ID number {MASKED_ID} is already registered for another resident."
    ]
    html = response.content.decode()
    assert 'value="孙某某"' in html and 'value="要留下的备注"' in html
    other.refresh_from_db()
    assert (other.name, other.note, other.id_number_masked) == (
        "孙某",
        "",
        "4101**********" + _id_number(7)[-4:],
    )
    assert _audit("resident.update") == []


def test_volunteer_gets_403_on_household_and_resident_edit_and_nothing_changes(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("volunteer", small_jurisdiction[GRID_A]))
    household = _household()
    resident = _resident(household)
    household_url = reverse("registry:household_edit", args=[household.pk])
    resident_url = reverse("registry:resident_edit", args=[resident.pk])
    assert client.get(household_url).status_code == 403
    assert client.post(household_url, {"room": "999", "size": "9"}).status_code == 403
    assert client.get(resident_url).status_code == 403
    assert client.post(resident_url, {"name": "改名", "phone": "13900000000"}).status_code == 403
    household.refresh_from_db()
    resident.refresh_from_db()
    assert (household.room, household.size) == ("301", 1)
    assert (resident.name, resident.phone_masked) == ("赵桂兰", "139****5678")
    assert not AuditEvent.objects.filter(
        action__in=["household.update", "resident.update"]
    ).exists()
    html = client.get(reverse("registry:resident_list")).content.decode()
    assert resident_url not in html


def test_household_and_resident_outside_the_scope_are_404(client, small_jurisdiction, make_user):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    household = _household(113.15)
    resident = _resident(household)
    assert client.get(reverse("registry:household_edit", args=[household.pk])).status_code == 404
    response = client.post(reverse("registry:resident_edit", args=[resident.pk]), {"name": "改名"})
    assert response.status_code == 404
    resident.refresh_from_db()
    assert resident.name == "赵桂兰"


def test_edit_links_on_the_building_and_resident_pages(client, small_jurisdiction, make_user):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    household = _household()
    resident = _resident(household)
    building_page = client.get(
        reverse("registry:building_detail", args=[household.building_id])
    ).content.decode()
    assert f'href="{reverse("registry:household_edit", args=[household.pk])}"' in building_page
    listing = client.get(reverse("registry:resident_list"), {"household": household.pk})
    html = listing.content.decode()
    assert f'href="{reverse("registry:resident_edit", args=[resident.pk])}"' in html
    assert f'href="{reverse("registry:household_edit", args=[household.pk])}"' in html


# ------------------------------------------------------------------- equipment and members


def _fire_room(lon: float = 113.05) -> Any:
    room = fire_resource_create(
        actor=None, values={"kind": "fire_room", "name": "一村消防室"}, lon=lon, lat=34.45
    )
    return fire_resource_set_equipment(
        actor=None, resource=room, items=[{"name": "灭火器", "quantity": 10}]
    )


def _team(phone: str = "13700001234") -> Any:
    team = fire_resource_create(
        actor=None,
        values={"kind": "volunteer_team", "name": "一村义务消防队"},
        lon=113.06,
        lat=34.45,
    )
    return fire_resource_set_members(
        actor=None, resource=team, members=[{"name": "李队员", "phone": phone}]
    )


def _lines(prefix: str, lines: list[dict[str, str]], initial: int) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(lines)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, line in enumerate(lines):
        data.update({f"{prefix}-{index}-{key}": value for key, value in line.items()})
    return data


def test_equipment_is_edited_line_by_line(client, small_jurisdiction, make_user):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    room = _fire_room()
    detail = client.get(reverse("registry:fire_resource_detail", args=[room.pk])).content.decode()
    url = reverse("registry:fire_resource_equipment", args=[room.pk])
    assert f'href="{url}"' in detail
    page = client.get(url, headers=EN)
    assert page.status_code == 200
    assert 'name="items-0-name" value="灭火器"' in page.content.decode()
    assert page.context["formset"].total_form_count() == 3  # the line and two blank ones
    response = client.post(
        url,
        _lines(
            "items",
            [
                {"name": "灭火器", "quantity": "12", "expires_on": "2027-06-30"},
                {"name": "消防水带", "quantity": "4", "note": "2 盘待换"},
                {"name": "", "quantity": ""},
            ],
            initial=1,
        ),
    )
    assert response.status_code == 302
    rows = sorted((i.name, i.quantity, str(i.expires_on), i.note) for i in room.equipment.all())
    assert rows == [("消防水带", 4, "None", "2 盘待换"), ("灭火器", 12, "2027-06-30", "")]
    [event] = AuditEvent.objects.filter(action="fire_resource.set_equipment", actor__isnull=False)
    assert [row["name"] for row in event.data["changes"]["equipment"][1]] == ["消防水带", "灭火器"]
    removed = client.post(
        url,
        _lines(
            "items",
            [
                {"name": "灭火器", "quantity": "12", "DELETE": "on"},
                {"name": "消防水带", "quantity": "4"},
            ],
            initial=2,
        ),
    )
    assert removed.status_code == 302
    assert [(i.name, i.quantity) for i in room.equipment.all()] == [("消防水带", 4)]


def test_a_bad_equipment_line_is_marked_and_nothing_changes(client, small_jurisdiction, make_user):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    room = _fire_room()
    response = client.post(
        reverse("registry:fire_resource_equipment", args=[room.pk]),
        _lines(
            "items",
            [{"name": "灭火器", "quantity": "12"}, {"name": "", "quantity": "3"}],
            initial=1,
        ),
        headers=EN,
    )
    assert response.status_code == 422
    formset = response.context["formset"]
    assert formset.forms[0].errors == {}
    assert formset.forms[1].errors == {"name": ["name must not be empty."]}
    assert 'value="12"' in response.content.decode()
    assert [(i.name, i.quantity) for i in room.equipment.all()] == [("灭火器", 10)]
    assert not AuditEvent.objects.filter(
        action="fire_resource.set_equipment", actor__isnull=False
    ).exists()


def test_members_masked_phone_sent_back_keeps_the_stored_number(
    client, small_jurisdiction, make_user
):
    # A full-time worker edits the registry but does not see phones in full.
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    team = _team()
    member = team.members.get()
    url = reverse("registry:fire_resource_members", args=[team.pk])
    page = client.get(url)
    html = page.content.decode()
    assert "13700001234" not in html
    assert 'name="members-0-phone" value="137****1234"' in html
    response = client.post(
        url,
        _lines(
            "members",
            [
                {"member": str(member.pk), "name": "李队员", "phone": "137****1234"},
                {"member": "", "name": "王队员", "phone": "13800005678"},
            ],
            initial=1,
        ),
    )
    assert response.status_code == 302
    assert sorted((m.name, m.phone) for m in team.members.all()) == [
        ("李队员", "13700001234"),
        ("王队员", "13800005678"),
    ]


def test_a_duplicate_member_is_marked_on_its_line_and_nothing_changes(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY]))
    team = _team()
    response = client.post(
        reverse("registry:fire_resource_members", args=[team.pk]),
        _lines(
            "members",
            [
                {"name": "李队员", "phone": "13700001234"},
                {"name": "李队员", "phone": "13700001234"},
            ],
            initial=1,
        ),
        headers=EN,
    )
    assert response.status_code == 422
    assert response.context["formset"].forms[1].errors == {"name": ["李队员 is listed twice."]}
    assert [(m.name, m.phone) for m in team.members.all()] == [("李队员", "13700001234")]


def test_line_editors_are_refused_to_a_volunteer_and_absent_for_other_kinds(
    client, small_jurisdiction, make_user
):
    room = _fire_room()
    team = _team()
    hydrant = fire_resource_create(
        actor=None, values={"kind": "hydrant", "name": "消火栓"}, lon=113.07, lat=34.45
    )
    client.force_login(make_user("volunteer", small_jurisdiction[GRID_A]))
    equipment_url = reverse("registry:fire_resource_equipment", args=[room.pk])
    members_url = reverse("registry:fire_resource_members", args=[team.pk])
    assert client.get(equipment_url).status_code == 403
    post = client.post(equipment_url, _lines("items", [{"name": "斧头", "quantity": "1"}], 0))
    assert post.status_code == 403
    assert client.post(members_url, _lines("members", [], 1)).status_code == 403
    assert [(i.name, i.quantity) for i in room.equipment.all()] == [("灭火器", 10)]
    assert team.members.count() == 1
    detail = client.get(reverse("registry:fire_resource_detail", args=[room.pk])).content.decode()
    assert equipment_url not in detail
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY]))
    assert (
        client.get(reverse("registry:fire_resource_equipment", args=[hydrant.pk])).status_code
        == 404
    )
    assert client.get(reverse("registry:fire_resource_members", args=[room.pk])).status_code == 404
    outside = _fire_room(113.15)
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    assert (
        client.get(reverse("registry:fire_resource_equipment", args=[outside.pk])).status_code
        == 404
    )


def test_building_detail_with_thirty_households_and_edit_links_in_bounded_queries(
    client, small_jurisdiction, make_user, django_assert_max_num_queries
):
    client.force_login(make_user("fulltime_worker", small_jurisdiction[GRID_A]))
    building = building_create(
        actor=None, values={"name": "8号楼", "floors": 6}, lon=113.05, lat=34.45
    )
    for n in range(30):
        household_create(actor=None, values={"unit": "1", "room": f"{n + 101}"}, building=building)
    url = reverse("registry:building_detail", args=[building.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert len(response.context["households"]) == 30
    household_links = {
        f'href="/registry/households/{h.pk}/edit/"' for h in building.households.all()
    }
    assert len(household_links) == 30
    assert all(link in html for link in household_links)
