"""/api/v1/inspections/checklists, /places/{id}/checklist and /inspections/rules (read-only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from firegrid.grids.models import Grid, Jurisdiction
from firegrid.inspections.models import ChecklistTemplate, ScheduleRule
from firegrid.inspections.services import checklist_publish
from firegrid.people.models import Role
from firegrid.registry.models import PlaceType
from firegrid.testing import user_with_role

from .conftest import place_in

pytestmark = pytest.mark.django_db

LEAF_A, LEAF_C = "410185001001001", "410185001002001"


@pytest.fixture
def worker(small_jurisdiction: dict[str, Grid], client: Client) -> Client:
    client.force_login(user_with_role("fulltime_worker", small_jurisdiction[LEAF_A]))
    return client


def codes(response: Any) -> list[str]:
    return [row["code"] for row in response.json()["items"]]


def current_codes(**filters: Any) -> list[str]:
    templates = ChecklistTemplate.objects.filter(is_current=True, active=True, **filters)
    return list(templates.order_by("priority", "code").values_list("code", flat=True))


def test_checklist_list_shows_current_versions_filtered_by_type_and_kind(
    worker: Client, django_assert_num_queries: Any
) -> None:
    worker.get("/api/v1/inspections/checklists")

    with django_assert_num_queries(5):  # session, user, COUNT, page, place types
        response = worker.get("/api/v1/inspections/checklists")

    assert codes(response) == current_codes()
    small = next(row for row in response.json()["items"] if row["code"] == "small_places")
    template = ChecklistTemplate.objects.get(code="small_places", is_current=True)
    assert small == {
        "id": template.pk,
        "code": "small_places",
        "version": 1,
        "is_current": True,
        "kind": "place",
        "name": "九小场所消防安全检查表",
        "name_en": "Small places fire-safety checklist",
        "place_types": sorted(template.place_types.values_list("code", flat=True)),
        "for_key_units": False,
        "priority": template.priority,
        "source": template.source,
        "active": True,
        "item_count": template.items.count(),
    }
    assert "small_shop" in small["place_types"]
    by_type = worker.get("/api/v1/inspections/checklists?place_type=small_shop")
    assert codes(by_type) == ["small_places"]
    patrols = worker.get("/api/v1/inspections/checklists?kind=patrol")
    assert codes(patrols) == current_codes(kind="patrol")


def test_an_old_version_stays_readable_after_a_new_one_is_published(worker: Client) -> None:
    old = ChecklistTemplate.objects.get(code="grid_patrol", is_current=True)
    new = checklist_publish(
        actor=None,
        code="grid_patrol",
        name="网格巡查记录",
        kind="patrol",
        items=[{"code": "exits_clear", "text": "疏散通道畅通", "hazard_category": "exits_blocked"}],
    )

    listed = worker.get("/api/v1/inspections/checklists?kind=patrol").json()["items"]
    old_body = worker.get(f"/api/v1/inspections/checklists/{old.pk}").json()
    new_body = worker.get(f"/api/v1/inspections/checklists/{new.pk}").json()

    assert [(r["id"], r["version"]) for r in listed if r["code"] == "grid_patrol"] == [
        (new.pk, old.version + 1)
    ]
    assert (old_body["is_current"], old_body["item_count"]) == (False, old.items.count())
    assert [i["code"] for i in old_body["items"]] == list(
        old.items.order_by("position").values_list("code", flat=True)
    )
    assert new_body["items"] == [
        {
            "id": new.items.get().pk,
            "code": "exits_clear",
            "position": 0,
            "text": "疏散通道畅通",
            "text_en": "",
            "answer_type": "pass_fail",
            "required": True,
            "photo_required_on_fail": False,
            "min_value": None,
            "max_value": None,
            "unit": "",
            "hazard_category": "exits_blocked",
            "major_element_code": "",
        }
    ]
    missing = worker.get("/api/v1/inspections/checklists/999999")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "checklist_not_found")


def test_place_checklist_is_the_current_one_for_its_type_or_key_unit(
    small_jurisdiction: dict[str, Grid], worker: Client
) -> None:
    leaf = small_jurisdiction[LEAF_A]
    shop = place_in(leaf, "small_shop")
    key = place_in(leaf, "small_shop", is_key_unit=True)
    outside = place_in(small_jurisdiction[LEAF_C], "small_shop")

    for_shop = worker.get(f"/api/v1/places/{shop.pk}/checklist")
    for_key = worker.get(f"/api/v1/places/{key.pk}/checklist")
    refused = worker.get(f"/api/v1/places/{outside.pk}/checklist")

    current = ChecklistTemplate.objects.get(code="small_places", is_current=True)
    assert (for_shop.json()["id"], len(for_shop.json()["items"])) == (
        current.pk,
        current.items.count(),
    )
    assert for_key.json()["code"] == "key_units"
    assert refused.status_code == 404


def test_place_checklist_says_when_no_checklist_fits(
    small_jurisdiction: dict[str, Grid], worker: Client
) -> None:
    odd = PlaceType.objects.create(code="odd_type", name="奇怪类型", group="其他")
    place = place_in(small_jurisdiction[LEAF_A], odd.code)

    response = worker.get(f"/api/v1/places/{place.pk}/checklist")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "checklist_missing")


def test_rules_list_and_detail_are_read_only_and_scoped_by_jurisdiction(
    small_jurisdiction: dict[str, Grid], worker: Client, django_assert_num_queries: Any
) -> None:
    elsewhere = Jurisdiction.objects.create(code="999999", name="别处")
    local = small_jurisdiction[LEAF_A].level.jurisdiction
    ours = ScheduleRule.objects.create(
        code="ours_daily", name="本县每日巡查", jurisdiction=local, kind="patrol",
        grid_depth=3, frequency="daily", window_days=1, duration_minutes=45,
        frequency_by_risk={"high": "daily"}, risk_levels=["high"],
    )  # fmt: skip
    ours.roles.set(Role.objects.filter(code__in=["fulltime_worker", "grid_head"]))
    ours.place_types.set(PlaceType.objects.filter(code="small_shop"))
    theirs = ScheduleRule.objects.create(
        code="theirs", name="别处", jurisdiction=elsewhere, grid_depth=3, frequency="weekly"
    )
    worker.get("/api/v1/inspections/rules")

    with django_assert_num_queries(7):  # session, user, scope, COUNT, page, roles, types
        response = worker.get("/api/v1/inspections/rules")

    visible = ScheduleRule.objects.exclude(pk=theirs.pk).order_by("grid_depth", "code")
    assert codes(response) == list(visible.values_list("code", flat=True))
    assert worker.get(f"/api/v1/inspections/rules/{theirs.pk}").status_code == 404
    detail = worker.get(f"/api/v1/inspections/rules/{ours.pk}").json()
    roles = sorted(Role.objects.filter(code__in=["fulltime_worker", "grid_head"]),
                   key=lambda r: (r.sort_order, r.code))  # fmt: skip
    assert detail == {
        "id": ours.pk,
        "code": "ours_daily",
        "name": "本县每日巡查",
        "name_en": "",
        "jurisdiction": "410185",
        "kind": "patrol",
        "roles": [r.code for r in roles],
        "grid_depth": 3,
        "place_types": ["small_shop"],
        "risk_levels": ["high"],
        "key_units_only": False,
        "frequency": "daily",
        "frequency_by_risk": {"high": "daily"},
        "frequency_open_hazard": "",
        "relax_after_clean": 0,
        "relax_cap": "",
        "window_days": 1,
        "duration_minutes": 45,
        "active": True,
    }
    patrol_rules = worker.get("/api/v1/inspections/rules?kind=patrol&active=true")
    assert codes(patrol_rules) == list(
        visible.filter(kind="patrol", active=True).values_list("code", flat=True)
    )
