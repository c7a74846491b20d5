"""Ledger pages, API and CLI: upload, progress, error report, template, export with filters."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from firegrid.registry.ledger import PLACES
from firegrid.registry.models import LedgerImport, Place
from firegrid.registry.services import place_create
from firegrid.registry.tests.test_ledger_import import (
    COUNTY,
    GRID_A,
    HEADERS,
    ledger_row,
    xlsx,
)

GRID_B = "410185001001002"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    """Pages answer in the browser's language; these tests read English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def office(small_jurisdiction, make_user):
    return make_user("county_office", small_jurisdiction[COUNTY])


def _upload(client, rows, **extra):
    data = {"kind": "places", "file": io.BytesIO(xlsx(rows)), **extra}
    data["file"].name = "台账.xlsx"
    return client.post(reverse("registry:ledger_import"), data)


def _places(count: int, lon: float = 113.05) -> list[Place]:
    return [
        place_create(
            actor=None,
            values={
                "name": f"店{i}",
                "place_type": "hotel" if i % 2 else "small_shop",
                "rooms": 60 if i % 2 else None,
                "licence_number": f"LIC{lon}-{i}",
            },
            lon=lon,
            lat=34.41 + i * 0.001,
        )
        for i in range(count)
    ]


def test_upload_of_a_clean_file_redirects_to_the_finished_job(client, office):
    client.force_login(office)
    response = _upload(client, [ledger_row(1), ledger_row(2)])
    job = LedgerImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:ledger_job", args=[job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Imported: 2 created, 0 updated, 0 unchanged." in text
    assert 'hx-trigger="every 2s"' not in text
    assert Place.objects.count() == 2


def test_rejected_upload_shows_the_error_table_and_the_report_downloads(client, office):
    client.force_login(office)
    _upload(client, [ledger_row(1), ledger_row(2, place_type="太空站")])
    job = LedgerImport.objects.get()
    page = client.get(reverse("registry:ledger_job", args=[job.pk]))
    text = page.content.decode()
    assert "1 problem — nothing was imported" in text
    assert "太空站" in text
    report = client.get(reverse("registry:ledger_errors", args=[job.pk]))
    assert report.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Row", "Column", "Value", "Reason"],
        [3, "场所类型", "太空站", "Unknown place type: pick one from the drop-down list."],
    ]
    assert Place.objects.count() == 0


def test_error_table_is_paginated(client, office):
    client.force_login(office)
    _upload(client, [ledger_row(i, place_type="?") for i in range(60)])
    job = LedgerImport.objects.get()
    first = client.get(reverse("registry:ledger_job", args=[job.pk])).content.decode()
    second = client.get(reverse("registry:ledger_job", args=[job.pk]) + "?page=2")
    assert first.count('class="problem"') == 50
    assert second.content.decode().count('class="problem"') == 10
    assert "Page 1 of 2" in first


def test_running_job_polls_with_htmx_and_the_fragment_has_the_progress(client, office):
    client.force_login(office)
    _upload(client, [ledger_row(1)], dry_run="on")
    job = LedgerImport.objects.get()
    LedgerImport.objects.filter(pk=job.pk).update(
        status=LedgerImport.Status.RUNNING, rows_total=200, rows_done=50, phase="checking"
    )
    page = client.get(reverse("registry:ledger_job", args=[job.pk]))
    assert 'hx-trigger="every 2s"' in page.content.decode()
    fragment = client.get(reverse("registry:ledger_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text
    assert 'value="25"' in text
    assert "50 of 200 rows checked (checking the rows)." in text


def test_a_job_of_another_user_is_not_found(client, office, small_jurisdiction, make_user):
    client.force_login(office)
    _upload(client, [ledger_row(1)])
    job = LedgerImport.objects.get()
    other = make_user("county_office", small_jurisdiction[COUNTY])
    client.force_login(other)
    assert client.get(reverse("registry:ledger_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("registry:ledger_errors", args=[job.pk])).status_code == 404


def test_a_read_only_role_may_not_import(client, small_jurisdiction, make_user):
    volunteer = make_user("volunteer", small_jurisdiction[GRID_A])
    client.force_login(volunteer)
    assert client.get(reverse("registry:ledger_import")).status_code == 403
    assert _upload(client, [ledger_row(1)]).status_code == 403
    assert (LedgerImport.objects.count(), Place.objects.count()) == (0, 0)


def test_bad_file_shows_the_message_on_the_form(client, office):
    client.force_login(office)
    data = io.BytesIO(b"not a workbook")
    data.name = "a.xlsx"
    response = client.post(reverse("registry:ledger_import"), {"kind": "places", "file": data})
    assert response.status_code == 422
    assert "The file is not an Excel workbook (.xlsx)." in response.content.decode()
    assert LedgerImport.objects.count() == 0


def test_template_has_the_headers_and_the_drop_downs(client, office):
    client.force_login(office)
    response = client.get(reverse("registry:ledger_template", args=["places"]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["场所", "选项"]
    sheet = book["场所"]
    assert [c.value for c in sheet[1]] == [col.title for col in PLACES.columns]
    assert [c.value for c in sheet[1]][:6] == [
        "系统编号",
        "场所名称*",
        "场所类型*",
        "地址",
        "经度*",
        "纬度*",
    ]
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations == {
        "C2:C1048576": "'选项'!$A$2:$A$31",
        "G2:G1048576": "'选项'!$B$2:$B$4",
        "V2:V1048576": "'选项'!$C$2:$C$4",
        "W2:W1048576": "'选项'!$D$2:$D$3",
        "Y2:Y1048576": "'选项'!$E$2:$E$3",
    }
    lists = book["选项"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["B"]] == ["坐标系", "WGS84", "GCJ02", "BD09"] + [None] * 27
    assert lists["A2"].value == "小学校/幼儿园"
    assert [c.value for c in lists["D"]][:3] == ["人工重点单位", "是", "否"]


def test_export_honours_filters_and_scope_with_bounded_queries(
    client, small_jurisdiction, make_user, django_assert_max_num_queries
):
    _places(4, lon=113.05)  # GRID_A: 2 hotels (key units), 2 shops
    _places(3, lon=113.15)  # GRID_B
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    client.force_login(worker)
    url = reverse("registry:ledger_export", args=["places"])
    with django_assert_max_num_queries(8):
        response = client.get(url)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["场所"]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["店0", "店1", "店2", "店3"]
    response = client.get(url, {"key_unit": "1"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["场所"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(r[1] for r in rows) == ["店1", "店3"]
    assert {r[-2] for r in rows} == {"是"}


def test_export_query_count_does_not_grow_with_rows(client, office, django_assert_max_num_queries):
    _places(30)
    client.force_login(office)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("registry:ledger_export", args=["places"]))
    assert response.status_code == 200


def test_unknown_kind_is_not_found(client, office):
    client.force_login(office)
    assert client.get(reverse("registry:ledger_template", args=["boats"])).status_code == 404
    assert client.get(reverse("registry:ledger_export", args=["boats"])).status_code == 404


# ------------------------------------------------------------------------ API


def test_api_import_then_status_then_error_report(client, office):
    client.force_login(office)
    data = io.BytesIO(xlsx([ledger_row(1), ledger_row(2, lon=34.45, lat=113.05)]))
    data.name = "x.xlsx"
    response = client.post("/api/v1/ledgers/imports", {"kind": "places", "file": data})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "rejected"
    assert body["error_count"] == 1
    assert body["errors"] == [
        {
            "row": 3,
            "column": "经度",
            "value": "34.45",
            "reason": "The point (34.45, 113.05) is not in China; longitude and latitude swapped?",
        }
    ]
    status = client.get(f"/api/v1/ledgers/imports/{body['id']}")
    assert status.json()["rows_total"] == 2
    report = client.get(body["errors_url"])
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")


def test_api_dry_run_and_bad_file_envelope(client, office):
    client.force_login(office)
    data = io.BytesIO(xlsx([ledger_row(1)]))
    data.name = "x.xlsx"
    body = client.post(
        "/api/v1/ledgers/imports", {"kind": "places", "file": data, "dry_run": "true"}
    ).json()
    assert (body["status"], body["result"]["created"], body["dry_run"]) == ("succeeded", 1, True)
    bad = io.BytesIO(b"hello")
    bad.name = "x.xlsx"
    response = client.post("/api/v1/ledgers/imports", {"kind": "places", "file": bad})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "ledger_file_type"
    assert Place.objects.count() == 0


def test_api_template_export_and_denials(client, office, small_jurisdiction, make_user):
    _places(2)
    assert client.get("/api/v1/ledgers/templates/places.xlsx").status_code == 401
    client.force_login(office)
    template = client.get("/api/v1/ledgers/templates/places.xlsx")
    assert template.status_code == 200
    export = client.get("/api/v1/ledgers/export/places.xlsx", {"key_unit": "true"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(export.content))["场所"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert [r[1] for r in rows] == ["店1"]
    assert client.get("/api/v1/ledgers/export/boats.xlsx").json()["error"]["code"] == (
        "ledger_kind_unknown"
    )
    volunteer = make_user("volunteer", small_jurisdiction[GRID_A])
    client.force_login(volunteer)
    data = io.BytesIO(xlsx([ledger_row(1)]))
    data.name = "x.xlsx"
    denied = client.post("/api/v1/ledgers/imports", {"kind": "places", "file": data})
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "registry_read_only"
    assert client.get("/api/v1/ledgers/imports/999").status_code == 404
    assert Place.objects.count() == 2


# ------------------------------------------------------------------------ CLI


def test_cli_template_export_import_round_trip(tmp_path, small_jurisdiction, capsys):
    _places(3)
    call_command("registry", "template", "--kind", "places", "-o", str(tmp_path / "t.xlsx"))
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "t.xlsx")["场所"][1]][:2] == [
        "系统编号",
        "场所名称*",
    ]
    call_command("registry", "export", "--kind", "places", "-o", str(tmp_path / "e.xlsx"))
    call_command("registry", "import", str(tmp_path / "e.xlsx"), "--kind", "places")
    out = capsys.readouterr().out
    assert "created 0, updated 0, unchanged 3" in out


def test_cli_rejected_import_prints_rows_and_fails(tmp_path, small_jurisdiction, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([ledger_row(1), ledger_row(2, name="")]))
    with pytest.raises(CommandError) as raised:
        call_command("registry", "import", str(path), "--kind", "places", "--dry-run")
    assert "1 problems in 1 rows; nothing was imported" in str(raised.value)
    assert "row 3, 场所名称 (''): Required." in capsys.readouterr().err
    assert Place.objects.count() == 0


def test_headers_constant_matches_the_import_columns():
    assert HEADERS[0] == "系统编号"


def test_import_page_lists_templates_exports_and_recent_jobs(
    client, office, django_assert_max_num_queries
):
    client.force_login(office)
    _upload(client, [ledger_row(1)], dry_run="on")
    with django_assert_max_num_queries(8):
        page = client.get(reverse("registry:ledger_import"))
    text = page.content.decode()
    for kind in ("places", "buildings", "fire_resources"):
        assert reverse("registry:ledger_template", args=[kind]) in text
        assert reverse("registry:ledger_export", args=[kind]) in text
    assert "台账.xlsx" in text


def test_fire_resource_export_filters_by_kind(client, office, small_jurisdiction):
    from firegrid.registry.models import FireResource

    grid = small_jurisdiction[GRID_A]
    for kind in ("hydrant", "fire_room"):
        FireResource.objects.create(
            kind=kind, name=kind, lon=113.05, lat=34.45, grid=grid, grid_path=grid.path
        )
    client.force_login(office)
    response = client.get(
        reverse("registry:ledger_export", args=["fire_resources"]), {"type": "hydrant"}
    )
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content))["消防资源"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert [(r[1], r[2]) for r in rows] == [("hydrant", "消火栓")]
