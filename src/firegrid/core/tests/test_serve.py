"""`firegrid serve` as a supervisor: real processes, a free port, SQLite in a temporary directory.

kill -9 of serve frees the port (children die with it) and a new serve starts on it; a killed
consumer is restarted while the web keeps answering; outside demo mode the demo secret is refused.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

# /proc and PR_SET_PDEATHSIG are Linux's. Outside CI another system skips; under CI=true the tests
# run whatever the platform, so a missing capability fails loudly instead of hiding.
LINUX_ONLY = pytest.mark.skipif(
    not sys.platform.startswith("linux") and not os.environ.get("CI"),
    reason="uses /proc and PR_SET_PDEATHSIG (Linux); never skipped under CI",
)
pytestmark = LINUX_ONLY

CLI = [sys.executable, "-m", "firegrid.cli"]
WAIT_SECONDS = 60.0


@pytest.fixture(scope="module")
def serve_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    var = tmp_path_factory.mktemp("serve")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "firegrid.config.settings.base",
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "FIREGRID_VAR_DIR": str(var),
        "FIREGRID_DEMO": "1",
    }
    subprocess.run([*CLI, "migrate", "-v", "0"], env=env, check=True, timeout=180)  # noqa: S603
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def health(port: int) -> tuple[int, bytes]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
        return int(response.status), response.read()


def wait_for_health(port: int) -> tuple[int, bytes]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return health(port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def children_of(pid: int) -> dict[int, str]:
    """{pid: command line} of the processes whose parent is `pid`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return bool(predicate())  # type: ignore[operator]


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603
            [*CLI, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: cleanup can reach every child
        )
    try:
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def test_kill_9_of_serve_frees_the_port_and_a_second_serve_starts(
    serve_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    with serving(serve_env, port, tmp_path / "first.log") as first:
        assert wait_for_health(port) == (200, b'{"status": "ok"}')
        children = children_of(first.pid)
        assert sorted("gunicorn" in cmd or "run_huey" in cmd for cmd in children.values()) == [
            True,
            True,
        ]
        grandchildren = [pid for child in children for pid in children_of(child)]

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        assert wait_until(lambda: not listening(port), 10), "the port is still listened on"
        leftovers = [pid for pid in [*children, *grandchildren] if alive(pid)]
        assert wait_until(lambda: not [pid for pid in leftovers if alive(pid)], 15)

    with serving(serve_env, port, tmp_path / "second.log") as second:
        assert wait_for_health(port) == (200, b'{"status": "ok"}')
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    assert not listening(port)


def test_a_killed_consumer_is_restarted_and_the_web_keeps_answering(
    serve_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with serving(serve_env, port, log) as server:
        wait_for_health(port)

        def consumers() -> list[int]:
            return [pid for pid, cmd in children_of(server.pid).items() if "run_huey" in cmd]

        assert wait_until(lambda: len(consumers()) == 1, 10)
        (crashed,) = consumers()
        os.kill(crashed, signal.SIGKILL)

        assert health(port)[0] == 200
        assert wait_until(lambda: consumers() not in ([], [crashed]), 20)
        assert health(port)[0] == 200
        assert server.poll() is None
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    text = log.read_text(errors="replace")
    assert "the background consumer exited with status -9; restarting it in 1 s" in text
    assert "restarted the background consumer (pid" in text


def test_serve_refuses_the_demo_secret_outside_demo_mode(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"FIREGRID_DEMO", "FIREGRID_SECRET_KEY", "FIREGRID_PII_KEYS"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "firegrid.config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "FIREGRID_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(  # noqa: S603
        [*CLI, "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert "(firegrid.E001) FIREGRID_SECRET_KEY is not set" in done.stderr
    assert "secrets.token_urlsafe(50)" in done.stderr
    assert "(firegrid.E002) FIREGRID_PII_KEYS is not set" in done.stderr
    assert "firegrid pii generate-key" in done.stderr
    assert "refusing to start" in done.stderr
    assert done.stdout == ""
