"""`firegrid inspections sweep`: run the schedule sweep (检查任务生成) by hand.

Without dates it is the nightly sweep for today; `--today` runs it as of another day;
`--start`/`--end` only plan the tasks of that range (nothing is marked missed), e.g. to plan
the next month ahead. Idempotent like the sweep itself.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from firegrid.inspections.services import GenerateResult, schedule_generate, schedule_sweep


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Inspection schedules: generate tasks from the rules, mark ended windows missed."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sweep = actions.add_parser(
            "sweep", help="mark ended windows missed and plan the coming days (the nightly job)"
        )
        sweep.add_argument("--today", help="run as of this day (YYYY-MM-DD); default: today")
        sweep.add_argument(
            "--horizon",
            type=int,
            default=None,
            help="days to plan ahead; default: FIREGRID_SCHEDULE_HORIZON_DAYS",
        )
        sweep.add_argument("--start", help="only plan tasks from this day (needs --end)")
        sweep.add_argument("--end", help="…to this day, inclusive")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def do_sweep(self, options: dict[str, Any]) -> None:
        if bool(options["start"]) != bool(options["end"]):
            raise CommandError("give --start and --end together")
        if options["start"]:
            if options["today"]:
                raise CommandError("--today and --start/--end exclude each other")
            start, end = _date(options["start"]), _date(options["end"])
            if end < start:
                raise CommandError("--end is before --start")
            self._report(schedule_generate(start=start, end=end), missed=None)
            return
        today = _date(options["today"]) if options["today"] else timezone.localdate()
        horizon = options["horizon"]
        if horizon is None:
            horizon = settings.FIREGRID_SCHEDULE_HORIZON_DAYS
        if horizon < 0:
            raise CommandError("--horizon must not be negative")
        generated, missed = schedule_sweep(today=today, horizon_days=horizon)
        self._report(generated, missed=missed)

    def _report(self, result: GenerateResult, *, missed: int | None) -> None:
        self.stdout.write(f"planned {result.start.isoformat()} – {result.end.isoformat()}")
        width = max([len(code) for code in result.per_rule] + [4])
        for code, count in sorted(result.per_rule.items()):
            self.stdout.write(f"  {code:<{width}} {count:>8}")
        self.stdout.write(f"  {'total':<{width}} {result.created:>8}")
        if result.unassigned:
            self.stdout.write(
                self.style.WARNING(f"{result.unassigned} tasks have nobody to do them")
            )
        if missed is not None:
            self.stdout.write(f"marked missed: {missed}")
