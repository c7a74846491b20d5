"""Rectification notices (整改通知书): gap-free numbers per issuing office and year, the notice as
issued, and the place's receipt (签收)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.errors import ValidationFailed
from firegrid.grids.models import Grid

from ..models import Hazard, NoticeSeries, RectificationNotice

DEFAULT_LEGAL_BASIS = (
    "依据《中华人民共和国消防法》第十六条、第十八条、第二十八条及《消防监督检查规定》，"
    "责令你单位（场所）对上述火灾隐患于限期内整改完毕。整改期间应当采取措施确保消防安全；"
    "逾期不改的，将逐级上报并移交消防救援机构、公安派出所依法处理。"
)


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
