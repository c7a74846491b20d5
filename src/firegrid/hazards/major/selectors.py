"""Reads of stored GB 35181 determinations, scoped by the place's grid (outside it: not found)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from firegrid.core.errors import NotFound
from firegrid.people.scope import user_scope
from firegrid.registry.models import Place

from ..models import Hazard, MajorDetermination
from .services import NOT_COUNTED, known_rule_sets


def place_get(*, actor: Any, place_id: int) -> Place:
    place = (
        Place.objects.select_related("place_type", "grid")
        .filter(user_scope(actor).q("grid_path"), pk=place_id)
        .first()
    )
    if place is None:
        raise NotFound(_("No such place."), code="place_not_found")
    return place


def _scoped(actor: Any) -> QuerySet[MajorDetermination]:
    return MajorDetermination.objects.filter(
        user_scope(actor).q("place__grid_path")
    ).select_related("place", "determined_by", "confirmation_recorded_by")


def determination_list(*, actor: Any, place_id: int) -> QuerySet[MajorDetermination]:
    """A place's determinations, newest first (404 for a place outside the viewer's scope)."""
    place = place_get(actor=actor, place_id=place_id)
    return _scoped(actor).filter(place=place).order_by("-determined_at", "-id")


def determination_get(*, actor: Any, determination_id: int) -> MajorDetermination:
    found = _scoped(actor).filter(pk=determination_id).first()
    if found is None:
        raise NotFound(_("No such determination."), code="major_not_found")
    return found


def counted_hazards(*, place: Place) -> QuerySet[Hazard]:
    """The place's hazards a determination run would count (open, with an element code)."""
    return (
        Hazard.objects.filter(place=place)
        .exclude(state__in=NOT_COUNTED)
        .exclude(major_element_code="")
        .select_related("category")
        .order_by("pk")
    )


@dataclass(frozen=True)
class ThresholdInfo:
    """The threshold a determination was judged against, and whether it was checked against
    the standard's text (None: the rule set is no longer known here)."""

    min_elements: int | None
    verified: bool | None
    note: str


def threshold_info(determination: MajorDetermination) -> ThresholdInfo:
    rules = known_rule_sets().get(determination.rule_set)
    if rules is None or determination.place_category not in {t.category for t in rules.thresholds}:
        return ThresholdInfo(determination.threshold, None, "")
    threshold = rules.threshold(determination.place_category)
    return ThresholdInfo(determination.threshold, threshold.verified, threshold.note)
