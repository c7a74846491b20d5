"""A small direct .xlsx writer for ledgers: header styles, frozen header row, column widths,
list validations pointing at a hidden sheet, inline strings, numbers and dates.

openpyxl (even write-only) needs 35–45 s for a 100,000-row export on the reference VM; writing
the sheet XML directly takes a few seconds, and floats are written with `repr`, so they read
back bit for bit (openpyxl keeps 16 digits, which made exported points look moved).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Cell styles (indexes into cellXfs below).
PLAIN, HEADER, HEADER_REQUIRED, HEADER_READ_ONLY, DATE = range(5)
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFDE9D9"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFEEEEEE"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/><xf numFmtId="0" fontId="1" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""  # noqa: E501


@dataclass(frozen=True)
class Validation:
    """A drop-down: cells `sqref` must hold one of the values in `formula` (a range)."""

    sqref: str
    formula: str
    error_title: str = ""
    error: str = ""


@dataclass
class Sheet:
    name: str
    header: Sequence[tuple[Any, int]] = ()  # (value, style)
    rows: Iterable[Sequence[Any]] = ()
    widths: Sequence[int] = ()
    validations: Sequence[Validation] = ()
    hidden: bool = False
    freeze_header: bool = False


def column_letter(index: int) -> str:
    """Excel's column name of a 0-based index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Any, style: int = PLAIN) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    text = _CONTROL.sub("", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _sheet_xml(sheet: Sheet, out: io.StringIO) -> None:
    out.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">')
    if sheet.freeze_header:
        out.write(
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        )
    if sheet.widths:
        out.write("<cols>")
        for i, width in enumerate(sheet.widths, 1):
            out.write(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>')
        out.write("</cols>")
    out.write("<sheetData>")
    letters = [column_letter(i) for i in range(max(len(sheet.header), 64))]
    number = 0
    if sheet.header:
        number = 1
        cells = "".join(_cell(f"{letters[i]}1", v, st) for i, (v, st) in enumerate(sheet.header))
        out.write(f'<row r="1">{cells}</row>')
    for row in sheet.rows:
        number += 1
        while len(letters) < len(row):
            letters.append(column_letter(len(letters)))
        cells = "".join(_cell(f"{letters[i]}{number}", v) for i, v in enumerate(row))
        out.write(f'<row r="{number}">{cells}</row>')
    out.write("</sheetData>")
    if sheet.validations:
        out.write(f'<dataValidations count="{len(sheet.validations)}">')
        for v in sheet.validations:
            out.write(
                f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" '
                f"errorTitle={quoteattr(v.error_title)} error={quoteattr(v.error)} "
                f'sqref="{v.sqref}"><formula1>{escape(v.formula)}</formula1></dataValidation>'
            )
        out.write("</dataValidations>")
    out.write(
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        "</worksheet>"
    )


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_CT}"/>'
            for i in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{CT}">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        hidden = ' state="hidden"'
        entries = "".join(
            f'<sheet name={quoteattr(s.name)} sheetId="{i}"{hidden if s.hidden else ""}'
            f' r:id="rId{i}"/>'
            for i, s in enumerate(sheets, 1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        styles_id = len(sheets) + 1
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}">'
            f'{rels}<Relationship Id="rId{styles_id}" Type="{REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/styles.xml", STYLES)
        for i, sheet in enumerate(sheets, 1):
            body = io.StringIO()
            _sheet_xml(sheet, body)
            archive.writestr(f"xl/worksheets/sheet{i}.xml", body.getvalue())
    return out.getvalue()
