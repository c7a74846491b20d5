"""Buildings (楼栋) and fire resources (消防资源) ledgers: dates, checks, round trip."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from firegrid.core.audit import audit_verify
from firegrid.core.models import AuditEvent
from firegrid.registry.ledger import (
    BUILDINGS,
    FIRE_RESOURCES,
    ledger_export,
    ledger_import_file,
    ledger_template,
)
from firegrid.registry.models import Building, FireResource, LedgerImport

COUNTY = "410185"
GRID_A = "410185001001001"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def xlsx(spec: Any, rows: list[dict[str, Any]]) -> io.BytesIO:
    columns = [col for col in spec.columns if not col.read_only]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([col.title for col in columns])
    for row in rows:
        sheet.append([row.get(col.field) for col in columns])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def hydrant(i: int, **changes: Any) -> dict[str, Any]:
    return {
        "name": f"消火栓{i}",
        "kind": "消火栓",
        "address": f"测试路{i}号",
        "lon": 113.05 + i * 0.001,
        "lat": 34.45,
        "crs": "WGS84",
        "status": "可用",
        "last_checked_on": "2026-03-01",
        "keeper_name": "赵六",
        "keeper_phone": "１３９ ００００ １１１１",
        **changes,
    }


def test_fire_resources_accept_the_documented_date_formats(small_jurisdiction, make_user):
    office = make_user("county_office", small_jurisdiction[COUNTY])
    rows = [
        hydrant(1, last_checked_on="2026-03-01"),
        hydrant(2, last_checked_on="2026/3/1"),
        hydrant(3, last_checked_on="2026年3月1日"),
        hydrant(4, last_checked_on=datetime.date(2026, 3, 1)),  # an Excel date cell
        hydrant(5, last_checked_on=None, status="维修中"),
    ]
    outcome = ledger_import_file(
        actor=office, kind="fire_resources", file=xlsx(FIRE_RESOURCES, rows)
    )
    assert outcome.errors == []
    assert outcome.result["created"] == 5
    dates = list(FireResource.objects.order_by("name").values_list("last_checked_on", flat=True))
    assert dates == [datetime.date(2026, 3, 1)] * 4 + [None]
    resource = FireResource.objects.get(name="消火栓1")
    assert (resource.kind, resource.keeper_phone, resource.grid.code) == (
        "hydrant",
        "13900001111",
        GRID_A,
    )
    assert FireResource.objects.get(name="消火栓5").status == "repair"
    assert AuditEvent.objects.filter(action="fireresource.create").count() == 5
    assert audit_verify().ok


def test_odd_dates_and_unknown_kinds_are_rejected_row_by_row(small_jurisdiction, make_user):
    office = make_user("county_office", small_jurisdiction[COUNTY])
    rows = [
        hydrant(1),
        hydrant(2, last_checked_on="3/1/2026"),
        hydrant(3, kind="水枪"),
        hydrant(4, last_checked_on="2026-02-30"),
    ]
    outcome = ledger_import_file(
        actor=office, kind="fire_resources", file=xlsx(FIRE_RESOURCES, rows)
    )
    assert outcome.status == LedgerImport.Status.REJECTED
    assert [(e["row"], e["column"], e["reason"]) for e in outcome.errors] == [
        (3, "最近检查日期", "Not a date: write it as 2026-03-01, 2026/3/1 or 2026年3月1日."),
        (4, "类型", "Not one of: 消火栓、天然水源、消防室、微型消防站、义务消防队、小型消防车."),
        (5, "最近检查日期", "There is no such day."),
    ]
    assert FireResource.objects.count() == 0


def test_fire_resources_and_buildings_round_trip_unchanged(small_jurisdiction, make_user):
    office = make_user("county_office", small_jurisdiction[COUNTY])
    ledger_import_file(
        actor=office,
        kind="fire_resources",
        file=xlsx(FIRE_RESOURCES, [hydrant(i) for i in range(5)]),
    )
    buildings = [
        {
            "name": f"{i}号楼",
            "lon": 113.15,
            "lat": 34.45 + i * 0.001,
            "crs": "WGS84",
            "category": "高层住宅",
            "floors": 18,
            "structure": "钢筋混凝土",
            "year_built": 2010,
        }
        for i in range(4)
    ]
    outcome = ledger_import_file(actor=office, kind="buildings", file=xlsx(BUILDINGS, buildings))
    assert outcome.result["created"] == 4
    assert Building.objects.filter(category="high_rise", floors=18).count() == 4
    events = AuditEvent.objects.count()
    for kind, count in (("fire_resources", 5), ("buildings", 4)):
        data = ledger_export(office, kind, {})
        again = ledger_import_file(actor=office, kind=kind, file=io.BytesIO(data))
        assert again.errors == []
        assert (again.result["created"], again.result["updated"], again.result["unchanged"]) == (
            0,
            0,
            count,
        )
    assert AuditEvent.objects.count() == events


def test_changed_resource_status_is_updated_with_history(small_jurisdiction, make_user):
    office = make_user("county_office", small_jurisdiction[COUNTY])
    ledger_import_file(actor=office, kind="fire_resources", file=xlsx(FIRE_RESOURCES, [hydrant(1)]))
    resource = FireResource.objects.get()
    row = hydrant(1, id=resource.pk, status="损坏", last_checked_on="2026/4/2")
    outcome = ledger_import_file(
        actor=office, kind="fire_resources", file=xlsx(FIRE_RESOURCES, [row])
    )
    assert outcome.result["updated"] == 1
    resource.refresh_from_db()
    assert (resource.status, resource.last_checked_on) == ("broken", datetime.date(2026, 4, 2))
    event = AuditEvent.objects.get(action="fireresource.update")
    assert event.data["changes"] == {
        "status": ["usable", "broken"],
        "last_checked_on": ["2026-03-01", "2026-04-02"],
    }


def test_templates_of_every_kind_have_their_headers():
    for spec, first in ((BUILDINGS, "楼栋名称*"), (FIRE_RESOURCES, "名称*")):
        book = openpyxl.load_workbook(io.BytesIO(ledger_template(spec.kind)))
        assert [c.value for c in book[spec.sheet][1]] == [col.title for col in spec.columns]
        assert [c.value for c in book[spec.sheet][1]][1] == first
        assert len(book[spec.sheet].data_validations.dataValidation) == len(
            [col for col in spec.columns if col.has_list and not col.read_only]
        )
