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
