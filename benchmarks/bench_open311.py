"""Bounded Open311 load test on loopback: 1,000 reports posted concurrently through one API key.

Usage::

    .venv/bin/python benchmarks/bench_open311.py [--reports 1000] [--threads 32]
        [--workers 4] [--grids 1600] [--seed 1] [--database-url URL ...]

Without ``--database-url`` it runs on ``postgres://postgres@127.0.0.1:5432/fg_open311_bench``
(created, then dropped); ``--database-url sqlite`` runs on a temporary SQLite file instead.
In a child process (settings read fresh) it:

1. migrates (the default report categories come with the migrations), imports a synthetic
   jurisdiction of ``--grids`` irregular leaf grids (the tiling of ``bench_import_grids``:
   county → 10 streets → 100 communities → grids) and staffs it as the demo does (so every
   report notifies its leaf's workers, as in production), and makes one Open311 client key;
2. starts the real server on a free loopback port: gunicorn with ``--workers`` sync workers,
   the command ``firegrid serve`` runs (no huey consumer: queued notifications just wait);
3. warms each worker up with posts of a point outside the county (answered 400, nothing
   stored; they build the point → grid index once per process);
4. posts ``--reports`` reports from ``--threads`` threads (``http.client``, one keep-alive
   connection each) to ``POST /open311/v2/requests.json``, one point per report, spread
   round-robin over the leaf grids, each point strictly inside its leaf;
5. checks the database: every post answered 201, exactly ``--reports`` reports stored, none
   lost or duplicated, no duplicate tracking codes or tokens, each report in exactly one leaf
   grid and that leaf's stored boundary covers its point;

and prints p50/p95/p99 latency and the throughput. Exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
if importlib.util.find_spec("firegrid") is None:
    sys.path.insert(0, str(HERE.parent / "src"))

from bench_import_grids import build_collection, print_machine, run_in_child  # noqa: E402

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/fg_open311_bench"
SERVICE_CODE = "ebike"  # a default category without required questions
OUTSIDE_POINT = (112.0, 33.0)  # far outside the synthetic county
READY_SECONDS = 60.0


# --------------------------------------------------------------------- parent


def main() -> int:
    args = parse_args()
    if args.worker:
        return run_worker(args)
    print_machine()
    status = 0
    for url in args.database_url or [POSTGRES_URL]:
        worker_args = [
            "--reports", str(args.reports), "--threads", str(args.threads),
            "--workers", str(args.workers), "--grids", str(args.grids), "--seed", str(args.seed),
        ]  # fmt: skip
        # The one client posts 1,000 reports within a minute: lift its budget for the run.
        extra_env = {"FIREGRID_OPEN311_RATE_PER_CLIENT_MINUTE": str(10 * args.reports + 1000)}
        status |= run_in_child(url, str(Path(__file__).resolve()), worker_args, extra_env)
    return status


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=32, help="concurrent posting clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--grids", type=int, default=1600, help="leaf grids (a square number)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        action="append",
        help="a postgres:// URL (created, then dropped) or 'sqlite' (a temporary file); repeatable",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.vertices_per_edge = 2
    return args


# --------------------------------------------------------------------- worker


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/services.json", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError("the server did not answer in time")


def leaf_points(count: int, seed: int) -> list[tuple[float, float]]:
    """`count` points round-robin over the leaf grids, each at least ~1 m inside its leaf."""
    import shapely

    from firegrid.grids.models import Grid

    leaves = list(
        Grid.objects.filter(children__isnull=True).order_by("id").values_list("boundary", flat=True)
    )
    rng = np.random.default_rng(seed)
    inner = [shapely.geometry.shape(b).buffer(-1e-5) for b in leaves]
    points: list[tuple[float, float]] = []
    for n in range(count):
        polygon = inner[n % len(inner)]
        min_x, min_y, max_x, max_y = polygon.bounds
        while True:
            x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
            x, y = round(float(x), 7), round(float(y), 7)
            if polygon.contains(shapely.Point(x, y)):
                points.append((x, y))
                break
    return points


def warm_up(base: str, key: str, workers: int) -> int:
    """Posts the server refuses (point outside the county): each worker builds its index."""
    from firegrid.reports.open311.loadcheck import post_concurrently

    result = post_concurrently(
        base,
        api_key=key,
        service_code=SERVICE_CODE,
        points=[OUTSIDE_POINT] * (workers * 4),
        threads=workers * 2,
    )
    return sum(1 for p in result.posted if p.status == 400)


def run_worker(args: argparse.Namespace) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    from bench_import_grids import database_version
    from bench_schedule import staff_jurisdiction
    from firegrid.core.management.commands.serve import gunicorn_command
    from firegrid.grids.services import grids_import
    from firegrid.reports.models import Report
    from firegrid.reports.open311.auth import open311_client_create
    from firegrid.reports.open311.loadcheck import check_database, post_concurrently

    print(f"database: {database_version(connection)}")
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    collection = build_collection(args)
    grids_import(collection=json.loads(collection.raw), actor=None, crs="wgs84")
    staff = staff_jurisdiction()
    _client, key = open311_client_create(actor=None, name="bench 12345 platform")
    points = leaf_points(args.reports, args.seed)
    print(
        f"setup: {collection.counts[3]:,} leaf grids, {staff['persons']:,} staff, "
        f"{len(points):,} points ({time.perf_counter() - start:.1f} s)"
    )
    connection.close()

    port = free_port()
    base = f"http://127.0.0.1:{port}/open311/v2"
    command = gunicorn_command("127.0.0.1", port, args.workers)
    command = [part for part in command if part not in ("--access-logfile", "-")]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
    failures: list[str] = []
    try:
        wait_ready(base, server)
        refused = warm_up(base, key, args.workers)
        print(f"server: gunicorn, {args.workers} workers on 127.0.0.1:{port}; warm-up "
              f"posts refused as outside: {refused}")  # fmt: skip
        if Report.objects.exists():
            failures.append("the warm-up stored a report")

        print(f"\nposting {args.reports:,} reports from {args.threads} threads ...", flush=True)
        result = post_concurrently(
            base, api_key=key, service_code=SERVICE_CODE, points=points, threads=args.threads
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()

    ms = 1000.0
    print(f"  wall time                 {result.wall_seconds:8.2f} s")
    print(f"  throughput                {result.throughput:8.1f} reports/s")
    for label, share in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        print(f"  latency {label}               {result.percentile(share) * ms:8.1f} ms")
    print(f"  latency max               {result.latencies[-1] * ms:8.1f} ms")

    check = check_database(result, points)
    print()
    for label, count in check.counts.items():
        print(f"  {label:<40} {count:6,}")
    failures += check.failures
    print()
    for failure in failures:
        print(f"FAIL {failure}")
    if not failures:
        print(
            f"OK   {args.reports:,} reports, 0 lost, 0 duplicated, each in exactly one leaf; "
            f"p99 {result.percentile(0.99) * ms:.0f} ms"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
