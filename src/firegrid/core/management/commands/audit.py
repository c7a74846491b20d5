"""`firegrid audit verify`: walk the audit log's (审计日志) hash chain and check its signed
checkpoints, naming the first broken row, the last good checkpoint and the one that no longer
matches. `firegrid audit checkpoint`: sign the chain's head now (the consumer does it every
FIREGRID_AUDIT_CHECKPOINT_MINUTES)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from firegrid.core.audit import CheckpointRef, audit_checkpoint, audit_verify


def describe(ref: CheckpointRef) -> str:
    return (
        f"#{ref.id} (head event {ref.head_id}, {ref.event_count} events, "
        f"{ref.created_at.isoformat(timespec='seconds')})"
    )


class Command(BaseCommand):
    help = "Audit log tools."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "verify", help="check every event's hash and link, and every signed checkpoint"
        )
        actions.add_parser("checkpoint", help="sign the chain's current head (HMAC checkpoint)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self.checkpoint()
        else:
            self.verify()

    def checkpoint(self) -> None:
        made = audit_checkpoint()
        if made is None:
            self.stdout.write("no new audit events since the last checkpoint; nothing written")
            return
        ref = CheckpointRef(made.pk, made.head_id, made.event_count, made.created_at)
        # The line is worth keeping outside the database too (e.g. the system log).
        self.stdout.write(
            self.style.SUCCESS(f"audit checkpoint {describe(ref)} hash {made.head_hash}")
        )

    def verify(self) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {report.checked} events"))
        if report.checkpoints_checked:
            good = report.last_good_checkpoint
            self.stdout.write(f"last good checkpoint: {describe(good) if good else 'none'}")
        if report.broken_checkpoint is not None:
            self.stdout.write(
                f"checkpoint no longer matching: {describe(report.broken_checkpoint)}: "
                f"{report.checkpoint_reason}"
            )
        if report.first_broken_id is not None:
            raise CommandError(
                f"audit chain broken at event id {report.first_broken_id}: {report.reason} "
                f"({report.checked} events before it are intact)",
                returncode=1,
            )
        if report.broken_checkpoint is not None:
            what = "truncated" if report.truncated else "altered"
            raise CommandError(
                f"audit log {what}: checkpoint #{report.broken_checkpoint.id} no longer matches "
                f"({report.checkpoint_reason})",
                returncode=1,
            )
