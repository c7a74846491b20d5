"""In-process routing of points (incidents, hazards, inspections) to leaf grids.

Every report carries a location; the platform must know which leaf grid
(and hence which grid worker, community and street) owns it. Asking the
database per point is too slow for bulk imports and live maps, so a
:class:`GridLocator` holds the whole hierarchy in memory: leaf polygons in a
shapely STRtree for lookup, and the parent links for the ancestor chain.

Leaf grids tile their parents without gaps or overlaps, but a point can
still sit exactly on a shared border. Membership is tested with
``intersects`` (for a point: inside or on the border, i.e. ``covers``), so
such a point matches every leaf it touches and is given to the one with the
lowest id; the answer never depends on tree or input order.

Lookups take STRtree bounding-box candidates and test them with
``shapely.intersects_xy`` against prepared polygons, which needs no point
objects for the exact test and is faster than ``query(predicate=...)``
(which, in shapely's C implementation, prepares each query point instead).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import shapely

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]
GridRow: TypeAlias = tuple[int, int | None, Any]  # (grid_id, parent_id, shapely geometry)

_NO_GRID = -1


class GridLocator:
    """Point -> leaf grid lookup over one grid hierarchy (all levels)."""

    def __init__(self, grids: Iterable[GridRow]) -> None:
        """Index ``(grid_id, parent_id, geometry)`` rows for every level.

        Only leaves (grids that are nobody's parent) go into the spatial
        index; parent geometries are not needed because a parent is found
        through its leaf. Leaf geometries are prepared in place
        (``shapely.prepare``), which is harmless for the caller.
        """
        parents, geometries = _collect(grids)
        self._chains = _ancestor_chains(parents)
        leaf_ids = sorted(set(parents) - {p for p in parents.values() if p is not None})
        # Tree position i holds the i-th smallest leaf id, so "lowest tree
        # index" and "lowest grid id" are the same thing when resolving ties.
        self._leaf_ids: IntArray = np.array(leaf_ids, dtype=np.int64)
        self._leaf_geoms = np.array([geometries[i] for i in leaf_ids], dtype=object)
        shapely.prepare(self._leaf_geoms)
        self._tree = shapely.STRtree(self._leaf_geoms)
        self._sort_buckets = int(np.clip(np.sqrt(len(leaf_ids)), 1, 1024))

    @property
    def leaf_count(self) -> int:
        """Number of leaf grids in the spatial index."""
        return len(self._leaf_ids)

    def locate(self, lon: float, lat: float) -> int | None:
        """Leaf grid id covering the point (lowest id on shared borders), else None."""
        candidates = self._tree.query(shapely.Point(lon, lat))
        hits = candidates[shapely.intersects_xy(self._leaf_geoms[candidates], lon, lat)]
        return int(self._leaf_ids[hits.min()]) if hits.size else None

    def locate_many(self, lons: npt.ArrayLike, lats: npt.ArrayLike) -> IntArray:
        """Vectorised :meth:`locate`: int64 leaf ids, ``-1`` where no leaf covers the point.

        No Python loop per point: one bulk bounding-box query on the STRtree,
        one vectorised exact test of the candidate pairs against the prepared
        leaf polygons, then the lowest tree index per point with
        ``np.minimum.at``.
        """
        x, y = _as_coordinate_arrays(lons, lats)
        order = _spatial_order(x, y, self._sort_buckets)
        x, y = x[order], y[order]
        point_idx, tree_idx = self._tree.query(shapely.points(x, y))
        covered = shapely.intersects_xy(self._leaf_geoms[tree_idx], x[point_idx], y[point_idx])
        best = np.full(x.shape[0], self.leaf_count, dtype=np.int64)
        np.minimum.at(best, point_idx[covered], tree_idx[covered])
        result: IntArray = np.full(x.shape[0], _NO_GRID, dtype=np.int64)
        found = best < self.leaf_count
        result[order[found]] = self._leaf_ids[best[found]]
        return result

    def ancestors(self, grid_id: int) -> list[int]:
        """Chain from the root down to ``grid_id`` itself; KeyError if unknown."""
        return list(self._chains[grid_id])

    def chain(self, lon: float, lat: float) -> list[int]:
        """Root ... leaf chain for the point, or ``[]`` if no leaf covers it."""
        leaf = self.locate(lon, lat)
        return [] if leaf is None else self.ancestors(leaf)


def _as_coordinate_arrays(
    lons: npt.ArrayLike, lats: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    x = np.atleast_1d(np.asarray(lons, dtype=np.float64))
    y = np.atleast_1d(np.asarray(lats, dtype=np.float64))
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"lons and lats must be 1-d arrays of equal length: {x.shape}, {y.shape}")
    return x, y


def _spatial_order(x: FloatArray, y: FloatArray, buckets: int) -> IntArray:
    """Permutation grouping nearby points together.

    Consecutive lookups then touch the same few tree nodes and polygons,
    which stay in CPU cache; on 10,000 leaves this roughly doubles
    throughput compared with querying points in arrival order.
    """
    finite = np.isfinite(x) & np.isfinite(y)
    key = _bucket(x, finite, buckets) * buckets + _bucket(y, finite, buckets)
    order: IntArray = np.argsort(key, kind="stable").astype(np.int64, copy=False)
    return order


def _bucket(values: FloatArray, finite: npt.NDArray[np.bool_], buckets: int) -> IntArray:
    """Bucket number in ``[0, buckets)`` over the finite values' range; 0 for NaN/inf."""
    keys: IntArray = np.zeros(values.shape[0], dtype=np.int64)
    if not finite.any():
        return keys
    lo, hi = float(values[finite].min()), float(values[finite].max())
    if hi <= lo:
        return keys
    # Halved so that even a range of ±1e308 (hypothesis finds those) cannot overflow to inf.
    fraction = (values[finite] * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5)
    scaled = (fraction * buckets).astype(np.int64)
    keys[finite] = np.minimum(scaled, buckets - 1)
    return keys


def _collect(grids: Iterable[GridRow]) -> tuple[dict[int, int | None], dict[int, Any]]:
    """Split rows into parent links and geometries, rejecting duplicate ids."""
    parents: dict[int, int | None] = {}
    geometries: dict[int, Any] = {}
    for grid_id, parent_id, geometry in grids:
        if grid_id in parents:
            raise ValueError(f"Duplicate grid id {grid_id}")
        parents[grid_id] = parent_id
        geometries[grid_id] = geometry
    return parents, geometries


def _ancestor_chains(parents: dict[int, int | None]) -> dict[int, tuple[int, ...]]:
    """Root-first ancestor chain of every grid, memoised so the build is linear."""
    chains: dict[int, tuple[int, ...]] = {}
    for grid_id in parents:
        _chain_of(grid_id, parents, chains)
    return chains


def _chain_of(
    grid_id: int, parents: dict[int, int | None], chains: dict[int, tuple[int, ...]]
) -> tuple[int, ...]:
    # Walk up iteratively (no recursion limit) until a known chain or a root.
    path: list[int] = []
    seen: set[int] = set()
    node: int | None = grid_id
    while node is not None and node not in chains:
        if node in seen:
            raise ValueError(f"Cycle in grid hierarchy through grid {node}")
        if node not in parents:
            raise ValueError(f"Grid {path[-1]} has unknown parent {node}")
        seen.add(node)
        path.append(node)
        node = parents[node]
    prefix = chains[node] if node is not None else ()
    for member in reversed(path):
        prefix = (*prefix, member)
        chains[member] = prefix
    return chains[grid_id]
