"""Inspections and patrols (检查与巡查): checklists as versioned data, schedule rules, the tasks
they generate for named people, and the records made in the field."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from firegrid.core.models import BaseModel
from firegrid.grids.models import Grid, Jurisdiction
from firegrid.people.models import Person, Role
from firegrid.registry.models import Place, PlaceType, RiskLevel


class Frequency(models.TextChoices):
    """How often, as calendar periods: a weekly task is due within its Monday–Sunday week."""

    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")
    HALF_MONTHLY = "half_monthly", _("half-monthly")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    HALF_YEARLY = "half_yearly", _("half-yearly")
    YEARLY = "yearly", _("yearly")


class ChecklistTemplate(BaseModel):
    """A checklist (检查表) for some place types, or for patrols; one row per version.

    Publishing a change makes a new version; an inspection keeps the version it used, so
    editing a template never rewrites an old record.
    """

    class Kind(models.TextChoices):
        PLACE = "place", _("place inspection")
        PATROL = "patrol", _("patrol")

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PLACE)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    place_types = models.ManyToManyField(
        PlaceType, verbose_name=_("place types"), blank=True, related_name="checklists"
    )
    # A key-unit checklist is used for every key unit (重点单位), whatever its type.
    for_key_units = models.BooleanField(_("used for key units"), default=False)
    priority = models.PositiveSmallIntegerField(
        _("priority (lower wins when several fit)"), default=100
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["priority", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_checklist_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="uniq_checklist_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ChecklistItem(BaseModel):
    """One question of a checklist version, with what a failed answer raises."""

    class AnswerType(models.TextChoices):
        PASS_FAIL = "pass_fail", _("pass / fail / not applicable")
        NUMBER = "number", _("number")
        TEXT = "text", _("text")
        PHOTO = "photo", _("photo")

    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=300)
    text_en = models.CharField(_("English question"), max_length=400, blank=True)
    answer_type = models.CharField(
        _("answer type"), max_length=10, choices=AnswerType.choices, default=AnswerType.PASS_FAIL
    )
    required = models.BooleanField(_("answer required"), default=True)
    photo_required_on_fail = models.BooleanField(_("photo required on fail"), default=False)
    # For number answers: a value outside [min, max] counts as a fail.
    min_value = models.FloatField(_("lowest passing value"), null=True, blank=True)
    max_value = models.FloatField(_("highest passing value"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    hazard_category = models.SlugField(
        _("hazard category raised on fail"), max_length=60, blank=True
    )
    major_element_code = models.CharField(_("GB 35181 element code"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="uniq_checklist_item_code")
        ]

    def __str__(self) -> str:
        return self.text


class ScheduleRule(BaseModel):
    """Who inspects what how often (定时定点检查): roles at a grid level, targets, a rhythm.

    A patrol rule (`kind=patrol`) targets every grid at `grid_depth` itself (小片 daily patrol);
    an inspection rule targets places in those grids, filtered by type, risk and key-unit flag.
    The interval is risk-based: `frequency_by_risk` overrides `frequency` per risk level; a place
    with an open hazard uses `frequency_open_hazard`; `relax_after_clean` clean inspections in a
    row lengthen the interval one step at a time up to `relax_cap`.
    """

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("place inspection")
        PATROL = "patrol", _("grid patrol")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction (blank: all)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INSPECTION)
    # The first role (by its order) someone holds at the grid gets the task: 专职网格员 in a
    # community, 网格长 in a village.
    roles = models.ManyToManyField(Role, verbose_name=_("responsible roles"), related_name="+")
    grid_depth = models.PositiveSmallIntegerField(_("grid level (depth) the role is held at"))
    place_types = models.ManyToManyField(
        PlaceType, verbose_name=_("place types (blank: all)"), blank=True, related_name="+"
    )
    risk_levels = models.JSONField(_("risk levels (blank: all)"), default=list, blank=True)
    key_units_only = models.BooleanField(_("key units only"), default=False)
    frequency = models.CharField(_("frequency"), max_length=14, choices=Frequency.choices)
    frequency_by_risk = models.JSONField(_("frequency per risk level"), default=dict, blank=True)
    frequency_open_hazard = models.CharField(
        _("frequency while a hazard is open"), max_length=14, choices=Frequency.choices, blank=True
    )
    relax_after_clean = models.PositiveSmallIntegerField(
        _("clean inspections in a row that lengthen the interval (0: never)"), default=0
    )
    relax_cap = models.CharField(
        _("longest interval after clean inspections"),
        max_length=14,
        choices=Frequency.choices,
        blank=True,
    )
    # 每月上旬: a monthly rule with a 10-day window is due on the 10th.
    window_days = models.PositiveSmallIntegerField(
        _("window from the start of each period (days; blank: the whole period)"),
        null=True,
        blank=True,
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("average minutes per task incl. travel"), default=30
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("schedule rule")
        verbose_name_plural = _("schedule rules")
        ordering = ["grid_depth", "code"]

    def __str__(self) -> str:
        return self.name


class InspectionTask(BaseModel):
    """A due inspection or patrol for a named person (检查任务), for one period of a rule."""

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        MISSED = "missed", _("missed")
        CANCELLED = "cancelled", _("cancelled")

    class Origin(models.TextChoices):
        SCHEDULE = "schedule", _("schedule")
        COMPLAINT = "complaint", _("after a complaint")
        HAZARD = "hazard", _("after a hazard")
        REQUEST = "request", _("request from above")
        OTHER = "other", _("other")

    class Via(models.TextChoices):
        PRIMARY = "primary", _("responsible person")
        BACKUP = "backup", _("AB-post partner")
        MANUAL = "manual", _("assigned by hand")
        NONE = "none", _("nobody available")

    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=ScheduleRule.Kind.choices,
        default=ScheduleRule.Kind.INSPECTION,
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.SCHEDULE
    )
    rule = models.ForeignKey(
        ScheduleRule,
        verbose_name=_("schedule rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_tasks",
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = models.CharField(_("grid path"), max_length=255, db_index=True, editable=False)
    assignee = models.ForeignKey(
        Person,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_tasks",
    )
    assigned_via = models.CharField(
        _("assigned via"), max_length=10, choices=Via.choices, default=Via.PRIMARY
    )
    frequency = models.CharField(
        _("frequency"), max_length=14, choices=Frequency.choices, blank=True
    )
    period_start = models.DateField(_("period start"))
    window_start = models.DateField(_("window start"))
    due_on = models.DateField(_("due on"), db_index=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PLANNED, db_index=True
    )
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reason = models.CharField(_("reason (cancelled / unscheduled)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["due_on", "grid_path", "id"]
        indexes = [
            models.Index(fields=["assignee", "due_on"]),
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["place", "due_on"]),
        ]
        constraints = [
            # The sweep's idempotency: one task per rule, target and period.
            models.UniqueConstraint(
                fields=["rule", "place", "period_start"],
                condition=Q(rule__isnull=False, place__isnull=False),
                name="uniq_task_rule_place_period",
            ),
            models.UniqueConstraint(
                fields=["rule", "grid", "period_start"],
                condition=Q(rule__isnull=False, place__isnull=True),
                name="uniq_task_rule_grid_period",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("window_start")), name="task_due_after_window"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.due_on} {self.state}"


class Inspection(BaseModel):
    """A checklist visit to a place (检查记录), with answers, photos, GPS and a snapshot."""

    class Result(models.TextChoices):
        CLEAN = "clean", _("no problems")
        PROBLEMS = "problems", _("problems found")

    client_uuid = models.UUIDField(_("client id"), unique=True)
    task = models.OneToOneField(
        InspectionTask,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection",
    )
    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="inspections"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = models.CharField(_("grid path"), max_length=255, db_index=True, editable=False)
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspector = models.ForeignKey(
        Person, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="inspections"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), db_index=True)
    lon = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    gps_accuracy_m = models.FloatField(_("GPS accuracy (m)"), null=True, blank=True)
    distance_m = models.FloatField(_("distance from the place (m)"), null=True, blank=True)
    distance_reason = models.CharField(
        _("reason for a position far from the place"), max_length=300, blank=True
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    failed_count = models.PositiveSmallIntegerField(_("failed items"), default=0)
    # The place as it was at the time (name, type, risk, people…): later edits keep history.
    snapshot = models.JSONField(_("place at the time"), default=dict)
    signature = models.ImageField(
        _("signature of the place's person"), upload_to="inspections/signatures/%Y/%m/", blank=True
    )
    signed_by = models.CharField(_("signed by"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-finished_at", "-id"]
        indexes = [models.Index(fields=["place", "-finished_at"])]

    def __str__(self) -> str:
        return f"{self.place_id} {self.finished_at:%Y-%m-%d}"


class InspectionAnswer(models.Model):
    """The answer to one checklist item; `failed` is decided by the service, not the client."""

    class Value(models.TextChoices):
        PASS = "pass", _("pass")
        FAIL = "fail", _("fail")
        NOT_APPLICABLE = "na", _("not applicable")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.CharField(_("answer"), max_length=4, choices=Value.choices, blank=True)
    number = models.FloatField(_("number"), null=True, blank=True)
    text = models.CharField(_("text"), max_length=500, blank=True)
    failed = models.BooleanField(_("failed"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["inspection", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="uniq_answer_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.value or self.number or self.text}"


class Patrol(BaseModel):
    """A patrol check-in of a grid (巡查打卡): GPS points along the walk and notes."""

    client_uuid = models.UUIDField(_("client id"), unique=True)
    task = models.OneToOneField(
        InspectionTask,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patrol",
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = models.CharField(_("grid path"), max_length=255, db_index=True, editable=False)
    person = models.ForeignKey(
        Person, verbose_name=_("patroller"), on_delete=models.PROTECT, related_name="patrols"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), db_index=True)
    # [{"lon": …, "lat": …, "at": ISO time, "accuracy": m}] in WGS-84.
    points = models.JSONField(_("GPS points"), default=list)
    points_outside = models.PositiveIntegerField(_("points outside the grid"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-finished_at", "-id"]


class InspectionPhoto(BaseModel):
    """A photo of an inspection or patrol: resized, location EXIF dropped, capture time kept."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    patrol = models.ForeignKey(
        Patrol,
        verbose_name=_("patrol"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    image = models.ImageField(_("image"), upload_to="inspections/photos/%Y/%m/")
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=False) | Q(patrol__isnull=False),
                name="photo_has_owner",
            )
        ]


__all__ = [
    "ChecklistItem",
    "ChecklistTemplate",
    "Frequency",
    "Inspection",
    "InspectionAnswer",
    "InspectionPhoto",
    "InspectionTask",
    "Patrol",
    "RiskLevel",
    "ScheduleRule",
]
