"""Personal data at rest (个人信息保护): Fernet encryption, masking and a keyed digest.

Keys come from ``FIREGRID_PII_KEYS`` (comma-separated Fernet keys, newest first, so a key can be
rotated without re-encrypting at once; `firegrid pii rotate` then re-encrypts with the newest).
Without it, a key is derived from the secret key in demo mode only (`FIREGRID_DEMO`); anywhere
else that would let anyone holding the committed demo secret read the database, so it is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def derived_key(secret_key: str) -> str:
    """The key used before FIREGRID_PII_KEYS was set (the demo's): list it last to read old data."""
    derived = hashlib.sha256(("firegrid-pii:" + secret_key).encode("utf-8")).digest()
    return base64.urlsafe_b64encode(derived).decode("ascii")


def _keys() -> tuple[str, ...]:
    configured = tuple(getattr(settings, "FIREGRID_PII_KEYS", ()) or ())
    if configured:
        return configured
    if not getattr(settings, "FIREGRID_DEMO", False):
        raise ImproperlyConfigured(
            "FIREGRID_PII_KEYS is not set: generate a key with `firegrid pii generate-key` "
            "(see docs/DEPLOY.md), or set FIREGRID_DEMO=1 for a demo."
        )
    return (derived_key(settings.SECRET_KEY),)


def fernet() -> MultiFernet:
    """All configured keys, newest first (encrypts with the newest, decrypts with any)."""
    return _fernet(_keys())


def newest_key_only() -> MultiFernet:
    return _fernet(_keys()[:1])


def newest_key() -> str:
    return _keys()[0]


def key_id(key: str) -> str:
    """A short public name for a key (first 12 hex of its SHA-256), for logs and the audit."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()[:12]


def encrypt(text: str) -> str:
    """A Fernet token for `text` ("" stays "", so empty fields need no key)."""
    if not text:
        return ""
    return _fernet(_keys()).encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(_keys()).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: the PII key does not match this value") from exc


def digest(text: str) -> str:
    """A keyed hash (HMAC-SHA256) of the normalised value: equal values match, nothing leaks."""
    if not text:
        return ""
    anchor = getattr(settings, "FIREGRID_PII_DIGEST_KEY", "") or _keys()[-1]
    key = hashlib.sha256(("firegrid-pii-digest:" + anchor).encode("utf-8")).digest()
    return hmac.new(key, text.upper().encode("utf-8"), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """``4101**********1234``: the first four and last four characters, the rest starred."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``138****1234`` for mobiles; landlines keep the area code and the last four digits."""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return "*" * len(value)
    if "-" in value:
        area, _, number = value.partition("-")
        return f"{area}-{'*' * (len(number) - 4)}{number[-4:]}"
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """A GB 11643 resident ID number: 18 characters with a correct check digit."""
    if not ID_NUMBER_RE.fullmatch(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]
