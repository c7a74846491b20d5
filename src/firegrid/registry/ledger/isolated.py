"""Parse an untrusted workbook in a child process with a memory cap and a timeout.

python-calamine is native code: a workbook it cannot hold aborts the whole process (SIGABRT),
which would take down a web worker, the huey consumer or the CLI with it. The scan in
`reader.scan_sheet` refuses the known shapes of that first; this is the second wall for the
unknown ones — the child dies, the import fails with a clear message, the caller lives on.
"""

from __future__ import annotations

import logging
import pickle  # noqa: S403 - the pickle is written by our own child script, not by the uploader
import subprocess  # noqa: S404
import sys
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .parse_child import NOT_A_WORKBOOK

log = logging.getLogger(__name__)
CHILD = Path(__file__).with_name("parse_child.py")


class ParseRefused(Exception):
    """The child could not read the file: `limits` says whether it hit a server limit."""

    def __init__(self, message: str, *, limits: bool) -> None:
        super().__init__(message)
        self.message = message
        self.limits = limits


def parse_workbook(file: IO[bytes]) -> tuple[list[Any], list[list[Any]]]:
    """(merged cell ranges, cells) of the first sheet, read by calamine in a child process."""
    file.seek(0)
    data = file.read()
    memory_mb = int(settings.FIREGRID_PARSE_MEMORY_MB)
    timeout = float(settings.FIREGRID_PARSE_TIMEOUT_S)
    limits = _(
        "The file could not be read within the server's limits (%(mb)s MB of memory, "
        "%(seconds)s seconds). Nothing was imported. Copy the data into the template, or split "
        "it into smaller files, and upload it again."
    ) % {"mb": memory_mb, "seconds": int(timeout)}
    try:
        done = subprocess.run(  # noqa: S603 - our own script, run by our own interpreter
            [sys.executable, "-I", str(CHILD), str(memory_mb)],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        log.warning("ledger parse timed out after %ss", timeout)
        raise ParseRefused(limits, limits=True) from None
    except OSError as exc:  # could not start the child at all (no memory, no processes left)
        log.error("ledger parse could not start: %s", exc)
        raise ParseRefused(limits, limits=True) from exc
    if done.returncode == NOT_A_WORKBOOK:
        raise ParseRefused(done.stderr.decode(errors="replace"), limits=False)
    if done.returncode != 0:
        log.warning(
            "ledger parse died (exit %s): %s",
            done.returncode,
            done.stderr.decode(errors="replace")[-500:],
        )
        raise ParseRefused(limits, limits=True)
    merged, cells = pickle.loads(done.stdout)  # noqa: S301 - see the import above
    return merged, cells
