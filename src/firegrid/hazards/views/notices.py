"""Pages of rectification notices (整改通知书): the notice as a DOCX or PDF file, and the form that
records the place's receipt (签收) from the hazard's page. Thin: parse, call, answer."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from firegrid.core.errors import ApplicationError, NotFound, PermissionDenied

from ..models import RectificationNotice
from ..notice_docs import CONTENT_TYPES, NoticeFontMissing, notice_file
from ..selectors_notices import notice_get
from ..services.notices import RECEIPT_NAME_MAX, RECEIPT_NOTE_MAX, notice_receipt_record


class ReceiptForm(forms.Form):
    received_by_name = forms.CharField(
        label=gettext_lazy("Signed for by"), max_length=RECEIPT_NAME_MAX
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=RECEIPT_NOTE_MAX, required=False)


def _notice_or_404(request: HttpRequest, pk: int) -> RectificationNotice:
    try:
        return notice_get(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@login_required
@require_GET
def notice_file_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The notice as `docx` or `pdf` (any other extension: 404)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    notice = _notice_or_404(request, pk)
    try:
        data, content_type, disposition = notice_file(notice, fmt)
    except NoticeFontMissing as exc:
        context = {"message": str(exc.message), "notice": notice}
        return render(request, "hazards/notice_unavailable.html", context, status=exc.status)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = disposition
    return response


@login_required
@require_POST
def notice_receipt_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the receipt, then back to the hazard's page with what happened as a message."""
    notice = _notice_or_404(request, pk)
    back = reverse("hazards:detail", args=[notice.hazard_id])
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    try:
        notice_receipt_record(
            actor=request.user,
            notice_id=notice.pk,
            received_by_name=form.cleaned_data["received_by_name"],
            note=form.cleaned_data["note"],
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from exc
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(
        request, _("Receipt of notice %(number)s recorded.") % {"number": notice.number}
    )
    return redirect(back)


urlpatterns: list[URLPattern] = [
    path("notices/<int:pk>.<str:fmt>", notice_file_view, name="notice_file"),
    path("notices/<int:pk>/receipt/", notice_receipt_view, name="notice_receipt"),
]
