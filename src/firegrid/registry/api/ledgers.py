"""/api/v1/ledgers: Excel ledger (台账) import jobs, templates and exports."""

# No `from __future__ import annotations`: ninja reads the annotations of Form/File/Query.
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from firegrid.core.errors import NotFound
from firegrid.grids.schemas import ErrorOut

from ..ledger import (
    error_report,
    ledger_export,
    ledger_import_start,
    ledger_template,
    spec_for,
)
from ..models import LedgerImport
from ..views.ledger import xlsx_response

router = Router(tags=["ledgers"])
FIRST_ERRORS = 100


class LedgerErrorOut(Schema):
    row: int
    column: str
    value: str
    reason: str


class LedgerImportOut(Schema):
    id: int
    kind: str
    file_name: str
    dry_run: bool
    status: str
    phase: str
    rows_total: int
    rows_done: int
    result: dict[str, Any]
    message: str
    error_count: int
    errors: list[LedgerErrorOut]
    errors_url: str | None


class LedgerExportFilters(Schema):
    """Places: q, type (code or group), risk, key_unit, grid, status (active/closed/all).
    Buildings: q, grid. Fire resources: q, grid, type (resource kind), status.
    Residents: q, grid, flag (a vulnerability flag), unmasked (clear ID numbers and phones:
    only for a role that may unmask them in every row's grid; audited)."""

    q: str = ""
    type: str = ""
    risk: str = ""
    key_unit: bool | None = None
    grid: int | None = None
    status: str = "active"
    flag: str = ""
    unmasked: bool = False


def job_out(job: LedgerImport) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "file_name": job.original_name,
        "dry_run": job.dry_run,
        "status": job.status,
        "phase": job.phase,
        "rows_total": job.rows_total,
        "rows_done": job.rows_done,
        "result": job.result or {},
        "message": job.message,
        "error_count": job.error_count,
        "errors": (job.errors or [])[:FIRST_ERRORS],
        "errors_url": f"/api/v1/ledgers/imports/{job.pk}/errors.xlsx" if job.error_count else None,
    }


def _job(request: HttpRequest, import_id: int) -> LedgerImport:
    job = LedgerImport.objects.filter(pk=import_id).first()
    user: Any = request.user
    if job is None or not (user.is_superuser or job.actor_id == user.pk):
        raise NotFound(_("Import not found."), code="ledger_import_not_found")
    return job


@router.post(
    "/ledgers/imports",
    response={201: LedgerImportOut, 403: ErrorOut, 422: ErrorOut},
)
def import_start(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[str] = "places",
    dry_run: Form[bool] = False,
) -> Any:
    """Upload a ledger (multipart: kind, file, dry_run). Small files are checked (and written)
    at once; large ones run in the background: poll GET /ledgers/imports/{id}."""
    job = ledger_import_start(actor=request.user, kind=kind, upload=file, dry_run=dry_run)
    return Status(201, job_out(job))


@router.get("/ledgers/imports/{int:import_id}", response={200: LedgerImportOut, 404: ErrorOut})
def import_status(request: HttpRequest, import_id: int) -> Any:
    """Status, progress, counts and the first 100 errors of one of your imports."""
    return job_out(_job(request, import_id))


@router.get(
    "/ledgers/imports/{int:import_id}/errors.xlsx",
    response={404: ErrorOut},
    openapi_extra={"responses": {200: {"description": "the error report (.xlsx)"}}},
)
def import_errors(request: HttpRequest, import_id: int) -> HttpResponse:
    """The row-by-row error report: row, column, value, reason."""
    job = _job(request, import_id)
    return xlsx_response(error_report(job.errors or []), f"ledger-{job.pk}-errors.xlsx")


@router.get(
    "/ledgers/templates/{kind}.xlsx",
    response={404: ErrorOut, 422: ErrorOut},
    openapi_extra={"responses": {200: {"description": "the blank ledger template (.xlsx)"}}},
)
def template(request: HttpRequest, kind: str) -> HttpResponse:
    """The blank template of a record type, with its drop-down lists."""
    spec = spec_for(kind)
    return xlsx_response(ledger_template(kind), f"{spec.kind}-template.xlsx")


@router.get(
    "/ledgers/export/{kind}.xlsx",
    response={403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra={"responses": {200: {"description": "the ledger (.xlsx)"}}},
)
def export(request: HttpRequest, kind: str, filters: Query[LedgerExportFilters]) -> HttpResponse:
    """The filtered list in your scope, with the template's headers (imports back unchanged)."""
    spec = spec_for(kind)
    query = filters.dict()
    query["key_unit"] = "" if filters.key_unit is None else str(filters.key_unit)
    query["grid"] = "" if filters.grid is None else str(filters.grid)
    query["unmasked"] = "1" if filters.unmasked else ""
    return xlsx_response(ledger_export(request.user, spec.kind, query), f"{spec.kind}.xlsx")
