"""Who hears of a hazard step: the offices of its responsible level (in-app inbox, and the
channels configured for notifications)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.grids.models import Grid
from firegrid.people.models import Assignment, Person

from ..models import Hazard, HazardEvent

# Steps the responsible level must hear of, with their notification kind.
ANNOUNCED = {
    "mark_overdue": "hazard.overdue",
    "escalate": "hazard.escalated",
    "request_review": "hazard.review_requested",
    "reinspect_fail": "hazard.reinspection_failed",
}


def responsible_people(grid: Grid) -> list[Person]:
    """People holding a managing role (网格办, 网格长 …) at exactly this grid today."""
    ids = (
        Assignment.objects.active(timezone.localdate())
        .filter(grid=grid, role__can_manage=True)
        .values_list("person_id", flat=True)
    )
    return list(Person.objects.filter(pk__in=ids).order_by("pk"))


def hazard_announce(*, hazard: Hazard, event: HazardEvent) -> int:
    """Notify the responsible level of an announced step; idempotent per event."""
    kind = ANNOUNCED.get(event.action)
    if kind is None:
        return 0
    from firegrid.notifications.services import notify

    level = hazard.owner_grid or hazard.grid
    subject = _("Hazard #%(id)d at %(where)s: %(state)s") % {
        "id": hazard.pk,
        "where": hazard.place.name if hazard.place else hazard.grid.name,
        "state": Hazard.State(hazard.state).label,
    }
    body = hazard.description
    if hazard.next_due:
        body += "\n" + _("Next deadline: %(date)s") % {"date": hazard.next_due.isoformat()}
    sent = notify(
        recipients=responsible_people(level),
        kind=kind,
        subject=subject,
        body=body,
        target=hazard,
        dedupe_key=f"hazard:{hazard.pk}:event:{event.pk}",
    )
    return len(sent)
