"""Deterministic synthetic grid polygons that tile a rectangle exactly.

Real grid boundaries follow streets and walls: irregular, many vertices, and
neighbours share their border vertex for vertex. This module fakes that so
benchmarks and demo data exercise the same code paths as real data:

* a lattice of ``(n_cols + 1) x (n_rows + 1)`` corner nodes, jittered inside
  the rectangle (nodes on the outer border only slide along the border);
* every lattice edge is subdivided into ``vertices_per_edge`` segments whose
  inner vertices wiggle perpendicular to the edge;
* each edge is generated once and shared by the two cells on either side,
  so the cells have no gaps and no overlaps and their union is the bbox.

The wiggle is tapered towards both ends of an edge (a sine envelope) and the
jitter is bounded, which keeps every polygon simple (valid).
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import shapely

FloatArray: TypeAlias = npt.NDArray[np.float64]
BBox: TypeAlias = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)

JITTER = 0.2  # max node displacement, as a fraction of the cell size
WIGGLE = 0.06  # max perpendicular wiggle, as a fraction of the edge length


def tiled_polygons(
    n_cols: int,
    n_rows: int,
    bbox: BBox,
    vertices_per_edge: int,
    seed: int,
) -> list[shapely.Polygon]:
    """``n_cols * n_rows`` valid polygons tiling ``bbox`` exactly, row-major from south-west.

    Cell ``(col, row)`` is at index ``row * n_cols + col``. Each polygon has
    ``4 * vertices_per_edge`` distinct vertices. Same arguments, same output.
    """
    if n_cols < 1 or n_rows < 1 or vertices_per_edge < 1:
        raise ValueError("n_cols, n_rows and vertices_per_edge must all be >= 1")
    rng = np.random.default_rng(seed)
    nodes = _lattice_nodes(n_cols, n_rows, bbox, rng)
    horizontal = _edges(nodes[:-1, :], nodes[1:, :], vertices_per_edge, rng, axis=1)
    vertical = _edges(nodes[:, :-1], nodes[:, 1:], vertices_per_edge, rng, axis=0)
    rings = _cell_rings(horizontal, vertical)
    return list(shapely.polygons(rings.reshape(n_cols * n_rows, -1, 2)))


def _lattice_nodes(n_cols: int, n_rows: int, bbox: BBox, rng: np.random.Generator) -> FloatArray:
    """Jittered corner nodes, shape ``(n_cols + 1, n_rows + 1, 2)``."""
    min_x, min_y, max_x, max_y = bbox
    xs = np.linspace(min_x, max_x, n_cols + 1)
    ys = np.linspace(min_y, max_y, n_rows + 1)
    nodes = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1)
    cell = np.array([(max_x - min_x) / n_cols, (max_y - min_y) / n_rows])
    jitter = rng.uniform(-JITTER, JITTER, size=nodes.shape) * cell
    # Border nodes keep their border coordinate so the tiling fills the bbox exactly.
    jitter[[0, -1], :, 0] = 0.0
    jitter[:, [0, -1], 1] = 0.0
    jittered: FloatArray = nodes + jitter
    return jittered


def _edges(
    start: FloatArray, end: FloatArray, segments: int, rng: np.random.Generator, axis: int
) -> FloatArray:
    """Wiggly polylines from ``start`` to ``end`` nodes, shape ``(..., segments + 1, 2)``.

    Edges on the outer border (first/last along ``axis``) stay straight.
    """
    t = np.linspace(0.0, 1.0, segments + 1)
    along = end - start
    points = start[..., None, :] + t[:, None] * along[..., None, :]
    normal = np.stack([-along[..., 1], along[..., 0]], axis=-1)  # length == edge length
    amplitude = rng.uniform(-WIGGLE, WIGGLE, size=(*start.shape[:-1], segments + 1))
    amplitude *= np.sin(np.pi * t)  # zero at both ends: corners stay shared
    border = [0, -1]
    if axis == 1:
        amplitude[:, border] = 0.0
    else:
        amplitude[border, :] = 0.0
    return points + amplitude[..., None] * normal[..., None, :]


def _cell_rings(horizontal: FloatArray, vertical: FloatArray) -> FloatArray:
    """Counter-clockwise open rings, shape ``(n_rows, n_cols, 4 * segments, 2)``.

    ``horizontal[c, r]`` runs west->east along the bottom of row ``r``;
    ``vertical[c, r]`` runs south->north along the west side of column ``c``.
    """
    bottom = horizontal[:, :-1, :-1]
    right = vertical[1:, :, :-1]
    top = horizontal[:, 1:, ::-1][:, :, :-1]
    left = vertical[:-1, :, ::-1][:, :, :-1]
    rings = np.concatenate([bottom, right, top, left], axis=2)  # (n_cols, n_rows, k, 2)
    return np.ascontiguousarray(rings.transpose(1, 0, 2, 3))
