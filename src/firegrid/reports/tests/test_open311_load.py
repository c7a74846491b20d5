"""A small version of `benchmarks/bench_open311.py`: 100 reports posted through Open311 by 8
threads against a live server must all be stored once, each routed to the one leaf grid that
covers its point. Correctness only; the benchmark measures the latency.

The server is Django's live-server thread. On PostgreSQL it is the threaded server, so the posts
really run concurrently, each request on its own connection. The SQLite test database is in
memory, and Django hands the server its single connection: concurrent requests on one
connection would corrupt each other's transactions, so there the server answers one request at
a time (the 8 clients still post at once and queue, as SQLite serialises writers anyway).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from firegrid.grids.models import Grid
from firegrid.hazards.models import HazardCategory
from firegrid.reports.models import Report, ReportService
from firegrid.reports.open311.auth import open311_client_create
from firegrid.reports.open311.loadcheck import check_database, post_concurrently

REPORTS = 100
THREADS = 8


class SerialWSGIServer(WSGIServer):
    """Django's WSGIServer answering one request at a time, taking the live-server arguments."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


@pytest.fixture
def server_url(transactional_db: Any, settings: Any) -> Iterator[str]:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and getattr(conn, "is_in_memory_db", lambda: False)()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()

    class Thread(LiveServerThread):
        server_class = SerialWSGIServer if shared else ThreadedWSGIServer

    thread = Thread("127.0.0.1", _StaticFilesHandler, connections_override=shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()


def points_in_leaves(leaves: list[Grid], count: int, seed: int) -> list[tuple[float, float]]:
    """`count` points spread round-robin over the leaves, each well inside its bounding box
    (the small jurisdiction's leaves are axis-aligned squares)."""
    rng = random.Random(seed)
    points = []
    for n in range(count):
        leaf = leaves[n % len(leaves)]
        margin_x = (leaf.max_lon - leaf.min_lon) * 0.05
        margin_y = (leaf.max_lat - leaf.min_lat) * 0.05
        points.append(
            (
                round(rng.uniform(leaf.min_lon + margin_x, leaf.max_lon - margin_x), 6),
                round(rng.uniform(leaf.min_lat + margin_y, leaf.max_lat - margin_y), 6),
            )
        )
    return points


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_open311_posts_are_neither_lost_nor_duplicated(
    server_url: str, small_jurisdiction: dict[str, Grid]
) -> None:
    category = HazardCategory.objects.order_by("id").first()
    assert category is not None
    ReportService.objects.create(code="load-test", name="负载测试", hazard_category=category)
    _client, key = open311_client_create(actor=None, name="load test")
    leaves = [g for g in small_jurisdiction.values() if g.depth == 3]
    assert len(leaves) == 8
    points = points_in_leaves(leaves, REPORTS, seed=6)

    result = post_concurrently(
        f"{server_url}/open311/v2",
        api_key=key,
        service_code="load-test",
        points=points,
        threads=THREADS,
    )

    check = check_database(result, points)
    assert check.failures == []
    assert check.counts == {
        "answered 201": REPORTS,
        "reports stored": REPORTS,
        "lost": 0,
        "duplicated": 0,
        "routed to exactly one covering leaf": REPORTS,
    }
    assert Report.objects.count() == REPORTS
    per_leaf = {leaf.pk: Report.objects.filter(grid=leaf).count() for leaf in leaves}
    assert sorted(per_leaf.values()) == [12, 12, 12, 12, 13, 13, 13, 13]
