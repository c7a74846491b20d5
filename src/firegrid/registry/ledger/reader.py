"""Reading an uploaded ledger: refuse bad files with one clear message, then give the rows.

python-calamine reads the cells (fast on 100,000 rows); formulas are found by scanning the
sheet's XML inside the .xlsx zip, which calamine does not expose, in one streaming pass that
also counts the rows (to decide between an inline import and a background job) and refuses a
sheet whose declared or real extent exceeds the ledger limits before calamine allocates it.
calamine itself runs in a child process with a memory cap (`isolated.py`).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from firegrid.core.errors import ValidationFailed

from .columns import Column, LedgerSpec, clean_header
from .isolated import ParseRefused, parse_workbook
from .xlsx import column_letter

_SHEET_REL = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"')
_REL = re.compile(rb"<Relationship\b[^>]*>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"')
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>", b":c ", b":c>", b":c/>")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_REF_PARTS = re.compile(rb"([A-Z]*)([0-9]*)")
HUGE = 10**9
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^<>]*)")
_ATTR_R = re.compile(rb'\br="([A-Z]*)([0-9]*)"')
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
    """One streaming pass over the first sheet's XML: count rows, find the first formula, and
    refuse a sheet whose declared `<dimension>` or real cells reach beyond the ledger limits
    (calamine allocates rows × columns of the whole extent: one cell at XFD1048576 aborts it)."""
    file.seek(0)
    if not zipfile.is_zipfile(file):
        raise _not_xlsx()
    file.seek(0)
    limits = Extent(settings.FIREGRID_LEDGER_MAX_ROWS, settings.FIREGRID_LEDGER_MAX_COLUMNS)
    big_ref = _big_ref_pattern(limits)
    try:
        with zipfile.ZipFile(file) as archive:
            member = first_sheet_path(archive)
            rows, formula_cell, tail, overlap = 0, "", b"", b""
            cells = cells_with_ref = 0
            extent = Extent(0, 0)
            first = True
            with archive.open(member) as xml:
                while True:
                    chunk = xml.read(CHUNK)
                    data = tail + chunk
                    if chunk:
                        # Cut before the last tag start near the end, so no tag start is split:
                        # every count below sees each tag exactly once.
                        cut = data.rfind(b"<", max(0, len(data) - 4096))
                        body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                    else:
                        body, tail = data, b""
                    if first:
                        _check_declared(body, limits)
                        first = False
                    rows += len(_ROW.findall(body))
                    cells += sum(body.count(tag) for tag in _CELL_TAGS)
                    cells_with_ref += body.count(b'<c r="') + body.count(b':c r="')
                    # A reference split by a long tag is seen whole with the overlap (seeing one
                    # twice does not change a maximum).
                    extent = extent.cover(_ref_extent(overlap + body, big_ref))
                    overlap = body[-32:]
                    if not formula_cell:
                        found = _FORMULA.search(body)
                        if found:
                            refs = _CELL_REF.findall(body, 0, found.start())
                            formula_cell = refs[-1].decode() if refs else "?"
                    if not chunk:
                        break
            extent = extent.cover(Extent(rows, 0))
            if cells != cells_with_ref:
                # Some cells carry no `r=` (or put it later): count positions exactly.
                with archive.open(member) as xml:
                    extent = extent.cover(_positional_extent(xml))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error) as exc:
        raise _not_xlsx() from exc
    _check_extent(extent, limits, declared=False)
    return SheetScan(rows=rows, formula_cell=formula_cell)


@dataclass(frozen=True)
class Extent:
    rows: int
    columns: int

    def cover(self, other: Extent) -> Extent:
        return Extent(max(self.rows, other.rows), max(self.columns, other.columns))


def column_number(letters: bytes | str) -> int:
    """1-based column number of Excel letters: A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for char in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(char) - 64
    return number


def _big_ref_pattern(limits: Extent) -> re.Pattern[bytes]:
    """`r="…"` values long enough to possibly exceed the limits: few in a normal sheet, so only
    those are converted and compared (checking every cell in Python would double the scan)."""
    letters = max(1, len(column_letter(max(limits.columns, 1) - 1)))
    digits = max(1, len(str(max(limits.rows, 1))))
    return re.compile(
        rb'r="([A-Z]{%d,}[0-9]*|[A-Z]*[0-9]{%d,})"' % (letters, digits)  # noqa: UP031
    )


def _ref_extent(data: bytes, pattern: re.Pattern[bytes]) -> Extent:
    extent = Extent(0, 0)
    for match in pattern.finditer(data):
        if match.start() == 0 or data[match.start() - 1 : match.start()] not in b" \t\r\n":
            continue  # another attribute ending in r (footer="…")
        extent = extent.cover(_parse_ref(match.group(1)))
    return extent


def _parse_ref(ref: bytes) -> Extent:
    found = _REF_PARTS.match(ref)
    return _position(found.group(1), found.group(2)) if found else Extent(0, 0)


def _position(letters: bytes, digits: bytes) -> Extent:
    """Row and column of a reference's parts; absurd lengths count as huge, not as an error."""
    row = (int(digits) if len(digits) < 10 else HUGE) if digits else 0
    column = (column_number(letters) if len(letters) < 6 else HUGE) if letters else 0
    return Extent(row, column)


def _check_declared(head: bytes, limits: Extent) -> None:
    found = _DIMENSION.search(head)
    if found is None:
        return
    corner = found.group(1).split(b":")[-1].replace(b"$", b"")
    _check_extent(_parse_ref(corner), limits, declared=True)


def _positional_extent(xml: IO[bytes]) -> Extent:
    """The slow, exact pass for sheets whose cells omit `r=`: a cell without one sits right
    after the previous cell, a row without one right after the previous row."""
    extent = Extent(0, 0)
    row = column = 0
    tail = b""
    while True:
        chunk = xml.read(CHUNK)
        data = tail + chunk
        cut = data.rfind(b"<", max(0, len(data) - 4096)) if chunk else -1
        body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        for name, attrs in _TAG.findall(body):
            ref = _ATTR_R.search(attrs)
            given = _position(ref.group(1), ref.group(2)) if ref else Extent(0, 0)
            if name == b"row":
                row, column = given.rows or row + 1, 0
            else:
                column = given.columns or column + 1
            extent = extent.cover(Extent(row, column))
        if not chunk:
            return extent


def _check_extent(extent: Extent, limits: Extent, *, declared: bool) -> None:
    if extent.rows <= limits.rows and extent.columns <= limits.columns:
        return
    values = {
        "rows": f"{extent.rows:,}",
        "columns": f"{extent.columns:,}",
        "cell": f"{column_letter(max(extent.columns, 1) - 1)}{max(extent.rows, 1)}",
        "max_rows": f"{limits.rows:,}",
        "max_columns": f"{limits.columns:,}",
    }
    if declared:
        message = _(
            "The sheet claims %(rows)s rows × %(columns)s columns (up to cell %(cell)s); a ledger "
            "may have at most %(max_rows)s rows and %(max_columns)s columns. Copy the data into "
            "the template and upload it again."
        )
    else:
        message = _(
            "The sheet has cells up to row %(rows)s and column %(columns)s (cell %(cell)s); a "
            "ledger may have at most %(max_rows)s rows and %(max_columns)s columns. Delete the "
            "cells outside the table (or copy the data into the template) and upload it again."
        )
    raise LedgerFileError(
        message % values,
        code="ledger_too_large_extent",
        details={"rows": extent.rows, "columns": extent.columns, "cell": values["cell"]},
    )


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
    try:
        merged, cells = parse_workbook(file)
    except ParseRefused as exc:
        if exc.limits:
            raise LedgerFileError(exc.message, code="ledger_file_limits") from exc
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
