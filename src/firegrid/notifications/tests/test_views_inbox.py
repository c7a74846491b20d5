"""The inbox page and the nav badge: only the viewer's own notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from firegrid.notifications.models import Notification
from firegrid.notifications.services import notify


@pytest.fixture
def inbox(people: dict[str, Any], frozen: Any) -> dict[str, Notification]:
    def one(who: str, subject: str, link: str = "") -> Notification:
        person = people[who].person
        return notify(recipients=[person], kind="hazard.reminder", subject=subject, link=link)[0]

    return {
        "old": one("alice", "整改期限将至 old", "/inspections/"),
        "new": one("alice", "隐患已升级 new", "/registry/"),
        "bobs": one("bob", "bob only"),
    }


def test_inbox_lists_the_viewers_notifications_newest_first_with_unread_marked(
    client: Any,
    people: dict[str, Any],
    inbox: dict[str, Notification],
    django_assert_num_queries: Any,
) -> None:
    Notification.objects.filter(pk=inbox["old"].pk).update(read_at=inbox["old"].created_at)
    client.force_login(people["alice"])

    with django_assert_num_queries(5):  # session, user, COUNT, page, unread count
        response = client.get("/notifications/")

    assert response.status_code == 200
    assert [n.subject for n in response.context["notifications"]] == [
        "隐患已升级 new",
        "整改期限将至 old",
    ]
    assert response.context["unread_count"] == 1
    html = response.content.decode()
    assert "bob only" not in html
    assert html.count('class="card notification unread"') == 1
    assert f'action="/notifications/{inbox["new"].pk}/open/"' in html


def test_unread_filter(client: Any, people: dict[str, Any], inbox: dict[str, Notification]) -> None:
    Notification.objects.filter(pk=inbox["old"].pk).update(read_at=inbox["old"].created_at)
    client.force_login(people["alice"])
    response = client.get("/notifications/?unread=1")
    assert [n.subject for n in response.context["notifications"]] == ["隐患已升级 new"]


def test_opening_marks_read_and_follows_the_link(
    client: Any, people: dict[str, Any], inbox: dict[str, Notification], frozen: Any
) -> None:
    client.force_login(people["alice"])
    response = client.post(f"/notifications/{inbox['new'].pk}/open/")
    assert (response.status_code, response["Location"]) == (302, "/registry/")
    inbox["new"].refresh_from_db()
    assert inbox["new"].read_at == frozen


def test_another_persons_notification_is_404_and_stays_unread(
    client: Any, people: dict[str, Any], inbox: dict[str, Notification]
) -> None:
    client.force_login(people["alice"])
    response = client.post(f"/notifications/{inbox['bobs'].pk}/open/")
    assert response.status_code == 404
    inbox["bobs"].refresh_from_db()
    assert inbox["bobs"].read_at is None


def test_mark_all_read_marks_only_the_viewers(
    client: Any, people: dict[str, Any], inbox: dict[str, Notification]
) -> None:
    client.force_login(people["alice"])
    response = client.post("/notifications/read-all/")
    assert (response.status_code, response["Location"]) == (302, "/notifications/")
    unread = Notification.objects.filter(read_at__isnull=True)
    assert [n.subject for n in unread] == ["bob only"]


def test_the_inbox_needs_a_login(client: Any, db: Any) -> None:
    response = client.get("/notifications/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/notifications/")


def test_unread_tag_counts_the_viewers_unread(
    people: dict[str, Any], inbox: dict[str, Notification]
) -> None:
    template = Template("{% load notifications %}{% unread_notifications as n %}[{{ n }}]")
    request = RequestFactory().get("/")
    request.user = people["alice"]
    assert template.render(Context({"request": request})) == "[2]"
    request.user = people["bob"]
    assert template.render(Context({"request": request})) == "[1]"


def test_nav_badge_fragment_shows_the_unread_count(
    client: Any, people: dict[str, Any], inbox: dict[str, Notification]
) -> None:
    client.force_login(people["bob"])
    response = client.get("/notifications/badge/", headers={"accept-language": "en"})
    assert response.content.decode().strip() == (
        '<span class="badge nav-unread" title="Unread notifications">1</span>'
    )
    Notification.objects.update(read_at=inbox["bobs"].created_at)
    assert (
        ' hidden title="Unread notifications">0</span>'
        in client.get("/notifications/badge/", headers={"accept-language": "en"}).content.decode()
    )
