"""`firegrid serve`: gunicorn for the web and a huey consumer for background work, as one unit.

Static files are served by whitenoise straight from the app directories (no collectstatic step).
Both children get SIGINT/SIGTERM forwarded; when either one dies the other is stopped too, so a
supervisor (systemd, docker) sees the failure instead of a half-working service.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2


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
        commands = [gunicorn_command(options["host"], options["port"], options["workers"])]
        if not options["no_consumer"]:
            commands.append([sys.executable, "-m", "firegrid.cli", "run_huey"])
        children = [subprocess.Popen(command) for command in commands]  # noqa: S603
        forward_signals(children)
        self.stdout.write(f"FireGrid is serving on http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        code = wait_for_first_exit(children)
        stop_all(children)
        if code != 0:
            raise CommandError(
                f"a child process exited with status {code}", returncode=code if code > 0 else 1
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
        "--access-logfile",
        "-",
        "firegrid.config.wsgi:application",
    ]


def forward_signals(children: list[subprocess.Popen[bytes]]) -> None:
    def forward(signum: int, _frame: FrameType | None) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)


def wait_for_first_exit(children: list[subprocess.Popen[bytes]]) -> int:
    """Block until one child exits; returns its exit status (0 after a forwarded stop)."""
    while True:
        for child in children:
            code = child.poll()
            if code is not None:
                return 0 if code in (0, -signal.SIGTERM, -signal.SIGINT) else code
        time.sleep(POLL_SECONDS)


def stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
