"""Open311 GeoReport v2 endpoints (https://wiki.open311.org/GeoReport_v2).

Thin interface: arguments are parsed in `params`, reports are filed by `report_submit`, read by
this package's selectors, and written as XML or JSON by `formats` from the same values. Every
failure answers in the spec's error array: 404 for what does not exist (an unknown format,
service, jurisdiction, request or token), 403 for a missing or wrong `api_key` (or a blocked
sender), 429 when a client posts faster than its budget, 400 for anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from firegrid.core.errors import ApplicationError, NotFound, PermissionDenied

from ..models import Report, ReportService, ServiceAttribute
from ..services import ReportIn, open311_status, report_status_notes, report_submit
from . import params, selectors
from .auth import client_for_key
from .formats import FORMATS, Many, render, render_errors

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
TOKEN_HEADER = "X-Open311-Token"  # noqa: S105 - a header name
# ApplicationError codes that mean "this does not exist" (spec: 404), whatever their class.
NOT_FOUND_CODES = {"service_unknown", "jurisdiction_unknown"}
# report_submit names some fields differently from the Open311 arguments.
ARGUMENT_NAMES = {
    "location": "lat",
    "photos": "media",
    "place_id": "address_id",
    "contact_name": "first_name",
    "contact_phone": "phone",
    "contact_email": "email",
}

View = Callable[..., HttpResponse]


def _status(exc: ApplicationError) -> int:
    if isinstance(exc, NotFound) or exc.code in NOT_FOUND_CODES:
        return 404
    if exc.status == 429:  # RateLimited: "try later" is worth its own status
        return 429
    if isinstance(exc, PermissionDenied) or exc.status == 403:  # key, or Blocked
        return 403
    return 400


def error_response(fmt: str, exc: ApplicationError) -> HttpResponse:
    """One `error` per field named in `details`, else one with the message."""
    status = _status(exc)
    details = exc.details if isinstance(exc.details, dict) else {}
    if details and all(isinstance(v, str) for v in details.values()):
        errors = [
            (status, f"{ARGUMENT_NAMES.get(field, field)}: {message}")
            for field, message in details.items()
        ]
    else:
        errors = [(status, str(exc.message))]
    response = render_errors(fmt, errors, status=status)
    if status == 429:
        response["Retry-After"] = str(details.get("window_seconds", 60))
    return response


def endpoint(*methods: str) -> Callable[[View], View]:
    """Check the format (404) and the method (405), map ApplicationErrors to the error array."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if fmt not in FORMATS:
                message = _("Unknown format “%(fmt)s”: use .xml or .json.") % {"fmt": fmt[:20]}
                return render_errors("xml", [(404, message)], status=404)
            if request.method not in methods:
                message = _("Method %(method)s is not allowed here.") % {"method": request.method}
                response = render_errors(fmt, [(405, message)], status=405)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except ApplicationError as exc:
                return error_response(fmt, exc)

        return wrapper

    return decorate


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _localised(chinese: str, english: str) -> str:
    return english if english and _english() else chinese


def service_notice(service: ReportService) -> str:
    if service.urgent:
        return _("Fire-safety staff will check the site within 24 hours.")
    return _("Fire-safety staff will look at this report within 3 working days.")


# ---------------------------------------------------------------- discovery, services


@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    changeset = selectors.services_changed_at()
    url = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    contact = settings.FIREGRID_OPEN311_CONTACT or _(
        "Ask the fire-safety office that runs this FireGrid server."
    )
    content = {
        "changeset": changeset,
        "contact": contact,
        "key_service": _(
            "Posting needs an API key; the office creates one per client system in the "
            "administration (Open311 clients)."
        ),
        "endpoints": Many(
            "endpoint",
            [
                {
                    "specification": SPECIFICATION,
                    "url": url.rsplit("/", 1)[0],
                    "changeset": changeset,
                    "type": "production",
                    "formats": Many("format", ["text/xml", "application/json"]),
                }
            ],
        ),
    }
    return render(fmt, "discovery", content)


def _service_item(service: ReportService) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": _localised(service.name, service.name_en),
        "description": _localised(service.description, service.description_en),
        "metadata": any(a.variable for a in service.attributes.all()),
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.group,
    }


@endpoint("GET")
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    params.jurisdiction_from(request.GET, required=False)
    items = [_service_item(service) for service in selectors.services_active()]
    return render(fmt, "services", Many("service", items))


def _attribute_item(attribute: ServiceAttribute) -> dict[str, Any]:
    values = [
        {
            "key": value.get("key"),
            "name": _localised(value.get("name", ""), value.get("name_en", "")),
        }
        for value in attribute.values or []
    ]
    return {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": attribute.order,
        "description": _localised(attribute.description, attribute.description_en),
        "values": Many("value", values),
    }


@endpoint("GET")
def service_definition(request: HttpRequest, *, code: str, fmt: str) -> HttpResponse:
    params.jurisdiction_from(request.GET, required=False)
    service = selectors.service_get(code)
    if service is None:
        raise NotFound(
            _("service_code %(code)s was not found.") % {"code": code[:60]},
            code="service_unknown",
        )
    content = {
        "service_code": service.code,
        "attributes": Many("attribute", [_attribute_item(a) for a in service.attributes.all()]),
    }
    return render(fmt, "service_definition", content)


# ---------------------------------------------------------------- requests


def _request_item(report: Report) -> dict[str, Any]:
    return {
        "service_request_id": report.tracking_code,
        "status": open311_status(report),
        "status_notes": report_status_notes(report) or None,
        "service_name": _localised(report.service.name, report.service.name_en),
        "service_code": report.service.code,
        "description": report.description or None,
        "agency_responsible": report.owner_grid.name,
        "service_notice": service_notice(report.service),
        "requested_datetime": report.requested_at,
        "updated_datetime": report.updated_at,
        "expected_datetime": report.triage_due if report.state == Report.State.NEW else None,
        "address": report.address or None,
        "address_id": report.place_id,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        # Photos are not published through Open311: one may show faces or plates before a
        # moderator redacts it, and there is no public photo address (docs/OPEN311.md).
        "media_url": None,
    }


@csrf_exempt  # machine clients authenticate with api_key, not a session cookie
@endpoint("GET", "POST")
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    jurisdiction = params.jurisdiction_from(request.GET, required=False)
    query = params.parse_list(request.GET, now=timezone.now())
    reports = selectors.requests_list(query, jurisdiction=jurisdiction)
    items = [_request_item(report) for report in reports]
    return render(fmt, "service_requests", Many("request", items))


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    client = client_for_key(request.POST.get("api_key") or "")
    jurisdiction = params.jurisdiction_from(request.POST, required=True)
    args = params.parse_post(request, client=client, jurisdiction=jurisdiction)
    report = report_submit(data=ReportIn(**args.report))
    notice = service_notice(report.service)
    if args.media_url_ignored:
        notice += " " + _(
            "media_url was not fetched: this server makes no outgoing requests. "
            "Send photos as multipart file fields named media."
        )
    item = {
        "service_request_id": report.tracking_code,
        "service_notice": notice,
        "account_id": None,
    }
    response = render(fmt, "service_requests", Many("request", [item]), status=201)
    response[TOKEN_HEADER] = report.token
    return response


@endpoint("GET")
def request_detail(request: HttpRequest, *, service_request_id: str, fmt: str) -> HttpResponse:
    jurisdiction = params.jurisdiction_from(request.GET, required=False)
    report = selectors.request_get(service_request_id, jurisdiction=jurisdiction)
    if report is None:
        raise NotFound(
            _("service_request_id %(id)s was not found.") % {"id": service_request_id[:40]}
        )
    return render(fmt, "service_requests", Many("request", [_request_item(report)]))


@endpoint("GET")
def token(request: HttpRequest, *, token: str, fmt: str) -> HttpResponse:
    jurisdiction = params.jurisdiction_from(request.GET, required=False)
    report = selectors.request_for_token(token, jurisdiction=jurisdiction)
    if report is None:
        raise NotFound(_("token %(token)s was not found.") % {"token": token[:40]})
    item = {"service_request_id": report.tracking_code, "token": report.token}
    return render(fmt, "service_requests", Many("request", [item]))


def _path_format(request: HttpRequest) -> str:
    return "json" if request.path.endswith(".json") else "xml"


def refusal_response(request: HttpRequest, problem: ApplicationError) -> HttpResponse:
    """What RequestInputMiddleware answers under /open311/ (e.g. a NUL in an argument): the
    spec's error array, in the format the path asks for."""
    return error_response(_path_format(request), problem)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other URL under /open311/v2/: the spec's 404, in XML (or JSON when it ends .json)."""
    fmt = _path_format(request)
    message = _("No such GeoReport v2 resource: %(path)s") % {"path": request.path[:200]}
    return render_errors(fmt, [(404, message)], status=404)
