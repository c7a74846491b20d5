"""Untrusted workbooks (issue 12): a sparse sheet claiming a million rows or 16,384 columns is
refused by the streaming scan before calamine sees it, and calamine itself runs in a child
process, so a crash, a memory blow-up or a hang fails one import with a clear message.

Never hand such a file to calamine in the test process: it aborts the interpreter (SIGABRT).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from firegrid.core.errors import ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.registry.ledger import ledger_fail_stale, ledger_import_run, ledger_import_start
from firegrid.registry.ledger.reader import scan_sheet
from firegrid.registry.models import LedgerImport, Place
from firegrid.registry.tests.test_ledger_import import COUNTY, ledger_row, upload, xlsx

SHEET = "xl/worksheets/sheet1.xml"
LIMITS = "a ledger may have at most 200,000 rows and 200 columns."
FAR = "The sheet has cells up to row 1,048,576 and column 16,384 (cell XFD1048576); " + LIMITS
TALL = "The sheet has cells up to row 1,048,576 and column 1 (cell A1048576); " + LIMITS
DECLARED = "The sheet claims 1,048,576 rows × 16,384 columns (up to cell XFD1048576); " + LIMITS
SERVER_LIMITS = "The file could not be read within the server's limits"


def patched(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook `data` with its first sheet's XML rewritten by `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, change(content) if item.filename == SHEET else content)
    return out.getvalue()


def with_cell(ref: str) -> bytes:
    """A valid places ledger (made with openpyxl) plus one text cell at `ref`."""
    row = re.sub(r"[A-Z]", "", ref)
    extra = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
    return patched(
        xlsx([ledger_row(1)]),
        lambda xml: xml.replace(b"</sheetData>", extra.encode() + b"</sheetData>"),
    )


def with_dimension(ref: str) -> bytes:
    def change(xml: bytes) -> bytes:
        if b"<dimension" in xml:
            return re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), xml)
        return xml.replace(b"<sheetData", f'<dimension ref="{ref}"/><sheetData'.encode(), 1)

    return patched(xlsx([ledger_row(1)]), change)


SPARSE = {
    "far-corner": (with_cell("XFD1048576"), FAR),
    "declared-extent": (with_dimension("A1:XFD1048576"), DECLARED),
    "last-row": (with_cell("A1048576"), TALL),
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def office(small_jurisdiction, make_user):
    return make_user("county_office", small_jurisdiction[COUNTY])


def nothing_written(audit_before: int) -> None:
    assert Place.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize("case", SPARSE)
def test_a_sparse_workbook_is_refused_before_anything_is_stored(office, case):
    data, message = SPARSE[case]
    audit_before = AuditEvent.objects.count()

    with pytest.raises(ValidationFailed) as caught:
        ledger_import_start(actor=office, kind="places", upload=upload(data))

    assert caught.value.code == "ledger_too_large_extent"
    assert caught.value.message.startswith(message)
    assert LedgerImport.objects.count() == 0
    nothing_written(audit_before)


@pytest.mark.parametrize("case", SPARSE)
@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_the_api_answers_a_sparse_workbook_with_a_clear_422(client, office, case, dry_run):
    client.force_login(office)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the API answers in the caller's language
    data, message = SPARSE[case]
    file = io.BytesIO(data)
    file.name = "台账.xlsx"

    response = client.post(
        "/api/v1/ledgers/imports", {"kind": "places", "file": file, "dry_run": dry_run}
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "ledger_too_large_extent"
    assert error["message"].startswith(message)
    assert (LedgerImport.objects.count(), Place.objects.count()) == (0, 0)
    assert client.get("/api/v1/ledgers/imports/999").status_code == 404  # the worker is alive


def test_the_api_refusal_is_in_chinese_by_default(client, office):
    client.force_login(office)
    file = io.BytesIO(SPARSE["far-corner"][0])
    file.name = "台账.xlsx"

    response = client.post("/api/v1/ledgers/imports", {"kind": "places", "file": file})

    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith(
        "该工作表的单元格延伸到第 1,048,576 行、第 16,384 列（单元格 XFD1048576）"
    )


def test_the_page_shows_the_refusal_on_the_form(client, office, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office)
    file = io.BytesIO(SPARSE["far-corner"][0])
    file.name = "台账.xlsx"

    response = client.post(reverse("registry:ledger_import"), {"kind": "places", "file": file})

    assert response.status_code == 422
    assert FAR in response.content.decode()
    assert (LedgerImport.objects.count(), Place.objects.count()) == (0, 0)


@pytest.mark.parametrize("case", SPARSE)
def test_the_cli_fails_with_the_message(tmp_path, small_jurisdiction, case):
    data, message = SPARSE[case]
    path = tmp_path / "sparse.xlsx"
    path.write_bytes(data)

    with pytest.raises(CommandError) as raised:
        call_command("registry", "import", str(path), "--kind", "places")

    assert str(raised.value).startswith(message)
    assert Place.objects.count() == 0


def _stored_job(office, data: bytes, **fields) -> LedgerImport:
    """A queued job whose file was not scanned on upload (limits raised since, or an old job)."""
    job = LedgerImport.objects.create(
        kind="places", actor=office, original_name="台账.xlsx", rows_total=1, **fields
    )
    job.file.save("sparse.xlsx", ContentFile(data))
    return job


@pytest.mark.parametrize("case", SPARSE)
def test_a_background_job_with_a_sparse_workbook_ends_rejected(office, case):
    data, message = SPARSE[case]
    job = _stored_job(office, data)
    audit_before = AuditEvent.objects.count()

    job = ledger_import_run(import_id=job.pk, language="en")

    assert job.status == LedgerImport.Status.REJECTED
    assert job.message.startswith(message)
    assert job.finished_at is not None
    nothing_written(audit_before)


def test_a_crash_of_the_parser_fails_the_job_and_the_caller_lives_on(office, settings):
    # Limits raised so the scan lets the far-corner file through: calamine then aborts (SIGABRT)
    # in the child process, and only there.
    settings.FIREGRID_LEDGER_MAX_ROWS = 2_000_000
    settings.FIREGRID_LEDGER_MAX_COLUMNS = 20_000
    job = _stored_job(office, SPARSE["far-corner"][0])

    job = ledger_import_run(import_id=job.pk, language="en")

    assert job.status == LedgerImport.Status.REJECTED
    assert job.message.startswith(SERVER_LIMITS + " (1024 MB of memory, 120 seconds).")
    assert Place.objects.count() == 0


def test_a_parse_over_the_memory_cap_is_refused(office, settings):
    settings.FIREGRID_LEDGER_MAX_ROWS = 2_000_000
    settings.FIREGRID_PARSE_MEMORY_MB = 150
    data = SPARSE["last-row"][0]  # calamine allocates 1,048,576 rows: over 150 MB

    # The scan passes (limits raised), so the job is stored and run inline; it ends rejected.
    job = ledger_import_start(actor=office, kind="places", upload=upload(data), dry_run=True)

    assert job.status == LedgerImport.Status.REJECTED
    assert job.message.startswith(SERVER_LIMITS + " (150 MB of memory, 120 seconds).")
    assert Place.objects.count() == 0


def test_a_parse_that_takes_too_long_is_refused(office, settings):
    settings.FIREGRID_PARSE_TIMEOUT_S = 0.001
    job = _stored_job(office, xlsx([ledger_row(1)]))

    job = ledger_import_run(import_id=job.pk, language="en")

    assert job.status == LedgerImport.Status.REJECTED
    assert job.message.startswith(SERVER_LIMITS)


def test_a_clean_ledger_still_imports_through_the_child_process(office):
    job = ledger_import_start(
        actor=office, kind="places", upload=upload(xlsx([ledger_row(i) for i in range(3)]))
    )
    assert (job.status, job.result["created"]) == ("succeeded", 3)


def test_cells_without_references_are_counted_by_position(settings):
    settings.FIREGRID_LEDGER_MAX_COLUMNS = 30
    wide = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(31))
    data = patched(
        xlsx([ledger_row(1)]),
        lambda xml: xml.replace(b"</sheetData>", f"<row>{wide}</row></sheetData>".encode()),
    )

    with pytest.raises(ValidationFailed) as caught:
        scan_sheet(io.BytesIO(data))

    assert caught.value.details == {"rows": 3, "columns": 31, "cell": "AE3"}


def test_a_declared_extent_within_the_limits_is_accepted():
    scan = scan_sheet(io.BytesIO(with_dimension("A1:GR200000")))
    assert scan.rows == 2


def test_a_long_reference_cannot_hide_in_another_attribute():
    data = patched(
        xlsx([ledger_row(1)]),
        lambda xml: xml.replace(b"</sheetData>", b"</sheetData>").replace(
            b"<sheetData>",
            b'<sheetData><row r="1048576" footer="AAAA1048576"><c r="A1048576"/></row>',
        ),
    )
    with pytest.raises(ValidationFailed) as caught:
        scan_sheet(io.BytesIO(data))
    assert caught.value.details == {"rows": 1_048_576, "columns": 1, "cell": "A1048576"}


# --------------------------------------------------------------------------- stale jobs


def test_a_job_left_running_by_a_killed_worker_ends_failed_with_a_message(office):
    now = timezone.now()
    old = _stored_job(office, b"x", status=LedgerImport.Status.RUNNING, phase="checking")
    fresh = _stored_job(office, b"x", status=LedgerImport.Status.RUNNING, phase="reading")
    LedgerImport.objects.filter(pk=old.pk).update(updated_at=now - datetime.timedelta(minutes=16))
    LedgerImport.objects.filter(pk=fresh.pk).update(updated_at=now - datetime.timedelta(minutes=14))
    audit_before = AuditEvent.objects.count()

    assert ledger_fail_stale(now=now) == 1
    assert ledger_fail_stale(now=now) == 0  # idempotent

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.phase, old.finished_at) == ("failed", "", now)
    assert old.message == (
        "The import stopped on the server before it finished (its worker ended); nothing was "
        "written. Upload the file again."
    )
    assert fresh.status == "running"
    assert AuditEvent.objects.count() == audit_before + 1
    assert AuditEvent.objects.last().action == "ledger.import_stale"  # type: ignore[union-attr]


def test_finished_and_waiting_jobs_are_not_touched_by_the_sweep(office):
    long_ago = timezone.now() - datetime.timedelta(days=1)
    for status in ("pending", "succeeded", "rejected", "failed"):
        _stored_job(office, b"x", status=status)
    LedgerImport.objects.update(updated_at=long_ago)

    assert ledger_fail_stale() == 0
    assert sorted(LedgerImport.objects.values_list("status", flat=True)) == [
        "failed",
        "pending",
        "rejected",
        "succeeded",
    ]


def test_progress_updates_are_the_heartbeat(office):
    job = ledger_import_start(actor=office, kind="places", upload=upload(xlsx([ledger_row(1)])))
    LedgerImport.objects.filter(pk=job.pk).update(
        status="running", updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    from firegrid.registry.ledger.jobs import _progress

    _progress(job.pk, 1, "checking")

    assert ledger_fail_stale() == 0


def test_the_consumer_fails_stale_jobs_when_it_starts():
    from huey.contrib.djhuey import HUEY

    from firegrid.registry import tasks

    assert HUEY._startup["registry_ledger_fail_stale"] is not None
    assert tasks.fail_stale_ledger_imports is not None
