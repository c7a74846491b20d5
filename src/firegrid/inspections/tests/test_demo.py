"""The demo's inspections: tasks for two months, a history made through the real services,
deterministic, and a second load that writes nothing."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db.models import Count

from firegrid.core.models import AuditEvent
from firegrid.grids.demo import demo_load
from firegrid.hazards.models import Hazard
from firegrid.inspections.demo import (
    SHOWCASE,
    InspectionsDemoResult,
    inspections_demo_load,
    month_end,
)
from firegrid.inspections.models import (
    Inspection,
    InspectionPhoto,
    InspectionTask,
    Patrol,
    ScheduleRule,
)

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 3, 18)


@pytest.fixture
def loaded() -> Iterator[tuple[Any, InspectionsDemoResult]]:
    """The demo county and registry, then the inspections on a fixed Wednesday."""
    with time_machine.travel(datetime.datetime(2026, 3, 18, 10, tzinfo=SHANGHAI), tick=False):
        inspections = demo_load().inspections  # the demo loader runs the inspections demo
        assert inspections is not None
        admin = get_user_model().objects.get(username="admin")
        yield admin, inspections


def test_month_end_handles_short_and_long_months() -> None:
    assert month_end(datetime.date(2026, 2, 10)) == datetime.date(2026, 2, 28)
    assert month_end(datetime.date(2026, 12, 31)) == datetime.date(2026, 12, 31)


def test_demo_history_is_real_records_and_a_second_load_writes_nothing(
    loaded: tuple[Any, InspectionsDemoResult],
) -> None:
    admin, result = loaded
    assert result == InspectionsDemoResult(
        tasks_created=5722,
        inspections=193,
        hazards=20,
        missed=18,
        patrols=3,
        users_created=10,
    )
    # Every active rule planned February and March (2026-02-01 … 2026-03-31).
    per_rule = dict(
        InspectionTask.objects.values_list("rule__code").annotate(n=Count("id")).order_by()
    )
    assert set(per_rule) == set(
        ScheduleRule.objects.filter(active=True).values_list("code", flat=True)
    )
    assert result.tasks_created == sum(per_rule.values())
    assert InspectionTask.objects.filter(due_on__lt=datetime.date(2026, 2, 1)).count() == 0

    # History: the showcase's inspections due before today are done or missed, done on time.
    assert Inspection.objects.count() == 193
    for inspection in Inspection.objects.select_related("task"):
        task = inspection.task
        assert task is not None
        finished = inspection.finished_at.astimezone(SHANGHAI).date()
        assert task.window_start <= finished <= min(task.due_on, TODAY)
        assert task.completed_on == finished
        assert any(inspection.grid.path.startswith(p) for p in _showcase_paths())
    hazards = Hazard.objects.filter(inspection__isnull=False)
    assert hazards.count() == 20
    assert set(hazards.values_list("inspection__failed_count", flat=True)) == {1}
    assert InspectionPhoto.objects.filter(inspection__isnull=False).count() >= 1
    assert Patrol.objects.filter(task__state=InspectionTask.State.DONE).count() == 3

    with time_machine.travel(datetime.datetime(2026, 3, 18, 11, tzinfo=SHANGHAI), tick=False):
        before = _counts()
        again = inspections_demo_load(actor=admin)
    assert again == InspectionsDemoResult()
    assert again.changed is False
    assert _counts() == before


def _showcase_paths() -> list[str]:
    from firegrid.grids.models import Grid

    return [g.path for g in Grid.objects.filter(code__in=SHOWCASE)]


def _counts() -> tuple[int, ...]:
    return (
        AuditEvent.objects.count(),
        InspectionTask.objects.count(),
        InspectionTask.objects.filter(state=InspectionTask.State.PLANNED).count(),
        Inspection.objects.count(),
        Hazard.objects.count(),
        Patrol.objects.count(),
        InspectionPhoto.objects.count(),
        get_user_model().objects.count(),
    )
