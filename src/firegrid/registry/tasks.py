"""Background work of the registry app: large ledger imports (台账导入) with progress."""

from __future__ import annotations

from django_tasks import task


@task()
def ledger_import_task(import_id: int, language: str) -> str:
    """Thin and idempotent: a finished job is left as it is, an interrupted one runs again
    (its write is one transaction, so an interrupted run left nothing behind)."""
    from .ledger.jobs import ledger_import_run

    return str(ledger_import_run(import_id=import_id, language=language).status)
