"""A decompression-bomb photo on a hazard step is refused before any lock or write."""

from __future__ import annotations

from typing import Any

import time_machine

from firegrid.core.tests.images import bomb_png
from firegrid.hazards.models import Hazard, HazardEvent, HazardPhoto
from firegrid.hazards.tests.test_api_steps import client_of, post_step

from .conftest import D, at


@time_machine.travel(at(D(2026, 9, 21)), tick=False)
def test_a_bomb_photo_on_a_step_is_422_and_nothing_changes(world: dict[str, Any]) -> None:
    hazard = world["hazard"]
    office = client_of(world["users"]["community"])
    events = HazardEvent.objects.count()

    response = post_step(office, hazard, action="confirm", photos=[bomb_png()])

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "photo_too_large"
    assert response.json()["error"]["message"] == (
        "The photo has too many pixels; at most 40.0 million pixels are accepted. "
        "Send a smaller photo."
    )
    assert Hazard.objects.get(pk=hazard.pk).state == hazard.state
    assert (HazardEvent.objects.count(), HazardPhoto.objects.count()) == (events, 0)
