"""Errors of the citizen-report intake beyond the core ones: too many reports, a blocked sender.

Both are `firegrid.core.errors.ApplicationError`s, so the API envelope, Open311 and the pages
map them like any other (status 429 / 403 with a stable `code`)."""

from __future__ import annotations

from firegrid.core.errors import ApplicationError


class RateLimited(ApplicationError):
    """Too many reports from one IP address, device or Open311 client in the window."""

    code = "rate_limited"
    status = 429


class Blocked(ApplicationError):
    """The sender (IP, device, phone or Open311 client) is on the blocklist (恶意举报)."""

    code = "blocked"
    status = 403
