"""Line editors of a fire resource (消防资源): a fire room's equipment inventory (器材清单)
and a team's members (义务消防队员), each edited as a whole list through one service.

A service error about one line lands on that line (and column); blank lines are ignored.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from firegrid.core.errors import ApplicationError
from firegrid.people.scope import user_scope

from .. import selectors, services
from ..forms import EquipmentFormSet, MemberFormSet
from ..services.resources import EQUIPPED_KINDS, TEAM_KINDS
from .common import get_or_404


def _lines_response(
    request: HttpRequest, resource: Any, formset: Any, *, kind: str, errors: list[str], status: int
) -> HttpResponse:
    titles = {"equipment": _("Equipment of %(name)s"), "members": _("Team members of %(name)s")}
    return render(
        request,
        "registry/fire_resource_lines.html",
        {
            "resource": resource,
            "formset": formset,
            "kind": kind,
            "title": titles[kind] % {"name": resource.name},
            "errors": errors,
            "back_url": reverse("registry:fire_resource_detail", args=[resource.pk]),
        },
        status=status,
    )


def _line_error(forms_by_line: list[Any], exc: ApplicationError) -> list[str]:
    """A service error about line `index` onto that line's form (and column); else page-wide."""
    details = exc.details if isinstance(exc.details, dict) else {}
    index = details.get("index")
    if isinstance(index, int) and 0 <= index < len(forms_by_line):
        form = forms_by_line[index]
        column = details.get("column")
        form.add_error(column if column in form.fields else None, str(exc.message))
        return []
    return [str(exc.message)]


def _editable_resource(request: HttpRequest, resource_id: int, kinds: tuple[str, ...]) -> Any:
    resource = get_or_404(selectors.fire_resource_get, request.user, resource_id)
    if not user_scope(request.user).may_edit_registry_in(resource.grid_path):
        raise DjangoPermissionDenied
    if resource.kind not in kinds:
        raise Http404
    return resource


@login_required
@require_http_methods(["GET", "POST"])
def fire_resource_equipment(request: HttpRequest, resource_id: int) -> HttpResponse:
    """Edit the equipment inventory line by line (→ services.fire_resource_set_equipment)."""
    resource = _editable_resource(request, resource_id, EQUIPPED_KINDS)
    initial = [
        {"name": i.name, "quantity": i.quantity, "expires_on": i.expires_on, "note": i.note}
        for i in resource.equipment.all()
    ]
    formset = EquipmentFormSet(
        request.POST if request.method == "POST" else None, initial=initial, prefix="items"
    )
    if request.method != "POST":
        return _lines_response(request, resource, formset, kind="equipment", errors=[], status=200)
    if not formset.is_valid():
        return _lines_response(request, resource, formset, kind="equipment", errors=[], status=422)
    lines, forms_by_line = [], []
    for form in formset:
        line = form.line()
        if line is not None:
            lines.append(line)
            forms_by_line.append(form)
    try:
        services.fire_resource_set_equipment(actor=request.user, resource=resource, items=lines)
    except ApplicationError as exc:
        errors = _line_error(forms_by_line, exc)
        return _lines_response(
            request, resource, formset, kind="equipment", errors=errors, status=exc.status
        )
    messages.success(request, _("Saved."))
    return redirect("registry:fire_resource_detail", resource.pk)


@login_required
@require_http_methods(["GET", "POST"])
def fire_resource_members(request: HttpRequest, resource_id: int) -> HttpResponse:
    """Edit a team's members line by line (→ services.fire_resource_set_members).

    A viewer whose role may not see phones gets them masked; a masked phone sent back unchanged
    keeps the stored number."""
    resource = _editable_resource(request, resource_id, TEAM_KINDS)
    stored = {m.pk: m for m in resource.members.all()}

    def shown(phone: str) -> str:
        return selectors.phone_for(request.user, resource.grid_path, phone)

    initial = [{"member": m.pk, "name": m.name, "phone": shown(m.phone)} for m in stored.values()]
    formset = MemberFormSet(
        request.POST if request.method == "POST" else None, initial=initial, prefix="members"
    )
    if request.method != "POST":
        return _lines_response(request, resource, formset, kind="members", errors=[], status=200)
    if not formset.is_valid():
        return _lines_response(request, resource, formset, kind="members", errors=[], status=422)
    lines, forms_by_line = [], []
    for form in formset:
        if form.is_blank():
            continue
        data = form.cleaned_data
        member = stored.get(data.get("member") or 0)
        phone = data.get("phone", "")
        if member is not None and member.phone and phone == shown(member.phone):
            phone = member.phone
        same_person = member is not None and member.name == data.get("name")
        lines.append(
            {
                "name": data.get("name", ""),
                "phone": phone,
                "person": member.person_id if same_person and member else None,
            }
        )
        forms_by_line.append(form)
    try:
        services.fire_resource_set_members(actor=request.user, resource=resource, members=lines)
    except ApplicationError as exc:
        errors = _line_error(forms_by_line, exc)
        return _lines_response(
            request, resource, formset, kind="members", errors=errors, status=exc.status
        )
    messages.success(request, _("Saved."))
    return redirect("registry:fire_resource_detail", resource.pk)
