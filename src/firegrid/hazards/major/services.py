"""Stored GB 35181 determinations (重大火灾隐患判定): run the engine on a place, record the
collective confirmation (集体讨论, at least three people) that makes it final, and route a major
hazard at once to the street level and the fire agency.

The rule set judging new determinations is the built-in GB 35181-2017 v1 unless
FIREGRID_MAJOR_RULES_FILE names a JSON rule set (how the 2025 edition is loaded as a new
version); every determination keeps the label of the rule set that decided it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from firegrid.people.scope import user_scope
from firegrid.registry.models import Place

from ..models import Hazard, MajorDetermination
from ..services.lifecycle import StepIn, hazard_step
from ..services.notify import major_route, street_level
from .engine import (
    MIN_CONFIRMERS,
    REASON_NOT_JUDGED,
    RuleSet,
    category_for,
    determination_to_dict,
    determine,
    rule_set_from_dict,
)
from .gb35181_2017 import GB35181_2017

S = Hazard.State
# Hazards that count: open and not fixed on the spot (立即改正的不判定).
NOT_COUNTED = (S.CLOSED, S.REJECTED, S.FIXED_ON_SPOT)
MAX_CONFIRMERS = 50


def current_rule_set() -> RuleSet:
    """The rule set new determinations are judged with."""
    path = str(getattr(settings, "FIREGRID_MAJOR_RULES_FILE", "") or "")
    if not path:
        return GB35181_2017
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"FIREGRID_MAJOR_RULES_FILE {path!r}: {exc}") from exc
    return rule_set_from_dict(data)


def known_rule_sets() -> dict[str, RuleSet]:
    """Rule sets by label: the built-in one and the configured one (for explaining old rows)."""
    found = {GB35181_2017.label: GB35181_2017}
    try:
        configured = current_rule_set()
    except ValueError:
        return found
    return found | {configured.label: configured}


def _place_for(actor: Any, place_id: int, *, lock: bool = False) -> Place:
    places = Place.objects.select_related("place_type", "grid").filter(
        user_scope(actor).q("grid_path")
    )
    if lock:
        places = places.select_for_update(of=("self",))
    place = places.filter(pk=place_id).first()
    if place is None:
        raise NotFound(_("No such place."), code="place_not_found")
    if not user_scope(actor).covers(place.grid_path, manage=True):
        raise PermissionDenied(
            _("Only an office managing this place's grid may determine major hazards."),
            code="major_not_manager",
        )
    return place


def _category(place: Place) -> str:
    flammable = place.place_type.code in getattr(
        settings, "FIREGRID_MAJOR_FLAMMABLE_PLACE_TYPES", []
    )
    return category_for(is_crowded=place.place_type.is_crowded, is_flammable=flammable)


@transaction.atomic
def determination_run(
    *, actor: Any, place_id: int, hazard_id: int | None = None, rule_set: RuleSet | None = None
) -> MajorDetermination:
    """Judge a place from the GB 35181 element codes of its open hazards and store the result
    with the matched elements and the rule set that decided it (not final until confirmed)."""
    place = _place_for(actor, place_id, lock=True)
    hazards = list(
        Hazard.objects.filter(place=place)
        .exclude(state__in=[S.CLOSED, S.REJECTED])
        .exclude(major_element_code="")
        .order_by("pk")
        .values_list("pk", "state", "major_element_code")
    )
    if hazard_id is not None and not Hazard.objects.filter(pk=hazard_id, place=place).exists():
        raise ValidationFailed(
            _("That hazard is not one of this place's hazards."), code="major_hazard_elsewhere"
        )
    rules = rule_set or current_rule_set()
    counted = [code for _pk, state, code in hazards if state not in NOT_COUNTED]
    fixed = {code for _pk, state, code in hazards if state == S.FIXED_ON_SPOT} - set(counted)
    result = determine(
        rule_set=rules,
        category=_category(place),
        element_codes=[*counted, *sorted(fixed)],
        place_closed=place.status != Place.Status.ACTIVE,
        fixable_now=fixed,
    )
    carriers: dict[str, list[int]] = {}
    for pk, state, code in hazards:
        if state not in NOT_COUNTED:
            carriers.setdefault(code, []).append(pk)
    matched = [
        {
            "code": m.code,
            "kind": kind,
            "text": m.text,
            "text_en": m.text_en,
            "verified": m.verified,
            "hazards": carriers.get(m.code, []),
        }
        for kind, items in (("direct", result.direct), ("comprehensive", result.comprehensive))
        for m in items
    ]
    determination = MajorDetermination.objects.create(
        place=place,
        hazard_id=hazard_id,
        rule_set=result.rule_set_label,
        place_category=result.category,
        is_major=result.is_major,
        reason=result.reason,
        matched=matched,
        threshold=result.threshold,
        determined_at=timezone.now(),
        determined_by=actor,
    )
    audit_record(
        actor=actor,
        action="hazard.major_determined",
        target=determination,
        data={
            "place": place.pk,
            "hazard": hazard_id,
            "rule_set_label": result.rule_set_label,
            **determination_to_dict(result),
        },
    )
    return determination


def _clean_confirmers(confirmers: list[dict[str, Any]]) -> list[dict[str, str]]:
    if len(confirmers) > MAX_CONFIRMERS:
        raise ValidationFailed(
            _("At most %(max)d people may be recorded.") % {"max": MAX_CONFIRMERS},
            code="major_too_many_confirmers",
        )
    people: dict[str, dict[str, str]] = {}
    for row in confirmers:
        name = str(row.get("name") or "").strip()[:50]
        post = str(row.get("post") or "").strip()[:50]
        if not name and not post:
            continue  # an empty row of the form
        if not name or not post:
            raise ValidationFailed(
                _("Give the name and the post of everyone who took part."),
                code="major_confirmer_incomplete",
            )
        people.setdefault(name, {"name": name, "post": post})
    if len(people) < MIN_CONFIRMERS:
        raise ValidationFailed(
            _(
                "A determination needs at least %(min)d different people to confirm it; "
                "got %(count)d."
            )
            % {"min": MIN_CONFIRMERS, "count": len(people)},
            code="major_too_few_confirmers",
        )
    return list(people.values())


@transaction.atomic
def determination_confirm(
    *, actor: Any, determination_id: int, confirmers: list[dict[str, Any]], note: str = ""
) -> MajorDetermination:
    """Record the collective decision (≥ 3 named people with their posts) that makes a
    determination final. A final major determination makes every open hazard of the place major
    (one timeline event each, by the system), moves them to the street level and tells the
    street's offices and the fire agency at once."""
    determination = (
        MajorDetermination.objects.select_for_update(of=("self",))
        .filter(place__in=Place.objects.filter(user_scope(actor).q("grid_path")))
        .filter(pk=determination_id)
        .first()
    )
    if determination is None:
        raise NotFound(_("No such determination."), code="major_not_found")
    place = _place_for(actor, determination.place_id)
    if determination.final:
        raise Conflict(_("This determination is final already."), code="major_already_final")
    if determination.reason == REASON_NOT_JUDGED:
        raise ValidationFailed(
            _("A closed or stopped place is not judged; nothing to confirm."),
            code="major_not_judged",
        )
    latest = (
        MajorDetermination.objects.filter(place=place)
        .order_by("-determined_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    newer = latest != determination.pk
    if newer:
        raise Conflict(
            _("A newer determination of this place exists: confirm that one."),
            code="major_superseded",
        )
    people = _clean_confirmers(confirmers)
    determination.confirmers = people
    determination.confirmation_note = note.strip()
    determination.confirmed_at = timezone.now()
    determination.confirmation_recorded_by = actor
    determination.save(
        update_fields=[
            "confirmers",
            "confirmation_note",
            "confirmed_at",
            "confirmation_recorded_by",
            "updated_at",
        ]
    )
    data: dict[str, Any] = {
        "place": place.pk,
        "rule_set": determination.rule_set,
        "is_major": determination.is_major,
        "confirmers": people,
        "note": determination.confirmation_note,
    }
    if determination.is_major:
        data |= _make_major(place, determination)
    audit_record(actor=actor, action="hazard.major_confirmed", target=determination, data=data)
    return determination


def _make_major(place: Place, determination: MajorDetermination) -> dict[str, Any]:
    raised = []
    open_hazards = (
        Hazard.objects.filter(place=place)
        .exclude(state__in=NOT_COUNTED)
        .exclude(severity=Hazard.Severity.MAJOR)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for hazard_id in list(open_hazards):
        hazard_step(
            actor=None,
            hazard_id=hazard_id,
            data=StepIn(
                "set_severity",
                severity=Hazard.Severity.MAJOR,
                note=_("Major fire hazard determination #%(id)d (%(rules)s)")
                % {"id": determination.pk, "rules": determination.rule_set},
            ),
            system=True,
            route_major=False,
        )
        raised.append(hazard_id)
    street = street_level(place.grid)
    level = street if street is not None else place.grid
    codes = ", ".join(m["code"] for m in determination.matched)
    subject = _("Major fire hazard at %(place)s") % {"place": place.name}
    body = "\n".join(
        [
            _("Determined by %(rules)s; elements: %(codes)s.")
            % {"rules": determination.rule_set, "codes": codes or "—"},
            _("Confirmed collectively by: %(names)s.")
            % {"names": ", ".join(p["name"] for p in determination.confirmers)},
        ]
    )
    routing = major_route(
        grid=place.grid,
        level=level,
        subject=subject,
        body=body,
        target=determination,
        dedupe_key=f"major:{determination.pk}",
        link=reverse("hazards:major_detail", args=[determination.pk]),
    )
    return {"hazards_made_major": raised, **routing.as_data()}
