"""Jurisdictions (辖区), their configurable grid levels (网格层级) and the grids (网格)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from firegrid.core.models import BaseModel

# Default grid code format: 6-digit county (GB/T 2260), +3 town/street, +3 community
# (统计用区划代码), +3 grid sequence, +3 for a fourth level.
# A jurisdiction may override each level's pattern.
DEFAULT_CODE_PATTERNS = {
    0: r"^\d{6}$",
    1: r"^\d{9}$",
    2: r"^\d{12}$",
    3: r"^\d{15}$",
    4: r"^\d{18}$",
}


class Jurisdiction(BaseModel):
    """The root a deployment serves: a county/district (县/区) or a city."""

    code = models.CharField(_("division code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    codes_extend_parent = models.BooleanField(
        _("child codes start with the parent's code"), default=True
    )
    phones_public = models.BooleanField(
        _("show responsible people's phone numbers on public boards"), default=False
    )

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return self.name


class GridLevel(BaseModel):
    """A level of the grid tree in one jurisdiction (区/县 → 街道/乡镇 → 社区/村 → 网格 → 小片)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.CASCADE,
        related_name="levels",
    )
    depth = models.PositiveSmallIntegerField(_("depth"))
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=50, blank=True)
    code_pattern = models.CharField(_("code pattern (regular expression)"), max_length=100)
    color = models.CharField(_("map colour"), max_length=7, default="#d9480f")

    class Meta:
        verbose_name = _("grid level")
        verbose_name_plural = _("grid levels")
        ordering = ["jurisdiction", "depth"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "depth"], name="uniq_level_depth"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.name} · {self.name}"


class Grid(BaseModel):
    """A grid (网格): an area of responsibility with a boundary, a level and a parent."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="grids"
    )
    level = models.ForeignKey(
        GridLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="grids"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("grid code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Materialised path of ids ("/1/5/23/"): a subtree is one indexed prefix query on any database.
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False)
    boundary = models.JSONField(_("boundary (GeoJSON, WGS-84)"))
    min_lon = models.FloatField(db_index=True)
    min_lat = models.FloatField(db_index=True)
    max_lon = models.FloatField(db_index=True)
    max_lat = models.FloatField(db_index=True)
    centroid_lon = models.FloatField(_("centroid longitude"))
    centroid_lat = models.FloatField(_("centroid latitude"))
    area_m2 = models.FloatField(_("area (m²)"))
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    neighbours = models.ManyToManyField(
        "self", verbose_name=_("adjacent grids"), symmetrical=True, blank=True
    )

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["path"]
        indexes = [models.Index(fields=["jurisdiction", "depth"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]
