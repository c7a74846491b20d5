"""A decompression-bomb photo (20000 × 20000 PNG of ~200 KB) sent by a citizen, on the public
page and through Open311 `media`: a clear refusal in the caller's format, nothing stored."""

from __future__ import annotations

from typing import Any

from django.test import Client

from firegrid.core.tests.images import bomb_png
from firegrid.reports.models import Report, ReportEvent, ReportPhoto
from firegrid.reports.tests.test_open311_conformance import (  # noqa: F401 - fixtures
    BASE,
    api_key,
    catalogue,
    charging_post,
    errors,
)
from firegrid.reports.tests.test_pages_public import _post

TOO_MANY = (
    "Photo 1 has too many pixels; at most 40.0 million pixels are accepted. Send a smaller photo."
)


def test_a_bomb_photo_on_the_report_page_is_a_form_error(report_world: Any) -> None:
    response = _post(Client(), report_world, photos=[bomb_png()])

    html = response.content.decode()
    assert response.status_code == 422
    assert TOO_MANY in html
    assert html.index(TOO_MANY) > html.index('id="id_photos"')  # on the photo field
    assert (Report.objects.count(), ReportPhoto.objects.count(), ReportEvent.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_bomb_photo_as_open311_media_is_a_400_error_array(client: Client, api_key: str) -> None:  # noqa: F811
    data: dict[str, Any] = charging_post(api_key)
    data["media"] = bomb_png()

    descriptions = errors(
        client.post(f"{BASE}/requests.json", data, HTTP_ACCEPT_LANGUAGE="en"), "json", 400
    )

    assert descriptions == [f"media: {TOO_MANY}"]
    assert (Report.objects.count(), ReportPhoto.objects.count()) == (0, 0)
