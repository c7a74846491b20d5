"""Responsible people (定人定岗定责): persons, roles as data, and their assignments to grids."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from firegrid.core.models import BaseModel
from firegrid.grids.models import Grid


class Role(BaseModel):
    """A responsibility such as 网格长, 专职网格员 or 社区民警; what it may do is data too."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    duties = models.TextField(_("duties"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    can_manage = models.BooleanField(
        _("may edit grids, people and assignments in its subtree"), default=False
    )
    sees_phones = models.BooleanField(_("sees unmasked phone numbers"), default=False)
    can_unmask_pii = models.BooleanField(
        _("may reveal residents' ID numbers and phones (audited)"), default=False
    )
    can_edit_registry = models.BooleanField(
        _("may add and edit places, buildings, households and fire resources"), default=False
    )
    can_triage = models.BooleanField(
        _("handles citizen reports and notice receipts"), default=False
    )

    inspection_hours_month = models.PositiveSmallIntegerField(
        _("hours per month available for inspections and patrols"), default=40
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Person(BaseModel):
    """A named responsible person (责任人); may or may not have a login."""

    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    photo = models.ImageField(_("photo"), upload_to="people/photos/", blank=True)
    # The grid office that keeps this person's record; scopes who may see an unassigned person.
    home_grid = models.ForeignKey(
        Grid, verbose_name=_("registered at grid"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def active(self, on: datetime.date) -> AssignmentQuerySet:
        return self.filter(Q(start_on__lte=on), Q(end_on__isnull=True) | Q(end_on__gte=on))


class Assignment(BaseModel):
    """A person holding a role in a grid for a term (任期), with 责任书 and AB-post partner."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assignments"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments"
    )
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"), null=True, blank=True)
    letter_signed_on = models.DateField(_("responsibility letter signed on"), null=True, blank=True)
    backup = models.ForeignKey(
        Person,
        verbose_name=_("backup partner (AB post)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backup_for",
    )
    duties = models.CharField(_("duties"), max_length=300, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["grid__path", "role__sort_order", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="assignment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.role} · {self.grid}"


class Leave(BaseModel):
    """A person away for a span of days (请假/离岗): their tasks go to the AB-post partner."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="leaves"
    )
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("to (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leaves")
        ordering = ["person", "start_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="leave_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.start_on}–{self.end_on}"
