"""Rectification notices (整改通知书): gap-free numbers per issuing office and year, the notice as
issued, and the place's receipt (签收)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from firegrid.grids.models import Grid
from firegrid.people.scope import user_scope

from ..models import Hazard, HazardEvent, NoticeSeries, RectificationNotice

DEFAULT_LEGAL_BASIS = (
    "依据《中华人民共和国消防法》第十六条、第十八条、第二十八条及《消防监督检查规定》，"
    "责令你单位（场所）对上述火灾隐患于限期内整改完毕。整改期间应当采取措施确保消防安全；"
    "逾期不改的，将逐级上报并移交消防救援机构、公安派出所依法处理。"
)
RECEIPT_NAME_MAX = RectificationNotice._meta.get_field("received_by_name").max_length or 50
RECEIPT_NOTE_MAX = RectificationNotice._meta.get_field("receipt_note").max_length or 200
# A receipt typed on a phone whose clock runs a little ahead is still "now".
RECEIPT_CLOCK_SKEW = datetime.timedelta(minutes=5)


def notice_number_format(*, office: Grid, year: int, number: int) -> str:
    pattern = settings.FIREGRID_NOTICE_NUMBER_PATTERN
    return pattern.format(office=office.name, year=year, number=number)


def notice_legal_basis() -> str:
    return settings.FIREGRID_NOTICE_LEGAL_BASIS.strip() or DEFAULT_LEGAL_BASIS


@transaction.atomic
def notice_number_draw(*, office: Grid, year: int) -> tuple[NoticeSeries, int]:
    """The next number of the office's series for the year. The series row stays locked until the
    caller's transaction ends, so a rolled-back issue gives its number back and none is skipped."""
    NoticeSeries.objects.get_or_create(office=office, year=year)
    series = NoticeSeries.objects.select_for_update().get(office=office, year=year)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series, series.last_number


def notice_create(
    *, actor: Any, hazard: Hazard, office: Grid, deadline: datetime.date
) -> RectificationNotice:
    """Called by the issue_notice step, inside its transaction, with the hazard locked."""
    place = hazard.place
    if place is None:
        raise ValidationFailed(_("A notice needs a place."), code="hazard_no_place")
    issued_at = timezone.now()
    series, sequence = notice_number_draw(office=office, year=timezone.localdate(issued_at).year)
    return RectificationNotice.objects.create(
        hazard=hazard,
        series=series,
        sequence=sequence,
        number=notice_number_format(office=office, year=series.year, number=sequence),
        office=office,
        issued_at=issued_at,
        issued_by=actor,
        deadline=deadline,
        place_name=place.name,
        place_address=place.address,
        responsible_name=place.responsible_name,
        problems=f"{hazard.category.name}：{hazard.description}",
        legal_basis=notice_legal_basis(),
    )


def notice_receipt_allowed(actor: Any, hazard: Hazard) -> bool:
    """Whether `actor` may record the receipt (签收) of the hazard's notices: a role that handles
    reports and receipts (`can_triage`: 网格员, 网格长, 社区民警, offices) posted in the hazard's
    grid or above, or a manager of the level that answers for the hazard; not a 志愿者 or 楼栋长.
    The hazard page asks this before offering the form; the service asks it again."""
    scope = user_scope(actor)
    if scope.may_triage_in(hazard.grid_path):
        return True
    level = hazard.owner_grid or hazard.grid
    return scope.covers(level.path, manage=True)


def _check_receipt_right(actor: Any, hazard: Hazard) -> None:
    if not notice_receipt_allowed(actor, hazard):
        raise PermissionDenied(
            _("Only a role that handles reports and receipts in this grid, or an office of the "
              "responsible level, may record the receipt."),
            code="notice_receipt_not_allowed",
        )  # fmt: skip


@transaction.atomic
def notice_receipt_record(
    *,
    actor: Any,
    notice_id: int,
    received_by_name: str,
    received_at: datetime.datetime | None = None,
    note: str = "",
) -> RectificationNotice:
    """Record that the place's person signed for the notice (签收): once, on the hazard's
    timeline, without changing the hazard's state."""
    notice = (
        RectificationNotice.objects.select_for_update(of=("self",))
        .select_related("hazard", "hazard__grid", "hazard__owner_grid")
        .filter(user_scope(actor).q("hazard__grid_path"), pk=notice_id)
        .first()
    )
    if notice is None:
        raise NotFound(_("No such notice."), code="notice_not_found")
    hazard = notice.hazard
    _check_receipt_right(actor, hazard)
    if notice.received_at is not None:
        raise Conflict(
            _("The notice was signed for already (by %(name)s on %(date)s).")
            % {
                "name": notice.received_by_name,
                "date": timezone.localtime(notice.received_at).strftime("%Y-%m-%d %H:%M"),
            },
            code="notice_already_received",
        )
    name = received_by_name.strip()
    if not name:
        raise ValidationFailed(
            _("Name the person who signed for the notice."), code="notice_receipt_name_required"
        )
    if len(name) > RECEIPT_NAME_MAX:
        raise ValidationFailed(
            _("The name is too long (at most %(max)d characters).") % {"max": RECEIPT_NAME_MAX},
            code="notice_receipt_name_too_long",
        )
    note = note.strip()
    if len(note) > RECEIPT_NOTE_MAX:
        raise ValidationFailed(
            _("The note is too long (at most %(max)d characters).") % {"max": RECEIPT_NOTE_MAX},
            code="notice_receipt_note_too_long",
        )
    now = timezone.now()
    when = received_at or now
    if timezone.is_naive(when):
        raise ValidationFailed(
            _("Give the time of the receipt with its time zone."), code="notice_receipt_naive"
        )
    if when < notice.issued_at or when > now + RECEIPT_CLOCK_SKEW:
        raise ValidationFailed(
            _("The receipt must be dated between the notice's issue and now."),
            code="notice_receipt_bad_time",
        )
    notice.received_at = when
    notice.received_by_name = name
    notice.receipt_note = note
    notice.receipt_recorded_by = actor
    notice.save(
        update_fields=[
            "received_at", "received_by_name", "receipt_note", "receipt_recorded_by", "updated_at",
        ]
    )  # fmt: skip
    data = {
        "notice": notice.number,
        "notice_id": notice.pk,
        "received_by": name,
        "received_at": timezone.localtime(when).isoformat(),
    }
    HazardEvent.objects.create(
        hazard=hazard,
        action="notice_receipt",
        from_state=hazard.state,
        to_state=hazard.state,
        actor=actor,
        at=now,
        note=note,
        data=data,
    )
    audit_record(actor=actor, action="hazard.notice_receipt", target=hazard, data=data)
    return notice
