"""The place page (场所详情): attributes, grid, the rules that fired, duplicates, history.

A place outside the viewer's scope is a 404; a write their role may not make is refused (403)
with nothing saved; service errors come back as form errors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from firegrid.core.errors import ApplicationError
from firegrid.core.i18n import localized_name

from .. import selectors, services
from ..forms import ClassificationForm, DuplicateForm
from ..models import ClassificationRule, Place, PlaceType, RiskLevel
from .common import (
    RISK_COLORS,
    add_service_error,
    get_or_404,
)

# ------------------------------------------------------------------------------ detail


def _history_rows(place: Place) -> list[dict[str, Any]]:
    """Each audit event of the place as: when, who, what, and the changed fields old → new."""
    events = list(selectors.place_history(place))
    codes: set[str] = set()
    for event in events:
        change = (event.data or {}).get("changes", {})
        if "grid" in change:
            codes.update(str(code) for code in change["grid"])
        if event.data.get("grid"):
            codes.add(str(event.data["grid"]))
    names = selectors.grid_names(codes)
    type_names = {t.code: localized_name(t) for t in PlaceType.objects.all()}
    actions = {
        "place.create": _("Registered"),
        "place.update": _("Edited"),
        "place.set_grid": _("Grid set"),
        "place.set_classification": _("Classification set by hand"),
        "place.merge": _("Merged"),
        "place.import": _("Imported"),
    }

    def label(field: str) -> str:
        if field == "classification":
            return _("Classification")
        try:
            return str(getattr(Place._meta.get_field(field), "verbose_name", field))
        except FieldDoesNotExist:  # an old field name in an old event
            return field

    def show(field: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if field == "grid":
            return f"{names.get(str(value), value)} ({value})"
        if field == "place_type":
            return type_names.get(str(value), str(value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if field == "classification" and isinstance(value, dict):
            level = str(value.get("risk_level", ""))
            risk = dict(RiskLevel.choices).get(level, level)
            parts = [str(risk)]
            if value.get("is_key_unit"):
                parts.append(_("key unit"))
            if value.get("is_high_risk_unit"):
                parts.append(_("high fire-risk unit"))
            return " · ".join(parts)
        return str(value)

    rows = []
    for event in events:
        data = event.data or {}
        changes = [
            {
                "field": field,
                "label": label(field),
                "old": show(field, pair[0]),
                "new": show(field, pair[1]),
                "is_grid": field == "grid",
            }
            for field, pair in (data.get("changes") or {}).items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
        if event.action == "place.create" and data.get("grid"):
            changes.append(
                {
                    "field": "grid",
                    "label": label("grid"),
                    "old": "",
                    "new": show("grid", data["grid"]),
                    "is_grid": True,
                }
            )
        rows.append(
            {
                "event": event,
                "actor": event.actor.get_username() if event.actor else _("system"),
                "action": actions.get(event.action, event.action),
                "changes": changes,
                "reason": data.get("reason", ""),
                "merged_from": event.object_id != str(place.pk),
            }
        )
    return rows


def _fired_rules(place: Place) -> list[dict[str, Any]]:
    fired = place.classification.get("fired", []) if place.classification else []
    rules = selectors.rules_by_code([rule["code"] for rule in fired])
    effects = dict(ClassificationRule.Effect.choices)
    rows = []
    for item in fired:
        rule = rules.get(item["code"])
        rows.append(
            {
                "code": item["code"],
                "name": localized_name(rule) if rule else item.get("name", item["code"]),
                "effect": effects.get(item.get("effect", ""), item.get("effect", "")),
                "verified": rule.verified if rule else True,
                "source": rule.source if rule else "",
            }
        )
    return rows


def _detail_response(
    request: HttpRequest,
    place: Place,
    *,
    classification_form: ClassificationForm | None = None,
    action_error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    may_edit = selectors.place_may_edit(user, place)
    if may_edit and classification_form is None:
        overrides = place.overrides or {}

        def yes_no(key: str) -> str:
            return {True: "yes", False: "no"}.get(overrides.get(key), "")  # type: ignore[arg-type]

        classification_form = ClassificationForm(
            initial={
                "risk_level": overrides.get("risk_level", ""),
                "is_key_unit": yes_no("is_key_unit"),
                "is_high_risk_unit": yes_no("is_high_risk_unit"),
                "reason": place.override_reason,
            }
        )
    duplicates = selectors.place_open_duplicates(user, place)
    may_resolve = may_edit
    computed = place.classification or {}
    context = {
        "place": place,
        "may_edit": may_edit,
        "risk_color": RISK_COLORS.get(place.risk_level, "#5c636a"),
        "fired": _fired_rules(place),
        "computed_risk": dict(RiskLevel.choices).get(computed.get("risk_level", "")),
        "computed": computed,
        "overrides": place.overrides or {},
        "classification_form": classification_form,
        "duplicates": [
            {
                "flag": flag,
                "other": flag.other if flag.place_id == place.pk else flag.place,
                "form": DuplicateForm(initial={"candidate": flag.pk}) if may_resolve else None,
            }
            for flag in duplicates
        ],
        "history": _history_rows(place),
        "action_error": action_error,
        "map_data": {
            "point": [place.lon, place.lat] if place.lon is not None else None,
            "risk": place.risk_level,
            "grid": place.grid.boundary,
        },
    }
    return render(request, "registry/place_detail.html", context, status=status)


@login_required
@require_GET
def place_detail(request: HttpRequest, place_id: int) -> HttpResponse:
    return _detail_response(request, get_or_404(selectors.place_get, request.user, place_id))


@login_required
@require_POST
def place_classify(request: HttpRequest, place_id: int) -> HttpResponse:
    """Override the classification by hand (→ services.place_set_classification)."""
    place = get_or_404(selectors.place_get, request.user, place_id)
    if not selectors.place_may_edit(request.user, place):
        return _detail_response(
            request, place, action_error=_("Your role may not edit this place."), status=403
        )
    form = ClassificationForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, place, classification_form=form, status=422)
    try:
        services.place_set_classification(
            actor=request.user,
            place=place,
            overrides=form.overrides(),
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _detail_response(request, place, classification_form=form, status=exc.status)
    messages.success(request, _("The classification was saved."))
    return redirect("registry:place_detail", place_id=place.pk)


@login_required
@require_POST
def place_duplicate(request: HttpRequest, place_id: int) -> HttpResponse:
    """Merge a flagged duplicate into this place or dismiss the flag (when the services exist)."""
    place = get_or_404(selectors.place_get, request.user, place_id)
    if not selectors.place_may_edit(request.user, place):
        return _detail_response(
            request, place, action_error=_("Your role may not edit this place."), status=403
        )
    form = DuplicateForm(request.POST)
    flag = None
    if form.is_valid():
        flag = next(
            (
                f
                for f in selectors.place_open_duplicates(request.user, place)
                if f.pk == form.cleaned_data["candidate"]
            ),
            None,
        )
    if flag is None:
        return _detail_response(
            request, place, action_error=_("This duplicate flag is no longer open."), status=422
        )
    other = flag.other if flag.place_id == place.pk else flag.place
    try:
        if form.cleaned_data["action"] == "merge":
            services.place_merge(actor=request.user, keep=place, merge=other)
            messages.success(request, _("The duplicate was merged into this place."))
        else:
            services.duplicate_dismiss(actor=request.user, candidate=flag)
            messages.success(request, _("The flag was dismissed."))
    except ApplicationError as exc:
        return _detail_response(request, place, action_error=str(exc.message), status=exc.status)
    return redirect("registry:place_detail", place_id=place.pk)
