"""Fire hazards (火灾隐患): what an inspection, a patrol or a resident found.

This first cut records a hazard as reported, linked to where it was found; the lifecycle
(confirmation, notices, deadlines, re-inspection, escalation) builds on these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
        CLOSED = "closed", _("closed")

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
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
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
