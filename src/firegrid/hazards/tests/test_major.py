"""GB 35181 major-hazard determination (hazards.major): rule set data, engine, confirmation."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from firegrid.hazards.major import (
    CROWDED,
    FLAMMABLE,
    GB35181_2017,
    OTHER,
    Determination,
    MatchedElement,
    category_for,
    confirm,
    determination_to_dict,
    determine,
    needs_collective_confirmation,
    rule_set_from_dict,
    rule_set_to_dict,
)
from firegrid.hazards.major.gb35181_2017 import GB35181_2017_DATA
from firegrid.inspections.defaults import DEFAULT_CHECKLISTS


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages these tests pin are the English ones (zh-Hans is the default language)."""
    with translation.override("en"):
        yield


FIRE_LANE = MatchedElement(
    "2017-comp-fire-lane",
    "未按规定设置消防车道或消防车道被堵塞、占用",
    "Fire-engine access (消防车道) missing or blocked",
    True,
)
SEPARATION = MatchedElement(
    "2017-comp-separation",
    "建筑之间的既有防火间距被占用或小于规定值的80%",
    "Fire separation distance between buildings occupied or under 80 % of the code",
    True,
)
FIRE_DOORS = MatchedElement(
    "2017-comp-fire-doors",
    "防火门、防火卷帘等防火分隔设施损坏的数量大于该防火分区相应设施总数的50%",
    "More than 50 % of the fire doors or shutters in a compartment damaged",
    True,
)
BASEMENT = MatchedElement(
    "2017-direct-basement-ab",
    "在地下室、半地下室生产、储存甲、乙类火灾危险性物品",
    "Class A/B (甲乙类) production or storage in a basement or semi-basement",
    True,
)


def _judge(codes: list[str], category: str = CROWDED, **kwargs: Any) -> Determination:
    return determine(rule_set=GB35181_2017, category=category, element_codes=codes, **kwargs)


def test_crowded_place_with_three_comprehensive_elements_is_major_and_names_them() -> None:
    result = _judge(["2017-comp-fire-doors", "2017-comp-fire-lane", "2017-comp-separation"])

    assert result == Determination(
        is_major=True,
        reason="comprehensive",
        category="crowded",
        rule_set_code="GB 35181",
        rule_set_edition="2017",
        rule_set_version=1,
        direct=(),
        comprehensive=(FIRE_LANE, SEPARATION, FIRE_DOORS),
        threshold=3,
        threshold_verified=True,
        unknown_codes=(),
        not_applicable=(),
        fixed_on_spot=(),
    )
    assert result.rule_set_label == "GB 35181-2017 v1"
    assert needs_collective_confirmation(result) is True


def test_two_comprehensive_elements_are_below_the_crowded_threshold() -> None:
    result = _judge(["2017-comp-fire-lane", "2017-comp-separation", "2017-comp-fire-lane", ""])

    assert (result.is_major, result.reason, result.threshold) == (False, "below_threshold", 3)
    assert result.comprehensive == (FIRE_LANE, SEPARATION)
    assert needs_collective_confirmation(result) is False


def test_one_direct_element_is_major_whatever_the_category() -> None:
    result = _judge(["2017-direct-basement-ab"], category=OTHER)

    assert (result.is_major, result.reason) == (True, "direct")
    assert result.direct == (BASEMENT,)
    assert result.comprehensive == ()
    assert (result.threshold, result.threshold_verified) == (6, False)


def test_a_crowded_only_direct_element_does_not_count_elsewhere_and_is_reported() -> None:
    result = _judge(["2017-direct-flammables"], category=OTHER)

    assert (result.is_major, result.reason, result.direct) == (False, "below_threshold", ())
    assert result.not_applicable == ("2017-direct-flammables",)


def test_an_element_fixed_on_the_spot_does_not_count() -> None:
    codes = ["2017-comp-fire-lane", "2017-comp-separation", "2017-comp-fire-doors"]

    result = _judge(codes, fixable_now=["2017-comp-fire-lane"])

    assert (result.is_major, result.reason) == (False, "below_threshold")
    assert result.comprehensive == (SEPARATION, FIRE_DOORS)
    assert result.fixed_on_spot == ("2017-comp-fire-lane",)


def test_a_direct_element_fixed_on_the_spot_does_not_make_it_major() -> None:
    result = _judge(["2017-direct-basement-ab"], fixable_now=("2017-direct-basement-ab",))

    assert (result.is_major, result.reason, result.direct) == (False, "below_threshold", ())


def test_a_closed_place_is_not_judged() -> None:
    result = _judge(["2017-direct-basement-ab", "no-such"], place_closed=True)

    assert (result.is_major, result.reason) == (False, "not_judged")
    assert (result.direct, result.comprehensive, result.threshold) == ((), (), None)
    assert result.unknown_codes == ("no-such",)
    assert needs_collective_confirmation(result) is False
    with pytest.raises(ValueError, match="not judged; nothing to confirm"):
        confirm(result, ["甲", "乙", "丙"])


def test_unverified_threshold_is_flagged() -> None:
    codes = [
        "2017-comp-fire-lane",
        "2017-comp-separation",
        "2017-comp-fire-doors",
        "2017-comp-compartment",
    ]

    result = _judge(codes, category=FLAMMABLE)

    assert (result.is_major, result.reason) == (True, "comprehensive")
    assert (result.threshold, result.threshold_verified) == (4, False)
    assert [(t.category, t.min_elements, t.verified) for t in GB35181_2017.thresholds] == [
        ("crowded", 3, True),
        ("flammable", 4, False),
        ("other", 6, False),
    ]


def test_unknown_codes_are_reported_not_dropped() -> None:
    result = _judge(["2017-comp-fire-lane", "2017-direct-basement-jiayi", "x"])

    assert result.unknown_codes == ("2017-direct-basement-jiayi", "x")
    assert result.comprehensive == (FIRE_LANE,)
    assert determination_to_dict(result)["unknown_codes"] == ["2017-direct-basement-jiayi", "x"]


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown place category 'school'"):
        _judge([], category="school")


def test_category_for_a_place() -> None:
    assert category_for(is_crowded=True, is_flammable=True) == "crowded"
    assert category_for(is_crowded=False, is_flammable=True) == "flammable"
    assert category_for(is_crowded=False) == "other"


def test_rule_set_json_round_trip_is_equal() -> None:
    text = json.dumps(rule_set_to_dict(GB35181_2017), ensure_ascii=False)

    assert rule_set_from_dict(json.loads(text)) == GB35181_2017
    assert rule_set_to_dict(GB35181_2017) == GB35181_2017_DATA


def test_a_2025_edition_loads_as_a_new_version_of_the_same_shape() -> None:
    data = copy.deepcopy(GB35181_2017_DATA)
    data.update(edition="2025", version=2)

    rule_set = rule_set_from_dict(data)
    result = determine(rule_set=rule_set, category=CROWDED, element_codes=["2017-direct-exits"])

    assert (result.rule_set_edition, result.rule_set_version, result.reason) == (
        "2025",
        2,
        "direct",
    )


BAD_RULE_SETS = [
    (
        "unknown-kind",
        lambda d: d["elements"][0].update(kind="indirect"),
        "Rule set 'GB 35181' '2017' v1: element '2017-direct-basement-ab' has unknown kind "
        "'indirect' (expected one of direct, comprehensive).",
    ),
    (
        "duplicate-code",
        lambda d: d["elements"].append(dict(d["elements"][0])),
        "Rule set 'GB 35181' '2017' v1: duplicate element code '2017-direct-basement-ab'.",
    ),
    (
        "threshold-unknown-category",
        lambda d: d["thresholds"].append(
            {"category": "school", "min_elements": 2, "verified": False, "note": ""}
        ),
        "Rule set 'GB 35181' '2017' v1: threshold for unknown place category 'school' "
        "(expected crowded, flammable, other).",
    ),
    (
        "applies-to-unknown-category",
        lambda d: d["elements"][0].update(applies_to=["crowded", "hotel"]),
        "Rule set 'GB 35181' '2017' v1: element '2017-direct-basement-ab' applies to unknown "
        "place categories 'hotel' (expected crowded, flammable, other).",
    ),
    (
        "missing-threshold",
        lambda d: d["thresholds"].pop(),
        "Rule set 'GB 35181' '2017' v1: no threshold for place categories other.",
    ),
    (
        "two-thresholds",
        lambda d: d["thresholds"].append(dict(d["thresholds"][0])),
        "Rule set 'GB 35181' '2017' v1: two thresholds for category 'crowded'.",
    ),
    (
        "zero-threshold",
        lambda d: d["thresholds"][0].update(min_elements=0),
        "Rule set 'GB 35181' '2017' v1: threshold for 'crowded' must be a positive integer, got 0.",
    ),
    (
        "code-too-long",
        lambda d: d["elements"][0].update(code="2017-direct-" + "x" * 19),
        "Rule set 'GB 35181' '2017' v1: element code '2017-direct-xxxxxxxxxxxxxxxxxxx' must be "
        "1–30 characters.",
    ),
    (
        "unknown-key",
        lambda d: d.update(year=2017),
        "Rule set: unknown keys year.",
    ),
    (
        "bad-version",
        lambda d: d.update(version="1"),
        "Rule set 'GB 35181' '2017' v1: version must be an integer, got '1'.",
    ),
]


@pytest.mark.parametrize(("change", "message"), [(c, m) for _n, c, m in BAD_RULE_SETS],
                         ids=[n for n, _c, _m in BAD_RULE_SETS])  # fmt: skip
def test_bad_rule_sets_are_rejected_with_a_clear_message(change: Any, message: str) -> None:
    data = copy.deepcopy(GB35181_2017_DATA)
    change(data)

    with pytest.raises(ValueError) as error:
        rule_set_from_dict(data)

    assert str(error.value) == message


def test_confirmation_needs_three_different_people() -> None:
    result = _judge(["2017-direct-basement-ab"])

    with pytest.raises(ValueError) as error:
        confirm(result, ["张三", "李四", " 张三 ", ""])
    assert str(error.value) == (
        "A determination needs at least 3 different people to confirm it; got 2."
    )

    confirmed = confirm(result, ["张三", "李四", "王五"])
    assert confirmed.people == ("张三", "李四", "王五")
    assert confirmed.determination is result


def test_every_checklist_element_code_exists_in_the_2017_rule_set() -> None:
    used = {
        item["major_element_code"]
        for spec in DEFAULT_CHECKLISTS
        for item in spec["items"]
        if item["major_element_code"]
    }
    known = {element.code for element in GB35181_2017.elements}

    assert used - known == set()
    assert used == {
        "2017-comp-compartment",
        "2017-comp-dormitory",
        "2017-comp-exit-signs",
        "2017-comp-exits",
        "2017-comp-fire-doors",
        "2017-comp-fire-lane",
        "2017-comp-separation",
        "2017-direct-basement-ab",
        "2017-direct-exits",
        "2017-direct-flammables",
        "2017-direct-sandwich-dorm",
        "2017-direct-sprinkler-alarm",
        "2017-direct-vulnerable-floor",
    }
