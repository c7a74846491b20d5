"""Where a user lands after logging in (and at "/"): the one rule, shared by the landing page and
its tests.

Offices and leaders steer by the numbers, so they land on the overview of their level; field
staff (网格员, 网格长, 楼栋长, 社区民警, 志愿者…) on "today", the list of what waits for them; a
login without a current post on a page that says so and whom to ask, instead of an empty map.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Any

from django.utils import timezone

from firegrid.people.models import Assignment, Person
from firegrid.people.scope import user_scope


class Landing(StrEnum):
    OVERVIEW = "overview"
    TODAY = "today"
    NO_POST = "no_post"


# Roles that land on the overview even when an office has not flagged them `can_manage`: the
# offices (区县/街道/社区网格办), the 总网格长, the 包片领导 who supervises the grids it holds, and
# the 监督评议员 whose work is judging results rather than doing rounds.
OVERVIEW_ROLES = frozenset(
    {
        "county_office",
        "street_office",
        "community_office",
        "chief_grid_head",
        "contracting_leader",
        "evaluator",
    }
)


def landing_for(user: Any, *, on: datetime.date | None = None) -> Landing:
    """The landing of `user` on day `on` (today by default): a superuser or anyone holding a
    managing role (`Role.can_manage`) or a role of OVERVIEW_ROLES → the overview; anyone else
    with a current post → today; nobody posted → the "no post yet" page."""
    scope = user_scope(user, on=on)
    if scope.everything or scope.manage_paths:
        return Landing.OVERVIEW
    if scope.is_empty:
        return Landing.NO_POST
    leads = (
        Assignment.objects.active(on or timezone.localdate())
        .filter(person__user=user, role__code__in=OVERVIEW_ROLES)
        .exists()
    )
    return Landing.OVERVIEW if leads else Landing.TODAY


def who_to_ask(user: Any) -> tuple[Person | None, list[Assignment]]:
    """For a login without a post: its person record (None when the login is not linked to
    one) and the office staff to ask — the managing posts on the grid that keeps the record or
    the nearest level above it that has any."""
    person = Person.objects.filter(user=user).select_related("home_grid").first()
    if person is None:
        return None, []
    grid_ids = person.home_grid.ancestor_ids  # the grid itself and every level above it
    offices = list(
        Assignment.objects.active(timezone.localdate())
        .filter(grid_id__in=grid_ids, role__can_manage=True)
        .select_related("person", "role", "grid")
        .order_by("-grid__depth", "role__sort_order", "person__name")
    )
    if not offices:
        return person, []
    nearest = offices[0].grid_id
    return person, [a for a in offices if a.grid_id == nearest]
