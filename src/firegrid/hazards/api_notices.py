"""/api/v1/notices: rectification notices (整改通知书) — read, download (DOCX/PDF), receipt (签收).

A notice is seen by whoever sees its hazard; outside that scope it answers 404.
"""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.grids.schemas import ErrorOut
from firegrid.registry.schemas import GridRefOut

from . import selectors_notices as selectors
from .models import RectificationNotice
from .notice_docs import CONTENT_TYPES, notice_file
from .services.notices import RECEIPT_NAME_MAX, RECEIPT_NOTE_MAX, notice_receipt_record

router = Router(tags=["notices"])


class NoticeOut(Schema):
    id: int
    hazard_id: int
    number: str = Field(..., description="文号, e.g. 告成镇消整〔2026〕第0001号.")
    sequence: int = Field(..., description="The running number in the office's series.")
    office: GridRefOut = Field(..., description="The issuing office's grid.")
    issued_at: datetime.datetime
    issued_by: str
    deadline: datetime.date
    place_name: str
    place_address: str
    responsible_name: str
    problems: str
    legal_basis: str
    received_at: datetime.datetime | None = Field(..., description="签收: None until signed.")
    received_by_name: str
    receipt_note: str
    receipt_recorded_by: str | None
    docx_url: str
    pdf_url: str


class ReceiptIn(Schema):
    received_by_name: str = Field(..., max_length=RECEIPT_NAME_MAX, description="Who signed.")
    received_at: datetime.datetime | None = Field(
        None, description="When they signed (with time zone); now if left out."
    )
    note: str = Field("", max_length=RECEIPT_NOTE_MAX)


def notice_out(notice: RectificationNotice) -> dict[str, Any]:
    """Needs office, issued_by and receipt_recorded_by selected."""
    office = notice.office
    recorder = notice.receipt_recorded_by
    return {
        "id": notice.pk,
        "hazard_id": notice.hazard_id,
        "number": notice.number,
        "sequence": notice.sequence,
        "office": {"id": office.pk, "code": office.code, "name": office.name},
        "issued_at": notice.issued_at,
        "issued_by": notice.issued_by.get_username(),
        "deadline": notice.deadline,
        "place_name": notice.place_name,
        "place_address": notice.place_address,
        "responsible_name": notice.responsible_name,
        "problems": notice.problems,
        "legal_basis": notice.legal_basis,
        "received_at": notice.received_at,
        "received_by_name": notice.received_by_name,
        "receipt_note": notice.receipt_note,
        "receipt_recorded_by": recorder.get_username() if recorder else None,
        "docx_url": reverse("hazards:notice_file", args=[notice.pk, "docx"]),
        "pdf_url": reverse("hazards:notice_file", args=[notice.pk, "pdf"]),
    }


def _file_doc(fmt: str, errors: dict[int, str]) -> dict[str, Any]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    responses: dict[Any, Any] = {
        200: {
            "description": f"The notice as {fmt.upper()}.",
            "content": {CONTENT_TYPES[fmt]: binary},
        }
    }
    for status, description in errors.items():
        responses[status] = {"description": description, "content": error}
    return {"responses": responses}


@router.get("/hazards/{int:hazard_id}/notices", response={200: list[NoticeOut], 404: ErrorOut})
@paginate(RenderedPagination, page_size=50)
def list_hazard_notices(request: HttpRequest, hazard_id: int) -> Any:
    """The hazard's rectification notices, newest first."""
    return Rows(selectors.notices_for_hazard(request.user, hazard_id), notice_out)


@router.get("/notices/{int:notice_id}", response={200: NoticeOut, 404: ErrorOut})
def get_notice(request: HttpRequest, notice_id: int) -> Any:
    return notice_out(selectors.notice_get(request.user, notice_id))


def _download(request: HttpRequest, notice_id: int, fmt: str) -> HttpResponse:
    data, content_type, disposition = notice_file(
        selectors.notice_get(request.user, notice_id), fmt
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = disposition
    return response


@router.get(
    "/notices/{int:notice_id}/docx",
    openapi_extra=_file_doc("docx", {404: "Not found."}),
)
def get_notice_docx(request: HttpRequest, notice_id: int) -> HttpResponse:
    """The notice as a Word document (DOCX), named by its number."""
    return _download(request, notice_id, "docx")


@router.get(
    "/notices/{int:notice_id}/pdf",
    openapi_extra=_file_doc(
        "pdf", {404: "Not found.", 503: "No Chinese font on the server (fonts-wqy-microhei)."}
    ),
)
def get_notice_pdf(request: HttpRequest, notice_id: int) -> HttpResponse:
    """The notice as PDF, named by its number; 503 (`notice_font_missing`) when the server has no
    Chinese font — the message names the package to install."""
    return _download(request, notice_id, "pdf")


@router.post(
    "/notices/{int:notice_id}/receipt",
    response={200: NoticeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def record_receipt(request: HttpRequest, notice_id: int, payload: ReceiptIn) -> Any:
    """Record the place's receipt (签收) of the notice: once (a second one answers 409), by a
    person posted in the hazard's grid or an office of its responsible level."""
    notice_receipt_record(
        actor=request.user,
        notice_id=notice_id,
        received_by_name=payload.received_by_name,
        received_at=payload.received_at,
        note=payload.note,
    )
    return notice_out(selectors.notice_get(request.user, notice_id))
