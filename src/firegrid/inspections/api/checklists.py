"""/api/v1/ checklists (检查表) and schedule rules (检查频次); both read-only here: a checklist
changes by publishing a new version (admin / office pages), rules are edited as configuration."""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query
from ninja.pagination import paginate

from firegrid.core.errors import NotFound
from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.grids.models import Grid
from firegrid.grids.schemas import ErrorOut
from firegrid.people.scope import user_scope
from firegrid.registry.selectors import place_get

from ..models import ChecklistItem, ChecklistTemplate, ScheduleRule
from ..schemas import (
    ChecklistDetailOut,
    ChecklistFilters,
    ChecklistOut,
    RuleFilters,
    ScheduleRuleOut,
)
from ..services import checklist_for_place
from .common import router


def _templates() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.annotate(item_count=Count("items")).prefetch_related(
        "place_types"
    )


def checklist_out(template: ChecklistTemplate) -> dict[str, Any]:
    """Needs `item_count` annotated and `place_types` prefetched."""
    return {
        "id": template.pk,
        "code": template.code,
        "version": template.version,
        "is_current": template.is_current,
        "kind": template.kind,
        "name": template.name,
        "name_en": template.name_en,
        "place_types": sorted(t.code for t in template.place_types.all()),
        "for_key_units": template.for_key_units,
        "priority": template.priority,
        "source": template.source,
        "active": template.active,
        "item_count": getattr(template, "item_count", 0),
    }


def item_out(item: ChecklistItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "code": item.code,
        "position": item.position,
        "text": item.text,
        "text_en": item.text_en,
        "answer_type": item.answer_type,
        "required": item.required,
        "photo_required_on_fail": item.photo_required_on_fail,
        "min_value": item.min_value,
        "max_value": item.max_value,
        "unit": item.unit,
        "hazard_category": item.hazard_category,
        "major_element_code": item.major_element_code,
    }


def checklist_detail(template_id: int) -> dict[str, Any]:
    template = _templates().prefetch_related("items").filter(pk=template_id).first()
    if template is None:
        raise NotFound(_("No such checklist."), code="checklist_not_found")
    return {**checklist_out(template), "items": [item_out(i) for i in template.items.all()]}


@router.get("/inspections/checklists", response=list[ChecklistOut])
@paginate(RenderedPagination, page_size=100)
def list_checklists(request: HttpRequest, filters: Query[ChecklistFilters]) -> Any:
    """The current version of every active checklist; filter by place type code or kind."""
    templates = _templates().filter(is_current=True, active=True)
    if filters.kind:
        templates = templates.filter(kind=filters.kind)
    if filters.place_type.strip():
        templates = templates.filter(place_types__code=filters.place_type.strip())
    return Rows(templates.order_by("priority", "code"), checklist_out)


@router.get(
    "/inspections/checklists/{int:template_id}", response={200: ChecklistDetailOut, 404: ErrorOut}
)
def get_checklist(request: HttpRequest, template_id: int) -> Any:
    """One checklist version (current or old) with its items in order."""
    return checklist_detail(template_id)


@router.get("/places/{int:place_id}/checklist", response={200: ChecklistDetailOut, 404: ErrorOut})
def place_checklist(request: HttpRequest, place_id: int) -> Any:
    """The checklist an inspection of this place fills in now (what the phone form renders):
    the key-unit checklist for a key unit, else the one for its place type."""
    place = place_get(request.user, place_id)
    return checklist_detail(checklist_for_place(place).pk)


def _rules(request: HttpRequest) -> QuerySet[ScheduleRule]:
    """Rules for every jurisdiction, and those of the jurisdictions the viewer sees."""
    scope = user_scope(request.user)
    rules = ScheduleRule.objects.select_related("jurisdiction").prefetch_related(
        "roles", "place_types"
    )
    if scope.everything:
        return rules
    seen = Grid.objects.filter(scope.q("path")).values("level__jurisdiction_id")
    return rules.filter(Q(jurisdiction__isnull=True) | Q(jurisdiction_id__in=seen))


def rule_out(rule: ScheduleRule) -> dict[str, Any]:
    """Needs `jurisdiction` selected, `roles` and `place_types` prefetched."""
    return {
        "id": rule.pk,
        "code": rule.code,
        "name": rule.name,
        "name_en": rule.name_en,
        "jurisdiction": rule.jurisdiction.code if rule.jurisdiction else None,
        "kind": rule.kind,
        "roles": [r.code for r in sorted(rule.roles.all(), key=lambda r: (r.sort_order, r.code))],
        "grid_depth": rule.grid_depth,
        "place_types": sorted(t.code for t in rule.place_types.all()),
        "risk_levels": list(rule.risk_levels),
        "key_units_only": rule.key_units_only,
        "frequency": rule.frequency,
        "frequency_by_risk": dict(rule.frequency_by_risk),
        "frequency_open_hazard": rule.frequency_open_hazard,
        "relax_after_clean": rule.relax_after_clean,
        "relax_cap": rule.relax_cap,
        "window_days": rule.window_days,
        "duration_minutes": rule.duration_minutes,
        "active": rule.active,
    }


@router.get("/inspections/rules", response=list[ScheduleRuleOut])
@paginate(RenderedPagination, page_size=100)
def list_rules(request: HttpRequest, filters: Query[RuleFilters]) -> Any:
    """Schedule rules (who inspects what how often); read-only through the API."""
    rules = _rules(request)
    if filters.kind:
        rules = rules.filter(kind=filters.kind)
    if filters.active is not None:
        rules = rules.filter(active=filters.active)
    return Rows(rules.order_by("grid_depth", "code"), rule_out)


@router.get("/inspections/rules/{int:rule_id}", response={200: ScheduleRuleOut, 404: ErrorOut})
def get_rule(request: HttpRequest, rule_id: int) -> Any:
    """One schedule rule."""
    rule = _rules(request).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No such schedule rule."), code="rule_not_found")
    return rule_out(rule)
