"""Benchmark point -> leaf grid routing (GridLocator) on a synthetic 郑州 hierarchy.

Usage::

    .venv/bin/python benchmarks/bench_locate.py [--grids 10000] [--points 200000] [--seed 1]

Builds ``--grids`` irregular leaf polygons tiling an area of Zhengzhou
(streets -> communities -> grids), then measures in one run:

(a) ``GridLocator.locate_many`` throughput on all points (goal: >= 200,000/s);
(b) ``GridLocator.locate`` called once per point;
(c) brute force without an index: one vectorised shapely ``covers`` call per
    leaf polygon over a subsample of the points;

and checks that the three agree on the subsample (and (a) with (b) on all
points). Exits with status 1 if any answer differs.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
if importlib.util.find_spec("firegrid") is None:
    sys.path.insert(0, str(HERE.parent / "src"))

from firegrid.core.geoindex import GridLocator, GridRow  # noqa: E402
from synthetic_grids import BBox, tiled_polygons  # noqa: E402

ZHENGZHOU_BBOX: BBox = (113.50, 34.65, 113.80, 34.85)  # ~27 x 22 km around 二七广场
GOAL_POINTS_PER_SECOND = 200_000
IntArray = npt.NDArray[np.int64]
T = TypeVar("T")


@dataclass(frozen=True)
class Hierarchy:
    rows: list[GridRow]
    leaves: list[shapely.Polygon]  # leaf i has id leaf_ids[i]
    leaf_ids: IntArray
    counts: tuple[int, int, int]  # streets, communities, grids


def main() -> int:
    args = parse_args()
    print_machine()
    hierarchy = timed("generate hierarchy", lambda: build_hierarchy(args))
    check_tiling(hierarchy.leaves)
    streets, communities, grids = hierarchy.counts
    vertices = len(hierarchy.leaves[0].exterior.coords) - 1
    print(f"hierarchy: {streets} streets -> {communities} communities -> {grids} grids")
    print(f"leaf polygons: {vertices} vertices each, tiling {ZHENGZHOU_BBOX} without gaps")

    # GEOS finishes the STRtree and each prepared polygon's point index lazily,
    # on first use: that cost shows up in the "first call" line below.
    locator = timed("build GridLocator (prepare + STRtree)", lambda: GridLocator(hierarchy.rows))
    lons, lats = random_points(args.points, args.seed + 1)
    return run_measurements(args, hierarchy, locator, lons, lats)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grids", type=int, default=10_000, help="leaf grids (a square number)")
    parser.add_argument("--points", type=int, default=200_000, help="random points to route")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vertices-per-edge", type=int, default=8, help="4x this per polygon")
    parser.add_argument("--brute-points", type=int, default=2_000, help="subsample for (c)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of locate_many")
    args = parser.parse_args()
    if math.isqrt(args.grids) ** 2 != args.grids:
        parser.error("--grids must be a square number (n x n lattice)")
    return args


# ------------------------------------------------------------------------ data


def build_hierarchy(args: argparse.Namespace) -> Hierarchy:
    """Leaves in an n x n lattice; communities are (n/10)^2 blocks; streets are rows of blocks."""
    n = math.isqrt(args.grids)
    leaves = tiled_polygons(n, n, ZHENGZHOU_BBOX, args.vertices_per_edge, args.seed)
    block = max(1, n // 10)
    per_side = math.ceil(n / block)
    col, row = np.arange(n * n) % n, np.arange(n * n) // n
    community_of = (row // block) * per_side + col // block  # leaf index -> community index
    n_communities = per_side * per_side
    street_of = np.arange(n_communities) // per_side  # community index -> street (its row)

    street_ids = 1 + np.arange(per_side)
    community_ids = 1 + per_side + np.arange(n_communities)
    leaf_ids = 1 + per_side + n_communities + np.arange(n * n)
    community_geoms = unions(np.array(leaves, dtype=object), community_of, n_communities)
    street_geoms = unions(community_geoms, street_of, per_side)

    rows: list[GridRow] = [(int(i), None, g) for i, g in zip(street_ids, street_geoms, strict=True)]
    rows += [
        (int(community_ids[c]), int(street_ids[street_of[c]]), community_geoms[c])
        for c in range(n_communities)
    ]
    rows += [
        (int(leaf_ids[i]), int(community_ids[community_of[i]]), leaves[i]) for i in range(n * n)
    ]
    return Hierarchy(rows, leaves, leaf_ids.astype(np.int64), (per_side, n_communities, n * n))


def unions(
    geoms: npt.NDArray[np.object_], group_of: npt.NDArray[np.int64], n_groups: int
) -> npt.NDArray[np.object_]:
    """Union of each group; the parts share edges exactly, so coverage union is valid."""
    groups = [shapely.coverage_union_all(geoms[group_of == g]) for g in range(n_groups)]
    return np.array(groups, dtype=object)


def check_tiling(leaves: list[shapely.Polygon]) -> None:
    """Fail fast if the generator ever produced invalid or overlapping polygons."""
    geoms = np.array(leaves, dtype=object)
    min_x, min_y, max_x, max_y = ZHENGZHOU_BBOX
    bbox_area = (max_x - min_x) * (max_y - min_y)
    if not shapely.is_valid(geoms).all():
        sys.exit("synthetic grids: invalid polygon generated")
    if not math.isclose(shapely.area(geoms).sum(), bbox_area, rel_tol=1e-9):
        sys.exit("synthetic grids: areas do not add up to the bbox (gap or overlap)")


def random_points(count: int, seed: int) -> tuple[npt.NDArray[np.float64], ...]:
    rng = np.random.default_rng(seed)
    min_x, min_y, max_x, max_y = ZHENGZHOU_BBOX
    return rng.uniform(min_x, max_x, count), rng.uniform(min_y, max_y, count)


# ------------------------------------------------------------------ measurement


def run_measurements(
    args: argparse.Namespace,
    hierarchy: Hierarchy,
    locator: GridLocator,
    lons: npt.NDArray[np.float64],
    lats: npt.NDArray[np.float64],
) -> int:
    n = len(lons)
    print(f"\npoints: {n:,} uniform in the area (seed {args.seed + 1})")
    many, t_cold = timed_quiet(lambda: locator.locate_many(lons, lats))
    warm = [timed_quiet(lambda: locator.locate_many(lons, lats))[1] for _ in range(args.repeat)]
    t_many = min(warm)
    report("(a) locate_many, first call", n, t_cold)
    report(f"(a) locate_many, best of {args.repeat}", n, t_many)

    single, t_single = timed_quiet(lambda: locate_each(locator, lons, lats))
    report("(b) locate, one by one", n, t_single)

    sub = np.random.default_rng(args.seed + 2).choice(n, min(args.brute_points, n), replace=False)
    brute, t_brute = timed_quiet(
        lambda: brute_force(hierarchy.leaves, hierarchy.leaf_ids, lons[sub], lats[sub])
    )
    report(f"(c) brute force covers, {len(sub):,} points", len(sub), t_brute)

    rates = {"a": n / t_many, "b": n / t_single, "c": len(sub) / t_brute}
    print_ratios(rates)
    return verify(many, single, brute, sub)


def locate_each(
    locator: GridLocator, lons: npt.NDArray[np.float64], lats: npt.NDArray[np.float64]
) -> IntArray:
    found = [
        locator.locate(lon, lat) for lon, lat in zip(lons.tolist(), lats.tolist(), strict=True)
    ]
    return np.array([-1 if f is None else f for f in found], dtype=np.int64)


def brute_force(
    leaves: list[shapely.Polygon],
    leaf_ids: IntArray,
    lons: npt.NDArray[np.float64],
    lats: npt.NDArray[np.float64],
) -> IntArray:
    """No index: test every leaf against all points, keep the lowest covering id.

    ``covers`` is ``contains`` that also accepts the border, matching the
    locator's rule. Leaves are prepared (GridLocator prepared them already),
    which is the fastest brute force shapely offers.
    """
    points = shapely.points(lons, lats)
    result = np.full(len(points), -1, dtype=np.int64)
    for order in np.argsort(leaf_ids)[::-1]:  # highest id first; lower ids overwrite
        result[shapely.covers(leaves[order], points)] = leaf_ids[order]
    return result


def verify(many: IntArray, single: IntArray, brute: IntArray, sub: IntArray) -> int:
    problems = {
        "mismatches locate_many vs locate (all points)": int((many != single).sum()),
        "mismatches locate_many vs brute force (subsample)": int((many[sub] != brute).sum()),
        "mismatches locate vs brute force (subsample)": int((single[sub] != brute).sum()),
        "points without a grid (the area is fully tiled)": int((many == -1).sum()),
    }
    print()
    for label, count in problems.items():
        print(f"{'OK  ' if count == 0 else 'FAIL'} {label}: {count}")
    return 0 if not any(problems.values()) else 1


# ----------------------------------------------------------------------- output


def timed(label: str, func: Callable[[], T]) -> T:
    value, seconds = timed_quiet(func)
    print(f"{label}: {seconds:.3f} s")
    return value


def timed_quiet(func: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def report(label: str, count: int, seconds: float) -> None:
    print(f"{label:<40} {count / seconds:>12,.0f} points/s  ({seconds:.3f} s)")


def print_ratios(rates: dict[str, float]) -> None:
    print()
    print(f"locate_many / locate       = {rates['a'] / rates['b']:8.1f}x")
    print(f"locate_many / brute force  = {rates['a'] / rates['c']:8.1f}x")
    print(f"locate      / brute force  = {rates['b'] / rates['c']:8.1f}x")
    verdict = "MET" if rates["a"] >= GOAL_POINTS_PER_SECOND else "MISSED"
    print(f"goal {GOAL_POINTS_PER_SECOND:,} points/s for locate_many: {verdict}")


def print_machine() -> None:
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical cores, {platform.system()}")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string})\n"
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
