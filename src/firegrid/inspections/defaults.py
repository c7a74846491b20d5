"""Default checklists (检查表) and schedule rules (检查频次), loaded by data migrations.

Items follow ../shared/docs/DOMAIN_FACTS.md ("Checklist items seen in local rules"); rhythms
follow the seeds (小网格 weekly, 社区 monthly inspection day in the first ten days, rentals
monthly, key units weekly by the community police) and NFPA 1730's risk-based intervals.
Offices change all of it as data afterwards: a checklist change is published as a new version.
"""

from __future__ import annotations

from typing import Any


def _item(
    code: str,
    text: str,
    text_en: str,
    category: str = "",
    *,
    photo_on_fail: bool = True,
    answer_type: str = "pass_fail",
    element: str = "",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "code": code,
        "text": text,
        "text_en": text_en,
        "answer_type": answer_type,
        "hazard_category": category,
        "photo_required_on_fail": photo_on_fail and answer_type == "pass_fail",
        "major_element_code": element,
        **extra,
    }


EBIKE = _item(
    "ebike_indoor",
    "电动自行车室内停放/充电",
    "No e-bike parked or charged indoors, in corridors, stairs or exits",
    "ebike",
)
EXITS = _item(
    "exits_clear",
    "疏散通道、安全出口畅通",
    "Escape routes and exits clear",
    "exits_blocked",
    element="2017-comp-exits",
)
EXTINGUISHERS = _item(
    "extinguishers",
    "每层入口处配置2具4kg灭火器且在有效期内",
    "Two 4 kg extinguishers per floor at the entrance, in date",
    "extinguishers",
)
LIGHTING = _item(
    "exit_signs",
    "应急照明、疏散指示标志完好",
    "Emergency lighting and exit signs working",
    "exit_signs_lighting",
)
SMOKE_ALARMS = _item(
    "smoke_alarms",
    "每个房间至少1个独立式感烟火灾探测报警器",
    "At least one standalone smoke alarm per room",
    "alarms",
)
WIRING = _item(
    "wiring",
    "电气线路穿管保护，无私拉乱接",
    "Wiring in conduit, no improvised connections",
    "electrical",
)
MANAGER = _item(
    "responsible_named",
    "明确消防安全责任人/管理人，有制度和自查记录",
    "Named responsible person and manager; written rules and self-check records",
    "management",
    photo_on_fail=False,
)
NO_SLEEPING = _item(
    "no_sleeping",
    "经营区域内无人员住宿(值班人员不超过1人)",
    "Nobody sleeps in the business area (at most one night-duty person)",
    "three_in_one",
)
FLAMMABLES = _item(
    "no_flammables",
    "无违规存放、销售易燃易爆物品",
    "No flammables stored or sold",
    "flammables",
)
GRILLES = _item(
    "window_grilles",
    "防盗窗留有逃生出口",
    "Window grilles have an escape opening",
    "window_grilles",
)
NOTE = _item(
    "remarks",
    "其他情况说明",
    "Other remarks",
    answer_type="text",
    required=False,
)

DEFAULT_CHECKLISTS: list[dict[str, Any]] = [
    {
        "code": "small_places",
        "name": "九小场所消防安全检查表",
        "name_en": "Small places fire-safety checklist",
        "kind": "place",
        "place_types": [
            "small_school", "small_clinic", "small_shop", "small_restaurant", "small_hotel",
            "small_entertainment", "small_internet_cafe", "small_beauty_bath", "small_workshop",
            "street_shop", "market",
        ],
        "priority": 50,
        "source": "DOMAIN_FACTS: checklist items seen in local rules",
        "items": [MANAGER, EXITS, EXTINGUISHERS, LIGHTING, SMOKE_ALARMS, EBIKE, WIRING,
                  FLAMMABLES, NO_SLEEPING, GRILLES, NOTE],
    },
    {
        "code": "grid_patrol",
        "name": "网格巡查记录",
        "name_en": "Grid patrol record",
        "kind": "patrol",
        "place_types": [],
        "priority": 50,
        "source": "seeds: 小片每日巡查, 小网格每周检查",
        "items": [EBIKE, EXITS, _item(
            "fire_lane", "消防车道畅通", "Fire-engine access clear", "fire_lane"
        ), NOTE],
    },
]  # fmt: skip

SMALL_PLACE_TYPES = DEFAULT_CHECKLISTS[0]["place_types"]
GRID_WORKERS = ["fulltime_worker", "grid_head"]

DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "code": "grid_patrol_weekly",
        "name": "小网格每周巡查",
        "name_en": "Weekly patrol of each grid",
        "kind": "patrol",
        "roles": GRID_WORKERS,
        "grid_depth": 3,
        "frequency": "weekly",
        "duration_minutes": 90,
    },
    {
        "code": "community_inspection_day",
        "name": "社区每月上旬消防安全检查日",
        "name_en": "Monthly community inspection day (first ten days)",
        "kind": "patrol",
        "roles": ["community_office"],
        "grid_depth": 2,
        "frequency": "monthly",
        "window_days": 10,
        "duration_minutes": 240,
    },
    {
        "code": "small_places_by_risk",
        "name": "九小场所按风险检查",
        "name_en": "Small places by risk",
        "kind": "inspection",
        "roles": GRID_WORKERS,
        "grid_depth": 3,
        "place_types": SMALL_PLACE_TYPES
        + ["three_in_one_family", "three_in_one_commercial", "three_in_one_catering"],
        "frequency": "quarterly",
        "frequency_by_risk": {"high": "monthly", "medium": "quarterly", "low": "half_yearly"},
        "frequency_open_hazard": "weekly",
        "relax_after_clean": 3,
        "relax_cap": "yearly",
        "duration_minutes": 30,
    },
    {
        "code": "rentals_monthly",
        "name": "出租屋每月检查",
        "name_en": "Rentals monthly",
        "kind": "inspection",
        "roles": GRID_WORKERS,
        "grid_depth": 3,
        "place_types": ["rental_house", "shared_rental"],
        "frequency": "monthly",
        "frequency_open_hazard": "weekly",
        "duration_minutes": 25,
    },
    {
        "code": "key_units_weekly",
        "name": "重点单位每周检查(社区民警)",
        "name_en": "Key units weekly (community police)",
        "kind": "inspection",
        "roles": ["community_police"],
        "grid_depth": 2,
        "key_units_only": True,
        "frequency": "weekly",
        "duration_minutes": 60,
    },
]
