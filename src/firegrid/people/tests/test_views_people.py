"""People pages: list (search, grid filter, masked phones, query count), detail, create, edit."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from firegrid.core.models import AuditEvent
from firegrid.people.models import Assignment, Person, Role

STREET1 = "410185001"
COMMUNITY11 = "410185001001"
GRID_A, GRID_B = "410185001001001", "410185001001002"
OTHER_STREET_GRID = "410185002001001"

pytestmark = pytest.mark.django_db


def _person(grid, name, phone="13912345678"):
    return Person.objects.create(name=name, phone=phone, home_grid=grid)


def _jpeg() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (40, 50), "red").save(data, format="JPEG")
    data.seek(0)
    data.name = "face.jpg"
    return data


@pytest.mark.parametrize("url", ["/people/", "/people/1/", "/people/new/", "/people/1/edit/"])
def test_people_pages_redirect_anonymous_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_list_shows_people_in_scope_with_masked_phones(client, small_jurisdiction, make_user):
    grid_a = small_jurisdiction[GRID_A]
    viewer = make_user("parttime_worker", grid_a, username="viewer")
    _person(grid_a, "张三", "13912345678")
    _person(small_jurisdiction[GRID_B], "邻格人")
    _person(small_jurisdiction[OTHER_STREET_GRID], "外街人")
    client.force_login(viewer)
    response = client.get(reverse("people:list"))
    assert response.status_code == 200
    rows = {r["person"].name: r["phone"] for r in response.context["rows"]}
    assert rows == {"张三": "139****5678", "viewer": "138****1234"}
    body = response.content.decode()
    assert "13912345678" not in body
    assert "外街人" not in body
    assert response.context["may_create"] is False


def test_list_shows_full_phones_to_a_street_office(client, small_jurisdiction, make_user):
    viewer = make_user("street_office", small_jurisdiction[STREET1], username="jiedao")
    _person(small_jurisdiction[GRID_A], "张三", "13912345678")
    client.force_login(viewer)
    response = client.get(reverse("people:list"), {"q": "张"})
    assert [(r["person"].name, r["phone"]) for r in response.context["rows"]] == [
        ("张三", "13912345678")
    ]


def test_list_searches_by_phone_and_filters_by_grid(client, small_jurisdiction, make_user):
    viewer = make_user("street_office", small_jurisdiction[STREET1], username="jiedao")
    grid_a, grid_b = small_jurisdiction[GRID_A], small_jurisdiction[GRID_B]
    _person(grid_a, "张三", "13911112222")
    _person(grid_b, "李四", "13933334444")
    assigned = _person(grid_b, "王五", "13955556666")
    Assignment.objects.create(
        person=assigned,
        grid=grid_a,
        role=Role.objects.get(code="volunteer"),
        start_on=timezone.localdate(),
    )
    client.force_login(viewer)
    by_phone = client.get(reverse("people:list"), {"q": "3333"})
    assert [r["person"].name for r in by_phone.context["rows"]] == ["李四"]
    by_grid = client.get(reverse("people:list"), {"grid": grid_a.pk})
    assert [r["person"].name for r in by_grid.context["rows"]] == ["张三", "王五"]
    assert by_grid.context["query_string"] == f"grid={grid_a.pk}"
    assert [r["assignments"][0].role.code for r in by_grid.context["rows"] if r["assignments"]] == [
        "volunteer"
    ]


def test_list_query_count_does_not_grow_with_people(
    client, small_jurisdiction, make_user, django_assert_max_num_queries
):
    viewer = make_user("street_office", small_jurisdiction[STREET1], username="jiedao")
    role = Role.objects.get(code="volunteer")
    for i in range(30):
        grid = small_jurisdiction[GRID_A if i % 2 else GRID_B]
        person = _person(grid, f"人员{i:02d}")
        Assignment.objects.create(
            person=person, grid=grid, role=role, start_on=timezone.localdate()
        )
    client.force_login(viewer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("people:list"))
    assert len(response.context["rows"]) == 25
    assert response.context["page"].paginator.count == 31
    with django_assert_max_num_queries(10):
        second = client.get(reverse("people:list"), {"page": 2})
    assert len(second.context["rows"]) == 6


def test_parttime_worker_gets_404_on_a_person_outside_scope(client, small_jurisdiction, make_user):
    client.force_login(make_user("parttime_worker", small_jurisdiction[GRID_A]))
    inside = _person(small_jurisdiction[GRID_A], "同格人")
    neighbour = _person(small_jurisdiction[GRID_B], "邻格人")
    assert client.get(reverse("people:detail", args=[inside.pk])).status_code == 200
    assert client.get(reverse("people:detail", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("people:photo", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("people:edit", args=[neighbour.pk])).status_code == 404


def test_person_detail_lists_only_assignments_inside_the_viewers_scope(
    client, small_jurisdiction, make_user
):
    viewer = make_user("community_office", small_jurisdiction[COMMUNITY11])
    person = _person(small_jurisdiction[GRID_A], "张三")
    role = Role.objects.get(code="volunteer")
    Assignment.objects.create(
        person=person, grid=small_jurisdiction[GRID_A], role=role, start_on=timezone.localdate()
    )
    Assignment.objects.create(
        person=person,
        grid=small_jurisdiction[OTHER_STREET_GRID],
        role=role,
        start_on=timezone.localdate(),
    )
    client.force_login(viewer)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert [a.grid.code for a in response.context["active"]] == [GRID_A]
    assert OTHER_STREET_GRID not in response.content.decode()
    assert response.context["may_edit"] is True


def test_manager_creates_a_person_with_a_photo(client, small_jurisdiction, make_user):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    grid_a = small_jurisdiction[GRID_A]
    response = client.post(
        reverse("people:create"),
        {
            "home_grid": grid_a.pk,
            "name": " 孙七 ",
            "phone": "139 1234 5678",
            "note": "楼栋长候选",
            "photo": _jpeg(),
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(name="孙七")
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert (person.phone, person.note, person.home_grid_id) == (
        "13912345678",
        "楼栋长候选",
        grid_a.pk,
    )
    assert person.photo.name.endswith(".jpg")
    photo = client.get(reverse("people:photo", args=[person.pk]))
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"


def test_create_with_a_bad_phone_saves_nothing(client, small_jurisdiction, make_user):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    before = Person.objects.count()
    response = client.post(
        reverse("people:create"),
        {"home_grid": small_jurisdiction[GRID_A].pk, "name": "孙七", "phone": "12345"},
    )
    assert response.status_code == 422
    assert len(response.context["form"].non_field_errors()) == 1
    assert "12345" in response.context["form"].non_field_errors()[0]
    assert Person.objects.count() == before


def test_create_with_a_non_image_photo_saves_nothing(client, small_jurisdiction, make_user):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    before = Person.objects.count()
    fake = io.BytesIO(b"not an image")
    fake.name = "x.jpg"
    response = client.post(
        reverse("people:create"),
        {"home_grid": small_jurisdiction[GRID_A].pk, "name": "孙七", "phone": "", "photo": fake},
    )
    assert response.status_code == 422
    assert Person.objects.count() == before


def test_create_refuses_a_home_grid_outside_the_managed_area(client, small_jurisdiction, make_user):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    response = client.post(
        reverse("people:create"),
        {"home_grid": small_jurisdiction[OTHER_STREET_GRID].pk, "name": "孙七"},
    )
    assert response.status_code == 422
    assert "home_grid" in response.context["form"].errors
    assert not Person.objects.filter(name="孙七").exists()


def test_non_manager_may_not_open_the_create_page(client, small_jurisdiction, make_user):
    client.force_login(make_user("parttime_worker", small_jurisdiction[GRID_A]))
    assert client.get(reverse("people:create")).status_code == 403
    response = client.post(
        reverse("people:create"), {"home_grid": small_jurisdiction[GRID_A].pk, "name": "x"}
    )
    assert response.status_code == 403
    assert not Person.objects.filter(name="x").exists()


def test_manager_edits_a_person(client, small_jurisdiction, make_user):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    person = _person(small_jurisdiction[GRID_A], "张三", "13912345678")
    audit_before = AuditEvent.objects.count()
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        {"name": "张三丰", "phone": "13800002222", "note": "AB岗"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.phone, person.note) == ("张三丰", "13800002222", "AB岗")
    assert AuditEvent.objects.count() == audit_before + 1


def test_non_manager_may_not_edit_a_person(client, small_jurisdiction, make_user):
    client.force_login(make_user("grid_head", small_jurisdiction[GRID_A]))
    person = _person(small_jurisdiction[GRID_A], "张三")
    response = client.post(reverse("people:edit", args=[person.pk]), {"name": "改名"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name == "张三"


def test_person_pick_returns_matching_options_in_scope(client, small_jurisdiction, make_user):
    client.force_login(
        make_user("community_office", small_jurisdiction[COMMUNITY11], username="office")
    )
    inside = _person(small_jurisdiction[GRID_A], "张三")
    _person(small_jurisdiction[OTHER_STREET_GRID], "张外")
    response = client.get(reverse("people:pick"), {"person_q": "张"})
    assert response.status_code == 200
    assert (
        response.content.decode().strip()
        == f'<option value="{inside.pk}">张三 · 网格1-1-1</option>'
    )


def test_people_list_in_english(client, small_jurisdiction, make_user):
    client.force_login(make_user("street_office", small_jurisdiction[STREET1]))
    response = client.get(reverse("people:list"), headers={"accept-language": "en"})
    assert response["Content-Language"] == "en"
    assert "<h1>People</h1>" in response.content.decode()
