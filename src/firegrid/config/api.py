"""The JSON API under /api/v1/: one router per app, one error envelope for every failure.

Every failure answers ``{"error": {"code", "message", "details"}}``: business-rule errors
(ApplicationError), request validation (422), no login (401), CSRF (403), unknown objects (404).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from firegrid.core.api_auth import API_AUTH
from firegrid.core.errors import ApplicationError, ValidationFailed
from firegrid.core.middleware import error_envelope
from firegrid.grids.api import router as grids_router
from firegrid.hazards.api import router as hazards_router
from firegrid.hazards.api_major import router as hazards_major_router
from firegrid.hazards.api_notices import router as hazards_notices_router
from firegrid.inspections.api import router as inspections_router
from firegrid.metrics.api import router as metrics_router
from firegrid.notifications.api import router as notifications_router
from firegrid.people.api import router as people_router
from firegrid.registry.api import ledger_router
from firegrid.registry.api import router as registry_router
from firegrid.reports.api import router as reports_router

# The error responses an operation can give, declared in the document wherever they can happen
# (schemathesis checks every status code it sees against the document).
ERROR_RESPONSES = {
    "400": "The body is not valid JSON (or not the declared form).",
    "401": "Not logged in, or no valid bearer token.",
    "403": "Not allowed for your role, or the CSRF check failed (session auth).",
    "404": "Not found, or outside your data scope.",
    "422": "A parameter or the body is not valid (`details` names each problem).",
}
UNSAFE_METHODS = ("post", "put", "patch", "delete")
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def declare_error_responses(schema: dict[str, Any]) -> None:
    """Add the envelope's error responses that an operation's shape makes possible: 401 for an
    authenticated operation, 403 for one that writes, 404 and 422 for one with any input (an id
    in the path, the query or the body may name an object outside your scope), 400 for one with
    a body. Responses an endpoint declares itself are kept."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            wanted = []
            if operation.get("security"):
                wanted.append("401")
                if method in UNSAFE_METHODS:
                    wanted.append("403")
            if operation.get("requestBody"):
                wanted.append("400")
            if operation.get("parameters") or operation.get("requestBody"):
                wanted += ["404", "422"]
            responses = operation["responses"]
            for status in wanted:
                responses.setdefault(
                    int(status),  # ninja's own keys are ints
                    {
                        "description": ERROR_RESPONSES[status],
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )


class FireGridAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_error_responses(schema)
        return schema


api = FireGridAPI(
    title="FireGrid API",
    version="1",
    description=(
        "消防安全网格化管理 — grids, people and responsibility. "
        "Session (with CSRF) or bearer-token auth. Every error answers "
        '{"error": {"code", "message", "details"}}; objects outside your data scope answer 404.'
    ),
    auth=API_AUTH,
    urls_namespace="api",
)


logger = logging.getLogger(__name__)


def error_body(code: str, message: str, details: object = None) -> dict[str, object]:
    return error_envelope(code, message, details)


def refusal_response(request: HttpRequest, problem: ValidationFailed) -> HttpResponse:
    """What RequestInputMiddleware answers under /api/v1/ (e.g. a NUL in a parameter)."""
    return JsonResponse(
        error_body(problem.code, str(problem.message), _jsonable(problem.details)),
        status=problem.status,
        json_dumps_params={"ensure_ascii": False},
    )


def _jsonable(details: Any) -> Any:
    """Keep structured details (lists of dicts) as they are; stringify anything JSON cannot hold."""
    try:
        json.dumps(details, ensure_ascii=False)
    except (TypeError, ValueError):
        if isinstance(details, list | tuple):
            return [_jsonable(item) for item in details]
        if isinstance(details, dict):
            return {str(key): _jsonable(value) for key, value in details.items()}
        return str(details)
    return details


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(
        request, error_body(exc.code, str(exc.message), _jsonable(exc.details)), status=exc.status
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        error_body("invalid_input", _("The request is not valid."), _jsonable(exc.errors)),
        status=422,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        error_body("unauthenticated", _("Log in or send a valid bearer token.")),
        status=401,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own errors (the CSRF check answers 403 through this)."""
    code = "csrf_failed" if "CSRF" in exc.message else f"http_{exc.status_code}"
    return api.create_response(request, error_body(code, exc.message), status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(Exception)
def internal_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything unhandled: logged with its traceback, answered in the envelope (never HTML)."""
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return api.create_response(
        request,
        error_body("internal_error", _("Something went wrong on the server; it has been logged.")),
        status=500,
    )


api.add_router("/", grids_router)
api.add_router("/", people_router)
api.add_router("/", registry_router)
api.add_router("/", ledger_router)
api.add_router("/", inspections_router)
api.add_router("/", hazards_router)
api.add_router("/", hazards_notices_router)
api.add_router("/", hazards_major_router)
api.add_router("/", reports_router)
api.add_router("/", notifications_router)
api.add_router("/", metrics_router)
