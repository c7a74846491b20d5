"""Demo hazards: the hazards the demo's inspections raised, walked through the lifecycle so the
hazard list, the "my actions" queue and the notices have every state to show (idempotent: it runs
once, when no hazard has a step yet)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from firegrid.core.workdays import add_working_days
from firegrid.inspections.demo import demo_photo
from firegrid.people.models import Assignment

from .models import Hazard, HazardEvent
from .services import StepIn, hazard_step

# What happens to the n-th demo hazard (cycled): the steps, and who takes each.
SCENARIOS: list[list[tuple[str, str]]] = [
    [],
    [("confirm", "manager")],
    [("confirm", "manager"), ("issue_notice", "manager"), ("acknowledge", "worker")],
    [("fix_on_spot", "worker"), ("verify_fix", "manager")],
    [("confirm", "manager"), ("issue_notice", "manager"), ("request_review", "worker")],
    [("confirm", "manager"), ("issue_notice", "manager")],
]
PHOTO_STEPS = {"fix_on_spot", "request_review", "reinspect_pass"}


@dataclass
class HazardsDemoResult:
    steps: int = 0

    @property
    def changed(self) -> bool:
        return self.steps > 0


@transaction.atomic
def hazards_demo_load(*, today: datetime.date | None = None) -> HazardsDemoResult:
    result = HazardsDemoResult()
    if HazardEvent.objects.exists():
        return result
    today = today or timezone.localdate()
    hazards = Hazard.objects.filter(state=Hazard.State.REPORTED).select_related("grid", "place")
    for index, hazard in enumerate(hazards.order_by("pk")):
        manager = office_user_over(hazard.grid_path)
        if manager is None or hazard.reported_by is None:
            continue
        actors = {"manager": manager, "worker": hazard.reported_by}
        for action, who in SCENARIOS[index % len(SCENARIOS)]:
            hazard_step(actor=actors[who], hazard_id=hazard.pk, data=_step(action, today))
            result.steps += 1
    return result


def _step(action: str, today: datetime.date) -> StepIn:
    photos = (demo_photo(action),) if action in PHOTO_STEPS else ()
    deadline = add_working_days(today, 10) if action == "issue_notice" else None
    return StepIn(action=action, photos=photos, deadline=deadline)


def office_user_over(grid_path: str) -> Any:
    """The login of the nearest office (managing post) at or above a grid."""
    ancestors = [int(part) for part in grid_path.strip("/").split("/")]
    posts = (
        Assignment.objects.active(timezone.localdate())
        .filter(grid_id__in=ancestors, role__can_manage=True, person__user__isnull=False)
        .select_related("person__user", "grid")
    )
    nearest = max(posts, key=lambda post: len(post.grid.path), default=None)
    return nearest.person.user if nearest is not None else None
