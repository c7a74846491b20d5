"""`firegrid status`, `firegrid audit verify` and `firegrid serve`."""

from __future__ import annotations

import datetime
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from firegrid.core.audit import audit_record
from firegrid.core.management.commands import status as status_command
from firegrid.core.selectors import system_status
from firegrid.core.services import heartbeat_record
from firegrid.grids.locator import current_grid_version

SERVE_WAIT_SECONDS = 60.0


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_status_shows_database_queue_heartbeat_and_grid_version(small_jurisdiction):
    heartbeat_record(now=timezone.now() - datetime.timedelta(seconds=30))

    lines = run("status").splitlines()

    assert lines[0].startswith(f"database: {connection.vendor} ")
    assert lines[0].endswith(" — reachable")
    assert lines[1] == "queue: huey.MemoryHuey — 0 pending"
    assert lines[2].startswith("last heartbeat: ")
    assert lines[2].endswith(("(30 s ago)", "(31 s ago)", "(32 s ago)"))
    assert lines[3] == f"grid version: {current_grid_version()}"


@pytest.mark.django_db
def test_status_without_a_heartbeat_says_never():
    assert "last heartbeat: never (is `firegrid run_huey` running?)" in run("status")


@pytest.mark.django_db
def test_status_exits_1_when_the_database_is_unreachable(monkeypatch):
    down = replace(system_status(), database_ok=False, database_error="connection refused")
    monkeypatch.setattr(status_command, "system_status", lambda: down)
    out = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("status", stdout=out)

    assert caught.value.returncode == 1
    assert "UNREACHABLE (connection refused)" in out.getvalue()
    assert "grid version" not in out.getvalue()


@pytest.mark.django_db
def test_audit_verify_on_an_intact_chain_exits_0():
    audit_record(actor=None, action="test.one")
    audit_record(actor=None, action="test.two")
    assert run("audit", "verify") == "audit chain intact: 2 events\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_python_m_firegrid_cli_runs_commands():
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "firegrid.cli", "help", "serve"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "--no-consumer" in done.stdout


def test_serve_answers_http_and_stops_on_sigterm(tmp_path: Path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "firegrid.config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "FIREGRID_VAR_DIR": str(tmp_path),
    }
    cli = [sys.executable, "-m", "firegrid.cli"]
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, check=True, timeout=120)  # noqa: S603
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [*cli, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group: a failed test can stop the children too
    )
    try:
        assert server.stdout is not None
        assert server.stdout.readline() == f"FireGrid is serving on http://127.0.0.1:{port}/\n"
        status = wait_for_http(f"http://127.0.0.1:{port}/login/")
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert status == 200


def wait_for_http(url: str) -> int:
    deadline = time.monotonic() + SERVE_WAIT_SECONDS
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                return int(response.status)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
