"""What reading an untrusted ledger safely costs: the extent scan and the child-process parse.

Usage::

    .venv/bin/python benchmarks/bench_ledger_parse.py [--rows 50000] [--repeat 3]

Writes a places ledger of ``--rows`` rows (.xlsx, the template's headers) and times, in this
process and in one run:

1. (reference) python-calamine reading the first sheet in this process, as FireGrid did before
   issue 12 (``CalamineWorkbook.from_filelike(...).to_python()``);
2. ``reader.scan_sheet``: the streaming pass over the sheet XML that counts rows, finds formulas
   and checks the declared and real extent against the ledger limits;
3. ``isolated.parse_workbook``: the same calamine read in a child process with the memory cap;
4. the refusal of a sparse workbook (one cell at XFD1048576): the scan alone, calamine never runs.

Prints the median of ``--repeat`` runs of each and the ratios to the reference.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("firegrid") is None:
    sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firegrid.config.settings.test")


def ledger_bytes(rows: int) -> bytes:
    import openpyxl

    from firegrid.registry.ledger.columns import PLACES

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([column.header for column in PLACES.columns])
    for i in range(rows):
        sheet.append([f"cell {i}-{j}" for j in range(len(PLACES.columns))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sparse(data: bytes) -> bytes:
    """`data` with one more cell at XFD1048576 in its first sheet."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    extra = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", extra + b"</sheetData>")
            target.writestr(item, content)
    return out.getvalue()


def median_seconds(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from python_calamine import CalamineWorkbook

    from firegrid.core.errors import ValidationFailed
    from firegrid.registry.ledger.isolated import parse_workbook
    from firegrid.registry.ledger.reader import scan_sheet

    data = ledger_bytes(args.rows)
    bad = sparse(data)

    def inline() -> Any:
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()

    def refuse_sparse() -> None:
        try:
            scan_sheet(io.BytesIO(bad))
        except ValidationFailed:
            return
        raise SystemExit("the sparse workbook was not refused")

    rows_inline = len(inline())
    rows_child = len(parse_workbook(io.BytesIO(data))[1])
    if rows_inline != rows_child:
        raise SystemExit(f"row counts differ: inline {rows_inline}, child {rows_child}")
    reference = median_seconds(inline, args.repeat)
    figures = {
        "scan (extent, formulas, rows)": median_seconds(
            lambda: scan_sheet(io.BytesIO(data)), args.repeat
        ),
        "child-process parse": median_seconds(
            lambda: parse_workbook(io.BytesIO(data)), args.repeat
        ),
        "sparse workbook refused": median_seconds(refuse_sparse, args.repeat),
    }
    print(f"{args.rows:,} data rows, {len(data) / 1_048_576:.1f} MB, median of {args.repeat}")
    print(f"  {'calamine in this process (reference)':40s} {reference:7.2f} s   1.00x")
    for label, seconds in figures.items():
        print(f"  {label:40s} {seconds:7.2f} s   {seconds / reference:.2f}x")
    safe = figures["scan (extent, formulas, rows)"] + figures["child-process parse"]
    print(f"  {'scan + child parse (what an import pays)':40s} {safe:7.2f} s   "
          f"{safe / reference:.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
