"""Pluggable outbound channels for notifications, configured by URL.

`FIREGRID_NOTIFY_CHANNELS` lists them, e.g. ``["log",
"wecom+https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
"mailto:a@example.org,b@example.org"]``.
Group channels (企业微信群机器人, a mailing list) get one message per notification batch, naming
its recipients, so a sweep that notifies three people posts once. A channel never raises: a
failure is logged and the in-app inbox row stays the record.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger("firegrid.notify")

WECOM_TIMEOUT_SECONDS = 5.0
WECOM_MAX_BYTES = 2048  # the group robot rejects longer text messages
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    body: str
    link: str
    recipients: tuple[str, ...]

    def as_text(self) -> str:
        lines = [f"【FireGrid】{self.subject}"]
        if self.body:
            lines.append(self.body)
        if self.link:
            lines.append(absolute_link(self.link))
        if self.recipients:
            lines.append("→ " + "、".join(self.recipients))
        return "\n".join(lines)


def absolute_link(link: str) -> str:
    base = str(getattr(settings, "FIREGRID_SITE_URL", "") or "").rstrip("/")
    return f"{base}{link}" if base and link.startswith("/") else link


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None: ...


class LogChannel:
    name = "log"

    def send(self, message: Message) -> None:
        logger.info(
            "notify %s to %s: %s", message.kind, ", ".join(message.recipients), message.subject
        )


class WeComChannel:
    """企业微信群机器人 webhook: POST {"msgtype": "text", "text": {"content": …}}."""

    name = "wecom"

    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def safe_url(self) -> str:
        """The URL without its query: the robot's key is a secret and stays out of the logs."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    def send(self, message: Message) -> None:
        content = message.as_text().encode("utf-8")[:WECOM_MAX_BYTES].decode("utf-8", "ignore")
        payload = json.dumps(
            {"msgtype": "text", "text": {"content": content}}, ensure_ascii=False
        ).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 (scheme checked in channel_from_url)
            self.url,
            data=payload,
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        # A loopback relay is reached directly, whatever proxy the environment names.
        local = urlsplit(self.url).hostname in LOOPBACK_HOSTS
        opener = urllib.request.build_opener(*([urllib.request.ProxyHandler({})] if local else []))
        try:
            with opener.open(request, timeout=WECOM_TIMEOUT_SECONDS) as response:
                answer = json.loads(response.read() or b"{}")
        except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts, bad JSON
            logger.warning("wecom webhook %s failed: %s", self.safe_url, exc)
            return
        if answer.get("errcode", 0) != 0:
            logger.warning(
                "wecom webhook %s refused the message: %s %s",
                self.safe_url,
                answer.get("errcode"),
                answer.get("errmsg", ""),
            )


class MailChannel:
    name = "mailto"

    def __init__(self, addresses: list[str]) -> None:
        self.addresses = addresses

    def send(self, message: Message) -> None:
        try:
            send_mail(
                subject=f"[FireGrid] {message.subject}",
                message=message.as_text(),
                from_email=None,
                recipient_list=self.addresses,
            )
        except Exception:  # an SMTP outage must not break the sweep that notified
            logger.exception("email to %s failed", ", ".join(self.addresses))


ChannelFactory = Callable[[str], Channel | None]


def _log(url: str) -> Channel | None:
    return LogChannel()


def _wecom(url: str) -> Channel | None:
    target = url.removeprefix("wecom+")
    parts = urlsplit(target)
    # Plain http only to this machine (tests, a local relay); the real robot is https.
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return WeComChannel(target)
    return None


def _mailto(url: str) -> Channel | None:
    addresses = [a.strip() for a in url.removeprefix("mailto:").split(",") if a.strip()]
    return MailChannel(addresses) if addresses else None


CHANNEL_FACTORIES: dict[str, ChannelFactory] = {
    "log": _log,
    "wecom": _wecom,
    "mailto": _mailto,
}


def register_channel(scheme: str, factory: ChannelFactory) -> None:
    """Add a channel kind: `factory(url)` is called with each configured URL of that scheme."""
    CHANNEL_FACTORIES[scheme] = factory


def channel_from_url(url: str) -> Channel | None:
    scheme = url.split(":", 1)[0].split("+", 1)[0].strip().lower()
    factory = CHANNEL_FACTORIES.get(scheme)
    channel = factory(url.strip()) if factory else None
    if channel is None:
        logger.error("ignoring notification channel %r: not understood", scheme or url[:20])
    return channel


def channel_urls(entries: list[str] | str) -> list[str]:
    """The configured URLs, re-joining `mailto:a@b,c@d` that a comma-split env list cut apart."""
    if isinstance(entries, str):
        entries = entries.split(",")
    urls: list[str] = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        if urls and urls[-1].startswith("mailto:") and ":" not in entry and "@" in entry:
            urls[-1] = f"{urls[-1]},{entry}"
        else:
            urls.append(entry)
    return urls


def configured_channels() -> list[Channel]:
    urls = channel_urls(getattr(settings, "FIREGRID_NOTIFY_CHANNELS", ["log"]))
    channels = [channel_from_url(url) for url in urls]
    return [channel for channel in channels if channel is not None]
