"""`firegrid calendar load FILE.json`: load a year's holiday schedule (放假调休安排)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from firegrid.core.errors import ValidationFailed
from firegrid.core.services import calendar_load


class Command(BaseCommand):
    help = "Working-day calendar: load a year's holidays and 调休 working days."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser(
            "load",
            help='JSON {"year": 2027, "source": "…", "off": [[name, first, last], …], '
            '"working": [[name, day], …]}',
        )
        load.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            schedule = json.loads(options["file"].read_text(encoding="utf-8"))
            count = calendar_load(schedule=schedule)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from exc
        except ValidationFailed as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"{schedule['year']}: {count} holiday and 调休 days loaded")
        )
