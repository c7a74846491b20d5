"""Merging two records of one place (合并重复记录), keeping both histories.

The merged record is not deleted: it stays, with `status=merged` and `merged_into` pointing at
the kept record, so its history (and anything else pointing at it) survives; the kept record's
history (`selectors.place_history`) then shows both. Blank fields of the kept record are filled
from the merged one, and the fill is written to the kept record's history.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import ValidationFailed

from ..models import DuplicateCandidate, Place
from .common import normalize_key, require_edit
from .duplicates import place_flag_duplicates
from .places import (
    CLASSIFIED_FIELDS,
    FLOAT_FIELDS,
    INT_FIELDS,
    PHONE_FIELDS,
    RULE_INPUTS,
    TEXT_FIELDS,
    history_value,
    place_classify,
)

# Fields filled on the kept record when blank there and set on the merged one.
FILLABLE = (*TEXT_FIELDS, *PHONE_FIELDS, *INT_FIELDS, *FLOAT_FIELDS)


def _blank(value: Any) -> bool:
    return value is None or value == ""


@transaction.atomic
def place_merge(*, actor: Any, keep: Place, merge: Place, reason: str = "") -> Place:
    """Merge `merge` into `keep`: the actor needs edit rights on both records' grids."""
    if keep.pk == merge.pk:
        raise ValidationFailed(
            _("A record cannot be merged into itself."),
            code="merge_same_record",
            details={"field": "merge"},
        )
    locked = {
        p.pk: p
        for p in Place.objects.select_for_update()
        .select_related("place_type", "grid")
        .filter(pk__in=[keep.pk, merge.pk])
        .order_by("pk")
    }
    keep, merge = locked[keep.pk], locked[merge.pk]
    require_edit(actor, keep.grid)
    require_edit(actor, merge.grid)
    if keep.status == Place.Status.MERGED:
        raise ValidationFailed(
            _("%(name)s was itself merged into another record; merge into that one.")
            % {"name": keep.name},
            code="merge_into_merged",
            details={"field": "keep"},
        )
    if merge.status == Place.Status.MERGED:
        raise ValidationFailed(
            _("%(name)s is already merged into another record.") % {"name": merge.name},
            code="place_merged",
            details={"field": "merge"},
        )
    reason = " ".join(reason.split())[:200]

    filled: dict[str, Any] = {}
    for field in FILLABLE:
        old, new = getattr(keep, field), getattr(merge, field)
        if _blank(old) and not _blank(new):
            filled[field] = [history_value(field, old), history_value(field, new)]
            setattr(keep, field, new)
    if filled:
        keep.name_key = normalize_key(keep.name)
        keep.address_key = normalize_key(keep.address)
        if set(filled) & set(RULE_INPUTS):
            _reclassify(keep, filled)
        keep.save()

    # Records merged earlier into `merge` now hang on `keep`, so its history shows them too.
    repointed = Place.objects.filter(merged_into=merge).update(merged_into=keep)
    old_status = merge.status
    merge.status, merge.merged_into = Place.Status.MERGED, keep
    merge.save(update_fields=["status", "merged_into", "updated_at"])
    pair = Q(place=keep, other=merge) | Q(place=merge, other=keep)
    open_flags = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
    closed = open_flags.filter(pair).update(status=DuplicateCandidate.Status.MERGED)
    # The merged record's other open flags have no live record left on one side.
    open_flags.filter(Q(place=merge) | Q(other=merge)).update(
        status=DuplicateCandidate.Status.MERGED
    )

    audit_record(
        actor=actor,
        action="place.merge",
        target=keep,
        data={
            "merged": merge.pk,
            "merged_name": merge.name,
            "reason": reason,
            "changes": filled,
            "duplicate_flags_closed": closed,
            "repointed": repointed,
        },
    )
    audit_record(
        actor=actor,
        action="place.merged_into",
        target=merge,
        data={
            "into": keep.pk,
            "into_name": keep.name,
            "reason": reason,
            "changes": {
                "status": [old_status, Place.Status.MERGED],
                "merged_into": [None, keep.pk],
            },
        },
    )
    place_flag_duplicates(place=keep)
    return keep


def _reclassify(place: Place, filled: dict[str, Any]) -> None:
    before = {k: getattr(place, k) for k in CLASSIFIED_FIELDS}
    place_classify(place)
    after = {k: getattr(place, k) for k in CLASSIFIED_FIELDS}
    if before != after:
        filled["classification"] = [before, after]
