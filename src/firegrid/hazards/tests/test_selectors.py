"""Hazard reads: the list's filters and sorts, "my actions" per role, the export rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from firegrid.core.errors import NotFound
from firegrid.hazards.models import Hazard
from firegrid.hazards.selectors import (
    EXPORT_HEADER,
    HazardFilters,
    hazard_actions_for,
    hazard_export_rows,
    hazard_list,
    hazard_steps_for,
)
from firegrid.hazards.services import StepIn, hazard_report, hazard_step
from firegrid.inspections.tests.conftest import place_in

from .conftest import COMMUNITY, LEAF, STREET, D, at

OTHER_COMMUNITY_LEAF = "410185001002001"
OTHER_STREET_LEAF = "410185002001001"


def report(world: dict[str, Any], grid_code: str, day: datetime.date, **kw: Any) -> Hazard:
    fields = {"category_code": "ebike", "source": "patrol", "description": "楼道充电"} | kw
    return hazard_report(
        actor=world["users"]["worker"],
        grid=world["grids"][grid_code],
        found_at=at(day),
        **fields,
    )


def ids(world: dict[str, Any], who: str = "street", **filters: Any) -> list[int]:
    rows = hazard_list(actor=world["users"][who], filters=HazardFilters(**filters))
    return list(rows.values_list("pk", flat=True))


def test_list_filters_combine_and_stay_inside_the_scope(world: dict[str, Any]) -> None:
    first = world["hazard"]  # exits_blocked at the shop, found 2026-09-01, reported
    other = report(world, OTHER_COMMUNITY_LEAF, D(2026, 8, 15), description="配电箱私拉乱接")
    closed = report(world, LEAF, D(2026, 9, 10), source="citizen", category_code="electrical")
    outside = report(world, OTHER_STREET_LEAF, D(2026, 9, 5))
    Hazard.objects.filter(pk=other.pk).update(
        severity="major", state="notice_issued", deadline=D(2026, 9, 20), next_due=D(2026, 9, 20)
    )
    Hazard.objects.filter(pk=closed.pk).update(state="closed")
    today = D(2026, 9, 25)

    assert ids(world) == [closed.pk, first.pk, other.pk]  # newest first, street scope only
    assert outside.pk not in ids(world)
    assert ids(world, states=("open",)) == [first.pk, other.pk]
    assert ids(world, states=("reported", "closed")) == [closed.pk, first.pk]
    assert ids(world, state="notice_issued") == [other.pk]
    # `first` was found 1 Sept: confirming it and serving a notice was due by 4 Sept.
    assert ids(world, overdue=True, today=today) == [first.pk, other.pk]
    assert ids(world, overdue=True, today=D(2026, 9, 20)) == [first.pk]  # other: due that day
    assert ids(world, overdue=True, today=D(2026, 9, 4)) == []
    assert ids(world, severity="major") == [other.pk]
    assert ids(world, source="citizen") == [closed.pk]
    assert ids(world, category="electrical") == [closed.pk]
    assert ids(world, q="小卖部") == [first.pk]  # the place's name
    assert ids(world, q="私拉") == [other.pk]  # the description
    assert ids(world, found_from=D(2026, 9, 1), found_to=D(2026, 9, 1)) == [first.pk]
    assert ids(world, found_to=D(2026, 8, 31)) == [other.pk]
    community = world["grids"][COMMUNITY].pk
    assert ids(world, grid_id=community) == [closed.pk, first.pk]
    assert ids(world, sort="found_asc") == [other.pk, first.pk, closed.pk]
    assert ids(world, sort="severity")[0] == other.pk
    assert ids(world, sort="due")[:2] == [first.pk, closed.pk]  # 4 Sept, then 15 Sept
    assert ids(world, who="community") == [closed.pk, first.pk]
    with pytest.raises(NotFound):
        ids(world, who="community", grid_id=world["grids"][STREET].pk)


def test_list_reads_in_a_fixed_number_of_queries(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    for day in range(2, 8):
        report(world, LEAF, D(2026, 9, day))
    user = world["users"]["street"]
    with django_assert_num_queries(2):  # the scope, then one joined select
        rows = list(hazard_list(actor=user, filters=HazardFilters(states=("open",))))
    assert len(rows) == 7
    assert {row.category.code for row in rows} == {"ebike", "exits_blocked"}


def _step(world: dict[str, Any], who: str | None, hazard: Hazard, action: str, **kw: Any) -> Any:
    actor = world["users"][who] if who else None
    with time_machine.travel(at(D(2026, 9, 21)), tick=False):
        return hazard_step(
            actor=actor, hazard_id=hazard.pk, data=StepIn(action, **kw), system=who is None
        )


def groups(world: dict[str, Any], who: str) -> dict[str, list[int]]:
    rows = hazard_actions_for(world["users"][who], today=D(2026, 9, 21))
    return {g.key: [h.pk for h in g.hazards] for g in rows}


def test_my_actions_follow_the_hazard_through_the_levels(world: dict[str, Any]) -> None:
    hazard = world["hazard"]
    # Reported in a community without its own office: the street office answers for it.
    orphan = report(world, OTHER_COMMUNITY_LEAF, D(2026, 9, 2))

    assert groups(world, "community") == {"confirm": [hazard.pk]}
    assert groups(world, "street") == {"confirm": [orphan.pk]}
    assert groups(world, "worker") == {}

    _step(world, "community", hazard, "confirm")
    assert groups(world, "community") == {}
    assert groups(world, "worker") == {"fix": [hazard.pk]}

    _step(world, "community", hazard, "issue_notice", deadline=D(2026, 9, 30))
    assert groups(world, "worker") == {"chase": [hazard.pk]}
    assert groups(world, "partner") == {"chase": [hazard.pk]}

    _step(world, None, hazard, "mark_overdue")
    assert groups(world, "community") == {"overdue": [hazard.pk]}
    _step(world, "community", hazard, "escalate")
    assert groups(world, "community") == {}
    assert groups(world, "street") == {"overdue": [hazard.pk], "confirm": [orphan.pk]}
    assert groups(world, "worker") == {"chase": [hazard.pk]}


def test_my_actions_put_the_most_urgent_first(world: dict[str, Any]) -> None:
    later = world["hazard"]
    sooner = report(world, LEAF, D(2026, 9, 3))
    undated = report(world, LEAF, D(2026, 8, 1))
    Hazard.objects.filter(pk=later.pk).update(state="review_requested", next_due=D(2026, 9, 25))
    Hazard.objects.filter(pk=sooner.pk).update(state="review_requested", next_due=D(2026, 9, 22))
    Hazard.objects.filter(pk=undated.pk).update(state="review_requested", next_due=None)

    assert groups(world, "community") == {"reinspect": [sooner.pk, later.pk, undated.pk]}


def test_steps_offered_match_the_state_and_the_role(world: dict[str, Any]) -> None:
    hazard = world["hazard"]
    users = world["users"]
    office = hazard_steps_for(users["community"], hazard)
    worker = hazard_steps_for(users["worker"], hazard)
    assert {"confirm", "reject"} <= set(office)
    assert "issue_notice" not in office and "mark_overdue" not in office
    assert "fix_on_spot" in worker
    assert not {"confirm", "reject", "issue_notice"} & set(worker)
    _step(world, "community", hazard, "confirm")
    hazard.refresh_from_db()
    assert "issue_notice" in hazard_steps_for(users["community"], hazard)
    assert "confirm" not in hazard_steps_for(users["community"], hazard)
    assert "issue_notice" not in hazard_steps_for(users["worker"], hazard)


def test_export_rows_are_labelled_in_chinese(world: dict[str, Any]) -> None:
    hazard = world["hazard"]
    _step(world, "community", hazard, "confirm")
    _step(world, "community", hazard, "issue_notice", deadline=D(2026, 9, 30))
    place_in(world["grids"][LEAF], "small_shop", name="另一家")  # no hazard: not exported

    rows = list(
        hazard_export_rows(
            actor=world["users"]["community"], filters=HazardFilters(), today=D(2026, 10, 2)
        )
    )

    assert EXPORT_HEADER[:3] == ("编号", "类别", "状态")
    found = timezone.localtime(hazard.found_at).strftime("%Y-%m-%d %H:%M")
    assert rows == [
        [
            hazard.pk, "疏散通道/安全出口堵塞", "已下发整改通知", "一般", "检查",
            "平安小卖部", "", "网格1-1-1", "社区1-1", found, D(2026, 9, 30), D(2026, 9, 30),
            "是", 0, "后门堆放杂物",
        ]
    ]  # fmt: skip
