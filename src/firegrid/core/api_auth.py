"""API authentication: the browser session (with CSRF) or a bearer token for machine clients."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from .errors import NotAuthenticated
from .login_throttle import username_locked_until
from .models import ApiToken


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the clear key, which is shown once and never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(key))
    return token, key


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked=False, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        locked_until = username_locked_until(row.user.get_username())
        if locked_until is not None:
            # A token must not be a way around the login back-off of its account.
            raise NotAuthenticated(
                _("This account is locked after repeated failed logins; try again later."),
                code="account_locked",
                details={"retry_after": locked_until.isoformat()},
            )
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class BrowserSessionAuth(SessionAuth):
    """The Django session, with CSRF enforced on unsafe methods — but only when a session is there.

    ninja's SessionAuth checks CSRF before it looks at the session, so with an anonymous request
    (e.g. a machine client whose bearer token was revoked) a POST would answer "CSRF failed"
    instead of 401. Anonymous requests have nothing to protect, so they skip to "not logged in".
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


# The bearer token goes first: a machine client never has a CSRF token, and a valid token must not
# be turned away by the session check. Browsers send no Authorization header, so they reach the
# session check with CSRF.
API_AUTH = [TokenAuth(), BrowserSessionAuth()]
