"""Submitting an inspection (提交检查记录): validate everything, then write it all at once.

Answers, photos, position, task and hazards are checked before anything is saved; one bad
piece refuses the whole submission with a message naming it. A replay of the same
`client_uuid` (a phone re-sending an offline draft) returns the inspection already saved.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import NotFound, PermissionDenied, ValidationFailed
from firegrid.core.photos import CleanPhoto, clean_photo
from firegrid.hazards.models import Hazard, HazardCategory
from firegrid.hazards.services import hazard_report
from firegrid.people.models import Person
from firegrid.people.scope import user_scope
from firegrid.registry.models import Place
from firegrid.registry.services.duplicates import distance_m

from ..models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionTask,
)
from .checklists import template_usable_for
from .tasks import person_of, task_transition

AnswerType = ChecklistItem.AnswerType
Value = InspectionAnswer.Value
OPEN_TASK_STATES = (InspectionTask.State.PLANNED, InspectionTask.State.IN_PROGRESS)
# A phone's clock may run a little ahead; anything further in the future is refused.
CLOCK_SKEW = datetime.timedelta(minutes=10)


@dataclass
class AnswerIn:
    item: str
    value: str = ""
    number: float | None = None
    text: str = ""
    note: str = ""


@dataclass
class PhotoIn:
    upload: Any
    item: str = ""


@dataclass
class HazardIn:
    """A failed item the inspector chose to raise as a hazard (with an optional description)."""

    item: str
    description: str = ""


@dataclass
class InspectionIn:
    client_uuid: uuid.UUID
    place_id: int
    answers: list[AnswerIn]
    started_at: datetime.datetime
    finished_at: datetime.datetime | None = None
    task_id: int | None = None
    template_id: int | None = None
    photos: list[PhotoIn] = field(default_factory=list)
    hazards: list[HazardIn] = field(default_factory=list)
    lon: float | None = None
    lat: float | None = None
    accuracy_m: float | None = None
    distance_reason: str = ""
    signature: Any = None
    signed_by: str = ""
    note: str = ""


@dataclass
class Checked:
    """Everything validated, ready to write."""

    place: Place
    person: Person
    task: InspectionTask | None
    template: ChecklistTemplate
    items: dict[str, ChecklistItem]
    answers: list[InspectionAnswer]
    photos: list[tuple[str, CleanPhoto]]
    signature: CleanPhoto | None
    distance: float | None
    hazards: list[HazardIn]


def place_snapshot(place: Place) -> dict[str, Any]:
    """The place's attributes now, kept with the record (no phone numbers: they are private)."""
    return {
        "name": place.name,
        "address": place.address,
        "place_type": place.place_type.code,
        "place_type_name": place.place_type.name,
        "grid": place.grid.code,
        "risk_level": place.risk_level,
        "is_key_unit": place.is_key_unit,
        "is_high_risk_unit": place.is_high_risk_unit,
        "floor_area_m2": place.floor_area_m2,
        "floors": place.floors,
        "beds": place.beds,
        "rooms": place.rooms,
        "occupants": place.occupants,
        "licence_number": place.licence_number,
        "responsible_name": place.responsible_name,
        "manager_name": place.manager_name,
        "lon": place.lon,
        "lat": place.lat,
        "status": place.status,
    }


def _place_and_person(actor: Any, data: InspectionIn) -> tuple[Place, Person]:
    scope = user_scope(actor)
    place = (
        Place.objects.filter(scope.q("grid_path"), pk=data.place_id)
        .select_related("place_type", "grid")
        .first()
    )
    if place is None:
        raise NotFound(_("No such place."))
    person = person_of(actor)
    if person is None:
        raise PermissionDenied(
            _("Only a person on the register may record an inspection."), code="no_person"
        )
    if place.status != Place.Status.ACTIVE:
        raise ValidationFailed(_("The place is not in business."), code="place_not_active")
    return place, person


def done_on(data: InspectionIn | Any) -> datetime.date:
    """The day the work was done (a draft sent from a phone later keeps its own day)."""
    return timezone.localdate(data.finished_at or timezone.now())


def check_times(started_at: datetime.datetime, finished_at: datetime.datetime | None) -> None:
    finished = finished_at or timezone.now()
    if started_at > finished or finished > timezone.now() + CLOCK_SKEW:
        raise ValidationFailed(
            _("The start and end times do not fit (start after end, or in the future)."),
            code="times_invalid",
        )


def _task(actor: Any, data: InspectionIn, place: Place, person: Person) -> InspectionTask | None:
    """The task this inspection completes: the one named, or the person's task whose window
    holds the day of the inspection (also when the sweep already marked it missed)."""
    day = done_on(data)
    if data.task_id is None:
        return (
            InspectionTask.objects.select_for_update()
            .filter(place=place, assignee=person, state__in=[*OPEN_TASK_STATES, "missed"])
            .filter(window_start__lte=day, due_on__gte=day)
            .order_by("due_on")
            .first()
        )
    task = (
        InspectionTask.objects.select_for_update()
        .filter(user_scope(actor).q("grid_path"), pk=data.task_id)
        .first()
    )
    if task is None:
        raise NotFound(_("No such task."))
    if task.place_id != place.pk:
        raise ValidationFailed(_("The task is for another place."), code="task_other_place")
    if task.assignee_id != person.pk:
        raise PermissionDenied(
            _("This task is assigned to someone else."), code="task_not_assignee"
        )
    late_sync = task.state == InspectionTask.State.MISSED and task.due_on >= day
    if task.state not in OPEN_TASK_STATES and not late_sync:
        raise ValidationFailed(
            _("The task is already “%(state)s”.")
            % {"state": InspectionTask.State(task.state).label},
            code="task_closed",
        )
    return task


def _distance(place: Place, data: InspectionIn) -> float | None:
    if data.lon is None or data.lat is None:
        if not data.distance_reason.strip():
            raise ValidationFailed(
                _("No position was captured: say why (e.g. GPS unavailable indoors)."),
                code="gps_missing",
            )
        return None
    if place.lon is None or place.lat is None:
        return None
    metres = distance_m(data.lon, data.lat, place.lon, place.lat)
    limit = settings.FIREGRID_INSPECTION_MAX_DISTANCE_M
    if metres > limit and not data.distance_reason.strip():
        raise ValidationFailed(
            _(
                "Your position is %(d).0f m from the place (more than %(limit).0f m). "
                "Check you are at the right place, or say why."
            )
            % {"d": metres, "limit": limit},
            code="gps_far",
            details={"distance_m": round(metres, 1), "limit_m": limit},
        )
    return metres


def _answer(item: ChecklistItem, raw: AnswerIn) -> InspectionAnswer:
    answer = InspectionAnswer(item=item, note=raw.note.strip()[:300])
    if item.answer_type == AnswerType.PASS_FAIL:
        if raw.value not in Value.values:
            raise ValidationFailed(
                _("“%(item)s”: answer pass, fail or not applicable.") % {"item": item.text},
                code="answer_invalid",
            )
        answer.value = raw.value
        answer.failed = raw.value == Value.FAIL
    elif item.answer_type == AnswerType.NUMBER:
        if raw.number is None:
            raise ValidationFailed(
                _("“%(item)s”: a number is needed.") % {"item": item.text}, code="answer_invalid"
            )
        answer.number = raw.number
        low, high = item.min_value, item.max_value
        answer.failed = (low is not None and raw.number < low) or (
            high is not None and raw.number > high
        )
    elif item.answer_type == AnswerType.TEXT:
        answer.text = raw.text.strip()[:500]
    if answer.value == "" and item.answer_type != AnswerType.PASS_FAIL:
        answer.value = Value.FAIL if answer.failed else Value.PASS
    return answer


def _answers(template: ChecklistTemplate, data: InspectionIn) -> list[InspectionAnswer]:
    items = {item.code: item for item in template.items.all()}
    unknown = sorted({a.item for a in data.answers} - set(items))
    if unknown:
        raise ValidationFailed(
            _("Answers for items not in checklist version %(v)d: %(codes)s")
            % {"v": template.version, "codes": ", ".join(unknown)},
            code="answer_unknown_item",
            details={"items": unknown},
        )
    seen = [a.item for a in data.answers]
    if len(seen) != len(set(seen)):
        raise ValidationFailed(_("An item was answered twice."), code="answer_duplicate")
    given = {a.item: a for a in data.answers}
    missing = [
        item.text
        for code, item in items.items()
        if item.required and code not in given and item.answer_type != AnswerType.PHOTO
    ]
    if missing:
        raise ValidationFailed(
            _("Unanswered: %(items)s") % {"items": "; ".join(missing)},
            code="answer_missing",
            details={"items": missing},
        )
    return [_answer(items[code], raw) for code, raw in given.items()]


def _photos(data: InspectionIn, items: dict[str, ChecklistItem]) -> list[tuple[str, CleanPhoto]]:
    cleaned: list[tuple[str, CleanPhoto]] = []
    for index, photo in enumerate(data.photos, start=1):
        if photo.item and photo.item not in items:
            raise ValidationFailed(
                _("Photo %(n)d is for an item not in the checklist.") % {"n": index},
                code="answer_unknown_item",
            )
        label = _("Photo %(n)d") % {"n": index}
        cleaned.append((photo.item, clean_photo(photo.upload, label=label)))
    return cleaned


def _check_photo_rules(
    answers: list[InspectionAnswer], photos: list[tuple[str, CleanPhoto]], template: Any
) -> None:
    with_photo = {code for code, _photo in photos if code}
    needing = [
        a.item.text
        for a in answers
        if a.failed and a.item.photo_required_on_fail and a.item.code not in with_photo
    ]
    needing += [
        item.text
        for item in template.items.all()
        if item.answer_type == AnswerType.PHOTO and item.required and item.code not in with_photo
    ]
    if needing:
        raise ValidationFailed(
            _("A photo is required for: %(items)s") % {"items": "; ".join(needing)},
            code="photo_required",
            details={"items": needing},
        )


def known_categories(codes: set[str]) -> None:
    """Refuse unknown or inactive hazard categories before any file is stored."""
    known = set(
        HazardCategory.objects.filter(code__in=codes, active=True).values_list("code", flat=True)
    )
    unknown = sorted(codes - known)
    if unknown:
        raise ValidationFailed(
            _("Unknown hazard category “%(code)s”.") % {"code": ", ".join(unknown)},
            code="hazard_category_unknown",
        )


def _check_hazards(answers: list[InspectionAnswer], hazards: list[HazardIn]) -> None:
    failed = {a.item.code: a.item for a in answers if a.failed}
    known_categories({failed[w.item].hazard_category for w in hazards if w.item in failed} - {""})
    for wanted in hazards:
        item = failed.get(wanted.item)
        if item is None:
            raise ValidationFailed(
                _("A hazard can only be raised for a failed item (“%(code)s”).")
                % {"code": wanted.item},
                code="hazard_item_not_failed",
            )
        if not item.hazard_category:
            raise ValidationFailed(
                _("“%(item)s” raises no hazard category.") % {"item": item.text},
                code="hazard_category_missing",
            )


def inspection_check(*, actor: Any, data: InspectionIn) -> Checked:
    """Validate a submission completely; nothing is written here."""
    place, person = _place_and_person(actor, data)
    check_times(data.started_at, data.finished_at)
    task = _task(actor, data, place, person)
    template = template_usable_for(place, data.template_id)
    answers = _answers(template, data)
    items = {a.item.code: a.item for a in answers} | {i.code: i for i in template.items.all()}
    photos = _photos(data, items)
    _check_photo_rules(answers, photos, template)
    _check_hazards(answers, data.hazards)
    distance = _distance(place, data)
    signature = clean_photo(data.signature, label=_("Signature")) if data.signature else None
    return Checked(
        place=place,
        person=person,
        task=task,
        template=template,
        items=items,
        answers=answers,
        photos=photos,
        signature=signature,
        distance=distance,
        hazards=data.hazards,
    )


@transaction.atomic
def inspection_submit(*, actor: Any, data: InspectionIn) -> Inspection:
    """Record an inspection, its answers and photos, complete its task and raise hazards."""
    existing = Inspection.objects.filter(client_uuid=data.client_uuid).first()
    if existing is not None:
        if existing.submitted_by_id != actor.pk:
            raise ValidationFailed(_("This draft id was already used."), code="client_uuid_taken")
        return existing
    checked = inspection_check(actor=actor, data=data)
    try:
        with transaction.atomic():
            inspection = _write(actor, data, checked)
    except IntegrityError:
        # The same draft arrived twice at once: the other request saved it.
        existing = Inspection.objects.filter(client_uuid=data.client_uuid).first()
        if existing is None or existing.submitted_by_id != actor.pk:
            raise
        return existing
    _raise_hazards(actor, inspection, checked)
    if checked.task is not None:
        task_transition(
            actor=actor, task=checked.task, to=InspectionTask.State.DONE, done_on=done_on(data)
        )
    audit_record(
        actor=actor,
        action="inspection.submit",
        target=inspection,
        data={
            "place": checked.place.pk,
            "task": checked.task.pk if checked.task else None,
            "template": [checked.template.code, checked.template.version],
            "failed": inspection.failed_count,
            "distance_m": None if checked.distance is None else round(checked.distance, 1),
            "hazards": [h.item for h in checked.hazards],
        },
    )
    return inspection


def _write(actor: Any, data: InspectionIn, checked: Checked) -> Inspection:
    failed = sum(1 for a in checked.answers if a.failed)
    place = checked.place
    inspection = Inspection(
        client_uuid=data.client_uuid,
        task=checked.task,
        place=place,
        grid=place.grid,
        grid_path=place.grid_path,
        template=checked.template,
        inspector=checked.person,
        submitted_by=actor,
        started_at=data.started_at,
        finished_at=data.finished_at or timezone.now(),
        lon=data.lon,
        lat=data.lat,
        gps_accuracy_m=data.accuracy_m,
        distance_m=None if checked.distance is None else round(checked.distance, 1),
        distance_reason=data.distance_reason.strip()[:300],
        result=Inspection.Result.PROBLEMS if failed else Inspection.Result.CLEAN,
        failed_count=failed,
        snapshot=place_snapshot(place),
        signed_by=data.signed_by.strip()[:50],
        note=data.note.strip(),
    )
    if checked.signature is not None:
        inspection.signature.save(f"{data.client_uuid}.jpg", checked.signature.content, save=False)
    inspection.save()
    for answer in checked.answers:
        answer.inspection = inspection
    InspectionAnswer.objects.bulk_create(checked.answers)
    for code, photo in checked.photos:
        row = InspectionPhoto(
            inspection=inspection,
            item=checked.items.get(code) if code else None,
            taken_at=photo.taken_at,
            width=photo.width,
            height=photo.height,
        )
        row.image.save(f"{uuid.uuid4().hex}.jpg", photo.content, save=True)
    return inspection


def _raise_hazards(actor: Any, inspection: Inspection, checked: Checked) -> list[Hazard]:
    answers = {a.item.code: a for a in checked.answers}
    raised = []
    for wanted in checked.hazards:
        answer = answers[wanted.item]
        item = answer.item
        description = wanted.description.strip() or " ".join(
            part for part in (item.text, answer.note) if part
        )
        raised.append(
            hazard_report(
                actor=actor,
                category_code=item.hazard_category,
                source=Hazard.Source.INSPECTION,
                description=description,
                found_at=inspection.finished_at,
                place=checked.place,
                major_element_code=item.major_element_code,
                links={"inspection": inspection, "checklist_item": item},
            )
        )
    return raised
