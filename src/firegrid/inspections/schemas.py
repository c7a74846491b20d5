"""API schemas of the inspections app (explicit fields only; inputs refuse unknown fields).

The phone form posts multipart: a JSON field `payload` (InspectionPayload / PatrolPayload) plus
the photo files, so a draft kept offline is re-sent exactly as it was typed.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from firegrid.core.params import Day, day_range
from firegrid.registry.schemas import GridRefOut, StrictIn

TaskState = Literal["planned", "in_progress", "done", "missed", "cancelled"]
TaskKind = Literal["inspection", "patrol"]
TaskOrigin = Literal["schedule", "complaint", "hazard", "request", "other"]
UnscheduledOrigin = Literal["complaint", "hazard", "request", "other"]

# ------------------------------------------------------------------------------ checklists


class ChecklistFilters(Schema):
    place_type: str = Field("", max_length=50, description="A place type code.")
    kind: Literal["place", "patrol"] | None = None


class ChecklistItemOut(Schema):
    id: int
    code: str
    position: int
    text: str
    text_en: str
    answer_type: Literal["pass_fail", "number", "text", "photo"]
    required: bool
    photo_required_on_fail: bool
    min_value: float | None = Field(..., description="Number answers below it fail.")
    max_value: float | None = Field(..., description="Number answers above it fail.")
    unit: str
    hazard_category: str = Field(..., description="Hazard category code raised on fail.")
    major_element_code: str = Field(..., description="GB 35181 element code.")


class ChecklistOut(Schema):
    id: int
    code: str
    version: int
    is_current: bool
    kind: Literal["place", "patrol"]
    name: str
    name_en: str
    place_types: list[str] = Field(..., description="Place type codes it is used for.")
    for_key_units: bool = Field(..., description="Used for every key unit (重点单位).")
    priority: int
    source: str
    active: bool
    item_count: int


class ChecklistDetailOut(ChecklistOut):
    items: list[ChecklistItemOut]


# ------------------------------------------------------------------------------ schedule rules


class RuleFilters(Schema):
    kind: TaskKind | None = None
    active: bool | None = None


class ScheduleRuleOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    jurisdiction: str | None = Field(..., description="Jurisdiction code; null = every one.")
    kind: TaskKind
    roles: list[str] = Field(..., description="Role codes, the first one held wins.")
    grid_depth: int
    place_types: list[str] = Field(..., description="Place type codes; empty = every type.")
    risk_levels: list[str]
    key_units_only: bool
    frequency: str
    frequency_by_risk: dict[str, str]
    frequency_open_hazard: str
    relax_after_clean: int
    relax_cap: str
    window_days: int | None
    duration_minutes: int
    active: bool


# ------------------------------------------------------------------------------ tasks


class RefOut(Schema):
    id: int
    code: str
    name: str


class PersonRefOut(Schema):
    id: int
    name: str


class PlaceRefOut(Schema):
    id: int
    name: str
    address: str
    place_type: str


class TaskFiltersIn(Schema):
    grid_id: int | None = Field(None, description="This grid and its subtree.")
    state: TaskState | None = None
    kind: TaskKind | None = None
    origin: TaskOrigin | None = None
    assignee_id: int | None = None
    place_id: int | None = None
    due_from: Day | None = None
    due_to: Day | None = None
    _due_range = day_range("due_from", "due_to")
    q: str = Field("", max_length=100, description="Part of the place name.")


class WindowIn(Schema):
    start: Day | None = Field(None, description="Default: today.")
    end: Day | None = Field(None, description="Default: start + 6 days.")
    _range = day_range("start", "end")


class TaskOut(Schema):
    id: int
    kind: TaskKind
    origin: TaskOrigin
    rule: RefOut | None
    place: PlaceRefOut | None
    grid: GridRefOut
    assignee: PersonRefOut | None
    assigned_via: Literal["primary", "backup", "manual", "none"]
    frequency: str
    period_start: datetime.date
    window_start: datetime.date
    due_on: datetime.date
    state: TaskState
    state_changed_at: datetime.datetime | None
    completed_on: datetime.date | None
    reason: str


class TaskDetailOut(TaskOut):
    inspection_id: int | None
    patrol_id: int | None


class TaskCreateIn(StrictIn):
    origin: UnscheduledOrigin
    reason: str = Field(..., max_length=300)
    due_on: datetime.date
    place_id: int | None = Field(None, description="A place inspection; else grid_id (patrol).")
    grid_id: int | None = None
    assignee_id: int | None = Field(None, description="Default: yourself.")


class TaskCancelIn(StrictIn):
    reason: str = Field(..., max_length=300)


class TaskReassignIn(StrictIn):
    person_id: int


# ------------------------------------------------------------------------------ inspections


class AnswerPayload(StrictIn):
    item: str = Field(..., max_length=60, description="Checklist item code.")
    value: Literal["pass", "fail", "na", ""] = ""
    number: float | None = None
    text: str = Field("", max_length=500)
    note: str = Field("", max_length=300)


class HazardPayload(StrictIn):
    item: str = Field(..., max_length=60, description="A failed item's code.")
    description: str = Field("", max_length=2000)


class InspectionPayload(StrictIn):
    """The JSON in the multipart field `payload`."""

    client_uuid: uuid.UUID = Field(..., description="Made by the phone; a replay is idempotent.")
    place_id: int
    task_id: int | None = None
    template_id: int | None = Field(None, description="The checklist version the form showed.")
    answers: list[AnswerPayload] = Field(..., max_length=500)
    hazards: list[HazardPayload] = Field([], max_length=200)
    lon: float | None = Field(None, ge=-180, le=180, description="WGS-84.")
    lat: float | None = Field(None, ge=-90, le=90, description="WGS-84.")
    accuracy_m: float | None = Field(None, ge=0)
    distance_reason: str = Field("", max_length=300)
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    signed_by: str = Field("", max_length=50)
    note: str = Field("", max_length=5000)


class InspectionFilters(Schema):
    place_id: int | None = None
    grid_id: int | None = Field(None, description="This grid and its subtree.")
    inspector_id: int | None = None
    since: Day | None = Field(None, description="Finished on or after this day.")


class ChecklistRefOut(Schema):
    id: int
    code: str
    version: int
    name: str


class InspectionOut(Schema):
    id: int
    client_uuid: uuid.UUID
    place: PlaceRefOut
    grid: GridRefOut
    template: ChecklistRefOut
    inspector: PersonRefOut
    task_id: int | None
    started_at: datetime.datetime
    finished_at: datetime.datetime
    result: Literal["clean", "problems"]
    failed_count: int
    distance_m: float | None


class AnswerOut(Schema):
    item: str = Field(..., description="Item code.")
    text: str
    answer_type: str
    value: str
    number: float | None
    answer_text: str
    failed: bool
    note: str


class PhotoOut(Schema):
    id: int
    item: str | None = Field(..., description="Item code, or null for a general photo.")
    url: str
    taken_at: datetime.datetime | None
    width: int
    height: int


class HazardRefOut(Schema):
    id: int
    category: str
    category_name: str
    state: str
    description: str
    item: str | None = Field(..., description="The failed item's code.")


class InspectionDetailOut(InspectionOut):
    lon: float | None
    lat: float | None
    gps_accuracy_m: float | None
    distance_reason: str
    answers: list[AnswerOut]
    photos: list[PhotoOut]
    snapshot: dict[str, Any] = Field(..., description="The place as it was at the time.")
    hazards: list[HazardRefOut]
    signature_url: str | None
    signed_by: str
    note: str
    submitted_by: str


class InspectionCheckOut(Schema):
    ok: bool
    place_id: int
    task_id: int | None
    template: ChecklistRefOut
    failed_items: list[str]
    photos: int
    distance_m: float | None


# ------------------------------------------------------------------------------ patrols


class PointPayload(StrictIn):
    lon: float
    lat: float
    at: str = Field("", max_length=40, description="ISO time of the fix.")
    accuracy: float | None = None


class PatrolHazardPayload(StrictIn):
    category: str = Field(..., max_length=60, description="Hazard category code.")
    description: str = Field(..., min_length=1, max_length=2000)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)


class PatrolPayload(StrictIn):
    """The JSON in the multipart field `payload`."""

    client_uuid: uuid.UUID
    grid_id: int
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    points: list[PointPayload] = Field(..., max_length=5000)
    note: str = Field("", max_length=5000)
    hazards: list[PatrolHazardPayload] = Field([], max_length=200)


class PatrolFilters(Schema):
    grid_id: int | None = Field(None, description="This grid and its subtree.")
    person_id: int | None = None


class PatrolOut(Schema):
    id: int
    client_uuid: uuid.UUID
    grid: GridRefOut
    person: PersonRefOut
    task_id: int | None
    started_at: datetime.datetime
    finished_at: datetime.datetime
    point_count: int
    points_outside: int = Field(..., description="GPS points outside the grid's boundary.")


class PointOut(Schema):
    lon: float
    lat: float
    at: str
    accuracy: float | None


class PatrolDetailOut(PatrolOut):
    points: list[PointOut]
    note: str
    photos: list[PhotoOut]
    hazards: list[HazardRefOut]
    submitted_by: str


# ------------------------------------------------------------------------------ reports


class RangeIn(Schema):
    grid_id: int | None = Field(None, description="Default: your top grids.")
    start: Day | None = Field(None, description="Default: the first of this month.")
    end: Day | None = Field(None, description="Default: the last of this month.")


class CoverageRowOut(Schema):
    grid: GridRefOut | None
    due: int
    done: int
    missed: int
    open: int
    cancelled: int
    rate: float | None = Field(
        ...,
        description="The metric tasks_on_time_rate: done on time / tasks due (done, missed or "
        "open past their due day); null if none judged.",
    )


class CoverageOut(Schema):
    grid: GridRefOut | None
    start: datetime.date
    end: datetime.date
    rows: list[CoverageRowOut] = Field(..., description="One per child grid.")
    total: CoverageRowOut
    missed: list[TaskOut] = Field(..., description="The first 100 missed tasks.")
    missed_count: int
    never_inspected_count: int = Field(..., description="See /inspections/never-inspected.")


class GridFilterIn(Schema):
    grid_id: int | None = Field(None, description="This grid and its subtree.")


class NeverInspectedOut(Schema):
    id: int
    name: str
    address: str
    place_type: str
    risk_level: str
    is_key_unit: bool
    grid: GridRefOut


class PersonLoadOut(Schema):
    person: PersonRefOut
    assigned: int
    done: int
    missed: int
    overdue: int = Field(..., description="Open tasks whose due day has passed.")
    rate: float | None


class RuleLoadOut(Schema):
    rule: str
    tasks_per_month: int
    hours: float


class StaffingOut(Schema):
    grid: GridRefOut
    demand_hours: float
    capacity_hours: float
    shortfall_hours: float
    feasible: bool
    people: list[str]
    by_rule: list[RuleLoadOut]
