"""What the demo registry is made of: names, business mix, attributes, equipment kits.

Each town business type comes with how many key units (重点单位) it has; a key unit's attributes
reach a classification rule's threshold (taxonomy.DEFAULT_RULES), the others stay below all.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from firegrid.grids.demo.names import SURNAMES

WORDS = (
    "鑫源 兴隆 福满 恒达 宏发 顺达 金鼎 永盛 华联 嵩岳 箕山 颍河 阳城 天成 瑞祥 富民 吉祥 聚贤 "
    "博远 众诚 中岳 少林 观星 嵩阳 旺角 金穗 丰收 和顺 德馨 安康 百盛 汇通 新华 东方 红星 "
    "万隆 利民 长青 昌盛 同心 金桥 家和 宏远 鸿运 祥和 益民 康达 鼎盛 开元 惠民"
).split()


def area(rnd: random.Random, key: bool, threshold: int, low: int, high: int) -> dict[str, Any]:
    return {
        "floor_area_m2": float(
            rnd.randint(threshold, high) if key else rnd.randint(low, threshold - 10)
        )
    }


# Town businesses: (type, how many, how many key units, name maker, attributes maker).
# Key units get values at or above a rule's threshold, the rest stay below every threshold.
NameMaker = Callable[[random.Random, str], str]
AttrMaker = Callable[[random.Random, bool], dict[str, Any]]


def pick(*patterns: str) -> NameMaker:
    def make(rnd: random.Random, stem: str) -> str:
        return rnd.choice(patterns).format(
            word=rnd.choice(WORDS), stem=stem, surname=rnd.choice(SURNAMES)
        )

    return make


def shop_area(rnd: random.Random, key: bool) -> dict[str, Any]:
    return area(rnd, key, 1000, 40, 8000)


def fun_area(rnd: random.Random, key: bool) -> dict[str, Any]:
    return area(rnd, key, 200, 40, 1500) | {"floors": rnd.randint(1, 3)}


def hotel_rooms(rnd: random.Random, key: bool) -> dict[str, Any]:
    rooms = rnd.randint(50, 110) if key else rnd.randint(8, 45)
    return {"rooms": rooms, "beds": rooms + rnd.randint(0, rooms // 2), "floors": rnd.randint(2, 8)}


def beds(threshold: int, high: int) -> AttrMaker:
    def make(rnd: random.Random, key: bool) -> dict[str, Any]:
        beds = rnd.randint(threshold, high) if key else rnd.randint(0, min(threshold, 50) - 10)
        return {"beds": beds or None, "floors": rnd.randint(1, 5)}

    return make


def plain(rnd: random.Random, key: bool) -> dict[str, Any]:
    return {"floor_area_m2": float(rnd.randint(60, 3000)), "floors": rnd.randint(1, 3)}


def small(rnd: random.Random, key: bool) -> dict[str, Any]:
    return {"floor_area_m2": float(rnd.randint(20, 180)), "floors": rnd.randint(1, 2)}


TOWN_BUSINESSES: list[tuple[str, int, int, NameMaker, AttrMaker]] = [
    (
        "shopping_mall",
        21,
        16,
        pick("{word}超市", "{stem}{word}购物广场", "{word}百货超市"),
        shop_area,
    ),
    (
        "street_shop",
        170,
        74,
        pick(
            "{word}建材城",
            "{word}家具城",
            "{word}农资商场",
            "{word}家电商场",
            "{word}五金店",
            "{word}电动车行",
            "{word}烟酒店",
            "{word}粮油店",
            "{word}汽修店",
            "{word}大药房",
            "{stem}{word}服装店",
            "{stem}{word}手机店",
        ),
        shop_area,
    ),
    (
        "small_shop",
        40,
        0,
        pick("{stem}{word}便利店", "{surname}记小卖部", "{stem}{word}百货店"),
        shop_area,
    ),
    ("hotel", 18, 14, pick("{word}宾馆", "{word}大酒店", "{word}商务酒店"), hotel_rooms),
    ("small_hotel", 12, 0, pick("{word}旅社", "{stem}{word}招待所", "{word}小旅馆"), hotel_rooms),
    ("public_entertainment", 6, 6, pick("{word}KTV", "{word}歌舞厅", "{word}休闲会所"), fun_area),
    ("small_internet_cafe", 4, 4, pick("{word}网吧", "{word}网咖"), fun_area),
    ("small_entertainment", 4, 0, pick("{stem}{word}歌厅", "{word}棋牌室"), fun_area),
    (
        "three_in_one_catering",
        45,
        40,
        pick("{word}农家乐", "{word}饭庄", "{stem}{word}酒家"),
        fun_area,
    ),
    (
        "small_restaurant",
        40,
        0,
        pick(
            "{surname}记烩面馆",
            "{stem}{word}饺子馆",
            "{word}小吃部",
            "{surname}家羊肉汤",
            "{stem}{surname}家胡辣汤",
        ),
        small,
    ),
    ("hospital", 3, 3, pick("告成镇{word}医院", "告成镇{word}卫生院"), beds(50, 150)),
    (
        "elderly_home",
        18,
        16,
        pick("{stem}幸福院", "{word}颐养院", "{stem}{word}敬老院"),
        beds(50, 180),
    ),
    (
        "school",
        14,
        10,
        pick("{stem}小学", "{stem}{word}学校", "告成镇{word}中学"),
        beds(100, 600),
    ),
    (
        "kindergarten",
        20,
        16,
        pick("{stem}幼儿园", "{word}幼儿园", "{stem}{word}双语幼儿园"),
        beds(50, 150),
    ),
    (
        "factory",
        20,
        0,
        pick(
            "{word}耐火材料厂",
            "{word}铸造厂",
            "{word}机砖厂",
            "{word}面粉厂",
            "{word}纸箱厂",
            "{word}食品厂",
        ),
        plain,
    ),
    ("warehouse", 6, 0, pick("{word}物流仓库", "{word}粮库", "{word}农资仓库"), plain),
    (
        "small_workshop",
        12,
        0,
        pick("{word}木器加工厂", "{word}石材加工部", "{stem}{word}粉条作坊"),
        small,
    ),
    (
        "three_in_one_family",
        6,
        0,
        pick("{stem}{surname}家豆腐坊", "{stem}{surname}家服装加工点"),
        small,
    ),
    (
        "construction_site",
        3,
        0,
        pick("告成镇{word}安置房项目工地", "{stem}{word}厂房建设工地"),
        plain,
    ),
    ("small_beauty_bath", 6, 0, pick("{word}浴池", "{stem}{word}理发店", "{word}美容院"), small),
]
# One per village: its market (集贸市场) and its clinic (卫生室); 20 markets are key units.
TOWN_MARKET_KEY_UNITS = 20
STREET_SMALL_TYPES = {
    "small_school": pick("{word}托管班", "{word}培训学校"),
    "small_clinic": pick("{word}诊所", "{surname}氏中医诊所"),
    "small_shop": pick("{word}便利店", "{word}烟酒店"),
    "small_restaurant": pick("{surname}记烩面馆", "{word}饺子馆", "{word}快餐"),
    "small_hotel": pick("{word}快捷宾馆", "{word}旅社"),
    "small_entertainment": pick("{word}歌厅", "{word}棋牌室"),
    "small_internet_cafe": pick(
        "{word}网咖",
    ),
    "small_beauty_bath": pick("{word}美发", "{word}足浴", "{word}美容院"),
    "small_workshop": pick("{word}广告制作", "{word}门窗加工"),
}
STREET_ROADS = (
    "中岳大街",
    "少林大道",
    "嵩阳路",
    "大禹路",
    "颍河路",
    "玉带路",
    "商城路",
    "崇高路",
    "迎宾路",
    "禹州路",
    "告成路",
    "卢店路",
)
STREET_SHOPS = pick(
    "{word}超市",
    "{word}服装店",
    "{word}手机店",
    "{word}五金店",
    "{word}药店",
    "{word}面包房",
    "{word}眼镜店",
    "{word}茶叶店",
    "{word}母婴店",
    "{word}水果店",
)
FIRE_ROOM_KIT = [
    ("灭火器(ABC干粉4kg)", (10, 20), 1000),
    ("消防水带", (4, 8), 0),
    ("消防水枪", (2, 4), 0),
    ("消防斧", (1, 2), 0),
    ("救生绳", (2, 3), 0),
    ("应急照明灯", (2, 4), 0),
    ("消火栓扳手", (2, 2), 0),
]
MICRO_STATION_KIT = [
    ("灭火器(ABC干粉4kg)", (10, 20), 1000),
    ("消防水带", (6, 10), 0),
    ("消防水枪", (3, 4), 0),
    ("消防头盔", (6, 6), 0),
    ("灭火防护服", (6, 6), 0),
    ("正压式空气呼吸器", (2, 2), 1500),
    ("破拆工具组", (1, 1), 0),
    ("对讲机", (4, 6), 0),
]


def street_small(rnd: random.Random, type_code: str) -> dict[str, Any]:
    """九小场所 of the street: small by definition, below every key-unit threshold."""
    attrs: dict[str, Any] = {
        "floor_area_m2": float(rnd.randint(20, 190)),
        "floors": rnd.randint(1, 2),
    }
    if type_code == "small_hotel":
        attrs["rooms"] = rnd.randint(6, 30)
    if type_code in ("small_school", "small_clinic"):
        attrs["beds"] = rnd.randint(0, 20) or None
    return attrs


COMPOUND_KINDS = [
    # (place type, building category, floors range, structure, years built, units range)
    ("residential_old", "old", (4, 6), "masonry", (1980, 1999), (2, 3)),
    ("residential_multi", "multi_storey", (6, 7), "rc", (2000, 2012), (2, 2)),
    ("residential_high_rise", "high_rise", (18, 26), "rc", (2010, 2022), (1, 2)),
]
# Households registered per building: those of its first floors (the grid worker's visits so far).
FLOORS_REGISTERED = 3
