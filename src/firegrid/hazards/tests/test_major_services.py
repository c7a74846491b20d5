"""Stored GB 35181 determinations: run, collective confirmation, severity, street + fire agency."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from firegrid.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.grids.models import Grid
from firegrid.hazards.major.gb35181_2017 import GB35181_2017_DATA
from firegrid.hazards.major.services import determination_confirm, determination_run
from firegrid.hazards.models import Hazard, HazardEvent, MajorDetermination
from firegrid.hazards.services import StepIn, hazard_report, hazard_step
from firegrid.inspections.tests.conftest import place_in
from firegrid.notifications.models import Notification

from .conftest import COMMUNITY, LEAF, STREET, D, at, photo

LANE, SIGNS, DOORS = "2017-comp-fire-lane", "2017-comp-exit-signs", "2017-comp-fire-doors"
PEOPLE = [
    {"name": "张主任", "post": "街道办副主任"},
    {"name": "李科长", "post": "消防救援站站长"},
    {"name": "王网格长", "post": "社区网格长"},
]


def report(world: dict[str, Any], place: Any, code: str, category: str = "other") -> Hazard:
    with time_machine.travel(at(D(2026, 9, 21)), tick=False):
        return hazard_report(
            actor=world["users"]["worker"], category_code=category, source="inspection",
            description=f"发现 {code or '其他'}", found_at=timezone.now(), place=place,
            major_element_code=code,
        )  # fmt: skip


@pytest.fixture
def hotel(world: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """A crowded place (小旅馆) with three comprehensive elements open, one hazard without an
    element, a rejected direct element and one fixed on the spot (neither counts)."""
    grids = world["grids"]
    with time_machine.travel(at(D(2026, 9, 1)), tick=False):
        world["users"]["fire"] = make_user("fire_officer", grids[COMMUNITY], start_on=D(2026, 1, 1))
        world["users"]["worker2"] = make_user(
            "community_office", grids["410185002001"], start_on=D(2026, 1, 1)
        )
    place = place_in(grids[LEAF], "small_hotel", name="悦来客栈", responsible_name="赵老板")
    hazards = {
        "lane": report(world, place, LANE, "fire_lane"),
        "signs": report(world, place, SIGNS, "exit_signs_lighting"),
        "doors": report(world, place, DOORS),
        "plain": report(world, place, "", "ebike"),
        "rejected": report(world, place, "2017-direct-flammables", "flammables"),
        "fixed": report(world, place, "2017-comp-exits", "exits_blocked"),
    }
    step(world, "community", hazards["rejected"], "reject", note="误报")
    step(world, "community", hazards["fixed"], "fix_on_spot", photos=(photo(),))
    return {**world, "place": place, "hazards": hazards}


def step(world: dict[str, Any], who: str, hazard: Hazard, action: str, **kw: Any) -> Hazard:
    with time_machine.travel(at(D(2026, 9, 22)), tick=False):
        return hazard_step(
            actor=world["users"][who], hazard_id=hazard.pk, data=StepIn(action, **kw)
        )


def run(world: dict[str, Any], who: str = "community", **kw: Any) -> MajorDetermination:
    with time_machine.travel(at(D(2026, 9, 23)), tick=False):
        return determination_run(actor=world["users"][who], place_id=world["place"].pk, **kw)


def confirm(world: dict[str, Any], determination: MajorDetermination, **kw: Any) -> Any:
    kw.setdefault("confirmers", PEOPLE)
    with time_machine.travel(at(D(2026, 9, 24)), tick=False):
        return determination_confirm(
            actor=world["users"][kw.pop("who", "community")],
            determination_id=determination.pk,
            **kw,
        )


def test_three_comprehensive_elements_at_a_crowded_place_are_stored_as_major(
    hotel: dict[str, Any],
) -> None:
    made = run(hotel)

    stored = MajorDetermination.objects.get()
    h = hotel["hazards"]
    assert stored.pk == made.pk
    assert (stored.is_major, stored.reason, stored.place_category, stored.threshold) == (
        True,
        "comprehensive",
        "crowded",
        3,
    )
    assert stored.rule_set == "GB 35181-2017 v1"
    assert [(m["code"], m["kind"], m["verified"], m["hazards"]) for m in stored.matched] == [
        (LANE, "comprehensive", True, [h["lane"].pk]),
        (DOORS, "comprehensive", True, [h["doors"].pk]),
        (SIGNS, "comprehensive", True, [h["signs"].pk]),
    ]
    assert stored.matched[0]["text"] == "未按规定设置消防车道或消防车道被堵塞、占用"
    assert (stored.final, stored.determined_by) == (False, hotel["users"]["community"])
    audit = AuditEvent.objects.get(action="hazard.major_determined")
    assert (audit.object_id, audit.data["rule_set_label"]) == (str(stored.pk), "GB 35181-2017 v1")
    assert audit.data["fixed_on_spot"] == ["2017-comp-exits"]
    # Nothing is major until the collective confirmation.
    assert set(Hazard.objects.values_list("severity", flat=True)) == {"general"}


def test_two_elements_are_not_major(hotel: dict[str, Any]) -> None:
    step(hotel, "community", hotel["hazards"]["doors"], "reject", note="不属实")

    made = run(hotel)

    assert (made.is_major, made.reason, len(made.matched)) == (False, "below_threshold", 2)


def test_a_closed_place_is_not_judged_and_cannot_be_confirmed(hotel: dict[str, Any]) -> None:
    type(hotel["place"]).objects.filter(pk=hotel["place"].pk).update(status="closed")
    made = run(hotel)

    with pytest.raises(ValidationFailed) as caught:
        confirm(hotel, made)

    assert (made.is_major, made.reason, made.matched) == (False, "not_judged", [])
    assert caught.value.code == "major_not_judged"
    assert MajorDetermination.objects.get().confirmed_at is None


def test_confirmation_needs_three_different_people(hotel: dict[str, Any]) -> None:
    made = run(hotel)
    two = [PEOPLE[0], PEOPLE[1], {"name": " 张主任 ", "post": "又一次"}, {"name": "", "post": ""}]

    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        confirm(hotel, made, confirmers=two)
    with pytest.raises(ValidationFailed) as no_post:
        confirm(hotel, made, confirmers=[*PEOPLE, {"name": "赵某", "post": ""}])

    assert caught.value.code == "major_too_few_confirmers"
    assert str(caught.value.message) == (
        "A determination needs at least 3 different people to confirm it; got 2."
    )
    assert no_post.value.code == "major_confirmer_incomplete"
    made.refresh_from_db()
    assert (made.final, made.confirmers) == (False, [])
    assert not AuditEvent.objects.filter(action="hazard.major_confirmed").exists()
    assert set(Hazard.objects.values_list("severity", flat=True)) == {"general"}


def test_a_final_major_determination_goes_to_the_street_and_the_fire_agency(
    hotel: dict[str, Any],
) -> None:
    made = run(hotel)

    done = confirm(hotel, made, note="会议纪要：一致认定为重大火灾隐患")

    h = hotel["hazards"]
    done.refresh_from_db()
    assert done.final and done.confirmers == PEOPLE
    assert done.confirmation_recorded_by == hotel["users"]["community"]
    raised = [h["lane"].pk, h["signs"].pk, h["doors"].pk, h["plain"].pk]
    rows = Hazard.objects.filter(place=hotel["place"]).select_related("owner_grid").order_by("pk")
    assert [(x.pk, x.severity, x.owner_grid.code if x.owner_grid else None) for x in rows] == [
        *[(pk, "major", STREET) for pk in raised],
        (h["rejected"].pk, "general", None),
        (h["fixed"].pk, "general", None),
    ]
    events = HazardEvent.objects.filter(action="set_severity").order_by("hazard_id")
    assert [(e.hazard_id, e.actor, e.from_state, e.to_state) for e in events] == [
        (pk, None, "reported", "reported") for pk in raised
    ]
    assert events[0].data["severity"] == ["general", "major"]
    assert events[0].data["level"] == [LEAF, STREET]
    assert "fire_agency_notified" not in events[0].data  # routed once, for the place
    notes = Notification.objects.filter(kind="hazard.major")
    street_person = hotel["users"]["street"].person
    fire_person = hotel["users"]["fire"].person
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(
        [street_person.pk, fire_person.pk]
    )
    assert notes.first().link == f"/hazards/major/{made.pk}/"  # type: ignore[union-attr]
    audit = AuditEvent.objects.get(action="hazard.major_confirmed")
    assert audit.data["hazards_made_major"] == raised
    assert (audit.data["fire_agency_notified"], audit.data["street"]) == (True, STREET)
    assert audit.data["confirmers"] == PEOPLE

    with pytest.raises(Conflict) as again:
        confirm(hotel, made)
    assert again.value.code == "major_already_final"
    assert AuditEvent.objects.filter(action="hazard.major_confirmed").count() == 1


def test_without_a_fire_officer_on_record_the_notice_says_so(hotel: dict[str, Any]) -> None:
    from firegrid.people.models import Assignment

    Assignment.objects.filter(role__code="fire_officer").delete()
    made = run(hotel)

    with translation.override("en"):
        confirm(hotel, made)

    audit = AuditEvent.objects.get(action="hazard.major_confirmed")
    assert (audit.data["fire_agency_notified"], audit.data["fire_officers_notified"]) == (False, 0)
    note = Notification.objects.get(kind="hazard.major")
    assert note.recipient == hotel["users"]["street"].person
    assert "No fire-safety officer (消防) is on record" in note.body


def test_only_the_latest_determination_may_be_confirmed(hotel: dict[str, Any]) -> None:
    first = run(hotel)
    with time_machine.travel(at(D(2026, 9, 23), 15), tick=False):
        determination_run(actor=hotel["users"]["community"], place_id=hotel["place"].pk)

    with pytest.raises(Conflict) as caught:
        confirm(hotel, first)

    assert caught.value.code == "major_superseded"


@pytest.mark.parametrize(
    ("who", "error", "code"),
    [
        ("worker", PermissionDenied, "major_not_manager"),  # posted there, manages nothing
        ("worker2", NotFound, "place_not_found"),  # an office of another community
    ],
)
def test_run_outside_the_managing_scope_is_refused(
    hotel: dict[str, Any], who: str, error: type[Exception], code: str
) -> None:
    audits = AuditEvent.objects.count()

    with pytest.raises(error) as caught:
        run(hotel, who)

    assert caught.value.code == code  # type: ignore[attr-defined]
    assert MajorDetermination.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_a_street_office_may_run_and_confirm(hotel: dict[str, Any]) -> None:
    made = run(hotel, "street")
    confirm(hotel, made, who="street")

    assert MajorDetermination.objects.get().final


def test_a_new_edition_loaded_from_json_judges_and_is_named(
    hotel: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    data = {**GB35181_2017_DATA, "edition": "2025", "version": 1, "source": "test copy"}
    data["thresholds"] = [
        {**t, "min_elements": 4} if t["category"] == "crowded" else t for t in data["thresholds"]
    ]
    path = tmp_path / "gb35181_2025.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    old = run(hotel)
    settings.FIREGRID_MAJOR_RULES_FILE = str(path)

    new = run(hotel)

    assert (old.rule_set, old.is_major) == ("GB 35181-2017 v1", True)
    assert (new.rule_set, new.is_major, new.threshold) == ("GB 35181-2025 v1", False, 4)
    old.refresh_from_db()
    assert old.rule_set == "GB 35181-2017 v1"  # the old row keeps naming what decided it


# ------------------------------------------------------------------ set_severity step


def test_set_severity_raises_and_lowering_needs_a_note(hotel: dict[str, Any]) -> None:
    hazard = hotel["hazards"]["lane"]

    larger = step(hotel, "community", hazard, "set_severity", severity="larger")
    with pytest.raises(ValidationFailed) as same:
        step(hotel, "community", hazard, "set_severity", severity="larger")
    with pytest.raises(ValidationFailed) as no_note:
        step(hotel, "community", hazard, "set_severity", severity="general")
    with pytest.raises(ValidationFailed) as bad:
        step(hotel, "community", hazard, "set_severity", severity="huge")
    with pytest.raises(PermissionDenied):
        step(hotel, "worker", hazard, "set_severity", severity="major")
    lowered = step(hotel, "community", hazard, "set_severity", severity="general", note="复核")

    assert (larger.severity, larger.state, lowered.severity) == ("larger", "reported", "general")
    assert (same.value.code, no_note.value.code, bad.value.code) == (
        "hazard_same_severity",
        "hazard_note_required",
        "hazard_bad_severity",
    )
    events = HazardEvent.objects.filter(hazard=hazard, action="set_severity").order_by("id")
    assert [e.data["severity"] for e in events] == [["general", "larger"], ["larger", "general"]]
    assert [e.note for e in events] == ["", "复核"]
    assert not Notification.objects.filter(kind="hazard.major").exists()


def test_set_severity_major_routes_the_hazard_to_the_street_and_fire_agency(
    hotel: dict[str, Any],
) -> None:
    hazard = hotel["hazards"]["lane"]

    major = step(hotel, "community", hazard, "set_severity", severity="major")

    assert (major.severity, major.owner_grid.code) == ("major", STREET)  # type: ignore[union-attr]
    event = HazardEvent.objects.get(action="set_severity")
    assert event.data["level"] == [LEAF, STREET]
    assert (event.data["fire_agency_notified"], event.data["street_notified"]) == (True, 1)
    recipients = Notification.objects.filter(kind="hazard.major").values_list(
        "recipient_id", flat=True
    )
    assert sorted(recipients) == sorted(
        [hotel["users"]["street"].person.pk, hotel["users"]["fire"].person.pk]
    )
    audit = AuditEvent.objects.get(action="hazard.set_severity")
    assert audit.data["severity"] == ["general", "major"]
    assert audit.data["fire_agency_notified"] is True


def test_a_major_hazard_above_the_street_stays_where_it_is(hotel: dict[str, Any]) -> None:
    hazard = hotel["hazards"]["lane"]
    county = Grid.objects.get(code="410185")
    Hazard.objects.filter(pk=hazard.pk).update(owner_grid=county)
    admin = type(hotel["users"]["street"]).objects.create_superuser("boss", password="x-1-y-2-z")
    hotel["users"]["admin"] = admin

    major = step(hotel, "admin", hazard, "set_severity", severity="major")

    assert major.owner_grid == county
    assert "level" not in HazardEvent.objects.get(action="set_severity").data


# ------------------------------------------------------------------ API and pages


def client_of(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@time_machine.travel(at(D(2026, 9, 23)), tick=False)
def test_api_runs_lists_shows_and_confirms(
    hotel: dict[str, Any], django_assert_num_queries: Any
) -> None:
    office, outsider = client_of(hotel["users"]["community"]), client_of(hotel["users"]["worker2"])
    place = hotel["place"]

    created = office.post(
        f"/api/v1/places/{place.pk}/major-determinations", {}, content_type="application/json"
    )
    hidden = outsider.get(f"/api/v1/places/{place.pk}/major-determinations")
    with django_assert_num_queries(6):  # session, user, scope, place, COUNT, page
        listed = office.get(f"/api/v1/places/{place.pk}/major-determinations")
    pk = created.json()["id"]
    few = office.post(
        f"/api/v1/major-determinations/{pk}/confirm",
        {"confirmers": PEOPLE[:2]},
        content_type="application/json",
    )
    done = office.post(
        f"/api/v1/major-determinations/{pk}/confirm",
        {"confirmers": PEOPLE, "note": "一致认定"},
        content_type="application/json",
    )
    again = office.post(
        f"/api/v1/major-determinations/{pk}/confirm",
        {"confirmers": PEOPLE},
        content_type="application/json",
    )
    shown = office.get(f"/api/v1/major-determinations/{pk}")
    not_shown = outsider.get(f"/api/v1/major-determinations/{pk}")

    assert created.status_code == 201
    body = created.json()
    assert (body["is_major"], body["reason"], body["rule_set"], body["final"]) == (
        True,
        "comprehensive",
        "GB 35181-2017 v1",
        False,
    )
    assert [m["code"] for m in body["matched"]] == [LANE, DOORS, SIGNS]
    assert body["threshold_verified"] is True
    assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "place_not_found")
    assert [row["id"] for row in listed.json()["items"]] == [pk]
    assert (few.status_code, few.json()["error"]["code"]) == (422, "major_too_few_confirmers")
    assert done.status_code == 200
    assert (done.json()["final"], done.json()["confirmers"]) == (True, PEOPLE)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "major_already_final")
    assert shown.json()["confirmation_note"] == "一致认定"
    assert not_shown.status_code == 404


@time_machine.travel(at(D(2026, 9, 23)), tick=False)
def test_pages_run_show_and_confirm(hotel: dict[str, Any]) -> None:
    office = client_of(hotel["users"]["community"])
    worker = client_of(hotel["users"]["worker"])
    place = hotel["place"]

    page = office.get(f"/hazards/places/{place.pk}/major/")
    worker_page = worker.get(f"/hazards/places/{place.pk}/major/")
    ran = office.post(f"/hazards/places/{place.pk}/major/")
    made = MajorDetermination.objects.get()
    detail = office.get(f"/hazards/major/{made.pk}/")
    rows = {"name_0": "张主任", "post_0": "副主任", "name_1": "李科长", "post_1": "站长"}
    too_few = office.post(f"/hazards/major/{made.pk}/", rows)
    done = office.post(
        f"/hazards/major/{made.pk}/", {**rows, "name_2": "王网格长", "post_2": "网格长"}
    )
    final = office.get(f"/hazards/major/{made.pk}/")

    assert page.status_code == 200
    assert "Run determination" in page.content.decode()
    assert "Run determination" not in worker_page.content.decode()
    assert ran.status_code == 302 and ran["Location"] == f"/hazards/major/{made.pk}/"
    text = detail.content.decode()
    assert "GB 35181-2017 v1" in text and LANE in text and 'name="name_6"' in text
    assert "unverified" not in text  # the crowded threshold and these elements are verified
    assert too_few.status_code == 422
    assert "at least 3 different people" in too_few.content.decode()
    assert done.status_code == 302
    assert "王网格长" in final.content.decode() and 'name="name_0"' not in final.content.decode()
    assert MajorDetermination.objects.get().final


@time_machine.travel(at(D(2026, 9, 23)), tick=False)
def test_detail_page_marks_unverified_thresholds_and_elements(
    world: dict[str, Any], make_user: Any
) -> None:
    shop = world["shop"]  # a small shop: not crowded, judged under the unverified ≥ 6 threshold
    hazard = world["hazard"]
    Hazard.objects.filter(pk=hazard.pk).update(major_element_code="2017-comp-exits")
    made = determination_run(actor=world["users"]["community"], place_id=shop.pk)
    office = client_of(world["users"]["community"])

    text = office.get(f"/hazards/major/{made.pk}/").content.decode()
    other = client_of(make_user("community_office", world["grids"]["410185002001"]))

    assert (made.place_category, made.threshold, made.is_major) == ("other", 6, False)
    assert "unverified threshold" in text and "unverified wording" in text
    assert other.get(f"/hazards/major/{made.pk}/").status_code == 404
