"""Reports follow the hazards they became: closed when the hazard closes (or is rejected)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from firegrid.hazards.models import Hazard
from firegrid.hazards.signals import hazard_stepped

from .services import report_sync_from_hazard


@receiver(hazard_stepped, dispatch_uid="reports.follow_hazard")
def follow_hazard(sender: Any, *, hazard: Hazard, **kwargs: Any) -> None:
    report_sync_from_hazard(hazard)
