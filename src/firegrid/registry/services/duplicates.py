"""Likely duplicates (疑似重复) of a place: same normalised name nearby, same licence, same address.

Flagged as `DuplicateCandidate` rows for an office to merge or dismiss; never refused outright,
since two branches of one chain can share a name.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import ValidationFailed

from ..models import DuplicateCandidate, Place
from .common import require_edit

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def place_duplicate_reasons(place: Place, other: Place) -> tuple[list[str], float | None]:
    """Why `other` looks like `place` (empty when it does not), and how far apart they are."""
    reasons: list[str] = []
    distance = None
    if None not in (place.lon, place.lat, other.lon, other.lat):
        distance = distance_m(place.lon, place.lat, other.lon, other.lat)  # type: ignore[arg-type]
    near = distance is not None and distance <= settings.FIREGRID_DUPLICATE_DISTANCE_M
    if place.name_key and place.name_key == other.name_key and near:
        reasons.append("name_near")
    if place.licence_number and place.licence_number == other.licence_number:
        reasons.append("licence")
    if place.address_key and place.address_key == other.address_key:
        reasons.append("address")
    return reasons, distance


def place_duplicate_candidates(place: Place) -> list[tuple[Place, list[str], float | None]]:
    """Other live places that look like this one, with the reasons."""
    match = Q(name_key=place.name_key) if place.name_key else Q(pk__in=[])
    if place.licence_number:
        match |= Q(licence_number=place.licence_number)
    if place.address_key:
        match |= Q(address_key=place.address_key)
    others = Place.objects.filter(match).exclude(pk=place.pk).exclude(status=Place.Status.MERGED)
    found = []
    for other in others[:50]:
        reasons, distance = place_duplicate_reasons(place, other)
        if reasons:
            found.append((other, reasons, distance))
    return found


def place_flag_duplicates(*, place: Place) -> int:
    """Record open duplicate candidates for `place` (idempotent); returns how many are open."""
    count = 0
    for other, reasons, distance in place_duplicate_candidates(place):
        first, second = sorted((place, other), key=lambda p: p.pk)
        candidate, created = DuplicateCandidate.objects.get_or_create(
            place=first, other=second, defaults={"reasons": reasons, "distance_m": distance}
        )
        if not created and candidate.status == DuplicateCandidate.Status.OPEN:
            if candidate.reasons != reasons or candidate.distance_m != distance:
                candidate.reasons, candidate.distance_m = reasons, distance
                candidate.save(update_fields=["reasons", "distance_m", "updated_at"])
        count += candidate.status == DuplicateCandidate.Status.OPEN
    return count


@transaction.atomic
def duplicate_dismiss(
    *, actor: Any, candidate: DuplicateCandidate, reason: str = ""
) -> DuplicateCandidate:
    """Mark a flagged pair as not a duplicate; the pair is not flagged again."""
    candidate = (
        DuplicateCandidate.objects.select_for_update()
        .select_related("place__grid", "other__grid")
        .get(pk=candidate.pk)
    )
    require_edit(actor, candidate.place.grid)
    require_edit(actor, candidate.other.grid)
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise ValidationFailed(
            _("This possible duplicate was already handled (%(status)s).")
            % {"status": candidate.get_status_display()},
            code="duplicate_not_open",
            details={"field": "status"},
        )
    candidate.status = DuplicateCandidate.Status.DISMISSED
    candidate.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="duplicate.dismiss",
        target=candidate,
        data={
            "place": candidate.place_id,
            "other": candidate.other_id,
            "reason": " ".join(reason.split())[:200],
            "changes": {"status": [DuplicateCandidate.Status.OPEN, candidate.status]},
        },
    )
    return candidate
