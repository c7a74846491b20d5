"""`firegrid hazards sweep [--today YYYY-MM-DD]`: the hazard deadline sweep by hand."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from firegrid.hazards.services import hazards_sweep


class Command(BaseCommand):
    help = (
        "Hazards: mark overdue notices, escalate when the re-inspection window ran out, "
        "tell of late notices, remind before deadlines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sweep = actions.add_parser("sweep", help="the nightly deadline sweep (idempotent)")
        sweep.add_argument("--today", help="run as of this day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options.get("today")
        try:
            today = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"not a date (YYYY-MM-DD): {raw!r}") from exc
        result = hazards_sweep(today=today)
        self.stdout.write(
            f"{today}: {result.overdue} overdue, {result.escalated} escalated, "
            f"{result.at_top} at the top level (hand over), {result.notices_late} notices late, "
            f"{result.reminded} reminded"
        )
