"""Hand-written fuzz set for Open311 (issue 12): nasty values in every argument of every
endpoint, in XML and JSON. Nothing answers 5xx; every refusal is the spec's error array
(errors/error/code, description) in the format the path asks for."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own answers
from typing import Any

import pytest
from django.test import Client

from firegrid.grids.models import Grid
from firegrid.reports.models import Report
from firegrid.reports.open311.auth import open311_client_create

BASE = "/open311/v2"
NASTY = [
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "9" * 40,
    "100000000000000000",
    "-1",
    "0",
    "²",
    "٣",
    "١٢٣",
    "9999-12-31",
    "0001-01-01",
    "0001-01-01T00:00:00+08:00",
    "２０２６-01-01",
    "1e400",
    "nan",
    "-inf",
    "[]",
    '{"a": 1}',
    "<x>&amp;</x>",
    "'; DROP TABLE reports_report; --",
    "x" * 20000,
]
GET_ARGUMENTS = {
    "requests": [
        "jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date",
        "status", "page", "page_size",
    ],
    "services": ["jurisdiction_id"],
    "services/exits_blocked": ["jurisdiction_id"],
    "discovery": ["jurisdiction_id"],
}  # fmt: skip
POST_ARGUMENTS = [
    "service_code", "lat", "long", "address_id", "address_string", "description",
    "attribute[x]", "first_name", "last_name", "email", "phone", "device_id", "media_url",
    "jurisdiction_id", "api_key",
]  # fmt: skip
PATH_VALUES = ["9" * 40, "²", "٣", "x" * 300, "a%00b", "%00"]


def assert_error_array(response: Any, fmt: str) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code < 400:
        return
    status = response.status_code
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = json.loads(response.content)
        assert isinstance(body, list) and body
        for error in body:
            assert list(error) == ["code", "description"]
            assert error["code"] == status
            assert error["description"]
    else:
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        root = ET.fromstring(response.content)  # noqa: S314 - our own answer
        assert root.tag == "errors"
        assert [child.tag for child in root] == ["error"] * len(root) and len(root) > 0
        for error in root:
            assert [c.tag for c in error] == ["code", "description"]
            assert error.findtext("code") == str(status)


@pytest.fixture
def api_key(small_jurisdiction: dict[str, Grid]) -> str:
    _client, key = open311_client_create(actor=None, name="fuzz")
    return key


def valid_post(key: str) -> dict[str, str]:
    return {
        "api_key": key,
        "service_code": "exits_blocked",
        "lat": "34.45",
        "long": "113.05",
        "description": "楼道堵塞",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("value", NASTY, ids=[repr(v)[:24] for v in NASTY])
def test_nasty_values_in_every_argument_never_give_a_server_error(
    client: Client, api_key: str, value: str, fmt: str
) -> None:
    for resource, names in GET_ARGUMENTS.items():
        for name in names:
            assert_error_array(client.get(f"{BASE}/{resource}.{fmt}", {name: value}), fmt)
    reports_before = Report.objects.count()
    for name in POST_ARGUMENTS:
        data = {**valid_post(api_key), name: value}
        assert_error_array(client.post(f"{BASE}/requests.{fmt}", data), fmt)
    control = "\x00" in value or "\x1b" in value
    if control:  # refused before any view: nothing filed
        assert Report.objects.count() == reports_before


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("value", PATH_VALUES)
def test_nasty_path_values_never_give_a_server_error(client: Client, value: str, fmt: str) -> None:
    for resource in ("requests", "tokens", "services"):
        assert_error_array(client.get(f"{BASE}/{resource}/{value}.{fmt}"), fmt)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, field",
    [
        ({"page": "²"}, "page"),
        ({"page": "100000000000000000"}, "page"),
        ({"start_date": "9999-12-31"}, "start_date"),
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"end_date": "0001-01-01T00:00:00"}, "end_date"),
    ],
)
def test_edge_values_in_a_list_are_a_400_naming_the_argument(
    client: Client, small_jurisdiction: dict[str, Grid], query: dict[str, str], field: str
) -> None:
    response = client.get(f"{BASE}/requests.json", query)

    assert response.status_code == 400
    [error] = json.loads(response.content)
    assert error["code"] == 400
    assert error["description"].startswith(f"{field}: ")


@pytest.mark.django_db
@pytest.mark.parametrize("address_id", ["²", "٣", "١٢٣", "9" * 40])
def test_unicode_digits_are_not_a_place_id(client: Client, api_key: str, address_id: str) -> None:
    data = {**valid_post(api_key), "address_id": address_id}
    data.pop("lat"), data.pop("long")
    response = client.post(f"{BASE}/requests.json", data)

    assert response.status_code == 400
    [error] = json.loads(response.content)
    assert error["description"].startswith("address_id: ")
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_nul_in_a_post_is_refused_in_xml_and_nothing_is_filed(
    client: Client, api_key: str
) -> None:
    data = {**valid_post(api_key), "description": "堵塞\x00"}
    response = client.post(f"{BASE}/requests.xml", data)

    assert response.status_code == 400
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer
    assert root.findtext("error/code") == "400"
    assert root.findtext("error/description", "").startswith("description: ")
    assert Report.objects.count() == 0
