"""Grid pages: map and tree, detail, edit/assign/end, the public board, the import."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from firegrid.conftest import SMALL_HEADER, feature, rect, small_collection
from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid, Jurisdiction
from firegrid.people.models import Assignment, Person, Role

STREET1, STREET2 = "410185001", "410185002"
COMMUNITY11 = "410185001001"
GRID_A, GRID_B = "410185001001001", "410185001001002"
OTHER_STREET_GRID = "410185002001001"

pytestmark = pytest.mark.django_db


def _bad_collection() -> dict[str, Any]:
    """One overlapping sibling, one self-intersecting polygon, one unknown parent."""
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[113.05, 34.45], [113.08, 34.48], [113.08, 34.45], [113.05, 34.48], [113.05, 34.45]]
        ],
    }
    return {
        "type": "FeatureCollection",
        "firegrid": SMALL_HEADER,
        "features": [
            feature(
                f"{COMMUNITY11}003", "重叠网格", 3, COMMUNITY11, rect(113.02, 34.42, 0.02, 0.02)
            ),
            feature(f"{COMMUNITY11}004", "自交网格", 3, COMMUNITY11, bowtie),
            feature(
                "410185001009001", "孤儿网格", 3, "410185001009", rect(113.3, 34.45, 0.01, 0.01)
            ),
        ],
    }


def _upload(collection: dict[str, Any], name: str = "grids.geojson") -> io.BytesIO:
    data = io.BytesIO(json.dumps(collection, ensure_ascii=False).encode("utf-8"))
    data.name = name
    return data


def _person(grid: Grid, name: str, phone: str = "13912345678") -> Person:
    return Person.objects.create(name=name, phone=phone, home_grid=grid)


# ------------------------------------------------------------------------- login, map, tree


@pytest.mark.parametrize(
    "url",
    [
        "/grids/",
        "/grids/1/",
        "/grids/1/children/",
        "/grids/import/",
    ],
)
def test_grid_pages_redirect_anonymous_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_login_page_logs_a_user_in_and_goes_to_the_map(client, small_jurisdiction, make_user):
    make_user("street_office", small_jurisdiction[STREET1], username="jiedao")
    page = client.get("/login/?next=/grids/")
    assert page.status_code == 200
    assert 'name="next" value="/grids/"' in page.content.decode()
    response = client.post(
        "/login/", {"username": "jiedao", "password": "pw-for-tests-only", "next": "/grids/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/grids/"


def test_repeated_failed_logins_show_the_lockout_page(
    client, small_jurisdiction, make_user, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    make_user("street_office", small_jurisdiction[STREET1], username="jiedao")
    for _ in range(2):
        client.post("/login/", {"username": "jiedao", "password": "wrong"})
    response = client.post("/login/", {"username": "jiedao", "password": "pw-for-tests-only"})
    assert response.status_code == 429
    assert "<h1>登录失败次数过多</h1>" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_map_lists_only_the_roots_of_the_viewers_scope(client, small_jurisdiction, make_user):
    user = make_user("street_office", small_jurisdiction[STREET1])
    client.force_login(user)
    response = client.get(reverse("grids:map"))
    assert response.status_code == 200
    assert [g.code for g in response.context["roots"]] == [STREET1]
    assert response.context["roots"][0].child_count == 2
    body = response.content.decode()
    assert "街道1" in body
    assert "街道2" not in body
    assert "测试县" not in body
    assert 'data-geojson-url="/api/v1/grids/geojson"' in body
    # a street office does not manage the county root, so it may not import
    assert reverse("grids:import") not in body


def test_map_of_a_county_administrator_starts_at_the_county(client, small_jurisdiction, make_user):
    client.force_login(make_user("county_office", small_jurisdiction["410185"]))
    response = client.get(reverse("grids:map"))
    assert [g.code for g in response.context["roots"]] == ["410185"]
    assert reverse("grids:import") in response.content.decode()


def test_tree_children_partial_lists_children_and_hides_other_subtrees(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("street_office", small_jurisdiction[STREET1]))
    response = client.get(reverse("grids:tree_children", args=[small_jurisdiction[STREET1].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="tree-node"') == 2
    assert "社区1-1" in body and "社区1-2" in body
    assert "<html" not in body
    other = client.get(reverse("grids:tree_children", args=[small_jurisdiction[STREET2].pk]))
    assert other.status_code == 404


def test_map_search_filters_the_tree_by_name_or_code(client, small_jurisdiction, make_user):
    client.force_login(make_user("street_office", small_jurisdiction[STREET1]))
    by_name = client.get(reverse("grids:map"), {"q": "网格1-2"})
    assert [g.code for g in by_name.context["results"]] == ["410185001002001", "410185001002002"]
    by_code = client.get(reverse("grids:map"), {"q": GRID_A})
    assert [g.code for g in by_code.context["results"]] == [GRID_A]
    outside = client.get(reverse("grids:map"), {"q": "网格2-1"})
    assert outside.context["results"] == []


def test_map_shows_an_empty_state_to_a_user_without_grids(client, small_jurisdiction):
    user = get_user_model().objects.create_user(username="nobody", password="x-for-tests")
    client.force_login(user)
    response = client.get(reverse("grids:map"))
    assert response.status_code == 200
    assert response.context["scope_empty"] is True
    assert response.context["roots"] == []
    body = response.content.decode()
    assert "<h2>暂无网格</h2>" in body
    assert 'id="grid-map"' not in body


def test_map_page_query_count_does_not_grow_with_roots(
    client, small_jurisdiction, make_user, django_assert_max_num_queries
):
    user = make_user("street_office", small_jurisdiction[STREET1])
    for code in ("410185002001", "410185002002", GRID_B):
        Assignment.objects.create(
            person=user.person,
            grid=small_jurisdiction[code],
            role=Role.objects.get(code="street_office"),
            start_on=timezone.localdate(),
        )
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("grids:map"))
    assert [g.code for g in response.context["roots"]] == [STREET1, "410185002001", "410185002002"]


# ------------------------------------------------------------------------------- detail


def test_parttime_worker_sees_own_grid_and_gets_404_on_another(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("parttime_worker", small_jurisdiction[GRID_A]))
    own = client.get(reverse("grids:detail", args=[small_jurisdiction[GRID_A].pk]))
    assert own.status_code == 200
    assert own.context["manage"] is False
    assert own.context["edit_form"] is None and own.context["assign_form"] is None
    for code in (GRID_B, COMMUNITY11, OTHER_STREET_GRID):
        response = client.get(reverse("grids:detail", args=[small_jurisdiction[code].pk]))
        assert response.status_code == 404, code
    missing = client.get(reverse("grids:detail", args=[999999]))
    assert missing.status_code == 404


def test_detail_shows_breadcrumb_children_neighbours_and_assignments(
    client, small_jurisdiction, make_user
):
    viewer = make_user("street_office", small_jurisdiction[STREET1], username="jiedao")
    community = small_jurisdiction[COMMUNITY11]
    grid_a = small_jurisdiction[GRID_A]
    worker = _person(grid_a, "张三", "13912345678")
    partner = _person(grid_a, "李四", "13987654321")
    today = timezone.localdate()
    role = Role.objects.get(code="parttime_worker")
    Assignment.objects.create(
        person=worker,
        grid=grid_a,
        role=role,
        start_on=today - datetime.timedelta(days=30),
        letter_signed_on=datetime.date(2024, 3, 1),
        backup=partner,
    )
    Assignment.objects.create(
        person=partner,
        grid=grid_a,
        role=role,
        start_on=datetime.date(2023, 1, 1),
        end_on=datetime.date(2023, 12, 31),
    )
    client.force_login(viewer)
    response = client.get(reverse("grids:detail", args=[grid_a.pk]))
    assert response.status_code == 200
    assert [g.code for g in response.context["ancestors"]] == [STREET1, COMMUNITY11]
    assert [g.code for g in response.context["neighbours"]] == [GRID_B, "410185001002001"]
    assert [r.assignment.person.name for r in response.context["active_rows"]] == ["张三"]
    assert [r.assignment.person.name for r in response.context["past_rows"]] == ["李四"]
    assert response.context["active_rows"][0].phone == "13912345678"  # street office sees phones
    body = response.content.decode()
    assert "2024-03-01" in body
    assert "测试县" not in body  # the county is outside the street office's scope
    community_page = client.get(reverse("grids:detail", args=[community.pk]))
    assert [g.code for g in community_page.context["children_page"]] == [GRID_A, GRID_B]
    data = community_page.context["map_data"]
    assert data["focus"]["properties"]["code"] == COMMUNITY11
    assert [f["properties"]["code"] for f in data["children"]["features"]] == [GRID_A, GRID_B]


def test_detail_masks_phones_for_a_role_that_may_not_see_them(
    client, small_jurisdiction, make_user
):
    grid_a = small_jurisdiction[GRID_A]
    viewer = make_user("parttime_worker", grid_a)
    worker = _person(grid_a, "张三", "13912345678")
    Assignment.objects.create(
        person=worker,
        grid=grid_a,
        role=Role.objects.get(code="building_head"),
        start_on=timezone.localdate(),
    )
    client.force_login(viewer)
    response = client.get(reverse("grids:detail", args=[grid_a.pk]))
    phones = {r.assignment.person.name: r.phone for r in response.context["active_rows"]}
    assert phones["张三"] == "139****5678"
    assert "13912345678" not in response.content.decode()


def test_detail_page_query_count_is_bounded(
    client, small_jurisdiction, make_user, django_assert_max_num_queries
):
    grid_a = small_jurisdiction[GRID_A]
    viewer = make_user("community_office", small_jurisdiction[COMMUNITY11])
    role = Role.objects.get(code="volunteer")
    for i in range(12):
        person = _person(grid_a, f"志愿者{i:02d}")
        Assignment.objects.create(
            person=person, grid=grid_a, role=role, start_on=timezone.localdate()
        )
    client.force_login(viewer)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("grids:detail", args=[grid_a.pk]))
    assert len(response.context["active_rows"]) == 12


# ----------------------------------------------------------------------- edit and assign


def test_manager_edits_a_grids_name_and_counts(client, small_jurisdiction, make_user):
    manager = make_user("community_office", small_jurisdiction[COMMUNITY11])
    grid_a = small_jurisdiction[GRID_A]
    audit_before = AuditEvent.objects.count()
    client.force_login(manager)
    response = client.post(
        reverse("grids:edit", args=[grid_a.pk]),
        {"name": " 幸福里网格 ", "households": "420", "population": "1300"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("grids:detail", args=[grid_a.pk])
    grid_a.refresh_from_db()
    assert (grid_a.name, grid_a.households, grid_a.population) == ("幸福里网格", 420, 1300)
    event = AuditEvent.objects.order_by("-pk").first()
    assert event is not None
    assert AuditEvent.objects.count() == audit_before + 1
    assert event.action == "grid.update"
    assert event.data["after"] == {"name": "幸福里网格", "households": 420, "population": 1300}


def test_non_manager_cannot_edit_a_grid_and_nothing_changes(client, small_jurisdiction, make_user):
    grid_a = small_jurisdiction[GRID_A]
    client.force_login(make_user("grid_head", grid_a))
    audit_before = AuditEvent.objects.count()
    response = client.post(
        reverse("grids:edit", args=[grid_a.pk]),
        {"name": "改名", "households": "1", "population": "2"},
    )
    assert response.status_code == 403
    assert '<div class="form-errors" role="alert"><p>您的岗位无权修改此网格。</p></div>' in (
        response.content.decode()
    )
    grid_a.refresh_from_db()
    assert (grid_a.name, grid_a.households, grid_a.population) == ("网格1-1-1", 400, 1200)
    assert AuditEvent.objects.count() == audit_before


def test_edit_of_a_grid_outside_scope_answers_404(client, small_jurisdiction, make_user):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    other = small_jurisdiction[OTHER_STREET_GRID]
    response = client.post(reverse("grids:edit", args=[other.pk]), {"name": "x"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "网格2-1-1"


def test_invalid_edit_shows_form_errors_and_saves_nothing(client, small_jurisdiction, make_user):
    grid_a = small_jurisdiction[GRID_A]
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    response = client.post(
        reverse("grids:edit", args=[grid_a.pk]), {"name": "", "households": "-3", "population": ""}
    )
    assert response.status_code == 422
    assert set(response.context["edit_form"].errors) == {"name", "households"}
    grid_a.refresh_from_db()
    assert (grid_a.name, grid_a.households) == ("网格1-1-1", 400)


def test_manager_adds_an_assignment_with_term_letter_and_backup(
    client, small_jurisdiction, make_user
):
    manager = make_user("community_office", small_jurisdiction[COMMUNITY11])
    grid_a = small_jurisdiction[GRID_A]
    person = _person(grid_a, "王五")
    partner = _person(grid_a, "赵六")
    client.force_login(manager)
    response = client.post(
        reverse("grids:assign", args=[grid_a.pk]),
        {
            "person": person.pk,
            "role": Role.objects.get(code="fulltime_worker").pk,
            "start_on": "2025-01-01",
            "end_on": "2027-12-31",
            "letter_signed_on": "2025-01-05",
            "backup": partner.pk,
            "duties": "巡查沿街门店",
        },
    )
    assert response.status_code == 302
    rows = list(
        Assignment.objects.filter(grid=grid_a).values_list(
            "person__name",
            "role__code",
            "start_on",
            "end_on",
            "letter_signed_on",
            "backup__name",
            "duties",
        )
    )
    assert rows == [
        (
            "王五",
            "fulltime_worker",
            datetime.date(2025, 1, 1),
            datetime.date(2027, 12, 31),
            datetime.date(2025, 1, 5),
            "赵六",
            "巡查沿街门店",
        ),
    ]


def test_role_select_of_the_assignment_form_follows_the_viewers_language(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    url = reverse("grids:detail", args=[small_jurisdiction[GRID_A].pk])
    volunteer = Role.objects.get(code="volunteer")

    chinese = client.get(url).content.decode()
    english = client.get(url, headers={"accept-language": "en"}).content.decode()

    assert f'<option value="{volunteer.pk}">志愿者</option>' in chinese
    assert f'<option value="{volunteer.pk}">Volunteer</option>' in english
    assert f'<option value="{volunteer.pk}">志愿者</option>' not in english


def test_detail_map_features_carry_the_level_name_in_both_languages(
    client, small_jurisdiction, make_user
):
    community = small_jurisdiction[COMMUNITY11]
    client.force_login(make_user("community_office", community))
    response = client.get(reverse("grids:detail", args=[community.pk]))
    data = response.context["map_data"]
    focus = data["focus"]["properties"]
    assert (focus["level"], focus["level_name_en"]) == ("社区/村", "Community/village")
    assert [
        (f["properties"]["level"], f["properties"]["level_name_en"])
        for f in data["children"]["features"]
    ] == [("网格", "Grid"), ("网格", "Grid")]


def test_non_manager_cannot_add_an_assignment(client, small_jurisdiction, make_user):
    grid_a = small_jurisdiction[GRID_A]
    viewer = make_user("grid_head", grid_a)
    person = _person(grid_a, "王五")
    before = Assignment.objects.count()
    client.force_login(viewer)
    response = client.post(
        reverse("grids:assign", args=[grid_a.pk]),
        {
            "person": person.pk,
            "role": Role.objects.get(code="volunteer").pk,
            "start_on": "2025-01-01",
        },
    )
    assert response.status_code == 403
    assert Assignment.objects.count() == before


def test_assigning_a_person_outside_scope_is_a_form_error(client, small_jurisdiction, make_user):
    grid_a = small_jurisdiction[GRID_A]
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    stranger = _person(small_jurisdiction[OTHER_STREET_GRID], "外人")
    before = Assignment.objects.count()
    response = client.post(
        reverse("grids:assign", args=[grid_a.pk]),
        {
            "person": stranger.pk,
            "role": Role.objects.get(code="volunteer").pk,
            "start_on": "2025-01-01",
        },
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    assert response.context["assign_form"].errors["person"] == [
        "There is no such person in your area."
    ]
    assert Assignment.objects.count() == before


def test_service_refusal_of_an_overlapping_term_is_shown_and_nothing_saved(
    client, small_jurisdiction, make_user
):
    grid_a = small_jurisdiction[GRID_A]
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    person = _person(grid_a, "王五")
    role = Role.objects.get(code="volunteer")
    Assignment.objects.create(
        person=person, grid=grid_a, role=role, start_on=datetime.date(2025, 1, 1)
    )
    response = client.post(
        reverse("grids:assign", args=[grid_a.pk]),
        {"person": person.pk, "role": role.pk, "start_on": "2025-06-01"},
    )
    assert response.status_code == 422
    assert response.context["assign_form"].non_field_errors() == [
        "王五 在此任期内已有部分时间在网格1-1-1担任志愿者。"
    ]
    assert Assignment.objects.filter(person=person).count() == 1


def test_manager_ends_an_assignment(client, small_jurisdiction, make_user):
    grid_a = small_jurisdiction[GRID_A]
    client.force_login(make_user("community_office", small_jurisdiction[COMMUNITY11]))
    assignment = Assignment.objects.create(
        person=_person(grid_a, "王五"),
        grid=grid_a,
        role=Role.objects.get(code="volunteer"),
        start_on=datetime.date(2025, 1, 1),
    )
    response = client.post(
        reverse("grids:assignment_end", args=[grid_a.pk, assignment.pk]), {"end_on": "2025-09-30"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.end_on == datetime.date(2025, 9, 30)


def test_non_manager_cannot_end_an_assignment(client, small_jurisdiction, make_user):
    grid_a = small_jurisdiction[GRID_A]
    viewer = make_user("grid_head", grid_a)
    client.force_login(viewer)
    assignment = Assignment.objects.get(person=viewer.person)
    response = client.post(
        reverse("grids:assignment_end", args=[grid_a.pk, assignment.pk]), {"end_on": "2025-09-30"}
    )
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.end_on is None


# ---------------------------------------------------------------------------- the board


def test_board_is_public_and_masks_phones(client, small_jurisdiction):
    grid_a = small_jurisdiction[GRID_A]
    worker = _person(grid_a, "张三", "13912345678")
    Assignment.objects.create(
        person=worker,
        grid=grid_a,
        role=Role.objects.get(code="grid_head"),
        start_on=timezone.localdate(),
        duties="",
    )
    Assignment.objects.create(
        person=_person(grid_a, "已离任", "13700000000"),
        grid=grid_a,
        role=Role.objects.get(code="volunteer"),
        start_on=datetime.date(2020, 1, 1),
        end_on=datetime.date(2020, 12, 31),
    )
    response = client.get(reverse("grids:board", args=[grid_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert [r["assignment"].person.name for r in response.context["rows"]] == ["张三"]
    assert response.context["rows"][0]["phone"] == "139****5678"
    assert "139****5678" in body
    assert "13912345678" not in body
    assert "已离任" not in body
    assert "负责本网格消防安全巡查" in body  # the role's duties when the assignment has none
    assert GRID_A in body


def test_board_shows_full_phones_when_the_jurisdiction_publishes_them(client, small_jurisdiction):
    Jurisdiction.objects.update(phones_public=True)
    grid_a = small_jurisdiction[GRID_A]
    Assignment.objects.create(
        person=_person(grid_a, "张三", "13912345678"),
        grid=grid_a,
        role=Role.objects.get(code="grid_head"),
        start_on=timezone.localdate(),
    )
    response = client.get(reverse("grids:board", args=[grid_a.pk]))
    assert "13912345678" in response.content.decode()


def test_board_of_a_missing_grid_is_404(client, small_jurisdiction):
    assert client.get(reverse("grids:board", args=[999999])).status_code == 404


# ---------------------------------------------------------------------------- the import


def test_import_page_is_refused_to_users_who_may_not_import(client, small_jurisdiction, make_user):
    client.force_login(make_user("street_office", small_jurisdiction[STREET1]))
    assert client.get(reverse("grids:import")).status_code == 403
    response = client.post(
        reverse("grids:import"), {"file": _upload(small_collection()), "crs": "wgs84"}
    )
    assert response.status_code == 403


def test_import_of_a_bad_file_lists_every_problem_and_writes_nothing(
    client, small_jurisdiction, make_user
):
    client.force_login(make_user("county_office", small_jurisdiction["410185"]))
    grids_before = Grid.objects.count()
    audit_before = AuditEvent.objects.count()
    response = client.post(
        reverse("grids:import"), {"file": _upload(_bad_collection()), "crs": "wgs84"}
    )
    assert response.status_code == 422
    problems = [(p.feature, p.code, p.field) for p in response.context["problems"]]
    assert problems == [
        (1, f"{COMMUNITY11}003", "geometry"),
        (2, f"{COMMUNITY11}004", "geometry"),
        (3, "410185001009001", "parent_code"),
    ]
    body = response.content.decode()
    assert body.count('<tr class="problem">') == 3
    assert "self-intersection" in body
    assert "unknown parent" in body
    assert "commit_form" not in response.context
    assert Grid.objects.count() == grids_before
    assert AuditEvent.objects.count() == audit_before


def test_import_of_a_file_that_is_not_json_is_a_form_error(client, small_jurisdiction, make_user):
    client.force_login(make_user("county_office", small_jurisdiction["410185"]))
    bad = io.BytesIO(b"{not json")
    bad.name = "x.geojson"
    response = client.post(
        reverse("grids:import"),
        {"file": bad, "crs": "wgs84"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [
        "The file is not valid GeoJSON: malformed JSON at line 1, column 2: "
        "Expecting property name enclosed in double quotes"
    ]
    assert Grid.objects.count() == 15


def test_import_of_a_good_file_previews_then_commits(client, small_jurisdiction, make_user):
    client.force_login(make_user("county_office", small_jurisdiction["410185"]))
    collection = small_collection()
    new_grid = feature(f"{COMMUNITY11}003", "新网格", 3, COMMUNITY11, rect(113.0, 34.4, 0.05, 0.05))
    # make room for the new grid: shrink grid A to the rest of its square
    for f in collection["features"]:
        if f["properties"]["code"] == GRID_A:
            f["geometry"] = {
                "type": "Polygon",
                "coordinates": [
                    [
                        [113.05, 34.4],
                        [113.1, 34.4],
                        [113.1, 34.5],
                        [113.0, 34.5],
                        [113.0, 34.45],
                        [113.05, 34.45],
                        [113.05, 34.4],
                    ]
                ],
            }
    collection["features"].append(new_grid)
    preview = client.post(reverse("grids:import"), {"file": _upload(collection), "crs": "wgs84"})
    assert preview.status_code == 200
    assert preview.context.get("problems") is None
    result = preview.context["result"]
    assert (result.created, result.updated, result.unchanged) == (1, 1, 14)
    assert len(preview.context["preview"]["features"]) == 16
    county = preview.context["preview"]["features"][0]["properties"]
    assert (county["code"], county["level"], county["level_name_en"]) == (
        "410185",
        "区县",
        "County",
    )
    assert Grid.objects.count() == 15  # nothing written by the preview
    token = preview.context["commit_form"].initial["token"]
    assert f'name="token" value="{token}"' in preview.content.decode()
    commit = client.post(reverse("grids:import"), {"token": token, "crs": "wgs84"})
    assert commit.status_code == 302
    assert commit["Location"] == reverse("grids:map")
    assert Grid.objects.count() == 16
    created = Grid.objects.select_related("parent").get(code=f"{COMMUNITY11}003")
    assert created.parent is not None
    assert (created.name, created.parent.code, created.depth) == ("新网格", COMMUNITY11, 3)


def test_import_preview_is_converted_to_wgs84(client, db):
    admin = get_user_model().objects.create_superuser(username="admin", password="x-for-tests")
    client.force_login(admin)
    header = {**SMALL_HEADER, "jurisdiction": {"code": "410186", "name": "新县"}}
    collection = {
        "type": "FeatureCollection",
        "firegrid": header,
        "features": [feature("410186", "新县", 0, None, rect(113.0, 34.4, 0.1, 0.1))],
    }
    response = client.post(reverse("grids:import"), {"file": _upload(collection), "crs": "gcj02"})
    assert response.status_code == 200
    assert response.context["result"].created == 1
    lon, lat = response.context["preview"]["features"][0]["geometry"]["coordinates"][0][0]
    # GCJ-02 input near Zhengzhou is shifted back by a few hundred metres
    assert 0.001 < abs(lon - 113.0) < 0.01
    assert 0.0005 < abs(lat - 34.4) < 0.01
    assert Grid.objects.count() == 0


# ------------------------------------------------------------------------- languages


def test_pages_default_to_simplified_chinese(client, small_jurisdiction, make_user):
    client.force_login(make_user("street_office", small_jurisdiction[STREET1]))
    response = client.get(reverse("grids:map"))
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_accept_language_english_renders_english(client, small_jurisdiction, make_user):
    client.force_login(make_user("street_office", small_jurisdiction[STREET1]))
    response = client.get(reverse("grids:map"), headers={"accept-language": "en"})
    assert response["Content-Language"] == "en"
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert ">Grid map</a>" in body


def test_language_switch_posts_to_set_language_and_sticks(client, small_jurisdiction, make_user):
    client.force_login(make_user("street_office", small_jurisdiction[STREET1]))
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/grids/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/grids/"
    response = client.get("/grids/")
    assert response["Content-Language"] == "en"
    assert '<option value="en" selected>' in response.content.decode()


def test_an_import_commit_with_a_token_of_another_user_or_none_writes_nothing(client, db):
    owner = get_user_model().objects.create_superuser(username="owner", password="x-for-tests")
    other = get_user_model().objects.create_superuser(username="other", password="x-for-tests")
    client.force_login(owner)
    preview = client.post(
        reverse("grids:import"), {"file": _upload(small_collection()), "crs": "wgs84"}
    )
    token = preview.context["commit_form"].initial["token"]
    client.force_login(other)

    stolen = client.post(reverse("grids:import"), {"token": token, "crs": "wgs84"})
    forged = client.post(reverse("grids:import"), {"token": "../../etc", "crs": "wgs84"})

    assert (stolen.status_code, forged.status_code) == (422, 422)
    assert "导入表单不完整，请重新上传文件。" in stolen.content.decode()
    assert "导入表单不完整，请重新上传文件。" in forged.content.decode()
    assert Grid.objects.count() == 0
