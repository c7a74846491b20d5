"""Background work of the reports app: the triage sweep (every 10 minutes) and telling
reporters by email / SMS after a transaction commits."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

SWEEP_EVERY_MINUTES = 10


@task()
def report_tell_reporter_task(report_id: int, text: str) -> int:
    from .notify import tell_reporter

    return tell_reporter(report_id=report_id, text=text)


@db_periodic_task(crontab(minute=f"*/{SWEEP_EVERY_MINUTES}"))
def reports_sweep_periodic() -> None:
    from .services import reports_sweep

    reports_sweep(now=timezone.now())
