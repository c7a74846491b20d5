"""/api/v1/notifications: list with the unread filter, mark read, mark all read."""

from __future__ import annotations

from typing import Any

import pytest

from firegrid.notifications.models import Notification
from firegrid.notifications.services import notify


@pytest.fixture
def rows(people: dict[str, Any], frozen: Any) -> dict[str, Notification]:
    def one(who: str, subject: str) -> Notification:
        return notify(
            recipients=[people[who].person],
            kind="hazard.escalated",
            subject=subject,
            link="/hazards/7/",
            target=people["carol"],
        )[0]

    return {"a1": one("alice", "a1"), "a2": one("alice", "a2"), "b1": one("bob", "b1")}


def test_list_is_the_callers_own_newest_first(
    client: Any,
    people: dict[str, Any],
    rows: dict[str, Notification],
    django_assert_num_queries: Any,
) -> None:
    client.force_login(people["alice"])
    with django_assert_num_queries(4):  # session, user, COUNT, page
        body = client.get("/api/v1/notifications").json()
    assert body["count"] == 2
    assert body["items"][0] == {
        "id": rows["a2"].pk,
        "kind": "hazard.escalated",
        "subject": "a2",
        "body": "",
        "link": "/hazards/7/",
        "object_type": "people.person",
        "object_id": str(people["carol"].pk),
        "created_at": "2026-03-10T04:00:00Z",
        "read_at": None,
        "unread": True,
    }
    assert [item["subject"] for item in body["items"]] == ["a2", "a1"]


def test_mark_read_then_filter_unread(
    client: Any, people: dict[str, Any], rows: dict[str, Notification]
) -> None:
    client.force_login(people["alice"])
    ids = [rows["a1"].pk, rows["b1"].pk]
    response = client.post(
        "/api/v1/notifications/read", {"ids": ids}, content_type="application/json"
    )
    assert response.json() == {"updated": 1}
    unread = client.get("/api/v1/notifications?unread=true").json()
    read = client.get("/api/v1/notifications?unread=false").json()
    assert [i["subject"] for i in unread["items"]] == ["a2"]
    assert [(i["subject"], i["read_at"]) for i in read["items"]] == [("a1", "2026-03-10T04:00:00Z")]
    rows["b1"].refresh_from_db()
    assert rows["b1"].read_at is None  # bob's stays unread
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}


def test_read_all(client: Any, people: dict[str, Any], rows: dict[str, Notification]) -> None:
    client.force_login(people["alice"])
    response = client.post("/api/v1/notifications/read-all")
    assert response.json() == {"updated": 2}
    assert Notification.objects.filter(read_at__isnull=True).get().subject == "b1"


def test_too_many_ids_answer_422_and_change_nothing(
    client: Any, people: dict[str, Any], rows: dict[str, Notification]
) -> None:
    client.force_login(people["alice"])
    response = client.post(
        "/api/v1/notifications/read",
        {"ids": list(range(501))},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_input")
    assert Notification.objects.filter(read_at__isnull=True).count() == 3


def test_anonymous_gets_401(client: Any, db: Any) -> None:
    response = client.get("/api/v1/notifications")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthenticated")
