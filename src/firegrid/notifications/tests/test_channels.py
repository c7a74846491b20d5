"""The 企业微信 group-robot channel against a tiny HTTP server on 127.0.0.1 (no real network)."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from firegrid.notifications.models import Notification
from firegrid.notifications.services import notification_deliver, notify


class Robot(HTTPServer):
    """Records each POST; answers with `status` and `answer` like the WeCom webhook does."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RobotHandler)
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.status = 200
        self.answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}

    @property
    def url(self) -> str:
        return f"wecom+http://127.0.0.1:{self.server_address[1]}/cgi-bin/webhook/send?key=secret-k"


class RobotHandler(BaseHTTPRequestHandler):
    server: Robot

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers["Content-Length"])
        self.server.received.append((self.path, json.loads(self.rfile.read(length))))
        body = json.dumps(self.server.answer).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def robot() -> Iterator[Robot]:
    server = Robot()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _escalate(people: dict[str, Any]) -> list[int]:
    rows = notify(
        recipients=[people["alice"].person, people["carol"]],
        kind="hazard.escalated",
        subject="隐患逾期未整改，已升级至街道",
        body="出租屋一：疏散通道堵塞",
        link="/hazards/7/",
    )
    return [n.pk for n in rows]


def test_wecom_robot_receives_one_text_message_naming_all_recipients(
    people: dict[str, Any], settings: Any, robot: Robot, django_capture_on_commit_callbacks: Any
) -> None:
    settings.FIREGRID_NOTIFY_CHANNELS = [robot.url]
    settings.FIREGRID_SITE_URL = "https://firegrid.example.org/"

    with django_capture_on_commit_callbacks(execute=True):
        _escalate(people)

    assert robot.received == [
        (
            "/cgi-bin/webhook/send?key=secret-k",
            {
                "msgtype": "text",
                "text": {
                    "content": "【FireGrid】隐患逾期未整改，已升级至街道\n出租屋一：疏散通道堵塞\n"
                    "https://firegrid.example.org/hazards/7/\n→ alice、carol"
                },
            },
        )
    ]
    assert Notification.objects.filter(delivered_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("status", "answer", "logged"),
    [
        (500, {}, "HTTP Error 500"),
        (200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "refused the message: 93000"),
    ],
)
def test_a_failing_webhook_is_logged_and_never_raised(
    people: dict[str, Any],
    settings: Any,
    robot: Robot,
    caplog: Any,
    status: int,
    answer: dict[str, Any],
    logged: str,
) -> None:
    settings.FIREGRID_NOTIFY_CHANNELS = [robot.url]
    robot.status, robot.answer = status, answer
    ids = _escalate(people)

    with caplog.at_level(logging.WARNING, logger="firegrid.notify"):
        assert notification_deliver(ids=ids) == 2

    assert len(robot.received) == 1
    assert logged in caplog.text
    assert "secret-k" not in caplog.text  # the robot's key stays out of the logs
    assert Notification.objects.count() == 2


def test_an_unreachable_webhook_is_logged_and_never_raised(
    people: dict[str, Any], settings: Any, caplog: Any
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.FIREGRID_NOTIFY_CHANNELS = [f"wecom+http://127.0.0.1:{port}/send?key=k"]
    ids = _escalate(people)

    with caplog.at_level(logging.WARNING, logger="firegrid.notify"):
        assert notification_deliver(ids=ids) == 2

    assert f"wecom webhook http://127.0.0.1:{port}/send failed" in caplog.text


def test_long_messages_are_cut_to_the_robots_limit(
    people: dict[str, Any], settings: Any, robot: Robot
) -> None:
    settings.FIREGRID_NOTIFY_CHANNELS = [robot.url]
    rows = notify(recipients=[people["carol"]], kind="k", subject="长", body="隐" * 2000)
    notification_deliver(ids=[n.pk for n in rows])
    content = robot.received[0][1]["text"]["content"]
    assert len(content.encode("utf-8")) <= 2048
    assert content.startswith("【FireGrid】长\n隐隐")
