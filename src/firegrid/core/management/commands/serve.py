"""`firegrid serve`: gunicorn for the web and a huey consumer for background work, as one unit.

Static files are served by whitenoise straight from the app directories (no collectstatic step).

Supervision (issue 12):
- It refuses to start outside demo mode with the demo secret key or without FIREGRID_PII_KEYS
  (the ``firegrid_production`` deploy checks, firegrid/core/checks.py); in demo mode it warns.
- Children die with it, even on ``kill -9`` (Linux ``PR_SET_PDEATHSIG``: they get SIGTERM when
  serve's process ends; gunicorn's workers then stop with their arbiter), so the port is freed.
- SIGINT/SIGTERM are forwarded to both children and end serve with status 0; SIGHUP reloads
  gunicorn's workers.
- The consumer crashing does not take the web down: it is restarted after a back-off (1 s,
  doubling to 60 s; reset after a minute of running), each restart logged.
- gunicorn exiting on its own ends serve with its status, so systemd/docker see the failure.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.core import checks
from django.core.management.base import BaseCommand, CommandError, CommandParser

from firegrid.core.checks import TAG as PRODUCTION_TAG

STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2
RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 60.0
STABLE_SECONDS = 60.0  # a consumer that ran this long before dying restarts after the first delay
PR_SET_PDEATHSIG = 1

log = logging.getLogger("firegrid.serve")


class Command(BaseCommand):
    help = "Serve FireGrid with gunicorn (+ whitenoise) and run the huey consumer beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument(
            "--no-consumer", action="store_true", help="do not start the huey consumer"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.refuse_unsafe_settings()
        web = Child("web", gunicorn_command(options["host"], options["port"], options["workers"]))
        consumer = None if options["no_consumer"] else Child("consumer", consumer_command())
        supervisor = Supervisor(web, consumer)
        supervisor.start()
        self.stdout.write(f"FireGrid is serving on http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        code = supervisor.run()
        if code != 0:
            raise CommandError(
                f"the web server exited with status {code}", returncode=code if code > 0 else 1
            )

    def refuse_unsafe_settings(self) -> None:
        found = checks.run_checks(include_deployment_checks=True, tags=[PRODUCTION_TAG])
        serious = [message for message in found if message.is_serious()]
        for message in found:
            style = self.style.ERROR if message.is_serious() else self.style.WARNING
            banner = "!" * 78
            self.stderr.write(style(f"{banner}\n{message}\n{banner}"))  # hint = the fix
        if serious:
            raise CommandError(
                "refusing to start with demo or missing secrets outside demo mode "
                "(see the fixes above and docs/DEPLOY.md)",
                returncode=2,
            )


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        # A stop (ours, or our death) must free the port quickly.
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
        "firegrid.config.wsgi:application",
    ]


def consumer_command() -> list[str]:
    return [sys.executable, "-m", "firegrid.cli", "run_huey"]


def _load_prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    return libc.prctl


def die_with_parent(parent_pid: int) -> Callable[[], None]:
    """A `preexec_fn`: the child gets SIGTERM when the parent dies, even by SIGKILL (Linux)."""
    prctl = _load_prctl()  # loaded before fork: the child only calls it

    def preexec() -> None:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


class Child:
    """One supervised process: its command, the running Popen, when it started."""

    def __init__(self, name: str, command: list[str]) -> None:
        self.name = name
        self.command = command
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            self.command, preexec_fn=die_with_parent(os.getpid())
        )
        self.started_at = time.monotonic()

    def poll(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, signum: int) -> None:
        if self.process is not None and self.running():
            self.process.send_signal(signum)


class Supervisor:
    def __init__(self, web: Child, consumer: Child | None) -> None:
        self.web = web
        self.consumer = consumer
        self.stopping = False
        self.restart_delay = RESTART_FIRST_SECONDS
        self.restart_at: float | None = None

    def children(self) -> list[Child]:
        return [self.web, *([self.consumer] if self.consumer is not None else [])]

    def start(self) -> None:
        for child in self.children():
            child.start()
        signal.signal(signal.SIGINT, self.forward)
        signal.signal(signal.SIGTERM, self.forward)
        signal.signal(signal.SIGHUP, self.reload)

    def forward(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True
        for child in self.children():
            child.send(signum)

    def reload(self, signum: int, _frame: FrameType | None) -> None:
        self.web.send(signum)  # gunicorn: reload the configuration, restart workers gracefully

    def run(self) -> int:
        """Until the web server exits; its status (0 after a forwarded stop)."""
        try:
            while True:
                code = self.web.poll()
                if code is not None:
                    if self.stopping and code in (0, -signal.SIGTERM, -signal.SIGINT):
                        return 0
                    log.error("the web server (gunicorn) exited with status %s", code)
                    return code
                if not self.stopping:
                    self.watch_consumer()
                time.sleep(POLL_SECONDS)
        finally:
            self.stop_all()

    def watch_consumer(self) -> None:
        consumer = self.consumer
        if consumer is None:
            return
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restart_at = None
                consumer.start()
                pid = consumer.process.pid if consumer.process is not None else None
                log.warning("restarted the background consumer (pid %s)", pid)
            return
        code = consumer.poll()
        if code is None:
            return
        if now - consumer.started_at >= STABLE_SECONDS:
            self.restart_delay = RESTART_FIRST_SECONDS
        log.error(
            "the background consumer exited with status %s; restarting it in %.0f s",
            code,
            self.restart_delay,
        )
        self.restart_at = now + self.restart_delay
        self.restart_delay = min(RESTART_MAX_SECONDS, self.restart_delay * 2)

    def stop_all(self) -> None:
        for child in self.children():
            child.send(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children():
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
