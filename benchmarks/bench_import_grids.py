"""Benchmark a whole-jurisdiction grid import (grids_import) on SQLite and PostgreSQL.

Usage::

    .venv/bin/python benchmarks/bench_import_grids.py [--database sqlite|postgres|both]
                                                      [--grids 10000] [--seed 1] [--profile]

Builds a FireGrid import FeatureCollection in WGS-84 (1 county -> 10 streets ->
100 communities -> ``--grids`` leaf grids, codes of 6/9/12/15 digits, irregular
boundaries from ``synthetic_grids``), then, on a fresh database per backend,
measures in one run:

(a) ``grids_import`` of the whole file into an empty database (every check,
    the writes, paths and neighbours), with ``plan_import`` alone first and the
    phases of the full import timed separately;
(b) a re-import of the same file (every grid unchanged);
(c) the time ``get_locator()`` takes to rebuild the spatial index after the
    import, and 1,000 ``grid_locate`` calls through the selector;
(d) the floor: a raw ``bulk_create`` of the same rows (fields precomputed, no
    checks) into the emptied tables;

and prints the ratios import / floor. Each backend runs in a child process of
this script, so Django's settings are read fresh. SQLite uses a temporary file;
PostgreSQL a database the script creates and drops (``--postgres-url``). Exits
with status 1 if an import is rejected or a result is not the expected one.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib
import importlib.util
import json
import math
import os
import platform
import pstats
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
if importlib.util.find_spec("firegrid") is None:
    sys.path.insert(0, str(HERE.parent / "src"))

from bench_locate import ZHENGZHOU_BBOX, cpu_model, timed_quiet  # noqa: E402
from synthetic_grids import tiled_polygons  # noqa: E402

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/firegrid_bench"
COUNTY_CODE, COUNTY_NAME = "410103", "二七区（合成）"
HEADER = {
    "crs": "wgs84",
    "jurisdiction": {"code": COUNTY_CODE, "name": COUNTY_NAME, "name_en": "Erqi (synthetic)"},
    "levels": [
        {"depth": 0, "name": "区县", "name_en": "County"},
        {"depth": 1, "name": "街道/乡镇", "name_en": "Street/town"},
        {"depth": 2, "name": "社区/村", "name_en": "Community/village"},
        {"depth": 3, "name": "网格", "name_en": "Grid"},
    ],
}
DECIMALS = 7  # ~1 cm: what survey exports and FireGrid's own GCJ-02 exports carry
LOCATE_POINTS = 1_000
T = TypeVar("T")


# --------------------------------------------------------------------- parent


def main() -> int:
    args = parse_args()
    if args.worker:
        return run_worker(args)
    print_machine()
    backends = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    status = 0
    for backend in backends:
        status |= run_backend(backend, args)
    return status


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--grids", type=int, default=10_000, help="leaf grids (a square number)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vertices-per-edge", type=int, default=8, help="4x this per polygon")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="created, then dropped")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile one more first import (slow)"
    )
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = math.isqrt(args.grids)
    if n < 1 or n * n != args.grids:
        parser.error("--grids must be a square number (n x n lattice)")
    if community_block(n) ** 2 > 999:
        parser.error("--grids too large: a community would hold more than 999 grids")
    return args


def run_backend(backend: str, args: argparse.Namespace) -> int:
    """Run the measurements in a child process on a fresh database of this backend."""
    with tempfile.TemporaryDirectory(prefix="firegrid-bench-") as var_dir:
        if backend == "sqlite":
            url = f"sqlite:///{Path(var_dir) / 'bench.sqlite3'}"
            print(f"\n== SQLite: temporary file {Path(var_dir) / 'bench.sqlite3'} ==", flush=True)
            return run_child(backend, url, var_dir, args)
        print(f"\n== PostgreSQL: {args.postgres_url} (created for this run) ==", flush=True)
        try:
            with postgres_database(args.postgres_url):
                return run_child(backend, args.postgres_url, var_dir, args)
        except Exception as exc:  # any connection or setup failure: report it, go on
            print(f"FAIL PostgreSQL not usable: {exc}")
            return 1


def run_child(backend: str, url: str, var_dir: str, args: argparse.Namespace) -> int:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "firegrid.config.settings.base",
        "FIREGRID_VAR_DIR": var_dir,  # the huey file and static root stay out of the checkout
        "FIREGRID_DEBUG": "0",  # DEBUG would keep every SQL query in memory
    }
    env.pop("FIREGRID_REDIS_URL", None)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", backend]
    command += ["--grids", str(args.grids), "--seed", str(args.seed)]
    command += ["--vertices-per-edge", str(args.vertices_per_edge)]
    command += ["--profile"] if args.profile else []
    return subprocess.run(command, env=env, check=False).returncode  # noqa: S603


@contextlib.contextmanager
def postgres_database(url: str) -> Iterator[None]:
    """CREATE the benchmark database (dropping a leftover one first), DROP it afterwards."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(drop)


def run_in_child(
    url: str, script: str, worker_args: list[str], extra_env: dict[str, str] | None = None
) -> int:
    """Run `script --worker URL …` on one database in a child process with its own var dir:
    `sqlite` is a temporary file; a postgres:// database is created first and dropped after."""
    with tempfile.TemporaryDirectory(prefix="firegrid-bench-") as var_dir:
        if url == "sqlite" or url.startswith("sqlite:"):
            path = Path(var_dir) / "bench.sqlite3"
            print(f"\n== SQLite: temporary file {path} ==", flush=True)
            return _child(f"sqlite:///{path}", var_dir, script, worker_args, extra_env or {})
        print(f"\n== PostgreSQL: {url} (created for this run) ==", flush=True)
        try:
            with postgres_database(url):
                return _child(url, var_dir, script, worker_args, extra_env or {})
        except Exception as exc:  # connection or setup failure: report it, go on
            print(f"FAIL PostgreSQL not usable: {exc}")
            return 1


def _child(
    url: str, var_dir: str, script: str, worker_args: list[str], extra_env: dict[str, str]
) -> int:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "firegrid.config.settings.base",
        "FIREGRID_VAR_DIR": var_dir,
        "FIREGRID_MEDIA_ROOT": str(Path(var_dir) / "media"),
        "FIREGRID_DEBUG": "0",  # DEBUG would keep every SQL query in memory
        **extra_env,
    }
    env.pop("FIREGRID_REDIS_URL", None)
    command = [sys.executable, script, "--worker", url, *worker_args]
    return subprocess.run(command, env=env, check=False).returncode  # noqa: S603


def print_machine() -> None:
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical cores, {platform.system()}")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string})",
        flush=True,
    )


# ----------------------------------------------------------------------- data


@dataclass(frozen=True)
class Collection:
    raw: bytes  # the file as uploaded
    counts: tuple[int, int, int, int]  # county, streets, communities, grids

    @property
    def features(self) -> int:
        return sum(self.counts)


def community_block(n: int) -> int:
    """Side of a community in leaf grids: the n x n lattice is cut into about 10 x 10 blocks."""
    return max(1, n // 10)


def build_collection(args: argparse.Namespace) -> Collection:
    """The import file: county, streets (rows of communities), communities, grids, top-down."""
    n = math.isqrt(args.grids)
    leaves = rounded(tiled_polygons(n, n, ZHENGZHOU_BBOX, args.vertices_per_edge, args.seed))
    check_tiling(leaves)
    block = community_block(n)
    per_side = math.ceil(n / block)
    col, row = np.arange(n * n) % n, np.arange(n * n) // n
    community_of = (row // block) * per_side + col // block
    street_of = np.arange(per_side * per_side) // per_side
    communities = [
        shapely.coverage_union_all(leaves[community_of == c]) for c in range(per_side**2)
    ]
    community_geoms = np.array(communities, dtype=object)
    streets = [shapely.coverage_union_all(community_geoms[street_of == s]) for s in range(per_side)]
    county = shapely.coverage_union_all(np.array(streets, dtype=object))

    rng = np.random.default_rng(args.seed + 3)
    features = [feature(COUNTY_CODE, COUNTY_NAME, 0, None, county)]
    street_codes = [f"{COUNTY_CODE}{s + 1:03d}" for s in range(per_side)]
    features += [
        feature(code, f"街道{s + 1}", 1, COUNTY_CODE, streets[s])
        for s, code in enumerate(street_codes)
    ]
    community_codes = []
    for c in range(per_side**2):
        street = int(street_of[c])
        code = f"{street_codes[street]}{c % per_side + 1:03d}"
        community_codes.append(code)
        name = f"社区{street + 1}-{c % per_side + 1}"
        features.append(feature(code, name, 2, street_codes[street], communities[c]))
    sequence = np.zeros(per_side**2, dtype=np.int64)
    for i in range(n * n):
        c = int(community_of[i])
        sequence[c] += 1
        households = int(rng.integers(150, 900))
        features.append(
            feature(
                f"{community_codes[c]}{sequence[c]:03d}",
                f"网格{community_codes[c][6:]}-{sequence[c]}",
                3,
                community_codes[c],
                leaves[i],
                households=households,
                population=int(households * rng.uniform(2.4, 3.2)),
            )
        )
    collection = {"type": "FeatureCollection", "firegrid": HEADER, "features": features}
    raw = json.dumps(collection, ensure_ascii=False).encode()
    return Collection(raw, (1, per_side, per_side**2, n * n))


def rounded(polygons: list[shapely.Polygon]) -> np.ndarray[Any, np.dtype[np.object_]]:
    """Coordinates rounded as in a real file; shared vertices stay shared (same rounding)."""
    geoms = np.array(polygons, dtype=object)
    coords = np.round(shapely.get_coordinates(geoms), DECIMALS)
    result: np.ndarray[Any, np.dtype[np.object_]] = shapely.set_coordinates(geoms.copy(), coords)
    return result


def check_tiling(leaves: np.ndarray[Any, np.dtype[np.object_]]) -> None:
    min_x, min_y, max_x, max_y = ZHENGZHOU_BBOX
    if not shapely.is_valid(leaves).all():
        sys.exit("synthetic grids: invalid polygon after rounding")
    bbox_area = (max_x - min_x) * (max_y - min_y)
    if not math.isclose(shapely.area(leaves).sum(), bbox_area, rel_tol=1e-9):
        sys.exit("synthetic grids: areas do not add up to the bbox (gap or overlap)")


def feature(
    code: str, name: str, level: int, parent: str | None, geom: Any, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent, **extra},
        "geometry": polygon_geojson(geom),
    }


def polygon_geojson(geom: Any) -> dict[str, Any]:
    """GeoJSON with plain lists (as json.loads gives them) and rounded coordinates."""

    def rings(polygon: shapely.Polygon) -> list[Any]:
        parts = [polygon.exterior, *polygon.interiors]
        return [np.round(shapely.get_coordinates(r), DECIMALS).tolist() for r in parts]

    if isinstance(geom, shapely.MultiPolygon):
        return {"type": "MultiPolygon", "coordinates": [rings(p) for p in geom.geoms]}
    return {"type": "Polygon", "coordinates": rings(geom)}


# ------------------------------------------------------------------ worker


@dataclass
class PhaseClock:
    """Times named module-level functions while installed; calls through the module see it.

    A target is (label, module, function name, depth); depth 1 phases run inside the
    depth 0 phase listed before them. Wrapping costs about a microsecond per call.
    """

    targets: list[tuple[str, str, str, int]]
    totals: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def installed(self) -> Iterator[PhaseClock]:
        self.totals = {label: 0.0 for label, *_rest in self.targets}
        originals = []
        for label, module_name, name, _depth in self.targets:
            module = importlib.import_module(module_name)
            original = getattr(module, name)
            originals.append((module, name, original))
            setattr(module, name, self._timed(label, original))
        try:
            yield self
        finally:
            for module, name, original in originals:
                setattr(module, name, original)

    def _timed(self, label: str, func: Callable[..., T]) -> Callable[..., T]:
        def wrapper(*args: Any, **kwargs: Any) -> T:
            value, seconds = timed_quiet(lambda: func(*args, **kwargs))
            self.totals[label] += seconds
            return value

        return wrapper


CHECKS = "firegrid.grids.importing.check"
SERVICES = "firegrid.grids.services"
PLAN_PHASES = [
    ("features one by one, to WGS-84", CHECKS, "plan_features", 1),
    ("match existing grids", CHECKS, "check_existing", 1),
    ("tree: parents, levels, codes", CHECKS, "check_tree", 1),
    ("containment, overlaps, gaps", CHECKS, "check_geometry_relations", 1),
]
IMPORT_PHASES = [
    ("plan_import (all the checks)", SERVICES, "plan_import", 0),
    *PLAN_PHASES,
    ("derive bbox, centroid, area", SERVICES, "derive", 0),
    ("compare with stored grids", SERVICES, "_update_grid", 0),
    ("rebuild paths", SERVICES, "grids_rebuild_paths", 0),
    ("rebuild neighbours", SERVICES, "grids_rebuild_neighbours", 0),
    ("audit record", SERVICES, "audit_record", 0),
]


def run_worker(args: argparse.Namespace) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    print(f"database: {database_version(connection)}")
    timed("migrate a fresh database", lambda: call_command("migrate", verbosity=0))
    collection = timed("generate the import file", lambda: build_collection(args))
    county, streets, communities, grids = collection.counts
    print(
        f"hierarchy: {county} county -> {streets} streets -> {communities} communities -> "
        f"{grids:,} grids = {collection.features:,} features, "
        f"{len(collection.raw) / 1e6:.1f} MB of GeoJSON (WGS-84)",
        flush=True,
    )
    failures: list[str] = []
    first = measure_first_import(collection, failures)
    again = measure_reimport(collection, failures)
    measure_locator(args, grids, failures)
    floor = measure_floor(collection, failures)
    print_ratios(first, again, floor)
    if args.profile:
        profile_import(collection, args)
    print()
    for failure in failures:
        print(f"FAIL {failure}")
    if not failures:
        print("OK   all imports accepted, counts and locations as expected")
    return 1 if failures else 0


def database_version(connection: Any) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def measure_first_import(collection: Collection, failures: list[str]) -> float:
    from firegrid.grids.importing import plan_import, read_collection
    from firegrid.grids.models import Grid
    from firegrid.grids.services import grids_import

    n = collection.features
    print("\n(a) first import into an empty database")
    parsed, t_parse = timed_quiet(lambda: read_collection(collection.raw))
    report("parse the JSON (read_collection)", n, t_parse)
    with PhaseClock(PLAN_PHASES).installed() as clock:
        plan, t_plan = timed_quiet(lambda: plan_import(parsed))
    report("plan_import alone (checks, no writes)", n, t_plan)
    report_phases(clock, t_plan)
    if plan.errors or plan.warnings:
        failures.append(f"the plan has {len(plan.errors)} errors, {len(plan.warnings)} warnings")
        for problem in [*plan.errors, *plan.warnings][:5]:
            print(f"      {problem}")

    parsed = read_collection(collection.raw)
    with PhaseClock(IMPORT_PHASES).installed() as clock:
        result, t_import = timed_quiet(lambda: grids_import(collection=parsed, actor=None))
    report("grids_import, all of it", n, t_import)
    report_phases(clock, t_import, rest="bulk_create rows, levels, jurisdiction")
    links = Grid.neighbours.through.objects.count()
    print(f"      -> created {result.created:,}, {links // 2:,} neighbour pairs")
    if result.created != n:
        failures.append(f"first import created {result.created:,} grids, expected {n:,}")
    return t_parse + t_import


def measure_reimport(collection: Collection, failures: list[str]) -> float:
    from firegrid.grids.importing import read_collection
    from firegrid.grids.services import grids_import

    n = collection.features
    print("\n(b) re-import of the same file (nothing changed)")
    parsed, t_parse = timed_quiet(lambda: read_collection(collection.raw))
    report("parse the JSON (read_collection)", n, t_parse)
    with PhaseClock(IMPORT_PHASES).installed() as clock:
        result, t_import = timed_quiet(lambda: grids_import(collection=parsed, actor=None))
    report("grids_import, all of it", n, t_import)
    report_phases(clock, t_import, rest="levels, jurisdiction, loading rows")
    print(f"      -> unchanged {result.unchanged:,}, updated {result.updated}")
    if result.unchanged != n or result.created or result.updated:
        failures.append(f"re-import did not find all {n:,} grids unchanged")
    return t_parse + t_import


def measure_locator(args: argparse.Namespace, grids: int, failures: list[str]) -> None:
    from django.contrib.auth import get_user_model

    from firegrid.grids.locator import get_locator
    from firegrid.grids.selectors import grid_locate

    print("\n(c) spatial index after the import")
    locator, t_build = timed_quiet(get_locator)
    print(f"    {'get_locator(), first call (rebuild)':<44} {t_build:8.3f} s")
    _same, t_cached = timed_quiet(get_locator)
    print(f"    {'get_locator(), next call (version check)':<44} {t_cached * 1e3:8.3f} ms")
    if locator.leaf_count != grids:
        failures.append(f"the locator indexes {locator.leaf_count:,} leaves, not {grids:,}")

    user = get_user_model().objects.create(username="bench", is_superuser=True, is_staff=True)
    points = random_points(args.seed + 4)
    located, t_locate = timed_quiet(
        lambda: [grid_locate(user, lon=x, lat=y, crs="wgs84") for x, y in points]
    )
    report_calls(f"grid_locate x {LOCATE_POINTS:,} (selector, superuser)", LOCATE_POINTS, t_locate)
    _chains, t_index = timed_quiet(lambda: [locator.chain(x, y) for x, y in points])
    report_calls(f"GridLocator.chain x {LOCATE_POINTS:,} (index only)", LOCATE_POINTS, t_index)
    if any(len(found.chain) != 4 for found in located):
        failures.append("a located point did not come back with a 4-level chain")


def random_points(seed: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    min_x, min_y, max_x, max_y = ZHENGZHOU_BBOX
    lons = rng.uniform(min_x, max_x, LOCATE_POINTS).tolist()
    lats = rng.uniform(min_y, max_y, LOCATE_POINTS).tolist()
    return list(zip(lons, lats, strict=True))


def measure_floor(collection: Collection, failures: list[str]) -> float:
    from django.db import connection, transaction
    from django.db.models import Model

    from firegrid.grids.models import Grid

    through = Grid.neighbours.through
    fields = [f.attname for f in Grid._meta.concrete_fields]
    grids = [Grid(**row) for row in Grid.objects.order_by("depth", "id").values(*fields)]
    links = [through(**row) for row in through.objects.values("from_grid_id", "to_grid_id")]
    tables = [through._meta.db_table, Grid._meta.db_table]

    def insert(model: type[Model], rows: list[Any], batch_size: int | None) -> None:
        with transaction.atomic():
            model._default_manager.bulk_create(rows, batch_size=batch_size)

    print("\n(d) floor: raw bulk_create of the same rows into the emptied tables")
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    )
    # Same batching as the import: Grid rows unbatched (Django splits by the backend's
    # parameter limit), neighbour links 2,000 per INSERT.
    _none, t_grids = timed_quiet(lambda: insert(Grid, grids, None))
    report("Grid rows (fields precomputed, no checks)", len(grids), t_grids)
    _none, t_links = timed_quiet(lambda: insert(through, links, 2000))
    print(f"    {'neighbour links':<44} {len(links) / t_links:>10,.0f} rows/s   ({t_links:.3f} s)")
    if Grid.objects.count() != collection.features:
        failures.append("the floor did not insert every grid")
    return t_grids + t_links


def no_style() -> Any:
    from django.core.management.color import no_style as django_no_style

    return django_no_style()


def profile_import(collection: Collection, args: argparse.Namespace) -> None:
    """Empty the grid tables, import twice and locate under cProfile; list the top costs."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from firegrid.grids.importing import read_collection
    from firegrid.grids.models import Grid
    from firegrid.grids.selectors import grid_locate
    from firegrid.grids.services import grids_import

    tables = [Grid.neighbours.through._meta.db_table, Grid._meta.db_table]
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    )
    user = get_user_model().objects.get(username="bench")
    points = random_points(args.seed + 4)
    runs: list[tuple[str, Callable[[], object]]] = [
        (
            "first import",
            lambda: grids_import(collection=read_collection(collection.raw), actor=None),
        ),
        ("re-import", lambda: grids_import(collection=read_collection(collection.raw), actor=None)),
        (
            f"grid_locate x {len(points):,}",
            lambda: [grid_locate(user, lon=x, lat=y, crs="wgs84") for x, y in points],
        ),
    ]
    for title, run in runs:
        profiler = cProfile.Profile()
        profiler.runcall(run)
        print_profile(title, pstats.Stats(profiler))


def print_profile(title: str, stats: pstats.Stats, top: int = 10) -> None:
    """The functions with the most own time, then FireGrid's own functions by total time."""
    entries = list(stats.stats.items())  # type: ignore[attr-defined]
    own_first = sorted(entries, key=lambda item: item[1][2], reverse=True)[:top]
    ours = [item for item in entries if f"{os.sep}firegrid{os.sep}" in item[0][0]]
    ours = sorted(ours, key=lambda item: item[1][3], reverse=True)[:top]
    print(f"\nprofile of the {title} (cProfile, times inflated)")
    for heading, rows in (("by own time", own_first), ("FireGrid functions by total time", ours)):
        print(f"  {heading}:\n    {'own s':>7} {'total s':>8} {'calls':>9}  function")
        for (filename, line, name), (_cc, calls, own, total, _callers) in rows:
            where = f" ({Path(filename).name}:{line})" if line else ""
            print(f"    {own:7.2f} {total:8.2f} {calls:9,}  {name}{where}")


# ----------------------------------------------------------------------- output


def timed(label: str, func: Callable[[], T]) -> T:
    value, seconds = timed_quiet(func)
    print(f"{label}: {seconds:.3f} s", flush=True)
    return value


def report(label: str, count: int, seconds: float) -> None:
    print(f"    {label:<44} {count / seconds:>10,.0f} grids/s  ({seconds:.3f} s)", flush=True)


def report_calls(label: str, count: int, seconds: float) -> None:
    per_call = seconds / count * 1e3
    print(f"    {label:<44} {count / seconds:>10,.0f} calls/s  ({per_call:.3f} ms each)")


def report_phases(clock: PhaseClock, total: float, *, rest: str = "") -> None:
    """Each phase's share of `total`; depth 1 phases are part of the depth 0 one above them."""
    spent = 0.0
    for label, _module, _name, depth in clock.targets:
        seconds = clock.totals[label]
        if seconds:
            spent += seconds if depth == 0 else 0.0
            name = " " * 2 * depth + label
            print(f"      {name:<42} {seconds:8.3f} s  {seconds / total:6.1%}")
    if rest:
        other = total - spent
        print(f"      {'other: ' + rest:<42} {other:8.3f} s  {other / total:6.1%}")


def print_ratios(first: float, again: float, floor: float) -> None:
    print("\ntime / floor (parse + grids_import vs raw bulk_create of grids + links)")
    print(f"    first import / floor = {first / floor:8.1f}x")
    print(f"    re-import    / floor = {again / floor:8.1f}x", flush=True)


if __name__ == "__main__":
    sys.exit(main())
