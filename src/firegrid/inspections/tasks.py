"""Background work of the inspections app: the daily schedule sweep (检查任务生成).

The sweep is a service (`schedule_sweep`); the task only picks today's date and the horizon,
so running it twice, or after a missed night, adds nothing twice and misses nothing.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

SWEEP_LOCAL_TIME = (0, 17)  # just after local midnight: yesterday's open tasks become missed


def crontab_hour(local_hour: int) -> int:
    """The hour to give huey's crontab for `local_hour` in TIME_ZONE: huey matches crontabs
    against UTC unless its `utc` option is off (Asia/Shanghai 00:17 is 16:17 UTC)."""
    if not settings.HUEY.get("utc", True):
        return local_hour
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    offset = datetime.datetime.now(zone).utcoffset() or datetime.timedelta()
    return (local_hour - int(offset.total_seconds() // 3600)) % 24


def sweep_today() -> tuple[int, int]:
    """Mark ended windows missed and plan the coming days: (tasks created, tasks missed)."""
    from .services import schedule_sweep

    generated, missed = schedule_sweep(
        today=timezone.localdate(), horizon_days=settings.FIREGRID_SCHEDULE_HORIZON_DAYS
    )
    return generated.created, missed


@db_periodic_task(
    crontab(hour=str(crontab_hour(SWEEP_LOCAL_TIME[0])), minute=str(SWEEP_LOCAL_TIME[1]))
)
def schedule_sweep_daily() -> None:
    """Daily sweep; idempotent, so a second run the same day changes nothing."""
    sweep_today()
