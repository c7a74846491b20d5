"""The demo jurisdiction (`firegrid demo load`): tree, tiling, people, logins, idempotency."""

from __future__ import annotations

from collections import Counter, defaultdict
from io import StringIO
from typing import Any

import pytest
import shapely
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from shapely.geometry import shape

from firegrid.core.models import AuditEvent
from firegrid.grids.demo import DEFAULT_PASSWORD, DemoLoadResult, demo_load
from firegrid.grids.geometry import area_m2
from firegrid.grids.models import Grid
from firegrid.people.models import Assignment, Person
from firegrid.people.scope import scoped_grids, user_scope

pytestmark = pytest.mark.django_db

TOWN, STREET = "410185103", "410185001"
# The logins documented in the README: username → the (role, grid code) pairs it holds.
DOCUMENTED_LOGINS = {
    "county": {("county_office", "410185")},
    "street": {("street_office", STREET)},
    "town": {("street_office", TOWN)},
    "community": {("community_office", "410185001001")},
    "gridhead": {("grid_head", "410185103201001")},
    "worker": {("fulltime_worker", "410185001001001")},
    "parttime": {("parttime_worker", "410185001001001")},
    "building": {("building_head", "410185001001001")},
    "police": {("community_police", f"41018500100{n}") for n in (1, 2, 3)},
    "fireofficer": {("fire_officer", STREET)},
    "volunteer": {("volunteer", "410185001001")},
    "evaluator": {("evaluator", STREET)},
    "leader": {("contracting_leader", f"410185103{n}") for n in (201, 202, 203, 204)},
}
WORKER_ROLES = ("grid_head", "fulltime_worker", "parttime_worker")


@pytest.fixture
def loaded() -> DemoLoadResult:
    return demo_load()


def _children(parent_code: str) -> list[Grid]:
    return list(Grid.objects.filter(parent__code=parent_code).order_by("code"))


def test_town_has_24_villages_and_200_village_groups(loaded: DemoLoadResult) -> None:
    villages = _children(TOWN)
    groups = Grid.objects.filter(parent__parent__code=TOWN)
    assert Grid.objects.get(code=TOWN).name == "告成镇"
    assert len(villages) == 24
    assert len({v.name for v in villages}) == 24
    assert villages[0].code == "410185103201"
    assert groups.count() == 200
    codes = groups.values_list("code", "parent__code")
    assert all(len(code) == 15 and code.startswith(parent) for code, parent in codes)
    assert groups.aggregate(total=Sum("population"))["total"] == 55_000
    assert Grid.objects.get(code=TOWN).population == 55_000
    assert groups.filter(households__isnull=True).count() == 0


def test_street_has_8_communities_of_grids_with_300_to_500_households(
    loaded: DemoLoadResult,
) -> None:
    communities = _children(STREET)
    assert [c.code for c in communities] == [f"{STREET}{n:03d}" for n in range(1, 9)]
    rows = list(
        Grid.objects.filter(parent__parent__code=STREET).values_list(
            "code", "parent__code", "households", "population"
        )
    )
    per_community: Counter[str] = Counter(parent for _code, parent, _hh, _pop in rows)
    assert sorted(per_community.values()) == [3, 4, 4, 4, 5, 5, 5, 6]
    for code, _parent, households, population in rows:
        assert households is not None and population is not None, code
        assert 300 <= households <= 500, code
        assert 2.5 <= population / households <= 3.1, code
    assert Grid.objects.get(code=STREET).households == sum(row[2] or 0 for row in rows)


def test_demo_import_reports_no_warnings_and_imports_every_level(loaded: DemoLoadResult) -> None:
    assert loaded.warnings == []
    assert loaded.imported is True
    assert [(c.depth, c.created, c.updated, c.unchanged) for c in loaded.levels] == [
        (0, 1, 0, 0),
        (1, 2, 0, 0),
        (2, 32, 0, 0),
        (3, 236, 0, 0),
    ]
    assert Grid.objects.count() == 271


def test_children_tile_every_parent_exactly(loaded: DemoLoadResult) -> None:
    geoms = {
        code: shape(boundary) for code, boundary in Grid.objects.values_list("code", "boundary")
    }
    children: dict[str, list[str]] = defaultdict(list)
    for code, parent in Grid.objects.filter(parent__isnull=False).values_list(
        "code", "parent__code"
    ):
        children[parent].append(code)
    assert len(children) == 35
    for parent, kids in children.items():
        union = shapely.union_all([geoms[k] for k in kids])
        assert area_m2(union.symmetric_difference(geoms[parent])) < 1.0, parent
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                assert area_m2(geoms[a].intersection(geoms[b])) < 1.0, (a, b)
    assert all(g.geom_type == "Polygon" and g.is_valid for g in geoms.values())


def test_every_leaf_grid_has_a_worker_with_an_ab_post_partner(loaded: DemoLoadResult) -> None:
    today = timezone.localdate()
    workers = (
        Assignment.objects.active(today)
        .filter(grid__depth=3, role__code__in=WORKER_ROLES, letter_signed_on__isnull=False)
        .values_list("grid_id", "person_id", "backup_id")
    )
    held = {(grid, person) for grid, person, _backup in workers}
    paired = {
        grid
        for grid, person, backup in workers
        if backup is not None and (grid, backup) in held and (grid, backup, person) in set(workers)
    }
    leaves = set(Grid.objects.filter(depth=3).values_list("id", flat=True))
    assert len(leaves) == 236
    assert paired == leaves


def test_each_demo_login_holds_its_documented_role(loaded: DemoLoadResult) -> None:
    users = {u.username: u for u in get_user_model().objects.all()}
    # The inspections demo records its history as the field workers who did it: their logins
    # ("demo-<phone>") exist but have no usable password.
    field = {name for name in users if name.startswith("demo-")}
    assert set(users) - field == {"admin", *DOCUMENTED_LOGINS}
    assert field and not any(users[name].has_usable_password() for name in field)
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["county"].is_staff and not users["county"].is_superuser
    today = timezone.localdate()
    for username, expected in DOCUMENTED_LOGINS.items():
        held = set(
            Assignment.objects.active(today)
            .filter(person__user=users[username])
            .values_list("role__code", "grid__code")
        )
        assert held == expected, username
        assert users[username].check_password(DEFAULT_PASSWORD), username
        assert not users[username].is_superuser, username
    assert [login.username for login in loaded.logins] == ["admin", *DOCUMENTED_LOGINS]


def test_parttime_login_sees_exactly_its_leaf_grid(loaded: DemoLoadResult) -> None:
    user = get_user_model().objects.get(username="parttime")
    leaf = Grid.objects.get(code="410185001001001")
    assert user_scope(user).read_paths == (leaf.path,)
    assert user_scope(user).manage_paths == ()
    assert list(scoped_grids(user).values_list("code", flat=True)) == [leaf.code]


def _counts() -> dict[str, Any]:
    return {
        "grids": Grid.objects.count(),
        "users": get_user_model().objects.count(),
        "people": Person.objects.count(),
        "assignments": Assignment.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "grid stamps": sorted(Grid.objects.values_list("updated_at", flat=True)),
    }


def test_second_load_changes_nothing_and_says_so() -> None:
    call_command("demo", "load", stdout=StringIO())
    before = _counts()
    out = StringIO()
    call_command("demo", "load", stdout=out)
    assert _counts() == before
    assert before["grids"] == 271
    assert before["users"] == 14 + 10  # documented logins + the inspections demo's field workers
    assert before["people"] == 576
    assert before["assignments"] == 621
    text = out.getvalue()
    assert "demo already loaded; nothing changed" in text
    assert "people: 0 created, 576 in the demo" in text
    assert "assignments: 0 created, 621 in the demo" in text
    assert "网格                   0       0       236" in text


def test_load_puts_back_the_demo_password_and_the_edited_grid() -> None:
    call_command("demo", "load", "--password", "first-pass", stdout=StringIO())
    worker = get_user_model().objects.get(username="worker")
    assert worker.check_password("first-pass")
    households = Grid.objects.get(code="410185103201001").households
    Grid.objects.filter(code="410185103201001").update(households=1)
    out = StringIO()
    call_command("demo", "load", stdout=out)
    worker.refresh_from_db()
    assert worker.check_password(DEFAULT_PASSWORD)
    assert Grid.objects.get(code="410185103201001").households == households
    assert "logins: 0 created, 14 password(s) reset" in out.getvalue()
    assert "网格                   0       1       235" in out.getvalue()
