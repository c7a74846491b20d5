"""Who hears of a hazard step: the offices of its responsible level (in-app inbox, and the
channels configured for notifications)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.grids.models import Grid
from firegrid.people.models import Assignment, Person

from ..models import Hazard, HazardEvent

# The role whose holders are the fire agency's contact for a grid (消防).
FIRE_ROLE = "fire_officer"

# Steps the responsible level must hear of, with their notification kind.
ANNOUNCED = {
    "mark_overdue": "hazard.overdue",
    "escalate": "hazard.escalated",
    "request_review": "hazard.review_requested",
    "reinspect_fail": "hazard.reinspection_failed",
}


def responsible_people(grid: Grid) -> list[Person]:
    """People holding a managing role (网格办, 网格长 …) at this grid today or, when it has none
    (a leaf grid is usually run by its community's office), at the nearest grid above that has."""
    rows = (
        Assignment.objects.active(timezone.localdate())
        .filter(grid_id__in=grid.ancestor_ids, role__can_manage=True)
        .values_list("grid__depth", "person_id")
    )
    by_depth: dict[int, set[int]] = {}
    for depth, person_id in rows:
        by_depth.setdefault(depth, set()).add(person_id)
    if not by_depth:
        return []
    nearest = by_depth[max(by_depth)]
    return list(Person.objects.filter(pk__in=nearest).order_by("pk"))


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


# ------------------------------------------------------------------ major hazards (重大火灾隐患)


def street_level(grid: Grid) -> Grid | None:
    """The street/town grid (街道/乡镇) above `grid` (itself at that depth); None above it."""
    depth = int(getattr(settings, "FIREGRID_STREET_LEVEL_DEPTH", 1))
    ids = grid.ancestor_ids
    if grid.depth < depth or len(ids) <= depth:
        return None
    if grid.depth == depth:
        return grid
    return Grid.objects.get(pk=ids[depth])


def fire_officers(grid: Grid) -> list[Person]:
    """People with the fire-safety role (消防, the fire agency's contact) at `grid` or above."""
    ids = (
        Assignment.objects.active(timezone.localdate())
        .filter(grid_id__in=grid.ancestor_ids, role__code=FIRE_ROLE)
        .values_list("person_id", flat=True)
    )
    return list(Person.objects.filter(pk__in=ids).order_by("pk"))


@dataclass(frozen=True)
class MajorRouting:
    """Who heard of a major hazard: the street's (and the responsible level's) offices and the
    fire agency; `fire_agency_notified` is False when no fire-safety officer is on record."""

    street: Grid | None
    street_people: int
    fire_officers: int

    @property
    def fire_agency_notified(self) -> bool:
        return self.fire_officers > 0

    def as_data(self) -> dict[str, Any]:
        return {
            "street": self.street.code if self.street else None,
            "street_notified": self.street_people,
            "fire_officers_notified": self.fire_officers,
            "fire_agency_notified": self.fire_agency_notified,
        }


def major_route(
    *,
    grid: Grid,
    level: Grid,
    subject: str,
    body: str,
    target: Any,
    dedupe_key: str,
    link: str = "",
) -> MajorRouting:
    """Send a major hazard at once to the street level and to the fire agency (重大火灾隐患
    报街道并抄送消防); `level` is the responsible level after the move (the street or higher)."""
    from firegrid.notifications.services import notify

    street = street_level(grid)
    offices = {p.pk: p for p in responsible_people(level)}
    if street is not None:
        offices |= {p.pk: p for p in responsible_people(street)}
    officers = fire_officers(grid)
    if not officers:
        body += "\n" + _(
            "No fire-safety officer (消防) is on record for these grids: "
            "inform the fire agency directly."
        )
    notify(
        recipients=[*offices.values(), *officers],
        kind="hazard.major",
        subject=subject,
        body=body,
        link=link,
        target=target,
        dedupe_key=dedupe_key,
    )
    return MajorRouting(street=street, street_people=len(offices), fire_officers=len(officers))


# ------------------------------------------------------------------ sweep notices


def hazard_remind(
    *, hazard: Hazard, kind: str, subject: str, body: str, dedupe_key: str, workers: bool
) -> int:
    """A sweep's notice to the responsible level and, with `workers`, to everyone posted in the
    hazard's own grid; idempotent per `dedupe_key`. Returns the notifications written now."""
    from firegrid.notifications.services import notify

    level = hazard.owner_grid or hazard.grid
    recipients = responsible_people(level)
    if workers:
        ids = (
            Assignment.objects.active(timezone.localdate())
            .filter(grid=hazard.grid)
            .values_list("person_id", flat=True)
        )
        recipients += list(Person.objects.filter(pk__in=ids).order_by("pk"))
    sent = notify(
        recipients=recipients,
        kind=kind,
        subject=subject,
        body=body,
        target=hazard,
        dedupe_key=dedupe_key,
    )
    return len(sent)
