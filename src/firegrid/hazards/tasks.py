"""Background work of the hazards app: the nightly deadline sweep (the service is idempotent)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from firegrid.inspections.tasks import crontab_hour

SWEEP_LOCAL_TIME = (0, 27)  # after midnight, after the inspections sweep


@db_periodic_task(
    crontab(hour=str(crontab_hour(SWEEP_LOCAL_TIME[0])), minute=str(SWEEP_LOCAL_TIME[1]))
)
def hazards_sweep_daily() -> None:
    from .services import hazards_sweep

    hazards_sweep(today=timezone.localdate())
