"""The registry (底数清、情况明): places, buildings, households, residents and fire resources.

Every located record stores its point in WGS-84 (converted at the boundary) and the leaf grid
that owns the point; the grid's materialised path scopes who may see it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from firegrid.core.models import BaseModel
from firegrid.grids.models import Grid


class RiskLevel(models.TextChoices):
    HIGH = "high", _("high risk")
    MEDIUM = "medium", _("medium risk")
    LOW = "low", _("low risk")


RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


class PlaceType(BaseModel):
    """A place type (场所类型) of the taxonomy: data, seeded by a migration, editable by offices."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    # 九小场所 / 三合一场所 / 出租屋 / 住宅 / 公共场所 / 单位 … (the group heading in lists).
    group = models.CharField(_("group"), max_length=50)
    group_en = models.CharField(_("English group"), max_length=80, blank=True)
    # 人员密集场所: counted by the crowded-place rule of GB 35181 in the hazard workflow.
    is_crowded = models.BooleanField(_("crowded place (人员密集场所)"), default=False)
    default_risk = models.CharField(
        _("default risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("place type")
        verbose_name_plural = _("place types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ClassificationRule(BaseModel):
    """A configurable rule deriving risk level, key-unit (重点单位) or 火灾高危 flags.

    Read as: "a place of `place_types` (any type when empty) whose `attribute` is `operator`
    `threshold` gets `effect`". Defaults come from 公通字〔2001〕97号 and DOMAIN_FACTS.
    """

    class Attribute(models.TextChoices):
        FLOOR_AREA = "floor_area_m2", _("floor area (m²)")
        FLOORS = "floors", _("floors")
        BEDS = "beds", _("beds")
        ROOMS = "rooms", _("rooms")
        OCCUPANTS = "occupants", _("occupants")
        HEIGHT = "height_m", _("height (m)")
        ALWAYS = "always", _("always (type alone)")

    class Operator(models.TextChoices):
        GTE = "gte", "≥"
        GT = "gt", ">"

    class Effect(models.TextChoices):
        KEY_UNIT = "key_unit", _("key unit (重点单位)")
        HIGH_RISK_UNIT = "high_risk_unit", _("high fire-risk unit (火灾高危单位)")
        RISK_HIGH = "risk_high", _("risk level high")
        RISK_MEDIUM = "risk_medium", _("risk level medium")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    place_types = models.ManyToManyField(
        PlaceType, verbose_name=_("place types"), blank=True, related_name="rules"
    )
    attribute = models.CharField(_("attribute"), max_length=20, choices=Attribute.choices)
    operator = models.CharField(
        _("operator"), max_length=4, choices=Operator.choices, default=Operator.GTE
    )
    threshold = models.FloatField(_("threshold"), default=0)
    effect = models.CharField(_("effect"), max_length=20, choices=Effect.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    verified = models.BooleanField(_("threshold verified against the official text"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("classification rule")
        verbose_name_plural = _("classification rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Located(BaseModel):
    """Fields shared by every record on the map: a WGS-84 point and the leaf grid owning it."""

    lon = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    # The grid's path, copied so scope filters need no join (kept in step by the services).
    grid_path = models.CharField(_("grid path"), max_length=255, db_index=True, editable=False)

    class Meta:
        abstract = True


class Place(Located):
    """A place or unit (场所/单位) that is inspected: a shop, a rental, a factory, a school."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("in business")
        CLOSED = "closed", _("closed")
        MERGED = "merged", _("merged into another record")

    name = models.CharField(_("name"), max_length=200)
    # Lower-case, no spaces or punctuation, full-width folded: what duplicate checks compare.
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    place_type = models.ForeignKey(
        PlaceType, verbose_name=_("place type"), on_delete=models.PROTECT, related_name="places"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_key = models.CharField(max_length=300, db_index=True, editable=False, blank=True)
    grid_manual = models.BooleanField(_("grid set by hand"), default=False)
    grid_manual_reason = models.CharField(
        _("reason for the grid set by hand"), max_length=200, blank=True
    )
    floor_area_m2 = models.FloatField(_("floor area (m²)"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    height_m = models.FloatField(_("height (m)"), null=True, blank=True)
    beds = models.PositiveIntegerField(_("beds"), null=True, blank=True)
    rooms = models.PositiveIntegerField(_("rooms"), null=True, blank=True)
    occupants = models.PositiveIntegerField(_("occupants"), null=True, blank=True)
    licence_number = models.CharField(
        _("business licence number"), max_length=50, blank=True, db_index=True
    )
    responsible_name = models.CharField(
        _("person responsible (消防安全责任人)"), max_length=50, blank=True
    )
    responsible_phone = models.CharField(
        _("phone of the person responsible"), max_length=20, blank=True
    )
    manager_name = models.CharField(
        _("fire-safety manager (消防安全管理人)"), max_length=50, blank=True
    )
    manager_phone = models.CharField(
        _("phone of the fire-safety manager"), max_length=20, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Effective classification: computed by the rules unless a manual override (with reason) is set.
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    is_key_unit = models.BooleanField(_("key unit (重点单位)"), default=False, db_index=True)
    is_high_risk_unit = models.BooleanField(_("high fire-risk unit (火灾高危单位)"), default=False)
    # {"risk_level": "high", "is_key_unit": true, "is_high_risk_unit": false,
    #  "fired": [{"code", "name", "effect"}]} as the rules computed it.
    classification = models.JSONField(_("classification by the rules"), default=dict)
    # {"risk_level": "high"} etc.: what a person set by hand, and why.
    overrides = models.JSONField(_("manual classification"), default=dict, blank=True)
    override_reason = models.CharField(
        _("reason for the manual classification"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["grid_path", "name", "id"]
        indexes = [
            models.Index(fields=["lon", "lat"]),
            models.Index(fields=["place_type", "risk_level"]),
        ]

    def __str__(self) -> str:
        return self.name


class DuplicateCandidate(BaseModel):
    """Two place records that look like the same place (疑似重复), until merged or dismissed."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        MERGED = "merged", _("merged")
        DISMISSED = "dismissed", _("not a duplicate")

    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.CASCADE, related_name="duplicate_flags"
    )
    other = models.ForeignKey(
        Place, verbose_name=_("possible duplicate"), on_delete=models.CASCADE, related_name="+"
    )
    # ["name_near", "licence", "address"]
    reasons = models.JSONField(_("reasons"), default=list)
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["place", "other"], name="uniq_duplicate_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.place_id} ~ {self.other_id}"


class Building(Located):
    """A residential or other building (楼栋) holding households."""

    class Structure(models.TextChoices):
        RC = "rc", _("reinforced concrete")
        MASONRY = "masonry", _("brick and concrete")
        BRICK_WOOD = "brick_wood", _("brick and wood")
        STEEL = "steel", _("steel")
        OTHER = "other", _("other")

    class Category(models.TextChoices):
        HIGH_RISE = "high_rise", _("high-rise residential")
        MULTI_STOREY = "multi_storey", _("multi-storey residential")
        OLD = "old", _("old residential")
        BUNGALOW = "bungalow", _("bungalow / village house")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.MULTI_STOREY
    )
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    structure = models.CharField(
        _("structure"), max_length=20, choices=Structure.choices, default=Structure.RC
    )
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["grid_path", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Household(BaseModel):
    """A household (住户): a room of a building, or an address where there is no building."""

    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = models.CharField(_("grid path"), max_length=255, db_index=True, editable=False)
    unit = models.CharField(_("unit (单元)"), max_length=20, blank=True)
    room = models.CharField(_("room"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    size = models.PositiveSmallIntegerField(_("household size"), default=1)
    is_rental = models.BooleanField(_("rental (出租屋)"), default=False)
    landlord_name = models.CharField(_("landlord"), max_length=50, blank=True)
    landlord_phone = models.CharField(_("landlord phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["grid_path", "building_id", "unit", "room", "id"]

    def __str__(self) -> str:
        parts = [self.building.name if self.building else self.address, self.unit, self.room]
        return " ".join(p for p in parts if p)


class Resident(BaseModel):
    """A resident (居民). ID number and phone are encrypted at rest and masked everywhere.

    `*_encrypted` hold Fernet tokens (key from FIREGRID_PII_KEYS); `*_masked` is what lists show;
    `id_number_digest` is a keyed hash so duplicates can be found without decrypting.
    """

    # Columns holding core.pii Fernet tokens: `firegrid pii rotate` re-encrypts them.
    pii_encrypted_fields = ("id_number_encrypted", "phone_encrypted")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="residents"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = models.CharField(_("grid path"), max_length=255, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=50)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=20, blank=True, editable=False)
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    lives_alone_elderly = models.BooleanField(_("elderly living alone (独居老人)"), default=False)
    disabled = models.BooleanField(_("disabled (残疾)"), default=False)
    left_behind_child = models.BooleanField(_("left-behind child (留守儿童)"), default=False)
    key_person = models.BooleanField(_("key person (重点人口)"), default=False)
    limited_mobility = models.BooleanField(_("limited mobility (行动不便)"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["grid_path", "household_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_vulnerable(self) -> bool:
        return (
            self.lives_alone_elderly
            or self.disabled
            or self.left_behind_child
            or self.limited_mobility
        )


class FireResource(Located):
    """A fire resource (消防资源): hydrant, water source, fire room, micro station, team, engine."""

    class Kind(models.TextChoices):
        HYDRANT = "hydrant", _("hydrant (消火栓)")
        WATER_SOURCE = "water_source", _("natural water source (天然水源)")
        FIRE_ROOM = "fire_room", _("fire room (消防室)")
        MICRO_STATION = "micro_station", _("micro fire station (微型消防站)")
        VOLUNTEER_TEAM = "volunteer_team", _("volunteer fire team (义务消防队)")
        FIRE_ENGINE = "fire_engine", _("small fire engine (小型消防车)")

    class Status(models.TextChoices):
        USABLE = "usable", _("usable")
        BROKEN = "broken", _("broken")
        REPAIR = "repair", _("under repair")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.USABLE
    )
    last_checked_on = models.DateField(_("last checked on"), null=True, blank=True)
    keeper_name = models.CharField(_("keeper"), max_length=50, blank=True)
    keeper_phone = models.CharField(_("keeper phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("fire resource")
        verbose_name_plural = _("fire resources")
        ordering = ["grid_path", "kind", "name", "id"]

    def __str__(self) -> str:
        return self.name


class EquipmentItem(BaseModel):
    """A line of a fire room's or micro station's equipment inventory (器材清单)."""

    resource = models.ForeignKey(
        FireResource,
        verbose_name=_("fire resource"),
        on_delete=models.CASCADE,
        related_name="equipment",
    )
    name = models.CharField(_("name"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment")
        ordering = ["resource_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


class TeamMember(BaseModel):
    """A member of a volunteer fire team (义务消防队员)."""

    resource = models.ForeignKey(
        FireResource, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["resource_id", "name"]

    def __str__(self) -> str:
        return self.name


class LedgerImport(BaseModel):
    """One upload of an Excel ledger (台账导入): checked and applied all-or-nothing by a job."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("imported")
        REJECTED = "rejected", _("rejected: see the error report")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("record type"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT
    )
    file = models.FileField(_("file"), upload_to="ledgers/in/")
    original_name = models.CharField(_("file name"), max_length=200)
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    phase = models.CharField(_("phase"), max_length=40, blank=True)
    # [{"row": 12, "column": "电话", "value": "123", "reason": "…"}] (first 10,000 kept)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # {"created": n, "updated": n, "unchanged": n, "duplicates_flagged": n}
    result = models.JSONField(_("result"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.status})"
