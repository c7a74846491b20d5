"""Uploaded ledger files are kept only as long as needed: they may hold residents' personal data.

A finished job keeps its row (status, counts, masked error list) for the record; the uploaded
file itself is deleted after `FIREGRID_LEDGER_KEEP_DAYS`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from firegrid.core.audit import audit_record

from ..models import LedgerImport

FINISHED = (
    LedgerImport.Status.SUCCEEDED,
    LedgerImport.Status.REJECTED,
    LedgerImport.Status.FAILED,
)


@transaction.atomic
def ledger_files_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of jobs finished more than the retention period ago; how many went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.FIREGRID_LEDGER_KEEP_DAYS)
    jobs = LedgerImport.objects.filter(status__in=FINISHED, finished_at__lt=cutoff).exclude(file="")
    removed = []
    for job in jobs.select_for_update():
        job.file.delete(save=False)
        job.save(update_fields=["file", "updated_at"])
        removed.append(job.pk)
    if removed:
        audit_record(actor=None, action="ledger.purge_files", data={"imports": removed})
    return len(removed)
