"""Background work of the registry app: large ledger imports (台账导入) with progress, the
daily purge of uploaded ledger files, and failing imports whose worker died."""

from __future__ import annotations

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import close_db, db_periodic_task, on_startup


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


@on_startup("registry_ledger_fail_stale")
@close_db
def fail_stale_ledger_imports_on_start() -> None:
    """When the consumer starts: an import left `running` by a consumer that was killed ends
    `failed` with a message instead of showing `running` forever."""
    from .ledger.jobs import ledger_fail_stale

    ledger_fail_stale()


@db_periodic_task(crontab(minute="*/5"))
def fail_stale_ledger_imports() -> None:
    """Every 5 minutes: the same sweep, for a worker that died while the consumer lived on."""
    from .ledger.jobs import ledger_fail_stale

    ledger_fail_stale()
