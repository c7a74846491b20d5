"""`firegrid audit verify`: walk the audit log's (审计日志) hash chain, name the first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from firegrid.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit log tools."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("verify", help="check every event's hash and its link to the one before")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {report.checked} events"))
            return
        raise CommandError(
            f"audit chain broken at event id {report.first_broken_id}: {report.reason} "
            f"({report.checked} events before it are intact)",
            returncode=1,
        )
