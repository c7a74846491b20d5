"""Who may triage a citizen report: role × in-scope/out-of-scope × {confirm, close} × {service,
API}. The right is the role flag `can_triage` (data, set by people 0007): office roles, 网格长,
网格员 and 社区民警 triage; a 志愿者, 楼栋长, 包片领导, 消防管理员 or 监督评议员 in scope reads the
report but is refused (403), and out of scope nobody learns it exists (404). A refusal changes
nothing: no hazard, no report change, no timeline or audit event."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from firegrid.core.errors import NotFound, PermissionDenied
from firegrid.core.models import AuditEvent
from firegrid.hazards.models import Hazard
from firegrid.people.models import Role
from firegrid.reports.models import Report, ReportEvent
from firegrid.reports.services import report_close, report_confirm, report_may_triage
from firegrid.testing import user_with_role

from .conftest import COMMUNITY_CODE, COUNTY_CODE, LEAF_CODE, STREET_CODE

pytestmark = pytest.mark.django_db
R_CLOSED = Report.State.CLOSED

# role, the grid it is held on, whether it triages
SEATS = [
    ("county_office", COUNTY_CODE, True),
    ("chief_grid_head", STREET_CODE, True),
    ("street_office", STREET_CODE, True),
    ("community_office", COMMUNITY_CODE, True),
    ("contracting_leader", COMMUNITY_CODE, False),
    ("grid_head", LEAF_CODE, True),
    ("fulltime_worker", LEAF_CODE, True),
    ("parttime_worker", LEAF_CODE, True),
    ("community_police", COMMUNITY_CODE, True),
    ("building_head", LEAF_CODE, False),
    ("fire_officer", LEAF_CODE, False),
    ("volunteer", LEAF_CODE, False),
    ("evaluator", LEAF_CODE, False),
]
# The county office's scope covers every report of the small jurisdiction: no out-of-scope case.
CASES = [
    pytest.param(role, grid, may, inside, id=f"{role}-{'in' if inside else 'out'}")
    for role, grid, may in SEATS
    for inside in (True, False)
    if inside or grid != COUNTY_CODE
]


def snapshot(report: Report) -> dict[str, Any]:
    report.refresh_from_db()
    return {
        "report": (report.state, report.close_reason, report.hazard_id, report.triaged_by_id),
        "hazards": Hazard.objects.count(),
        "report_events": ReportEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_the_seeded_flags_are_the_seats_of_this_matrix() -> None:
    triaging = set(Role.objects.filter(can_triage=True).values_list("code", flat=True))
    assert triaging == {role for role, _grid, may in SEATS if may}
    assert set(Role.objects.values_list("code", flat=True)) == {role for role, _g, _m in SEATS}


@pytest.mark.parametrize("operation", ["confirm", "close"])
@pytest.mark.parametrize(("role", "grid", "may", "inside"), CASES)
def test_triage_through_the_service(
    report_world: Any, submit: Any, role: str, grid: str, may: bool, inside: bool, operation: str
) -> None:
    user = user_with_role(role, report_world.grids[grid], username="seat")
    lon, lat = report_world.inside if inside else report_world.other_inside
    report = submit(lon=lon, lat=lat)
    before = snapshot(report)

    def run() -> Report:
        if operation == "confirm":
            return report_confirm(actor=user, report_id=report.pk, note="核实")
        return report_close(actor=user, report_id=report.pk, reason="not_hazard")

    if not inside:
        with pytest.raises(NotFound) as refused:
            run()
        assert refused.value.code == "report_not_found"
    elif not may:
        with pytest.raises(PermissionDenied) as denied:
            run()
        assert denied.value.code == "report_triage_not_allowed"
    else:
        done = run()
        assert done.state == (Report.State.CONFIRMED if operation == "confirm" else R_CLOSED)
        assert done.triaged_by == user
        return
    assert snapshot(report) == before
    assert report_may_triage(user, report) is False


@pytest.mark.parametrize("operation", ["confirm", "close"])
@pytest.mark.parametrize(("role", "grid", "may", "inside"), CASES)
def test_triage_through_the_api(
    report_world: Any, submit: Any, role: str, grid: str, may: bool, inside: bool, operation: str
) -> None:
    user = user_with_role(role, report_world.grids[grid], username="seat")
    lon, lat = report_world.inside if inside else report_world.other_inside
    report = submit(lon=lon, lat=lat)
    before = snapshot(report)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    payload = {"note": "核实"} if operation == "confirm" else {"reason": "not_hazard"}

    answer = client.post(
        f"/api/v1/reports/{report.pk}/{operation}", payload, content_type="application/json"
    )

    if inside and may:
        assert answer.status_code == 200
        assert answer.json()["state"] == ("confirmed" if operation == "confirm" else "closed")
        return
    status, code = (403, "report_triage_not_allowed") if inside else (404, "report_not_found")
    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
    assert snapshot(report) == before


@pytest.mark.parametrize(("role", "offered"), [("grid_head", True), ("volunteer", False)])
def test_the_report_page_offers_triage_only_to_roles_that_triage(
    report_world: Any, submit: Any, role: str, offered: bool
) -> None:
    user = user_with_role(role, report_world.leaf, username="seat")
    report = submit()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)

    page = client.get(f"/reports/{report.pk}/")
    posted = client.post(f"/reports/{report.pk}/confirm/", {"note": ""})

    assert page.status_code == 200
    html = page.content.decode()
    assert ('id="confirm-form"' in html, 'id="close-form"' in html) == (offered, offered)
    report.refresh_from_db()
    assert report.state == (Report.State.CONFIRMED if offered else Report.State.NEW)
    assert posted.status_code == 302  # back to the report; a refusal is shown as an error


def test_new_reports_are_announced_to_the_roles_that_triage_them(report_world: Any) -> None:
    from firegrid.reports.notify import triage_people

    volunteer = user_with_role("volunteer", report_world.leaf, username="helper")
    building = user_with_role("building_head", report_world.leaf, username="building")

    people = {person.name for person in triage_people(report_world.leaf)}

    assert people == {"worker", "fulltime", "parttime", "office"}
    assert not {volunteer.username, building.username} & people
