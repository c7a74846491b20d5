"""Export → import of the demo registry changes nothing (the ledger round trip)."""

from __future__ import annotations

import io

import shapely
from django.contrib.auth import get_user_model

from firegrid.core.models import AuditEvent
from firegrid.grids.demo.load import demo_load
from firegrid.grids.models import Grid
from firegrid.registry.ledger import ledger_export_places, ledger_import_file
from firegrid.registry.models import DuplicateCandidate, LedgerImport, Place, PlaceType
from firegrid.registry.selectors import PlaceFilters, place_list
from firegrid.registry.services import place_create, place_set_classification, place_set_grid

MIN_PLACES = 300


def _fill_registry() -> None:
    """Until the demo loader brings its own registry, add places through the real service:
    every type, numbers, phones, a manual grid and a manual classification among them."""
    leaves = [g for g in Grid.objects.filter(children__isnull=True).order_by("code")[:60]]
    types = list(PlaceType.objects.filter(active=True).values_list("code", flat=True))
    made = []
    for i in range(MIN_PLACES - Place.objects.count()):
        grid = leaves[i % len(leaves)]
        point = shapely.geometry.shape(grid.boundary).representative_point()
        made.append(
            place_create(
                actor=None,
                values={
                    "name": f"演示场所{i}",
                    "place_type": types[i % len(types)],
                    "address": f"演示路{i}号",
                    "licence_number": f"9141MA{i:06d}" if i % 3 else "",
                    "floors": i % 7 or None,
                    "floor_area_m2": 50.5 + i if i % 2 else None,
                    "rooms": i % 80,
                    "responsible_name": "李四",
                    "responsible_phone": "0371-6512345" if i % 5 == 0 else "13900001111",
                    "note": "备注 " * (i % 3),
                },
                lon=point.x + (i % 10) * 1e-5,
                lat=point.y,
                crs="wgs84",
            )
        )
    if made:
        place_set_grid(actor=None, place=made[1], grid=leaves[5], reason="门牌属于相邻网格")
        place_set_classification(
            actor=None, place=made[2], overrides={"risk_level": "high"}, reason="存放可燃物"
        )
        place_set_classification(
            actor=None, place=made[3], overrides={"is_key_unit": False}, reason="已搬迁"
        )


def test_export_then_import_of_the_demo_registry_reports_zero_changes(db):
    demo_load()
    _fill_registry()
    admin = get_user_model().objects.get(username="admin")
    places = list(place_list(admin, PlaceFilters(status="")))
    assert len(places) >= MIN_PLACES
    data = ledger_export_places(places)
    before = (
        Place.objects.count(),
        AuditEvent.objects.count(),
        DuplicateCandidate.objects.count(),
        max(Place.objects.values_list("updated_at", flat=True)),
    )

    outcome = ledger_import_file(actor=admin, kind="places", file=io.BytesIO(data))

    assert outcome.errors == []
    assert outcome.status == LedgerImport.Status.SUCCEEDED
    assert outcome.result["created"] == 0
    assert outcome.result["updated"] == 0
    assert outcome.result["unchanged"] == len(places)
    assert before == (
        Place.objects.count(),
        AuditEvent.objects.count(),
        DuplicateCandidate.objects.count(),
        max(Place.objects.values_list("updated_at", flat=True)),
    )
