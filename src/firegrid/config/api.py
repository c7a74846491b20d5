"""The JSON API under /api/v1/: one router per app, one error envelope for every failure."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from firegrid.core.api_auth import API_AUTH
from firegrid.core.errors import ApplicationError
from firegrid.grids.api import router as grids_router
from firegrid.people.api import router as people_router

api = NinjaAPI(
    title="FireGrid API",
    version="1",
    description="消防安全网格化管理 — grids, people and responsibility. Session or bearer-token auth.",
    auth=API_AUTH,
    urls_namespace="api",
)


def error_body(code: str, message: str, details: object = None) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "details": details}}


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    details = exc.details
    if isinstance(details, list):
        details = [str(item) for item in details]
    return api.create_response(
        request, error_body(exc.code, str(exc.message), details), status=exc.status
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, error_body("invalid_input", "the request is not valid", exc.errors), status=422
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, error_body("unauthenticated", "log in or send a bearer token"), status=401
    )


api.add_router("/", grids_router)
api.add_router("/", people_router)
