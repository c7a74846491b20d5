"""The hazard lifecycle (隐患闭环): one table of allowed steps, one service that applies a step.

reported → confirmed (or rejected) → fixed on the spot → closed; or confirmed → notice issued →
rectifying → re-inspection requested → passed: closed | failed: overdue → escalated (one grid
level up per step) → handed over (移交) → closed with the agency's result. A notice whose deadline
passes becomes overdue; the sweep escalates it when the re-inspection window (working days after
the deadline) has run out.

Every step checks the actor's right (a manager of the hazard's responsible level, a person posted
in its grid, or the system sweep), keeps separation of duties (whoever reported a fix does not
verify it), records a timeline event with photos and an audit event, all in one transaction on
the locked row; a step raced by another answers a conflict and changes nothing.

Clocks (`next_due`, in working days with the holiday calendar): a confirmed hazard's notice is due
within FIREGRID_HAZARD_NOTICE_WORKING_DAYS; a fix on the spot, a request for re-inspection, a
failed one and an escalation start the 复查 window; a notice runs to its deadline; a hand-over to
the agency's follow-up. `set_severity` (一般/较大/重大) keeps the state; a major hazard goes at once
to the street level and the fire agency.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from firegrid.core.photos import clean_photo
from firegrid.core.workdays import add_working_days
from firegrid.grids.models import Grid
from firegrid.people.models import Person
from firegrid.people.scope import user_scope

from ..models import Hazard, HazardEvent, HazardPhoto
from ..signals import hazard_stepped
from .notices import notice_create
from .notify import MajorRouting, hazard_announce, major_route, street_level

S = Hazard.State
SV = Hazard.Severity
OPEN_STATES = frozenset(s for s in S if s not in Hazard.CLOSED_STATES)
STAY = ""  # a step whose target is STAY leaves the state as it is
SEVERITY_RANK = {SV.GENERAL: 0, SV.LARGER: 1, SV.MAJOR: 2}


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str
    # "manager": manages the responsible level; "worker": posted in the hazard's grid;
    # "system": the sweep only; "manager_or_system": either.
    who: str
    note_required: bool = False
    photos_required: bool = False
    verifies: bool = False  # must not be done by whoever reported the fix


STEPS: dict[str, Step] = {
    "confirm": Step(frozenset({S.REPORTED}), S.CONFIRMED, "manager"),
    "reject": Step(frozenset({S.REPORTED}), S.REJECTED, "manager", note_required=True),
    "fix_on_spot": Step(
        frozenset({S.REPORTED, S.CONFIRMED}), S.FIXED_ON_SPOT, "worker", photos_required=True
    ),
    "verify_fix": Step(frozenset({S.FIXED_ON_SPOT}), S.CLOSED, "manager", verifies=True),
    "issue_notice": Step(frozenset({S.CONFIRMED}), S.NOTICE_ISSUED, "manager"),
    "acknowledge": Step(frozenset({S.NOTICE_ISSUED}), S.RECTIFYING, "worker"),
    "request_review": Step(
        frozenset({S.NOTICE_ISSUED, S.RECTIFYING, S.OVERDUE, S.ESCALATED}),
        S.REVIEW_REQUESTED,
        "worker",
        photos_required=True,
    ),
    "reinspect_pass": Step(
        frozenset({S.REVIEW_REQUESTED}), S.CLOSED, "manager", photos_required=True, verifies=True
    ),
    "reinspect_fail": Step(
        frozenset({S.REVIEW_REQUESTED}), S.OVERDUE, "manager", note_required=True, verifies=True
    ),
    "mark_overdue": Step(frozenset({S.NOTICE_ISSUED, S.RECTIFYING}), S.OVERDUE, "system"),
    "escalate": Step(frozenset({S.OVERDUE, S.ESCALATED}), S.ESCALATED, "manager_or_system"),
    "hand_over": Step(frozenset({S.OVERDUE, S.ESCALATED}), S.HANDED_OVER, "manager"),
    "close_with_result": Step(frozenset({S.HANDED_OVER}), S.CLOSED, "manager", note_required=True),
    # 一般/较大/重大, in any open state; lowering needs a note (checked in `_set_severity`).
    "set_severity": Step(OPEN_STATES, STAY, "manager_or_system"),
}
FIX_ACTIONS = ("fix_on_spot", "request_review")


def review_working_days() -> int:
    """复查 within this many working days after the deadline (or after the party applies)."""
    return int(getattr(settings, "FIREGRID_HAZARD_REVIEW_WORKING_DAYS", 3))


def notice_working_days() -> int:
    """责令限期改正通知书 served within this many working days of confirming the hazard."""
    return int(getattr(settings, "FIREGRID_HAZARD_NOTICE_WORKING_DAYS", 3))


def handover_working_days() -> int:
    """After a hand-over (移交), ask the agency for its result within this many working days."""
    return int(getattr(settings, "FIREGRID_HAZARD_HANDOVER_WORKING_DAYS", 5))


@dataclass
class StepIn:
    action: str
    note: str = ""
    photos: tuple[Any, ...] = ()
    expected_state: str = ""  # the state the actor saw; a different one is a conflict
    deadline: datetime.date | None = None  # issue_notice
    agency: str = ""  # hand_over
    reference: str = ""  # hand_over
    severity: str = ""  # set_severity: general | larger | major


def _check_right(actor: Any, hazard: Hazard, step: Step, *, system: bool) -> None:
    if system:
        if "system" not in step.who:
            raise PermissionDenied(_("The sweep may not do this step."), code="hazard_not_system")
        return
    if step.who == "system":
        raise PermissionDenied(_("Only the deadline sweep does this step."), code="hazard_system")
    scope = user_scope(actor)
    if step.who == "worker":
        if Person.objects.filter(user=actor).exists() and scope.covers(hazard.grid_path):
            return
        raise PermissionDenied(
            _("Only a person posted in this grid may do this."), code="hazard_not_worker"
        )
    level = hazard.owner_grid or hazard.grid
    if not scope.covers(level.path, manage=True):
        raise PermissionDenied(
            _("Only an office of the responsible level (%(grid)s) may do this.")
            % {"grid": level.name},
            code="hazard_not_manager",
        )


def _check_separation(actor: Any, hazard: Hazard, step: Step) -> None:
    if not step.verifies:
        return
    fixer = (
        hazard.events.filter(action__in=FIX_ACTIONS)
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    if fixer is not None and fixer == actor.pk:
        raise PermissionDenied(
            _("Whoever reported the fix may not verify it: ask another person to re-inspect."),
            code="hazard_same_person",
        )


def _locked(actor: Any, hazard_id: int, *, system: bool) -> Hazard:
    hazards = Hazard.objects.select_for_update(of=("self",)).select_related(
        "owner_grid", "grid", "place"
    )
    if not system:
        hazards = hazards.filter(user_scope(actor).q("grid_path"))
    hazard = hazards.filter(pk=hazard_id).first()
    if hazard is None:
        raise NotFound(_("No such hazard."), code="hazard_not_found")
    return hazard


def _validate(hazard: Hazard, step: Step, data: StepIn) -> None:
    if data.expected_state and data.expected_state != hazard.state:
        raise Conflict(
            _("Someone changed this hazard meanwhile (it is now “%(state)s”): reload it.")
            % {"state": S(hazard.state).label},
            code="hazard_conflict",
        )
    if hazard.state not in step.sources:
        raise ValidationFailed(
            _("A hazard that is “%(state)s” cannot take the step “%(action)s”.")
            % {"state": S(hazard.state).label, "action": data.action},
            code="hazard_bad_step",
        )
    if step.note_required and not data.note.strip():
        raise ValidationFailed(_("Say why (a note is required)."), code="hazard_note_required")
    if step.photos_required and not data.photos:
        raise ValidationFailed(
            _("This step needs at least one photo."), code="hazard_photo_required"
        )


def _issuer_level(actor: Any, hazard: Hazard) -> Grid:
    """The grid where the actor holds the managing post covering the hazard (the deepest one if
    several): the notice issuer's level. An administrator without posts issues at the leaf."""
    scope = user_scope(actor)
    held = [path for path in scope.manage_paths if hazard.grid_path.startswith(path)]
    if not held:
        if scope.everything:
            return hazard.grid
        raise PermissionDenied(_("You manage no level of this hazard's grid."))
    grid_id = int(max(held, key=len).strip("/").split("/")[-1])
    return Grid.objects.get(pk=grid_id)


def _apply_effects(actor: Any, hazard: Hazard, data: StepIn, today: datetime.date) -> list[str]:
    """Set the fields a step changes; returns their names."""
    action = data.action
    if action == "set_severity":
        return _set_severity(hazard, data)
    if action == "confirm":
        hazard.next_due = add_working_days(today, notice_working_days())
        return ["next_due"]
    if action == "fix_on_spot":
        hazard.next_due = add_working_days(today, review_working_days())
        return ["next_due"]
    if action == "issue_notice":
        if hazard.place is None:
            raise ValidationFailed(_("A notice needs a place."), code="hazard_no_place")
        if not hazard.place.responsible_name.strip():
            raise ValidationFailed(
                _("The place has no person responsible on record: add one before a notice."),
                code="place_no_responsible",
            )
        if data.deadline is None or data.deadline <= today:
            raise ValidationFailed(
                _("The deadline must be a date after today."), code="hazard_deadline_past"
            )
        hazard.deadline = data.deadline
        hazard.next_due = data.deadline
        hazard.owner_grid = _issuer_level(actor, hazard)
        return ["deadline", "next_due", "owner_grid"]
    if action == "request_review":
        hazard.next_due = add_working_days(today, review_working_days())
        return ["next_due"]
    if action == "mark_overdue":
        base = hazard.deadline or today
        hazard.next_due = add_working_days(base, review_working_days())
        return ["next_due"]
    if action == "reinspect_fail":
        hazard.next_due = add_working_days(today, review_working_days())
        return ["next_due"]
    if action == "escalate":
        return _escalate(hazard, today)
    if action == "hand_over":
        if not data.agency.strip() or not data.reference.strip():
            raise ValidationFailed(
                _("Name the agency and the hand-over reference number."),
                code="hazard_handover_incomplete",
            )
        hazard.handed_to = data.agency.strip()[:100]
        hazard.handover_reference = data.reference.strip()[:60]
        hazard.next_due = add_working_days(today, handover_working_days())
        return ["handed_to", "handover_reference", "next_due"]
    if STEPS[action].target in (S.CLOSED, S.REJECTED):
        hazard.next_due = None
        return ["next_due"]
    return []


def _set_severity(hazard: Hazard, data: StepIn) -> list[str]:
    """Set the severity; a major hazard's responsible level moves at once to the street (街道/
    乡镇) unless it is there or higher already."""
    new = data.severity
    if new not in SEVERITY_RANK:
        raise ValidationFailed(
            _("Choose a severity: general, larger or major."), code="hazard_bad_severity"
        )
    old = hazard.severity
    if new == old:
        raise ValidationFailed(
            _("The hazard is “%(severity)s” already.") % {"severity": SV(new).label},
            code="hazard_same_severity",
        )
    if SEVERITY_RANK[SV(new)] < SEVERITY_RANK[SV(old)] and not data.note.strip():
        raise ValidationFailed(
            _("Say why the severity is lowered (a note is required)."),
            code="hazard_note_required",
        )
    hazard.severity = new
    fields = ["severity"]
    if new == SV.MAJOR:
        street = street_level(hazard.grid)
        level = hazard.owner_grid or hazard.grid
        if street is not None and level.depth > street.depth:
            hazard.owner_grid = street
            fields.append("owner_grid")
    return fields


def _escalate(hazard: Hazard, today: datetime.date) -> list[str]:
    level = hazard.owner_grid or hazard.grid
    if level.parent_id is None:
        raise ValidationFailed(
            _("The hazard is at the top level already: hand it over to an agency."),
            code="hazard_top_level",
        )
    hazard.owner_grid = Grid.objects.get(pk=level.parent_id)
    hazard.escalations += 1
    hazard.next_due = add_working_days(today, review_working_days())
    return ["owner_grid", "escalations", "next_due"]


def hazard_step(
    *,
    actor: Any,
    hazard_id: int,
    data: StepIn,
    system: bool = False,
    today: Any = None,
    route_major: bool = True,
) -> Hazard:
    """Apply one step of the lifecycle to a hazard; all or nothing.

    A hazard made major is sent to the street and the fire agency here, unless the caller routes
    it itself (`route_major=False`: a collective determination tells them once for the place)."""
    step = STEPS.get(data.action)
    if step is None:
        raise ValidationFailed(_("Unknown step."), code="hazard_bad_step")
    photos = [clean_photo(upload) for upload in data.photos]  # before any lock or write
    with transaction.atomic():
        hazard = _locked(actor, hazard_id, system=system)
        _validate(hazard, step, data)
        _check_right(actor, hazard, step, system=system)
        if not system:
            _check_separation(actor, hazard, step)
        old_state, old_severity = hazard.state, hazard.severity
        old_level = (hazard.owner_grid or hazard.grid).code
        fields = _apply_effects(actor, hazard, data, today or timezone.localdate())
        new_state = step.target or hazard.state
        hazard.state = new_state
        hazard.save(update_fields=["state", "updated_at", *fields])
        extra: dict[str, Any] = {}
        if data.action == "issue_notice":
            assert hazard.owner_grid is not None and hazard.deadline is not None
            notice = notice_create(
                actor=actor, hazard=hazard, office=hazard.owner_grid, deadline=hazard.deadline
            )
            extra = {"notice": notice.number, "notice_id": notice.pk}
        if data.action == "set_severity":
            extra = {"severity": [old_severity, hazard.severity]}
            if hazard.severity == SV.MAJOR and route_major:
                extra |= _route_major(hazard).as_data()
        event = HazardEvent.objects.create(
            hazard=hazard,
            action=data.action,
            from_state=old_state,
            to_state=new_state,
            actor=None if system else actor,
            at=timezone.now(),
            note=data.note.strip(),
            data=_event_data(hazard, data, old_level) | extra,
        )
        kind = HazardPhoto.Kind.AFTER if new_state != S.CONFIRMED else HazardPhoto.Kind.BEFORE
        for photo in photos:
            row = HazardPhoto(hazard=hazard, event=event, kind=kind, taken_at=photo.taken_at)
            row.image.save(f"{uuid.uuid4().hex}.jpg", photo.content, save=True)
        audit_record(
            actor=None if system else actor,
            action=f"hazard.{data.action}",
            target=hazard,
            data={"changes": {"state": [old_state, new_state]}, **event.data},
        )
        hazard_announce(hazard=hazard, event=event)
        hazard_stepped.send(sender=Hazard, hazard=hazard, event=event)
    return hazard


def _route_major(hazard: Hazard) -> MajorRouting:
    level = hazard.owner_grid or hazard.grid
    where = hazard.place.name if hazard.place else hazard.grid.name
    subject = _("Major fire hazard #%(id)d at %(where)s") % {"id": hazard.pk, "where": where}
    body = hazard.description + "\n" + _("Responsible level: %(level)s") % {"level": level.name}
    return major_route(
        grid=hazard.grid,
        level=level,
        subject=subject,
        body=body,
        target=hazard,
        # Once per time the hazard is made major (it may be lowered and raised again).
        dedupe_key=f"hazard:{hazard.pk}:major:{hazard.events.filter(action='set_severity').count()}",
    )


def _event_data(hazard: Hazard, data: StepIn, old_level: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    level = (hazard.owner_grid or hazard.grid).code
    if level != old_level:
        out["level"] = [old_level, level]
    for key in ("deadline", "next_due"):
        value = getattr(hazard, key)
        if value is not None:
            out[key] = value.isoformat()
    if data.action == "hand_over":
        out |= {"agency": hazard.handed_to, "reference": hazard.handover_reference}
    return out
