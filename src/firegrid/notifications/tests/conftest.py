from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.utils import translation

LEAF = "410185001001001"
OTHER_LEAF = "410185002001001"
NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def frozen() -> Iterator[datetime.datetime]:
    """The clock stopped at NOON; yields that moment."""
    with time_machine.travel(NOON, tick=False):
        yield NOON


@pytest.fixture
def people(small_jurisdiction: Any, make_user: Any, settings: Any) -> dict[str, Any]:
    """Two workers with logins in different grids and one responsible person without a login."""
    from firegrid.people.models import Person

    settings.FIREGRID_NOTIFY_CHANNELS = []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alice = make_user("fulltime_worker", small_jurisdiction[LEAF], username="alice")
    bob = make_user("fulltime_worker", small_jurisdiction[OTHER_LEAF], username="bob")
    carol = Person.objects.create(name="carol", home_grid=small_jurisdiction[LEAF])
    return {"alice": alice, "bob": bob, "carol": carol}
