"""Bad input never gives a 500 or HTML: the checks of RequestInputMiddleware, the error
envelope for every failure under /api/v1/, and bounded pagination on every list (issue 12)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from firegrid.config.api import api
from firegrid.grids import selectors as grid_selectors
from firegrid.grids.models import Grid
from firegrid.testing import user_with_role

STREET = "410185001"


@pytest.fixture
def office(small_jurisdiction: dict[str, Grid], client: Client) -> Client:
    client.force_login(user_with_role("street_office", small_jurisdiction[STREET]))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # messages asserted in English
    return client


def paginated_lists() -> list[str]:
    """Every GET operation of the API that takes `page` (and no path parameter)."""
    schema = api.get_openapi_schema()
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if "{" not in path
        and any(p["name"] == "page" for p in operations.get("get", {}).get("parameters", []))
    )


def test_the_paginated_lists_are_found() -> None:
    assert len(paginated_lists()) >= 20


@pytest.mark.parametrize("path", paginated_lists())
def test_a_huge_page_is_a_422_and_a_page_past_the_data_is_empty(office: Client, path: str) -> None:
    huge = office.get(path, {"page": "100000000000000000"})
    past = office.get(path, {"page": "1000000"})
    zero_size = office.get(path, {"page_size": "0"})

    assert huge.status_code == 422
    assert huge.json()["error"]["code"] == "invalid_input"
    assert past.status_code == 200
    assert past.json()["items"] == []
    assert zero_size.status_code == 422


def test_a_nul_in_a_query_parameter_is_a_422_envelope(office: Client) -> None:
    response = office.get("/api/v1/grids", {"q": "a\x00b"})

    assert response.status_code == 422
    message = "q contains a NUL or another control character, which is not allowed."
    assert response.json() == {
        "error": {"code": "control_character", "message": message, "details": {"q": message}}
    }


def test_a_nul_in_a_json_body_is_refused_and_nothing_changes(
    office: Client, small_jurisdiction: dict[str, Grid]
) -> None:
    grid = small_jurisdiction[STREET]
    response = office.patch(
        f"/api/v1/grids/{grid.pk}",
        data=json.dumps({"name": "街道\u0000一"}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "control_character"
    assert Grid.objects.get(pk=grid.pk).name == grid.name


def test_a_number_no_bigint_holds_is_a_422(office: Client) -> None:
    response = office.get("/api/v1/hazards", {"place_id": "9" * 25})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "number_too_large"


@pytest.mark.parametrize(
    "query", [{"found_from": "0001-01-01"}, {"found_to": "0"}, {"found_to": "9999-12-31"}]
)
def test_hazard_dates_outside_1900_to_2100_or_not_iso_are_422(
    office: Client, query: dict[str, str]
) -> None:
    response = office.get("/api/v1/hazards", query)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize(
    ("path", "first", "last"),
    [
        ("/api/v1/hazards", "found_from", "found_to"),
        ("/api/v1/inspections/tasks", "due_from", "due_to"),
        ("/api/v1/inspections/tasks/mine", "start", "end"),
    ],
)
def test_a_date_range_ending_before_it_starts_is_422_naming_it(
    office: Client, path: str, first: str, last: str
) -> None:
    response = office.get(
        path, {first: "2026-02-02", last: "2026-02-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert f"{last} is before {first}." in str(error["details"])


@pytest.mark.django_db
def test_a_nul_in_a_page_form_is_a_plain_400(client: Client) -> None:
    response = client.post("/login/", {"username": "a\x00", "password": "x"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing", "/api/v1/grids/abc", "/api/v1/grids/12/nope"]
)
def test_unknown_paths_and_bad_path_parameters_answer_a_json_404(office: Client, path: str) -> None:
    response = office.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "details": None}
    }


def test_a_wrong_method_answers_a_json_405(office: Client) -> None:
    response = office.delete("/api/v1/grids")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_an_unhandled_error_is_a_logged_json_500(
    office: Client, monkeypatch: Any, caplog: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(grid_selectors, "grid_list", broken)
    office.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="firegrid.config.api"):
        response = office.get("/api/v1/grids")

    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": "Something went wrong on the server; it has been logged.",
            "details": None,
        }
    }
    assert "Unhandled error in GET /api/v1/grids" in caplog.text
