"""Citizen hazard reports (群众举报投诉) and their Open311 GeoReport v2 face.

A resident (or a city platform through Open311) reports a hazard at a point; the report is routed
to the leaf grid that owns the point, triaged there against a statutory clock, and either becomes
a hazard in the hazard workflow or is closed with a reason the reporter can read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from firegrid.core.models import BaseModel
from firegrid.grids.models import Grid
from firegrid.hazards.models import Hazard, HazardCategory
from firegrid.registry.models import Place


class ReportService(BaseModel):
    """A kind of report a resident can file: an Open311 *service* (举报类别)."""

    code = models.SlugField(_("service code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    description_en = models.CharField(_("English description"), max_length=300, blank=True)
    group = models.CharField(_("group"), max_length=60, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    hazard_category = models.ForeignKey(
        HazardCategory,
        verbose_name=_("hazard category when confirmed"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Blocked exits, switched-off fire systems: a site check within 24 hours, not 3 working days.
    urgent = models.BooleanField(_("site check within 24 hours"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report service")
        verbose_name_plural = _("report services")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceAttribute(models.Model):
    """An extra question of a service (Open311 service definition attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("short text")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        TEXT = "text", _("long text")
        SINGLEVALUELIST = "singlevaluelist", _("one of a list")
        MULTIVALUELIST = "multivaluelist", _("several of a list")

    service = models.ForeignKey(
        ReportService,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="attributes",
    )
    code = models.SlugField(_("code"), max_length=60)
    datatype = models.CharField(_("data type"), max_length=16, choices=Datatype.choices)
    variable = models.BooleanField(_("asks the reporter"), default=True)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=300)
    description_en = models.CharField(_("English question"), max_length=300, blank=True)
    datatype_description = models.CharField(_("hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    # [{"key": "...", "name": "...", "name_en": "..."}] for the list types.
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["service", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="uniq_service_attribute")
        ]

    def __str__(self) -> str:
        return f"{self.service_id}:{self.code}"


class Open311Client(BaseModel):
    """A system allowed to post reports through Open311 (a 12345 platform, an app): its API key.

    Only a digest of the key is stored; the key is shown once when it is made (admin)."""

    name = models.CharField(_("name"), max_length=100)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class Report(BaseModel):
    """One citizen report (群众举报): what, where, and what became of it."""

    # Columns holding core.pii Fernet tokens: `firegrid pii rotate` re-encrypts them.
    pii_encrypted_fields = ("contact_phone", "contact_email")

    class State(models.TextChoices):
        NEW = "new", _("awaiting triage")
        CONFIRMED = "confirmed", _("confirmed as a hazard")
        CLOSED = "closed", pgettext_lazy("report state", "closed")

    class CloseReason(models.TextChoices):
        NOT_HAZARD = "not_hazard", _("not a fire hazard")
        DUPLICATE = "duplicate", _("duplicate of another report")
        OUTSIDE_REMIT = "outside_remit", _("outside our remit (referred)")
        RESOLVED = "resolved", _("the hazard was fixed")

    class Channel(models.TextChoices):
        WEB = "web", _("public page")
        OPEN311 = "open311", _("Open311")
        STAFF = "staff", _("entered by staff")

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    # Open311 token (tokens/{token}); the id is known at once here, the token maps to it anyway.
    token = models.CharField(_("token"), max_length=32, unique=True)
    service = models.ForeignKey(
        ReportService, verbose_name=_("service"), on_delete=models.PROTECT, related_name="reports"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    client = models.ForeignKey(
        Open311Client,
        verbose_name=_("Open311 client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # The county (root grid) whose jurisdiction the point is in: Open311 jurisdiction_id.
    jurisdiction = models.ForeignKey(
        Grid, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = models.CharField(_("grid path"), max_length=255, db_index=True, editable=False)
    # The level that must triage it now: the leaf, then one level up per escalation.
    owner_grid = models.ForeignKey(
        Grid, verbose_name=_("responsible level"), on_delete=models.PROTECT, related_name="+"
    )
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citizen_reports",
    )
    description = models.TextField(_("description"))
    attributes = models.JSONField(_("answers"), default=dict, blank=True)
    requested_at = models.DateTimeField(_("reported at"), db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.NEW, db_index=True
    )
    close_reason = models.CharField(
        _("close reason"), max_length=16, choices=CloseReason.choices, blank=True
    )
    referral = models.CharField(_("referred to"), max_length=200, blank=True)
    # What the public sees about progress and the result (Open311 status_notes).
    status_notes = models.CharField(_("public status notes"), max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("hazard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citizen_reports",
    )
    triage_due = models.DateTimeField(_("triage due"), null=True, blank=True, db_index=True)
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Contact details are optional, encrypted at rest (core.pii) and never shown publicly.
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone (encrypted)"), max_length=200, blank=True)
    contact_phone_masked = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.CharField(_("contact email (encrypted)"), max_length=400, blank=True)
    device_id = models.CharField(_("device id"), max_length=64, blank=True, db_index=True)
    ip_digest = models.CharField(_("IP digest"), max_length=64, blank=True, db_index=True)
    # Moderation: a hidden report stays in the record (and the audit log) but leaves every list.
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("why hidden"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("citizen report")
        verbose_name_plural = _("citizen reports")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["service", "state"], name="report_service_state")]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class ReportPhoto(models.Model):
    """A photo sent with a report. Moderation may black out a region (faces, plates): the
    redacted image replaces the original, and the audit log says who did it and where."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("image"), upload_to="reports/photos/%Y/%m/")
    redacted = models.BooleanField(_("redacted"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report_id} photo {self.pk}"


class ReportEvent(models.Model):
    """One step of a report's timeline; `public` steps show on the status page."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown publicly"), default=False)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


class BlockedSender(BaseModel):
    """A blocklist entry (恶意举报): reports from this IP, device or phone are refused."""

    class Kind(models.TextChoices):
        IP = "ip", _("IP address")
        DEVICE = "device", _("device id")
        PHONE = "phone", _("phone")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # A keyed digest (core.pii.digest) of the value: the list itself leaks nothing.
    value_digest = models.CharField(_("value digest"), max_length=64)
    value_hint = models.CharField(_("value (masked)"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    until = models.DateTimeField(_("blocked until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blocked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value_digest"], name="uniq_blocked_sender")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value_hint}"
