"""The default checklists and rules (defaults.py) as data and as the migration loads them."""

from __future__ import annotations

from typing import Any

import pytest

from firegrid.hazards.categories import DEFAULT_CATEGORIES
from firegrid.inspections.defaults import DEFAULT_CHECKLISTS, DEFAULT_RULES
from firegrid.inspections.models import ChecklistTemplate, ScheduleRule
from firegrid.inspections.services import checklist_for_patrol, checklist_for_place
from firegrid.registry.taxonomy import DEFAULT_PLACE_TYPES

CATEGORY_CODES = {code for code, _name, _name_en in DEFAULT_CATEGORIES}
TYPE_CODES = {spec["code"] for spec in DEFAULT_PLACE_TYPES}


def _items() -> list[tuple[str, dict[str, Any]]]:
    return [(spec["code"], item) for spec in DEFAULT_CHECKLISTS for item in spec["items"]]


def test_every_place_type_of_the_taxonomy_has_exactly_one_place_checklist() -> None:
    owners: dict[str, list[str]] = {code: [] for code in TYPE_CODES}
    for spec in DEFAULT_CHECKLISTS:
        for type_code in spec["place_types"]:
            owners[type_code].append(spec["code"])
    assert {code: found for code, found in owners.items() if len(found) != 1} == {}
    assert {t for s in DEFAULT_CHECKLISTS for t in s["place_types"]} == TYPE_CODES


def test_item_codes_are_unique_within_each_checklist() -> None:
    for spec in DEFAULT_CHECKLISTS:
        codes = [item["code"] for item in spec["items"]]
        assert len(codes) == len(set(codes)), spec["code"]


def test_every_item_has_both_languages_and_a_known_hazard_category() -> None:
    for checklist, item in _items():
        assert item["text"] and item["text_en"], (checklist, item["code"])
        assert len(item["text"]) <= 300 and len(item["text_en"]) <= 400
        if item["answer_type"] == "pass_fail":
            assert item["hazard_category"] in CATEGORY_CODES, (checklist, item["code"])
        else:
            assert item["hazard_category"] in CATEGORY_CODES | {""}, (checklist, item["code"])


def test_photo_on_fail_only_for_pass_fail_items() -> None:
    for checklist, item in _items():
        if item["photo_required_on_fail"]:
            assert item["answer_type"] == "pass_fail", (checklist, item["code"])


def test_element_codes_name_the_2017_edition() -> None:
    codes = {item["major_element_code"] for _c, item in _items() if item["major_element_code"]}
    assert all(c.startswith(("2017-direct-", "2017-comp-")) and len(c) <= 30 for c in codes)
    key_units = next(s for s in DEFAULT_CHECKLISTS if s["code"] == "key_units")
    key_elements = {item["major_element_code"] for item in key_units["items"]}
    assert {
        "2017-direct-exits",
        "2017-direct-sprinkler-alarm",
        "2017-direct-flammables",
        "2017-comp-fire-lane",
        "2017-comp-fire-doors",
    } <= key_elements
    assert key_units["for_key_units"] is True
    assert key_units["place_types"] == []


def test_rental_numbers_fail_outside_the_local_limits() -> None:
    rentals = next(s for s in DEFAULT_CHECKLISTS if s["code"] == "rentals")
    items = {item["code"]: item for item in rentals["items"]}
    assert (items["area_per_person"]["min_value"], items["area_per_person"]["max_value"]) == (
        5,
        None,
    )
    assert (items["persons_per_room"]["min_value"], items["persons_per_room"]["max_value"]) == (
        None,
        2,
    )
    assert items["area_per_person"]["answer_type"] == "number"
    assert items["persons_per_room"]["unit"] == "人"


def test_rules_use_the_demo_depths_and_the_risk_rhythm() -> None:
    rules = {spec["code"]: spec for spec in DEFAULT_RULES}
    depths = {code: spec["grid_depth"] for code, spec in rules.items()}
    assert depths == {
        "grid_patrol_weekly": 3,
        "community_inspection_day": 2,
        "small_places_by_risk": 3,
        "rentals_monthly": 3,
        "residential_monthly": 3,
        "units_by_risk": 3,
        "key_units_weekly": 2,
    }
    assert rules["small_places_by_risk"]["frequency_by_risk"] == {
        "high": "monthly",
        "medium": "quarterly",
        "low": "half_yearly",
    }
    assert rules["key_units_weekly"]["frequency"] == "weekly"
    assert rules["key_units_weekly"]["roles"] == ["community_police"]
    assert rules["residential_monthly"]["roles"] == ["building_head", "grid_head"]
    for spec in rules.values():
        assert set(spec.get("place_types", [])) <= TYPE_CODES


@pytest.mark.django_db
def test_the_migration_loaded_every_checklist_with_its_items_in_order() -> None:
    stored = {
        t.code: t
        for t in ChecklistTemplate.objects.filter(is_current=True).prefetch_related(
            "items", "place_types"
        )
    }
    assert set(stored) == {spec["code"] for spec in DEFAULT_CHECKLISTS}
    for spec in DEFAULT_CHECKLISTS:
        template = stored[spec["code"]]
        assert [i.code for i in template.items.all()] == [i["code"] for i in spec["items"]]
        assert sorted(t.code for t in template.place_types.all()) == sorted(spec["place_types"])
        assert (template.kind, template.version) == (spec["kind"], 1)


@pytest.mark.django_db
def test_the_migration_loaded_every_rule_with_its_roles() -> None:
    for spec in DEFAULT_RULES:
        rule = ScheduleRule.objects.get(code=spec["code"])
        assert sorted(r.code for r in rule.roles.all()) == sorted(spec["roles"])
        assert rule.place_types.count() == len(spec.get("place_types", []))


@pytest.mark.parametrize(
    ("type_code", "key_unit", "expected"),
    [
        ("small_shop", False, "small_places"),
        ("small_shop", True, "key_units"),
        ("three_in_one_family", False, "three_in_one"),
        ("shared_rental", False, "rentals"),
        ("residential_old", False, "residential"),
        ("hospital", False, "public_places"),
        ("warehouse", False, "production_sites"),
        ("warehouse", True, "key_units"),
    ],
)
def test_a_place_gets_the_checklist_of_its_type_or_the_key_unit_one(
    small_jurisdiction: Any, make_place: Any, type_code: str, key_unit: bool, expected: str
) -> None:
    place = make_place(small_jurisdiction["410185001001001"], type_code, is_key_unit=key_unit)
    assert checklist_for_place(place).code == expected


@pytest.mark.django_db
def test_the_grid_patrol_stays_the_patrol_checklist() -> None:
    template = checklist_for_patrol()
    assert template is not None and template.code == "grid_patrol"


@pytest.mark.django_db
def test_every_stored_place_type_has_a_current_place_checklist() -> None:
    from firegrid.registry.models import PlaceType

    covered = set(
        ChecklistTemplate.objects.filter(
            is_current=True, active=True, kind=ChecklistTemplate.Kind.PLACE
        ).values_list("place_types__code", flat=True)
    )
    assert set(PlaceType.objects.values_list("code", flat=True)) - covered == set()
