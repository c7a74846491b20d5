"""Landing by role: "/" and the login lead offices and leaders to the overview, field staff to
"today", and a login without a post to a page that says whom to ask."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from firegrid.dashboard.selectors_landing import Landing, landing_for
from firegrid.grids.models import Grid
from firegrid.people.models import Assignment, Person, Role
from firegrid.people.roles import DEFAULT_ROLES
from firegrid.testing import user_with_role

pytestmark = pytest.mark.django_db

COUNTY, STREET, COMMUNITY, LEAF = "410185", "410185001", "410185001001", "410185001001001"
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # Tuesday 10:00 in Shanghai
D = datetime.date

# Every seeded role: where it lands, and the grid level it is posted at in the matrix.
EXPECTED: dict[str, tuple[Landing, str]] = {
    "county_office": (Landing.OVERVIEW, COUNTY),
    "chief_grid_head": (Landing.OVERVIEW, COUNTY),
    "street_office": (Landing.OVERVIEW, STREET),
    "contracting_leader": (Landing.OVERVIEW, COMMUNITY),
    "community_office": (Landing.OVERVIEW, COMMUNITY),
    "evaluator": (Landing.OVERVIEW, COMMUNITY),
    "grid_head": (Landing.TODAY, LEAF),
    "fulltime_worker": (Landing.TODAY, LEAF),
    "parttime_worker": (Landing.TODAY, LEAF),
    "building_head": (Landing.TODAY, LEAF),
    "community_police": (Landing.TODAY, COMMUNITY),
    "fire_officer": (Landing.TODAY, COMMUNITY),
    "volunteer": (Landing.TODAY, LEAF),
}


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_matrix_covers_every_seeded_role() -> None:
    assert set(EXPECTED) == {role["code"] for role in DEFAULT_ROLES}
    assert set(EXPECTED) == set(Role.objects.values_list("code", flat=True))


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_landing_by_role(code: str, small_jurisdiction: dict[str, Grid]) -> None:
    landing, at = EXPECTED[code]
    user = user_with_role(code, small_jurisdiction[at])
    assert landing_for(user) == landing
    response = login(user).get(reverse("dashboard:landing"))
    assert response.status_code == 302
    assert response["Location"] == reverse(f"dashboard:{landing.value}")


def test_a_superuser_lands_on_the_overview(django_user_model: Any) -> None:
    admin = django_user_model.objects.create_superuser(username="root", password="x")  # noqa: S106
    assert landing_for(admin) == Landing.OVERVIEW


def test_an_office_post_wins_over_a_field_post(small_jurisdiction: dict[str, Grid]) -> None:
    user = user_with_role("fulltime_worker", small_jurisdiction[LEAF])
    assert landing_for(user) == Landing.TODAY
    Assignment.objects.create(
        person=Person.objects.get(user=user),
        grid=small_jurisdiction[COMMUNITY],
        role=Role.objects.get(code="community_office"),
        start_on=D(2026, 3, 1),
    )
    assert landing_for(user, on=D(2026, 3, 10)) == Landing.OVERVIEW


def test_a_leader_role_without_can_manage_still_lands_on_the_overview(
    small_jurisdiction: dict[str, Grid],
) -> None:
    """Roles are data: an office that clears `can_manage` on its office role keeps it a leader."""
    Role.objects.filter(code="street_office").update(can_manage=False)
    user = user_with_role("street_office", small_jurisdiction[STREET])
    assert landing_for(user) == Landing.OVERVIEW


def test_an_ended_post_is_no_post(small_jurisdiction: dict[str, Grid]) -> None:
    user = user_with_role(
        "fulltime_worker", small_jurisdiction[LEAF], start_on=D(2025, 1, 1), end_on=D(2026, 3, 9)
    )
    assert landing_for(user) == Landing.NO_POST
    assert landing_for(user, on=D(2026, 3, 9)) == Landing.TODAY


def test_no_post_page_names_the_office_to_ask(small_jurisdiction: dict[str, Grid]) -> None:
    user_with_role("community_office", small_jurisdiction[COMMUNITY], username="王主任")
    user_with_role("street_office", small_jurisdiction[STREET], username="街道李")
    user = user_with_role("fulltime_worker", small_jurisdiction[LEAF], start_on=D(2026, 4, 1))
    response = login(user).get(reverse("dashboard:landing"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>You have no post yet</h1>" in body
    assert "Ask your grid office to post you in your grid:" in body
    # The nearest office above the person's home grid, not the street above it.
    assert body.count("<li><strong>") == 1
    assert "<strong>王主任</strong>, Community/village office staff · 社区1-1" in body
    assert "街道李" not in body
    assert "leaflet" not in body.lower()


def test_no_post_page_without_any_office_names_the_home_grid(
    small_jurisdiction: dict[str, Grid],
) -> None:
    user = user_with_role("volunteer", small_jurisdiction[LEAF], start_on=D(2026, 4, 1))
    body = login(user).get(reverse("dashboard:landing")).content.decode()
    assert "Ask the grid office of 网格1-1-1 to post you in your grid." in body


def test_a_login_without_a_person_record(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="loner", password="x")  # noqa: S106
    assert landing_for(user) == Landing.NO_POST
    body = login(user).get(reverse("dashboard:landing")).content.decode()
    assert "Your login is not linked to a responsible person" in body
    assert "Ask your grid office (or the system administrator)" in body


def test_no_post_page_in_chinese(small_jurisdiction: dict[str, Grid]) -> None:
    user = user_with_role("volunteer", small_jurisdiction[LEAF], start_on=D(2026, 4, 1))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    response = client.get(reverse("dashboard:landing"))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_home_leads_to_the_landing(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:landing")
    anonymous = client.get(reverse("dashboard:landing"))
    assert anonymous["Location"] == "/login/?next=/dashboard/"


def test_login_without_next_leads_to_the_landing_then_to_today(
    client: Client, small_jurisdiction: dict[str, Grid]
) -> None:
    user_with_role("grid_head", small_jurisdiction[LEAF], username="wangge")
    response = client.post("/login/", {"username": "wangge", "password": "pw-for-tests-only"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:landing")
    assert client.get(response["Location"])["Location"] == reverse("dashboard:today")


def test_landing_query_count(
    small_jurisdiction: dict[str, Grid], django_assert_num_queries: Any
) -> None:
    client = login(user_with_role("grid_head", small_jurisdiction[LEAF]))
    client.get(reverse("dashboard:landing"))  # warm the session
    with django_assert_num_queries(4):  # session, user, scope, leader roles
        client.get(reverse("dashboard:landing"))
