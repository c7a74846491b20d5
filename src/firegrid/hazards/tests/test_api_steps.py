"""POST /api/v1/hazards/{id}/steps: the lifecycle over HTTP (403 / 409 / 422 and the timeline)."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.test import Client

from firegrid.hazards.models import Hazard

from .conftest import COMMUNITY, D, at, photo


def client_of(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def post_step(client: Client, hazard: Hazard, **fields: Any) -> Any:
    return client.post(f"/api/v1/hazards/{hazard.pk}/steps", fields)


@time_machine.travel(at(D(2026, 9, 21)), tick=False)
def test_steps_over_http_with_rights_conflicts_and_the_timeline(world: dict[str, Any]) -> None:
    hazard = world["hazard"]
    office, worker = client_of(world["users"]["community"]), client_of(world["users"]["worker"])

    denied = post_step(worker, hazard, action="confirm")
    confirmed = post_step(office, hazard, action="confirm", expected_state="reported")
    raced = post_step(office, hazard, action="confirm", expected_state="reported")
    past = post_step(office, hazard, action="issue_notice", deadline="2026-09-01")
    issued = post_step(office, hazard, action="issue_notice", deadline="2026-09-30")
    review = post_step(worker, hazard, action="request_review", photos=[photo()], note="已清理")

    assert (denied.status_code, denied.json()["error"]["code"]) == (403, "hazard_not_manager")
    assert confirmed.status_code == 200
    assert (raced.status_code, raced.json()["error"]["code"]) == (409, "hazard_conflict")
    assert (past.status_code, past.json()["error"]["code"]) == (422, "hazard_deadline_past")
    body = issued.json()
    assert (body["state"], body["deadline"], body["next_due"]) == (
        "notice_issued", "2026-09-30", "2026-09-30"
    )  # fmt: skip
    assert body["responsible_level"]["code"] == COMMUNITY
    timeline = review.json()["timeline"]
    assert [(e["action"], e["actor"]) for e in timeline] == [
        ("confirm", office_name(world)),
        ("issue_notice", office_name(world)),
        ("request_review", world["users"]["worker"].get_username()),
    ]
    assert len(timeline[2]["photo_ids"]) == 1
    assert review.json()["next_due"] == datetime.date(2026, 9, 24).isoformat()


def office_name(world: dict[str, Any]) -> str:
    return str(world["users"]["community"].get_username())


@time_machine.travel(at(D(2026, 9, 21)), tick=False)
def test_severity_over_http_raises_and_lowering_needs_a_note(world: dict[str, Any]) -> None:
    hazard = world["hazard"]
    office = client_of(world["users"]["community"])

    larger = post_step(office, hazard, action="set_severity", severity="larger")
    lowered_silently = post_step(office, hazard, action="set_severity", severity="general")
    lowered = post_step(office, hazard, action="set_severity", severity="general", note="已核实")

    assert (larger.status_code, larger.json()["severity"]) == (200, "larger")
    assert lowered_silently.status_code == 422
    assert (lowered.status_code, lowered.json()["severity"]) == (200, "general")
    assert lowered.json()["state"] == "reported"
