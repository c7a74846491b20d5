"""Benchmark the Excel ledger (台账) import of places on SQLite and PostgreSQL.

Usage::

    .venv/bin/python benchmarks/bench_import.py [--rows 100000] [--grids 400] [--seed 1]
        [--database-url URL ...] [--profile]

Without ``--database-url`` it runs twice: on a temporary SQLite file and on
``postgres://postgres@127.0.0.1:5432/fg_bench_import`` (created, then dropped).
For each database, in a child process (settings read fresh), it:

1. migrates, imports a jurisdiction of ``--grids`` irregular leaf grids (the
   synthetic tiling of ``bench_import_grids``) and makes a county-office login;
2. writes a ``--rows`` places ledger (.xlsx, the template's headers, points in
   GCJ-02 as a phone map gives them, every type, numbers, phones, licences);
3. (a) imports it through ``ledger_import_start`` — the real service: file scan,
   read, every check, classification, duplicates, the one write transaction with
   a history event per place — with the phases timed;
4. (b) imports a copy with one bad row at the end: rejected, nothing written;
5. (c) exports the registry and imports the export: every row unchanged;
6. (d) the floor: a raw ``bulk_create`` of the same Place rows (fields
   precomputed, no checks, no history) into the emptied table;

and prints rows/s and the ratio import / floor. Goal: (a) under 60 s. Exits 1
if an import is not the expected result or the goal is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib.util
import io
import pstats
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from xml.sax.saxutils import escape

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
if importlib.util.find_spec("firegrid") is None:
    sys.path.insert(0, str(HERE.parent / "src"))

from bench_import_grids import build_collection, print_machine, run_in_child  # noqa: E402
from bench_locate import ZHENGZHOU_BBOX  # noqa: E402

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/fg_bench_import"
GOAL_SECONDS = 60.0
T = TypeVar("T")


# --------------------------------------------------------------------- parent


def main() -> int:
    args = parse_args()
    if args.worker:
        return run_worker(args)
    print_machine()
    urls = args.database_url or ["sqlite", POSTGRES_URL]
    status = 0
    for url in urls:
        status |= run_database(url, args)
    return status


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--grids", type=int, default=400, help="leaf grids (a square number)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        action="append",
        help="'sqlite' (a temporary file) or a postgres:// URL (created, then dropped); repeatable",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the import (slower)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.vertices_per_edge = 4
    return args


def run_database(url: str, args: argparse.Namespace) -> int:
    worker_args = ["--rows", str(args.rows), "--grids", str(args.grids), "--seed", str(args.seed)]
    worker_args += ["--profile"] if args.profile else []
    inline = {"FIREGRID_LEDGER_SYNC_ROWS": str(args.rows * 2)}  # run inline: time the whole job
    return run_in_child(url, str(Path(__file__).resolve()), worker_args, inline)


# ----------------------------------------------------------------------- data


def ledger_rows(args: argparse.Namespace, type_names: list[str], prefix: str) -> list[list[Any]]:
    """Rows in the template's column order (read-only columns left out), GCJ-02 points."""
    from firegrid.core.coords import convert_arrays
    from firegrid.registry.ledger import PLACES

    rng = np.random.default_rng(args.seed + 11)
    n = args.rows
    min_x, min_y, max_x, max_y = ZHENGZHOU_BBOX
    lons = rng.uniform(min_x + 1e-3, max_x - 1e-3, n)
    lats = rng.uniform(min_y + 1e-3, max_y - 1e-3, n)
    glons, glats = convert_arrays(lons, lats, "wgs84", "gcj02")
    kinds = rng.integers(0, len(type_names), n)
    floors = rng.integers(1, 30, n)
    areas = np.round(rng.uniform(20, 20000, n), 1)
    rooms = rng.integers(0, 120, n)
    fields = [col.field for col in PLACES.columns if not col.read_only]
    rows = []
    for i in range(n):
        values = {
            "name": f"合成场所{prefix}{i}",
            "place_type": type_names[kinds[i]],
            "address": f"合成路{i // 50}号{i % 50}室{prefix}",
            "lon": round(float(glons[i]), 7),
            "lat": round(float(glats[i]), 7),
            "crs": "GCJ02",
            "floor_area_m2": float(areas[i]),
            "floors": int(floors[i]),
            "rooms": int(rooms[i]),
            "licence_number": f"91410103{prefix}{i:010d}",
            "responsible_name": "王五",
            "responsible_phone": f"139{i:08d}",
            "phone": "0371-65123456",
            "status": "在营",
        }
        rows.append([values.get(name) for name in fields])
    return rows


def fast_xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    """A minimal .xlsx (inline strings, numbers): openpyxl needs ~25 s for 100,000 rows."""

    def cell(value: Any) -> str:
        if value is None:
            return "<c/>"
        if isinstance(value, int | float):
            return f"<c><v>{value!r}</v></c>"
        return f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    body = io.StringIO()
    body.write(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    for row in [headers, *rows]:
        body.write("<row>" + "".join(cell(v) for v in row) + "</row>")
    body.write("</sheetData></worksheet>")
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel_ns}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main_ns}" '
            f'xmlns:r="{rel_ns}"><sheets><sheet name="场所" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel_ns}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", body.getvalue())
    return out.getvalue()


# --------------------------------------------------------------------- worker


def timed(label: str, func: Callable[[], T]) -> T:
    value, seconds = timed_quiet(func)
    print(f"  {label:<52} {seconds:8.2f} s", flush=True)
    return value


def timed_quiet(func: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


@contextlib.contextmanager
def phase_clock(totals: dict[str, float]) -> Iterator[None]:
    """Time the phases of the job by wrapping the names the jobs module calls."""
    from firegrid.registry.ledger import jobs

    names = {
        "scan_sheet": "scan the zip (size, rows, formulas)",
        "read_ledger": "read the cells (calamine) + headers",
        "places_check": "check every row (types, points, scope, licences…)",
        "places_write": "write: bulk insert + history + duplicates",
    }
    originals = {name: getattr(jobs, name) for name in names}

    def wrap(name: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            value, seconds = timed_quiet(lambda: originals[name](*args, **kwargs))
            totals[names[name]] = totals.get(names[name], 0.0) + seconds
            return value

        return wrapper

    for name in names:
        setattr(jobs, name, wrap(name))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(jobs, name, original)


def run_worker(args: argparse.Namespace) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from bench_import_grids import Collection, database_version
    from firegrid.core.audit import audit_verify
    from firegrid.core.models import AuditEvent
    from firegrid.grids.models import Grid
    from firegrid.grids.services import grids_import
    from firegrid.registry.ledger import PLACES, ledger_export_places, ledger_import_start
    from firegrid.registry.models import LedgerImport, Place, PlaceType
    from firegrid.registry.selectors import PlaceFilters, place_list
    from firegrid.testing import user_with_role

    failures: list[str] = []
    print(f"database: {database_version(connection)}")
    timed("migrate a fresh database", lambda: call_command("migrate", verbosity=0))
    collection: Collection = timed("generate the grids", lambda: build_collection(args))
    timed(
        f"import {collection.counts[3]} leaf grids",
        lambda: grids_import(collection=_loads(collection.raw), actor=None, crs="wgs84"),
    )
    county = Grid.objects.get(depth=0)
    actor = user_with_role("county_office", county, username="bench-office")
    names = list(PlaceType.objects.filter(active=True).values_list("name", flat=True))
    headers = [col.title for col in PLACES.columns if not col.read_only]
    rows = timed(f"generate {args.rows:,} ledger rows", lambda: ledger_rows(args, names, "A"))
    data = timed("write the .xlsx", lambda: fast_xlsx(headers, rows))
    print(f"  ledger: {args.rows:,} rows, {len(data) / 1e6:.1f} MB")

    def run(raw: bytes, name: str) -> LedgerImport:
        upload = SimpleUploadedFile(name, raw)
        return ledger_import_start(actor=actor, kind="places", upload=upload)

    print("\n(a) import into an empty registry (ledger_import_start, inline)")
    totals: dict[str, float] = {}
    profiler = cProfile.Profile() if args.profile else None
    with phase_clock(totals):
        if profiler:
            profiler.enable()
        job, t_import = timed_quiet(lambda: run(data, "places.xlsx"))
        if profiler:
            profiler.disable()
    for label, seconds in totals.items():
        print(f"    {label:<50} {seconds:8.2f} s")
    print(f"  {'whole import':<52} {t_import:8.2f} s   {args.rows / t_import:10,.0f} rows/s")
    if job.status != "succeeded" or Place.objects.count() != args.rows:
        failures.append(f"(a) {job.status}: {job.message} {job.errors[:3]}")
    if t_import > GOAL_SECONDS:
        failures.append(f"(a) took {t_import:.1f} s, goal {GOAL_SECONDS:.0f} s")
    events = AuditEvent.objects.filter(action="place.create").count()
    report, t_verify = timed_quiet(audit_verify)
    print(f"  history events: {events:,}; audit chain verified in {t_verify:.1f} s: {report.ok}")
    if events != args.rows or not report.ok:
        failures.append("(a) history events missing or the chain broken")

    print("\n(b) a new ledger with one bad row at the end: rejected, nothing written")
    bad_rows = ledger_rows(args, names, "B")
    bad_rows[-1][headers.index("场所类型*")] = "不存在的类型"
    bad = fast_xlsx(headers, bad_rows)
    before = (Place.objects.count(), AuditEvent.objects.count())
    job, t_bad = timed_quiet(lambda: run(bad, "bad.xlsx"))
    print(f"  {'rejected import':<52} {t_bad:8.2f} s   {args.rows / t_bad:10,.0f} rows/s")
    print(f"  errors: {job.errors}")
    after = (Place.objects.count(), AuditEvent.objects.count())
    if job.status != "rejected" or job.error_count != 1 or before != after:
        failures.append(f"(b) {job.status}, {job.error_count} errors, {before} -> {after}")

    print("\n(c) export the registry and import the export")
    everything = PlaceFilters(status="")
    exported = timed(
        f"export {args.rows:,} places (ledger writer, direct XML)",
        lambda: ledger_export_places(place_list(actor, everything).iterator(chunk_size=2000)),
    )
    job, t_again = timed_quiet(lambda: run(exported, "export.xlsx"))
    label = "re-import (all unchanged)"
    print(f"  {label:<52} {t_again:8.2f} s   {args.rows / t_again:10,.0f} rows/s")
    if job.result.get("unchanged") != args.rows or job.result.get("updated"):
        failures.append(f"(c) {job.status} {job.result} {job.errors[:3]}")

    print("\n(d) floor: raw bulk_create of the same Place rows into the emptied table")
    fields = [f.attname for f in Place._meta.concrete_fields if f.attname != "id"]
    stored = [Place(**row) for row in Place.objects.values(*fields)]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Place._meta.db_table}")  # noqa: S608
    from django.db import transaction

    from firegrid.core.bulk import large_write_cache

    def floor() -> None:
        # The same connection settings as the import's write (SQLite: the large page cache).
        with large_write_cache(), transaction.atomic():
            Place.objects.bulk_create(stored, batch_size=1000)

    _none, t_floor = timed_quiet(floor)
    print(f"  {'bulk_create':<52} {t_floor:8.2f} s   {args.rows / t_floor:10,.0f} rows/s")
    print(f"\n  import / floor = {t_import / t_floor:.1f}x")
    if profiler:
        print("\nprofile of (a), top 25 by cumulative time:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        print("\nprofile of (a), top 20 by own time:")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    print()
    for failure in failures:
        print(f"FAIL {failure}")
    if not failures:
        print(
            f"OK   {args.rows:,} places imported in {t_import:.1f} s (goal < {GOAL_SECONDS:.0f} s)"
        )
    return 1 if failures else 0


def _loads(raw: bytes) -> Any:
    import json

    return json.loads(raw)


if __name__ == "__main__":
    sys.exit(main())
