"""`firegrid pii`: keys of the personal-data encryption (个人信息加密) — generate, rotate.

firegrid pii generate-key   print a new Fernet key for FIREGRID_PII_KEYS
firegrid pii legacy-key     print the key derived from the secret key (data written before
                            FIREGRID_PII_KEYS was set): list it last in FIREGRID_PII_KEYS, rotate
firegrid pii rotate         re-encrypt every stored token with the newest key
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from firegrid.core import pii
from firegrid.core.services import pii_rotate


class Command(BaseCommand):
    help = "Personal-data encryption keys: generate-key, legacy-key, rotate."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("generate-key", help="print a new key for FIREGRID_PII_KEYS")
        actions.add_parser(
            "legacy-key", help="print the key derived from FIREGRID_SECRET_KEY (older data)"
        )
        rotate = actions.add_parser(
            "rotate", help="re-encrypt every stored token with the newest FIREGRID_PII_KEYS key"
        )
        rotate.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate-key":
            self.stdout.write(Fernet.generate_key().decode("ascii"))
        elif action == "legacy-key":
            self.stdout.write(pii.derived_key(settings.SECRET_KEY))
        else:
            self.rotate(options["batch_size"])

    def rotate(self, batch_size: int) -> None:
        if not settings.FIREGRID_PII_KEYS:
            raise CommandError(
                "FIREGRID_PII_KEYS is not set: nothing to rotate to. "
                "Generate a key with `firegrid pii generate-key`."
            )
        result = pii_rotate(batch_size=max(1, batch_size))
        for label, count in result.rotated.items():
            self.stdout.write(
                f"{label}: {count} re-encrypted, {result.current[label]} already current, "
                f"{result.unreadable[label]} unreadable"
            )
        self.stdout.write(
            f"rotated {result.total_rotated} tokens to key {pii.key_id(pii.newest_key())}"
        )
        if len(settings.FIREGRID_PII_KEYS) > 1 and not settings.FIREGRID_PII_DIGEST_KEY:
            self.stdout.write(
                "Before removing the oldest key from FIREGRID_PII_KEYS, set "
                "FIREGRID_PII_DIGEST_KEY to it: digests (duplicate ID numbers, blocked senders) "
                "are keyed with it."
            )
        if result.total_unreadable:
            raise CommandError(
                f"{result.total_unreadable} tokens could not be read with any configured key "
                "and were left as they are: add the key they were written with to "
                "FIREGRID_PII_KEYS and run again.",
                returncode=1,
            )
