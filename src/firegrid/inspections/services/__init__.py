"""Writes of the inspections app (services): schedule sweep, task states, inspections, patrols."""

from .checklists import (
    checklist_for_patrol,
    checklist_for_place,
    checklist_new_version,
    checklist_publish,
    template_usable_for,
)
from .inspect import (
    AnswerIn,
    HazardIn,
    InspectionIn,
    PhotoIn,
    inspection_check,
    inspection_submit,
    place_snapshot,
)
from .patrols import PatrolHazardIn, PatrolIn, patrol_submit
from .schedule import (
    GenerateResult,
    schedule_generate,
    schedule_sweep,
    tasks_mark_missed,
)
from .tasks import (
    TRANSITIONS,
    person_of,
    task_cancel,
    task_create_unscheduled,
    task_reassign,
    task_start,
    task_transition,
)

__all__ = [
    "TRANSITIONS",
    "AnswerIn",
    "GenerateResult",
    "HazardIn",
    "InspectionIn",
    "PatrolHazardIn",
    "PatrolIn",
    "PhotoIn",
    "checklist_for_patrol",
    "checklist_for_place",
    "checklist_new_version",
    "checklist_publish",
    "inspection_check",
    "inspection_submit",
    "patrol_submit",
    "person_of",
    "place_snapshot",
    "schedule_generate",
    "schedule_sweep",
    "task_cancel",
    "task_create_unscheduled",
    "task_reassign",
    "task_start",
    "task_transition",
    "tasks_mark_missed",
    "template_usable_for",
]
