"""The demo jurisdiction (演示辖区): 登封市 with 告成镇 and 嵩阳街道 (`firegrid demo load`).

Everything derives from fixed seeds, so every run builds the same FeatureCollection. Boundaries
come from one jittered lattice of ~220 m cells shared by the whole county: a grid is a contiguous
block of cells and every parent is the union of its children, so neighbours share exactly the
same vertices and each level tiles its parent with no gap or overlap. Loading goes through the real
import and people services; a second load finds everything in place and changes nothing.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from shapely.geometry import Polygon, mapping
from shapely.geometry.base import BaseGeometry

from firegrid.core.audit import audit_record
from firegrid.core.coords import convert_geometry
from firegrid.people.models import Assignment, Person, Role

from .importing import Problem
from .models import Grid, GridLevel
from .services import grids_import

DEFAULT_PASSWORD = "firegrid-demo"  # noqa: S105 - the documented password of a local demo
COUNTY_CODE, STREET_CODE, TOWN_CODE = "410185", "410185001", "410185103"
LEVELS: list[dict[str, Any]] = [
    {"depth": 0, "name": "区县", "name_en": "County"},
    {"depth": 1, "name": "街道/乡镇", "name_en": "Street or town"},
    {"depth": 2, "name": "社区/村", "name_en": "Community or village"},
    {"depth": 3, "name": "网格", "name_en": "Grid"},
]
HEADER = {
    "crs": "wgs84",
    "jurisdiction": {"code": COUNTY_CODE, "name": "登封市", "name_en": "Dengfeng"},
    "levels": LEVELS,
}

# The lattice: origin (south-west corner), cell size in degrees (≈ 220 m × 222 m) and extent.
LON0, LAT0, CELL_LON, CELL_LAT, COLS, ROWS = 113.03, 34.33, 0.0024, 0.002, 80, 70
EDGE_POINTS = (1 / 3, 2 / 3)  # extra vertices along every cell edge, so borders are not straight
TOWN_VILLAGES = [
    "告成村", "八方村", "东赵村", "西赵村", "曲河村", "北庄村", "袁桥村", "五渡河村",
    "杨村", "冯庄村", "东沟村", "西沟村", "马庄村", "新庄村", "石羊关村", "水磨湾村",
    "刘庄村", "阳城村", "寨河村", "南洼村", "崔楼村", "王庄村", "岭东村", "后河村",
]  # fmt: skip
TOWN_GROUPS, TOWN_POPULATION = 200, 55_000
STREET_COMMUNITIES = [
    ("书院河社区", 4), ("崇高路社区", 5), ("嵩阳社区", 3), ("太室社区", 6),
    ("颍河社区", 4), ("中岳路社区", 5), ("周山社区", 4), ("大禹社区", 5),
]  # fmt: skip

Cell = tuple[int, int]  # (column, row) of the lattice


# --------------------------------------------------------------------------- geometry


class _Lattice:
    """Jittered corners and edge vertices, each computed once so both cells of an edge share it."""

    def __init__(self, seed: str) -> None:
        rnd = random.Random(seed)  # noqa: S311 - deterministic demo data
        self.corners = {
            (i, j): (i + rnd.uniform(-0.28, 0.28), j + rnd.uniform(-0.28, 0.28))
            for i in range(COLS + 1)
            for j in range(ROWS + 1)
        }
        # Offsets (along, across) of the extra vertices of each horizontal ("h") / vertical edge.
        self.offsets = {
            (kind, i, j): [
                (rnd.uniform(-0.05, 0.05), rnd.uniform(-0.09, 0.09)) for _ in EDGE_POINTS
            ]
            for kind in ("h", "v")
            for i in range(COLS + 1)
            for j in range(ROWS + 1)
        }

    def _edge(self, kind: str, i: int, j: int) -> list[tuple[float, float]]:
        """The edge from corner (i, j) to (i+1, j) ("h") or to (i, j+1) ("v"), ends included."""
        start = self.corners[(i, j)]
        end = self.corners[(i + 1, j) if kind == "h" else (i, j + 1)]
        dx, dy = end[0] - start[0], end[1] - start[1]
        points = [start]
        for t, (along, across) in zip(EDGE_POINTS, self.offsets[(kind, i, j)], strict=True):
            points.append(
                (
                    start[0] + dx * (t + along) - dy * across,
                    start[1] + dy * (t + along) + dx * across,
                )
            )
        points.append(end)
        return points

    def cell(self, cell: Cell) -> Polygon:
        i, j = cell
        ring = (
            self._edge("h", i, j)[:-1]
            + self._edge("v", i + 1, j)[:-1]
            + self._edge("h", i, j + 1)[::-1][:-1]
            + self._edge("v", i, j)[::-1]
        )
        return Polygon([_lonlat(x, y) for x, y in ring])


def _lonlat(x: float, y: float) -> tuple[float, float]:
    return round(LON0 + x * CELL_LON, 7), round(LAT0 + y * CELL_LAT, 7)


def _neighbours(cell: Cell) -> tuple[Cell, ...]:
    i, j = cell
    return ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1))


def _components(cells: set[Cell]) -> list[set[Cell]]:
    """Edge-connected pieces, largest first (ties broken by position, for determinism)."""
    left, pieces = set(cells), []
    while left:
        start = min(left)
        piece, todo = {start}, [start]
        left.discard(start)
        while todo:
            for n in _neighbours(todo.pop()):
                if n in left:
                    left.discard(n)
                    piece.add(n)
                    todo.append(n)
        pieces.append(piece)
    return sorted(pieces, key=lambda p: (-len(p), min(p)))


def _blob(cx: float, cy: float, rx: float, ry: float, rnd: random.Random) -> set[Cell]:
    """Cells inside a wobbly ellipse (centre and radii in lattice units)."""
    phases = [rnd.uniform(0, 2 * math.pi) for _ in range(3)]
    cells = set()
    for i in range(COLS):
        for j in range(ROWS):
            x, y = (i + 0.5 - cx) / rx, (j + 0.5 - cy) / ry
            theta = math.atan2(y, x)
            limit = (
                1
                + 0.12 * math.sin(3 * theta + phases[0])
                + 0.07 * math.sin(5 * theta + phases[1])
                + 0.04 * math.sin(9 * theta + phases[2])
            )
            if math.hypot(x, y) < limit:
                cells.add((i, j))
    return cells


def _split(cells: list[Cell], weights: list[float], rnd: random.Random) -> list[list[Cell]]:
    """Cut a cell set into len(weights) parts of proportional size by recursive wavy cuts."""
    if len(weights) == 1:
        return [sorted(cells)]
    half = len(weights) // 2
    share = sum(weights[:half]) / sum(weights)
    xs, ys = [c[0] for c in cells], [c[1] for c in cells]
    angle = (0.0 if max(xs) - min(xs) >= max(ys) - min(ys) else math.pi / 2) + rnd.uniform(
        -0.4, 0.4
    )
    ux, uy = math.cos(angle), math.sin(angle)
    amp, freq, phase = rnd.uniform(0.8, 2.0), rnd.uniform(0.25, 0.5), rnd.uniform(0, 2 * math.pi)

    def key(c: Cell) -> tuple[float, Cell]:
        x, y = c[0] + 0.5, c[1] + 0.5
        return (x * ux + y * uy + amp * math.sin((y * ux - x * uy) * freq + phase), c)

    ordered = sorted(cells, key=key)
    cut = min(max(round(len(cells) * share), half), len(cells) - (len(weights) - half))
    return _split(ordered[:cut], weights[:half], rnd) + _split(ordered[cut:], weights[half:], rnd)


def _partition(cells: Iterable[Cell], weights: list[float], rnd: random.Random) -> list[list[Cell]]:
    """Split, then hand stray pieces of a part to the neighbouring part they touch most."""
    labels = {c: n for n, part in enumerate(_split(sorted(cells), weights, rnd)) for c in part}
    moved = True
    while moved:
        moved = False
        for label in range(len(weights)):
            pieces = _components({c for c, lab in labels.items() if lab == label})
            for piece in pieces[1:]:
                touching = Counter(
                    labels[n]
                    for c in piece
                    for n in _neighbours(c)
                    if labels.get(n, label) != label
                )
                target = min(touching, key=lambda lab: (-touching[lab], lab))
                labels.update(dict.fromkeys(piece, target))
                moved = True
            if moved:
                break
    return [sorted(c for c, lab in labels.items() if lab == n) for n in range(len(weights))]


def _county_cells(rnd: random.Random) -> tuple[set[Cell], set[Cell]]:
    """The town (a wobbly ellipse round 告成) and the street (a small one biting its north-west)."""
    street = _components(_blob(24.5, 54.5, 7.0, 5.5, rnd))[0]
    town = _components(_blob(41.7, 35.0, 28.0, 23.0, rnd) - street)[0]
    outside = {(i, j) for i in range(-1, COLS + 1) for j in range(-1, ROWS + 1)} - street - town
    # Enclosed holes of the county become town (or street, when only the street surrounds them).
    for hole in _components(outside)[1:]:
        touches_town = any(n in town for c in hole for n in _neighbours(c))
        (town if touches_town else street).update(hole)
    return street, town


def _union(geoms: list[BaseGeometry], what: str) -> Polygon:
    merged = shapely.union_all(geoms)
    if not isinstance(merged, Polygon) or merged.interiors:
        raise RuntimeError(f"demo geometry of {what} is not one polygon without holes")
    return merged


def _geojson(geom: BaseGeometry) -> dict[str, Any]:
    oriented = shapely.orient_polygons(geom)  # RFC 7946: exterior rings counter-clockwise
    raw = mapping(oriented)
    rings = [[[x, y] for x, y in ring] for ring in raw["coordinates"]]
    return convert_geometry({"type": "Polygon", "coordinates": rings}, "wgs84", "wgs84")


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to weights that add up to total (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda n: (counts[n] - raw[n], n))
    for n in by_remainder[: total - sum(counts)]:
        counts[n] += 1
    return counts


def _numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")


@dataclass
class _Unit:
    code: str
    name: str
    depth: int
    parent: str | None
    geom: BaseGeometry
    households: int
    population: int


def _build_units() -> list[_Unit]:
    rnd = random.Random("firegrid-demo-geometry")  # noqa: S311 - deterministic demo data
    lattice = _Lattice("firegrid-demo-lattice")
    street_cells, town_cells = _county_cells(rnd)
    units: list[_Unit] = []

    def leaf(code: str, name: str, cells: list[Cell], households: int, population: int) -> _Unit:
        geom = _union([lattice.cell(c) for c in cells], name)
        units.append(_Unit(code, name, 3, code[:-3], geom, households, population))
        return units[-1]

    def parent(code: str, name: str, depth: int, kids: list[_Unit]) -> _Unit:
        geom = _union([k.geom for k in kids], name)
        households = sum(k.households for k in kids)
        population = sum(k.population for k in kids)
        up = code[:-3] if depth else None
        units.append(_Unit(code, name, depth, up, geom, households, population))
        return units[-1]

    # (b) 嵩阳街道: 8 communities, each 3–6 grids of 300–500 households (≈ 2.8 people each).
    communities = []
    community_cells = _partition(street_cells, [n for _, n in STREET_COMMUNITIES], rnd)
    for c_index, ((c_name, n_grids), c_cells) in enumerate(
        zip(STREET_COMMUNITIES, community_cells, strict=True), start=1
    ):
        c_code = f"{STREET_CODE}{c_index:03d}"
        grids = []
        for g_index, g_cells in enumerate(_partition(c_cells, [1.0] * n_grids, rnd), start=1):
            households = rnd.randint(320, 490)
            population = round(households * rnd.uniform(2.6, 3.0))
            name = f"{c_name}第{_numeral(g_index)}网格"
            grids.append(leaf(f"{c_code}{g_index:03d}", name, g_cells, households, population))
        communities.append(parent(c_code, c_name, 2, grids))
    street = parent(STREET_CODE, "嵩阳街道", 1, communities)

    # (a) 告成镇: 24 administrative villages (中网格) of 200 village groups (小网格) in all,
    # at least 4 groups each; 55,000 people at ≈ 3.3 per rural household.
    village_cells = _partition(town_cells, [rnd.uniform(0.75, 1.25) for _ in TOWN_VILLAGES], rnd)
    extra_groups = _apportion(TOWN_GROUPS - 4 * len(TOWN_VILLAGES), [len(c) for c in village_cells])
    group_cells = [
        _partition(cells, [rnd.uniform(0.6, 1.4) for _ in range(4 + extra)], rnd)
        for cells, extra in zip(village_cells, extra_groups, strict=True)
    ]
    densities = [rnd.uniform(0.7, 1.3) for _ in TOWN_VILLAGES]
    weights = [
        densities[v] * rnd.uniform(0.8, 1.2) * math.sqrt(len(cells))
        for v, groups in enumerate(group_cells)
        for cells in groups
    ]
    populations = iter(_apportion(TOWN_POPULATION, weights))
    villages = []
    for v_index, (v_name, groups) in enumerate(zip(TOWN_VILLAGES, group_cells, strict=True)):
        v_code = f"{TOWN_CODE}{201 + v_index}"
        kids = []
        for g_index, g_cells in enumerate(groups, start=1):
            population = next(populations)
            households = round(population / rnd.uniform(3.1, 3.6))
            name = f"{v_name}{_numeral(g_index)}组"
            kids.append(leaf(f"{v_code}{g_index:03d}", name, g_cells, households, population))
        villages.append(parent(v_code, v_name, 2, kids))
    town = parent(TOWN_CODE, "告成镇", 1, villages)
    parent(COUNTY_CODE, "登封市", 0, [street, town])
    return sorted(units, key=lambda u: (u.depth, u.code))


def demo_collection() -> dict[str, Any]:
    """The demo county as one FeatureCollection with the `firegrid` header (WGS-84).

    A fresh copy each call (callers may change it); built once per process.
    """
    result: dict[str, Any] = json.loads(_collection_json())
    return result


@functools.cache
def _collection_json() -> str:
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": unit.code,
                "name": unit.name,
                "level": unit.depth,
                "parent_code": unit.parent,
                "households": unit.households,
                "population": unit.population,
            },
            "geometry": _geojson(unit.geom),
        }
        for unit in _build_units()
    ]
    collection = {"type": "FeatureCollection", "firegrid": HEADER, "features": features}
    return json.dumps(collection, ensure_ascii=False)


# --------------------------------------------------------------------------- people

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
    "叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹易常武乔贺"
)
GIVEN_NAMES = (
    "建国 秀英 桂兰 志强 丽娟 海燕 国庆 红梅 玉兰 建军 晓东 春生 秋菊 文博 子涵 浩然 雨桐 俊杰 "
    "淑珍 振华 卫东 丽华 永强 金凤 向阳 德明 素芳 新民 保国 爱莲 宏伟 晓燕 立新 慧敏 国强 凤英 "
    "明亮 家豪 欣怡 思远 军 静 磊 伟 敏 勇 艳 涛 娜 杰 鑫 超 鹏 霞 华 斌 琳 婷 峰 刚 亮 萍 欢"
).split()
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
    rnd = random.Random("firegrid-demo-people")  # noqa: S311 - deterministic demo data
    plan = DemoPeople()
    props = [f["properties"] for f in collection["features"]]
    children: dict[str, list[str]] = {}
    for p in props:
        children.setdefault(p["parent_code"] or "", []).append(p["code"])

    def person(home: str) -> str:
        phone = f"{PHONE_PREFIX}{len(plan.persons) + 1:04d}"
        plan.persons.append(DemoPerson(phone, rnd.choice(SURNAMES) + rnd.choice(GIVEN_NAMES), home))
        return phone

    def assign(phone: str, grid: str, role: str, backup: str = "") -> str:
        plan.assignments.append(DemoAssignment(phone, grid, role, backup))
        return phone

    def login(username: str, role: str, grid: str, phone: str, **flags: bool) -> None:
        plan.logins.append(DemoLogin(username, role, grid, phone, **flags))

    plan.logins.append(DemoLogin("admin", "superuser", COUNTY_CODE, "", True, True))
    login(
        "county",
        "county_office",
        COUNTY_CODE,
        assign(person(COUNTY_CODE), COUNTY_CODE, "county_office"),
        is_staff=True,
    )
    for unit in (STREET_CODE, TOWN_CODE):
        urban = unit == STREET_CODE
        parts = children[unit]
        assign(person(unit), unit, "chief_grid_head")
        office = assign(person(unit), unit, "street_office")
        login("street" if urban else "town", "street_office", unit, office)
        fire = assign(person(unit), unit, "fire_officer")
        evaluator = assign(person(unit), unit, "evaluator")
        # 包片领导: each contracts four communities/villages; 社区民警: each covers up to three.
        for n in range(0, len(parts), 4):
            leader = person(unit)
            for part in parts[n : n + 4]:
                assign(leader, part, "contracting_leader")
            if n == 0 and not urban:
                login("leader", "contracting_leader", parts[0], leader)
        for n in range(0, len(parts), 3):
            police = person(unit)
            for part in parts[n : n + 3]:
                assign(police, part, "community_police")
            if n == 0 and urban:
                login("police", "community_police", parts[0], police)
        if urban:
            login("fireofficer", "fire_officer", unit, fire)
            login("evaluator", "evaluator", unit, evaluator)
        for p_index, part in enumerate(parts):
            staff = assign(person(part), part, "community_office")
            if urban:
                volunteer = assign(person(part), part, "volunteer")
            if p_index == 0 and urban:
                login("community", "community_office", part, staff)
                login("volunteer", "volunteer", part, volunteer)
            for g_index, grid in enumerate(children[part]):
                # AB-post pair: a 专职网格员 (urban) or 网格长 (村民组长, rural) and a 兼职网格员.
                main_role = "fulltime_worker" if urban else "grid_head"
                main, partner = person(grid), person(grid)
                assign(main, grid, main_role, partner)
                assign(partner, grid, "parttime_worker", main)
                building = assign(person(grid), grid, "building_head") if urban else ""
                if p_index == 0 and g_index == 0:
                    login("worker" if urban else "gridhead", main_role, grid, main)
                    if urban:
                        login("parttime", "parttime_worker", grid, partner)
                        login("building", "building_head", grid, building)
    plan.logins.sort(key=lambda spec: LOGIN_ORDER.index(spec.username))
    return plan


@dataclass
class LevelCount:
    depth: int
    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class DemoLoadResult:
    levels: list[LevelCount]
    imported: bool
    warnings: list[Problem]
    people_created: int
    people_total: int
    assignments_created: int
    assignments_total: int
    users_created: int
    passwords_reset: int
    logins: list[DemoLogin]

    @property
    def changed(self) -> bool:
        return bool(
            self.imported
            or self.people_created
            or self.assignments_created
            or self.users_created
            or self.passwords_reset
        )


def _grid_changes(collection: dict[str, Any]) -> tuple[list[LevelCount], bool]:
    """Compare the collection with the database: per level created/updated/unchanged."""
    levels = {spec["depth"]: LevelCount(spec["depth"], spec["name"]) for spec in LEVELS}
    codes = [f["properties"]["code"] for f in collection["features"]]
    stored = {
        row["code"]: row
        for row in Grid.objects.filter(code__in=codes).values(
            "code", "name", "depth", "parent__code", "households", "population", "boundary"
        )
    }
    for feature in collection["features"]:
        p = feature["properties"]
        row = stored.get(p["code"])
        count = levels[p["level"]]
        if row is None:
            count.created += 1
        elif (
            row["name"],
            row["depth"],
            row["parent__code"],
            row["households"],
            row["population"],
            row["boundary"],
        ) == (
            p["name"],
            p["level"],
            p["parent_code"],
            p["households"],
            p["population"],
            feature["geometry"],
        ):
            count.unchanged += 1
        else:
            count.updated += 1
    level_rows = set(
        GridLevel.objects.filter(jurisdiction__code=COUNTY_CODE).values_list(
            "depth", "name", "name_en"
        )
    )
    levels_current = level_rows == {(s["depth"], s["name"], s["name_en"]) for s in LEVELS}
    return sorted(levels.values(), key=lambda c: c.depth), levels_current


def _demo_users(logins: list[DemoLogin], password: str) -> tuple[dict[str, Any], int, int]:
    """Create the demo logins or put back their flags and password; admin comes first."""
    user_model = get_user_model()
    users: dict[str, Any] = {}
    created_count = reset_count = 0
    # One password for all: hash it once and check each distinct stored hash once (argon2 is slow
    # on purpose, ~0.2 s per call).
    encoded = ""
    verdicts: dict[str, bool] = {}
    for spec in logins:
        user, created = user_model.objects.get_or_create(username=spec.username)
        wanted = {"is_staff": spec.is_staff, "is_superuser": spec.is_superuser, "is_active": True}
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if not created and user.password not in verdicts:
            verdicts[user.password] = check_password(password, user.password)
        if created or not verdicts[user.password]:
            encoded = encoded or make_password(password)
            user.password = encoded
            changed.append("password")
            reset_count += int(not created)
        if changed:
            user.save(update_fields=changed)
            audit_record(
                actor=users.get("admin"),
                action="demo.user_create" if created else "demo.user_reset",
                target=user,
                data={"username": user.username, "fields": changed},
            )
        created_count += int(created)
        users[spec.username] = user
    county = users["county"]
    permissions = set(Permission.objects.filter(content_type__app_label__in=["grids", "people"]))
    if set(county.user_permissions.all()) != permissions:
        # is_staff alone shows an empty admin; the county office may edit grids and people there.
        county.user_permissions.set(permissions)
        audit_record(
            actor=users["admin"],
            action="demo.user_permissions",
            target=county,
            data={"permissions": len(permissions)},
        )
    return users, created_count, reset_count


@transaction.atomic
def demo_load(*, password: str = DEFAULT_PASSWORD) -> DemoLoadResult:
    """Load (or bring back) the demo jurisdiction, its people and the documented demo logins.

    Grids are imported through `grids_import` only when something differs, so a second load
    writes nothing; people, assignments and logins are found again by their stable keys (phone,
    person × grid × role, username). Demo passwords are reset to `password`.
    """
    collection = demo_collection()
    plan = demo_people(collection)
    users, users_created, passwords_reset = _demo_users(plan.logins, password)
    actor = users["admin"]
    levels, levels_current = _grid_changes(collection)
    needs_import = not levels_current or any(c.created or c.updated for c in levels)
    warnings: list[Problem] = []
    if needs_import:
        warnings = grids_import(collection=collection, actor=actor, crs="wgs84").warnings

    grids = {g.code: g for g in Grid.objects.filter(jurisdiction__code=COUNTY_CODE)}
    roles = {r.code: r for r in Role.objects.all()}
    persons = {
        p.phone: p
        for p in Person.objects.filter(
            phone__in=[s.phone for s in plan.persons], home_grid__jurisdiction__code=COUNTY_CODE
        )
    }
    # Hundreds of generated rows: created in bulk inside this transaction and audited once per
    # batch (through the per-row services the load took ~4× longer, mostly in the audit chain).
    new_people = Person.objects.bulk_create(
        Person(name=s.name, phone=s.phone, home_grid=grids[s.home_code])
        for s in plan.persons
        if s.phone not in persons
    )
    persons.update({p.phone: p for p in new_people})
    if new_people:
        audit_record(
            actor=actor,
            action="demo.people_create",
            target=grids[COUNTY_CODE],
            data={"count": len(new_people), "ids": [p.pk for p in new_people]},
        )
    for spec in plan.logins:
        if spec.phone and persons[spec.phone].user_id != users[spec.username].pk:
            Person.objects.filter(user=users[spec.username]).update(user=None)
            target = persons[spec.phone]
            target.user = users[spec.username]
            target.save(update_fields=["user", "updated_at"])
            audit_record(
                actor=actor,
                action="person.link_user",
                target=target,
                data={"username": spec.username},
            )

    # Any term of the same person × grid × role counts: adding another would overlap it.
    existing = set(
        Assignment.objects.filter(person__in=persons.values()).values_list(
            "person__phone", "grid__code", "role__code"
        )
    )
    new_assignments = Assignment.objects.bulk_create(
        Assignment(
            person=persons[a.phone],
            grid=grids[a.grid_code],
            role=roles[a.role],
            start_on=DEMO_START,
            letter_signed_on=DEMO_LETTER_SIGNED,
            backup=persons[a.backup_phone] if a.backup_phone else None,
        )
        for a in plan.assignments
        if (a.phone, a.grid_code, a.role) not in existing
    )
    if new_assignments:
        audit_record(
            actor=actor,
            action="demo.assignments_create",
            target=grids[COUNTY_CODE],
            data={"count": len(new_assignments), "ids": [a.pk for a in new_assignments]},
        )
    return DemoLoadResult(
        levels=levels,
        imported=needs_import,
        warnings=warnings,
        people_created=len(new_people),
        people_total=len(plan.persons),
        assignments_created=len(new_assignments),
        assignments_total=len(plan.assignments),
        users_created=users_created,
        passwords_reset=passwords_reset,
        logins=plan.logins,
    )
