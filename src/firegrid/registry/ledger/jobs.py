"""Ledger import jobs (台账导入): save the upload, check every row, write all or nothing.

Small files run inline; larger ones go to the background queue. The checking phase reports
progress in short transactions of their own; the writing phase is one transaction (SQLite has
one writer: nothing else touches the job row from another connection while it is open).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.bulk import large_write_cache
from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.people.scope import user_scope

from ..models import LedgerImport
from .columns import PLACES, RESIDENTS, spec_for
from .located import LocatedPlan, located_check, located_write
from .places import PlacePlan, places_check, places_write
from .reader import LedgerFileError, check_size, read_ledger, scan_sheet
from .residents import ResidentPlan, residents_check, residents_write

log = logging.getLogger(__name__)
MAX_STORED_ERRORS = 10_000
PROGRESS_EVERY = 5_000


@dataclass
class ImportOutcome:
    """What one run found: the file-level message, the row errors, or the counts."""

    status: str
    rows_total: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    recorded: bool = False  # the job row was finished inside the write transaction


def ledger_may_import(user: Any) -> bool:
    """Importing needs the right to edit the registry somewhere (checked per row later)."""
    return user_scope(user).may_edit_registry_somewhere


def ledger_import_start(
    *, actor: Any, kind: str, upload: UploadedFile, dry_run: bool = False
) -> LedgerImport:
    """Save the upload as a job; run it now when small, else queue it. Refuses a file that is
    too large or not an .xlsx before anything is stored."""
    spec_for(kind)
    if not ledger_may_import(actor):
        raise PermissionDenied(
            _("Your role may not edit the registry, so it may not import ledgers."),
            code="registry_read_only",
        )
    check_size(upload.size or 0)
    file = upload.file
    if file is None:
        raise ValidationFailed(_("No file was uploaded."), code="ledger_file_missing")
    scan = scan_sheet(file)
    file.seek(0)
    job = LedgerImport.objects.create(
        kind=kind,
        actor=actor,
        file=upload,
        original_name=(upload.name or "ledger.xlsx")[-200:],
        dry_run=dry_run,
        rows_total=max(scan.rows - 1, 0),
        phase="waiting",
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    if job.rows_total <= settings.FIREGRID_LEDGER_SYNC_ROWS:
        ledger_import_run(import_id=job.pk, language=language)
        job.refresh_from_db()
    else:
        from ..tasks import ledger_import_task

        ledger_import_task.enqueue(job.pk, language)
    return job


def _progress(job_id: int, done: int, phase: str) -> None:
    # `updated_at` is the job's heartbeat (`update()` skips auto_now): see ledger_fail_stale.
    LedgerImport.objects.filter(pk=job_id).update(
        rows_done=done, phase=phase, updated_at=timezone.now()
    )


def ledger_import_run(*, import_id: int, language: str | None = None) -> LedgerImport:
    """Run (or finish) one job; safe to call twice: a finished job is left as it is."""
    job = LedgerImport.objects.select_related("actor").get(pk=import_id)
    if job.status in (LedgerImport.Status.SUCCEEDED, LedgerImport.Status.REJECTED):
        return job
    with translation.override(language or settings.LANGUAGE_CODE):
        LedgerImport.objects.filter(pk=job.pk).update(
            status=LedgerImport.Status.RUNNING,
            phase="reading",
            rows_done=0,
            updated_at=timezone.now(),
        )
        try:
            with job.file.open("rb") as file:
                outcome = ledger_import_file(
                    actor=job.actor, kind=job.kind, file=file, dry_run=job.dry_run, job=job
                )
        except Exception:
            log.exception("ledger import %s failed", job.pk)
            LedgerImport.objects.filter(pk=job.pk).update(
                status=LedgerImport.Status.FAILED,
                phase="",
                message=_("The import failed on the server; nothing was written."),
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
            job.refresh_from_db()
            return job
        if not outcome.recorded:
            _finish(job.pk, outcome)
    job.refresh_from_db()
    return job


def ledger_fail_stale(
    *, now: datetime.datetime | None = None, older_than: int | None = None
) -> int:
    """Fail `running` jobs whose heartbeat stopped (their consumer or web worker was killed):
    such a job wrote nothing (the write is one transaction), but would show `running` forever.

    Called when the consumer starts and by a periodic sweep; `older_than` is in minutes
    (FIREGRID_LEDGER_STALE_MINUTES by default). A job still writing holds its row locked, and
    the update re-checks `status` once the lock is free, so a live write is never failed.
    Returns how many jobs were failed.
    """
    now = now or timezone.now()
    minutes = settings.FIREGRID_LEDGER_STALE_MINUTES if older_than is None else older_than
    stale = LedgerImport.objects.filter(
        status=LedgerImport.Status.RUNNING,
        updated_at__lt=now - datetime.timedelta(minutes=minutes),
    )
    failed = 0
    for job in stale.only("pk", "kind", "phase"):
        with transaction.atomic(durable=True):
            done = LedgerImport.objects.filter(
                pk=job.pk, status=LedgerImport.Status.RUNNING
            ).update(
                status=LedgerImport.Status.FAILED,
                phase="",
                message=_(
                    "The import stopped on the server before it finished (its worker ended); "
                    "nothing was written. Upload the file again."
                ),
                finished_at=now,
                updated_at=now,
            )
            if done:
                audit_record(
                    actor=None,
                    action="ledger.import_stale",
                    target=job,
                    data={"kind": job.kind, "phase": job.phase},
                )
        failed += done
    if failed:
        log.warning("failed %s stale ledger import(s)", failed)
    return failed


def _finish(job_id: int, outcome: ImportOutcome) -> None:
    LedgerImport.objects.filter(pk=job_id).update(
        status=outcome.status,
        phase="done",
        rows_total=outcome.rows_total,
        rows_done=outcome.rows_total,
        errors=outcome.errors[:MAX_STORED_ERRORS],
        error_count=len(outcome.errors),
        result=outcome.result,
        message=outcome.message,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def ledger_import_file(
    *,
    actor: Any,
    kind: str,
    file: IO[bytes],
    dry_run: bool = False,
    job: LedgerImport | None = None,
) -> ImportOutcome:
    """Check a ledger and, when every row is clean and not `dry_run`, write it all.

    The CLI calls this directly; jobs call it through `ledger_import_run`.
    """
    spec = spec_for(kind)
    rejected = LedgerImport.Status.REJECTED
    try:
        ledger = read_ledger(file, spec)
    except LedgerFileError as exc:
        return ImportOutcome(status=rejected, message=str(exc.message))
    total = len(ledger.rows)
    job_id = job.pk if job is not None else None
    if job_id is not None:
        LedgerImport.objects.filter(pk=job_id).update(
            rows_total=total, phase="checking", updated_at=timezone.now()
        )

    def progress(done: int) -> None:
        if job_id is not None:
            _progress(job_id, done, "checking")

    plan: PlacePlan | LocatedPlan | ResidentPlan
    if spec.kind == PLACES.kind:
        plan = places_check(
            actor=actor, ledger=ledger, progress=progress, progress_every=PROGRESS_EVERY
        )
    elif spec.kind == RESIDENTS.kind:
        plan = residents_check(
            actor=actor, ledger=ledger, progress=progress, progress_every=PROGRESS_EVERY
        )
    else:
        plan = located_check(
            actor=actor,
            kind=spec.kind,
            ledger=ledger,
            progress=progress,
            progress_every=PROGRESS_EVERY,
        )
    if plan.errors:
        rows = len({e["row"] for e in plan.errors})
        return ImportOutcome(
            status=rejected,
            rows_total=total,
            errors=plan.errors,
            message=_(
                "%(errors)s problems in %(rows)s rows; nothing was imported. "
                "Fix them and upload the file again."
            )
            % {"errors": len(plan.errors), "rows": rows},
        )
    counts = plan.counts
    outcome = ImportOutcome(
        status=LedgerImport.Status.SUCCEEDED,
        rows_total=total,
        result={**counts, "dry_run": dry_run},
    )
    if dry_run:
        outcome.message = _("The file is valid; nothing was written (check only).")
        return outcome
    outcome.message = (
        _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % counts
    )
    if job_id is not None:
        _progress(job_id, total, "writing")
    with large_write_cache(), transaction.atomic():
        if job_id is not None:
            locked = LedgerImport.objects.select_for_update().get(pk=job_id)
            if locked.status == LedgerImport.Status.SUCCEEDED:  # another run got there first
                return ImportOutcome(
                    status=locked.status, rows_total=total, result=locked.result, recorded=True
                )
        if isinstance(plan, PlacePlan):
            places_write(actor=actor, plan=plan, job_id=job_id)
        elif isinstance(plan, ResidentPlan):
            residents_write(actor=actor, plan=plan, job_id=job_id)
        else:
            located_write(actor=actor, kind=spec.kind, plan=plan, job_id=job_id)
        if any(value for key, value in counts.items() if key != "unchanged"):
            audit_record(
                actor=actor,
                action="ledger.import",
                target=job,
                data={"kind": kind, **counts},
            )
        if job_id is not None:
            _finish(job_id, outcome)
            outcome.recorded = True
    return outcome
