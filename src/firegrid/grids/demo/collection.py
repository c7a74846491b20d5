"""The demo county as a FeatureCollection: 登封市 with 嵩阳街道 (urban) and 告成镇 (rural).

Everything derives from fixed seeds, so every run builds the same collection.
"""

from __future__ import annotations

import functools
import json
import math
import random
from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry

from .geometry import Cell, Lattice, county_cells, geojson, partition, union
from .names import STREET_COMMUNITIES, TOWN_VILLAGES, numeral

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
TOWN_GROUPS, TOWN_POPULATION = 200, 55_000


def demo_collection() -> dict[str, Any]:
    """The demo county as one FeatureCollection with the `firegrid` header (WGS-84).

    A fresh copy each call (callers may change it); built once per process.
    """
    result: dict[str, Any] = json.loads(_collection_json())
    return result


@functools.cache
def _collection_json() -> str:
    features = [_feature(unit) for unit in _build_units()]
    collection = {"type": "FeatureCollection", "firegrid": HEADER, "features": features}
    return json.dumps(collection, ensure_ascii=False)


@dataclass
class _Unit:
    code: str
    name: str
    depth: int
    parent: str | None
    geom: BaseGeometry
    households: int
    population: int


def _feature(unit: _Unit) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "code": unit.code,
            "name": unit.name,
            "level": unit.depth,
            "parent_code": unit.parent,
            "households": unit.households,
            "population": unit.population,
        },
        "geometry": geojson(unit.geom),
    }


class _Tree:
    """Units built bottom-up: a leaf from lattice cells, a parent as the union of its children."""

    def __init__(self, lattice: Lattice) -> None:
        self.lattice = lattice
        self.units: list[_Unit] = []

    def leaf(
        self, code: str, name: str, cells: list[Cell], households: int, population: int
    ) -> _Unit:
        geom = union([self.lattice.cell(c) for c in cells], name)
        return self._add(_Unit(code, name, 3, code[:-3], geom, households, population))

    def parent(self, code: str, name: str, depth: int, kids: list[_Unit]) -> _Unit:
        geom = union([k.geom for k in kids], name)
        households = sum(k.households for k in kids)
        population = sum(k.population for k in kids)
        up = code[:-3] if depth else None
        return self._add(_Unit(code, name, depth, up, geom, households, population))

    def _add(self, unit: _Unit) -> _Unit:
        self.units.append(unit)
        return unit


def _build_units() -> list[_Unit]:
    rnd = random.Random("firegrid-demo-geometry")  # noqa: S311 - deterministic demo data
    tree = _Tree(Lattice("firegrid-demo-lattice"))
    street_cells, town_cells = county_cells(rnd)
    # The street draws from `rnd` before the town: the order keeps the demo as it has been.
    street = _street(tree, street_cells, rnd)
    town = _town(tree, town_cells, rnd)
    tree.parent(COUNTY_CODE, "登封市", 0, [street, town])
    return sorted(tree.units, key=lambda u: (u.depth, u.code))


def _street(tree: _Tree, street_cells: set[Cell], rnd: random.Random) -> _Unit:
    """嵩阳街道: 8 communities, each 3–6 grids of 300–500 households (≈ 2.8 people each)."""
    communities = []
    community_cells = partition(street_cells, [n for _, n in STREET_COMMUNITIES], rnd)
    for c_index, ((c_name, n_grids), c_cells) in enumerate(
        zip(STREET_COMMUNITIES, community_cells, strict=True), start=1
    ):
        c_code = f"{STREET_CODE}{c_index:03d}"
        grids = []
        for g_index, g_cells in enumerate(partition(c_cells, [1.0] * n_grids, rnd), start=1):
            households = rnd.randint(320, 490)
            population = round(households * rnd.uniform(2.6, 3.0))
            name = f"{c_name}第{numeral(g_index)}网格"
            grids.append(tree.leaf(f"{c_code}{g_index:03d}", name, g_cells, households, population))
        communities.append(tree.parent(c_code, c_name, 2, grids))
    return tree.parent(STREET_CODE, "嵩阳街道", 1, communities)


def _town(tree: _Tree, town_cells: set[Cell], rnd: random.Random) -> _Unit:
    """告成镇: 24 administrative villages (中网格) of 200 village groups (小网格) in all,
    at least 4 groups each; 55,000 people at ≈ 3.3 per rural household."""
    village_cells = partition(town_cells, [rnd.uniform(0.75, 1.25) for _ in TOWN_VILLAGES], rnd)
    extra_groups = _apportion(TOWN_GROUPS - 4 * len(TOWN_VILLAGES), [len(c) for c in village_cells])
    group_cells = [
        partition(cells, [rnd.uniform(0.6, 1.4) for _ in range(4 + extra)], rnd)
        for cells, extra in zip(village_cells, extra_groups, strict=True)
    ]
    populations = iter(_group_populations(group_cells, rnd))
    villages = []
    for v_index, (v_name, groups) in enumerate(zip(TOWN_VILLAGES, group_cells, strict=True)):
        v_code = f"{TOWN_CODE}{201 + v_index}"
        kids = []
        for g_index, g_cells in enumerate(groups, start=1):
            population = next(populations)
            households = round(population / rnd.uniform(3.1, 3.6))
            name = f"{v_name}{numeral(g_index)}组"
            kids.append(tree.leaf(f"{v_code}{g_index:03d}", name, g_cells, households, population))
        villages.append(tree.parent(v_code, v_name, 2, kids))
    return tree.parent(TOWN_CODE, "告成镇", 1, villages)


def _group_populations(group_cells: list[list[list[Cell]]], rnd: random.Random) -> list[int]:
    """The town's people over its village groups: by area, village density and some noise."""
    densities = [rnd.uniform(0.7, 1.3) for _ in TOWN_VILLAGES]
    weights = [
        densities[v] * rnd.uniform(0.8, 1.2) * math.sqrt(len(cells))
        for v, groups in enumerate(group_cells)
        for cells in groups
    ]
    return _apportion(TOWN_POPULATION, weights)


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to weights that add up to total (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda n: (counts[n] - raw[n], n))
    for n in by_remainder[: total - sum(counts)]:
        counts[n] += 1
    return counts
