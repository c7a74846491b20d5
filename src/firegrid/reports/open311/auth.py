"""Open311 API keys: a client (a 12345 platform, an app) posts with `api_key`; we keep a digest.

The key is 43 URL-safe characters drawn from `secrets`; only its SHA-256 digest and first eight
characters are stored, so a database dump leaks no usable key. A key is shown once, when made.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import PermissionDenied

from ..models import Open311Client


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def open311_client_create(*, actor: Any, name: str, contact: str = "") -> tuple[Open311Client, str]:
    """A new active client and its key (the only time the key is known in clear)."""
    key = secrets.token_urlsafe(32)
    client = Open311Client.objects.create(
        name=name, contact=contact, key_digest=key_digest(key), key_prefix=key[:8], active=True
    )
    audit_record(actor=actor, action="open311.client_create", target=client, data={"name": name})
    return client, key


def client_for_key(key: str) -> Open311Client:
    """The active client holding `key`; PermissionDenied (→ 403) when missing, wrong or disabled."""
    key = key.strip()
    if not key:
        raise PermissionDenied(_("api_key is missing: posting a request needs an API key."))
    client = Open311Client.objects.filter(key_digest=key_digest(key), active=True).first()
    if client is None:
        raise PermissionDenied(_("Invalid api_key received: the key is unknown or disabled."))
    return client
