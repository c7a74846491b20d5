"""Default checklists (检查表) and schedule rules (检查频次), loaded by data migrations.

Items follow ../shared/docs/DOMAIN_FACTS.md ("Checklist items seen in local rules", rentals,
e-bikes, key units, GB 35181); rhythms follow the seeds (小网格 weekly, 社区 monthly inspection
day in the first ten days, rentals monthly, key units weekly by the community police) and NFPA
1730's risk-based intervals. Offices change all of it as data afterwards: a checklist change is
published as a new version.

GB 35181 element codes (`element=`) name the **2017** edition's lists: "2017-direct-…" for a
direct element (any one makes the hazard major), "2017-comp-…" for a comprehensive element
(counted). GB 35181-2025 replaced it on 2025-11-01, but its element lists were not found, so
they are not loaded yet; the codes carry the edition so 2025 ones can sit beside them later.
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


def _number(
    code: str,
    text: str,
    text_en: str,
    category: str,
    *,
    unit: str,
    low: float | None = None,
    high: float | None = None,
) -> dict[str, Any]:
    """A measured answer: a value outside [low, high] counts as a failed item."""
    return _item(
        code, text, text_en, category, answer_type="number", unit=unit, min_value=low,
        max_value=high,
    )  # fmt: skip


# --------------------------------------------------------------------- common items

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
SANDWICH = _item(
    "no_sandwich_panel",
    "无易燃可燃夹芯彩钢板搭建",
    "No combustible sandwich-panel construction",
    "sandwich_panel",
)
STAFF_TRAINED = _item(
    "staff_trained",
    "员工懂火灾危险性，会报警、会扑救初起火灾、会组织疏散(一懂三会)",
    "Staff know the fire risks and can raise the alarm, fight a small fire and evacuate",
    "management",
    photo_on_fail=False,
)
PLAN_DRILLED = _item(
    "plan_drilled",
    "有灭火和应急疏散预案并按期演练",
    "Fire and evacuation plan in place and drilled on schedule",
    "management",
    photo_on_fail=False,
)
KITCHEN = _item(
    "kitchen_separated",
    "厨房与其他区域防火分隔，燃气管道、阀门完好",
    "Kitchen separated from other areas; gas pipes and valves sound",
    "gas_fuel",
)
FIRE_LANE = _item("fire_lane", "消防车道畅通", "Fire-engine access clear", "fire_lane")
NOTE = _item(
    "remarks",
    "其他情况说明",
    "Other remarks",
    answer_type="text",
    required=False,
)

# --------------------------------------------------------------------- 三合一场所 (GA 703-2007)

THREE_IN_ONE_SEPARATED = _item(
    "living_separated",
    "住宿与生产、储存、经营部分采用不燃烧实体墙完全分隔",
    "Living quarters fully separated from work, storage and trade by a solid non-combustible wall",
    "three_in_one",
)
THREE_IN_ONE_OWN_EXIT = _item(
    "living_own_exit",
    "住宿部分设有独立的疏散楼梯或出口",
    "Living quarters have their own stair or exit",
    "exits_blocked",
)
THREE_IN_ONE_NO_DORMITORY = _item(
    "no_dormitory_in_plant",
    "厂房、仓库、商店内未设置员工宿舍",
    "No staff dormitory inside the workshop, store or shop",
    "three_in_one",
    element="2017-comp-dormitory",
)

# --------------------------------------------------------------------- 出租屋

RENTAL_AREA = _number(
    "area_per_person",
    "人均居住面积(㎡/人，不少于5㎡)",
    "Living area per person (m², at least 5)",
    "rental_overcrowding",
    unit="m²",
    low=5,
)
RENTAL_PERSONS = _number(
    "persons_per_room",
    "每间居住人数(不超过2人)",
    "Persons per room (at most 2)",
    "rental_overcrowding",
    unit="人",
    high=2,
)
RENTAL_EXTINGUISHER = _item(
    "room_extinguisher",
    "每间出租房配置至少1具2kg ABC干粉灭火器",
    "At least one 2 kg ABC powder extinguisher per rented room",
    "extinguishers",
)
RENTAL_ALARMS = _item(
    "alarms_large_rental",
    "出租10间以上或居住15人以上的，每间均设火灾报警(独立式烟感)",
    "Ten or more rooms or 15 or more occupants: a fire alarm in every room",
    "alarms",
)
RENTAL_NO_BASEMENT = _item(
    "no_basement_rental",
    "未将地下室、半地下室出租住人",
    "No basement or semi-basement rented out for living",
    "rental_overcrowding",
)
RENTAL_LETTER = _item(
    "landlord_letter",
    "房东签订消防安全责任书",
    "Landlord has signed the fire-safety responsibility letter (责任书)",
    "management",
    photo_on_fail=False,
)
RENTAL_GAS = _item(
    "rental_gas",
    "燃气使用规范，无在房间内使用液化气瓶",
    "Gas used safely; no LPG cylinder in the rooms",
    "gas_fuel",
)

# --------------------------------------------------------------------- 住宅

CORRIDORS_CLEAR = _item(
    "corridors_clear",
    "楼道、楼梯间、安全出口无杂物堆放",
    "Corridors, stairwells and exits free of stored goods",
    "exits_blocked",
)
EBIKE_PARKING = _item(
    "ebike_parking_provided",
    "小区设有电动自行车集中停放、充电场所且正常使用",
    "The compound has a working central e-bike parking and charging place",
    "ebike",
)
FIRE_DOORS_CLOSED = _item(
    "fire_doors_closed",
    "常闭式防火门处于关闭状态，闭门器完好",
    "Normally-closed fire doors shut, closers working",
    "fire_systems",
    element="2017-comp-fire-doors",
)
HYDRANTS_INDOOR = _item(
    "indoor_hydrants",
    "室内消火栓箱内水枪、水带齐全，有水压",
    "Indoor hydrant cabinets complete (nozzle, hose) and under pressure",
    "fire_systems",
)
BUILDING_EXTINGUISHERS = _item(
    "building_extinguishers",
    "公共部位灭火器配置齐全且在有效期内",
    "Extinguishers in the common parts present and in date",
    "extinguishers",
)
RESIDENTIAL_FIRE_LANE = _item(
    "fire_lane",
    "消防车道、登高操作场地畅通，无车辆占用",
    "Fire-engine access and aerial-ladder hardstand clear of vehicles",
    "fire_lane",
    element="2017-comp-fire-lane",
)
SHAFT_DOORS = _item(
    "shafts_closed",
    "电缆井、管道井检查门关闭，无杂物",
    "Cable and pipe shaft doors closed, nothing stored inside",
    "fire_systems",
)

# --------------------------------------------------------------------- 公共场所、单位与重点单位

SPRINKLERS_ALARMS = _item(
    "sprinklers_alarm_system",
    "按规定设置自动喷水灭火系统、火灾自动报警系统且运行正常",
    "Sprinklers and the automatic fire alarm system installed as required and working",
    "fire_systems",
    element="2017-direct-sprinkler-alarm",
)
CROWDED_EXITS = _item(
    "exits_number_width",
    "安全出口数量、疏散宽度符合规范(不少于规定的80%)",
    "Number and width of exits as the code requires (at least 80 %)",
    "exits_blocked",
    element="2017-direct-exits",
)
CROWDED_FLAMMABLES = _item(
    "no_flammables_crowded",
    "人员密集场所内无生产、储存、经营易燃易爆危险品",
    "No flammables used, stored or sold in the crowded place",
    "flammables",
    element="2017-direct-flammables",
)
VULNERABLE_FLOOR = _item(
    "vulnerable_rooms_floor",
    "儿童、老年人活动用房未设在规范禁止的楼层",
    "Children's or elderly rooms not on a floor the code forbids",
    "other",
    element="2017-direct-vulnerable-floor",
)
DORM_PANELS = _item(
    "sleeping_panels",
    "人员密集场所的住宿部分未采用A级以下夹芯板搭建",
    "Sleeping quarters of the crowded place not built of panels below class A",
    "sandwich_panel",
    element="2017-direct-sandwich-dorm",
)
BASEMENT_AB = _item(
    "no_class_ab_basement",
    "地下室、半地下室内无甲乙类物品生产、储存",
    "No class A/B (甲乙类) production or storage in a basement",
    "flammables",
    element="2017-direct-basement-ab",
)
SEPARATION = _item(
    "fire_separation",
    "防火间距未被占用(不小于规定的80%)",
    "Fire separation distances kept (at least 80 % of the code)",
    "other",
    element="2017-comp-separation",
)
COMPARTMENTS = _item(
    "fire_compartments",
    "防火分区未擅自改变，防火卷帘、防火门完好",
    "Fire compartments unchanged; fire shutters and doors intact",
    "fire_systems",
    element="2017-comp-compartment",
)
KEY_EXIT_SIGNS = _item(
    "exit_signs",
    "应急照明、疏散指示标志完好(损坏不超过规定比例)",
    "Emergency lighting and exit signs working (damage within the allowed share)",
    "exit_signs_lighting",
    element="2017-comp-exit-signs",
)
KEY_FIRE_DOORS = _item(
    "fire_doors",
    "防火门完好并处于正确状态(同一防火分区损坏不超过50%)",
    "Fire doors intact and in the right position (under half damaged in a compartment)",
    "fire_systems",
    element="2017-comp-fire-doors",
)
CONTROL_ROOM = _item(
    "control_room_staffed",
    "消防控制室24小时双人值班，持证上岗，记录完整",
    "Fire control room staffed by two certified people around the clock, logs complete",
    "management",
)
DAILY_PATROL_RECORDS = _item(
    "daily_patrol_records",
    "单位每日防火巡查、每月防火检查记录完整",
    "The unit's daily patrol and monthly self-check records complete",
    "management",
    photo_on_fail=False,
)
KEY_HYDRANTS = _item(
    "hydrants_pumps",
    "室内外消火栓、消防水泵、消防水池完好有水",
    "Indoor and outdoor hydrants, fire pumps and water tanks in order and full",
    "fire_systems",
)
HOT_WORK = _item(
    "hot_work_permits",
    "动火作业审批，现场有人监护并配备灭火器材",
    "Hot work approved in writing, watched, extinguishers at hand",
    "gas_fuel",
)
SITE_TEMP_BUILDINGS = _item(
    "site_temporary_buildings",
    "工地临时用房、宿舍采用不燃材料，与作业区分开",
    "Site huts and dormitories non-combustible and apart from the works",
    "sandwich_panel",
)
STORAGE_RULES = _item(
    "storage_stacking",
    "物品分类分垛储存，留出通道和间距，照明灯具与物品保持安全距离",
    "Goods stacked by class with aisles and distances kept; lamps kept clear of goods",
    "flammables",
)

# --------------------------------------------------------------------- 电动自行车停放充电场所

EBIKE_SITE_ITEMS = [
    _item(
        "ebike_site_separated",
        "停放充电场所独立设置或与建筑防火分隔，不在楼道、门厅、疏散通道内",
        "Parking and charging place stands apart or is fire-separated, never in a lobby, "
        "corridor or escape route",
        "ebike",
    ),
    _item(
        "ebike_smart_charging",
        "采用具备定时断电、过载保护功能的智能充电设施",
        "Smart chargers with timed cut-off and overload protection",
        "electrical",
    ),
    _item(
        "ebike_site_extinguishers",
        "配置灭火器材，设置视频监控或有人值守",
        "Extinguishers on site; camera or attendant",
        "extinguishers",
    ),
    _item(
        "ebike_site_no_flying_wires",
        "无飞线充电、私拉电线",
        "No charging through cables pulled from windows or improvised leads",
        "ebike",
    ),
    _item(
        "ebike_site_shelter",
        "车棚为不燃材料，与建筑外窗、出口保持距离",
        "Shelter of non-combustible material, kept away from windows and exits",
        "sandwich_panel",
    ),
    _number(
        "ebike_site_bays",
        "充电车位数",
        "Charging bays",
        "",
        unit="个",
    ),
    NOTE,
]

# --------------------------------------------------------------------- 消防资源

FIRE_RESOURCE_ITEMS = [
    _item(
        "hydrant_usable",
        "市政消火栓无遮挡、无损坏、出水正常",
        "Street hydrants unobstructed, undamaged, water flows",
        "fire_systems",
    ),
    _item(
        "hydrant_marked",
        "消火栓标识清晰，周边无车辆停放",
        "Hydrants clearly marked, no vehicle parked at them",
        "fire_lane",
    ),
    _item(
        "water_source_access",
        "天然水源取水点道路畅通",
        "Access road to natural water sources clear",
        "fire_lane",
    ),
    _item(
        "micro_station_equipment",
        "微型消防站器材(灭火器、水带、水枪、破拆工具、防护服)齐全完好",
        "Micro fire station (微型消防站) kit complete: extinguishers, hoses, nozzles, "
        "forcible-entry tools, protective gear",
        "extinguishers",
    ),
    _item(
        "micro_station_staffed",
        "微型消防站有人值守，通讯畅通，能3分钟到场",
        "Micro fire station staffed and reachable; can be on scene within three minutes",
        "management",
        photo_on_fail=False,
    ),
    _item(
        "fire_engine_ready",
        "小型消防车车况良好，水罐满水",
        "Small fire engine in order, tank full",
        "fire_systems",
    ),
    _number(
        "extinguishers_in_date",
        "过期或失效灭火器数量",
        "Extinguishers expired or unusable (count)",
        "extinguishers",
        unit="具",
        high=0,
    ),
    NOTE,
]

SMALL_PLACE_TYPES = [
    "small_school", "small_clinic", "small_shop", "small_restaurant", "small_hotel",
    "small_entertainment", "small_internet_cafe", "small_beauty_bath", "small_workshop",
    "street_shop", "market",
]  # fmt: skip
THREE_IN_ONE_TYPES = ["three_in_one_family", "three_in_one_commercial", "three_in_one_catering"]
RENTAL_TYPES = ["rental_house", "shared_rental"]
RESIDENTIAL_TYPES = ["residential_high_rise", "residential_multi", "residential_old"]
PUBLIC_TYPES = [
    "school", "kindergarten", "elderly_home", "hospital", "hotel", "public_entertainment",
    "shopping_mall", "office",
]  # fmt: skip
PRODUCTION_TYPES = ["factory", "warehouse", "construction_site"]

# A place gets the current checklist of its type (lowest priority first); a key unit (重点单位)
# gets the key-unit checklist whatever its type. Patrol checklists: the first by priority is the
# grid patrol's; the e-bike site and fire-resource ones come after it (see their `source`).
DEFAULT_CHECKLISTS: list[dict[str, Any]] = [
    {
        "code": "small_places",
        "name": "九小场所消防安全检查表",
        "name_en": "Small places fire-safety checklist",
        "kind": "place",
        "place_types": SMALL_PLACE_TYPES,
        "priority": 50,
        "source": "DOMAIN_FACTS: checklist items seen in local rules",
        # Other helpers' tests answer exactly these items: sandwich panels, 一懂三会 and the
        # kitchen wait for a version 2 (see the 三合一 list).
        "items": [MANAGER, EXITS, EXTINGUISHERS, LIGHTING, SMOKE_ALARMS, EBIKE, WIRING,
                  FLAMMABLES, NO_SLEEPING, GRILLES, NOTE],
    },
    {
        "code": "three_in_one",
        "name": "三合一场所消防安全检查表",
        "name_en": "Three-in-one premises fire-safety checklist",
        "kind": "place",
        "place_types": THREE_IN_ONE_TYPES,
        "priority": 50,
        "source": "GA 703-2007; DOMAIN_FACTS: checklist items seen in local rules",
        "items": [MANAGER, THREE_IN_ONE_SEPARATED, THREE_IN_ONE_OWN_EXIT, NO_SLEEPING, EXITS,
                  EXTINGUISHERS, SMOKE_ALARMS, LIGHTING, FLAMMABLES, WIRING, GRILLES, SANDWICH,
                  EBIKE, NOTE],
    },
    {
        "code": "rentals",
        "name": "出租屋(群租房)消防安全检查表",
        "name_en": "Rental housing fire-safety checklist",
        "kind": "place",
        "place_types": RENTAL_TYPES,
        "priority": 50,
        "source": "DOMAIN_FACTS: rentals (local rules, unverified thresholds)",
        "items": [RENTAL_LETTER, RENTAL_NO_BASEMENT, RENTAL_AREA, RENTAL_PERSONS,
                  RENTAL_EXTINGUISHER, RENTAL_ALARMS, EXITS, EBIKE, WIRING, RENTAL_GAS, GRILLES,
                  NOTE],
    },
    {
        "code": "residential",
        "name": "住宅小区/楼栋消防安全检查表",
        "name_en": "Residential building fire-safety checklist",
        "kind": "place",
        "place_types": RESIDENTIAL_TYPES,
        "priority": 50,
        "source": "高层民用建筑消防安全管理规定 (2021) art. 37; DOMAIN_FACTS",
        "items": [CORRIDORS_CLEAR, EBIKE, EBIKE_PARKING, FIRE_DOORS_CLOSED, HYDRANTS_INDOOR,
                  BUILDING_EXTINGUISHERS, LIGHTING, RESIDENTIAL_FIRE_LANE, SHAFT_DOORS, NOTE],
    },
    {
        "code": "public_places",
        "name": "公共场所与单位消防安全检查表",
        "name_en": "Public places and units fire-safety checklist",
        "kind": "place",
        "place_types": PUBLIC_TYPES,
        "priority": 60,
        "source": "DOMAIN_FACTS: units' own checks; GB 35181-2017 elements",
        "items": [MANAGER, DAILY_PATROL_RECORDS, STAFF_TRAINED, PLAN_DRILLED, CROWDED_EXITS,
                  EXITS, KEY_EXIT_SIGNS, SPRINKLERS_ALARMS, EXTINGUISHERS, KEY_FIRE_DOORS,
                  CROWDED_FLAMMABLES, VULNERABLE_FLOOR, WIRING, KITCHEN, EBIKE, FIRE_LANE, NOTE],
    },
    {
        "code": "production_sites",
        "name": "厂房、仓库及工地消防安全检查表",
        "name_en": "Factories, warehouses and construction sites checklist",
        "kind": "place",
        "place_types": PRODUCTION_TYPES,
        "priority": 60,
        "source": "DOMAIN_FACTS; GB 35181-2017 elements",
        "items": [MANAGER, STAFF_TRAINED, BASEMENT_AB, THREE_IN_ONE_NO_DORMITORY, STORAGE_RULES,
                  HOT_WORK, SITE_TEMP_BUILDINGS, EXITS, EXTINGUISHERS, LIGHTING, WIRING,
                  SANDWICH, SEPARATION, FIRE_LANE, EBIKE, NOTE],
    },
    {
        "code": "key_units",
        "name": "消防安全重点单位检查表",
        "name_en": "Key units (重点单位) fire-safety checklist",
        "kind": "place",
        "place_types": [],
        "for_key_units": True,
        "priority": 40,
        "source": "公通字〔2001〕97号; GB 35181-2017 elements (2025 lists not loaded yet)",
        "items": [MANAGER, DAILY_PATROL_RECORDS, CONTROL_ROOM, STAFF_TRAINED, PLAN_DRILLED,
                  CROWDED_EXITS, EXITS, KEY_EXIT_SIGNS, SPRINKLERS_ALARMS, KEY_HYDRANTS,
                  EXTINGUISHERS, KEY_FIRE_DOORS, COMPARTMENTS, CROWDED_FLAMMABLES, BASEMENT_AB,
                  VULNERABLE_FLOOR, DORM_PANELS, THREE_IN_ONE_NO_DORMITORY, SEPARATION,
                  RESIDENTIAL_FIRE_LANE, WIRING, HOT_WORK, EBIKE, NOTE],
    },
    {
        "code": "grid_patrol",
        "name": "网格巡查记录",
        "name_en": "Grid patrol record",
        "kind": "patrol",
        "place_types": [],
        "priority": 50,
        "source": "seeds: 小片每日巡查, 小网格每周检查",
        "items": [EBIKE, EXITS, FIRE_LANE, NOTE],
    },
    {
        # No place type is an e-bike site: the sheds belong to compounds and streets, so this is
        # a patrol add-on for the grid worker walking past them (after grid_patrol by priority).
        "code": "ebike_sites",
        "name": "电动自行车集中停放充电场所检查表",
        "name_en": "E-bike parking and charging site checklist",
        "kind": "patrol",
        "place_types": [],
        "priority": 60,
        "source": "高层民用建筑消防安全管理规定 (2021) art. 37 (patrol add-on)",
        "items": EBIKE_SITE_ITEMS,
    },
    {
        # Fire resources (消防资源) are not places: a patrol add-on for walking the grid's
        # hydrants and its 微型消防站; broken ones are marked in the registry.
        "code": "fire_resources",
        "name": "消防水源与微型消防站检查表",
        "name_en": "Fire water supplies and micro fire stations checklist",
        "kind": "patrol",
        "place_types": [],
        "priority": 70,
        "source": "DOMAIN_FACTS: fire resources (patrol add-on)",
        "items": FIRE_RESOURCE_ITEMS,
    },
]  # fmt: skip

GRID_WORKERS = ["fulltime_worker", "grid_head"]

# grid_depth follows the demo's levels: 0 county (区县), 1 street/town (街道/乡镇),
# 2 community/village (社区/村), 3 grid (网格).
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
        "place_types": SMALL_PLACE_TYPES + THREE_IN_ONE_TYPES,
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
        "place_types": RENTAL_TYPES,
        "frequency": "monthly",
        "frequency_open_hazard": "weekly",
        "duration_minutes": 25,
    },
    {
        # 楼栋长 in urban grids, 网格长 in villages (the first role held at the grid, by role
        # order, gets the task; 专职网格员 is left out so buildings do not crowd their month).
        "code": "residential_monthly",
        "name": "住宅楼栋每月检查",
        "name_en": "Residential buildings monthly",
        "kind": "inspection",
        "roles": ["building_head", "grid_head"],
        "grid_depth": 3,
        "place_types": RESIDENTIAL_TYPES,
        "frequency": "monthly",
        "frequency_open_hazard": "weekly",
        "duration_minutes": 40,
    },
    {
        # Public places and works that are not key units (a key unit also gets the police's
        # weekly check); same risk rhythm as the small places.
        "code": "units_by_risk",
        "name": "一般单位按风险检查",
        "name_en": "Other units by risk",
        "kind": "inspection",
        "roles": GRID_WORKERS,
        "grid_depth": 3,
        "place_types": PUBLIC_TYPES + PRODUCTION_TYPES,
        "frequency": "quarterly",
        "frequency_by_risk": {"high": "monthly", "medium": "quarterly", "low": "half_yearly"},
        "frequency_open_hazard": "weekly",
        "duration_minutes": 45,
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
