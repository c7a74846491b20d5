"""Column specs of the Excel ledgers (台账): one list per record type.

The same spec drives the template, the reader, the error report and the export, so a file
exported by FireGrid imports back unchanged. Headers and drop-down values are Chinese in every
language: the files are the offices' own ledgers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Kinds of cell value the reader knows.
TEXT, INT, FLOAT, PHONE, CHOICE, BOOL, DATE, ID, PLACE_TYPE = (
    "text",
    "int",
    "float",
    "phone",
    "choice",
    "bool",
    "date",
    "id",
    "place_type",
)

YES, NO = "是", "否"
CRS_LABELS = (("wgs84", "WGS84"), ("gcj02", "GCJ02"), ("bd09", "BD09"))
RISK_LABELS = (("high", "高"), ("medium", "中"), ("low", "低"))
PLACE_STATUS_LABELS = (("active", "在营"), ("closed", "已关闭"))
READ_ONLY_MARK = "（只读）"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = TEXT
    required: bool = False
    # (stored value, label written in the file) for CHOICE columns; the drop-down lists labels.
    choices: tuple[tuple[str, str], ...] = ()
    read_only: bool = False  # written by the export, ignored on import
    help: str | Promise = ""
    width: int = 14

    @property
    def title(self) -> str:
        """The header as written in the file: required columns carry a star."""
        if self.read_only:
            return f"{self.header}{READ_ONLY_MARK}"
        return f"{self.header}*" if self.required else self.header

    @property
    def has_list(self) -> bool:
        return self.kind in (CHOICE, BOOL, PLACE_TYPE)


@dataclass(frozen=True)
class LedgerSpec:
    kind: str
    sheet: str
    label: str | Promise
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def by_header(self) -> dict[str, Column]:
        return {c.header: c for c in self.columns}

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


def clean_header(text: object) -> str:
    """'场所名称 *' / '场所名称＊' / '计算风险等级（只读）' → the bare header."""
    value = "".join(str(text or "").split())
    value = value.rstrip("*＊")
    if value.endswith(READ_ONLY_MARK):
        value = value[: -len(READ_ONLY_MARK)]
    return value.replace("(只读)", "")


PLACES = LedgerSpec(
    kind="places",
    sheet="场所",
    label=_("places"),
    columns=(
        Column("系统编号", "id", ID, help=_("FireGrid id; leave empty for a new place")),
        Column("场所名称", "name", TEXT, required=True, width=28),
        Column("场所类型", "place_type", PLACE_TYPE, required=True, width=18),
        Column("地址", "address", TEXT, width=32),
        Column("经度", "lon", FLOAT, required=True, width=14),
        Column("纬度", "lat", FLOAT, required=True, width=14),
        Column("坐标系", "crs", CHOICE, choices=CRS_LABELS, width=10),
        Column("所属网格编码", "grid_code", TEXT, help=_("only to set the grid by hand")),
        Column("网格调整原因", "grid_reason", TEXT, width=20),
        Column("建筑面积(㎡)", "floor_area_m2", FLOAT),
        Column("层数", "floors", INT, width=8),
        Column("高度(m)", "height_m", FLOAT, width=10),
        Column("床位数", "beds", INT, width=8),
        Column("房间数", "rooms", INT, width=8),
        Column("人数", "occupants", INT, width=8),
        Column("营业执照号", "licence_number", TEXT, width=22),
        Column("消防安全责任人", "responsible_name", TEXT),
        Column("责任人电话", "responsible_phone", PHONE),
        Column("消防安全管理人", "manager_name", TEXT),
        Column("管理人电话", "manager_phone", PHONE),
        Column("联系电话", "phone", PHONE),
        Column("人工风险等级", "override_risk_level", CHOICE, choices=RISK_LABELS),
        Column("人工重点单位", "override_key_unit", BOOL),
        Column("人工认定原因", "override_reason", TEXT, width=20),
        Column("状态", "status", CHOICE, choices=PLACE_STATUS_LABELS, width=10),
        Column("备注", "note", TEXT, width=24),
        Column("风险等级", "risk_level", CHOICE, choices=RISK_LABELS, read_only=True),
        Column("重点单位", "is_key_unit", BOOL, read_only=True),
        Column("所属网格", "grid_name", TEXT, read_only=True, width=20),
    ),
)

BUILDING_CATEGORY_LABELS = (
    ("high_rise", "高层住宅"),
    ("multi_storey", "多层住宅"),
    ("old", "老旧住宅"),
    ("bungalow", "平房/农村自建房"),
    ("other", "其他"),
)
BUILDING_STRUCTURE_LABELS = (
    ("rc", "钢筋混凝土"),
    ("masonry", "砖混"),
    ("brick_wood", "砖木"),
    ("steel", "钢结构"),
    ("other", "其他"),
)
RESOURCE_KIND_LABELS = (
    ("hydrant", "消火栓"),
    ("water_source", "天然水源"),
    ("fire_room", "消防室"),
    ("micro_station", "微型消防站"),
    ("volunteer_team", "义务消防队"),
    ("fire_engine", "小型消防车"),
)
RESOURCE_STATUS_LABELS = (("usable", "可用"), ("broken", "损坏"), ("repair", "维修中"))

BUILDINGS = LedgerSpec(
    kind="buildings",
    sheet="楼栋",
    label=_("buildings"),
    columns=(
        Column("系统编号", "id", ID),
        Column("楼栋名称", "name", TEXT, required=True, width=24),
        Column("地址", "address", TEXT, width=32),
        Column("经度", "lon", FLOAT, required=True),
        Column("纬度", "lat", FLOAT, required=True),
        Column("坐标系", "crs", CHOICE, choices=CRS_LABELS, width=10),
        Column("类别", "category", CHOICE, choices=BUILDING_CATEGORY_LABELS),
        Column("层数", "floors", INT, width=8),
        Column("结构", "structure", CHOICE, choices=BUILDING_STRUCTURE_LABELS),
        Column("建成年份", "year_built", INT, width=10),
        Column("备注", "note", TEXT, width=24),
        Column("所属网格", "grid_name", TEXT, read_only=True, width=20),
    ),
)

FIRE_RESOURCES = LedgerSpec(
    kind="fire_resources",
    sheet="消防资源",
    label=_("fire resources"),
    columns=(
        Column("系统编号", "id", ID),
        Column("名称", "name", TEXT, required=True, width=24),
        Column("类型", "kind", CHOICE, required=True, choices=RESOURCE_KIND_LABELS),
        Column("地址", "address", TEXT, width=32),
        Column("经度", "lon", FLOAT, required=True),
        Column("纬度", "lat", FLOAT, required=True),
        Column("坐标系", "crs", CHOICE, choices=CRS_LABELS, width=10),
        Column("状态", "status", CHOICE, choices=RESOURCE_STATUS_LABELS, width=10),
        Column("最近检查日期", "last_checked_on", DATE, width=14),
        Column("管理人", "keeper_name", TEXT),
        Column("管理人电话", "keeper_phone", PHONE),
        Column("备注", "note", TEXT, width=24),
        Column("所属网格", "grid_name", TEXT, read_only=True, width=20),
    ),
)

RESIDENT_FLAG_COLUMNS = (
    ("独居老人", "lives_alone_elderly"),
    ("残疾", "disabled"),
    ("留守儿童", "left_behind_child"),
    ("重点人口", "key_person"),
    ("行动不便", "limited_mobility"),
)

# One row per resident; the household's columns repeat on each of its residents' rows.
RESIDENTS = LedgerSpec(
    kind="residents",
    sheet="居民",
    label=_("residents"),
    columns=(
        Column("住户系统编号", "household_id", ID, help=_("FireGrid id of the household")),
        Column("居民系统编号", "id", ID, help=_("FireGrid id; leave empty for a new resident")),
        Column(
            "所属网格编码",
            "grid_code",
            TEXT,
            width=18,
            help=_("the leaf grid of a household without a building"),
        ),
        Column("楼栋", "building", TEXT, width=24, help=_("the building's name or address")),
        Column("单元", "unit", TEXT, width=8),
        Column("房号", "room", TEXT, width=8),
        Column("住户地址", "address", TEXT, width=32),
        Column("户人数", "size", INT, width=8),
        Column("出租屋", "is_rental", BOOL, width=8),
        Column("房东", "landlord_name", TEXT),
        Column("房东电话", "landlord_phone", PHONE),
        Column("姓名", "name", TEXT, required=True),
        Column("身份证号", "id_number", TEXT, width=22),
        Column("联系电话", "phone", TEXT),
        Column("出生年份", "birth_year", INT, width=10),
        *(Column(header, name, BOOL, width=10) for header, name in RESIDENT_FLAG_COLUMNS),
        Column("备注", "note", TEXT, width=24),
        Column("所属网格", "grid_name", TEXT, read_only=True, width=20),
    ),
)

SPECS: dict[str, LedgerSpec] = {
    spec.kind: spec for spec in (PLACES, BUILDINGS, FIRE_RESOURCES, RESIDENTS)
}
KIND_CHOICES = tuple((spec.kind, spec.label) for spec in SPECS.values())


def spec_for(kind: str) -> LedgerSpec:
    from firegrid.core.errors import ValidationFailed

    try:
        return SPECS[kind]
    except KeyError:
        raise ValidationFailed(
            _("Unknown record type %(kind)s.") % {"kind": repr(kind)}, code="ledger_kind_unknown"
        ) from None
