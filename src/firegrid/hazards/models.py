"""Fire hazards (火灾隐患): what an inspection, a patrol or a resident found.

This first cut records a hazard as reported, linked to where it was found; the lifecycle
(confirmation, notices, deadlines, re-inspection, escalation) builds on these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from firegrid.core.models import BaseModel
from firegrid.grids.models import Grid
from firegrid.registry.models import Place


class HazardCategory(BaseModel):
    """A kind of hazard (隐患类别) as data, e.g. 电动自行车违规停放充电, 疏散通道堵塞."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hazard category")
        verbose_name_plural = _("hazard categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class HazardQuerySet(models.QuerySet["Hazard"]):
    def open(self) -> HazardQuerySet:
        return self.exclude(state__in=Hazard.CLOSED_STATES)


class Hazard(BaseModel):
    """A fire hazard found at a place or in a grid."""

    class State(models.TextChoices):
        REPORTED = "reported", _("reported")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")
        FIXED_ON_SPOT = "fixed_on_spot", _("fixed on the spot")
        NOTICE_ISSUED = "notice_issued", _("notice issued")
        RECTIFYING = "rectifying", _("rectifying")
        REVIEW_REQUESTED = "review_requested", _("re-inspection requested")
        OVERDUE = "overdue", _("overdue")
        ESCALATED = "escalated", _("escalated")
        HANDED_OVER = "handed_over", _("handed over")
        CLOSED = "closed", pgettext_lazy("hazard state", "closed")

    class Severity(models.TextChoices):
        GENERAL = "general", _("general (一般)")
        LARGER = "larger", _("larger (较大)")
        MAJOR = "major", _("major (重大)")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("inspection")
        PATROL = "patrol", _("patrol")
        CITIZEN = "citizen", _("resident's report")
        OTHER = "other", _("other")

    CLOSED_STATES = (State.CLOSED, State.REJECTED)

    category = models.ForeignKey(
        HazardCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REPORTED, db_index=True
    )
    source = models.CharField(
        pgettext_lazy("hazard", "source"), max_length=12, choices=Source.choices
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = models.CharField(_("grid path"), max_length=255, db_index=True, editable=False)
    lon = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    description = models.TextField(_("description"))
    major_element_code = models.CharField(_("GB 35181 element code"), max_length=30, blank=True)
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    checklist_item = models.ForeignKey(
        "inspections.ChecklistItem",
        verbose_name=_("checklist item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    patrol = models.ForeignKey(
        "inspections.Patrol",
        verbose_name=_("patrol"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    # The grid whose office answers for the hazard now: the leaf where it was found, then the
    # notice issuer's level, then one level up per escalation (分级处置、逐级上报).
    owner_grid = models.ForeignKey(
        Grid,
        verbose_name=_("responsible level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    # The next date a clock runs out (re-inspection due, next escalation), kept for sweeps/lists.
    next_due = models.DateField(_("next deadline"), null=True, blank=True, db_index=True)
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)
    handed_to = models.CharField(_("handed over to (agency)"), max_length=100, blank=True)
    handover_reference = models.CharField(_("hand-over reference"), max_length=60, blank=True)
    found_at = models.DateTimeField(_("found at"), db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "checklist_item"],
                condition=Q(inspection__isnull=False, checklist_item__isnull=False),
                name="uniq_hazard_inspection_item",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}"


class HazardEvent(models.Model):
    """One step of a hazard's timeline (工作痕迹): who moved it from what to what, when, why."""

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20)
    to_state = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), db_index=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        ordering = ["hazard", "at", "id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class HazardPhoto(models.Model):
    """A photo of a hazard step: before (as found) or after (as fixed)."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("before")
        AFTER = "after", _("after")

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="photos"
    )
    event = models.ForeignKey(
        HazardEvent, verbose_name=_("step"), on_delete=models.CASCADE, related_name="photos"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    image = models.ImageField(_("image"), upload_to="hazards/photos/%Y/%m/")
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.kind}"


class NoticeSeries(models.Model):
    """The running number of an issuing office's notices in one year (文号): gap-free, never
    reused. The row is locked while a number is drawn, so concurrent issues queue on it."""

    office = models.ForeignKey(
        Grid, verbose_name=_("issuing office"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("notice number series")
        verbose_name_plural = _("notice number series")
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="uniq_notice_series")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last_number}"


class RectificationNotice(BaseModel):
    """A rectification notice (责令整改通知书 / 整改通知书) served on a place for a hazard.

    What it said is kept as issued (place name, responsible person, problems, legal basis), so a
    later edit of the place or the settings never rewrites a served document."""

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.PROTECT, related_name="notices"
    )
    series = models.ForeignKey(
        NoticeSeries, verbose_name=_("number series"), on_delete=models.PROTECT, related_name="+"
    )
    sequence = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("notice number"), max_length=80, unique=True)
    office = models.ForeignKey(
        Grid, verbose_name=_("issuing office"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("rectification deadline"))
    place_name = models.CharField(_("place"), max_length=200)
    place_address = models.CharField(_("address"), max_length=300, blank=True)
    responsible_name = models.CharField(_("person responsible"), max_length=50)
    problems = models.TextField(_("problems found"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    # 签收: the place's person signs for the notice (on paper or on the worker's phone).
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by_name = models.CharField(_("received by"), max_length=50, blank=True)
    receipt_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receipt recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt_note = models.CharField(_("receipt note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "sequence"], name="uniq_notice_sequence")
        ]

    def __str__(self) -> str:
        return self.number


class MajorDetermination(BaseModel):
    """A GB 35181 determination (重大火灾隐患判定) of a place, as the engine gave it, and the
    collective confirmation (集体讨论, at least three people) that makes it final."""

    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="major_determinations",
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("hazard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="determinations",
    )
    rule_set = models.CharField(_("rule set (edition and version)"), max_length=60)
    place_category = models.CharField(_("place category"), max_length=20)
    is_major = models.BooleanField(_("major hazard"))
    reason = models.CharField(_("reason"), max_length=30)
    # [{"code", "kind", "text", "verified"}, ...] as the engine listed them.
    matched = models.JSONField(_("matched elements"), default=list)
    threshold = models.PositiveSmallIntegerField(_("threshold"), null=True, blank=True)
    determined_at = models.DateTimeField(_("determined at"))
    determined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("determined by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The collective decision: names and posts of those present, when, what they decided.
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmers = models.JSONField(_("confirmed by"), default=list, blank=True)
    confirmation_note = models.TextField(_("decision record"), blank=True)
    confirmation_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmation recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("major hazard determination")
        verbose_name_plural = _("major hazard determinations")
        ordering = ["-determined_at", "-id"]

    def __str__(self) -> str:
        return f"{self.place_id} {self.rule_set} {'major' if self.is_major else '-'}"

    @property
    def final(self) -> bool:
        return self.confirmed_at is not None
