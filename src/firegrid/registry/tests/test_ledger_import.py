"""Excel ledger (台账) import of places: all-or-nothing, every bad row named, bad files refused."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from firegrid.core.audit import audit_verify
from firegrid.core.errors import ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.registry.ledger import (
    PLACES,
    ledger_import_file,
    ledger_import_start,
    write_ledger,
)
from firegrid.registry.ledger.values import CellError, as_date
from firegrid.registry.models import DuplicateCandidate, LedgerImport, Place
from firegrid.registry.services import place_create

HEADERS = [col.title for col in PLACES.columns if not col.read_only]
COUNTY = "410185"
GRID_A = "410185001001001"


def ledger_row(i: int, **changes: Any) -> list[Any]:
    """A clean row inside the small jurisdiction (113.0–113.4 E, 34.4–34.6 N), WGS-84."""
    values = {
        "id": None,
        "name": f"测试商店{i}",
        "place_type": "小商店",
        "address": f"测试路{i}号",
        "lon": 113.01 + (i % 39) * 0.01,
        "lat": 34.41 + (i // 39 % 19) * 0.01,
        "crs": "WGS84",
        "licence_number": f"91410185MA{i:08d}",
        "responsible_name": "张三",
        "responsible_phone": "13800001234",
        "floors": 2,
        "floor_area_m2": 120.5,
        "status": "在营",
        **changes,
    }
    return [values.get(col.field) for col in PLACES.columns if not col.read_only]


def xlsx(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "场所台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def counts() -> tuple[int, int, int]:
    return Place.objects.count(), AuditEvent.objects.count(), DuplicateCandidate.objects.count()


@pytest.fixture(autouse=True)
def _english():
    """Reasons are in the viewer's language; these tests read them in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def office(small_jurisdiction, make_user):
    return make_user("county_office", small_jurisdiction[COUNTY])


def test_thousand_rows_with_five_bad_rows_write_nothing_and_name_each_row(office):
    rows = [ledger_row(i) for i in range(1000)]
    rows[9] = ledger_row(9, lon=112.5, lat=34.45)  # Excel row 11: outside the jurisdiction
    rows[99] = ledger_row(99, place_type="太空站")  # row 101: unknown type
    rows[499] = ledger_row(499, name=None)  # row 501: missing name
    rows[699] = ledger_row(699, licence_number="91410185MA00000003")  # row 701: licence of row 5
    rows[998] = ledger_row(998, responsible_phone="1380000")  # row 1000: malformed phone
    before = counts()

    job = ledger_import_start(actor=office, kind="places", upload=upload(xlsx(rows)))

    assert job.status == LedgerImport.Status.REJECTED
    assert counts() == before
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (11, "经度"),
        (101, "场所类型"),
        (501, "场所名称"),
        (701, "营业执照号"),
        (1000, "责任人电话"),
    ]
    reasons = [e["reason"] for e in job.errors]
    assert reasons[0] == "The point is outside every grid of the jurisdiction."
    assert reasons[1] == "Unknown place type: pick one from the drop-down list."
    assert reasons[2] == "Required."
    assert reasons[3] == "The licence number is already used in row 5."
    assert reasons[4] == "'1380000' is not a valid phone number."
    assert [e["value"] for e in job.errors] == [
        "112.5",
        "太空站",
        "",
        "91410185MA00000003",
        "1380000",
    ]
    assert (job.error_count, job.rows_total, job.rows_done) == (5, 1000, 1000)


def test_clean_ledger_creates_every_place_with_its_own_history_event(office, settings):
    settings.FIREGRID_LEDGER_SYNC_ROWS = 5000
    rows = [ledger_row(i) for i in range(300)]

    job = ledger_import_start(actor=office, kind="places", upload=upload(xlsx(rows)))

    assert job.status == LedgerImport.Status.SUCCEEDED
    assert job.result == {
        "created": 300,
        "updated": 0,
        "unchanged": 0,
        "duplicates_flagged": 0,
        "dry_run": False,
    }
    assert Place.objects.count() == 300
    place = Place.objects.get(licence_number="91410185MA00000000")
    assert (place.name, place.place_type.code, place.floors, place.grid.code) == (
        "测试商店0",
        "small_shop",
        2,
        GRID_A,
    )
    assert AuditEvent.objects.filter(action="place.create").count() == 300
    event = AuditEvent.objects.get(action="place.create", object_id=str(place.pk))
    assert event.data["ledger_import"] == job.pk
    assert AuditEvent.objects.filter(action="ledger.import").count() == 1
    assert audit_verify().ok


def test_dry_run_checks_and_counts_but_writes_nothing(office):
    before = counts()
    job = ledger_import_start(
        actor=office, kind="places", upload=upload(xlsx([ledger_row(1)])), dry_run=True
    )
    assert job.status == LedgerImport.Status.SUCCEEDED
    assert job.result["created"] == 1
    assert job.result["dry_run"] is True
    assert counts() == before


def test_full_width_digits_and_spaces_in_phones_are_normalised(office):
    row = ledger_row(1, responsible_phone="１３８ ０００１ ２３４５", phone="+86 139-0000-1111")
    job = ledger_import_start(actor=office, kind="places", upload=upload(xlsx([row])))
    assert job.status == LedgerImport.Status.SUCCEEDED
    place = Place.objects.get()
    assert (place.responsible_phone, place.phone) == ("13800012345", "13900001111")


def test_ambiguous_phone_is_rejected_with_its_column(office):
    job = ledger_import_start(
        actor=office,
        kind="places",
        upload=upload(xlsx([ledger_row(1, manager_phone="138-0000-12345-6")])),
    )
    assert job.status == LedgerImport.Status.REJECTED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "管理人电话")]
    assert Place.objects.count() == 0


def test_licence_of_another_live_place_is_an_error(office):
    place_create(
        actor=None,
        values={"name": "老店", "place_type": "small_shop", "licence_number": "L-1"},
        lon=113.05,
        lat=34.45,
    )
    before = counts()
    job = ledger_import_start(
        actor=office, kind="places", upload=upload(xlsx([ledger_row(1, licence_number="L-1")]))
    )
    assert job.status == LedgerImport.Status.REJECTED
    assert job.errors[0]["column"] == "营业执照号"
    assert job.errors[0]["reason"].startswith("The licence number is already registered")
    assert counts() == before


def test_rows_outside_the_actors_grid_or_unknown_ids_are_errors(small_jurisdiction, make_user):
    worker = make_user("fulltime_worker", small_jurisdiction[GRID_A])
    rows = [
        ledger_row(1, lon=113.05, lat=34.45),  # in GRID_A: fine
        ledger_row(2, lon=113.15, lat=34.45),  # the next grid: outside the worker's area
        ledger_row(3, id=999999),  # no such place
    ]
    job = ledger_import_start(actor=worker, kind="places", upload=upload(xlsx(rows)))
    assert job.status == LedgerImport.Status.REJECTED
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors] == [
        (3, "经度", "The grid 网格1-1-2 is outside your area."),
        (4, "系统编号", "No place with this id in your area."),
    ]
    assert Place.objects.count() == 0


def test_same_name_nearby_rows_are_flagged_as_duplicates_not_refused(office):
    rows = [
        ledger_row(1, name="老王超市", lon=113.05, lat=34.45, address="甲路1号"),
        ledger_row(2, name="老王 超市", lon=113.0501, lat=34.4501, address="乙路2号"),
    ]
    job = ledger_import_start(actor=office, kind="places", upload=upload(xlsx(rows)))
    assert job.status == LedgerImport.Status.SUCCEEDED
    assert job.result["duplicates_flagged"] == 1
    flag = DuplicateCandidate.objects.get()
    assert flag.reasons == ["name_near"]
    assert {flag.place.name, flag.other.name} == {"老王超市", "老王 超市"}


def test_reimport_of_changed_row_updates_it_and_records_the_change(office):
    job = ledger_import_start(actor=office, kind="places", upload=upload(xlsx([ledger_row(1)])))
    place = Place.objects.get()
    row = ledger_row(1, id=place.pk, floors=5, lon=113.15)
    job = ledger_import_start(actor=office, kind="places", upload=upload(xlsx([row])))
    assert job.result["updated"] == 1
    place.refresh_from_db()
    assert (place.floors, place.grid.code) == (5, "410185001001002")
    event = AuditEvent.objects.get(action="place.update", object_id=str(place.pk))
    assert event.data["changes"]["floors"] == [2, 5]
    assert event.data["changes"]["grid"] == [GRID_A, "410185001001002"]
    assert audit_verify().ok


# ------------------------------------------------------------------ bad files


def _rejected_message(office: Any, data: bytes, name: str = "场所台账.xlsx") -> str:
    before = counts()
    try:
        job = ledger_import_start(actor=office, kind="places", upload=upload(data, name))
    except ValidationFailed as exc:
        assert counts() == before
        assert LedgerImport.objects.count() == 0
        return str(exc.message)
    assert job.status == LedgerImport.Status.REJECTED
    assert counts() == before
    return job.message


def test_renamed_text_file_is_refused_as_not_xlsx(office):
    message = _rejected_message(office, "名称,类型\n老王超市,小商店\n".encode(), "台账.xlsx")
    assert message.startswith("The file is not an Excel workbook (.xlsx).")


def test_file_over_the_size_limit_is_refused_before_parsing(office, settings):
    settings.FIREGRID_LEDGER_MAX_BYTES = 1000
    message = _rejected_message(office, b"x" * 1001)
    assert message.startswith("The file is 0.0 MB; the limit is 0.0 MB.")


def test_wrong_headers_are_named(office):
    headers = [h for h in HEADERS if h != "经度*"] + ["负责人身高"]
    message = _rejected_message(office, xlsx([[1]], headers))
    assert "missing columns: 经度" in message
    assert "unknown columns: 负责人身高" in message


def test_merged_cells_are_refused(office):
    book = openpyxl.load_workbook(io.BytesIO(xlsx([ledger_row(1), ledger_row(2)])))
    book.active.merge_cells("B2:B3")
    out = io.BytesIO()
    book.save(out)
    message = _rejected_message(office, out.getvalue())
    assert message.startswith("The sheet has merged cells (for example B2:B3).")


def test_formulas_are_refused_with_their_cell(office):
    book = openpyxl.load_workbook(io.BytesIO(xlsx([ledger_row(1)])))
    book.active["K2"] = "=1+1"
    out = io.BytesIO()
    book.save(out)
    message = _rejected_message(office, out.getvalue())
    assert message.startswith("The sheet has formulas (for example in cell K2).")


def test_empty_sheet_and_headers_without_rows_are_refused(office):
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    assert _rejected_message(office, out.getvalue()).startswith("The first sheet is empty")
    assert _rejected_message(office, xlsx([])) == "The sheet has headers but no data rows."


def test_a_zip_that_is_not_a_workbook_is_refused(office):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    message = _rejected_message(office, out.getvalue())
    assert message.startswith("The file is not an Excel workbook (.xlsx).")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-03-01", "2026-03-01"),
        ("2026/3/1", "2026-03-01"),
        ("2026年3月1日", "2026-03-01"),
        ("２０２６年３月１日", "2026-03-01"),
    ],
)
def test_dates_in_the_accepted_formats(cell, expected):
    assert as_date(cell).isoformat() == expected


@pytest.mark.parametrize("cell", ["3/1/2026", "01.03.26", "2026-02-30", "明年", 46082.0])
def test_dates_in_odd_formats_are_refused_clearly(cell):
    with pytest.raises(CellError):
        as_date(cell)


def test_the_template_imports_as_an_empty_ledger(small_jurisdiction):
    data = write_ledger(PLACES, [])
    outcome = ledger_import_file(actor=None, kind="places", file=io.BytesIO(data))
    assert outcome.status == LedgerImport.Status.REJECTED
    assert outcome.message == "The sheet has headers but no data rows."


def test_manual_grids_and_overrides_survive_export_then_import(office, small_jurisdiction):
    from firegrid.registry.ledger import ledger_export_places
    from firegrid.registry.services import place_set_classification, place_set_grid

    grid_b = small_jurisdiction["410185001001002"]
    values = {"name": "甲", "place_type": "hotel", "rooms": 10, "address": "甲路"}
    elsewhere = place_create(actor=None, values=values, lon=113.05, lat=34.45)
    place_set_grid(actor=None, place=elsewhere, grid=grid_b, reason="门牌属于二网格")
    own = place_create(actor=None, values={**values, "name": "乙"}, lon=113.06, lat=34.45)
    place_set_grid(actor=None, place=own, grid=small_jurisdiction[GRID_A], reason="核实")
    flagged = place_create(actor=None, values={**values, "name": "丙"}, lon=113.07, lat=34.45)
    place_set_classification(
        actor=None,
        place=flagged,
        overrides={"is_high_risk_unit": True, "risk_level": "high"},
        reason="储存危化品",
    )
    data = ledger_export_places(Place.objects.select_related("place_type", "grid"))
    before = counts()

    outcome = ledger_import_file(actor=office, kind="places", file=io.BytesIO(data))

    assert outcome.errors == []
    assert (outcome.result["updated"], outcome.result["unchanged"]) == (0, 3)
    assert counts() == before
