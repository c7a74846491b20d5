"""Who may record a notice's receipt (签收): role × in-scope/out-of-scope × {service, API, page}.

A role flagged `can_triage` (office roles, 网格长, 网格员, 社区民警) posted in the hazard's grid or
above, or a manager of the responsible level, records it; a 志愿者, 楼栋长, 包片领导, 消防管理员 or
监督评议员 in scope is refused (403) and out of scope nobody learns the notice exists (404). A
refusal changes nothing: the notice, the timeline and the audit log stay as they were."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from firegrid.core.errors import NotFound, PermissionDenied
from firegrid.core.models import AuditEvent
from firegrid.hazards.models import HazardEvent, RectificationNotice
from firegrid.hazards.services import StepIn, hazard_step
from firegrid.hazards.services.notices import notice_receipt_allowed, notice_receipt_record
from firegrid.testing import user_with_role

from .conftest import COMMUNITY, LEAF, STREET, D, at, photo

pytestmark = pytest.mark.django_db

COUNTY = "410185"
# The seat's grid, and a grid of the same level whose subtree does not hold the hazard.
MIRROR = {LEAF: "410185002002002", COMMUNITY: "410185002002", STREET: "410185002"}
# role, the grid it is held on, whether it may record the receipt there
SEATS = [
    ("county_office", COUNTY, True),
    ("chief_grid_head", STREET, True),
    ("street_office", STREET, True),
    ("community_office", COMMUNITY, True),
    ("contracting_leader", COMMUNITY, False),
    ("grid_head", LEAF, True),
    ("fulltime_worker", LEAF, True),
    ("parttime_worker", LEAF, True),
    ("community_police", COMMUNITY, True),
    ("building_head", LEAF, False),
    ("fire_officer", LEAF, False),
    ("volunteer", LEAF, False),
    ("evaluator", LEAF, False),
]
CASES = [
    pytest.param(role, grid if inside else MIRROR[grid], may, inside, id=f"{role}-{io}")
    for role, grid, may in SEATS
    for inside, io in ((True, "in"), (False, "out"))
    if inside or grid in MIRROR
]


def issue(world: dict[str, Any]) -> RectificationNotice:
    office, hazard_id = world["users"]["community"], world["hazard"].pk
    with time_machine.travel(at(D(2026, 9, 21)), tick=False):
        hazard_step(actor=office, hazard_id=hazard_id, data=StepIn("confirm", photos=(photo(),)))
        hazard_step(
            actor=office, hazard_id=hazard_id, data=StepIn("issue_notice", deadline=D(2026, 9, 30))
        )
    return RectificationNotice.objects.get(hazard_id=hazard_id)


def seat(world: dict[str, Any], role: str, grid: str) -> Any:
    with time_machine.travel(at(D(2026, 9, 1)), tick=False):
        return user_with_role(role, world["grids"][grid], username="seat", start_on=D(2026, 1, 1))


def snapshot(notice: RectificationNotice) -> dict[str, Any]:
    notice.refresh_from_db()
    return {
        "notice": (notice.received_at, notice.received_by_name, notice.receipt_recorded_by_id),
        "events": HazardEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.parametrize(("role", "grid", "may", "inside"), CASES)
def test_receipt_through_the_service(
    world: dict[str, Any], role: str, grid: str, may: bool, inside: bool
) -> None:
    notice = issue(world)
    user = seat(world, role, grid)
    before = snapshot(notice)

    with time_machine.travel(at(D(2026, 9, 22), 10), tick=False):
        if inside and may:
            signed = notice_receipt_record(
                actor=user, notice_id=notice.pk, received_by_name="王老板"
            )
            assert (signed.received_by_name, signed.receipt_recorded_by) == ("王老板", user)
            assert AuditEvent.objects.count() == before["audit"] + 1
            return
        error = PermissionDenied if inside else NotFound
        with pytest.raises(error) as refused:
            notice_receipt_record(actor=user, notice_id=notice.pk, received_by_name="王老板")

    code = "notice_receipt_not_allowed" if inside else "notice_not_found"
    assert refused.value.code == code
    assert snapshot(notice) == before
    assert notice_receipt_allowed(user, notice.hazard) is False


@pytest.mark.parametrize(("role", "grid", "may", "inside"), CASES)
def test_receipt_through_the_api(
    world: dict[str, Any], role: str, grid: str, may: bool, inside: bool
) -> None:
    notice = issue(world)
    user = seat(world, role, grid)
    before = snapshot(notice)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)

    with time_machine.travel(at(D(2026, 9, 22), 10), tick=False):
        answer = client.post(
            f"/api/v1/notices/{notice.pk}/receipt",
            {"received_by_name": "王老板"},
            content_type="application/json",
        )

    if inside and may:
        assert answer.status_code == 200
        assert answer.json()["receipt_recorded_by"] == user.get_username()
        return
    status, code = (403, "notice_receipt_not_allowed") if inside else (404, "notice_not_found")
    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
    assert snapshot(notice) == before


@pytest.mark.parametrize(("role", "offered"), [("parttime_worker", True), ("volunteer", False)])
def test_the_hazard_page_offers_the_receipt_form_only_to_those_who_may(
    world: dict[str, Any], role: str, offered: bool
) -> None:
    notice = issue(world)
    user = seat(world, role, LEAF)
    before = snapshot(notice)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)

    page = client.get(reverse("hazards:detail", args=[notice.hazard_id]))
    with time_machine.travel(at(D(2026, 9, 22), 10), tick=False):
        posted = client.post(
            reverse("hazards:notice_receipt", args=[notice.pk]), {"received_by_name": "王老板"}
        )

    assert page.status_code == 200
    assert ("hz-receipt" in page.content.decode()) is offered
    if offered:
        assert posted.status_code == 302
        assert snapshot(notice)["notice"][1] == "王老板"
    else:
        assert posted.status_code == 403
        assert snapshot(notice) == before
