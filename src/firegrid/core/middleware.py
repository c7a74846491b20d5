"""The one gate every request passes: control characters, and whole numbers no 64-bit column
holds, are refused before any view runs, and every failure under a machine interface answers in
that interface's format.

Checked: the path, query-string names and values, urlencoded bodies, the non-file fields (and
file names) of multipart bodies, and every string and key of a JSON body. File contents are not
read here (photos and spreadsheets have their own checks). Refusals answer in the caller's format,
chosen by path prefix from `settings.FIREGRID_ERROR_FORMATS` (the JSON envelope under /api/v1/,
the Open311 error array under /open311/), else a plain 400 page.

Under a prefix whose format is JSON (`FIREGRID_JSON_ONLY_PREFIXES`), an error response that is not
JSON (Django's 404 page for an unknown path or a bad path parameter, a 405, a 500 page) is
replaced by the error envelope, so machine clients never get HTML.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .errors import ValidationFailed
from .params import (
    MAX_BIGINT,
    control_character_in,
    control_character_message,
    oversized_number_in,
    oversized_number_message,
)

logger = logging.getLogger(__name__)
Renderer = Callable[[HttpRequest, ValidationFailed], HttpResponse]


def error_envelope(code: str, message: str, details: object = None) -> dict[str, object]:
    """The JSON API's error body: ``{"error": {"code", "message", "details"}}``."""
    return {"error": {"code": code, "message": message, "details": details}}


ERROR_CODES = {
    400: ("bad_request", gettext_noop("The request is not valid.")),
    403: ("forbidden", gettext_noop("You may not do this.")),
    404: ("not_found", gettext_noop("Not found.")),
    405: ("method_not_allowed", gettext_noop("This method is not allowed here.")),
    413: ("too_large", gettext_noop("The request is too large.")),
    500: (
        "internal_error",
        gettext_noop("Something went wrong on the server; it has been logged."),
    ),
}


def json_error_for_status(status: int) -> dict[str, object]:
    code, message = ERROR_CODES.get(status, (f"http_{status}", gettext_noop("The request failed.")))
    return error_envelope(code, _(message))


def _strings(value: Any, name: str) -> Iterator[tuple[str, str]]:
    """(argument name, string) for every key, string and whole number inside a parsed JSON
    value (numbers as their decimal text, for the size check)."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_BIGINT:
        yield name, str(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield name, str(key)
            yield from _strings(item, str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, name)


def _json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RequestDataTooBig, SuspiciousOperation):
        return None  # not JSON (or too big): the view answers that in its own words


def _inputs(request: HttpRequest) -> Iterator[tuple[str, str]]:
    yield "path", request.path
    for segment in request.path.split("/"):
        yield "path", segment
    for name, values in request.GET.lists():
        yield name, name
        for value in values:
            yield name, value
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        yield from _strings(_json_body(request), "body")
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form, files = request.POST, request.FILES
        except (MultiPartParserError, RequestDataTooBig, SuspiciousOperation):
            return  # the view reports a broken or oversized body itself
        for name, values in form.lists():
            yield name, name
            for value in values:
                yield name, value
        for name, uploads in files.lists():
            for upload in uploads:
                yield name, upload.name or ""


def find_problem(request: HttpRequest) -> ValidationFailed | None:
    """The first argument holding a control character or a number beyond 64 bits, or None."""
    for name, value in _inputs(request):
        if control_character_in(value):
            message = control_character_message(name)
            return ValidationFailed(message, code="control_character", details={name: message})
        if oversized_number_in(value):
            message = oversized_number_message(name)
            return ValidationFailed(message, code="number_too_large", details={name: message})
    return None


def _prefix_match(path: str, prefixes: Any) -> str | None:
    for prefix in prefixes:
        if path.startswith(prefix):
            return str(prefix)
    return None


def refuse(request: HttpRequest, problem: ValidationFailed) -> HttpResponse:
    """`problem` in the format of the interface the path belongs to."""
    formats: dict[str, str] = settings.FIREGRID_ERROR_FORMATS
    prefix = _prefix_match(request.path, formats)
    if prefix is not None:
        renderer: Renderer = import_string(formats[prefix])
        return renderer(request, problem)
    return HttpResponseBadRequest(str(problem.message), content_type="text/plain; charset=utf-8")


class RequestInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = find_problem(request)
        if problem is not None:
            return refuse(request, problem)
        response = self.get_response(request)
        if response.status_code >= 400 and _prefix_match(
            request.path, settings.FIREGRID_JSON_ONLY_PREFIXES
        ):
            content_type = response.get("Content-Type", "")
            if not content_type.startswith("application/json"):
                replacement = JsonResponse(
                    json_error_for_status(response.status_code), status=response.status_code
                )
                if response.has_header("Allow"):
                    replacement["Allow"] = response["Allow"]
                return replacement
        return response
