"""Pages of the Excel ledgers (台账): upload, job progress (htmx polling), error report,
template download and export of a filtered list. Thin: parse, call the ledger service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from firegrid.core.errors import ApplicationError, PermissionDenied

from ..ledger import (
    KIND_CHOICES,
    XLSX_TYPE,
    error_report,
    ledger_import_start,
    ledger_may_import,
    ledger_template,
    spec_for,
)
from ..ledger import ledger_export as export_ledger
from ..models import LedgerImport

ERRORS_PER_PAGE = 50
PHASES = {
    "waiting": _("waiting"),
    "reading": _("reading the file"),
    "checking": _("checking the rows"),
    "writing": _("writing"),
    "done": _("done"),
}


class LedgerUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record type"), choices=KIND_CHOICES)
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Use the template: row 1 holds the headers, one record per row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only, write nothing"),
        required=False,
    )


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def ledger_job_get(user: Any, job_id: int) -> LedgerImport:
    """A job is seen by whoever uploaded it (and superusers); others get a 404."""
    job = LedgerImport.objects.filter(pk=job_id).select_related("actor").first()
    if job is None or not (user.is_superuser or job.actor_id == user.pk):
        raise Http404
    return job


@login_required
def ledger_import(request: HttpRequest) -> HttpResponse:
    if not ledger_may_import(request.user):
        raise DjangoPermissionDenied
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = ledger_import_start(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ApplicationError as exc:
            form.add_error("file", str(exc.message))
        else:
            return redirect("registry:ledger_job", job_id=job.pk)
    recent = LedgerImport.objects.filter(actor_id=request.user.pk).order_by("-created_at")[:10]
    return render(
        request,
        "registry/ledger_import.html",
        {"form": form, "recent": recent, "kinds": KIND_CHOICES},
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def ledger_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = ledger_job_get(request.user, job_id)
    page = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    running = job.status in (LedgerImport.Status.PENDING, LedgerImport.Status.RUNNING)
    context = {
        "job": job,
        "page": page,
        "running": running,
        "percent": int(100 * job.rows_done / job.rows_total) if job.rows_total else 0,
        "more_errors": max(job.error_count - len(job.errors or []), 0),
        "phase": PHASES.get(job.phase, job.phase),
    }
    template = "registry/ledger_job_status.html" if request.htmx else "registry/ledger_job.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_GET
def ledger_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    job = ledger_job_get(request.user, job_id)
    stem = job.original_name.rsplit(".", 1)[0]
    return xlsx_response(error_report(job.errors or []), f"{stem}-错误报告.xlsx")


@login_required
@require_GET
def ledger_template_download(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        spec = spec_for(kind)
    except ApplicationError as exc:
        raise Http404 from exc
    return xlsx_response(ledger_template(kind), f"{spec.sheet}台账模板.xlsx")


@login_required
@require_GET
def ledger_export(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        spec = spec_for(kind)
        data = export_ledger(request.user, spec.kind, request.GET)
    except PermissionDenied as exc:  # e.g. ?unmasked=1 without the right to unmask
        raise DjangoPermissionDenied(str(exc.message)) from exc
    except ApplicationError as exc:
        raise Http404 from exc
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(data, f"{spec.sheet}台账-{stamp}.xlsx")
