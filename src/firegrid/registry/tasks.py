"""Background work of the registry app: large ledger imports (台账导入) with progress, and the
daily purge of uploaded ledger files."""

from __future__ import annotations

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@task()
def ledger_import_task(import_id: int, language: str) -> str:
    """Thin and idempotent: a finished job is left as it is, an interrupted one runs again
    (its write is one transaction, so an interrupted run left nothing behind)."""
    from .ledger.jobs import ledger_import_run

    return str(ledger_import_run(import_id=import_id, language=language).status)


@db_periodic_task(crontab(hour="3", minute="41"))
def purge_ledger_files() -> None:
    """Daily: delete uploaded ledger files past their retention (they may hold personal data)."""
    from .ledger.retention import ledger_files_purge

    ledger_files_purge()
