"""Background work: django-tasks → huey. In tests huey runs tasks immediately (MemoryHuey); one
test drives a real `firegrid run_huey` consumer against temporary SQLite files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils.dateparse import parse_datetime

from firegrid.core.models import SystemState
from firegrid.core.services import HEARTBEAT_KEY
from firegrid.core.tasks import heartbeat

CONSUMER_WAIT_SECONDS = 30.0
POLL_SECONDS = 0.2


@pytest.mark.django_db
def test_heartbeat_enqueued_through_django_tasks_runs_after_commit_and_is_recorded(
    django_capture_on_commit_callbacks,
):
    assert not SystemState.objects.filter(key=HEARTBEAT_KEY).exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = heartbeat.enqueue()
        # Enqueued on commit: nothing has run while the transaction is open.
        assert not SystemState.objects.filter(key=HEARTBEAT_KEY).exists()

    assert len(callbacks) == 1
    state = SystemState.objects.get(key=HEARTBEAT_KEY)
    assert heartbeat.get_backend().get_result(result.id).return_value == state.value["at"]
    assert parse_datetime(state.value["at"]) is not None
    assert state.value["pid"] == os.getpid()


# Redis database 15 is this test's own; it is emptied before use.
TEST_REDIS_URL = os.environ.get("FIREGRID_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def firegrid_env(tmp_path: Path, queue: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "FIREGRID_REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="firegrid.config.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        FIREGRID_VAR_DIR=str(tmp_path),
    )
    if queue == "redis":
        env["FIREGRID_REDIS_URL"] = TEST_REDIS_URL
    return env


def empty_test_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=3).flushdb()
    except redis.ConnectionError as exc:
        message = f"Redis is not reachable at {TEST_REDIS_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(f"{message}; this skip becomes a failure under CI")


def firegrid(*args: str) -> list[str]:
    return [sys.executable, "-m", "firegrid.cli", *args]


def read_heartbeat(database: Path) -> dict[str, object] | None:
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT value FROM core_systemstate WHERE key = ?", (HEARTBEAT_KEY,)
        ).fetchone()
    return json.loads(row[0]) if row else None


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_a_real_consumer_runs_a_task_enqueued_by_another_process(tmp_path, queue):
    if queue == "redis":
        empty_test_redis()
    env = firegrid_env(tmp_path, queue)
    subprocess.run(firegrid("migrate", "-v", "0"), env=env, check=True, timeout=120)  # noqa: S603
    consumer = subprocess.Popen(  # noqa: S603
        firegrid("run_huey", "--no-periodic"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        subprocess.run(  # noqa: S603
            firegrid(
                "shell", "-c", "from firegrid.core.tasks import heartbeat; heartbeat.enqueue()"
            ),
            env=env,
            check=True,
            timeout=60,
        )
        beat = None
        deadline = time.monotonic() + CONSUMER_WAIT_SECONDS
        while beat is None and time.monotonic() < deadline and consumer.poll() is None:
            time.sleep(POLL_SECONDS)
            beat = read_heartbeat(tmp_path / "db.sqlite3")
    finally:
        consumer.terminate()
        _out, err = consumer.communicate(timeout=30)
    assert beat is not None, err.decode(errors="replace")[-2000:]
    assert beat["pid"] == consumer.pid  # run by the consumer, not by the enqueuing shell
    # The queue store the setting names was used, and only that one.
    assert (tmp_path / "huey.sqlite3").exists() == (queue == "sqlite")
