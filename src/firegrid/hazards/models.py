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
        CLOSED = "closed", _("closed")
        REJECTED = "rejected", _("rejected")

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
