"""Small builders of records in any state and time, for the metrics' frozen fixture.

The workflows' own services move records through their states at "now"; a golden fixture needs
records found, closed and triaged on chosen days, so these write the rows directly (with the
timeline events the metrics read), the way a year of history would have left them.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib.auth import get_user_model

from firegrid.grids.models import Grid
from firegrid.hazards.models import (
    Hazard,
    HazardCategory,
    HazardEvent,
    NoticeSeries,
    RectificationNotice,
)
from firegrid.inspections.models import ChecklistTemplate, Inspection, InspectionTask
from firegrid.people.models import Person
from firegrid.registry.models import Place
from firegrid.reports.models import Report, ReportService

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def task(
    grid: Grid,
    due_on: datetime.date,
    state: str = "planned",
    *,
    completed_on: datetime.date | None = None,
    place: Place | None = None,
) -> InspectionTask:
    return InspectionTask.objects.create(
        kind="inspection",
        origin="other",
        place=place,
        grid=grid,
        grid_path=grid.path,
        period_start=due_on.replace(day=1),
        window_start=due_on.replace(day=1),
        due_on=due_on,
        state=state,
        completed_on=completed_on,
    )


def hazard(
    grid: Grid,
    found: datetime.datetime,
    state: str = "reported",
    *,
    closed: datetime.datetime | None = None,
    deadline: datetime.date | None = None,
    severity: str = "general",
    actions: tuple[str, ...] = (),
    place: Place | None = None,
    category: str = "exits_blocked",
) -> Hazard:
    row = Hazard.objects.create(
        category=HazardCategory.objects.get(code=category),
        state=state,
        source="inspection",
        place=place,
        grid=grid,
        grid_path=grid.path,
        owner_grid=grid,
        description="测试隐患",
        severity=severity,
        deadline=deadline,
        found_at=found,
    )
    for action in actions:
        HazardEvent.objects.create(
            hazard=row, action=action, from_state="overdue", to_state=action, at=found
        )
    if closed is not None:
        HazardEvent.objects.create(
            hazard=row, action="reinspect_pass", from_state="review_requested",
            to_state="closed", at=closed,
        )  # fmt: skip
    return row


def report(
    grid: Grid,
    requested: datetime.datetime,
    state: str = "new",
    *,
    triaged: datetime.datetime | None = None,
    triage_due: datetime.datetime | None = None,
    hidden: bool = False,
) -> Report:
    n = Report.objects.count() + 1
    return Report.objects.create(
        tracking_code=f"T{n:07d}",
        token=uuid.uuid4().hex,
        service=ReportService.objects.get(code="exits_blocked"),
        channel="web",
        jurisdiction=grid,
        grid=grid,
        grid_path=grid.path,
        owner_grid=grid,
        lon=113.0,
        lat=34.4,
        description="举报",
        requested_at=requested,
        state=state,
        triaged_at=triaged,
        triage_due=triage_due,
        hidden=hidden,
    )


def notice(
    of: Hazard, issued: datetime.datetime, *, received: datetime.datetime | None = None
) -> RectificationNotice:
    users = get_user_model().objects
    user = users.filter(username="notice-issuer").first() or users.create_user(
        "notice-issuer",
        password="pw-for-tests-only",  # noqa: S106
    )
    series, _created = NoticeSeries.objects.get_or_create(office=of.grid, year=issued.year)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return RectificationNotice.objects.create(
        hazard=of,
        series=series,
        sequence=series.last_number,
        number=f"测{of.grid.code}-{series.last_number}",
        office=of.grid,
        issued_at=issued,
        issued_by=user,
        deadline=issued.date() + datetime.timedelta(days=7),
        place_name="店",
        responsible_name="王",
        problems="问题",
        received_at=received,
    )


def inspection(place: Place, finished: datetime.datetime, inspector: Person, by: Any) -> Inspection:
    return Inspection.objects.create(
        client_uuid=uuid.uuid4(),
        place=place,
        grid=place.grid,
        grid_path=place.grid_path,
        template=ChecklistTemplate.objects.get(code="small_places", is_current=True),
        inspector=inspector,
        submitted_by=by,
        started_at=finished,
        finished_at=finished,
        result="clean",
    )
