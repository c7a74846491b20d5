"""Notice numbers (文号) are gap-free and never reused, even when notices are issued at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from firegrid.hazards.models import Hazard, NoticeSeries, RectificationNotice
from firegrid.hazards.services import StepIn, hazard_report, hazard_step, lifecycle

from .conftest import D, at

THREADS = 8


def confirmed_hazards(world: dict[str, Any], count: int) -> list[Hazard]:
    """`count` confirmed hazards at the shop (the world's one and more), all the community's."""
    office = world["users"]["community"]
    with time_machine.travel(at(D(2026, 9, 21)), tick=False):
        hazards = [world["hazard"]]
        for index in range(1, count):
            hazards.append(
                hazard_report(
                    actor=world["users"]["worker"],
                    category_code="exits_blocked",
                    source="inspection",
                    description=f"杂物 {index}",
                    found_at=timezone.now(),
                    place=world["shop"],
                )  # fmt: skip
            )
        for hazard in hazards:
            hazard_step(actor=office, hazard_id=hazard.pk, data=StepIn("confirm"))
    return hazards


def issue(world: dict[str, Any], hazard: Hazard) -> Hazard:
    return hazard_step(
        actor=world["users"]["community"],
        hazard_id=hazard.pk,
        data=StepIn("issue_notice", deadline=D(2026, 9, 30)),
    )


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite serialises every writer. Not a missing-service skip: this runs in the "
    "PostgreSQL pass of `make test`, which scripts/check_postgres.py makes fail loudly when the "
    "server is absent (and the root conftest refuses a PostgreSQL URL that fell back)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notices_issued_at_once_get_consecutive_unique_numbers(world: dict[str, Any]) -> None:
    hazards = confirmed_hazards(world, THREADS)
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run(hazard: Hazard) -> None:
        try:
            barrier.wait(timeout=30)
            issue(world, hazard)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(at(D(2026, 9, 21), 10), tick=False):
        threads = [threading.Thread(target=run, args=(hazard,)) for hazard in hazards]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert errors == []
    notices = RectificationNotice.objects.order_by("sequence")
    assert sorted(notices.values_list("hazard_id", flat=True)) == sorted(h.pk for h in hazards)
    assert list(notices.values_list("sequence", flat=True)) == list(range(1, THREADS + 1))
    assert list(notices.values_list("number", flat=True)) == [
        f"社区1-1消整〔2026〕第{n:04d}号" for n in range(1, THREADS + 1)
    ]
    series = NoticeSeries.objects.get()
    assert (series.year, series.last_number) == (2026, THREADS)
    assert set(Hazard.objects.values_list("state", flat=True)) == {"notice_issued"}


def test_an_issue_rolled_back_after_drawing_its_number_gives_the_number_back(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = confirmed_hazards(world, 2)
    announce = lifecycle.hazard_announce

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("the step failed after its notice was numbered")

    with time_machine.travel(at(D(2026, 9, 21), 10), tick=False):
        issue(world, first)
        monkeypatch.setattr(lifecycle, "hazard_announce", fail)
        with pytest.raises(RuntimeError):
            issue(world, second)
        failed_state = Hazard.objects.get(pk=second.pk).state
        after_failure = NoticeSeries.objects.get().last_number
        monkeypatch.setattr(lifecycle, "hazard_announce", announce)
        issue(world, second)

    assert (failed_state, after_failure) == ("confirmed", 1)
    assert list(
        RectificationNotice.objects.order_by("sequence").values_list("hazard_id", "sequence")
    ) == [(first.pk, 1), (second.pk, 2)]
    assert NoticeSeries.objects.get().last_number == 2


def test_a_first_issue_rolled_back_leaves_no_series_behind(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    (hazard,) = confirmed_hazards(world, 1)

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("the step failed after its notice was numbered")

    monkeypatch.setattr(lifecycle, "hazard_announce", fail)
    with time_machine.travel(at(D(2026, 9, 21), 10), tick=False), pytest.raises(RuntimeError):
        issue(world, hazard)

    assert not NoticeSeries.objects.exists()
    assert not RectificationNotice.objects.exists()
