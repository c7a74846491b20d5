"""Read-only pages of the configuration: schedule rules (定时定点检查规则) and checklist versions
(检查表). Editing stays in the admin for now; these pages let an office see what applies."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from firegrid.core.i18n import localized_name
from firegrid.registry.models import RiskLevel

from ..models import ChecklistItem, ChecklistTemplate, Frequency, ScheduleRule


def _frequency(value: str) -> str:
    return str(Frequency(value).label) if value in Frequency.values else value


def _risk_first(entry: tuple[str, str]) -> int:
    """High risk first, as the risk levels are listed everywhere else."""
    order = [str(value) for value in RiskLevel.values]
    return order.index(entry[0]) if entry[0] in order else len(order)


def _rule_row(rule: ScheduleRule) -> dict[str, Any]:
    """A rule in words: who, what, how often (with the risk overrides), when in the period."""
    risk_labels = dict(RiskLevel.choices)
    return {
        "rule": rule,
        "name": localized_name(rule),
        "roles": [localized_name(role) for role in rule.roles.all()],
        "place_types": [localized_name(t) for t in rule.place_types.all()],
        "risk_levels": [str(risk_labels.get(r, r)) for r in rule.risk_levels],
        "frequency": _frequency(rule.frequency),
        "by_risk": [
            (str(risk_labels.get(risk, risk)), _frequency(freq))
            for risk, freq in sorted(rule.frequency_by_risk.items(), key=_risk_first)
        ],
        "open_hazard": _frequency(rule.frequency_open_hazard) if rule.frequency_open_hazard else "",
        "relax_cap": _frequency(rule.relax_cap) if rule.relax_cap else "",
    }


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = (
        ScheduleRule.objects.select_related("jurisdiction")
        .prefetch_related("roles", "place_types")
        .order_by("-active", "grid_depth", "code")
    )
    return render(
        request,
        "inspections/office/rules.html",
        {"rules": [_rule_row(rule) for rule in rules], "current": "rules"},
    )


@login_required
@require_GET
def checklist_list(request: HttpRequest) -> HttpResponse:
    """Every checklist code with its versions, the current one first."""
    templates = (
        ChecklistTemplate.objects.annotate(item_count=Count("items"))
        .prefetch_related("place_types")
        .order_by("priority", "code", "-version")
    )
    groups: dict[str, list[ChecklistTemplate]] = {}
    for template in templates:
        groups.setdefault(template.code, []).append(template)
    rows = [
        {
            "code": code,
            "name": localized_name(versions[0]),
            "current": next((v for v in versions if v.is_current), None),
            "versions": versions,
            "place_types": [localized_name(t) for t in versions[0].place_types.all()],
        }
        for code, versions in groups.items()
    ]
    return render(
        request, "inspections/office/checklists.html", {"rows": rows, "current": "checklists"}
    )


@login_required
@require_GET
def checklist_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    template = (
        ChecklistTemplate.objects.prefetch_related(
            "place_types",
            Prefetch("items", queryset=ChecklistItem.objects.order_by("position", "id")),
        )
        .filter(pk=template_id)
        .first()
    )
    if template is None:
        raise Http404(_("No such checklist."))
    versions = ChecklistTemplate.objects.filter(code=template.code).order_by("-version")
    items = [
        {"item": item, "text": item.text_en if _english(request) and item.text_en else item.text}
        for item in template.items.all()
    ]
    return render(
        request,
        "inspections/office/checklist_detail.html",
        {
            "template": template,
            "name": localized_name(template),
            "place_types": [localized_name(t) for t in template.place_types.all()],
            "items": items,
            "versions": list(versions.only("pk", "version", "is_current", "active")),
            "current": "checklists",
        },
    )


def _english(request: HttpRequest) -> bool:
    return (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en")


urlpatterns: list[URLPattern] = [
    path("rules/", rule_list, name="rules"),
    path("checklists/", checklist_list, name="checklists"),
    path("checklists/<int:template_id>/", checklist_detail, name="checklist_detail"),
]
