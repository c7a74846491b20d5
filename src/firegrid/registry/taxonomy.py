"""The default place taxonomy (场所分类) and classification rules, loaded by a data migration.

Thresholds come from ../shared/docs/DOMAIN_FACTS.md (公通字〔2001〕97号 for key units; 火灾高危单位
criteria; 九小场所 size limits vary per city). Offices edit both as data afterwards; a rule whose
threshold was not checked against an official text says so (`verified: False`).
"""

from __future__ import annotations

from typing import Any

SMALL = ("九小场所", "Small places (nine types)")
THREE_IN_ONE = ("三合一场所", "Three-in-one premises")
RENTAL = ("出租屋", "Rental housing")
PUBLIC = ("公共场所与单位", "Public places and units")
RESIDENTIAL = ("住宅", "Residential buildings")
INDUSTRY = ("生产经营", "Production and trade")

# code, 中文, English, group, crowded place (人员密集场所), default risk
_TYPES: list[tuple[str, str, str, tuple[str, str], bool, str]] = [
    ("small_school", "小学校/幼儿园", "Small school or kindergarten", SMALL, True, "medium"),
    ("small_clinic", "小医院/诊所", "Small clinic", SMALL, True, "medium"),
    ("small_shop", "小商店", "Small shop", SMALL, False, "low"),
    ("small_restaurant", "小餐饮场所", "Small restaurant", SMALL, False, "medium"),
    ("small_hotel", "小旅馆", "Small hotel", SMALL, True, "medium"),
    ("small_entertainment", "小歌舞娱乐场所", "Small song-and-dance venue", SMALL, True, "high"),
    ("small_internet_cafe", "小网吧", "Small internet café", SMALL, True, "medium"),
    ("small_beauty_bath", "小美容洗浴场所", "Small beauty or bath place", SMALL, False, "medium"),
    ("small_workshop", "小生产加工企业", "Small production workshop", SMALL, False, "medium"),
    (
        "three_in_one_family",
        "三合一(家庭作坊式)",
        "Three-in-one: family workshop",
        THREE_IN_ONE,
        False,
        "high",
    ),
    (
        "three_in_one_commercial",
        "三合一(商业类)",
        "Three-in-one: commercial",
        THREE_IN_ONE,
        False,
        "high",
    ),
    (
        "three_in_one_catering",
        "三合一(餐饮娱乐类)",
        "Three-in-one: catering/entertainment",
        THREE_IN_ONE,
        True,
        "high",
    ),
    ("rental_house", "出租屋", "Rental house", RENTAL, False, "low"),
    ("shared_rental", "群租房", "Shared rental", RENTAL, False, "medium"),
    ("street_shop", "沿街门店", "Street-front shop", INDUSTRY, False, "low"),
    ("market", "集贸市场", "Market", PUBLIC, True, "medium"),
    ("construction_site", "建筑工地", "Construction site", INDUSTRY, False, "medium"),
    ("school", "学校", "School", PUBLIC, True, "medium"),
    ("kindergarten", "幼儿园", "Kindergarten", PUBLIC, True, "medium"),
    ("elderly_home", "养老机构", "Elderly-care home", PUBLIC, True, "high"),
    ("hospital", "医院", "Hospital", PUBLIC, True, "medium"),
    ("hotel", "宾馆/饭店", "Hotel", PUBLIC, True, "medium"),
    ("public_entertainment", "公共娱乐场所", "Public entertainment venue", PUBLIC, True, "high"),
    ("shopping_mall", "商场/超市", "Shopping centre", PUBLIC, True, "medium"),
    ("factory", "工厂", "Factory", INDUSTRY, False, "medium"),
    ("warehouse", "仓库", "Warehouse", INDUSTRY, False, "medium"),
    ("office", "办公楼", "Office building", PUBLIC, False, "low"),
    ("residential_high_rise", "高层住宅", "High-rise residential", RESIDENTIAL, False, "medium"),
    ("residential_multi", "多层住宅", "Multi-storey residential", RESIDENTIAL, False, "low"),
    ("residential_old", "老旧住宅小区", "Old residential compound", RESIDENTIAL, False, "medium"),
]

DEFAULT_PLACE_TYPES: list[dict[str, Any]] = [
    {
        "code": code,
        "name": name,
        "name_en": name_en,
        "group": group[0],
        "group_en": group[1],
        "is_crowded": crowded,
        "default_risk": risk,
        "sort_order": (index + 1) * 10,
    }
    for index, (code, name, name_en, group, crowded, risk) in enumerate(_TYPES)
]

KEY_UNIT_SOURCE = "公通字〔2001〕97号"
HIGH_RISK_SOURCE = "火灾高危单位界定标准 (DOMAIN_FACTS)"


def _rule(
    code: str,
    name: str,
    name_en: str,
    types: list[str],
    attribute: str,
    threshold: float,
    effect: str,
    source: str,
    *,
    verified: bool = True,
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "place_types": types,
        "attribute": attribute,
        "operator": "gte" if effect != "high_risk_unit" else "gt",
        "threshold": threshold,
        "effect": effect,
        "source": source,
        "verified": verified,
    }


DEFAULT_RULES: list[dict[str, Any]] = [
    _rule(
        "key_shop_1000m2",
        "商场(市场)建筑面积≥1000㎡为重点单位",
        "Shop or market ≥ 1,000 m²",
        ["shopping_mall", "market", "small_shop", "street_shop"],
        "floor_area_m2",
        1000,
        "key_unit",
        KEY_UNIT_SOURCE,
    ),
    _rule(
        "key_hotel_50_rooms",
        "宾馆(饭店)客房数≥50间为重点单位",
        "Hotel with ≥ 50 rooms",
        ["hotel", "small_hotel"],
        "rooms",
        50,
        "key_unit",
        KEY_UNIT_SOURCE,
    ),
    _rule(
        "key_entertainment_200m2",
        "公共娱乐场所建筑面积≥200㎡为重点单位",
        "Public entertainment ≥ 200 m²",
        [
            "public_entertainment",
            "small_entertainment",
            "small_internet_cafe",
            "three_in_one_catering",
        ],
        "floor_area_m2",
        200,
        "key_unit",
        KEY_UNIT_SOURCE,
    ),
    _rule(
        "key_hospital_50_beds",
        "医院、养老机构床位≥50张为重点单位",
        "Hospital or elderly home with ≥ 50 beds",
        ["hospital", "small_clinic", "elderly_home"],
        "beds",
        50,
        "key_unit",
        KEY_UNIT_SOURCE,
    ),
    _rule(
        "key_boarding_school_100_beds",
        "寄宿制学校床位≥100张为重点单位",
        "Boarding school with ≥ 100 beds",
        ["school", "small_school"],
        "beds",
        100,
        "key_unit",
        KEY_UNIT_SOURCE,
    ),
    _rule(
        "key_kindergarten_50_beds",
        "幼儿园床位≥50张为重点单位",
        "Kindergarten with ≥ 50 beds",
        ["kindergarten", "small_school"],
        "beds",
        50,
        "key_unit",
        KEY_UNIT_SOURCE,
    ),
    _rule(
        "high_risk_public_10000m2",
        "公共场所建筑面积>10000㎡为火灾高危单位",
        "Public place > 10,000 m²",
        ["shopping_mall", "market", "public_entertainment", "hotel"],
        "floor_area_m2",
        10000,
        "high_risk_unit",
        HIGH_RISK_SOURCE,
    ),
    _rule(
        "high_risk_beds_200",
        "宾馆、医院、养老机构床位>200张为火灾高危单位",
        "Hotel, hospital or elderly home > 200 beds",
        ["hotel", "hospital", "elderly_home"],
        "beds",
        200,
        "high_risk_unit",
        HIGH_RISK_SOURCE,
    ),
    _rule(
        "high_risk_office_50m",
        "办公楼高度>50m为火灾高危单位",
        "Office building > 50 m tall",
        ["office"],
        "height_m",
        50,
        "high_risk_unit",
        HIGH_RISK_SOURCE,
    ),
    _rule(
        "risk_shared_rental_15",
        "群租房居住人数≥15人为高风险",
        "Shared rental with ≥ 15 occupants",
        ["shared_rental", "rental_house"],
        "occupants",
        15,
        "risk_high",
        "出租屋消防安全要求 (DOMAIN_FACTS)",
        verified=False,
    ),
    _rule(
        "risk_rental_10_rooms",
        "出租屋≥10间为中风险",
        "Rental with ≥ 10 rooms",
        ["rental_house"],
        "rooms",
        10,
        "risk_medium",
        "出租屋消防安全要求 (DOMAIN_FACTS)",
        verified=False,
    ),
    _rule(
        "risk_high_rise_floors",
        "住宅≥10层为中风险",
        "Residential building with ≥ 10 floors",
        ["residential_multi", "residential_high_rise"],
        "floors",
        10,
        "risk_medium",
        "高层民用建筑消防安全管理规定",
        verified=False,
    ),
]
