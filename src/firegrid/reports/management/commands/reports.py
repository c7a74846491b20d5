"""`firegrid reports sweep [--now ISO-DATETIME]`: the citizen-report triage sweep by hand."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from firegrid.reports.services import reports_sweep


class Command(BaseCommand):
    help = (
        "Citizen reports: escalate untriaged reports past their clock one level up, close "
        "reports whose hazard was closed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sweep = actions.add_parser("sweep", help="the triage sweep (idempotent)")
        sweep.add_argument("--now", help="run as of this moment (ISO 8601)")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options.get("now")
        try:
            now = datetime.datetime.fromisoformat(raw) if raw else timezone.now()
        except ValueError as exc:
            raise CommandError(f"not a date and time (ISO 8601): {raw!r}") from exc
        if timezone.is_naive(now):
            now = timezone.make_aware(now)
        result = reports_sweep(now=now)
        self.stdout.write(
            f"{now.isoformat()}: escalated {result.escalated}, "
            f"{result.at_top} at the top level, resolved {result.resolved}"
        )
