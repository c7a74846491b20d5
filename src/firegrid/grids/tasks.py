"""Background work of the grids app."""

from __future__ import annotations

import datetime

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .import_drafts import import_drafts_purge

DRAFT_LIFETIME = datetime.timedelta(hours=24)


@db_periodic_task(crontab(minute="17"))
def purge_import_drafts() -> None:
    import_drafts_purge(older_than=DRAFT_LIFETIME)
