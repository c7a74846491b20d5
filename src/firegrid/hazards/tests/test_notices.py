"""Rectification notices (整改通知书): the receipt (签收), the file pages and the API."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from firegrid.core.errors import Conflict, NotFound, ValidationFailed
from firegrid.core.models import AuditEvent
from firegrid.hazards import notice_docs
from firegrid.hazards.models import Hazard, HazardEvent, RectificationNotice
from firegrid.hazards.services import StepIn, hazard_step
from firegrid.hazards.services.notices import notice_receipt_record

from .conftest import D, at, photo

OTHER_LEAF = "410185001001002"  # the sibling grid of the hazard's
NUMBER = "社区1-1消整〔2026〕第0001号"


def issue(world: dict[str, Any]) -> RectificationNotice:
    """On 21 September the community confirms (with a photo as found) and issues a notice due on
    30 September."""
    office, hazard_id = world["users"]["community"], world["hazard"].pk
    with time_machine.travel(at(D(2026, 9, 21)), tick=False):
        hazard_step(actor=office, hazard_id=hazard_id, data=StepIn("confirm", photos=(photo(),)))
        hazard_step(
            actor=office,
            hazard_id=hazard_id,
            data=StepIn("issue_notice", deadline=D(2026, 9, 30)),
        )
    return RectificationNotice.objects.get(hazard_id=hazard_id)


def outsider(world: dict[str, Any], make_user: Any) -> Any:
    """A full-time worker of the neighbouring grid: the hazard is outside their scope."""
    with time_machine.travel(at(D(2026, 9, 1)), tick=False):
        return make_user("fulltime_worker", world["grids"][OTHER_LEAF], start_on=D(2026, 1, 1))


def client_of(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def receipt(world: dict[str, Any], who: str = "worker", **kw: Any) -> RectificationNotice:
    notice = RectificationNotice.objects.get()
    with time_machine.travel(at(D(2026, 9, 22), 10), tick=False):
        return notice_receipt_record(
            actor=world["users"][who],
            notice_id=notice.pk,
            received_by_name=kw.pop("name", "王老板"),
            **kw,
        )


# The receipt service --------------------------------------------------------------------------


def test_the_receipt_is_recorded_once_on_the_timeline_without_a_state_change(
    world: dict[str, Any],
) -> None:
    notice = issue(world)
    worker = world["users"]["worker"]

    signed = receipt(world, name=" 王老板 ", note="本人签收")
    with pytest.raises(Conflict) as again:
        receipt(world, "community", name="李四")

    notice.refresh_from_db()
    assert (notice.received_by_name, notice.receipt_note, notice.receipt_recorded_by) == (
        "王老板", "本人签收", worker,
    )  # fmt: skip
    assert notice.received_at == at(D(2026, 9, 22), 10) == signed.received_at
    assert again.value.code == "notice_already_received"
    assert Hazard.objects.get().state == "notice_issued"
    events = HazardEvent.objects.filter(action="notice_receipt")
    assert list(events.values_list("from_state", "to_state", "actor", "note")) == [
        ("notice_issued", "notice_issued", worker.pk, "本人签收")
    ]
    assert events.get().data == {
        "notice": NUMBER,
        "notice_id": notice.pk,
        "received_by": "王老板",
        "received_at": at(D(2026, 9, 22), 10).isoformat(),
    }
    audit = AuditEvent.objects.filter(action="hazard.notice_receipt")
    assert list(audit.values_list("actor_id", "object_id")) == [(worker.pk, str(notice.hazard_id))]
    assert audit.get().data["received_by"] == "王老板"


def test_the_manager_of_the_responsible_level_may_record_the_receipt(world: dict[str, Any]) -> None:
    issue(world)

    signed = receipt(world, "community", received_at=at(D(2026, 9, 21), 15))

    assert (signed.received_at, signed.receipt_recorded_by) == (
        at(D(2026, 9, 21), 15), world["users"]["community"],
    )  # fmt: skip


def test_a_receipt_outside_the_scope_is_not_found_and_changes_nothing(
    world: dict[str, Any], make_user: Any
) -> None:
    notice = issue(world)
    stranger = outsider(world, make_user)

    with pytest.raises(NotFound) as caught:
        notice_receipt_record(actor=stranger, notice_id=notice.pk, received_by_name="王老板")

    notice.refresh_from_db()
    assert caught.value.code == "notice_not_found"
    assert (notice.received_at, notice.received_by_name) == (None, "")
    assert not HazardEvent.objects.filter(action="notice_receipt").exists()
    assert not AuditEvent.objects.filter(action="hazard.notice_receipt").exists()


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"name": "  "}, "notice_receipt_name_required"),
        ({"name": "王" * 51}, "notice_receipt_name_too_long"),
        ({"note": "注" * 201}, "notice_receipt_note_too_long"),
        ({"received_at": at(D(2026, 9, 20))}, "notice_receipt_bad_time"),  # before the issue
        ({"received_at": at(D(2026, 9, 23))}, "notice_receipt_bad_time"),  # tomorrow
        ({"received_at": datetime.datetime(2026, 9, 22, 9)}, "notice_receipt_naive"),  # noqa: DTZ001
    ],
)
def test_bad_receipts_are_refused(world: dict[str, Any], kw: dict[str, Any], code: str) -> None:
    issue(world)

    with pytest.raises(ValidationFailed) as caught:
        receipt(world, **kw)

    assert caught.value.code == code
    assert RectificationNotice.objects.get().received_at is None
    assert not HazardEvent.objects.filter(action="notice_receipt").exists()


# Pages ----------------------------------------------------------------------------------------


def test_the_notice_files_download_under_their_number(world: dict[str, Any]) -> None:
    notice = issue(world)
    client = client_of(world["users"]["partner"])

    docx = client.get(reverse("hazards:notice_file", args=[notice.pk, "docx"]))
    pdf = client.get(reverse("hazards:notice_file", args=[notice.pk, "pdf"]))
    other = client.get(f"/hazards/notices/{notice.pk}.txt")

    assert (docx.status_code, docx["Content-Type"]) == (200, notice_docs.DOCX_TYPE)
    assert docx.content[:2] == b"PK"  # a zip package
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"] == (
        f"attachment; filename=\"notice-{notice.pk}.pdf\"; filename*=UTF-8''{quote(NUMBER)}.pdf"
    )
    assert other.status_code == 404


def test_notice_files_outside_the_scope_or_without_login_are_refused(
    world: dict[str, Any], make_user: Any
) -> None:
    notice = issue(world)
    url = reverse("hazards:notice_file", args=[notice.pk, "docx"])

    stranger = client_of(outsider(world, make_user)).get(url)
    anonymous = Client().get(url)
    missing = client_of(world["users"]["worker"]).get(
        reverse("hazards:notice_file", args=[notice.pk + 1, "docx"])
    )

    assert stranger.status_code == 404
    assert (anonymous.status_code, anonymous["Location"].split("?")[0]) == (302, reverse("login"))
    assert missing.status_code == 404


def test_without_a_chinese_font_the_pdf_page_names_the_package(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    notice = issue(world)
    monkeypatch.setattr(notice_docs, "cjk_font_available", lambda: False)
    client = client_of(world["users"]["worker"])

    page = client.get(reverse("hazards:notice_file", args=[notice.pk, "pdf"]))
    api = client.get(f"/api/v1/notices/{notice.pk}/pdf")
    docx = client.get(reverse("hazards:notice_file", args=[notice.pk, "docx"]))

    assert page.status_code == 503
    assert "fonts-wqy-microhei" in page.content.decode()
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "notice_font_missing"
    assert "fonts-wqy-microhei" in api.json()["error"]["message"]
    assert api.json()["error"]["details"] == {"package": "fonts-wqy-microhei"}
    assert docx.status_code == 200


def test_the_receipt_form_records_it_once_and_goes_back_to_the_hazard(
    world: dict[str, Any],
) -> None:
    notice = issue(world)
    client = client_of(world["users"]["worker"])
    url = reverse("hazards:notice_receipt", args=[notice.pk])
    back = reverse("hazards:detail", args=[notice.hazard_id])

    with time_machine.travel(at(D(2026, 9, 22), 10), tick=False):
        empty = client.post(url, {"received_by_name": ""})
        empty_notes = [str(m) for m in get_messages(empty.wsgi_request)]
        first = client.post(url, {"received_by_name": "王老板", "note": "当面签收"})
        second = client.post(url, {"received_by_name": "李四"})
        second_notes = [str(m) for m in get_messages(second.wsgi_request)]
        got = client.get(url)

    notice.refresh_from_db()
    assert (empty.status_code, empty["Location"]) == (302, back)
    assert empty_notes == ["This field is required."]
    assert (first.status_code, first["Location"]) == (302, back)
    assert (second.status_code, second["Location"]) == (302, back)
    assert second_notes[-1].startswith("The notice was signed for already (by 王老板")
    assert got.status_code == 405
    assert (notice.received_by_name, notice.receipt_note) == ("王老板", "当面签收")
    assert HazardEvent.objects.filter(action="notice_receipt").count() == 1


def test_the_receipt_form_outside_the_scope_is_not_found(
    world: dict[str, Any], make_user: Any
) -> None:
    notice = issue(world)
    client = client_of(outsider(world, make_user))

    answer = client.post(
        reverse("hazards:notice_receipt", args=[notice.pk]), {"received_by_name": "王老板"}
    )

    assert answer.status_code == 404
    notice.refresh_from_db()
    assert notice.received_at is None


# API ------------------------------------------------------------------------------------------


def test_the_api_lists_reads_and_records_the_receipt(world: dict[str, Any]) -> None:
    notice = issue(world)
    client = client_of(world["users"]["worker"])
    hazard_id = notice.hazard_id

    listed = client.get(f"/api/v1/hazards/{hazard_id}/notices")
    one = client.get(f"/api/v1/notices/{notice.pk}")
    with time_machine.travel(at(D(2026, 9, 22), 10), tick=False):
        signed = client.post(
            f"/api/v1/notices/{notice.pk}/receipt",
            {"received_by_name": "王老板", "note": "手机签收"},
            content_type="application/json",
        )
        again = client.post(
            f"/api/v1/notices/{notice.pk}/receipt",
            {"received_by_name": "王老板"},
            content_type="application/json",
        )
    empty = client.post(
        f"/api/v1/notices/{notice.pk}/receipt",
        {"received_by_name": ""},
        content_type="application/json",
    )

    assert listed.status_code == 200
    assert (listed.json()["count"], [n["id"] for n in listed.json()["items"]]) == (1, [notice.pk])
    body = one.json()
    assert body["number"] == NUMBER
    assert (body["sequence"], body["deadline"]) == (1, "2026-09-30")
    assert body["place_name"] == "平安小卖部"
    assert (body["responsible_name"], body["received_at"]) == ("王老板", None)
    assert body["office"]["name"] == "社区1-1"
    assert body["issued_by"] == world["users"]["community"].get_username()
    assert body["docx_url"] == reverse("hazards:notice_file", args=[notice.pk, "docx"])
    assert signed.status_code == 200
    assert (signed.json()["received_by_name"], signed.json()["receipt_note"]) == (
        "王老板", "手机签收",
    )  # fmt: skip
    assert signed.json()["receipt_recorded_by"] == world["users"]["worker"].get_username()
    assert datetime.datetime.fromisoformat(signed.json()["received_at"]) == at(D(2026, 9, 22), 10)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "notice_already_received")
    assert (empty.status_code, empty.json()["error"]["code"]) == (409, "notice_already_received")


def test_the_api_validates_the_receipt(world: dict[str, Any]) -> None:
    notice = issue(world)
    client = client_of(world["users"]["worker"])
    url = f"/api/v1/notices/{notice.pk}/receipt"

    blank = client.post(url, {"received_by_name": " "}, content_type="application/json")
    long = client.post(url, {"received_by_name": "王" * 51}, content_type="application/json")

    assert (blank.status_code, blank.json()["error"]["code"]) == (
        422, "notice_receipt_name_required",
    )  # fmt: skip
    assert (long.status_code, long.json()["error"]["code"]) == (422, "invalid_input")
    assert RectificationNotice.objects.get().received_at is None


def test_the_api_hides_notices_outside_the_scope(world: dict[str, Any], make_user: Any) -> None:
    notice = issue(world)
    client = client_of(outsider(world, make_user))

    answers = [
        client.get(f"/api/v1/hazards/{notice.hazard_id}/notices"),
        client.get(f"/api/v1/notices/{notice.pk}"),
        client.get(f"/api/v1/notices/{notice.pk}/docx"),
        client.get(f"/api/v1/notices/{notice.pk}/pdf"),
        client.post(
            f"/api/v1/notices/{notice.pk}/receipt",
            {"received_by_name": "王老板"},
            content_type="application/json",
        ),
    ]

    assert [a.status_code for a in answers] == [404] * 5
    assert [a.json()["error"]["code"] for a in answers] == [
        "hazard_not_found", "notice_not_found", "notice_not_found", "notice_not_found",
        "notice_not_found",
    ]  # fmt: skip
    assert RectificationNotice.objects.get().received_at is None


def test_the_api_files_carry_the_number_as_their_name(world: dict[str, Any]) -> None:
    notice = issue(world)
    client = client_of(world["users"]["community"])

    docx = client.get(f"/api/v1/notices/{notice.pk}/docx")
    pdf = client.get(f"/api/v1/notices/{notice.pk}/pdf")

    assert (docx.status_code, docx["Content-Type"]) == (200, notice_docs.DOCX_TYPE)
    assert docx["Content-Disposition"].endswith(f"filename*=UTF-8''{quote(NUMBER)}.docx")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF-")


def test_the_notice_list_takes_the_same_queries_for_one_or_three_notices(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    notice = issue(world)
    client = client_of(world["users"]["worker"])
    url = f"/api/v1/hazards/{notice.hazard_id}/notices"
    client.get(url)  # warm up the session

    with django_assert_num_queries(QUERIES_FOR_THE_LIST) as one:
        client.get(url)
    for sequence in (2, 3):  # two more notices of the same hazard (a re-issue after escalation)
        RectificationNotice.objects.create(
            **{
                field.name: getattr(notice, field.name)
                for field in RectificationNotice._meta.concrete_fields
                if field.name not in ("id", "sequence", "number")
            },
            sequence=sequence,
            number=f"{NUMBER}-{sequence}",
        )
    with django_assert_num_queries(QUERIES_FOR_THE_LIST):
        three = client.get(url)

    assert len(one.captured_queries) == QUERIES_FOR_THE_LIST
    assert three.json()["count"] == 3


# session, user, scope (assignments), hazard in scope, count, page
QUERIES_FOR_THE_LIST = 6
