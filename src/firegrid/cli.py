"""The `firegrid` command: every Django management command runs as `firegrid <command>`."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firegrid.config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["firegrid", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
