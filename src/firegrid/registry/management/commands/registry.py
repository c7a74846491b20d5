"""`firegrid registry import|export|template`: Excel ledgers (台账) from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from firegrid.core.errors import ApplicationError
from firegrid.registry.ledger import (
    SPECS,
    ledger_export,
    ledger_import_file,
    ledger_template,
)
from firegrid.registry.ledger.reader import LedgerFileError, check_size
from firegrid.registry.models import LedgerImport


class Command(BaseCommand):
    help = "Import, export or get the template of an Excel ledger (台账) of the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        kinds = sorted(SPECS)
        add = actions.add_parser("import", help="check a ledger and import all of it or nothing")
        add.add_argument("file", help="the .xlsx ledger")
        add.add_argument("--kind", choices=kinds, default="places")
        add.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        add.add_argument(
            "--user", help="act as this user (their scope and rights); default: system"
        )
        out = actions.add_parser("export", help="write a (filtered) list as a ledger")
        out.add_argument("--kind", choices=kinds, default="places")
        out.add_argument("-o", "--output", required=True, help=".xlsx file to write")
        out.add_argument("--user", help="export only this user's scope; default: everything")
        out.add_argument("--q", default="", help="search in name, address, licence")
        out.add_argument("--type", default="", help="place type (code, group) or resource kind")
        out.add_argument("--risk", default="", choices=["", "high", "medium", "low"])
        out.add_argument("--key-unit", default="", choices=["", "yes", "no"])
        out.add_argument("--grid", default="", help="grid id (and its subtree)")
        out.add_argument("--status", default="all", help="active, closed or all (default)")
        out.add_argument("--flag", default="", help="residents: a vulnerability flag")
        out.add_argument(
            "--unmasked",
            action="store_true",
            help="residents: clear ID numbers and phones (needs the unmask right; audited)",
        )
        blank = actions.add_parser("template", help="write the blank template")
        blank.add_argument("--kind", choices=kinds, default="places")
        blank.add_argument("-o", "--output", required=True, help=".xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def _user(self, username: str | None) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user

    def do_import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            check_size(path.stat().st_size)
            with path.open("rb") as file:
                outcome = ledger_import_file(
                    actor=self._user(options["user"]),
                    kind=options["kind"],
                    file=file,
                    dry_run=options["dry_run"],
                )
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        except LedgerFileError as exc:
            raise CommandError(str(exc.message)) from exc
        if outcome.status != LedgerImport.Status.SUCCEEDED:
            for error in outcome.errors:
                self.stderr.write(
                    f"row {error['row']}, {error['column']} ({error['value']!r}): {error['reason']}"
                )
            raise CommandError(outcome.message)
        counts = ", ".join(f"{key} {value}" for key, value in outcome.result.items())
        prefix = "dry run, nothing was written: " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{counts}"))

    def do_export(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        if user is None:
            user = get_user_model()(is_superuser=True, is_active=True)  # the system sees all
        status = options["status"]
        if options["kind"] != "places" and status == "all":
            status = ""
        query = {
            "q": options["q"],
            "type": options["type"],
            "risk": options["risk"],
            "key_unit": options["key_unit"],
            "grid": options["grid"],
            "status": status,
            "flag": options["flag"],
            "unmasked": "1" if options["unmasked"] else "",
        }
        try:
            data = ledger_export(user, options["kind"], query)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        Path(options["output"]).write_bytes(data)
        self.stderr.write(f"wrote the {options['kind']} ledger to {options['output']}")

    def do_template(self, options: dict[str, Any]) -> None:
        Path(options["output"]).write_bytes(ledger_template(options["kind"]))
        self.stderr.write(f"wrote the {options['kind']} template to {options['output']}")
