"""A bounded Open311 load check on loopback, shared by `benchmarks/bench_open311.py` and the
pytest load test: post N reports concurrently through one API key, then check the database.

Posting uses only the standard library (`http.client`, one keep-alive connection per thread);
checking reads the Report rows the posts created (each post carries a unique marker in its
description) and re-routes every point with shapely against the stored grid boundaries.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import shapely

MARKER = "负载测试"  # "load test": every posted description starts with it, then its number


@dataclass(frozen=True)
class Posted:
    number: int
    status: int
    seconds: float
    service_request_id: str
    body: str


@dataclass
class LoadResult:
    posted: list[Posted]
    wall_seconds: float

    @property
    def latencies(self) -> list[float]:
        return sorted(p.seconds for p in self.posted)

    def percentile(self, share: float) -> float:
        """Nearest-rank percentile of the request latencies, in seconds."""
        values = self.latencies
        if not values:
            return 0.0
        rank = max(1, int(round(share * len(values) + 0.4999)))
        return values[min(rank, len(values)) - 1]

    @property
    def throughput(self) -> float:
        return len(self.posted) / self.wall_seconds if self.wall_seconds else 0.0


def post_concurrently(
    base_url: str,
    *,
    api_key: str,
    service_code: str,
    points: list[tuple[float, float]],
    threads: int,
    jurisdiction_id: str = "",
    timeout: float = 60.0,
) -> LoadResult:
    """POST one report per (lon, lat) point to `<base_url>/requests.json` from `threads`
    workers; report number n has the description f"{MARKER} {n}"."""
    parts = urlsplit(base_url.rstrip("/"))
    host, port, path = parts.hostname or "127.0.0.1", parts.port, f"{parts.path}/requests.json"
    work: queue.Queue[int] = queue.Queue()
    for number in range(len(points)):
        work.put(number)
    results: list[Posted] = []
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            while True:
                try:
                    number = work.get_nowait()
                except queue.Empty:
                    return
                lon, lat = points[number]
                fields = {
                    "api_key": api_key,
                    "service_code": service_code,
                    "lat": f"{lat:.7f}",
                    "long": f"{lon:.7f}",
                    "description": f"{MARKER} {number}",
                    "device_id": f"load-{number % 97}",
                }
                if jurisdiction_id:
                    fields["jurisdiction_id"] = jurisdiction_id
                body = urlencode(fields).encode("utf-8")
                headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
                start = time.perf_counter()
                try:
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    status, text = response.status, response.read().decode("utf-8")
                except (OSError, http.client.HTTPException) as exc:
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=timeout)
                    status, text = 0, repr(exc)
                seconds = time.perf_counter() - start
                request_id = ""
                if status == 201:
                    request_id = str(json.loads(text)[0]["service_request_id"])
                with lock:
                    results.append(Posted(number, status, seconds, request_id, text[:300]))
        finally:
            connection.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return LoadResult(sorted(results, key=lambda p: p.number), time.perf_counter() - started)


@dataclass
class Check:
    failures: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures


def check_database(result: LoadResult, points: list[tuple[float, float]]) -> Check:
    """Zero lost, zero duplicated, each report in exactly one leaf grid that covers its point."""
    from firegrid.grids.models import Grid
    from firegrid.reports.models import Report

    check = Check()
    expected = len(points)
    statuses = Counter(p.status for p in result.posted)
    check.counts["answered 201"] = statuses.get(201, 0)
    if statuses.get(201, 0) != expected:
        samples = [p.body for p in result.posted if p.status != 201][:3]
        check.failures.append(
            f"HTTP statuses {dict(statuses)}, expected {expected} x 201 {samples}"
        )
    rows = list(
        Report.objects.filter(description__startswith=MARKER).values_list(
            "tracking_code", "token", "description", "grid_id", "lon", "lat"
        )
    )
    check.counts["reports stored"] = len(rows)
    if len(rows) != expected:
        check.failures.append(f"{len(rows)} reports stored, expected {expected}")
    numbers = Counter(int(description.split()[-1]) for _c, _t, description, *_rest in rows)
    lost = set(range(expected)) - set(numbers)
    duplicated = [n for n, count in numbers.items() if count > 1]
    check.counts["lost"], check.counts["duplicated"] = len(lost), len(duplicated)
    if lost or duplicated:
        check.failures.append(f"lost {sorted(lost)[:10]}, duplicated {sorted(duplicated)[:10]}")
    for label, index in (("tracking codes", 0), ("tokens", 1)):
        values = [row[index] for row in rows]
        if len(set(values)) != len(values):
            check.failures.append(f"duplicate {label}")
    answered = {p.service_request_id for p in result.posted if p.service_request_id}
    if answered != {row[0] for row in rows}:
        check.failures.append("the answered service_request_ids are not the stored ones")

    leaves = dict(
        Grid.objects.filter(children__isnull=True).values_list("id", "boundary").distinct()
    )
    shapes = {pk: shapely.geometry.shape(boundary) for pk, boundary in leaves.items()}
    tree_ids = list(shapes)
    tree = shapely.STRtree([shapes[pk] for pk in tree_ids])
    wrong = 0
    for _code, _token, description, grid_id, lon, lat in rows:
        number = int(description.split()[-1])
        point = shapely.Point(lon, lat)
        # predicate(point, leaf): the leaves whose boundary covers the point
        covering = sorted(tree_ids[i] for i in tree.query(point, predicate="covered_by"))
        sent = points[number]
        if (
            grid_id not in shapes
            or covering != [grid_id]
            or abs(lon - sent[0]) > 1e-6
            or abs(lat - sent[1]) > 1e-6
        ):
            wrong += 1
    check.counts["routed to exactly one covering leaf"] = len(rows) - wrong
    if wrong:
        check.failures.append(f"{wrong} reports not in exactly one leaf grid covering the point")
    return check
