"""Hazard pages: list (filters, deadline and level), detail (timeline, step forms, errors),
"my actions", bulk steps, map data, scoped photos, and the API that mirrors them."""

from __future__ import annotations

from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from firegrid.hazards.models import Hazard, HazardEvent, HazardPhoto, RectificationNotice
from firegrid.hazards.services import StepIn, hazard_report, hazard_step
from firegrid.hazards.services.notices import notice_receipt_record

from .conftest import LEAF, STREET, D, at, photo

TODAY = D(2026, 9, 21)
OTHER_STREET_LEAF = "410185002001001"


def client_of(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def step(world: dict[str, Any], who: str, hazard: Hazard, action: str, **kw: Any) -> Hazard:
    return hazard_step(actor=world["users"][who], hazard_id=hazard.pk, data=StepIn(action, **kw))


def another(world: dict[str, Any], grid_code: str = LEAF, **kw: Any) -> Hazard:
    fields = {"category_code": "ebike", "source": "patrol", "description": "楼道充电"} | kw
    return hazard_report(
        actor=world["users"]["worker"], grid=world["grids"][grid_code], found_at=at(TODAY), **fields
    )


@time_machine.travel(at(TODAY), tick=False)
def test_list_shows_deadline_and_level_of_open_hazards_and_keeps_filters_in_links(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    hazard = world["hazard"]
    step(world, "community", hazard, "confirm")
    step(world, "community", hazard, "issue_notice", deadline=D(2026, 9, 30))
    closed = another(world)
    Hazard.objects.filter(pk=closed.pk).update(state="rejected", next_due=None)
    others = [another(world) for _n in range(5)]
    office = client_of(world["users"]["community"])

    with django_assert_max_num_queries(12):
        page = office.get("/hazards/", {"state": ["notice_issued", "rejected"], "sort": "due"})
    html = page.content.decode()

    assert page.status_code == 200
    assert [r["hazard"].pk for r in page.context["rows"]] == [hazard.pk, closed.pk]
    assert "2026-09-30" in html and "社区1-1" in html  # next deadline, responsible level
    assert "state=notice_issued&amp;state=rejected&amp;sort=due" in html  # in the export links
    assert page.context["export_csv_url"].endswith("?state=notice_issued&state=rejected&sort=due")

    open_only = office.get("/hazards/", {"state": "open", "overdue": "1"})
    assert open_only.context["rows"] == []
    assert "No hazard matches these filters." in open_only.content.decode()
    with time_machine.travel(at(D(2026, 10, 2)), tick=False):
        late = office.get("/hazards/", {"overdue": "1"})
    # the notice's deadline passed; the five reported on 21 Sept were not confirmed in 3 days
    assert {r["hazard"].pk for r in late.context["rows"]} == {hazard.pk, *(h.pk for h in others)}

    outside = office.get("/hazards/", {"grid": world["grids"][STREET].pk})
    assert outside.status_code == 404


@time_machine.travel(at(TODAY), tick=False)
def test_detail_shows_facts_timeline_photos_notices_and_only_the_allowed_steps(
    world: dict[str, Any],
) -> None:
    hazard = world["hazard"]
    step(world, "community", hazard, "confirm", note="属实")
    step(world, "community", hazard, "issue_notice", deadline=D(2026, 9, 30))
    step(world, "worker", hazard, "request_review", photos=(photo(),), note="已清理")
    notice = RectificationNotice.objects.get(hazard=hazard)
    picture = HazardPhoto.objects.get(hazard=hazard)

    office = client_of(world["users"]["community"]).get(f"/hazards/{hazard.pk}/")
    worker = client_of(world["users"]["worker"]).get(f"/hazards/{hazard.pk}/")
    html = office.content.decode()

    assert office.status_code == 200
    assert [t["event"].action for t in office.context["timeline"]] == [
        "confirm",
        "issue_notice",
        "request_review",
    ]
    assert "属实" in html and "已清理" in html and notice.number in html
    assert reverse("hazards:notice_file", args=[notice.pk, "docx"]) in html
    assert reverse("hazards:notice_receipt", args=[notice.pk]) in html
    assert reverse("hazards:photo", args=[picture.pk]) in html
    office_steps = [s["action"] for s in office.context["steps"]]
    assert "reinspect_pass" in office_steps and "reinspect_fail" in office_steps
    assert 'id="step-reinspect_pass"' in html
    worker_steps = [s["action"] for s in worker.context["steps"]]
    assert "reinspect_pass" not in worker_steps
    assert 'id="step-reinspect_pass"' not in worker.content.decode()

    elsewhere = another(world, OTHER_STREET_LEAF)
    assert (
        client_of(world["users"]["community"]).get(f"/hazards/{elsewhere.pk}/").status_code == 404
    )


@time_machine.travel(at(TODAY), tick=False)
def test_a_step_from_the_page_changes_the_hazard_and_an_error_changes_nothing(
    world: dict[str, Any],
) -> None:
    hazard = world["hazard"]
    office = client_of(world["users"]["community"])
    url = reverse("hazards:step", args=[hazard.pk])

    done = office.post(url, {"action": "confirm", "expected_state": "reported", "note": "属实"})
    raced = office.post(url, {"action": "confirm", "expected_state": "reported"})
    no_deadline = office.post(url, {"action": "issue_notice", "expected_state": "confirmed"})
    past = office.post(
        url, {"action": "issue_notice", "expected_state": "confirmed", "deadline": "2026-09-01"}
    )
    worker = client_of(world["users"]["worker"]).post(
        url, {"action": "reject", "expected_state": "confirmed", "note": "x"}
    )

    assert (done.status_code, done["Location"]) == (302, f"/hazards/{hazard.pk}/")
    assert raced.status_code == 409
    assert "Someone changed this hazard meanwhile" in raced.content.decode()
    assert "Nothing was changed." in raced.content.decode()
    assert no_deadline.status_code == 422
    assert past.status_code == 422
    assert "The deadline must be a date after today." in past.content.decode()
    assert 'value="2026-09-01"' in past.content.decode()  # what was typed stays
    assert worker.status_code == 422  # a confirmed hazard cannot be rejected
    hazard.refresh_from_db()
    assert hazard.state == "confirmed"
    assert list(HazardEvent.objects.values_list("action", flat=True)) == ["confirm"]
    assert not RectificationNotice.objects.exists()


@time_machine.travel(at(TODAY), tick=False)
def test_my_actions_page_groups_what_waits_for_each_role(world: dict[str, Any]) -> None:
    hazard = world["hazard"]
    office = client_of(world["users"]["community"]).get("/hazards/mine/")
    worker = client_of(world["users"]["worker"]).get("/hazards/mine/")
    badge = client_of(world["users"]["community"]).get("/hazards/mine/badge/")

    assert [g.key for g in office.context["groups"]] == ["confirm"]
    assert f'href="/hazards/{hazard.pk}/"' in office.content.decode()
    assert worker.context["groups"] == []
    assert "Nothing waits for you." in worker.content.decode()
    assert badge.content.decode() == '<span class="badge">1</span>'

    step(world, "community", hazard, "confirm")
    worker = client_of(world["users"]["worker"]).get("/hazards/mine/")
    assert [g.key for g in worker.context["groups"]] == ["fix"]


@time_machine.travel(at(TODAY), tick=False)
def test_bulk_confirm_applies_one_by_one_and_reports_each_outcome(world: dict[str, Any]) -> None:
    first, second = world["hazard"], another(world)
    done_already = another(world)
    step(world, "community", done_already, "confirm")
    elsewhere = another(world, OTHER_STREET_LEAF)
    office = client_of(world["users"]["community"])

    page = office.post(
        "/hazards/bulk/",
        {"action": "confirm", "ids": [first.pk, second.pk, done_already.pk, elsewhere.pk]},
    )

    results = {r["id"]: r for r in page.context["results"]}
    assert page.status_code == 200
    assert (results[first.pk]["ok"], results[second.pk]["ok"]) == (True, True)
    assert results[done_already.pk]["code"] == "hazard_bad_step"
    assert results[elsewhere.pk]["code"] == "hazard_not_found"
    assert (page.context["done"], page.context["failed"]) == (2, 2)
    states = dict(Hazard.objects.values_list("pk", "state"))
    assert (states[first.pk], states[second.pk], states[elsewhere.pk]) == (
        "confirmed",
        "confirmed",
        "reported",
    )

    rejected = office.post("/hazards/bulk/", {"action": "reject", "ids": [elsewhere.pk]})
    assert rejected.context["results"][0]["ok"] is False
    nothing = office.post("/hazards/bulk/", {"action": "confirm"})
    assert nothing.status_code == 302


@time_machine.travel(at(TODAY), tick=False)
def test_map_data_and_photos_stay_in_the_scope(world: dict[str, Any]) -> None:
    hazard = world["hazard"]
    step(world, "worker", hazard, "fix_on_spot", photos=(photo(),))
    picture = HazardPhoto.objects.get()
    elsewhere = another(world, OTHER_STREET_LEAF, lon=113.25, lat=34.45)
    community = client_of(world["users"]["community"])

    page = community.get("/hazards/map/", {"severity": "general"})
    data = community.get("/hazards/map/geojson/").json()
    photo_ok = community.get(f"/hazards/photos/{picture.pk}/")

    assert page.status_code == 200
    assert page.context["geojson_url"] == "/hazards/map/geojson/?severity=general"
    assert [f["id"] for f in data["features"]] == [hazard.pk]
    props = data["features"][0]["properties"]
    assert (props["state"], props["color"], props["responsible_level"]) == (
        "fixed_on_spot",
        "#f59f00",
        "网格1-1-1",
    )
    assert photo_ok.status_code == 200
    assert photo_ok.getvalue()[:2] == b"\xff\xd8"  # a JPEG
    stranger = client_of(another_user(world))
    assert stranger.get(f"/hazards/photos/{picture.pk}/").status_code == 404
    assert elsewhere.pk not in [f["id"] for f in data["features"]]


def another_user(world: dict[str, Any]) -> Any:
    from firegrid.testing import user_with_role

    return user_with_role("fulltime_worker", world["grids"][OTHER_STREET_LEAF])


@time_machine.travel(at(TODAY), tick=False)
def test_api_mine_bulk_geojson_and_new_list_filters(world: dict[str, Any]) -> None:
    hazard = world["hazard"]
    second = another(world)
    office = client_of(world["users"]["community"])

    mine = office.get("/api/v1/hazards/mine").json()
    assert [(g["key"], [h["id"] for h in g["hazards"]]) for g in mine] == [
        ("confirm", [hazard.pk, second.pk])  # the older one first
    ]
    bulk = office.post(
        "/api/v1/hazards/bulk-steps",
        {"ids": [hazard.pk, second.pk, 999999], "action": "confirm"},
        content_type="application/json",
    )
    assert bulk.status_code == 200
    assert [(r["id"], r["ok"], r["state"], r["code"]) for r in bulk.json()] == [
        (hazard.pk, True, "confirmed", ""),
        (second.pk, True, "confirmed", ""),
        (999999, False, None, "hazard_not_found"),
    ]
    listed = office.get("/api/v1/hazards", {"state": ["confirmed", "closed"], "source": "patrol"})
    assert [h["id"] for h in listed.json()["items"]] == [second.pk]
    q = office.get("/api/v1/hazards", {"q": "小卖部", "sort": "found_asc"})
    assert [h["id"] for h in q.json()["items"]] == [hazard.pk]
    geo = office.get("/api/v1/hazards/geojson", {"state": "confirmed"}).json()
    # Only hazards with a point (theirs or their place's) are drawn; `second` has none.
    assert [f["id"] for f in geo["features"]] == [hazard.pk]
    assert geo["total"] == 1
    bad = office.get("/api/v1/hazards", {"grid_id": world["grids"][STREET].pk})
    assert bad.status_code == 404


@time_machine.travel(at(TODAY), tick=False)
def test_the_place_page_links_to_its_hazards_and_the_list_filters_by_place(
    world: dict[str, Any],
) -> None:
    elsewhere = another(world)  # in the same grid, at no place
    office = client_of(world["users"]["community"])

    place_page = office.get(f"/registry/places/{world['shop'].pk}/")
    listed = office.get("/hazards/", {"place": world["shop"].pk})

    assert f'href="/hazards/?place={world["shop"].pk}"' in place_page.content.decode()
    assert [r["hazard"].pk for r in listed.context["rows"]] == [world["hazard"].pk]
    assert elsewhere.pk not in [r["hazard"].pk for r in listed.context["rows"]]


@time_machine.travel(at(TODAY), tick=False)
def test_the_timeline_names_the_receipt_of_a_notice(world: dict[str, Any]) -> None:
    hazard = world["hazard"]
    step(world, "community", hazard, "confirm")
    step(world, "community", hazard, "issue_notice", deadline=D(2026, 9, 30))
    notice = RectificationNotice.objects.get(hazard=hazard)
    notice_receipt_record(
        actor=world["users"]["worker"], notice_id=notice.pk, received_by_name="王老板"
    )

    page = client_of(world["users"]["community"]).get(f"/hazards/{hazard.pk}/")

    receipt = page.context["timeline"][-1]
    assert (receipt["event"].action, receipt["label"]) == (
        "notice_receipt",
        "Notice signed for (签收)",
    )
    assert "王老板" in page.content.decode()
