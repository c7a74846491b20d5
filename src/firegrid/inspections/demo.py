"""The demo's inspections (检查演示数据): last month's and this month's tasks, and a history.

Every record goes through the real services: `schedule_generate` plans last month and this
month for the whole demo county; in the two showcase units where the documented logins work
(the first 社区 of 嵩阳街道, the first 村 of 告成镇) most inspections due before today are
submitted through `inspection_submit` with real answers — a few with a failed item that raises
a hazard, with a generated photo — the rest become missed, and the open patrols of this week are
checked in through `patrol_submit`. Grids outside the showcase keep their open tasks: the
nightly sweep marks the ended ones missed, as it would in a real county.

Choices come from one seeded generator walking the tasks in a fixed order, and every
submission has a client id derived from its task, so a second load (the same day) finds
everything done and writes nothing.
"""

from __future__ import annotations

import datetime
import io
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw

from firegrid.core.audit import audit_record
from firegrid.grids.models import Grid
from firegrid.people.models import Person

from .models import ChecklistItem, InspectionTask, ScheduleRule
from .services import (
    AnswerIn,
    HazardIn,
    InspectionIn,
    PatrolIn,
    PhotoIn,
    checklist_for_place,
    inspection_submit,
    patrol_submit,
    schedule_generate,
    task_transition,
)

SEED = "firegrid-demo-inspections"
NAMESPACE = uuid.UUID("5b0f3f38-2f4e-4a57-9f1e-6d2f1c0a7e11")
SHOWCASE = ("410185001001", "410185103201")  # where the documented demo logins work
DONE_SHARE = 0.85  # of the showcase's due inspections; the rest are missed
FAIL_SHARE = 0.12  # of the done ones: one failed item, raised as a hazard
PATROLS = 3  # this week's patrol check-ins
OPEN = (InspectionTask.State.PLANNED, InspectionTask.State.IN_PROGRESS)
USER_PREFIX = "demo-"  # field users of showcase assignees: no usable password


@dataclass
class InspectionsDemoResult:
    tasks_created: int = 0
    inspections: int = 0
    hazards: int = 0
    missed: int = 0
    patrols: int = 0
    users_created: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (self.tasks_created, self.inspections, self.missed, self.patrols, self.users_created)
        )


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


@transaction.atomic
def inspections_demo_load(
    *, actor: Any, today: datetime.date | None = None
) -> InspectionsDemoResult:
    """Bring the demo's tasks and inspection history into the database (idempotent)."""
    today = today or timezone.localdate()
    first = month_start(month_start(today) - datetime.timedelta(days=1))
    result = InspectionsDemoResult()
    result.tasks_created = _generate(actor, first, month_end(today))
    showcase = _showcase_paths()
    past = list(_past_inspection_tasks(showcase, first, today))
    users, result.users_created = _field_users({t.assignee for t in past if t.assignee}, actor)
    rnd = random.Random(SEED)  # noqa: S311 - deterministic demo data
    for task in past:
        done, fails, day, minute = rnd.random(), rnd.random(), rnd.random(), rnd.randrange(480)
        if task.state not in OPEN:
            continue
        if task.assignee is None or done >= DONE_SHARE:
            task_transition(actor=actor, task=task, to=InspectionTask.State.MISSED, system=True)
            result.missed += 1
            continue
        when = _moment(task, today, day, minute)
        failed = fails < FAIL_SHARE
        _submit(users[task.assignee.pk], task, when, failed=failed)
        result.inspections += 1
        result.hazards += int(failed)
    result.patrols, patrol_users = _patrols(showcase, today, actor)
    result.users_created += patrol_users
    return result


def _generate(actor: Any, start: datetime.date, end: datetime.date) -> int:
    """Plan [start, end] (a run that adds nothing writes nothing, not even an audit event)."""
    return schedule_generate(start=start, end=end, actor=actor).created


def _showcase_paths() -> list[str]:
    return list(
        Grid.objects.filter(code__in=SHOWCASE).order_by("code").values_list("path", flat=True)
    )


def _in_showcase(paths: list[str]) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(grid_path__startswith=path)
    return query


def _past_inspection_tasks(
    paths: list[str], first: datetime.date, today: datetime.date
) -> Iterator[InspectionTask]:
    """Scheduled inspections of the showcase due from `first` to yesterday, in a fixed order
    whatever their state (so the seeded draws fall on the same tasks every load)."""
    return (
        InspectionTask.objects.filter(_in_showcase(paths))
        .filter(kind=ScheduleRule.Kind.INSPECTION, rule__isnull=False)
        .filter(due_on__gte=first, due_on__lt=today, place__isnull=False)
        .select_related("place__place_type", "place__grid", "assignee")
        .order_by("due_on", "grid_path", "place_id", "rule_id")
        .iterator()
    )


def _field_users(persons: set[Person], actor: Any) -> tuple[dict[int, Any], int]:
    """A login for each assignee that has none (field workers use the phone form); made with
    no usable password — the documented demo logins stay the ones to sign in with."""
    users = {p.pk: p.user for p in persons if p.user_id}
    missing = sorted((p for p in persons if not p.user_id), key=lambda p: p.pk)
    user_model = get_user_model()
    for person in missing:
        user = user_model(username=f"{USER_PREFIX}{person.phone or person.pk}")
        user.set_unusable_password()
        user.save()
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        users[person.pk] = user
    if missing:
        audit_record(
            actor=actor,
            action="demo.field_users_create",
            data={"count": len(missing), "persons": [p.pk for p in missing]},
        )
    return users, len(missing)


def _moment(task: InspectionTask, today: datetime.date, draw: float, minute: int) -> Any:
    """A working-hours moment inside the task's window, before today."""
    last = min(task.due_on, today - datetime.timedelta(days=1))
    span = max(0, (last - task.window_start).days)
    day = task.window_start + datetime.timedelta(days=int(draw * (span + 1)) if span else 0)
    naive = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(minutes=minute)
    return timezone.make_aware(naive)


def _submit(user: Any, task: InspectionTask, finished: Any, *, failed: bool) -> None:
    place = task.place
    assert place is not None  # noqa: S101 - chosen with place__isnull=False
    items = list(checklist_for_place(place).items.all())
    wrong = _failing_item(items) if failed else None
    answers = [_answer(item, fail=item == wrong) for item in items]
    photos = []
    if wrong is not None and wrong.photo_required_on_fail:
        photos = [PhotoIn(upload=demo_photo(place.name), item=wrong.code)]
    hazards = [HazardIn(item=wrong.code)] if wrong is not None and wrong.hazard_category else []
    data = InspectionIn(
        client_uuid=uuid.uuid5(NAMESPACE, f"inspection-{task.pk}"),
        place_id=place.pk,
        task_id=task.pk,
        answers=answers,
        started_at=finished - datetime.timedelta(minutes=20),
        finished_at=finished,
        lon=place.lon,
        lat=place.lat,
        accuracy_m=12.0,
        distance_reason="" if place.lon is not None else "演示数据：场所无坐标",
        photos=photos,
        hazards=hazards,
        signed_by=place.responsible_name,
    )
    inspection_submit(actor=user, data=data)
    # The state changed back then, in the demo's history.
    InspectionTask.objects.filter(pk=task.pk).update(state_changed_at=finished)


def _failing_item(items: list[ChecklistItem]) -> ChecklistItem | None:
    """The e-bike item where there is one (the seeds' most common hazard), else a measured
    item out of its range, else the first item that raises a hazard."""
    by_code = {item.code: item for item in items}
    if "ebike_indoor" in by_code:
        return by_code["ebike_indoor"]
    for item in items:
        if item.answer_type == ChecklistItem.AnswerType.NUMBER and item.hazard_category:
            return item
    return next((i for i in items if i.hazard_category), None)


def _answer(item: ChecklistItem, *, fail: bool) -> AnswerIn:
    kind = item.answer_type
    if kind == ChecklistItem.AnswerType.NUMBER:
        return AnswerIn(item=item.code, number=_number(item, fail=fail))
    if kind == ChecklistItem.AnswerType.TEXT:
        return AnswerIn(item=item.code, text="无")
    if kind == ChecklistItem.AnswerType.PHOTO:
        return AnswerIn(item=item.code)
    note = "楼道内发现电动自行车充电" if fail and item.code == "ebike_indoor" else ""
    return AnswerIn(item=item.code, value="fail" if fail else "pass", note=note)


def _number(item: ChecklistItem, *, fail: bool) -> float:
    if item.min_value is not None:
        return item.min_value - 1 if fail else item.min_value + 3
    if item.max_value is not None:
        return item.max_value + 1 if fail else item.max_value
    return 10.0


def demo_photo(caption: str) -> SimpleUploadedFile:
    """A small generated JPEG standing in for the inspector's photo."""
    image = Image.new("RGB", (320, 240), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 120, 280, 200), outline=(180, 30, 30), width=4)
    draw.ellipse((70, 170, 110, 210), outline=(40, 40, 40), width=3)
    draw.ellipse((210, 170, 250, 210), outline=(40, 40, 40), width=3)
    draw.text((12, 12), "demo", fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{caption[:20]}.jpg", out.getvalue(), content_type="image/jpeg")


def _patrols(paths: list[str], today: datetime.date, actor: Any) -> tuple[int, int]:
    """This week's open patrol tasks of the showcase, checked in by their assignees."""
    tasks = list(
        InspectionTask.objects.filter(_in_showcase(paths))
        .filter(
            kind=ScheduleRule.Kind.PATROL,
            rule__isnull=False,
            place__isnull=True,
            assignee__isnull=False,
        )
        .filter(window_start__lte=today, due_on__gte=today, grid__depth=3)
        .select_related("grid", "assignee")
        .order_by("grid_path", "id")[:PATROLS]
    )
    users, created = _field_users({t.assignee for t in tasks if t.assignee}, actor)
    count = 0
    for task in tasks:
        if task.state not in OPEN or task.assignee is None:
            continue
        grid = task.grid
        now = timezone.now()
        points = [
            {"lon": grid.centroid_lon + dx, "lat": grid.centroid_lat + dy, "at": ""}
            for dx, dy in ((0, 0), (0.0004, 0.0002), (0.0008, -0.0001))
        ]
        patrol_submit(
            actor=users[task.assignee.pk],
            data=PatrolIn(
                client_uuid=uuid.uuid5(NAMESPACE, f"patrol-{task.pk}"),
                grid_id=grid.pk,
                started_at=now - datetime.timedelta(minutes=50),
                finished_at=now,
                points=points,
                note="演示巡查：楼道、消防车道检查",
            ),
        )
        count += 1
    return count, created
