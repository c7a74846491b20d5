"""Filing a citizen report (群众举报): validate, route to the leaf grid, start the triage clock.

`report_submit` is the one entry point of the public page, Open311 and staff entry. Everything
is checked before anything is written, and the whole report (row, photos, first event, audit
record, the triage people's notifications) is one transaction: a refused report stores nothing.
"""

from __future__ import annotations

import datetime
import math
import re
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core import pii
from firegrid.core.audit import audit_record
from firegrid.core.coords import CRS_CHOICES, convert_point
from firegrid.core.errors import ApplicationError, ValidationFailed
from firegrid.core.photos import clean_photo
from firegrid.core.workdays import add_working_days
from firegrid.grids.locator import get_locator
from firegrid.grids.models import Grid
from firegrid.people.services import normalize_phone
from firegrid.registry.models import Place

from .. import abuse
from ..models import (
    Open311Client,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportService,
    ServiceAttribute,
)

DESCRIPTION_MAX = 4000
ADDRESS_MAX = 300
NAME_MAX = 50
DEVICE_ID_MAX = 64
STRING_ATTRIBUTE_MAX = 300
URGENT_HOURS = 24
TRIAGE_WORKING_DAYS = 3
# Unambiguous when read aloud or copied by hand: no 0/O, 1/I.
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TRACKING_LENGTH = 8
PHOTO_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "HEIF", "HEIC"}
# The HTML rule: "<" directly followed by a letter, "/letter", "!" or "?" and closed by a later
# ">" is a tag (<b>, </p>, <!-- -->, <img src=…>, <?xml?>), as a browser reads it.
# "a < b > c", "3<5" and "<>" are ordinary text.
HTML_TAG_RE = re.compile(r"<(?:[A-Za-z]|/[A-Za-z]|[!?])[^<>]*>")


@dataclass
class ReportIn:
    """What a reporter sends; `lon`/`lat` in `crs` (wgs84 GPS, gcj02 AMap/Tencent, bd09 Baidu)."""

    service_code: str
    description: str = ""
    lon: float | None = None
    lat: float | None = None
    crs: str = "wgs84"
    address: str = ""
    place_id: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    photos: tuple[UploadedFile, ...] = ()
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    device_id: str = ""
    ip: str = ""
    channel: str = "web"
    client: Open311Client | None = None
    jurisdiction_code: str = ""
    link_to_tracking_code: str = ""


@dataclass(frozen=True)
class Routed:
    lon: float
    lat: float
    jurisdiction: Grid
    leaf: Grid
    place: Place | None


def _fail(message: str, code: str, field_name: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field_name: message})


def has_html(text: str) -> bool:
    return bool(HTML_TAG_RE.search(text or ""))


# ------------------------------------------------------------------------------ clocks


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def triage_due_for(service: ReportService, start: datetime.datetime) -> datetime.datetime:
    """Blocked exits / fire systems off: site check within 24 hours; others: by the end of the
    3rd working day after `start` (DOMAIN_FACTS; holidays and 调休 from the calendar)."""
    if service.urgent:
        return start + datetime.timedelta(hours=URGENT_HOURS)
    day = timezone.localdate(start)
    return end_of_day(add_working_days(day, TRIAGE_WORKING_DAYS))


# ---------------------------------------------------------------------------- checks


def _service(code: str) -> ReportService:
    code = (code or "").strip()
    if not code:
        raise _fail(_("Choose what you are reporting."), "service_unknown", "service_code")
    service = ReportService.objects.filter(code=code, active=True).first()
    if service is None:
        raise _fail(
            _("Unknown report category “%(code)s”.") % {"code": code[:60]},
            "service_unknown",
            "service_code",
        )
    return service


def _description(text: str) -> str:
    text = (text or "").strip()
    if len(text) > DESCRIPTION_MAX:
        raise _fail(
            _("The description is too long: at most %(n)d characters.") % {"n": DESCRIPTION_MAX},
            "description_too_long",
            "description",
        )
    if has_html(text):
        raise _fail(
            _("Plain text only, please: the description may not contain HTML tags."),
            "description_html",
            "description",
        )
    return text


def _plain(text: str, *, field_name: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise _fail(
            _("Too long: at most %(n)d characters.") % {"n": limit},
            "contact_invalid" if field_name.startswith("contact") else "location_invalid",
            field_name,
        )
    if has_html(text):
        raise _fail(
            _("Plain text only, please: HTML tags are not allowed."),
            "contact_invalid" if field_name.startswith("contact") else "description_html",
            field_name,
        )
    return text


def _number(value: Any, field_name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise _fail(_("The coordinates are not valid."), "location_invalid", field_name)
    return number


def route_point(
    *,
    lon: Any,
    lat: Any,
    crs: str = "wgs84",
    place_id: int | None = None,
    jurisdiction_code: str = "",
) -> Routed:
    """The WGS-84 point, its county and its leaf grid; ValidationFailed when there is none."""
    jurisdiction: Grid | None = None
    if jurisdiction_code:
        jurisdiction = Grid.objects.filter(
            code=str(jurisdiction_code).strip(), parent__isnull=True
        ).first()
        if jurisdiction is None:
            raise _fail(
                _("Unknown jurisdiction “%(code)s”.") % {"code": str(jurisdiction_code)[:40]},
                "jurisdiction_unknown",
                "jurisdiction_id",
            )
    place: Place | None = None
    if place_id is not None:
        place = Place.objects.select_related("grid").filter(pk=place_id).first()
        if place is None:
            raise _fail(_("Unknown place."), "location_invalid", "place_id")
        if place.status != Place.Status.ACTIVE:  # closed, or merged into another record
            raise _fail(
                _("That place is no longer open: show where the problem is on the map."),
                "location_invalid",
                "place_id",
            )
    if lon is None and lat is None:
        if place is None:
            raise _fail(
                _("Say where it is: pick a point on the map or use your location."),
                "location_missing",
                "location",
            )
        if place.lon is not None and place.lat is not None:
            lon, lat, crs = place.lon, place.lat, "wgs84"
        else:  # a place without a point: its grid is known, its centre stands in
            lon, lat, crs = place.grid.centroid_lon, place.grid.centroid_lat, "wgs84"
    elif lon is None or lat is None:
        raise _fail(
            _("Both longitude and latitude are needed."),
            "location_invalid",
            "long" if lon is None else "lat",
        )
    x, y = _number(lon, "long"), _number(lat, "lat")
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise _fail(_("The coordinates are not valid."), "location_invalid", "location")
    if crs not in CRS_CHOICES:
        raise _fail(
            _("Unknown coordinate system “%(crs)s”.") % {"crs": str(crs)[:20]},
            "location_invalid",
            "crs",
        )
    wlon, wlat = convert_point(x, y, crs, "wgs84")
    chain = get_locator().chain(wlon, wlat)
    outside = _(
        "This point is outside the area we cover; please report it to the local authority there."
    )
    if not chain:
        raise _fail(outside, "location_outside", "location")
    grids = {g.pk: g for g in Grid.objects.filter(pk__in=[chain[0], chain[-1]]).defer("boundary")}
    root, leaf = grids.get(chain[0]), grids.get(chain[-1])
    if root is None or leaf is None:  # the index is newer than this transaction's view
        raise _fail(outside, "location_outside", "location")
    if jurisdiction is not None and jurisdiction.pk != root.pk:
        raise _fail(outside, "location_outside", "location")
    return Routed(round(wlon, 7), round(wlat, 7), root, leaf, place)


def _attributes(service: ReportService, given: dict[str, Any]) -> dict[str, Any]:
    definition = {a.code: a for a in service.attributes.all() if a.variable}
    given = {str(k): v for k, v in (given or {}).items()}
    unknown = sorted(set(given) - set(definition))
    if unknown:
        message = _("Not a question of this category: %(codes)s.") % {"codes": ", ".join(unknown)}
        raise ValidationFailed(
            message,
            code="attribute_unknown",
            details={f"attribute[{code[:60]}]": message for code in unknown[:10]},
        )
    answers: dict[str, Any] = {}
    for code, attribute in definition.items():
        value = given.get(code)
        empty = value is None or value == "" or value == [] or value == ()
        if empty:
            if attribute.required:
                message = _("Please answer: %(question)s") % {"question": attribute.description}
                raise ValidationFailed(
                    message, code="attribute_required", details={f"attribute[{code}]": message}
                )
            continue
        answers[code] = _attribute_value(attribute, value)
    return answers


def _attribute_value(attribute: ServiceAttribute, value: Any) -> Any:
    kind = ServiceAttribute.Datatype
    name = f"attribute[{attribute.code}]"
    invalid = _("Not a valid answer to: %(question)s") % {"question": attribute.description}
    keys = {str(v.get("key")) for v in attribute.values or []}
    if attribute.datatype == kind.MULTIVALUELIST:
        items = value if isinstance(value, (list, tuple)) else [value]
        chosen = [str(item) for item in items if str(item) != ""]
        if not chosen or any(item not in keys for item in chosen):
            raise ValidationFailed(invalid, code="attribute_invalid", details={name: invalid})
        return list(dict.fromkeys(chosen))
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ValidationFailed(invalid, code="attribute_invalid", details={name: invalid})
        value = value[0]
    text = str(value).strip()
    if attribute.datatype == kind.SINGLEVALUELIST:
        if text not in keys:
            raise ValidationFailed(invalid, code="attribute_invalid", details={name: invalid})
        return text
    if attribute.datatype == kind.NUMBER:
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise ValidationFailed(invalid, code="attribute_invalid", details={name: invalid})
        return int(number) if number.is_integer() else number
    if attribute.datatype == kind.DATETIME:
        try:
            datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationFailed(
                invalid, code="attribute_invalid", details={name: invalid}
            ) from None
        return text
    limit = STRING_ATTRIBUTE_MAX if attribute.datatype == kind.STRING else DESCRIPTION_MAX
    if len(text) > limit or has_html(text):
        raise ValidationFailed(invalid, code="attribute_invalid", details={name: invalid})
    return text


def _photos(photos: tuple[UploadedFile, ...]) -> list[Any]:
    limit = int(getattr(settings, "FIREGRID_REPORT_MAX_PHOTOS", 3))
    if len(photos) > limit:
        raise _fail(_("At most %(n)d photos, please.") % {"n": limit}, "photos_too_many", "photos")
    max_bytes = int(getattr(settings, "FIREGRID_REPORT_PHOTO_MAX_BYTES", 10 * 1024 * 1024))
    cleaned = []
    for number, upload in enumerate(photos, start=1):
        label = _("Photo %(n)d") % {"n": number}
        try:
            # The one photo check of every upload path: size, format, pixels from the header.
            cleaned.append(
                clean_photo(upload, label=label, max_bytes=max_bytes, formats=PHOTO_FORMATS)
            )
        except ValidationFailed as exc:
            if exc.code == "photo_too_large":
                raise _fail(str(exc.message), "photo_too_big", "photos") from exc
            not_image = _("%(name)s is not a photo (JPEG, PNG, WebP…).") % {"name": label}
            raise _fail(not_image, "photo_invalid", "photos") from exc
    return cleaned


def _contact(data: ReportIn) -> tuple[str, str, str]:
    """(name, normalised phone, email) — validated, still in clear."""
    name = _plain(data.contact_name, field_name="contact_name", limit=NAME_MAX)
    phone = ""
    if (data.contact_phone or "").strip():
        try:
            phone = normalize_phone(data.contact_phone)
        except ValidationFailed:
            raise _fail(
                _("This is not a valid mainland mobile or landline number."),
                "contact_invalid",
                "contact_phone",
            ) from None
    email = (data.contact_email or "").strip()
    if email:
        try:
            if len(email) > 254:
                raise DjangoValidationError("too long")
            validate_email(email)
        except DjangoValidationError:
            raise _fail(
                _("This is not a valid email address."), "contact_invalid", "contact_email"
            ) from None
    return name, phone, email


# ---------------------------------------------------------------------------- writing


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def staff_link(report: Report) -> str:
    try:
        return reverse("reports:detail", args=[report.pk])
    except NoReverseMatch:
        return ""


def _insert(fields: dict[str, Any]) -> Report:
    """Create the row; a tracking code or token that collides is drawn again."""
    for _attempt in range(8):
        fields["tracking_code"] = new_tracking_code()
        fields["token"] = uuid.uuid4().hex
        try:
            with transaction.atomic():
                return Report.objects.create(**fields)
        except IntegrityError:
            if Report.objects.filter(tracking_code=fields["tracking_code"]).exists():
                continue
            raise
    raise ApplicationError(_("Could not issue a tracking code; please try again."))


@transaction.atomic
def report_submit(*, data: ReportIn, now: datetime.datetime | None = None) -> Report:
    """File a report; raises before writing anything when the input is refused.

    ValidationFailed codes (`details` maps the field to its message): service_unknown,
    location_missing, location_invalid, location_outside, jurisdiction_unknown,
    description_too_long, description_html, attribute_unknown, attribute_required,
    attribute_invalid, photo_invalid, photo_too_big, photos_too_many, contact_invalid,
    link_invalid (link_to_tracking_code names no open report of the same category).
    Also `firegrid.reports.errors.Blocked` (403, "blocked") and `RateLimited` (429,
    "rate_limited").
    """
    now = now or timezone.now()
    service = _service(data.service_code)
    description = _description(data.description)
    address = _plain(data.address, field_name="address_string", limit=ADDRESS_MAX)
    routed = route_point(
        lon=data.lon,
        lat=data.lat,
        crs=data.crs or "wgs84",
        place_id=data.place_id,
        jurisdiction_code=data.jurisdiction_code,
    )
    answers = _attributes(service, data.attributes)
    name, phone, email = _contact(data)
    device_id = (data.device_id or "").strip()[:DEVICE_ID_MAX]
    ip = (data.ip or "").strip()
    # Before the costly part (photos): a blocked or flooding sender is turned away cheaply.
    abuse.check_sender(ip=ip, device_id=device_id, phone=phone, client=data.client, now=now)
    original: Report | None = None
    if data.link_to_tracking_code:
        original = (
            Report.objects.filter(
                tracking_code=data.link_to_tracking_code.strip().upper(),
                service=service,
                hidden=False,
            )
            .exclude(state=Report.State.CLOSED)
            .first()
        )
        if original is None:
            raise _fail(
                _("That report is closed or of another category; submit yours on its own."),
                "link_invalid",
                "link_to_tracking_code",
            )
    cleaned_photos = _photos(tuple(data.photos or ()))

    channel = data.channel if data.channel in Report.Channel.values else Report.Channel.WEB
    if data.client is not None:
        channel = Report.Channel.OPEN311
    report = _insert(
        {
            "service": service,
            "channel": channel,
            "client": data.client,
            "jurisdiction": routed.jurisdiction,
            "grid": routed.leaf,
            "grid_path": routed.leaf.path,
            "owner_grid": routed.leaf,
            "lon": routed.lon,
            "lat": routed.lat,
            "address": address or (routed.place.address if routed.place else ""),
            "place": routed.place,
            "description": description,
            "attributes": answers,
            "requested_at": now,
            "triage_due": triage_due_for(service, now),
            "contact_name": name,
            "contact_phone": pii.encrypt(phone),
            "contact_phone_masked": pii.mask_phone(phone) if phone else "",
            "contact_email": pii.encrypt(email),
            "device_id": device_id,
            "ip_digest": abuse.ip_digest(ip),
        }
    )
    for number, photo in enumerate(cleaned_photos, start=1):
        item = ReportPhoto(report=report)
        item.image.save(f"{report.tracking_code}-{number}.jpg", photo.content, save=False)
        item.save()
    ReportEvent.objects.create(
        report=report,
        action="submitted",
        at=now,
        public=True,
        data={"channel": channel, "grid": routed.leaf.code},
    )
    if original is not None:
        from .triage import report_link

        report_link(report=report, to=original, now=now)
    else:
        from ..notify import notify_triage

        notify_triage(report=report, kind="report.submitted")
    # Last: the audit chain is one lock for all writers, so hold it for as short as possible.
    audit_record(
        actor=None,
        action="report.submit",
        target=report,
        data={
            "service": service.code,
            "grid": routed.leaf.code,
            "channel": channel,
            "client": data.client.pk if data.client else None,
            "photos": len(cleaned_photos),
            "with_contact": bool(phone or email),
        },
    )
    return report
