"""Field pages for phones: the inspection form (offline drafts) and the patrol check-in.

The pages are rendered from the place's current checklist; the browser keeps the form as a
draft (IndexedDB) and posts it as multipart to the submit views of field_submit.py, which
answer JSON — `{ok, inspection_id, redirect}` or the API's error envelope — so a draft sent
later, after the phone was offline, is handled the same way as one sent at once. The
services' client_uuid idempotency makes a resend safe.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from firegrid.core.errors import NotFound
from firegrid.core.i18n import localized, localized_name
from firegrid.grids.models import Grid
from firegrid.hazards.models import HazardCategory
from firegrid.people.models import Assignment, Person
from firegrid.people.scope import user_scope
from firegrid.registry import selectors as registry_selectors
from firegrid.registry.models import Place, RiskLevel

from .. import selectors
from ..models import ChecklistItem, ChecklistTemplate, Inspection, InspectionTask
from ..services import checklist_for_place, person_of
from .field_submit import inspect_submit, patrol_submit_view

PATROL_POINT_SECONDS = 30  # a GPS point every half minute while a patrol is open
OPEN_STATES = (InspectionTask.State.PLANNED, InspectionTask.State.IN_PROGRESS)


# ------------------------------------------------------------------------------ shared


def my_tasks_url() -> str:
    """The office pages' "my tasks", or the home page while that page does not exist."""
    try:
        return reverse("inspections:my_tasks")
    except NoReverseMatch:
        return "/"


def _notice(
    request: HttpRequest, title: str, message: str, *, status: int, result_url: str = ""
) -> HttpResponse:
    """A clear page for "not yours", "already done", "no checklist"… instead of a bare error."""
    return render(
        request,
        "inspections/field/notice.html",
        {"title": title, "message": message, "back_url": my_tasks_url(), "result_url": result_url},
        status=status,
    )


def _draft_labels() -> dict[str, str]:
    """Strings the draft machinery shows (JavaScript gets them translated, via json_script)."""
    return {
        "online": _("Online"),
        "offline": _("Offline: answers are kept on this phone"),
        "saved": _("Draft saved on this phone"),
        "queued": _("Saved on this phone, will send when online"),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "rejected": _("Not accepted: fix it and send again"),
        "editing": _("Not submitted yet"),
        "retry": _("Could not send now; it will be tried again."),
        "login": _("Your login has expired: log in again to send it."),
        "open": _("Open"),
        "result": _("See the result"),
        "no_drafts": _("No unsent drafts on this phone."),
        "delete": _("Delete"),
        "confirm_delete": _("Delete this draft from the phone? It has not been sent."),
        "remove": _("Remove"),
        "photo_unreadable": _("This photo could not be read."),
        "gps_locating": _("Finding your position…"),
        "gps_missing": _("Position not available. Allow location access, or give a reason."),
        "gps_unsupported": _("This browser cannot share its position: give a reason."),
    }


# ------------------------------------------------------------------------------ inspection form


def _item_row(item: ChecklistItem, categories: dict[str, str]) -> dict[str, Any]:
    return {
        "code": item.code,
        "text": localized(item.text, item.text_en),
        "type": item.answer_type,
        "required": item.required,
        "photo_on_fail": item.photo_required_on_fail,
        "min": item.min_value,
        "max": item.max_value,
        "unit": item.unit,
        "hazard": bool(item.hazard_category),
        "hazard_name": categories.get(item.hazard_category, ""),
    }


def _categories() -> dict[str, str]:
    return {c.code: localized_name(c) for c in HazardCategory.objects.filter(active=True)}


def _place_info(place: Place, grid: Grid) -> dict[str, Any]:
    return {
        "name": place.name,
        "address": place.address,
        "type": localized_name(place.place_type),
        "risk": place.risk_level,
        "risk_label": RiskLevel(place.risk_level).label if place.risk_level else "",
        "key_unit": place.is_key_unit,
        "grid": grid.name,
    }


def _form_labels() -> dict[str, str]:
    return {
        **_draft_labels(),
        "distance": _("You are about %(d)s m from the place."),
        "far": _(
            "You are %(d)s m from the place, more than %(limit)s m. "
            "Check you are at the right place, or say why."
        ),
        "no_place_point": _("The place has no point on the map; the distance is not checked."),
        "required_answer": _("Answer this item."),
        "required_number": _("Enter a number."),
        "required_photo": _("A photo is required."),
        "required_reason": _("Say why your position is far from the place or missing."),
        "fix_errors": _("Some items need attention:"),
    }


def _render_form(
    request: HttpRequest, place: Place, task: InspectionTask | None, *, form_key: str
) -> HttpResponse:
    try:
        template: ChecklistTemplate = checklist_for_place(place)
    except NotFound as exc:
        return _notice(request, _("No checklist"), str(exc.message), status=404)
    categories = _categories()
    items = [_item_row(item, categories) for item in template.items.all()]
    config = {
        "kind": "inspection",
        "form_key": form_key,
        "form_url": request.path,
        "submit_url": reverse("inspections:inspect_submit"),
        "title": place.name,
        "place_id": place.pk,
        "task_id": task.pk if task else None,
        "template_id": template.pk,
        "place_point": [place.lon, place.lat] if place.lon is not None else None,
        "max_distance_m": settings.FIREGRID_INSPECTION_MAX_DISTANCE_M,
        "items": items,
        "my_tasks_url": my_tasks_url(),
    }
    return render(
        request,
        "inspections/field/inspect.html",
        {
            "place": place,
            "info": _place_info(place, task.grid if task else place.grid),
            "task": task,
            "template": template,
            "items": items,
            "config": config,
            "labels": _form_labels(),
            "max_distance_m": int(settings.FIREGRID_INSPECTION_MAX_DISTANCE_M),
            "my_tasks_url": my_tasks_url(),
        },
    )


@login_required
@require_GET
def inspect(request: HttpRequest, task_id: int) -> HttpResponse:
    """The inspection form for a task: only its assignee fills it in."""
    try:
        task = selectors.task_get(actor=request.user, task_id=task_id)
    except NotFound:
        return _notice(request, _("Not found"), _("No such task in your area."), status=404)
    if task.place is None:
        return redirect(f"{reverse('inspections:patrol')}?grid={task.grid_id}")
    person = person_of(request.user)
    if person is None or task.assignee_id != person.pk:
        return _notice(
            request,
            _("Not your task"),
            _("This task is assigned to someone else; only they can record it."),
            status=403,
        )
    if task.state not in OPEN_STATES:
        done = Inspection.objects.filter(task=task).values_list("pk", flat=True).first()
        return _notice(
            request,
            _("Nothing to do"),
            _("This task is already “%(state)s”.")
            % {"state": InspectionTask.State(task.state).label},
            status=200,
            result_url=reverse("inspections:inspect_result", args=[done]) if done else "",
        )
    return _render_form(request, task.place, task, form_key=f"task:{task.pk}")


@login_required
@require_GET
def inspect_place(request: HttpRequest, place_id: int) -> HttpResponse:
    """An unscheduled inspection of a place (it completes the person's open task, if any)."""
    try:
        place = registry_selectors.place_get(request.user, place_id)
    except NotFound:
        return _notice(request, _("Not found"), _("No such place in your area."), status=404)
    if person_of(request.user) is None:
        return _notice(
            request,
            _("Not allowed"),
            _("Only a person on the register may record an inspection."),
            status=403,
        )
    if place.status != Place.Status.ACTIVE:
        return _notice(request, _("Not allowed"), _("The place is not in business."), status=200)
    return _render_form(request, place, None, form_key=f"place:{place.pk}")


@login_required
@require_GET
def inspect_result(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """What was recorded: clean or N problems, and the hazards raised."""
    try:
        inspection = selectors.inspection_get(actor=request.user, inspection_id=inspection_id)
    except NotFound:
        return _notice(request, _("Not found"), _("No such inspection."), status=404)
    return render(
        request,
        "inspections/field/result.html",
        {
            "inspection": inspection,
            "hazards": [
                {"id": h.pk, "category": localized_name(h.category), "description": h.description}
                for h in inspection.hazards.all()
            ],
            "failed": [
                {"text": localized(a.item.text, a.item.text_en), "note": a.note}
                for a in inspection.answers.all()
                if a.failed
            ],
            "photo_count": len(inspection.photos.all()),
            "photos": inspection.photos.all(),
            "my_tasks_url": my_tasks_url(),
        },
    )


# ------------------------------------------------------------------------------ patrol


def _patrol_grids(person: Person) -> list[Grid]:
    """The grids where the person holds a role today (where they patrol)."""
    rows = (
        Assignment.objects.active(timezone.localdate())
        .filter(person=person)
        .select_related("grid")
        .order_by("grid__path")
    )
    return list({a.grid_id: a.grid for a in rows}.values())


def _patrol_labels() -> dict[str, str]:
    return {
        **_draft_labels(),
        "points": _("GPS points: %(n)s"),
        "running": _("Patrol under way since %(t)s"),
        "stopped": _("Patrol stopped"),
        "need_point": _("A patrol needs at least one GPS point: start it and wait for a fix."),
        "need_description": _("Describe the hazard."),
        "fix_errors": _("Some things need attention:"),
    }


@login_required
@require_GET
def patrol(request: HttpRequest) -> HttpResponse:
    """Patrol check-in (巡查打卡) of a grid: start, walk (GPS points), note, stop, send."""
    person = person_of(request.user)
    if person is None:
        return _notice(
            request, _("Not allowed"), _("Only a person on the register may patrol."), status=403
        )
    raw = request.GET.get("grid", "")
    if not raw:
        return render(
            request, "inspections/field/patrol_choose.html", {"grids": _patrol_grids(person)}
        )
    grid = None
    if raw.isdigit():
        grid = Grid.objects.filter(user_scope(request.user).q("path"), pk=int(raw)).first()
    if grid is None:
        return _notice(request, _("Not found"), _("No such grid in your area."), status=404)
    categories = [(c.code, localized_name(c)) for c in HazardCategory.objects.filter(active=True)]
    config = {
        "kind": "patrol",
        "form_key": f"patrol:{grid.pk}",
        "form_url": request.get_full_path(),
        "submit_url": reverse("inspections:patrol_submit"),
        "title": grid.name,
        "grid_id": grid.pk,
        "interval_s": PATROL_POINT_SECONDS,
    }
    return render(
        request,
        "inspections/field/patrol.html",
        {
            "grid": grid,
            "categories": categories,
            "config": config,
            "labels": _patrol_labels(),
            "my_tasks_url": my_tasks_url(),
        },
    )


@login_required
@require_GET
def patrol_result(request: HttpRequest, patrol_id: int) -> HttpResponse:
    try:
        record = selectors.patrol_get(actor=request.user, patrol_id=patrol_id)
    except NotFound:
        return _notice(request, _("Not found"), _("No such patrol."), status=404)
    return render(
        request,
        "inspections/field/patrol_result.html",
        {
            "patrol": record,
            "hazards": [
                {"id": h.pk, "category": localized_name(h.category), "description": h.description}
                for h in record.hazards.select_related("category")
            ],
            "photo_count": record.photos.count(),
            "my_tasks_url": my_tasks_url(),
        },
    )


# ------------------------------------------------------------------------------ files


@login_required
@require_GET
def photo_file(request: HttpRequest, photo_id: int) -> FileResponse:
    """A field photo, for viewers who may see its inspection or patrol (media is not public)."""
    try:
        photo = selectors.photo_get(actor=request.user, photo_id=photo_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")


@login_required
@require_GET
def signature_file(request: HttpRequest, inspection_id: int) -> FileResponse:
    try:
        inspection = selectors.inspection_get(actor=request.user, inspection_id=inspection_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not inspection.signature:
        raise Http404("no signature")
    return FileResponse(inspection.signature.open("rb"), content_type="image/jpeg")


urlpatterns: list[URLPattern] = [
    path("photos/<int:photo_id>/", photo_file, name="photo"),
    path("field/inspections/<int:inspection_id>/signature/", signature_file, name="signature"),
    path("tasks/<int:task_id>/inspect/", inspect, name="inspect"),
    path("places/<int:place_id>/inspect/", inspect_place, name="inspect_place"),
    path("field/inspections/", inspect_submit, name="inspect_submit"),
    path("field/inspections/<int:inspection_id>/", inspect_result, name="inspect_result"),
    path("patrol/", patrol, name="patrol"),
    path("field/patrols/", patrol_submit_view, name="patrol_submit"),
    path("field/patrols/<int:patrol_id>/", patrol_result, name="patrol_result"),
]
