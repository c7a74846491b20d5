"""Demo citizen reports: a few residents' reports at places of the showcase community, one of them
confirmed into the hazard workflow and one closed, and a documented Open311 client key so the
curl examples of docs/OPEN311.md work against `make demo` (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from firegrid.grids.models import Grid
from firegrid.hazards.demo import office_user_over
from firegrid.registry.models import Place

from .models import Open311Client, Report
from .open311.auth import key_digest
from .services import ReportIn, report_close, report_confirm, report_submit

# Documented in README and docs/OPEN311.md: a demo key, like the demo password.
DEMO_OPEN311_KEY = "firegrid-demo-open311-key"
COMMUNITY = "410185001001"  # 书院河社区, where the demo logins work
SAMPLES: list[tuple[str, str]] = [
    ("exits_blocked", "超市后门安全出口被货物堵住，晚上也锁着。"),
    ("ebike", "三号楼一单元楼道里每天晚上都有电动车在充电。"),
    ("fire_systems", "商场的消防栓箱里没有水带，喷淋好像也关了。"),
    ("flammables", "小卖部门口堆放了好几桶汽油。"),
    ("other", "小区消防车道上长期停着几辆车。"),
]


@dataclass
class ReportsDemoResult:
    reports: int = 0
    client_created: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.reports or self.client_created)


@transaction.atomic
def reports_demo_load() -> ReportsDemoResult:
    result = ReportsDemoResult()
    _, result.client_created = Open311Client.objects.get_or_create(
        key_digest=key_digest(DEMO_OPEN311_KEY),
        defaults={"name": "示范 12345 平台", "key_prefix": DEMO_OPEN311_KEY[:8]},
    )
    community = Grid.objects.filter(code=COMMUNITY).first()
    if Report.objects.exists() or community is None:
        return result
    places = Place.objects.filter(
        grid_path__startswith=community.path, status=Place.Status.ACTIVE, lon__isnull=False
    ).order_by("pk")[: len(SAMPLES)]
    reports = [
        report_submit(
            data=ReportIn(
                service_code=code, description=text, lon=None, lat=None, place_id=place.pk
            )
        )
        for (code, text), place in zip(SAMPLES, places, strict=False)
    ]
    result.reports = len(reports)
    if len(reports) >= 2:
        _triage(reports[0], reports[-1])
    return result


def _triage(confirmed: Report, closed: Report) -> None:
    office: Any = office_user_over(confirmed.grid_path)
    if office is None:
        return
    report_confirm(actor=office, report_id=confirmed.pk, note="已派网格员现场核查，确认为隐患。")
    report_close(
        actor=office,
        report_id=closed.pk,
        reason=Report.CloseReason.OUTSIDE_REMIT,
        note="车辆占用消防车道由物业和交警处理。",
        referral="小区物业、交警中队",
    )
