"""Who answers for which grid in the demo (定人定岗定责): people, assignments and logins.

Names come from a fixed seed and phones from a sequence, so every run plans the same people;
the phone is each demo person's stable key.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from .collection import COUNTY_CODE, STREET_CODE, TOWN_CODE
from .names import GIVEN_NAMES, SURNAMES

DEMO_START = datetime.date(2025, 1, 1)
DEMO_LETTER_SIGNED = datetime.date(2024, 12, 27)
LOGIN_ORDER = [
    "admin", "county", "street", "town", "community", "gridhead", "worker", "parttime",
    "building", "police", "fireofficer", "volunteer", "evaluator", "leader",
]  # fmt: skip
PHONE_PREFIX = "1393710"  # + 4-digit sequence: the phone is each demo person's stable key


@dataclass(frozen=True)
class DemoPerson:
    phone: str
    name: str
    home_code: str


@dataclass(frozen=True)
class DemoAssignment:
    phone: str
    grid_code: str
    role: str
    backup_phone: str = ""


@dataclass(frozen=True)
class DemoLogin:
    """A documented demo login; `phone` names the demo person it is linked to ("" for admin)."""

    username: str
    role: str
    grid_code: str
    phone: str
    is_staff: bool = False
    is_superuser: bool = False


@dataclass
class DemoPeople:
    persons: list[DemoPerson] = field(default_factory=list)
    assignments: list[DemoAssignment] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


def demo_people(collection: dict[str, Any]) -> DemoPeople:
    """Who answers for which grid (定人定岗定责) in the demo; deterministic names and phones."""
    roster = _Roster()
    children: dict[str, list[str]] = {}
    for feature in collection["features"]:
        p = feature["properties"]
        children.setdefault(p["parent_code"] or "", []).append(p["code"])
    roster.login("admin", "superuser", COUNTY_CODE, "", is_staff=True, is_superuser=True)
    county = roster.assign(roster.person(COUNTY_CODE), COUNTY_CODE, "county_office")
    roster.login("county", "county_office", COUNTY_CODE, county, is_staff=True)
    for unit in (STREET_CODE, TOWN_CODE):
        _unit_people(roster, unit, children)
    roster.plan.logins.sort(key=lambda spec: LOGIN_ORDER.index(spec.username))
    return roster.plan


class _Roster:
    """The plan being built. Calls draw names from one seeded generator, so their order is the
    demo's identity: reordering them renames and renumbers people."""

    def __init__(self) -> None:
        self.rnd = random.Random("firegrid-demo-people")  # noqa: S311 - deterministic demo data
        self.plan = DemoPeople()

    def person(self, home: str) -> str:
        phone = f"{PHONE_PREFIX}{len(self.plan.persons) + 1:04d}"
        name = self.rnd.choice(SURNAMES) + self.rnd.choice(GIVEN_NAMES)
        self.plan.persons.append(DemoPerson(phone, name, home))
        return phone

    def assign(self, phone: str, grid: str, role: str, backup: str = "") -> str:
        self.plan.assignments.append(DemoAssignment(phone, grid, role, backup))
        return phone

    def login(self, username: str, role: str, grid: str, phone: str, **flags: bool) -> None:
        self.plan.logins.append(DemoLogin(username, role, grid, phone, **flags))


def _unit_people(roster: _Roster, unit: str, children: dict[str, list[str]]) -> None:
    """A street or town: its offices, leaders, police, then each community or village."""
    urban = unit == STREET_CODE
    parts = children[unit]
    roster.assign(roster.person(unit), unit, "chief_grid_head")
    office = roster.assign(roster.person(unit), unit, "street_office")
    roster.login("street" if urban else "town", "street_office", unit, office)
    fire = roster.assign(roster.person(unit), unit, "fire_officer")
    evaluator = roster.assign(roster.person(unit), unit, "evaluator")
    # 包片领导: each contracts four communities/villages; 社区民警: each covers up to three.
    _share_parts(roster, unit, parts, "contracting_leader", 4, "" if urban else "leader")
    _share_parts(roster, unit, parts, "community_police", 3, "police" if urban else "")
    if urban:
        roster.login("fireofficer", "fire_officer", unit, fire)
        roster.login("evaluator", "evaluator", unit, evaluator)
    for p_index, part in enumerate(parts):
        _part_people(roster, part, children[part], urban=urban, first=p_index == 0)


def _share_parts(
    roster: _Roster, unit: str, parts: list[str], role: str, size: int, username: str
) -> None:
    """One person of `unit` per `size` parts holds `role` for each; the first may log in."""
    for n in range(0, len(parts), size):
        holder = roster.person(unit)
        for part in parts[n : n + size]:
            roster.assign(holder, part, role)
        if n == 0 and username:
            roster.login(username, role, parts[0], holder)


def _part_people(roster: _Roster, part: str, grids: list[str], *, urban: bool, first: bool) -> None:
    """A community (社区, with a volunteer) or a village (村): its office, then its grids."""
    staff = roster.assign(roster.person(part), part, "community_office")
    if urban:
        volunteer = roster.assign(roster.person(part), part, "volunteer")
        if first:
            roster.login("community", "community_office", part, staff)
            roster.login("volunteer", "volunteer", part, volunteer)
    for g_index, grid in enumerate(grids):
        _grid_people(roster, grid, urban=urban, first=first and g_index == 0)


def _grid_people(roster: _Roster, grid: str, *, urban: bool, first: bool) -> None:
    """AB-post pair: a 专职网格员 (urban) or 网格长 (村民组长, rural) and a 兼职网格员;
    an urban grid also has a 楼栋长."""
    main_role = "fulltime_worker" if urban else "grid_head"
    main, partner = roster.person(grid), roster.person(grid)
    roster.assign(main, grid, main_role, partner)
    roster.assign(partner, grid, "parttime_worker", main)
    building = roster.assign(roster.person(grid), grid, "building_head") if urban else ""
    if first:
        roster.login("worker" if urban else "gridhead", main_role, grid, main)
        if urban:
            roster.login("parttime", "parttime_worker", grid, partner)
            roster.login("building", "building_head", grid, building)
