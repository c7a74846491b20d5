"""Background work of the core app (huey periodic tasks and django-tasks)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .audit import audit_checkpoint
from .services import heartbeat_record


@task()
def heartbeat() -> str:
    """A django-tasks task: enqueue it to check the whole path web → queue → consumer."""
    return heartbeat_record().value["at"]


@db_periodic_task(crontab(minute=f"*/{settings.FIREGRID_HEARTBEAT_MINUTES}"))
def heartbeat_periodic() -> None:
    heartbeat_record()


@db_periodic_task(crontab(minute=f"*/{settings.FIREGRID_AUDIT_CHECKPOINT_MINUTES}"))
def audit_checkpoint_periodic() -> None:
    """Sign the audit chain's head (a no-op when nothing was logged since the last checkpoint)."""
    audit_checkpoint()
