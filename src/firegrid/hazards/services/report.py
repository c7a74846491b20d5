"""Writing hazards (火灾隐患). The lifecycle after "reported" is not built yet; this is the one
entry point inspections, patrols and citizen reports use to register what they found."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import ValidationFailed
from firegrid.core.workdays import add_working_days
from firegrid.grids.models import Grid
from firegrid.registry.models import Place

from ..models import Hazard, HazardCategory
from .lifecycle import notice_working_days


@transaction.atomic
def hazard_report(
    *,
    actor: Any,
    category_code: str,
    source: str,
    description: str,
    found_at: datetime.datetime,
    place: Place | None = None,
    grid: Grid | None = None,
    lon: float | None = None,
    lat: float | None = None,
    major_element_code: str = "",
    links: dict[str, Any] | None = None,
) -> Hazard:
    """Register a hazard as reported; `links` holds inspection / checklist_item / patrol."""
    category = HazardCategory.objects.filter(code=category_code, active=True).first()
    if category is None:
        raise ValidationFailed(
            _("Unknown hazard category “%(code)s”.") % {"code": category_code},
            code="hazard_category_unknown",
        )
    if not description.strip():
        raise ValidationFailed(_("Describe the hazard."), code="hazard_description_required")
    where = place.grid if place is not None else grid
    if where is None:
        raise ValidationFailed(_("A hazard needs a place or a grid."), code="hazard_where")
    if place is not None and lon is None:
        lon, lat = place.lon, place.lat
    hazard = Hazard.objects.create(
        category=category,
        source=source,
        description=description.strip(),
        place=place,
        grid=where,
        grid_path=where.path,
        lon=lon,
        lat=lat,
        major_element_code=major_element_code,
        found_at=found_at,
        # Confirm it and serve the notice within the notice clock from the day it was found.
        next_due=add_working_days(timezone.localdate(found_at), notice_working_days()),
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
        **(links or {}),
    )
    audit_record(
        actor=actor,
        action="hazard.report",
        target=hazard,
        data={
            "category": category.code,
            "source": source,
            "place": place.pk if place else None,
            **{key: getattr(value, "pk", value) for key, value in (links or {}).items()},
        },
    )
    return hazard
