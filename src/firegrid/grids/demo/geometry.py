"""The demo's shapes: one jittered lattice of ~220 m cells shared by the whole county.

A grid is a contiguous block of cells and a parent is the union of its children, so neighbours
share exactly the same vertices and every level tiles its parent with no gap or overlap.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

import shapely
from shapely.geometry import Polygon, mapping
from shapely.geometry.base import BaseGeometry

from firegrid.core.coords import convert_geometry

# The lattice: origin (south-west corner), cell size in degrees (≈ 220 m × 222 m) and extent.
LON0, LAT0, CELL_LON, CELL_LAT, COLS, ROWS = 113.03, 34.33, 0.0024, 0.002, 80, 70
EDGE_POINTS = (1 / 3, 2 / 3)  # extra vertices along every cell edge, so borders are not straight

Cell = tuple[int, int]  # (column, row) of the lattice


class Lattice:
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


def partition(cells: Iterable[Cell], weights: list[float], rnd: random.Random) -> list[list[Cell]]:
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


def county_cells(rnd: random.Random) -> tuple[set[Cell], set[Cell]]:
    """The town (a wobbly ellipse round 告成) and the street (a small one biting its north-west)."""
    street = _components(_blob(24.5, 54.5, 7.0, 5.5, rnd))[0]
    town = _components(_blob(41.7, 35.0, 28.0, 23.0, rnd) - street)[0]
    outside = {(i, j) for i in range(-1, COLS + 1) for j in range(-1, ROWS + 1)} - street - town
    # Enclosed holes of the county become town (or street, when only the street surrounds them).
    for hole in _components(outside)[1:]:
        touches_town = any(n in town for c in hole for n in _neighbours(c))
        (town if touches_town else street).update(hole)
    return street, town


def union(geoms: list[BaseGeometry], what: str) -> Polygon:
    merged = shapely.union_all(geoms)
    if not isinstance(merged, Polygon) or merged.interiors:
        raise RuntimeError(f"demo geometry of {what} is not one polygon without holes")
    return merged


def geojson(geom: BaseGeometry) -> dict[str, Any]:
    oriented = shapely.orient_polygons(geom)  # RFC 7946: exterior rings counter-clockwise
    raw = mapping(oriented)
    rings = [[[x, y] for x, y in ring] for ring in raw["coordinates"]]
    return convert_geometry({"type": "Polygon", "coordinates": rings}, "wgs84", "wgs84")
