"""The one error type services raise; interfaces map it to a JSON envelope or a form error."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business-rule failure with a stable machine `code` and a translated human message."""

    code = "application_error"
    status = 400

    def __init__(self, message: Any, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    status = 422


class NotFound(ApplicationError):
    """Also raised for objects outside the actor's data scope, so their existence is not leaked."""

    code = "not_found"
    status = 404


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status = 403


class Conflict(ApplicationError):
    """Someone else changed the object first (e.g. two transitions of one hazard at once)."""

    code = "conflict"
    status = 409


class NotAuthenticated(ApplicationError):
    """The credentials are not accepted now (e.g. a token whose account is in login back-off)."""

    code = "not_authenticated"
    status = 401
