"""Reading an uploaded ledger: refuse bad files with one clear message, then give the rows.

python-calamine reads the cells (fast on 100,000 rows); formulas are found by scanning the
sheet's XML inside the .xlsx zip, which calamine does not expose, in one streaming pass that
also counts the rows (to decide between an inline import and a background job).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from firegrid.core.errors import ValidationFailed

from .columns import Column, LedgerSpec, clean_header
from .xlsx import column_letter

_SHEET_REL = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"')
_REL = re.compile(rb"<Relationship\b[^>]*>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"')
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")
CHUNK = 1 << 20


class LedgerFileError(ValidationFailed):
    """The file as a whole cannot be read as a ledger (type, headers, merged cells, formulas)."""

    code = "ledger_file_invalid"


@dataclass(frozen=True)
class SheetScan:
    rows: int  # <row> elements, header included
    formula_cell: str  # the first cell holding a formula, or ""


@dataclass(frozen=True)
class LedgerRows:
    """Cells of the data rows, by field; `numbers` are the Excel row numbers users see."""

    columns: tuple[Column, ...]
    numbers: list[int]
    rows: list[list[Any]]


def check_size(size: int) -> None:
    limit = settings.FIREGRID_LEDGER_MAX_BYTES
    if size > limit:
        raise LedgerFileError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": round(size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
            code="ledger_file_too_large",
        )


def _not_xlsx() -> LedgerFileError:
    return LedgerFileError(
        _(
            "The file is not an Excel workbook (.xlsx). Save it as “Excel Workbook (*.xlsx)” "
            "and upload it again."
        ),
        code="ledger_file_type",
    )


def first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (the one calamine reads as index 0)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError as exc:
        raise _not_xlsx() from exc
    match = _SHEET_REL.search(workbook)
    if match is None:
        raise LedgerFileError(_("The workbook has no sheet."), code="ledger_sheet_empty")
    for rel in _REL.findall(rels):
        attrs = dict(_ATTR.findall(rel))
        if attrs.get(b"Id") == match.group(1):
            target = attrs.get(b"Target", b"").decode()
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise _not_xlsx()


def scan_sheet(file: IO[bytes]) -> SheetScan:
    """One streaming pass over the first sheet's XML: count rows, find the first formula."""
    file.seek(0)
    if not zipfile.is_zipfile(file):
        raise _not_xlsx()
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            member = first_sheet_path(archive)
            rows, formula_cell, tail = 0, "", b""
            with archive.open(member) as xml:
                while chunk := xml.read(CHUNK):
                    data = tail + chunk
                    # A tag ending inside the carried-over tail was counted with the last chunk.
                    rows += sum(1 for m in _ROW.finditer(data) if m.end() > len(tail))
                    if not formula_cell:
                        found = _FORMULA.search(data)
                        if found:
                            refs = _CELL_REF.findall(data, 0, found.start())
                            formula_cell = refs[-1].decode() if refs else "?"
                    tail = data[-64:]
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise _not_xlsx() from exc
    return SheetScan(rows=rows, formula_cell=formula_cell)


def read_ledger(file: IO[bytes], spec: LedgerSpec) -> LedgerRows:
    """The data rows of the first sheet, or a LedgerFileError naming what is wrong."""
    scan = scan_sheet(file)
    if scan.formula_cell:
        raise LedgerFileError(
            _(
                "The sheet has formulas (for example in cell %(cell)s). Copy the cells and paste "
                "them as values, then upload again."
            )
            % {"cell": scan.formula_cell},
            code="ledger_formulas",
        )
    file.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        sheet = workbook.get_sheet_by_index(0)
        merged = sheet.merged_cell_ranges or []
        cells = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as exc:
        raise _not_xlsx() from exc
    if merged:
        (r1, c1), (r2, c2) = merged[0]
        raise LedgerFileError(
            _(
                "The sheet has merged cells (for example %(range)s). Unmerge them and fill every "
                "cell, then upload again."
            )
            % {"range": f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"},
            code="ledger_merged_cells",
        )
    if not cells or not any(_filled(v) for v in cells[0]):
        raise LedgerFileError(
            _("The first sheet is empty: row 1 must hold the column headers."),
            code="ledger_sheet_empty",
        )
    columns, positions = _match_headers(cells[0], spec)
    numbers: list[int] = []
    rows: list[list[Any]] = []
    for index in range(1, len(cells)):
        row = cells[index]
        values = [row[p] if p < len(row) else None for p in positions]
        if not any(_filled(v) for v in values):
            continue
        numbers.append(index + 1)
        rows.append(values)
    if not rows:
        raise LedgerFileError(
            _("The sheet has headers but no data rows."), code="ledger_sheet_empty"
        )
    return LedgerRows(columns=columns, numbers=numbers, rows=rows)


def _filled(value: Any) -> bool:
    return value is not None and value != ""


def _match_headers(
    header_row: Sequence[Any], spec: LedgerSpec
) -> tuple[tuple[Column, ...], list[int]]:
    known = spec.by_header()
    columns: list[Column] = []
    positions: list[int] = []
    seen: set[str] = set()
    unknown: list[str] = []
    repeated: list[str] = []
    for position, raw in enumerate(header_row):
        if not _filled(raw):
            continue
        name = clean_header(raw)
        column = known.get(name)
        if column is None:
            unknown.append(str(raw).strip())
            continue
        if name in seen:
            repeated.append(name)
            continue
        seen.add(name)
        if column.read_only:
            continue
        columns.append(column)
        positions.append(position)
    missing = [c.header for c in spec.columns if c.required and c.header not in seen]
    problems = []
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": "、".join(missing)})
    if unknown:
        problems.append(_("unknown columns: %(names)s") % {"names": "、".join(unknown)})
    if repeated:
        problems.append(_("repeated columns: %(names)s") % {"names": "、".join(repeated)})
    if problems:
        raise LedgerFileError(
            _(
                "The headers in row 1 do not match the %(kind)s template (%(problems)s). "
                "Download the template and copy your data into it."
            )
            % {"kind": spec.label, "problems": "; ".join(problems)},
            code="ledger_headers",
            details={"missing": missing, "unknown": unknown, "repeated": repeated},
        )
    return tuple(columns), positions
