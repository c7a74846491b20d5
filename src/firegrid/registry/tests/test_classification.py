"""The classification rules: pure function over type, attributes and rules (no database)."""

from __future__ import annotations

from firegrid.registry.classification import RuleSpec, classify, effective

HOTEL, SHOP = 1, 2


def _rule(code, types, attribute, threshold, effect, operator="gte"):
    return RuleSpec(
        code=code,
        name=code,
        name_en=code,
        type_ids=frozenset(types),
        attribute=attribute,
        operator=operator,
        threshold=threshold,
        effect=effect,
        verified=True,
    )


RULES = [
    _rule("key_hotel", [HOTEL], "rooms", 50, "key_unit"),
    _rule("high_beds", [HOTEL], "beds", 200, "high_risk_unit", operator="gt"),
    _rule("big_any", [], "floor_area_m2", 5000, "risk_high"),
]


def test_threshold_is_inclusive_for_gte_and_exclusive_for_gt():
    at = classify(type_id=HOTEL, default_risk="low", values={"rooms": 50}, rules=RULES)
    below = classify(type_id=HOTEL, default_risk="low", values={"rooms": 49}, rules=RULES)
    assert (at["is_key_unit"], below["is_key_unit"]) == (True, False)
    at_gt = classify(type_id=HOTEL, default_risk="low", values={"beds": 200}, rules=RULES)
    over = classify(type_id=HOTEL, default_risk="low", values={"beds": 201}, rules=RULES)
    assert (at_gt["is_high_risk_unit"], over["is_high_risk_unit"]) == (False, True)


def test_key_unit_is_at_least_medium_and_high_risk_unit_is_high_and_key():
    key = classify(type_id=HOTEL, default_risk="low", values={"rooms": 60}, rules=RULES)
    assert key["risk_level"] == "medium"
    high = classify(type_id=HOTEL, default_risk="low", values={"beds": 300}, rules=RULES)
    assert (high["risk_level"], high["is_key_unit"]) == ("high", True)
    assert [rule["code"] for rule in high["fired"]] == ["high_beds"]


def test_rule_for_other_types_does_not_fire_and_empty_types_means_any():
    shop = classify(
        type_id=SHOP, default_risk="low", values={"rooms": 99, "floor_area_m2": 6000}, rules=RULES
    )
    assert shop["is_key_unit"] is False
    assert shop["risk_level"] == "high"
    assert [rule["code"] for rule in shop["fired"]] == ["big_any"]


def test_missing_attribute_never_fires_and_default_risk_stays():
    result = classify(type_id=HOTEL, default_risk="medium", values={}, rules=RULES)
    assert result == {
        "risk_level": "medium",
        "is_key_unit": False,
        "is_high_risk_unit": False,
        "fired": [],
    }


def test_override_wins_over_the_computed_value():
    computed = {"risk_level": "low", "is_key_unit": False, "is_high_risk_unit": False}
    assert effective(computed, {"is_key_unit": True}) == {
        "risk_level": "low",
        "is_key_unit": True,
        "is_high_risk_unit": False,
    }
