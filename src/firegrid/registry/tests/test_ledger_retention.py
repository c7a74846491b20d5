"""Uploaded ledger files are deleted after the retention period; the job row stays."""

from __future__ import annotations

import datetime

from django.core.files.storage import default_storage
from django.utils import timezone

from firegrid.core.models import AuditEvent
from firegrid.registry.ledger import ledger_import_start
from firegrid.registry.ledger.retention import ledger_files_purge
from firegrid.registry.models import LedgerImport
from firegrid.registry.tests.test_ledger_import import COUNTY, ledger_row, upload, xlsx


def test_files_of_jobs_older_than_the_retention_are_deleted_and_the_job_kept(
    small_jurisdiction, make_user, settings
):
    settings.FIREGRID_LEDGER_KEEP_DAYS = 7
    office = make_user("county_office", small_jurisdiction[COUNTY])
    job = ledger_import_start(
        actor=office, kind="places", upload=upload(xlsx([ledger_row(i) for i in range(3)]))
    )
    job.refresh_from_db()
    path = job.file.name
    finished = job.finished_at
    assert finished is not None
    assert job.status == LedgerImport.Status.SUCCEEDED and default_storage.exists(path)

    six_days_later = finished + datetime.timedelta(days=6)
    assert ledger_files_purge(now=six_days_later) == 0
    assert default_storage.exists(path)

    eight_days_later = finished + datetime.timedelta(days=8)
    assert ledger_files_purge(now=eight_days_later) == 1
    job.refresh_from_db()
    assert job.file.name == ""
    assert not default_storage.exists(path)
    assert job.result["created"] == 3  # the record of what was imported stays
    event = AuditEvent.objects.get(action="ledger.purge_files")
    assert event.data == {"imports": [job.pk]}
    assert ledger_files_purge(now=eight_days_later) == 0


def test_a_running_job_keeps_its_file(small_jurisdiction, make_user):
    office = make_user("county_office", small_jurisdiction[COUNTY])
    job = ledger_import_start(
        actor=office, kind="places", upload=upload(xlsx([ledger_row(i) for i in range(2)]))
    )
    LedgerImport.objects.filter(pk=job.pk).update(status=LedgerImport.Status.RUNNING)
    assert ledger_files_purge(now=timezone.now() + datetime.timedelta(days=30)) == 0
