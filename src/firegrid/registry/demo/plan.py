"""The demo registry's plan: every record, drawn from the demo grids with one seeded generator.

Points are drawn inside each intended leaf grid (shrunk by INSET) and checked with the locator.
"""

from __future__ import annotations

import datetime
import functools
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import shape

from firegrid.grids.demo.collection import COUNTY_CODE, STREET_CODE, TOWN_CODE
from firegrid.grids.demo.names import GIVEN_NAMES, SURNAMES
from firegrid.grids.locator import get_locator
from firegrid.grids.models import Grid
from firegrid.people.models import Assignment

from .catalogue import (
    COMPOUND_KINDS,
    FIRE_ROOM_KIT,
    FLOORS_REGISTERED,
    MICRO_STATION_KIT,
    STREET_ROADS,
    STREET_SHOPS,
    STREET_SMALL_TYPES,
    TOWN_BUSINESSES,
    TOWN_MARKET_KEY_UNITS,
    WORDS,
    area,
    beds,
    shop_area,
    street_small,
)

SEED = "firegrid-demo-registry"
DAY0 = datetime.date(2025, 1, 1)  # checks and expiry dates are drawn from this day on
TOWN_KEY_UNITS = 219
INSET = 0.00015  # degrees (≈ 15 m) kept from a grid's border, so a point is clearly inside


# ---------------------------------------------------------------------------------------------
# What the demo holds (the plan), drawn deterministically from the grids


@dataclass
class PlacePlan:
    name: str
    type_code: str
    address: str
    grid: Grid
    lon: float
    lat: float
    attrs: dict[str, Any]
    licence: str = ""
    responsible: tuple[str, str] = ("", "")
    phone: str = ""


@dataclass
class ResidentPlan:
    name: str
    id_number: str
    phone: str
    flags: dict[str, bool]


@dataclass
class HouseholdPlan:
    grid: Grid
    building_key: tuple[str, str] | None
    unit: str
    room: str
    address: str
    is_rental: bool
    landlord: tuple[str, str]
    residents: list[ResidentPlan]


@dataclass
class BuildingPlan:
    name: str
    address: str
    grid: Grid
    lon: float
    lat: float
    category: str
    floors: int
    structure: str
    year_built: int


@dataclass
class ResourcePlan:
    kind: str
    name: str
    address: str
    grid: Grid
    lon: float
    lat: float
    status: str
    checked: datetime.date
    keeper: tuple[str, str]
    equipment: list[tuple[str, int, datetime.date | None]] = field(default_factory=list)
    members: list[tuple[str, str, int | None]] = field(default_factory=list)


@dataclass
class RegistryPlan:
    places: list[PlacePlan] = field(default_factory=list)
    buildings: list[BuildingPlan] = field(default_factory=list)
    households: list[HouseholdPlan] = field(default_factory=list)
    resources: list[ResourcePlan] = field(default_factory=list)


class _Leaf:
    """A leaf grid with its polygon shrunk by INSET, prepared for fast point tests."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        polygon = shape(grid.boundary)
        inner = polygon.buffer(-INSET)
        self.inner = inner if not inner.is_empty else polygon
        shapely.prepare(self.inner)
        self.bounds = self.inner.bounds
        self.numbers = 0  # house numbers handed out in this grid
        self.roads: list[str] = []  # urban grids: the roads their addresses are on

    def number(self, rnd: random.Random) -> int:
        self.numbers += rnd.randint(1, 6)
        return self.numbers


class _Planner:
    def __init__(self, leaves: dict[str, list[_Leaf]], names: dict[str, str]) -> None:
        self.rnd = random.Random(SEED)  # noqa: S311 - deterministic demo data
        self.leaves = leaves  # by parent (community/village) code, in code order
        self.names = names  # grid code → name
        self.locator = get_locator()
        self.plan = RegistryPlan()
        self.place_names: set[str] = set()
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()
        self.licences = 0
        self.road_numbers: dict[str, int] = {}

    # Small draws -------------------------------------------------------------------------

    def point(self, leaf: _Leaf) -> tuple[float, float]:
        """A point inside the leaf (and routed to it by the locator), 6 decimals (≈ 0.1 m)."""
        min_x, min_y, max_x, max_y = leaf.bounds
        for _attempt in range(1000):
            lon = round(self.rnd.uniform(min_x, max_x), 6)
            lat = round(self.rnd.uniform(min_y, max_y), 6)
            if shapely.contains_xy(leaf.inner, lon, lat) and (
                self.locator.locate(lon, lat) == leaf.grid.pk
            ):
                return lon, lat
        raise AssertionError(f"no point found inside {leaf.grid.code}")  # pragma: no cover

    def person_name(self, surname: str = "") -> str:
        return (surname or self.rnd.choice(SURNAMES)) + self.rnd.choice(GIVEN_NAMES)

    def mobile(self) -> str:
        while True:
            prefix = self.rnd.choice(("135", "136", "137", "138", "150", "151", "158", "186"))
            phone = prefix + f"{self.rnd.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def landline(self) -> str:
        return f"0371-6{self.rnd.randrange(10**6, 10**7)}"

    def id_number(self, birth: datetime.date, male: bool, region: str = "410185") -> str:
        while True:
            sequence = self.rnd.randrange(0, 500) * 2 + (1 if male else 0)
            body = f"{region}{birth:%Y%m%d}{sequence:03d}"
            weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
            check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
            value = body + check
            if value not in self.id_numbers:
                self.id_numbers.add(value)
                return value

    def birth(self, age_low: int, age_high: int) -> datetime.date:
        year = 2025 - self.rnd.randint(age_low, age_high)
        return datetime.date(year, 1, 1) + datetime.timedelta(days=self.rnd.randrange(365))

    def day(self, span: int = 330) -> datetime.date:
        return DAY0 + datetime.timedelta(days=self.rnd.randrange(span))

    def licence(self, prefix: str) -> str:
        """An 18-character unified social credit code (统一社会信用代码) shape, unique."""
        self.licences += 1
        letter = "ABCDEFGHJKLMNPQRTUWXY"[self.licences % 21]
        return f"{prefix}410185MA{self.licences:07d}{letter}"

    def address(self, leaf: _Leaf, prefix: str) -> str:
        """A village address (告成镇八方村三组12号), or a road and number in the street."""
        if not leaf.roads:
            return f"{prefix}{leaf.grid.name}{leaf.number(self.rnd)}号"
        road = self.rnd.choice(leaf.roads)
        self.road_numbers[road] = self.road_numbers.get(road, 0) + self.rnd.randint(1, 4)
        return f"{prefix}{road}{self.road_numbers[road]}号"

    def unique_name(self, make: Callable[[], str]) -> str:
        for _attempt in range(50):
            name = make()
            if name not in self.place_names:
                self.place_names.add(name)
                return name
        raise AssertionError("demo place names ran out")  # pragma: no cover

    # Records -----------------------------------------------------------------------------

    def place(
        self,
        leaf: _Leaf,
        type_code: str,
        name: str,
        attrs: dict[str, Any],
        *,
        licence_prefix: str = "92",
        address_prefix: str,
        owner: str = "",
    ) -> None:
        lon, lat = self.point(leaf)
        address = self.address(leaf, address_prefix)
        self.plan.places.append(
            PlacePlan(
                name=name,
                type_code=type_code,
                address=address,
                grid=leaf.grid,
                lon=lon,
                lat=lat,
                attrs=attrs,
                licence=self.licence(licence_prefix) if licence_prefix else "",
                responsible=(owner or self.person_name(), self.mobile()),
                phone=self.landline() if self.rnd.random() < 0.4 else "",
            )
        )

    def resource(
        self, leaf: _Leaf, kind: str, name: str, address: str, **extra: Any
    ) -> ResourcePlan:
        lon, lat = self.point(leaf)
        roll = self.rnd.random()
        status = "usable" if roll < 0.88 else ("broken" if roll < 0.95 else "repair")
        plan = ResourcePlan(
            kind=kind,
            name=name,
            address=address,
            grid=leaf.grid,
            lon=lon,
            lat=lat,
            status=status,
            checked=self.day(),
            keeper=(self.person_name(), self.mobile()),
            **extra,
        )
        self.plan.resources.append(plan)
        return plan

    def resident(self, surname: str, age: tuple[int, int], **flags: bool) -> ResidentPlan:
        male = self.rnd.random() < 0.5
        birth = self.birth(*age)
        region = "410185" if self.rnd.random() < 0.85 else self.rnd.choice(("410102", "410381"))
        adult = 2025 - birth.year >= 18
        return ResidentPlan(
            name=self.person_name(surname),
            id_number=self.id_number(birth, male, region),
            phone=self.mobile() if adult and self.rnd.random() < 0.9 else "",
            flags=flags,
        )


def _stem(village: str) -> str:
    return village.removesuffix("村")


def registry_demo_plan() -> RegistryPlan:
    """The demo registry, drawn from the demo grids in the database (deterministic)."""
    county = Grid.objects.filter(jurisdiction__code=COUNTY_CODE)
    names = dict(county.values_list("code", "name"))
    leaves: dict[str, list[_Leaf]] = defaultdict(list)
    for grid in county.filter(depth=3).order_by("code"):
        leaves[grid.code[:-3]].append(_Leaf(grid))  # demo codes extend their parent's
    planner = _Planner(leaves, names)
    villages = sorted(code for code in leaves if code.startswith(TOWN_CODE))
    communities = sorted(code for code in leaves if code.startswith(STREET_CODE))
    volunteers = _volunteers()
    _town(planner, villages, volunteers)
    _street(planner, communities, volunteers)
    return planner.plan


def _volunteers() -> dict[str, list[tuple[str, str, int]]]:
    """Demo people holding the volunteer role, by grid: they join their community's team."""
    rows = Assignment.objects.filter(
        role__code="volunteer", grid__jurisdiction__code=COUNTY_CODE
    ).values_list("grid__code", "person__name", "person__phone", "person_id")
    found: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for code, name, phone, person_id in rows.order_by("grid__code", "person_id"):
        found[code].append((name, phone, person_id))
    return found


def _town(planner: _Planner, villages: list[str], volunteers: dict[str, Any]) -> None:
    rnd = planner.rnd
    town_prefix = "登封市告成镇"
    # The town seat (告成村) draws three times its share of the businesses.
    weights = [3.0 if n == 0 else rnd.uniform(0.6, 1.4) for n in range(len(villages))]
    for index, village in enumerate(villages):
        name, stem, leaves = (
            planner.names[village],
            _stem(planner.names[village]),
            planner.leaves[village],
        )
        key = index < TOWN_MARKET_KEY_UNITS
        planner.place(
            leaves[0],
            "market",
            f"{name}集贸市场",
            shop_area(rnd, key),
            licence_prefix="12",
            address_prefix=town_prefix,
        )
        planner.place_names.add(f"{name}集贸市场")
        planner.place(
            leaves[0],
            "small_clinic",
            f"{name}卫生室",
            beds(50, 50)(rnd, False),
            licence_prefix="12",
            address_prefix=town_prefix,
        )
        planner.place_names.add(f"{name}卫生室")
    for type_code, count, key_count, make_name, make_attrs in TOWN_BUSINESSES:
        keys = [True] * key_count + [False] * (count - key_count)
        rnd.shuffle(keys)
        for key in keys:
            village = rnd.choices(villages, weights=weights)[0]
            stem = _stem(planner.names[village])
            name = planner.unique_name(functools.partial(make_name, rnd, stem))
            prefix = "12" if type_code in ("school", "kindergarten", "hospital") else "92"
            if type_code in ("factory", "warehouse", "hotel", "shopping_mall"):
                prefix = "91"
            planner.place(
                rnd.choice(planner.leaves[village]),
                type_code,
                name,
                make_attrs(rnd, key),
                licence_prefix=prefix,
                address_prefix=town_prefix,
            )
    for village in villages:
        _village_resources(planner, village, volunteers.get(village, []))
        _village_households(planner, village)


def _village_resources(planner: _Planner, village: str, volunteers: list[Any]) -> None:
    rnd, name, leaves = planner.rnd, planner.names[village], planner.leaves[village]
    seat = leaves[0]
    address = f"登封市告成镇{seat.grid.name}村委会"
    room = planner.resource(seat, "fire_room", f"{name}消防室", address)
    room.equipment = _kit(planner, FIRE_ROOM_KIT)
    for n in range(1, rnd.randint(2, 4) + 1):
        leaf = rnd.choice(leaves)
        planner.resource(leaf, "hydrant", f"{name}消火栓{n}号", f"登封市告成镇{leaf.grid.name}")
    if rnd.random() < 0.35:
        leaf = rnd.choice(leaves)
        water = rnd.choice(("蓄水池", "取水码头", "水塘"))
        planner.resource(leaf, "water_source", f"{name}{water}", f"登封市告成镇{leaf.grid.name}")
    team = planner.resource(seat, "volunteer_team", f"{name}志愿消防队", address)
    team.members = _members(planner, rnd.randint(6, 10), volunteers)


def _kit(planner: _Planner, kit: list[tuple[str, tuple[int, int], int]]) -> list[Any]:
    rnd = planner.rnd
    return [
        (
            name,
            rnd.randint(*count),
            DAY0 + datetime.timedelta(days=life + rnd.randrange(600)) if life else None,
        )
        for name, count, life in kit
    ]


def _members(planner: _Planner, count: int, people: list[Any]) -> list[tuple[str, str, int | None]]:
    members: list[tuple[str, str, int | None]] = list(people)
    while len(members) < count:
        members.append((planner.person_name(), planner.mobile(), None))
    return members


def _village_households(planner: _Planner, village: str) -> None:
    """Rural households the grid worker watches: elderly alone, left-behind children."""
    rnd = planner.rnd
    for leaf in planner.leaves[village][:4]:
        for _n in range(2):
            surname = rnd.choice(SURNAMES)
            address = f"登封市告成镇{leaf.grid.name}{leaf.number(rnd)}号"
            if rnd.random() < 0.55:
                old = planner.resident(
                    surname,
                    (70, 92),
                    lives_alone_elderly=True,
                    limited_mobility=rnd.random() < 0.35,
                    disabled=rnd.random() < 0.1,
                )
                residents = [old]
            else:
                residents = [planner.resident(surname, (58, 75))]
                residents += [
                    planner.resident(surname, (5, 14), left_behind_child=True)
                    for _child in range(rnd.randint(1, 2))
                ]
            planner.plan.households.append(
                HouseholdPlan(leaf.grid, None, "", "", address, False, ("", ""), residents)
            )


def _street(planner: _Planner, communities: list[str], volunteers: dict[str, Any]) -> None:
    rnd = planner.rnd
    prefix = "登封市"
    for index, community in enumerate(communities):
        own = planner.names[community].removesuffix("社区").removesuffix("路") + "路"
        for leaf in planner.leaves[community]:
            leaf.roads = [own, STREET_ROADS[(index + int(leaf.grid.code[-3:])) % len(STREET_ROADS)]]
    for community in communities:
        c_name, leaves = planner.names[community], planner.leaves[community]
        for leaf in leaves:
            for _n in range(4):
                name = planner.unique_name(lambda: STREET_SHOPS(rnd, ""))
                planner.place(
                    leaf,
                    "street_shop",
                    name,
                    area(rnd, False, 1000, 20, 900),
                    address_prefix=prefix,
                )
            for type_code in rnd.sample(sorted(STREET_SMALL_TYPES), 3):
                name = planner.unique_name(
                    functools.partial(STREET_SMALL_TYPES[type_code], rnd, "")
                )
                planner.place(
                    leaf, type_code, name, street_small(rnd, type_code), address_prefix=prefix
                )
            for _n in range(2):
                owner = planner.unique_name(planner.person_name)
                rooms = rnd.randint(3, 14)
                planner.place(
                    leaf,
                    "rental_house",
                    f"{owner}出租屋",
                    {"rooms": rooms, "occupants": rooms + rnd.randint(0, 6)},
                    licence_prefix="",
                    address_prefix=prefix,
                    owner=owner,
                )
            if rnd.random() < 0.5:
                owner = planner.unique_name(planner.person_name)
                occupants = rnd.randint(10, 30)
                planner.place(
                    leaf,
                    "shared_rental",
                    f"{owner}群租房",
                    {"rooms": rnd.randint(6, 12), "occupants": occupants},
                    licence_prefix="",
                    address_prefix=prefix,
                    owner=owner,
                )
            _compound(planner, leaf)
            for n in range(1, 3):
                address = planner.address(leaf, prefix)
                planner.resource(leaf, "hydrant", f"{leaf.grid.name}消火栓{n}号", address)
        seat = leaves[0]
        station = planner.resource(
            seat, "micro_station", f"{c_name}微型消防站", f"{prefix}嵩阳街道{c_name}居委会"
        )
        station.equipment = _kit(planner, MICRO_STATION_KIT)
        station.members = _members(planner, 6, [])
        team = planner.resource(
            seat, "volunteer_team", f"{c_name}义务消防队", f"{prefix}嵩阳街道{c_name}居委会"
        )
        team.members = _members(planner, rnd.randint(8, 14), volunteers.get(community, []))
    seat = planner.leaves[communities[0]][0]
    engine = planner.resource(
        seat, "fire_engine", "嵩阳街道消防工作站小型消防车", f"{prefix}嵩阳街道消防工作站"
    )
    engine.equipment = _kit(planner, FIRE_ROOM_KIT[:3])


def _compound(planner: _Planner, leaf: _Leaf) -> None:
    """A residential compound (小区) as a place, with 2–3 buildings, households and residents."""
    rnd = planner.rnd
    type_code, category, floors, structure, years, units = rnd.choice(COMPOUND_KINDS)
    name = planner.unique_name(
        lambda: f"{rnd.choice(WORDS)}{rnd.choice(('小区', '家园', '花园', '苑'))}"
    )
    stem = name
    n_buildings = rnd.randint(2, 3)
    building_floors = rnd.randint(*floors)
    planner.place(
        leaf,
        type_code,
        name,
        {"floors": building_floors, "occupants": None},
        licence_prefix="",
        address_prefix="登封市",
    )
    compound_address = planner.plan.places[-1].address
    for b in range(1, n_buildings + 1):
        lon, lat = planner.point(leaf)
        building = BuildingPlan(
            name=f"{stem}{b}号楼",
            address=f"{compound_address}{stem}{b}号楼",
            grid=leaf.grid,
            lon=lon,
            lat=lat,
            category=category,
            floors=building_floors,
            structure=structure,
            year_built=rnd.randint(*years),
        )
        planner.plan.buildings.append(building)
        for unit in range(1, rnd.randint(*units) + 1):
            for floor in range(1, min(building_floors, FLOORS_REGISTERED) + 1):
                for door in (1, 2):
                    _apartment(planner, building, f"{unit}单元", f"{floor}0{door}")


def _apartment(planner: _Planner, building: BuildingPlan, unit: str, room: str) -> None:
    rnd = planner.rnd
    surname = rnd.choice(SURNAMES)
    roll = rnd.random()
    rental = rnd.random() < 0.15
    if roll < 0.07:  # 独居老人
        residents = [
            planner.resident(
                surname,
                (68, 94),
                lives_alone_elderly=True,
                limited_mobility=rnd.random() < 0.4,
                disabled=rnd.random() < 0.1,
            )
        ]
    else:
        residents = [planner.resident(surname, (28, 60), disabled=rnd.random() < 0.02)]
        if rnd.random() < 0.8:
            residents.append(planner.resident(rnd.choice(SURNAMES), (28, 60)))
        for _child in range(rnd.choice((0, 1, 1, 2))):
            residents.append(planner.resident(surname, (1, 17)))
        if rnd.random() < 0.25:
            residents.append(
                planner.resident(
                    surname,
                    (66, 90),
                    limited_mobility=rnd.random() < 0.3,
                    key_person=rnd.random() < 0.02,
                )
            )
    landlord = (planner.person_name(), planner.mobile()) if rental else ("", "")
    planner.plan.households.append(
        HouseholdPlan(
            building.grid,
            (building.name, building.address),
            unit,
            room,
            "",
            rental,
            landlord,
            residents,
        )
    )
