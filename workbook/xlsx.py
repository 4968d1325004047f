"""A small writer for formatted Excel workbooks (``.xlsx``), without openpyxl.

The matching step writes ``matches.xlsx`` on every run. openpyxl (with the lxml and
Pillow it imports) costs a session's kernel about 18 MB, more than a third of the
margin under the app's 150 MB target, to write a few plain tables. This module writes
the same tables as SpreadsheetML directly: text as inline strings, numbers as numbers,
and the formatting the coordinator gets: a bold white header on blue, the header row
frozen, filters on every column, column widths, wrapped long text and one decimal for
scores.

What the caller must know:

* Values are written as given: neutralising formula-like text is the caller's job
  (:func:`workbook.exports.neutralise`); nothing here is ever written as a formula,
  and characters XML cannot hold are dropped.
* ``None``, NaN and pandas' missing values become empty cells; booleans are booleans;
  any other value is written as its text.
* Timestamps in the archive are left to :func:`workbook.archive.pin`.
"""

from __future__ import annotations

import io
import math
import numbers
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles, indexes into styles.xml's cellXfs.
PLAIN, HEADER, WRAP, DECIMAL = 0, 1, 2, 3


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a header row, then rows of values.

    Attributes:
        widths: column name -> width in characters (others: the name's length, 10 to 60).
        wrap: columns whose text wraps (long reasons), aligned to the top.
    """

    columns: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Mapping[str, float] = field(default_factory=dict)
    wrap: frozenset[str] = frozenset()


def column_letter(index: int) -> str:
    """``1`` -> ``A``, ``27`` -> ``AA``."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    value = _ILLEGAL_XML.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return math.isnan(float(value))
    return type(value).__name__ in ("NAType", "NaTType")


def _cell(ref: str, value: object, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if _missing(value):
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):  # numpy too
        return f'<c r="{ref}"{s} t="b"><v>{int(bool(value))}</v></c>'
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isinf(number):
            return _cell(ref, str(value), style)
        text = str(int(value)) if isinstance(value, numbers.Integral) else repr(number)
        return f'<c r="{ref}"{s}><v>{text}</v></c>'
    text = _text(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _sheet_xml(sheet: Sheet) -> tuple[str, int]:
    """The worksheet's XML and its number of rows (with the header)."""
    names = [str(c) for c in sheet.columns]
    letters = [column_letter(k) for k in range(1, len(names) + 1)]
    cols = "".join(
        f'<col min="{k}" max="{k}" width="{sheet.widths.get(n, min(60, max(10, len(n) + 2)))}" '
        'customWidth="1"/>'
        for k, n in enumerate(names, start=1)
    )
    rows = [
        '<row r="1">'
        + "".join(_cell(f"{x}1", n, HEADER) for x, n in zip(letters, names, strict=True))
        + "</row>"
    ]
    for r, values in enumerate(sheet.rows, start=2):
        cells = []
        for x, name, value in zip(letters, names, values, strict=True):
            style = WRAP if name in sheet.wrap else PLAIN
            fraction = isinstance(value, numbers.Real) and not isinstance(
                value, bool | numbers.Integral
            )
            if style == PLAIN and fraction:
                style = DECIMAL  # scores: one decimal
            cells.append(_cell(f"{x}{r}", value, style))
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    count = len(rows)
    last = f"{letters[-1]}{count}" if letters else "A1"
    xml = (
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<dimension ref="A1:{last}"/>'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f"<sheetData>{''.join(rows)}</sheetData>"
        + (f'<autoFilter ref="A1:{last}"/>' if letters else "")
        + "</worksheet>"
    )
    return xml, count


_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF305496"/>'
    '<bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def workbook_bytes(sheets: Mapping[str, Sheet], creator: str = "Mentoring workbook") -> bytes:
    """The ``.xlsx`` bytes of the sheets, in the order given.

    Raises:
        ValueError: no sheet, or a sheet name Excel refuses (empty, longer than 31
            characters, or holding one of ``[]:*?/\\``).
    """
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    for name in sheets:
        if not name or len(name) > 31 or re.search(r"[\[\]:*?/\\]", name):
            raise ValueError(f"{name!r} is not a valid sheet name")
    parts: dict[str, str] = {}
    entries, rels, overrides, names = [], [], [], []
    for k, (name, sheet) in enumerate(sheets.items(), start=1):
        xml, count = _sheet_xml(sheet)
        parts[f"xl/worksheets/sheet{k}.xml"] = xml
        entries.append(f'<sheet name="{_attr(name)}" sheetId="{k}" r:id="rId{k}"/>')
        rels.append(
            f'<Relationship Id="rId{k}" Type="{_REL}/worksheet" Target="worksheets/sheet{k}.xml"/>'
        )
        overrides.append(
            f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        if sheet.columns:
            quoted = "'" + _attr(name).replace("'", "''") + "'"
            last = f"${column_letter(len(sheet.columns))}${count}"
            names.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k - 1}" '
                f'hidden="1">{quoted}!$A$1:{last}</definedName>'
            )
    styles = len(sheets) + 1
    rels.append(f'<Relationship Id="rId{styles}" Type="{_REL}/styles" Target="styles.xml"/>')
    parts["[Content_Types].xml"] = (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(overrides)
        + '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )
    parts["_rels/.rels"] = (
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )
    parts["docProps/app.xml"] = (
        f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>Mentoring workbook</Application></Properties>'
    )
    parts["docProps/core.xml"] = (
        f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{_text(creator)}</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    )
    parts["xl/workbook.xml"] = (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f"<sheets>{''.join(entries)}</sheets>"
        + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
        + "</workbook>"
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{"".join(rels)}</Relationships>'
    )
    parts["xl/styles.xml"] = _STYLES
    out = io.BytesIO()
    order = ["[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml"]
    order += [p for p in parts if p not in order]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            member = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, parts[name])
    return out.getvalue()
