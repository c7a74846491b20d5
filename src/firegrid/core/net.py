"""The client's address, believing X-Forwarded-For only from the reverse proxies we trust.

Behind nginx every request comes from the proxy's socket, so rate limits and login throttling
need the forwarded address; but a client can put anything in X-Forwarded-For itself. Each trusted
proxy appends the address it saw on the right, so the right-most address that is not one of our
proxies is the one a trusted hop vouched for (FIREGRID_TRUSTED_PROXIES, IPs or CIDRs).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"FIREGRID_TRUSTED_PROXIES: {exc}") from exc


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "FIREGRID_TRUSTED_PROXIES", ()) or ()))


def parse_address(text: str) -> Address | None:
    """An IP address from a header entry (``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:80``), or None."""
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4 with a port; bare IPv6 has several colons
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: Any) -> str:
    """The socket address, unless it is a trusted proxy: then the right-most untrusted
    X-Forwarded-For address. Used for rate limits, abuse blocks and login throttling (axes)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = trusted_proxies()
    address = parse_address(remote)
    if not networks or address is None or not _trusted(address, networks):
        return remote
    vouched = str(address)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    for entry in reversed(forwarded.split(",")):
        hop = parse_address(entry)
        if hop is None:
            # Garbage cannot be what a trusted proxy appended: keep the last address it vouched for.
            return vouched
        if not _trusted(hop, networks):
            return str(hop)
        vouched = str(hop)
    return vouched
