"""The child side of the isolated ledger parse: run as a script by `isolated.parse_workbook`,
never imported by the server.

It reads the workbook from stdin, caps its own address space, lets python-calamine read the
first sheet and writes `(merged ranges, cells)` as a pickle to stdout. Only the standard library
and python-calamine are imported (no Django), so it starts in a few tens of milliseconds; if
calamine aborts or runs out of memory, only this process dies.

Exit codes: 0 parsed, 2 not a workbook calamine can read, 3 out of memory.
"""

from __future__ import annotations

import io
import pickle
import resource
import sys

NOT_A_WORKBOOK = 2
OUT_OF_MEMORY = 3


def main() -> int:
    memory_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    data = sys.stdin.buffer.read()
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        from python_calamine import CalamineError, CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        del data
        sheet = workbook.get_sheet_by_index(0)
        merged = sheet.merged_cell_ranges or []
        cells = sheet.to_python(skip_empty_area=False)
        out = pickle.dumps((merged, cells), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return OUT_OF_MEMORY
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        sys.stderr.write(f"{type(exc).__name__}: {exc}"[:500])
        return NOT_A_WORKBOOK
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
