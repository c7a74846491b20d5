"""Open311 GeoReport v2 conformance, written from the spec text (wiki.open311.org/GeoReport_v2,
/Service_Discovery, /JSON_and_XML_Conversion, /GeoReport_v2/Extensions), section by section.

XML answers are parsed with xml.etree and checked element by element; JSON answers must be the
Spark mapping of the same document (root dropped, repeated children always an array).
"""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own answers
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from firegrid.core import pii
from firegrid.grids.models import Grid
from firegrid.grids.services import grids_import
from firegrid.hazards.models import HazardCategory
from firegrid.inspections.tests.conftest import jpeg_bytes, place_in
from firegrid.reports.models import (
    Open311Client,
    Report,
    ReportPhoto,
    ReportService,
    ServiceAttribute,
)
from firegrid.reports.open311.auth import key_digest, open311_client_create
from firegrid.reports.services import ReportIn, report_submit

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
FORMATS = ["xml", "json"]
LEAF = "410185001001001"  # 网格1-1-1: lon 113.0-113.1, lat 34.4-34.5
INSIDE = {"lat": "34.45", "long": "113.05"}
OTHER_LEAF_POINT = {"lat": "34.55", "long": "113.35"}  # 网格2-2-2
W3_LOCAL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")

# Element names and order, from the spec's response tables.
SERVICE_FIELDS = [
    "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
]  # fmt: skip
ATTRIBUTE_FIELDS = [
    "variable", "code", "datatype", "required", "datatype_description", "order", "description",
    "values",
]  # fmt: skip
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url",
]  # fmt: skip
POST_FIELDS = ["service_request_id", "service_notice", "account_id"]
TOKEN_FIELDS = ["service_request_id", "token"]
ERROR_FIELDS = ["code", "description"]
DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]


# ------------------------------------------------------------------------------ helpers


def parse_xml(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own answer


def parse_json(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def text(value: Any) -> str:
    """A JSON scalar as the XML text of the same document."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def records(response: Any, fmt: str, root: str, item: str) -> list[dict[str, str]]:
    """The flat children of each `item` of `root`, as text, in document order."""
    if fmt == "xml":
        doc = parse_xml(response)
        assert doc.tag == root
        assert [child.tag for child in doc] == [item] * len(doc)
        return [{c.tag: (c.text or "") for c in element} for element in doc]
    data = parse_json(response)
    assert isinstance(data, list)
    return [{k: text(v) for k, v in entry.items()} for entry in data]


def errors(response: Any, fmt: str, status: int) -> list[str]:
    """Spec "Errors": errors/error/code, description; code = the HTTP status here."""
    assert response.status_code == status
    rows = records(response, fmt, "errors", "error")
    assert rows
    for row in rows:
        assert list(row) == ERROR_FIELDS
        assert row["code"] == str(status)
        assert row["description"]
    if fmt == "json":
        assert all(isinstance(e["code"], int) for e in parse_json(response))
    return [row["description"] for row in rows]


def form(data: dict[str, Any]) -> str:
    return urlencode(data, doseq=True)


def post(client: Client, fmt: str, data: dict[str, Any], **extra: Any) -> Any:
    """POST as the spec sends it: application/x-www-form-urlencoded; charset=utf-8."""
    return client.post(
        f"{BASE}/requests.{fmt}",
        form(data),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        **extra,
    )


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture
def catalogue(small_jurisdiction: dict[str, Grid]) -> dict[str, ReportService]:
    ReportService.objects.all().delete()  # the default catalogue: this module brings its own
    category = HazardCategory.objects.order_by("id").first()
    assert category is not None
    exit_blocked = ReportService.objects.create(
        code="exit-blocked",
        name="安全出口堵塞",
        name_en="Blocked fire exit",
        description="疏散通道、安全出口被堵塞或锁闭",
        description_en="Escape route or fire exit blocked or locked",
        group="疏散",
        keywords="出口,通道,锁",
        hazard_category=category,
        urgent=True,
        sort_order=1,
    )
    ServiceAttribute.objects.create(
        service=exit_blocked, code="floor", datatype="number", required=True,
        description="在几楼？", description_en="Which floor?", order=1,
    )  # fmt: skip
    ServiceAttribute.objects.create(
        service=exit_blocked, code="kind", datatype="singlevaluelist", order=2,
        description="什么场所？", description_en="What kind of place?",
        values=[{"key": "shop", "name": "商店", "name_en": "Shop"},
                {"key": "home", "name": "住宅", "name_en": "Home"}],
    )  # fmt: skip
    ServiceAttribute.objects.create(
        service=exit_blocked, code="blocked_by", datatype="multivaluelist", order=3,
        description="被什么堵塞？", description_en="Blocked by what?",
        values=[{"key": "goods", "name": "货物"}, {"key": "bikes", "name": "电动车"},
                {"key": "lock", "name": "上锁"}],
    )  # fmt: skip
    charging = ReportService.objects.create(
        code="ebike-charging",
        name="电动车违规充电",
        name_en="E-bike charging indoors",
        hazard_category=category,
        sort_order=2,
    )
    retired = ReportService.objects.create(
        code="retired", name="停用类别", hazard_category=category, active=False, sort_order=3
    )
    return {"exit": exit_blocked, "charging": charging, "retired": retired}


@pytest.fixture
def api_key(catalogue: dict[str, ReportService]) -> str:
    _client, key = open311_client_create(actor=None, name="12345 平台")
    return key


def charging_post(key: str, /, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "api_key": key,
        "service_code": "ebike-charging",
        **INSIDE,
        "description": "楼道里有电动车在充电\n每天晚上都有",
        "address_string": "幸福路 12 号 3 单元",
        "device_id": "dev-1",
        "first_name": "三",
        "last_name": "张",
        "phone": "13912345678",
        "email": "zhang@example.org",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def exit_post(key: str, /, **changes: Any) -> dict[str, Any]:
    data = charging_post(key, **{"service_code": "exit-blocked", **changes})
    data.setdefault("attribute[floor]", "3")
    return {k: v for k, v in data.items() if v is not None}


def file_report(
    service: str = "ebike-charging",
    *,
    when: datetime.datetime | None = None,
    point: tuple[float, float] = (113.05, 34.45),
    **fields: Any,
) -> Report:
    """A report filed through the real service (the web page's path), at `when`."""
    attributes = {"floor": 2} if service == "exit-blocked" else {}
    data = ReportIn(
        service_code=service,
        description="有人堵了通道",
        lon=point[0],
        lat=point[1],
        attributes=attributes,
        **fields,
    )
    return report_submit(data=data, now=when or timezone.now())


def nothing_stored() -> None:
    assert Report.objects.count() == 0
    assert ReportPhoto.objects.count() == 0


# ======================================================= Internationalization and Encoding


@pytest.mark.parametrize("fmt", FORMATS)
def test_answers_are_utf8_with_the_spec_content_types(client: Client, catalogue: Any, fmt: str):
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200
    assert "安全出口堵塞".encode() in response.content  # UTF-8, not escaped
    if fmt == "xml":
        assert parse_xml(response).tag == "services"
    else:
        assert isinstance(parse_json(response), list)


def test_datetimes_are_w3_iso8601_with_the_offset(client: Client, catalogue: Any):
    report = file_report(when=timezone.now() - datetime.timedelta(days=1))
    (row,) = records(client.get(f"{BASE}/requests/{report.tracking_code}.xml"), "xml",
                     "service_requests", "request")  # fmt: skip
    assert W3_LOCAL.match(row["requested_datetime"])
    assert W3_LOCAL.match(row["updated_datetime"])
    parsed = datetime.datetime.fromisoformat(row["requested_datetime"])
    assert parsed == report.requested_at.replace(microsecond=0)


# ================================================================== Format Support


def test_unknown_format_is_a_404_error_array_in_xml(client: Client, catalogue: Any):
    for url in ("services.html", "services/exit-blocked.csv", "requests.yaml", "discovery.txt"):
        descriptions = errors(client.get(f"{BASE}/{url}"), "xml", 404)
        assert "xml" in descriptions[0]


def test_post_in_an_unknown_format_stores_nothing(client: Client, api_key: str):
    response = client.post(f"{BASE}/requests.html", form(charging_post(api_key)),
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    errors(response, "xml", 404)
    nothing_stored()


@pytest.mark.parametrize("fmt", FORMATS)
def test_any_other_url_under_the_prefix_is_a_404_error_array(client: Client, fmt: str):
    errors(client.get(f"{BASE}/nothing/here.{fmt}"), fmt, 404)


def test_a_resource_without_format_is_a_404_error_array(client: Client, catalogue: Any):
    errors(client.get(f"{BASE}/services"), "xml", 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_wrong_method_is_refused_in_the_error_format(client: Client, catalogue: Any, fmt: str):
    response = client.post(f"{BASE}/services.{fmt}")
    errors(response, fmt, 405)
    assert response["Allow"] == "GET"


# ================================================================= Service Discovery


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_describes_the_v2_endpoint(client: Client, catalogue: Any, fmt: str):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        doc = parse_xml(response)
        assert doc.tag == "discovery"
        assert [c.tag for c in doc] == DISCOVERY_FIELDS
        endpoints = doc.find("endpoints")
        assert endpoints is not None
        (endpoint,) = list(endpoints)
        assert endpoint.tag == "endpoint"
        assert [c.tag for c in endpoint] == ENDPOINT_FIELDS
        fields = {c.tag: c.text for c in endpoint}
        formats = [f.text for f in endpoint.iterfind("formats/format")]
        assert all(doc.findtext(name) for name in ("changeset", "contact", "key_service"))
    else:
        doc = parse_json(response)
        assert list(doc) == DISCOVERY_FIELDS
        (fields,) = doc["endpoints"]
        assert list(fields) == ENDPOINT_FIELDS
        formats = fields["formats"]
        assert all(doc[name] for name in ("changeset", "contact", "key_service"))
    assert fields["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert fields["url"] == "http://testserver/open311/v2"
    assert fields["type"] == "production"
    assert formats == ["text/xml", "application/json"]


# ================================================================= GET Service List


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_list_has_the_spec_elements(client: Client, catalogue: Any, fmt: str):
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200
    rows = records(response, fmt, "services", "service")
    assert [list(row) for row in rows] == [SERVICE_FIELDS, SERVICE_FIELDS]  # inactive left out
    exit_row, charging_row = rows
    assert exit_row == {
        "service_code": "exit-blocked",
        "service_name": "安全出口堵塞",
        "description": "疏散通道、安全出口被堵塞或锁闭",
        "metadata": "true",  # it has attributes: the client must read the definition
        "type": "realtime",  # the service_request_id comes back at once
        "keywords": "出口,通道,锁",
        "group": "疏散",
    }
    assert charging_row["metadata"] == "false"
    assert charging_row["type"] == "realtime"


def test_service_list_in_english_when_asked(client: Client, catalogue: Any):
    response = client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en")
    names = [row["service_name"] for row in parse_json(response)]
    assert names == ["Blocked fire exit", "E-bike charging indoors"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_list_unknown_jurisdiction_is_404(client: Client, catalogue: Any, fmt: str):
    response = client.get(f"{BASE}/services.{fmt}?jurisdiction_id=999999")
    assert "999999" in errors(response, fmt, 404)[0]


def test_service_list_accepts_the_hosted_jurisdiction(client: Client, catalogue: Any):
    response = client.get(f"{BASE}/services.xml?jurisdiction_id=410185")
    assert len(records(response, "xml", "services", "service")) == 2


# =========================================================== GET Service Definition


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_lists_attributes(client: Client, catalogue: Any, fmt: str):
    response = client.get(f"{BASE}/services/exit-blocked.{fmt}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    if fmt == "xml":
        doc = parse_xml(response)
        assert doc.tag == "service_definition"
        assert [c.tag for c in doc] == ["service_code", "attributes"]
        assert doc.findtext("service_code") == "exit-blocked"
        attributes = doc.findall("attributes/attribute")
        rows = [{c.tag: c.text or "" for c in a if c.tag != "values"} for a in attributes]
        assert all([c.tag for c in a] == ATTRIBUTE_FIELDS for a in attributes)
        values = [
            [(v.findtext("key"), v.findtext("name")) for v in a.iterfind("values/value")]
            for a in attributes
        ]
        assert all([c.tag for c in v] == ["key", "name"] for v in doc.iter("value"))
    else:
        doc = parse_json(response)
        assert list(doc) == ["service_code", "attributes"]
        assert doc["service_code"] == "exit-blocked"
        assert all(list(a) == ATTRIBUTE_FIELDS for a in doc["attributes"])
        rows = [{k: text(v) for k, v in a.items() if k != "values"} for a in doc["attributes"]]
        values = [[(v["key"], v["name"]) for v in a["values"]] for a in doc["attributes"]]
    assert [row["code"] for row in rows] == ["floor", "kind", "blocked_by"]  # by `order`
    assert rows[0] == {
        "variable": "true",
        "code": "floor",
        "datatype": "number",
        "required": "true",
        "datatype_description": "",
        "order": "1",
        "description": "Which floor?",
    }
    assert [row["datatype"] for row in rows] == ["number", "singlevaluelist", "multivaluelist"]
    assert [row["required"] for row in rows] == ["true", "false", "false"]
    assert values == [
        [],
        [("shop", "Shop"), ("home", "Home")],
        [("goods", "货物"), ("bikes", "电动车"), ("lock", "上锁")],  # no English: Chinese
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_of_a_service_without_attributes(
    client: Client, catalogue: Any, fmt: str
):
    response = client.get(f"{BASE}/services/ebike-charging.{fmt}")
    if fmt == "xml":
        doc = parse_xml(response)
        assert doc.findtext("service_code") == "ebike-charging"
        assert doc.findall("attributes/attribute") == []
    else:
        assert parse_json(response) == {"service_code": "ebike-charging", "attributes": []}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["no-such-service", "retired"])
def test_service_definition_unknown_or_inactive_is_404(
    client: Client, catalogue: Any, fmt: str, code: str
):
    assert code in errors(client.get(f"{BASE}/services/{code}.{fmt}"), fmt, 404)[0]


# ============================================================== POST Service Request


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_creates_one_routed_report(client: Client, api_key: str, fmt: str):
    response = post(client, fmt, charging_post(api_key))
    assert response.status_code == 201
    (row,) = records(response, fmt, "service_requests", "request")
    assert list(row) == POST_FIELDS
    report = Report.objects.get()
    assert row["service_request_id"] == report.tracking_code
    assert row["service_notice"]
    assert row["account_id"] == ""
    assert report.channel == Report.Channel.OPEN311
    assert report.client == Open311Client.objects.get(key_digest=key_digest(api_key))
    assert report.grid.code == LEAF
    assert report.jurisdiction.code == "410185"
    assert (report.lon, report.lat) == (113.05, 34.45)
    assert report.address == "幸福路 12 号 3 单元"
    assert report.description == "楼道里有电动车在充电\n每天晚上都有"  # line breaks kept
    assert report.contact_name == "张三"  # family name first
    assert pii.decrypt(report.contact_phone) == "13912345678"
    assert pii.decrypt(report.contact_email) == "zhang@example.org"
    assert report.device_id == "dev-1"
    assert report.state == Report.State.NEW


def test_post_notice_says_when_staff_will_act(client: Client, api_key: str):
    urgent = post(client, "json", exit_post(api_key), HTTP_ACCEPT_LANGUAGE="en")
    normal = post(client, "json", charging_post(api_key), HTTP_ACCEPT_LANGUAGE="en")
    assert "24 hours" in parse_json(urgent)[0]["service_notice"]
    assert "3 working days" in parse_json(normal)[0]["service_notice"]


def test_post_attributes_single_and_multivaluelist(client: Client, api_key: str):
    data = exit_post(api_key, **{"attribute[kind]": "shop"})
    body = form(data) + "&attribute[blocked_by][]=goods&attribute[blocked_by][]=lock"
    response = client.post(f"{BASE}/requests.xml", body,
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 201
    assert Report.objects.get().attributes == {
        "floor": 3,
        "kind": "shop",
        "blocked_by": ["goods", "lock"],
    }


def test_post_photo_as_multipart_media(client: Client, api_key: str):
    data: dict[str, Any] = charging_post(api_key)
    data["media"] = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(f"{BASE}/requests.json", data)  # multipart/form-data
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.photos.count() == 1


def test_post_media_url_is_not_fetched_and_the_notice_says_so(client: Client, api_key: str):
    data = charging_post(api_key, media_url="http://example.org/photo.jpg")
    response = post(client, "json", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201
    assert "media_url was not fetched" in parse_json(response)[0]["service_notice"]
    assert Report.objects.get().photos.count() == 0


def test_post_address_id_is_a_place(
    client: Client, api_key: str, small_jurisdiction: dict[str, Grid]
):
    shop = place_in(small_jurisdiction["410185002002002"], name="平安小卖部")
    data = charging_post(api_key, lat=None, long=None, address_string=None, address_id=shop.pk)
    response = post(client, "xml", data)
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.place == shop
    assert report.grid.code == "410185002002002"


def test_post_is_exempt_from_csrf(api_key: str):
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "xml", charging_post(api_key)).status_code == 201


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("case", "changes", "status", "argument"),
    [
        ("missing api_key", {"api_key": None}, 403, "api_key"),
        ("wrong api_key", {"api_key": "not-a-key"}, 403, "api_key"),
        ("missing service_code", {"service_code": None}, 400, "service_code"),
        ("unknown service_code", {"service_code": "potholes"}, 404, "service_code"),
        ("inactive service_code", {"service_code": "retired"}, 404, "service_code"),
        ("no location", {"lat": None, "long": None, "address_string": None}, 400, "lat"),
        ("address_string only", {"lat": None, "long": None}, 400, "lat"),
        ("lat without long", {"long": None}, 400, "long"),
        ("lat not a number", {"lat": "north"}, 400, "lat"),
        ("lat out of range", {"lat": "134.45"}, 400, "lat"),
        ("point outside the county", {"lat": "39.9", "long": "116.4"}, 400, "lat"),
        ("unknown address_id", {"lat": None, "long": None, "address_id": "999999"}, 400,
         "address_id"),
        ("description over 4000", {"description": "火" * 4001}, 400, "description"),
        ("description with html", {"description": "看<script>alert(1)</script>"}, 400,
         "description"),
        ("attribute not in the definition", {"attribute[colour]": "red"}, 400,
         "attribute[colour]"),
        ("malformed attribute", {"attribute": "red"}, 400, "attribute"),
        ("unknown jurisdiction", {"jurisdiction_id": "999999"}, 404, "jurisdiction_id"),
        ("bad phone", {"phone": "12"}, 400, "phone"),
    ],
)  # fmt: skip
def test_post_errors_store_nothing(
    client: Client,
    api_key: str,
    fmt: str,
    case: str,
    changes: dict[str, Any],
    status: int,
    argument: str,
):
    response = post(client, fmt, charging_post(api_key, **changes), HTTP_ACCEPT_LANGUAGE="en")
    descriptions = errors(response, fmt, status)
    assert any(d.startswith(f"{argument}: ") or argument in d for d in descriptions), descriptions
    nothing_stored()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("changes", "argument"),
    [
        ({"attribute[floor]": None}, "attribute[floor]"),  # required
        ({"attribute[floor]": "third"}, "attribute[floor]"),  # number
        ({"attribute[kind]": "castle"}, "attribute[kind]"),  # not a listed key
    ],
)
def test_post_attribute_errors_store_nothing(
    client: Client, api_key: str, fmt: str, changes: dict[str, Any], argument: str
):
    data = exit_post(api_key)
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    descriptions = errors(post(client, fmt, data), fmt, 400)
    assert descriptions[0].startswith(f"{argument}: ")
    nothing_stored()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_photo_that_is_not_an_image_stores_nothing(client: Client, api_key: str, fmt: str):
    data: dict[str, Any] = charging_post(api_key)
    data["media"] = SimpleUploadedFile("p.jpg", b"MZ\x90\x00 not a jpeg", content_type="image/jpeg")
    descriptions = errors(client.post(f"{BASE}/requests.{fmt}", data), fmt, 400)
    assert descriptions[0].startswith("media: ")
    nothing_stored()


def test_post_with_a_disabled_key_is_403(client: Client, api_key: str):
    Open311Client.objects.update(active=False)
    errors(post(client, "xml", charging_post(api_key)), "xml", 403)
    nothing_stored()


def test_post_from_a_blocked_device_is_403(client: Client, api_key: str):
    from firegrid.reports.abuse import block_sender

    block_sender(actor=None, kind="device", value="dev-1", reason="恶意举报")
    errors(post(client, "json", charging_post(api_key)), "json", 403)
    nothing_stored()
    assert post(client, "json", charging_post(api_key, device_id="dev-2")).status_code == 201


def test_post_needs_jurisdiction_id_when_several_are_hosted(client: Client, api_key: str):
    from firegrid.conftest import neighbouring_collection

    grids_import(collection=neighbouring_collection(), actor=None)
    descriptions = errors(post(client, "xml", charging_post(api_key)), "xml", 400)
    assert descriptions[0].startswith("jurisdiction_id: ")
    nothing_stored()
    # The point belongs to 410185: naming the neighbour refuses it, naming its own county files it.
    wrong = post(client, "xml", charging_post(api_key, jurisdiction_id="410186"))
    errors(wrong, "xml", 400)
    nothing_stored()
    right = post(client, "xml", charging_post(api_key, jurisdiction_id="410185"))
    assert right.status_code == 201
    assert Report.objects.get().jurisdiction.code == "410185"


def test_post_faster_than_the_client_budget_is_429(client: Client, api_key: str, settings: Any):
    settings.FIREGRID_OPEN311_RATE_PER_CLIENT_MINUTE = 2
    assert post(client, "xml", charging_post(api_key)).status_code == 201
    assert post(client, "xml", charging_post(api_key)).status_code == 201
    response = post(client, "json", charging_post(api_key))
    errors(response, "json", 429)
    assert response["Retry-After"] == "60"
    assert Report.objects.count() == 2


# ================================================== GET service_request_id from a token


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_gives_the_service_request_id(client: Client, api_key: str, fmt: str):
    created = post(client, fmt, charging_post(api_key))
    token = created["X-Open311-Token"]
    report = Report.objects.get()
    assert token == report.token
    response = client.get(f"{BASE}/tokens/{token}.{fmt}")
    assert response.status_code == 200
    (row,) = records(response, fmt, "service_requests", "request")
    assert list(row) == TOKEN_FIELDS
    assert row == {"service_request_id": report.tracking_code, "token": token}


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_token_is_404(client: Client, catalogue: Any, fmt: str):
    errors(client.get(f"{BASE}/tokens/0123456789abcdef.{fmt}"), fmt, 404)


# ================================================================ GET Service Requests


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_list_elements_and_values(client: Client, catalogue: Any, fmt: str):
    report = file_report(
        "exit-blocked", contact_phone="13912345678", contact_email="li@example.org",
        contact_name="李四", device_id="device-xyz", address="幸福路 12 号",
    )  # fmt: skip
    response = client.get(f"{BASE}/requests.{fmt}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    (row,) = records(response, fmt, "service_requests", "request")
    assert list(row) == REQUEST_FIELDS
    leaf = Grid.objects.get(code=LEAF)
    assert row["service_request_id"] == report.tracking_code
    assert row["status"] == "open"
    assert row["service_name"] == "Blocked fire exit"
    assert row["service_code"] == "exit-blocked"
    assert row["description"] == "有人堵了通道"
    assert row["agency_responsible"] == leaf.name
    assert "24 hours" in row["service_notice"]
    assert W3_LOCAL.match(row["requested_datetime"])
    assert report.triage_due is not None
    expected = datetime.datetime.fromisoformat(row["expected_datetime"])
    assert expected == report.triage_due.replace(microsecond=0)
    assert row["address"] == "幸福路 12 号"
    assert (row["address_id"], row["zipcode"]) == ("", "")
    assert (float(row["lat"]), float(row["long"])) == (34.45, 113.05)
    assert row["media_url"] == ""
    if fmt == "json":
        item = parse_json(response)[0]
        assert isinstance(item["lat"], float) and isinstance(item["long"], float)


@pytest.mark.parametrize("fmt", FORMATS)
def test_reporter_contact_never_appears_in_get(client: Client, api_key: str, fmt: str):
    post(client, fmt, charging_post(api_key, email="secret.person@example.org"))
    tracking = Report.objects.get().tracking_code
    for url in (f"requests.{fmt}", f"requests/{tracking}.{fmt}"):
        body = client.get(f"{BASE}/{url}").content.decode("utf-8")
        for secret in ("13912345678", "139****5678", "secret.person", "张三", "dev-1"):
            assert secret not in body


def test_default_window_is_the_most_recent_90_days(client: Client, catalogue: Any):
    now = timezone.now()
    recent = file_report(when=now - datetime.timedelta(days=89))
    file_report(when=now - datetime.timedelta(days=91))
    rows = records(client.get(f"{BASE}/requests.xml"), "xml", "service_requests", "request")
    assert [row["service_request_id"] for row in rows] == [recent.tracking_code]


def test_start_and_end_date_select_requested_datetime(client: Client, catalogue: Any):
    base = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
    reports = [file_report(when=base + datetime.timedelta(days=d)) for d in (0, 10, 20)]
    query = {"start_date": "2026-06-05T00:00:00Z", "end_date": "2026-06-15T00:00:00+00:00"}
    rows = records(client.get(f"{BASE}/requests.json?{form(query)}"), "json", "", "")
    assert [row["service_request_id"] for row in rows] == [reports[1].tracking_code]
    # start_date alone: 90 days from it; end_date alone: the 90 days before it.
    rows = records(client.get(f"{BASE}/requests.json?start_date=2026-06-05T00:00:00%2B08:00"),
                   "json", "", "")  # fmt: skip
    assert [row["service_request_id"] for row in rows] == [
        reports[2].tracking_code, reports[1].tracking_code,
    ]  # fmt: skip
    rows = records(
        client.get(f"{BASE}/requests.json?end_date=2026-06-05T00:00:00Z"), "json", "", ""
    )
    assert [row["service_request_id"] for row in rows] == [reports[0].tracking_code]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-05-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"}, "end_date"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"status": "pending"}, "status"),
        ({"page": "0"}, "page"),
        ({"page_size": "1001"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
    ],
)
def test_requests_list_bad_arguments_are_400(
    client: Client, catalogue: Any, fmt: str, query: dict[str, str], argument: str
):
    response = client.get(f"{BASE}/requests.{fmt}?{form(query)}")
    assert errors(response, fmt, 400)[0].startswith(f"{argument}: ")


def test_a_window_of_exactly_90_days_is_allowed(client: Client, catalogue: Any):
    query = {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"}
    assert client.get(f"{BASE}/requests.xml?{form(query)}").status_code == 200


def test_service_code_filter_takes_a_comma_list(client: Client, catalogue: Any):
    exit_report = file_report("exit-blocked")
    charging = file_report("ebike-charging", point=(113.35, 34.55))
    url = f"{BASE}/requests.json?service_code="
    assert [r["service_request_id"] for r in parse_json(client.get(url + "exit-blocked"))] == [
        exit_report.tracking_code
    ]
    both = parse_json(client.get(url + "exit-blocked,ebike-charging"))
    assert {r["service_request_id"] for r in both} == {
        exit_report.tracking_code,
        charging.tracking_code,
    }


def test_status_filter_open_and_closed(client: Client, catalogue: Any):
    open_report = file_report()
    closed_report = file_report(point=(113.35, 34.55))
    Report.objects.filter(pk=closed_report.pk).update(state=Report.State.CLOSED)

    def ids(query: str) -> list[str]:
        rows = parse_json(client.get(f"{BASE}/requests.json?{query}"))
        return sorted(r["service_request_id"] + ":" + r["status"] for r in rows)

    assert ids("status=open") == [f"{open_report.tracking_code}:open"]
    assert ids("status=closed") == [f"{closed_report.tracking_code}:closed"]
    assert ids("status=open,closed") == sorted(
        [f"{open_report.tracking_code}:open", f"{closed_report.tracking_code}:closed"]
    )


def test_service_request_id_list_overrides_the_other_filters(client: Client, catalogue: Any):
    old = file_report(when=timezone.now() - datetime.timedelta(days=200))
    new = file_report(point=(113.35, 34.55))
    file_report(point=(113.25, 34.45))
    query = form({
        "service_request_id": f"{old.tracking_code},{new.tracking_code.lower()},NOPE2345",
        "service_code": "exit-blocked",
        "status": "closed",
    })  # fmt: skip
    rows = parse_json(client.get(f"{BASE}/requests.json?{query}"))
    assert sorted(r["service_request_id"] for r in rows) == sorted(
        [old.tracking_code, new.tracking_code]
    )


def test_hidden_reports_are_never_listed(client: Client, catalogue: Any):
    shown = file_report()
    hidden = file_report(point=(113.35, 34.55))
    Report.objects.filter(pk=hidden.pk).update(hidden=True, hidden_reason="abuse")
    rows = parse_json(client.get(f"{BASE}/requests.json"))
    assert [r["service_request_id"] for r in rows] == [shown.tracking_code]
    by_id = parse_json(
        client.get(f"{BASE}/requests.json?service_request_id={hidden.tracking_code}")
    )
    assert by_id == []
    errors(client.get(f"{BASE}/requests/{hidden.tracking_code}.json"), "json", 404)
    errors(client.get(f"{BASE}/tokens/{hidden.token}.json"), "json", 404)


def test_page_and_page_size_extension(client: Client, catalogue: Any):
    now = timezone.now()
    made = [file_report(when=now - datetime.timedelta(hours=h)) for h in range(5)]
    newest_first = [r.tracking_code for r in made]

    def page(number: int) -> list[str]:
        rows = parse_json(client.get(f"{BASE}/requests.json?page_size=2&page={number}"))
        return [r["service_request_id"] for r in rows]

    assert [page(1), page(2), page(3), page(4)] == [
        newest_first[0:2], newest_first[2:4], newest_first[4:5], [],
    ]  # fmt: skip


def test_list_is_capped_at_1000_requests(client: Client, catalogue: Any):
    template = file_report()
    now = timezone.now()
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Report._meta.concrete_fields
        if not f.primary_key
    }
    Report.objects.bulk_create(
        Report(**{**fields, "tracking_code": f"B{n:07d}", "token": f"t{n:031d}",
                  "requested_at": now - datetime.timedelta(minutes=n + 1)})
        for n in range(1000)
    )  # fmt: skip
    rows = parse_json(client.get(f"{BASE}/requests.json"))
    assert len(rows) == 1000
    assert rows[0]["service_request_id"] == template.tracking_code
    assert len(parse_json(client.get(f"{BASE}/requests.json?page=2"))) == 1


def test_requests_of_one_jurisdiction(client: Client, catalogue: Any):
    from firegrid.conftest import neighbouring_collection

    grids_import(collection=neighbouring_collection(), actor=None)
    here = file_report()
    there = file_report(point=(114.05, 34.45))
    assert there.jurisdiction.code == "410186"

    def ids(query: str) -> set[str]:
        return {
            r["service_request_id"] for r in parse_json(client.get(f"{BASE}/requests.json{query}"))
        }

    assert ids("?jurisdiction_id=410185") == {here.tracking_code}
    assert ids("?jurisdiction_id=410186") == {there.tracking_code}
    assert ids("") == {here.tracking_code, there.tracking_code}  # GET reads across counties
    errors(client.get(f"{BASE}/requests.json?jurisdiction_id=1"), "json", 404)


def test_requests_list_query_count_does_not_grow(client: Client, catalogue: Any):
    file_report()
    file_report("exit-blocked")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{BASE}/requests.xml").status_code == 200
        return len(queries)

    small = count()
    for n in range(4):
        file_report(point=(113.15 + n * 0.05, 34.55))
    assert count() == small


# ================================================================= GET Service Request


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_by_id(client: Client, catalogue: Any, fmt: str):
    report = file_report("exit-blocked", address="幸福路 12 号")
    response = client.get(f"{BASE}/requests/{report.tracking_code}.{fmt}")
    assert response.status_code == 200
    (row,) = records(response, fmt, "service_requests", "request")
    assert list(row) == REQUEST_FIELDS
    assert row["service_request_id"] == report.tracking_code
    assert row["service_name"] == "安全出口堵塞"
    assert row["status"] == "open"


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_request_id_is_404(client: Client, catalogue: Any, fmt: str):
    errors(client.get(f"{BASE}/requests/ZZZZ9999.{fmt}"), fmt, 404)


def test_request_of_another_jurisdiction_is_404(client: Client, catalogue: Any):
    from firegrid.conftest import neighbouring_collection

    grids_import(collection=neighbouring_collection(), actor=None)
    report = file_report()
    url = f"{BASE}/requests/{report.tracking_code}.xml"
    assert client.get(url + "?jurisdiction_id=410185").status_code == 200
    errors(client.get(url + "?jurisdiction_id=410186"), "xml", 404)


# ============================================================================== Errors


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_api_key_error_is_the_spec_example_shape(client: Client, api_key: str, fmt: str):
    response = post(client, fmt, charging_post(api_key, api_key=None), HTTP_ACCEPT_LANGUAGE="en")
    if fmt == "xml":
        doc = parse_xml(response)
        assert doc.tag == "errors"
        (error,) = list(doc)
        assert error.tag == "error"
        assert [c.tag for c in error] == ["code", "description"]
        assert error.findtext("code") == "403"
    else:
        (error,) = parse_json(response)
        assert error["code"] == 403
    assert response.status_code == 403
    nothing_stored()


def test_xml_answer_survives_control_characters(client: Client, catalogue: Any):
    file_report()
    Report.objects.update(description="bad\x01byte")
    (row,) = records(client.get(f"{BASE}/requests.xml"), "xml", "service_requests", "request")
    assert row["description"] == "badbyte"
