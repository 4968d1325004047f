"""Roster templates a coordinator can download, fill in and upload: CSV and XLSX.

An HR coordinator rarely has a roster in the workbook's shape; the template is where
they start. It lists every roster column (the canonical ones, then the extra columns the
design's criteria compare), what each means, whether the criteria the design has chosen
make it required, and three example rows that pass the roster's own checks (a mentor, a
mentee, and the mentee's line manager who does not take part, so the reporting line rule
has something to follow).

* The CSV template is the roster itself: the header and the three example rows, ready
  to be overwritten. A CSV holds one table, so what the columns mean is beside it (the
  page's table of :func:`template_columns`) rather than in it: a row of explanations would be read
  as a person.
* The XLSX template has the same roster as its first sheet (the sheet the roster reader
  reads) and a second sheet, "Columns", with each column's meaning and whether it is
  required.

What each column means is the knowledge base's (``knowledge/roster_columns.yaml``, the
names and descriptions the matching step's form uses too). Which columns are required
comes from the criteria registry
(:mod:`workbook.matching.criteria`: each criterion names its columns) through
:func:`workbook.matching.roster.required_columns`, so the template cannot drift from what
the roster check refuses. The XLSX file is written by hand (a few XML parts in a zip)
rather than with openpyxl: the matching step offers it in every session of the app, and
loading openpyxl costs each session's kernel about 11 MB.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from workbook import knowledge
from workbook.design import Matching
from workbook.matching.roster import required_columns
from workbook.matching.tables import CANONICAL

EXAMPLES: tuple[dict[str, str], ...] = (
    {
        "id": "P001",
        "name": "Alex Morgan",
        "email": "alex.morgan@example.org",
        "role": "mentor",
        "department": "Operations",
        "level": "5",
        "timezone": "Europe/London",
        "skills_offered": "budgeting;negotiation",
        "goals": "leadership",
        "languages": "English;French",
        "capacity": "2",
    },
    {
        "id": "P002",
        "name": "Jordan Patel",
        "email": "jordan.patel@example.org",
        "role": "mentee",
        "department": "Finance",
        "manager_id": "P003",
        "level": "2",
        "timezone": "Europe/Paris",
        "skills_wanted": "budgeting;presenting",
        "goals": "leadership",
        "languages": "English",
        "preferences": "P001",
    },
    {
        "id": "P003",
        "name": "Casey Kim",
        "email": "casey.kim@example.org",
        "role": "",
        "department": "Finance",
        "level": "4",
        "timezone": "Europe/Paris",
        "languages": "English",
    },
)
"""Three people who pass the roster's checks: a mentor, a mentee, and the mentee's line
manager, who does not take part (an empty role)."""

EXTRA_EXAMPLES = ("value A", "value B", "value A")
"""Example values of an extra column the design compares (same or different)."""


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template.

    Attributes:
        name: the header, as the roster reader recognises it.
        title: its name on the matching step's form ("Manager's id").
        meaning: what it holds.
        required: whether a roster without it is refused under these settings.
        why: why it is required ("every roster needs it", "the skills criterion is
            on"), or ``""``.
    """

    name: str
    title: str
    meaning: str
    required: bool
    why: str = ""

    @property
    def requirement(self) -> str:
        """ "Required: why" or "Optional", as the template and the page say it."""
        return f"Required: {self.why}" if self.required else "Optional"


def template_columns(matching: Matching | None = None) -> list[TemplateColumn]:
    """Every roster column under these settings: the canonical ones, then each extra
    column the design's criteria compare."""
    matching = matching or Matching()
    need = required_columns(matching)
    extras = [c for c in matching.extra_criteria if c not in CANONICAL]
    known = {e.key: e for e in knowledge.catalogue("roster_columns")}
    out = [
        TemplateColumn(c, known[c].title, known[c].description, c in need, need.get(c, ""))
        for c in CANONICAL
    ]
    for column in extras:
        mode = matching.extra_criteria[column].mode
        out.append(
            TemplateColumn(
                column,
                column,
                f"A column of your own the design compares: matches favour the {mode} value",
                column in need,
                need.get(column, ""),
            )
        )
    return out


def template_rows(matching: Matching | None = None) -> list[list[str]]:
    """The header and the three example rows, as text."""
    names = [c.name for c in template_columns(matching)]
    body = [
        [person.get(n, EXTRA_EXAMPLES[i] if n not in CANONICAL else "") for n in names]
        for i, person in enumerate(EXAMPLES)
    ]
    return [names, *body]


def template_csv(matching: Matching | None = None) -> bytes:
    """The CSV template: UTF-8 with a byte-order mark, so Excel reads it correctly."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(template_rows(matching))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(matching: Matching | None = None) -> bytes:
    """The XLSX template: the roster (header and examples), then the "Columns" sheet."""
    described = [["column", "name", "required", "meaning"]] + [
        [c.name, c.title, c.requirement, c.meaning] for c in template_columns(matching)
    ]
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": _sheet(template_rows(matching)),
        "xl/worksheets/sheet2.xml": _sheet(described),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            # A fixed date: the same settings give the same bytes.
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


# --------------------------------------------------------------------------- XLSX parts


def _column_letter(k: int) -> str:
    letters = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _sheet(table: list[list[str]]) -> str:
    """A worksheet of inline text cells (no shared strings or styles to keep in step)."""
    lines = []
    for i, row in enumerate(table, start=1):
        cells = "".join(
            f'<c r="{_column_letter(j)}{i}" t="inlineStr"><is><t xml:space="preserve">'
            f"{escape(value)}</t></is></c>"
            for j, value in enumerate(row)
            if value != ""
        )
        lines.append(f'<row r="{i}">{cells}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Roster" sheetId="1" r:id="rId1"/>'
    '<sheet name="Columns" sheetId="2" r:id="rId2"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>'
)
