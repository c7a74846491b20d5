"""The audit log is tamper-evident: editing one hazard-step row directly in the database makes
`firegrid audit verify` fail and name that row."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from firegrid.core.models import AuditEvent
from firegrid.hazards.services import StepIn, hazard_step

from .conftest import D, at


def step(world: dict[str, Any], who: str, action: str, day: datetime.date, **kw: Any) -> None:
    with time_machine.travel(at(day), tick=False):
        hazard_step(
            actor=world["users"][who], hazard_id=world["hazard"].pk, data=StepIn(action, **kw)
        )


@pytest.fixture
def stepped(world: dict[str, Any]) -> dict[str, Any]:
    step(world, "community", "confirm", D(2026, 9, 21))
    step(world, "community", "set_severity", D(2026, 9, 21), severity="larger")
    step(world, "community", "issue_notice", D(2026, 9, 22), deadline=D(2026, 9, 30))
    step(world, "worker", "acknowledge", D(2026, 9, 23))
    return world


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_an_untouched_chain_verifies(stepped: dict[str, Any]) -> None:
    total = AuditEvent.objects.count()

    assert verify().strip() == f"audit chain intact: {total} events"
    actions = AuditEvent.objects.filter(object_type="hazards.hazard").values_list(
        "action", flat=True
    )
    assert list(actions.order_by("id")) == [
        "hazard.report",
        "hazard.confirm",
        "hazard.set_severity",
        "hazard.issue_notice",
        "hazard.acknowledge",
    ]


def test_editing_one_hazard_step_row_breaks_the_chain_at_that_row(
    stepped: dict[str, Any],
) -> None:
    edited = AuditEvent.objects.get(action="hazard.set_severity")
    before = AuditEvent.objects.filter(id__lt=edited.pk).count()
    # Someone with database access rewrites history: the hazard was never "larger".
    AuditEvent.objects.filter(pk=edited.pk).update(
        data={**edited.data, "severity": ["general", "general"]}
    )

    with pytest.raises(CommandError) as caught:
        verify()

    assert str(caught.value) == (
        f"audit chain broken at event id {edited.pk}: content does not match its hash "
        f"({before} events before it are intact)"
    )
    assert caught.value.returncode == 1


def test_deleting_a_row_breaks_the_link_of_the_next_one(stepped: dict[str, Any]) -> None:
    removed = AuditEvent.objects.get(action="hazard.issue_notice")
    following = AuditEvent.objects.filter(id__gt=removed.pk).order_by("id").first()
    assert following is not None
    AuditEvent.objects.filter(pk=removed.pk).delete()

    with pytest.raises(CommandError) as caught:
        verify()

    assert f"event id {following.pk}: previous hash does not match" in str(caught.value)
