"""The metrics' frozen fixture: November 2026 in the small county, "today" = Friday 20 November.

Leaf grids: A and B in community 1-1, C in community 1-2 (street 1), G in community 2-1 (street 2).
Every figure of test_golden.py is hand-computed from the records listed here.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from firegrid.grids.models import Grid
from firegrid.inspections.tests.conftest import place_in
from firegrid.people.models import Person

from . import builders as b

D = datetime.date
TODAY = D(2026, 11, 20)
COUNTY, STREET1, STREET2 = "410185", "410185001", "410185002"
COMM1, COMM2 = "410185001001", "410185001002"
A, B, C, G = "410185001001001", "410185001001002", "410185001002001", "410185002001001"


@pytest.fixture
def frozen_today() -> Any:
    with time_machine.travel(b.at(TODAY, 10), tick=False):
        yield TODAY


@pytest.fixture
def world(
    small_jurisdiction: dict[str, Grid], make_user: Any, frozen_today: datetime.date
) -> dict[str, Any]:
    g = small_jurisdiction
    users = {
        "county": make_user("county_office", g[COUNTY], start_on=D(2026, 1, 1)),
        "street1": make_user("street_office", g[STREET1], start_on=D(2026, 1, 1)),
        "comm1": make_user("community_office", g[COMM1], start_on=D(2026, 1, 1)),
        "comm2": make_user("community_office", g[COMM2], start_on=D(2026, 1, 1)),
        "worker_a": make_user("fulltime_worker", g[A], start_on=D(2026, 1, 1)),
    }
    shop_a = place_in(g[A], name="甲店")
    shop_b = place_in(g[B], name="乙店")
    key_c = place_in(g[C], name="丙重点", is_key_unit=True)
    key_g = place_in(g[G], name="丁重点", is_key_unit=True)
    key_a = place_in(g[A], name="甲重点", is_key_unit=True)
    place_in(g[A], name="已关店", status="closed")
    inspector = Person.objects.get(user=users["worker_a"])
    b.inspection(key_c, b.at(D(2026, 11, 5)), inspector, users["worker_a"])
    b.inspection(key_a, b.at(D(2026, 10, 15)), inspector, users["worker_a"])

    # Tasks due in November (and one in October).
    tasks = {
        "a_on_time": b.task(g[A], D(2026, 11, 10), "done", completed_on=D(2026, 11, 8),
                            place=shop_a),
        "a_late": b.task(g[A], D(2026, 11, 5), "done", completed_on=D(2026, 11, 7)),
        "a_missed": b.task(g[A], D(2026, 11, 3), "missed"),
        "a_open_overdue": b.task(g[A], D(2026, 11, 15), "planned"),
        "a_in_window": b.task(g[A], D(2026, 11, 25), "in_progress"),
        "a_cancelled": b.task(g[A], D(2026, 11, 12), "cancelled"),
        "a_october": b.task(g[A], D(2026, 10, 20), "done", completed_on=D(2026, 10, 20)),
        "b_on_time": b.task(g[B], D(2026, 11, 2), "done", completed_on=D(2026, 11, 2)),
        "b_open_overdue": b.task(g[B], D(2026, 11, 19), "in_progress"),
        "c_missed": b.task(g[C], D(2026, 11, 10), "missed"),
        "c_due_today": b.task(g[C], D(2026, 11, 20), "planned"),
        "g_on_time": b.task(g[G], D(2026, 11, 11), "done"),  # no completion day: on time
        "g_in_window": b.task(g[G], D(2026, 11, 30), "planned"),
    }  # fmt: skip
    at = b.at
    hazards = {
        # found Mon 2 Nov, closed Fri 6 Nov (4 working days), before its deadline.
        "h1": b.hazard(g[A], at(D(2026, 11, 2)), "closed", closed=at(D(2026, 11, 6), 15),
                       deadline=D(2026, 11, 10), place=shop_a),
        "h2": b.hazard(g[A], at(D(2026, 11, 3)), "rectifying", deadline=D(2026, 11, 16)),
        # found Tue 20 Oct, closed Thu 12 Nov (17 working days), a day after its deadline.
        "h3": b.hazard(g[B], at(D(2026, 10, 20)), "closed", closed=at(D(2026, 11, 12), 11),
                       deadline=D(2026, 11, 11)),
        "h4": b.hazard(g[C], at(D(2026, 11, 5)), "escalated", deadline=D(2026, 11, 9),
                       severity="major", actions=("escalate",), category="ebike"),
        "h5": b.hazard(g[C], at(D(2026, 11, 6)), "rejected"),
        "h6": b.hazard(g[A], at(D(2026, 11, 18)), "reported"),
        "h7": b.hazard(g[G], at(D(2026, 11, 9)), "handed_over", deadline=D(2026, 11, 13),
                       actions=("hand_over",)),
        # 00:30 on 1 November local time is still 31 October in UTC: counted in November.
        "h8": b.hazard(g[A], at(D(2026, 11, 1), 0, 30), "confirmed"),
        # 23:30 on 31 October local time (15:30 UTC): October, not November.
        "h9": b.hazard(g[B], at(D(2026, 10, 31), 23, 30), "reported"),
    }  # fmt: skip
    reports = {
        "r1": b.report(g[A], at(D(2026, 11, 3)), "confirmed", triaged=at(D(2026, 11, 3), 10),
                       triage_due=at(D(2026, 11, 4))),
        "r2": b.report(g[B], at(D(2026, 11, 10)), "closed", triaged=at(D(2026, 11, 14)),
                       triage_due=at(D(2026, 11, 11))),
        "r3": b.report(g[C], at(D(2026, 11, 15)), "new", triage_due=at(D(2026, 11, 16))),
        "r4": b.report(g[A], at(D(2026, 11, 16)), "new", hidden=True),
        "r5": b.report(g[G], at(D(2026, 10, 30)), "closed"),
    }  # fmt: skip
    notices = {
        "n1": b.notice(hazards["h1"], at(D(2026, 11, 2), 14), received=at(D(2026, 11, 2), 15)),
        "n2": b.notice(hazards["h2"], at(D(2026, 11, 4))),
        "n3": b.notice(hazards["h4"], at(D(2026, 10, 28))),
    }
    return {
        "grids": g,
        "users": users,
        "tasks": tasks,
        "hazards": hazards,
        "reports": reports,
        "notices": notices,
        "places": {"shop_a": shop_a, "shop_b": shop_b, "key_c": key_c, "key_g": key_g,
                   "key_a": key_a},
    }  # fmt: skip
