"""client_ip (core/net.py): X-Forwarded-For is believed only from trusted proxies."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from firegrid.config.settings.base import proxy_ssl_header
from firegrid.core.net import client_ip


def request(remote: str, forwarded: str | None = None) -> HttpRequest:
    made = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return made


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # no proxy trusted for this socket address: the header is ignored
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # from our proxy: the address it appended
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        # a client-forged entry on the left is not believed
        ("10.0.0.2", "1.1.1.1, 198.51.100.1", "198.51.100.1"),
        # two hops of our own: skip them, take the right-most untrusted one
        ("10.0.0.2", "1.1.1.1, 198.51.100.1, 10.0.0.3", "198.51.100.1"),
        # ports and IPv6 brackets are stripped
        ("10.0.0.2", "198.51.100.1:5678", "198.51.100.1"),
        ("10.0.0.2", "[2001:db8::7]:443", "2001:db8::7"),
        # garbage appended: keep the last address a trusted hop vouched for
        ("10.0.0.2", "198.51.100.1, not-an-ip", "10.0.0.2"),
        # from our proxy but without the header: the proxy itself
        ("10.0.0.2", None, "10.0.0.2"),
        # only our own hops: the left-most of them
        ("10.0.0.2", "10.0.0.5", "10.0.0.5"),
    ],
)
def test_client_ip_believes_forwarded_for_only_from_trusted_proxies(
    settings, remote, forwarded, expected
):
    settings.FIREGRID_TRUSTED_PROXIES = ["10.0.0.0/24"]

    assert client_ip(request(remote, forwarded)) == expected


def test_without_trusted_proxies_the_socket_address_is_the_client(settings):
    settings.FIREGRID_TRUSTED_PROXIES = []

    assert client_ip(request("127.0.0.1", "198.51.100.1")) == "127.0.0.1"


def test_the_proxy_ssl_header_setting_is_parsed():
    assert proxy_ssl_header("") is None
    assert proxy_ssl_header("X-Forwarded-Proto") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header("X-Forwarded-Ssl=on") == ("HTTP_X_FORWARDED_SSL", "on")
