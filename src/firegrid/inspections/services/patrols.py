"""Patrol check-ins (巡查打卡): a walk of a grid with GPS points, notes, photos and hazards."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely import Point
from shapely.prepared import prep

from firegrid.core.audit import audit_record
from firegrid.core.errors import NotFound, PermissionDenied, ValidationFailed
from firegrid.core.photos import clean_photo
from firegrid.grids.geometry import to_shape
from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard
from firegrid.hazards.services import hazard_report
from firegrid.people.scope import user_scope

from ..models import InspectionPhoto, InspectionTask, Patrol
from .inspect import check_times, done_on, known_categories
from .tasks import person_of, task_transition

MAX_POINTS = 5000


@dataclass
class PatrolHazardIn:
    category: str
    description: str
    lon: float | None = None
    lat: float | None = None


@dataclass
class PatrolIn:
    client_uuid: uuid.UUID
    grid_id: int
    started_at: datetime.datetime
    points: list[dict[str, Any]]
    finished_at: datetime.datetime | None = None
    note: str = ""
    photos: list[Any] = field(default_factory=list)
    hazards: list[PatrolHazardIn] = field(default_factory=list)


def _clean_points(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not points:
        raise ValidationFailed(_("A patrol needs at least one GPS point."), code="gps_missing")
    if len(points) > MAX_POINTS:
        raise ValidationFailed(_("Too many GPS points."), code="gps_too_many")
    cleaned = []
    for index, point in enumerate(points, start=1):
        try:
            lon, lat = float(point["lon"]), float(point["lat"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationFailed(
                _("GPS point %(n)d has no valid lon/lat.") % {"n": index}, code="gps_invalid"
            ) from exc
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationFailed(
                _("GPS point %(n)d is outside the world.") % {"n": index}, code="gps_invalid"
            )
        cleaned.append(
            {"lon": lon, "lat": lat, "at": str(point.get("at", ""))[:40],
             "accuracy": point.get("accuracy")}
        )  # fmt: skip
    return cleaned


def _patrol_task(grid: Grid, person_id: int, day: datetime.date) -> InspectionTask | None:
    """The patroller's task of this grid whose window holds the day of the patrol."""
    states = [InspectionTask.State.PLANNED, InspectionTask.State.IN_PROGRESS, "missed"]
    return (
        InspectionTask.objects.select_for_update()
        .filter(grid=grid, place__isnull=True, assignee_id=person_id, state__in=states)
        .filter(window_start__lte=day, due_on__gte=day)
        .order_by("due_on")
        .first()
    )


@transaction.atomic
def patrol_submit(*, actor: Any, data: PatrolIn) -> Patrol:
    """Record a patrol; it completes the patroller's open patrol task of that grid for today."""
    existing = Patrol.objects.filter(client_uuid=data.client_uuid).first()
    if existing is not None:
        if existing.submitted_by_id != actor.pk:
            raise ValidationFailed(_("This draft id was already used."), code="client_uuid_taken")
        return existing
    grid = Grid.objects.filter(user_scope(actor).q("path"), pk=data.grid_id).first()
    if grid is None:
        raise NotFound(_("No such grid."))
    person = person_of(actor)
    if person is None:
        raise PermissionDenied(_("Only a person on the register may patrol."), code="no_person")
    check_times(data.started_at, data.finished_at)
    points = _clean_points(data.points)
    known_categories({h.category for h in data.hazards})
    if any(not h.description.strip() for h in data.hazards):
        raise ValidationFailed(_("Describe the hazard."), code="hazard_description_required")
    photos = [
        clean_photo(upload, label=_("Photo %(n)d") % {"n": n})
        for n, upload in enumerate(data.photos, start=1)
    ]
    area = prep(to_shape(grid.boundary)) if grid.boundary else None
    outside = sum(
        1 for p in points if area is not None and not area.covers(Point(p["lon"], p["lat"]))
    )
    task = _patrol_task(grid, person.pk, done_on(data))
    patrol = Patrol.objects.create(
        client_uuid=data.client_uuid,
        task=task,
        grid=grid,
        grid_path=grid.path,
        person=person,
        submitted_by=actor,
        started_at=data.started_at,
        finished_at=data.finished_at or timezone.now(),
        points=points,
        points_outside=outside,
        note=data.note.strip(),
    )
    for photo in photos:
        row = InspectionPhoto(
            patrol=patrol, taken_at=photo.taken_at, width=photo.width, height=photo.height
        )
        row.image.save(f"{uuid.uuid4().hex}.jpg", photo.content, save=True)
    for wanted in data.hazards:
        hazard_report(
            actor=actor,
            category_code=wanted.category,
            source=Hazard.Source.PATROL,
            description=wanted.description,
            found_at=patrol.finished_at,
            grid=grid,
            lon=wanted.lon if wanted.lon is not None else points[-1]["lon"],
            lat=wanted.lat if wanted.lat is not None else points[-1]["lat"],
            links={"patrol": patrol},
        )
    if task is not None:
        task_transition(actor=actor, task=task, to=InspectionTask.State.DONE, done_on=done_on(data))
    audit_record(
        actor=actor,
        action="patrol.submit",
        target=patrol,
        data={"grid": grid.code, "points": len(points), "outside": outside,
              "task": task.pk if task else None, "hazards": len(data.hazards)},
    )  # fmt: skip
    return patrol
