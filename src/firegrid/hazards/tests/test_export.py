"""CSV and XLSX exports of the hazard list: the filters of the list, Chinese headers, a BOM
for Excel, formula-looking text defused, the scope kept (pages and API)."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import time_machine
from django.test import Client

from firegrid.hazards.models import Hazard
from firegrid.hazards.selectors import EXPORT_HEADER
from firegrid.hazards.services import hazard_report

from .conftest import LEAF, STREET, D, at

TODAY = D(2026, 9, 21)


def client_of(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def report(world: dict[str, Any], grid_code: str, description: str) -> Hazard:
    return hazard_report(
        actor=world["users"]["worker"], grid=world["grids"][grid_code], found_at=at(TODAY),
        category_code="ebike", source="patrol", description=description,
    )  # fmt: skip


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@time_machine.travel(at(TODAY), tick=False)
def test_csv_export_keeps_the_filters_and_the_scope(world: dict[str, Any]) -> None:
    shop = world["hazard"]
    formula = report(world, LEAF, "=HYPERLINK(1)")
    report(world, "410185002001001", "另一街道")  # outside the community's scope
    office = client_of(world["users"]["community"])

    everything = office.get("/hazards/export.csv")
    patrols = office.get("/hazards/export.csv", {"source": "patrol"})

    assert everything.status_code == 200
    assert everything["Content-Type"] == "text/csv; charset=utf-8"
    assert everything["Content-Disposition"] == 'attachment; filename="hazards-20260921.csv"'
    rows = csv_rows(everything.content)
    assert rows[0] == list(EXPORT_HEADER)
    assert [row[0] for row in rows[1:]] == [str(formula.pk), str(shop.pk)]
    assert rows[1][-1] == "'=HYPERLINK(1)"
    assert rows[2][1:6] == ["疏散通道/安全出口堵塞", "已登记", "一般", "检查", "平安小卖部"]
    assert [row[0] for row in csv_rows(patrols.content)[1:]] == [str(formula.pk)]
    outside = office.get("/hazards/export.csv", {"grid": world["grids"][STREET].pk})
    assert outside.status_code == 404


@time_machine.travel(at(TODAY), tick=False)
def test_xlsx_export_opens_in_a_spreadsheet_with_chinese_headers(world: dict[str, Any]) -> None:
    shop = world["hazard"]
    Hazard.objects.filter(pk=shop.pk).update(
        state="notice_issued", deadline=D(2026, 9, 20), next_due=D(2026, 9, 20)
    )
    report(world, LEAF, "楼道充电")
    office = client_of(world["users"]["community"])

    page = office.get("/hazards/export.xlsx", {"overdue": "1"})
    api = office.get("/api/v1/hazards/export.xlsx", {"overdue": "true"})

    assert page.status_code == 200
    assert page["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(page.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == list(EXPORT_HEADER)
    assert len(values) == 2
    row = dict(zip(EXPORT_HEADER, values[1], strict=True))
    assert (row["编号"], row["状态"], row["是否逾期"]) == (shop.pk, "已下发整改通知", "是")
    assert row["整改期限"].date() == D(2026, 9, 20)
    assert api.status_code == 200
    assert api.content == page.content


@time_machine.travel(at(TODAY), tick=False)
def test_api_csv_export_matches_the_page(world: dict[str, Any]) -> None:
    report(world, LEAF, "楼道充电")
    office = client_of(world["users"]["community"])
    page = office.get("/hazards/export.csv", {"state": ["reported", "closed"], "q": "楼道"})
    api = office.get("/api/v1/hazards/export.csv", {"state": ["reported", "closed"], "q": "楼道"})
    assert api.status_code == 200
    assert api.content == page.content
    assert len(csv_rows(api.content)) == 2
