"""Parsing and checking GeoReport v2 arguments (query strings and POST bodies).

Everything here only reads the request; the business checks of a new report (service, location
inside the jurisdiction, description, attributes, photos, abuse) belong to `report_submit`.
Problems are `ApplicationError`s whose `details` map an argument name to a message; the views
turn each entry into one `errors/error` of the answer.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from firegrid.core.errors import NotFound, ValidationFailed
from firegrid.core.net import client_ip
from firegrid.core.params import parse_datetime, parse_int
from firegrid.grids.models import Grid

from ..models import Open311Client

WINDOW = datetime.timedelta(days=90)  # "may not span more than 90 days"
MAX_PAGE_SIZE = 1000  # "first 1000 requests returned"
STATUSES = ("open", "closed")
ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\[\]]+)\](?P<many>\[\])?$")
MAX_IDS = 1000
MAX_ID = 2**63 - 1  # a database key
_PLUS_AS_SPACE = re.compile(r"(T[\d:.]+) (\d{2}(?::?\d{2})?)$")


def bad(field: str, message: str, *, code: str = "bad_argument") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: message})


def _text(params: QueryDict, name: str) -> str:
    """An argument's value; "optional" arguments sent empty count as not sent (spec)."""
    return (params.get(name) or "").strip()


def _comma_list(params: QueryDict, name: str) -> tuple[str, ...]:
    """`a,b` or the argument repeated: "can be declared multiple times, comma delimited"."""
    values: list[str] = []
    for raw in params.getlist(name):
        values += [part.strip() for part in raw.split(",") if part.strip()]
    return tuple(dict.fromkeys(values))


# ---------------------------------------------------------------- jurisdiction


def jurisdiction_roots() -> list[Grid]:
    """The counties hosted here: the root grids of each imported tree."""
    return list(Grid.objects.filter(parent__isnull=True).order_by("code"))


def jurisdiction_from(params: QueryDict, *, required: bool) -> Grid | None:
    """The county named by `jurisdiction_id` (its root grid code).

    Unknown → 404. Not given: the only county when one is hosted; with several, a POST must
    name one (400), a GET reads across all of them (None)."""
    code = _text(params, "jurisdiction_id")
    if code:
        root = Grid.objects.filter(parent__isnull=True, code=code).first()
        if root is None:
            message = _("jurisdiction_id %(code)s was not found.") % {"code": code}
            raise NotFound(
                message, code="jurisdiction_unknown", details={"jurisdiction_id": message}
            )
        return root
    roots = jurisdiction_roots()
    if len(roots) == 1:
        return roots[0]
    if required and len(roots) > 1:
        raise bad(
            "jurisdiction_id",
            _("jurisdiction_id required: this server hosts several jurisdictions."),
            code="jurisdiction_required",
        )
    return None


# ---------------------------------------------------------------- POST requests


def parse_attributes(params: QueryDict) -> dict[str, Any]:
    """`attribute[code]=value`, and `attribute[code][]=v1&attribute[code][]=v2` for a
    multivaluelist; any other argument starting with `attribute` is a mistake worth saying."""
    answers: dict[str, Any] = {}
    for name, values in params.lists():
        if not name.startswith("attribute"):
            continue
        match = ATTRIBUTE.match(name)
        if match is None:
            raise bad(name, _("Write attributes as attribute[code]=value."))
        code = match["code"]
        cleaned = [value.strip() for value in values if value.strip()]
        if match["many"]:
            answers[code] = [*answers.get(code, []), *cleaned]
        elif cleaned:
            answers[code] = cleaned[0] if len(cleaned) == 1 else cleaned
    return answers


def _coordinate(params: QueryDict, name: str, limit: float) -> float | None:
    raw = _text(params, name)
    if not raw:
        return None
    try:
        value = float(raw) if raw.isascii() else math.nan  # float("٣٤") is 34.0
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > limit:
        raise bad(
            name,
            _("%(name)s must be a number between -%(limit)d and %(limit)d.")
            % {"name": name, "limit": limit},
            code="location_invalid",
        )
    return value


def contact_name(first: str, last: str) -> str:
    """One name field: 张 + 三 → 张三 (family name first, no space) for Chinese names,
    "John Smith" for names in Latin letters."""
    if not first or not last:
        return first or last
    if (first + last).isascii():
        return f"{first} {last}"
    return f"{last}{first}"


@dataclass(frozen=True)
class PostArgs:
    """What a POST asked for, ready for `ReportIn`, plus what only the answer needs."""

    report: dict[str, Any]
    media_url_ignored: bool


def parse_post(
    request: HttpRequest, *, client: Open311Client, jurisdiction: Grid | None
) -> PostArgs:
    params = request.POST
    service_code = _text(params, "service_code")
    if not service_code:
        raise bad("service_code", _("service_code was not provided."), code="service_missing")
    lat = _coordinate(params, "lat", 90)
    lon = _coordinate(params, "long", 180)
    if (lat is None) != (lon is None):
        raise bad(
            "lat" if lat is None else "long",
            _("lat and long both need to be sent."),
            code="location_invalid",
        )
    place_id: int | None = None
    address_id = _text(params, "address_id")
    if address_id:
        place_id = parse_int(
            address_id, name="address_id", minimum=1, maximum=MAX_ID, code="location_invalid"
        )
    if lat is None and place_id is None:
        raise bad(
            "lat",
            _(
                "A location is required: send lat and long (WGS-84) or address_id. "
                "This server does not look up address_string."
            ),
            code="location_missing",
        )
    report = {
        "service_code": service_code,
        "description": params.get("description", ""),
        "lon": lon,
        "lat": lat,
        "crs": "wgs84",
        "address": _text(params, "address_string"),
        "place_id": place_id,
        "attributes": parse_attributes(params),
        "photos": tuple(request.FILES.getlist("media")),
        "contact_name": contact_name(_text(params, "first_name"), _text(params, "last_name")),
        "contact_phone": _text(params, "phone"),
        "contact_email": _text(params, "email"),
        "device_id": _text(params, "device_id"),
        "ip": client_ip(request),
        "channel": "open311",
        "client": client,
        "jurisdiction_code": jurisdiction.code if jurisdiction is not None else "",
    }
    return PostArgs(report=report, media_url_ignored=bool(_text(params, "media_url")))


# ---------------------------------------------------------------- GET requests


def parse_w3(params: QueryDict, name: str) -> datetime.datetime | None:
    """A W3C/ISO 8601 date or datetime; without an offset it is read in the local time zone."""
    raw = _text(params, name)
    if not raw:
        return None
    # An unencoded "+08:00" arrives as " 08:00" in a query string.
    return parse_datetime(_PLUS_AS_SPACE.sub(r"\1+\2", raw), name=name)


def _positive_int(params: QueryDict, name: str, default: int, maximum: int) -> int:
    raw = _text(params, name)
    if not raw:
        return default
    return parse_int(raw, name=name, minimum=1, maximum=maximum, code="page_invalid")


@dataclass(frozen=True)
class ListQuery:
    """The filters of GET requests, checked; `ids` (when given) overrides all the others."""

    ids: tuple[str, ...]
    service_codes: tuple[str, ...]
    start: datetime.datetime
    end: datetime.datetime
    statuses: tuple[str, ...]
    page: int
    page_size: int


def parse_list(params: QueryDict, *, now: datetime.datetime) -> ListQuery:
    ids = _comma_list(params, "service_request_id")
    if len(ids) > MAX_IDS:
        raise bad(
            "service_request_id",
            _("At most %(n)d service_request_id values at once.") % {"n": MAX_IDS},
        )
    start, end = parse_w3(params, "start_date"), parse_w3(params, "end_date")
    if end is None:
        end = now if start is None else start + WINDOW
    if start is None:
        start = end - WINDOW
    if end < start:
        raise bad("end_date", _("end_date is before start_date."), code="date_invalid")
    if end - start > WINDOW:
        raise bad(
            "end_date",
            _("start_date and end_date may not span more than 90 days."),
            code="date_window",
        )
    statuses = _comma_list(params, "status")
    for status in statuses:
        if status not in STATUSES:
            raise bad("status", _("status must be open or closed."), code="status_invalid")
    return ListQuery(
        ids=ids,
        service_codes=_comma_list(params, "service_code"),
        start=start,
        end=end,
        statuses=statuses,
        page=_positive_int(params, "page", 1, 10**6),
        page_size=_positive_int(params, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE),
    )
