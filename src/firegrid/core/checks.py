"""Production readiness: the demo secret and a missing PII key are errors outside demo mode.

Deploy checks (`firegrid check --deploy`), tagged ``firegrid_production``; `firegrid serve` runs
them before starting and refuses on an error. In demo mode (FIREGRID_DEMO=1) they are warnings.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

TAG = "firegrid_production"
KEY_HINT = (
    "Set FIREGRID_SECRET_KEY to a long random value, e.g. export FIREGRID_SECRET_KEY="
    "\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\""
    " (docs/DEPLOY.md). For a local demo only, set FIREGRID_DEMO=1."
)
PII_HINT = (
    'Set FIREGRID_PII_KEYS, e.g. export FIREGRID_PII_KEYS="$(firegrid pii generate-key)"; data '
    "written before with the derived key: append the output of `firegrid pii legacy-key` and run "
    "`firegrid pii rotate` (docs/DEPLOY.md). For a local demo only, set FIREGRID_DEMO=1."
)


@register(Tags.security, TAG, deploy=True)
def production_secrets(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    demo = bool(getattr(settings, "FIREGRID_DEMO", False))
    level = Warning if demo else Error
    messages: list[CheckMessage] = []
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        messages.append(
            level(
                "FIREGRID_SECRET_KEY is not set: the committed demo secret key is in use, so "
                "anyone can forge sessions and signed links.",
                hint=KEY_HINT,
                id="firegrid.W001" if demo else "firegrid.E001",
            )
        )
    keys = list(getattr(settings, "FIREGRID_PII_KEYS", []) or [])
    if not keys:
        messages.append(
            level(
                "FIREGRID_PII_KEYS is not set: personal data (ID numbers, phones) would be "
                "encrypted with a key derived from the secret key.",
                hint=PII_HINT,
                id="firegrid.W002" if demo else "firegrid.E002",
            )
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            messages.append(
                Error(
                    f"FIREGRID_PII_KEYS entry {position} is not a Fernet key "
                    "(32 url-safe base64-encoded bytes).",
                    hint="Generate one with `firegrid pii generate-key`.",
                    id="firegrid.E003",
                )
            )
    return messages
