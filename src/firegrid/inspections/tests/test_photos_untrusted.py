"""A decompression-bomb photo in an inspection is refused from its header: 422, nothing saved."""

from __future__ import annotations

from typing import Any

from firegrid.core.tests.images import bomb_png
from firegrid.inspections.tests.test_api_inspections import (  # noqa: F401 - fixtures
    _clock,
    counts,
    login,
    media_files,
    payload,
    submit,
    world,
)


def test_a_bomb_photo_in_an_inspection_is_422_and_nothing_is_saved(
    world: dict[str, Any],  # noqa: F811
) -> None:
    client = login(world["worker"])

    response = submit(
        client,
        payload(world),
        photos=[bomb_png()],
        photo_items=["ebike_indoor"],
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "photo_too_large",
        "message": "Photo 1 has too many pixels; at most 40.0 million pixels are accepted. "
        "Send a smaller photo.",
        "details": None,
    }
    assert counts() == (0, 0, 0, 0)
    assert media_files() == []
