"""Checklist versions in the admin: a used version is frozen; a copy is the next version."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from firegrid.grids.models import Grid
from firegrid.inspections.models import ChecklistTemplate, Inspection
from firegrid.inspections.services import checklist_for_place

from .conftest import place_in


def test_a_used_version_is_read_only_and_copying_makes_the_next_version(
    small_jurisdiction: dict[str, Grid], make_user: Any
) -> None:
    grid = small_jurisdiction["410185001001001"]
    worker = make_user("fulltime_worker", grid)
    shop = place_in(grid, "small_shop")
    template = checklist_for_place(shop)
    now = timezone.now() - datetime.timedelta(hours=1)
    Inspection.objects.create(
        client_uuid=uuid.uuid4(), place=shop, grid=grid, grid_path=grid.path, template=template,
        inspector=worker.person, submitted_by=worker, started_at=now, finished_at=now,
        result="clean",
    )  # fmt: skip
    admin_user = get_user_model().objects.create_superuser("root", password="pw-for-tests-only")
    client = Client()
    client.force_login(admin_user)

    page = client.get(f"/admin/inspections/checklisttemplate/{template.pk}/change/")
    response = client.post(
        "/admin/inspections/checklisttemplate/",
        {"action": "copy_as_new_version", "_selected_action": [template.pk]},
    )

    assert page.status_code == 200
    assert 'name="items-0-text"' not in page.content.decode()  # frozen: shown, not editable
    assert response.status_code == 302
    versions = ChecklistTemplate.objects.filter(code=template.code).order_by("version")
    assert [(t.version, t.is_current) for t in versions] == [(1, False), (2, True)]
    assert list(versions[1].items.values_list("code", flat=True)) == list(
        template.items.values_list("code", flat=True)
    )
    assert checklist_for_place(shop).version == 2
