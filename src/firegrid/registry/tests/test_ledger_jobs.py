"""Large ledgers run as background jobs with progress; running a job twice is harmless."""

from __future__ import annotations

import pytest
from django.utils import translation

from firegrid.core.audit import audit_verify
from firegrid.core.models import AuditEvent
from firegrid.registry.ledger import ledger_import_run, ledger_import_start
from firegrid.registry.models import LedgerImport, Place
from firegrid.registry.tests.test_ledger_import import COUNTY, ledger_row, upload, xlsx


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_large_import_goes_through_the_task_and_ends_succeeded(
    small_jurisdiction, make_user, settings, django_capture_on_commit_callbacks
):
    settings.FIREGRID_LEDGER_SYNC_ROWS = 10
    office = make_user("county_office", small_jurisdiction[COUNTY])
    rows = [ledger_row(i) for i in range(120)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = ledger_import_start(actor=office, kind="places", upload=upload(xlsx(rows)))
        assert job.status == LedgerImport.Status.PENDING  # queued, not run inline

    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == LedgerImport.Status.SUCCEEDED
    assert job.rows_done == job.rows_total == 120
    assert job.phase == "done"
    assert job.result["created"] == 120
    assert Place.objects.count() == 120
    assert job.finished_at is not None


def test_running_a_finished_job_again_writes_nothing_more(small_jurisdiction, make_user):
    office = make_user("county_office", small_jurisdiction[COUNTY])
    job = ledger_import_start(
        actor=office, kind="places", upload=upload(xlsx([ledger_row(i) for i in range(5)]))
    )
    events = AuditEvent.objects.count()

    again = ledger_import_run(import_id=job.pk, language="en")

    assert again.status == LedgerImport.Status.SUCCEEDED
    assert Place.objects.count() == 5
    assert AuditEvent.objects.count() == events
    assert audit_verify().ok


def test_an_interrupted_job_runs_again_from_the_start(small_jurisdiction, make_user):
    office = make_user("county_office", small_jurisdiction[COUNTY])
    job = ledger_import_start(
        actor=office,
        kind="places",
        upload=upload(xlsx([ledger_row(i) for i in range(5)])),
        dry_run=True,
    )
    LedgerImport.objects.filter(pk=job.pk).update(
        status=LedgerImport.Status.RUNNING, dry_run=False, rows_done=2
    )

    again = ledger_import_run(import_id=job.pk, language="en")

    assert (again.status, again.rows_done, again.result["created"]) == ("succeeded", 5, 5)
    assert Place.objects.count() == 5


def test_progress_is_reported_while_checking(small_jurisdiction, make_user, monkeypatch):
    office = make_user("county_office", small_jurisdiction[COUNTY])
    monkeypatch.setattr("firegrid.registry.ledger.jobs.PROGRESS_EVERY", 4)
    seen: list[tuple[int, str]] = []
    real = LedgerImport.objects.filter

    def spy(*args, **kwargs):
        queryset = real(*args, **kwargs)
        update = queryset.update

        def recording_update(**values):
            if set(values) == {"rows_done", "phase", "updated_at"}:  # updated_at: heartbeat
                seen.append((values["rows_done"], values["phase"]))
            return update(**values)

        queryset.update = recording_update  # type: ignore[method-assign]
        return queryset

    monkeypatch.setattr(LedgerImport.objects, "filter", spy)
    ledger_import_start(
        actor=office, kind="places", upload=upload(xlsx([ledger_row(i) for i in range(10)]))
    )
    assert seen == [(4, "checking"), (8, "checking"), (10, "checking"), (10, "writing")]
