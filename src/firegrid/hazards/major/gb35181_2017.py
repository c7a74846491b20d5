"""GB 35181-2017《重大火灾隐患判定方法》 as a rule set (data), version 1.

**GB 35181-2025《重大火灾隐患判定规则》 replaced this edition on 2025-11-01.** Its element lists
were not found, so they are not loaded here; when they are, load them as a new rule set of the same
shape (`rule_set_from_dict` of a JSON document, code "GB 35181", edition "2025") and judge new
hazards with it. Determinations already made keep naming the 2017 version that decided them.

The elements are those listed in ../shared/docs/DOMAIN_FACTS.md ("Major fire hazard
determination"), which is a partial list of the standard ("e.g."). Their codes are the ones the
default checklists already put on items (`major_element_code` in inspections/defaults.py), so a
failed checklist item maps to an element. `2017-comp-exits` is used by the checklists but not
named in DOMAIN_FACTS: it is kept, marked unverified.

Thresholds: a crowded place (人员密集场所) with ≥ 3 comprehensive elements is major — confirmed.
The ≥ 4 (易燃易爆) and ≥ 6 (other places) thresholds are **unverified**, and so is the choice to
count every listed comprehensive element for every category (the standard may count only a
subset per category). Check them against the text before relying on them.
"""

from __future__ import annotations

from typing import Any

from firegrid.hazards.major.engine import CROWDED, RuleSet, rule_set_from_dict

_ALL: list[str] = []
_CROWDED = [CROWDED]


def _direct(code: str, text: str, text_en: str, applies_to: list[str]) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "direct",
        "text": text,
        "text_en": text_en,
        "applies_to": applies_to,
        "verified": True,
        "note": "",
    }


def _comp(
    code: str, text: str, text_en: str, *, verified: bool = True, note: str = ""
) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "comprehensive",
        "text": text,
        "text_en": text_en,
        "applies_to": _ALL,
        "verified": verified,
        "note": note,
    }


GB35181_2017_DATA: dict[str, Any] = {
    "code": "GB 35181",
    "edition": "2017",
    "version": 1,
    "source": "GB 35181-2017《重大火灾隐患判定方法》; elements as in DOMAIN_FACTS (partial).",
    "elements": [
        # ------------------------------------------------ 直接判定要素 (any one ⇒ major)
        _direct(
            "2017-direct-basement-ab",
            "在地下室、半地下室生产、储存甲、乙类火灾危险性物品",
            "Class A/B (甲乙类) production or storage in a basement or semi-basement",
            _ALL,
        ),
        _direct(
            "2017-direct-exits",
            "公共娱乐场所、商店、地下人员密集场所的安全出口数量不足或其总净宽度小于规定值的80%",
            "Crowded entertainment, shop or underground places with too few exits or total exit "
            "width under 80 % of the code",
            _CROWDED,
        ),
        _direct(
            "2017-direct-sprinkler-alarm",
            "歌舞娱乐、商店等人员密集场所未按规定设置自动喷水灭火系统或火灾自动报警系统",
            "Crowded entertainment or shop places lacking the required sprinklers or automatic "
            "fire alarm system",
            _CROWDED,
        ),
        _direct(
            "2017-direct-flammables",
            "在人员密集场所违反消防安全规定使用、储存或销售易燃易爆危险品",
            "Flammables used, stored or sold in a crowded place against the fire rules",
            _CROWDED,
        ),
        _direct(
            "2017-direct-vulnerable-floor",
            "托儿所、幼儿园的儿童用房以及老年人活动场所设置在规范禁止的楼层",
            "Children's or elderly rooms on a floor the code forbids",
            _ALL,
        ),
        _direct(
            "2017-direct-sandwich-dorm",
            "人员密集场所的住宿部分采用芯材燃烧性能低于A级的夹芯板搭建",
            "Sleeping quarters of a crowded place built of sandwich panels with a core below "
            "class A",
            _CROWDED,
        ),
        # ------------------------------------------------ 综合判定要素 (counted)
        _comp(
            "2017-comp-fire-lane",
            "未按规定设置消防车道或消防车道被堵塞、占用",
            "Fire-engine access (消防车道) missing or blocked",
        ),
        _comp(
            "2017-comp-separation",
            "建筑之间的既有防火间距被占用或小于规定值的80%",
            "Fire separation distance between buildings occupied or under 80 % of the code",
        ),
        _comp(
            "2017-comp-dormitory",
            "在厂房、库房、商场中设置员工宿舍，或在居住建筑中从事生产、储存、经营，且不符合GA 703",
            "Dormitories inside plants, warehouses or shops (or trade inside dwellings) contrary "
            "to GA 703",
        ),
        _comp(
            "2017-comp-compartment",
            "原有防火分区被改变并导致实际防火分区的建筑面积大于规定值的50%",
            "Fire compartment altered so that it exceeds the code's area by more than 50 %",
        ),
        _comp(
            "2017-comp-fire-doors",
            "防火门、防火卷帘等防火分隔设施损坏的数量大于该防火分区相应设施总数的50%",
            "More than 50 % of the fire doors or shutters in a compartment damaged",
        ),
        _comp(
            "2017-comp-exit-signs",
            "未按规定设置疏散指示标志、应急照明，或损坏率大于30%（高层、地下建筑）或50%（其他建筑）",
            "Exit signs or emergency lights missing, or over 30 % (high-rise, underground) or "
            "50 % (other buildings) damaged",
        ),
        _comp(
            "2017-comp-travel-distance",
            "商店营业厅内的疏散距离大于规定距离的125%",
            "Travel distance in a shop's sales hall over 125 % of the code",
        ),
        _comp(
            "2017-comp-exits",
            "建筑物的安全出口数量或宽度不符合规定，或既有安全出口被封堵",
            "Exits too few or too narrow, or an existing exit blocked",
            verified=False,
            note="Used by the default checklists; not in DOMAIN_FACTS' list, wording unchecked "
            "against the standard.",
        ),
    ],
    "thresholds": [
        {
            "category": "crowded",
            "min_elements": 3,
            "verified": True,
            "note": "人员密集场所: ≥ 3 comprehensive elements (confirmed in DOMAIN_FACTS).",
        },
        {
            "category": "flammable",
            "min_elements": 4,
            "verified": False,
            "note": "易燃易爆 places: ≥ 4 is unverified; check against the standard.",
        },
        {
            "category": "other",
            "min_elements": 6,
            "verified": False,
            "note": "Other places: ≥ 6 is unverified; check against the standard.",
        },
    ],
}

GB35181_2017: RuleSet = rule_set_from_dict(GB35181_2017_DATA)
