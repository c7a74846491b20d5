"""API authentication: session with CSRF for browsers, bearer tokens for machines."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from firegrid.core.api_auth import api_token_create
from firegrid.core.models import ApiToken, AuditEvent
from firegrid.grids.models import Grid
from firegrid.testing import user_with_role

pytestmark = pytest.mark.django_db

LEAF_A = "410185001001001"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_no_credentials_is_401_in_the_envelope(client: Client) -> None:
    response = client.get("/api/v1/roles", headers={"Accept-Language": "en"})

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "unauthenticated",
            "message": "Log in or send a valid bearer token.",
            "details": None,
        }
    }


def test_bearer_token_reads_within_the_owners_scope(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    user = user_with_role("street_office", small_jurisdiction["410185001"])
    token, key = api_token_create(user=user, name="巡查App")

    tree = client.get("/api/v1/grids/tree", headers=bearer(key))
    other_street = client.get(
        f"/api/v1/grids/{small_jurisdiction['410185002'].pk}", headers=bearer(key)
    )

    token.refresh_from_db()
    assert tree.status_code == 200
    assert [node["code"] for node in tree.json()] == ["410185001"]
    assert other_street.status_code == 404
    assert token.last_used_at is not None
    assert ApiToken.objects.filter(key_hash=key).exists() is False  # only the hash is stored


def test_bearer_token_may_write_without_a_csrf_token(
    small_jurisdiction: dict[str, Grid],
) -> None:
    client = Client(enforce_csrf_checks=True)
    user = user_with_role("community_office", small_jurisdiction["410185001001"])
    _token, key = api_token_create(user=user, name="sync")
    leaf = small_jurisdiction[LEAF_A]

    response = client.patch(
        f"/api/v1/grids/{leaf.pk}",
        {"households": 420},
        content_type="application/json",
        headers=bearer(key),
    )

    leaf.refresh_from_db()
    assert response.status_code == 200
    assert leaf.households == 420


@pytest.mark.parametrize("method", ["get", "patch"])
def test_revoked_token_is_401(small_jurisdiction: dict[str, Grid], method: str) -> None:
    client = Client(enforce_csrf_checks=True)
    user = user_with_role("community_office", small_jurisdiction["410185001001"])
    token, key = api_token_create(user=user, name="old")
    token.revoked = True
    token.save()
    leaf = small_jurisdiction[LEAF_A]

    response = getattr(client, method)(
        f"/api/v1/grids/{leaf.pk}", {}, content_type="application/json", headers=bearer(key)
    )

    leaf.refresh_from_db()
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert leaf.households == 400


def test_token_of_an_inactive_user_is_401(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    user = user_with_role("county_office", small_jurisdiction["410185"])
    _token, key = api_token_create(user=user, name="x")
    user.is_active = False
    user.save()

    assert client.get("/api/v1/roles", headers=bearer(key)).status_code == 401


def test_unknown_token_is_401(client: Client) -> None:
    assert client.get("/api/v1/roles", headers=bearer("not-a-key")).status_code == 401


def test_session_write_without_csrf_is_403_and_changes_nothing(
    small_jurisdiction: dict[str, Grid],
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_with_role("community_office", small_jurisdiction["410185001001"]))
    leaf = small_jurisdiction[LEAF_A]

    response = client.patch(
        f"/api/v1/grids/{leaf.pk}", {"households": 1}, content_type="application/json"
    )

    leaf.refresh_from_db()
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert leaf.households == 400


def test_session_write_with_csrf_token_succeeds(small_jurisdiction: dict[str, Grid]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_with_role("community_office", small_jurisdiction["410185001001"]))
    client.get("/grids/")  # any page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    leaf = small_jurisdiction[LEAF_A]

    response = client.patch(
        f"/api/v1/grids/{leaf.pk}",
        {"households": 1},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )

    assert response.status_code == 200
    assert response.json()["households"] == 1


def test_admin_add_token_shows_the_key_once(client: Client) -> None:
    admin_user = get_user_model().objects.create_superuser("root", password="pw-for-tests-only")
    owner = get_user_model().objects.create_user("machine", password="pw-for-tests-only")
    client.force_login(admin_user)

    response = client.post(
        "/admin/core/apitoken/add/", {"user": owner.pk, "name": "导入脚本"}, follow=True
    )

    token = ApiToken.objects.get()
    shown: Any = [str(m) for m in response.context["messages"]]
    key = shown[0].rsplit(" ", 1)[-1]
    assert token.name == "导入脚本"
    assert client.get("/api/v1/roles", headers=bearer(key)).status_code == 200
    assert token.key_hash != key


@pytest.mark.parametrize(
    "url",
    [
        "/admin/core/auditevent/",
        "/admin/core/apitoken/",
        "/admin/grids/jurisdiction/",
        "/admin/grids/gridlevel/",
        "/admin/grids/grid/?q=410185001",
        "/admin/people/role/",
        "/admin/people/person/",
        "/admin/people/assignment/",
    ],
)
def test_admin_changelists_render(
    small_jurisdiction: dict[str, Grid], client: Client, url: str
) -> None:
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-for-tests"))

    assert client.get(url).status_code == 200


def test_admin_grid_edit_goes_through_the_service_and_is_audited(
    small_jurisdiction: dict[str, Grid], client: Client
) -> None:
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-for-tests"))
    leaf = small_jurisdiction[LEAF_A]

    response = client.post(
        f"/admin/grids/grid/{leaf.pk}/change/",
        {"name": "改名", "households": "410", "population": "1200"},
    )

    leaf.refresh_from_db()
    assert response.status_code == 302
    assert (leaf.name, leaf.households, leaf.boundary["type"]) == ("改名", 410, "Polygon")
    assert AuditEvent.objects.last().action == "grid.update"  # type: ignore[union-attr]
    first_event = AuditEvent.objects.order_by("id").values_list("id", flat=True)[0]
    assert client.get(f"/admin/core/auditevent/{first_event}/change/").status_code == 200
    assert client.get("/admin/core/auditevent/add/").status_code == 403
