"""Staff pages of citizen reports (/reports/): the triage queue, a report's page, its photo, and
the triage and moderation actions — all scoped to the viewer's grids."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from firegrid.core.models import AuditEvent
from firegrid.hazards.models import Hazard
from firegrid.reports.errors import Blocked
from firegrid.reports.models import BlockedSender, Report, ReportPhoto

from .conftest import make_jpeg

EN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_urls() -> None:
    assert reverse("reports:queue") == "/reports/"
    assert reverse("reports:detail", args=[3]) == "/reports/3/"
    assert reverse("reports:photo", args=[4]) == "/reports/photos/4/"


def test_staff_pages_need_a_login(report_world: Any, submit: Any) -> None:
    report = submit(photos=(make_jpeg(),))
    photo = report.photos.get()
    for url in ("/reports/", f"/reports/{report.pk}/", f"/reports/photos/{photo.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_queue_lists_my_open_reports_overdue_first(
    report_world: Any, submit: Any, django_assert_max_num_queries: Any
) -> None:
    now = timezone.now()
    fresh = submit(service_code="ebike")
    overdue = submit(service_code="exits_blocked", now=now - datetime.timedelta(hours=30))
    closed = submit(service_code="fire_lane")
    closed.state = Report.State.CLOSED
    closed.save(update_fields=["state"])
    elsewhere = submit(lon=report_world.other_inside[0], lat=report_world.other_inside[1])

    client = _client(report_world.parttime)
    client.get("/reports/")  # warm the session/scope caches
    with django_assert_max_num_queries(12):
        response = client.get("/reports/", **EN)
    html = response.content.decode()
    assert response.status_code == 200
    codes = [r.tracking_code for r in response.context["page"].object_list]
    assert codes == [overdue.tracking_code, fresh.tracking_code]
    assert closed.tracking_code not in html and elsewhere.tracking_code not in html
    assert "triage overdue" in html

    # Filters: overdue only; a kind; closed ones on purpose.
    response = client.get("/reports/", {"overdue": "on"})
    assert [r.pk for r in response.context["page"].object_list] == [overdue.pk]
    response = client.get("/reports/", {"service": "ebike"})
    assert [r.pk for r in response.context["page"].object_list] == [fresh.pk]
    response = client.get("/reports/", {"state": "closed"})
    assert [r.pk for r in response.context["page"].object_list] == [closed.pk]
    response = client.get("/reports/", {"state": "all"})
    assert {r.pk for r in response.context["page"].object_list} == {
        overdue.pk,
        fresh.pk,
        closed.pk,
    }


def test_queue_query_count_does_not_grow_with_reports(
    report_world: Any, submit: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        submit(service_code="ebike", device_id=f"d{n}", lon=113.01 + n * 0.002)
    client = _client(report_world.worker)
    client.get("/reports/")
    with django_assert_max_num_queries(12):
        response = client.get("/reports/")
    assert len(response.context["page"].object_list) == 25
    assert "page=2" in response.content.decode()


def test_empty_queue_says_so(report_world: Any) -> None:
    response = _client(report_world.outsider).get("/reports/", **EN)
    assert 'id="queue-empty"' in response.content.decode()
    assert "There are no open citizen reports in your grids." in response.content.decode()


def test_detail_is_scoped_and_masks_the_phone_for_a_parttime_worker(
    report_world: Any, submit: Any
) -> None:
    report = submit(contact_name="张三丰", contact_phone="13912345678")
    url = f"/reports/{report.pk}/"
    assert _client(report_world.outsider).get(url).status_code == 404

    html = _client(report_world.parttime).get(url, **EN).content.decode()
    assert "13912345678" not in html
    assert report.contact_phone_masked in html
    assert "张三丰" not in html
    assert "Masked: your role does not see reporters" in html
    assert report.description in html

    before = AuditEvent.objects.filter(action="report.contact_view").count()
    html = _client(report_world.worker).get(url, **EN).content.decode()
    assert "13912345678" in html and "张三丰" in html
    assert AuditEvent.objects.filter(action="report.contact_view").count() == before + 1


def test_photo_is_served_only_within_scope(report_world: Any, submit: Any) -> None:
    report = submit(photos=(make_jpeg(size=(80, 60)),))
    photo = report.photos.get()
    url = f"/reports/photos/{photo.pk}/"
    assert _client(report_world.outsider).get(url).status_code == 404
    response = _client(report_world.parttime).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert image.format == "JPEG"
    detail = _client(report_world.parttime).get(f"/reports/{report.pk}/").content.decode()
    assert f'src="{url}"' in detail


def test_confirm_opens_a_hazard_and_links_to_it(report_world: Any, submit: Any) -> None:
    report = submit()
    client = _client(report_world.worker)
    response = client.post(f"/reports/{report.pk}/confirm/", {"note": "已派人核查"})
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    report.refresh_from_db()
    assert report.state == Report.State.CONFIRMED
    hazard = Hazard.objects.get(pk=report.hazard_id)
    assert hazard.source == Hazard.Source.CITIZEN
    html = client.get(f"/reports/{report.pk}/", **EN).content.decode()
    assert 'id="hazard-link"' in html
    assert 'id="confirm-form"' not in html  # triaged: no second confirmation offered


def test_out_of_scope_actions_are_404_and_change_nothing(report_world: Any, submit: Any) -> None:
    report = submit(photos=(make_jpeg(),))
    client = _client(report_world.outsider)
    assert client.post(f"/reports/{report.pk}/confirm/").status_code == 404
    assert client.post(f"/reports/{report.pk}/close/", {"reason": "not_hazard"}).status_code == 404
    assert client.post(f"/reports/{report.pk}/hide/", {"reason": "x"}).status_code == 404
    photo = report.photos.get()
    box = {"x0": 0, "y0": 0, "x1": 50, "y1": 50}
    assert client.post(f"/reports/photos/{photo.pk}/redact/", box).status_code == 404
    report.refresh_from_db()
    photo.refresh_from_db()
    assert (report.state, report.hidden, photo.redacted) == (Report.State.NEW, False, False)
    assert Hazard.objects.count() == 0


def test_close_with_reason_referral_and_duplicate(report_world: Any, submit: Any) -> None:
    client = _client(report_world.worker)
    first = submit(service_code="ebike")
    second = submit(service_code="ebike", device_id="other")

    # Outside our remit needs a referral: refused with the message, nothing changes.
    response = client.post(
        f"/reports/{first.pk}/close/", {"reason": "outside_remit"}, follow=True, **EN
    )
    assert "Say where the report was referred to." in response.content.decode()
    first.refresh_from_db()
    assert first.state == Report.State.NEW

    client.post(
        f"/reports/{first.pk}/close/",
        {"reason": "outside_remit", "referral": "市场监管所", "note": "已转交"},
    )
    first.refresh_from_db()
    assert (first.state, first.close_reason, first.referral) == (
        Report.State.CLOSED,
        Report.CloseReason.OUTSIDE_REMIT,
        "市场监管所",
    )

    third = submit(service_code="ebike", device_id="third")
    response = client.post(
        f"/reports/{third.pk}/close/",
        {"reason": "duplicate", "duplicate_of": second.tracking_code.lower()},
    )
    third.refresh_from_db()
    assert (third.state, third.duplicate_of_id) == (Report.State.CLOSED, second.pk)

    response = client.post(
        f"/reports/{second.pk}/close/",
        {"reason": "duplicate", "duplicate_of": "NOSUCH99"},
        follow=True,
        **EN,
    )
    assert "There is no report with the tracking code NOSUCH99." in response.content.decode()
    second.refresh_from_db()
    assert second.state == Report.State.NEW


def test_hide_needs_a_managing_role(report_world: Any, submit: Any) -> None:
    report = submit()
    response = _client(report_world.parttime).post(
        f"/reports/{report.pk}/hide/", {"reason": "辱骂"}, follow=True, **EN
    )
    assert "Only the managing office may moderate reports." in response.content.decode()
    report.refresh_from_db()
    assert report.hidden is False

    _client(report_world.office).post(f"/reports/{report.pk}/hide/", {"reason": "辱骂"})
    report.refresh_from_db()
    assert (report.hidden, report.hidden_reason) == (True, "辱骂")
    html = _client(report_world.office).get(f"/reports/{report.pk}/", **EN).content.decode()
    assert 'id="hidden-note"' in html
    queue = _client(report_world.office).get("/reports/")
    assert report.pk not in [r.pk for r in queue.context["page"].object_list]


@pytest.mark.parametrize(
    ("box", "ok"),
    [
        ({"x0": 0, "y0": 0, "x1": 50, "y1": 50}, True),
        ({"x0": 60, "y0": 0, "x1": 50, "y1": 50}, False),
    ],
)
def test_redact_blacks_out_a_region_in_percent(
    report_world: Any, submit: Any, box: dict[str, int], ok: bool
) -> None:
    report = submit(photos=(make_jpeg(size=(100, 80), color="white"),))
    photo = report.photos.get()
    response = _client(report_world.office).post(f"/reports/photos/{photo.pk}/redact/", box)
    assert response.status_code == 302
    photo = ReportPhoto.objects.get(pk=photo.pk)
    assert photo.redacted is ok
    with photo.image.open("rb") as handle:
        image = Image.open(handle).convert("RGB")
        corner: Any = image.getpixel((10, 10))
    if ok:
        assert max(corner) < 40  # blacked out
    else:
        assert min(corner) > 200  # untouched


def test_queue_and_detail_on_english(report_world: Any, submit: Any) -> None:
    report = submit(attributes={"where": "stairs"})
    html = _client(report_world.worker).get(f"/reports/{report.pk}/", **EN).content.decode()
    assert "Escape route or exit blocked" in html
    assert "<dt>Where is it blocked?</dt><dd>Escape stairs</dd>" in html
    assert "Report received" in html  # the timeline in words
    assert "It is a fire hazard" in html and "Close the report" in html


def test_blocking_the_sender_refuses_their_next_report(report_world: Any, submit: Any) -> None:
    report = submit(device_id="device-abc", ip="203.0.113.9")
    refused = _client(report_world.parttime).post(
        f"/reports/{report.pk}/block/", {"reason": "恶意"}, follow=True, **EN
    )
    assert "Only the managing office may moderate reports." in refused.content.decode()
    assert not BlockedSender.objects.exists()

    done = _client(report_world.office).post(
        f"/reports/{report.pk}/block/", {"reason": "恶意举报", "days": 30}, follow=True, **EN
    )

    assert "The sender is blocked" in done.content.decode()
    kinds = set(BlockedSender.objects.values_list("kind", flat=True))
    assert kinds == {"ip", "device"}
    until = BlockedSender.objects.values_list("until", flat=True).first()
    assert until is not None and until > timezone.now() + datetime.timedelta(days=29)
    with pytest.raises(Blocked):
        submit(device_id="device-abc")
