"""`firegrid demo load`: load the demo jurisdiction (演示辖区), print the changes and logins."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from firegrid.grids.demo import DEFAULT_PASSWORD, DemoLoadResult, demo_load
from firegrid.people.models import Assignment


class Command(BaseCommand):
    help = "Demo jurisdiction 登封市 (告成镇 + 嵩阳街道): `demo load` creates or restores it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        load = actions.add_parser(
            "load", help="load the demo grids, people and logins (idempotent)"
        )
        load.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every demo login (default: {DEFAULT_PASSWORD})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "load":
            raise CommandError(f"unknown action {options['action']!r}")
        started = time.perf_counter()
        result = demo_load(password=options["password"])
        self._report(result, time.perf_counter() - started, options["password"])

    def _report(self, result: DemoLoadResult, seconds: float, password: str) -> None:
        out = self.stdout.write
        out(f"{_pad('level', 16)}{'created':>8}{'updated':>8}{'unchanged':>10}")
        for level in result.levels:
            out(f"{_pad(level.name, 16)}{level.created:>8}{level.updated:>8}{level.unchanged:>10}")
        for warning in result.warnings:
            out(self.style.WARNING(f"warning: {warning}"))
        out(f"people: {result.people_created} created, {result.people_total} in the demo")
        out(
            f"assignments: {result.assignments_created} created, "
            f"{result.assignments_total} in the demo"
        )
        out(f"logins: {result.users_created} created, {result.passwords_reset} password(s) reset")
        if result.registry is not None:
            counts = ", ".join(
                f"{result.registry.created[name]}/{total} {name.replace('_', ' ')}"
                for name, total in result.registry.totals.items()
            )
            out(f"registry: created {counts}")
        if result.inspections is not None:
            made = result.inspections
            out(
                f"inspections: {made.tasks_created} tasks planned, {made.inspections} inspections, "
                f"{made.hazards} hazards, {made.missed} missed, {made.patrols} patrols recorded"
            )
        if result.hazards is not None:
            out(f"hazards: {result.hazards.steps} lifecycle steps taken")
        if result.reports is not None:
            out(f"citizen reports: {result.reports.reports} filed")
        verdict = "demo loaded" if result.changed else "demo already loaded; nothing changed"
        out(self.style.SUCCESS(f"{verdict} in {seconds:.1f} s"))
        out("")
        out(f"Demo logins (password: {password})")
        held: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        rows = (
            Assignment.objects.active(timezone.localdate())
            .filter(person__user__username__in=[login.username for login in result.logins])
            .values_list("person__user__username", "person__name", "role__name", "grid__name")
            .order_by("person__user__username", "grid__code")
        )
        for username, person, role, grid in rows:
            names[username] = person
            held.setdefault(username, []).append(f"{role} · {grid}")
        for login in result.logins:
            where = "; ".join(held.get(login.username, [])) or (
                "superuser" if login.is_superuser else "-"
            )
            out(f"  {_pad(login.username, 12)} {_pad(names.get(login.username, ''), 8)} {where}")


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal, where CJK characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - used, 0)
