"""The charter as a Word document, for stakeholders who edit and comment in Word.

Word has no template language that python-docx can fill, so this module walks the same
:class:`~workbook.charter.Charter` blocks the Jinja2 templates do and uses Word's own
structures: the built-in ``Title`` and ``Heading 1..2`` styles (so Word's navigation
pane and table of contents work), real tables with a header row (the objectives table
among them), and the timeline chart as an inline picture. Values are added as text
runs, never parsed, so nothing a user typed can become markup.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from workbook import archive
from workbook.charter.blocks import (
    TBD,
    Block,
    Bullets,
    Chart,
    Charter,
    Fields,
    Paragraph,
    Section,
    Table,
)

_TBD_COLOUR = RGBColor(0xA9, 0x44, 0x12)


def _value(paragraph: DocxParagraph, value: str | None) -> None:
    """Add a value to a paragraph: open decisions in italic orange, unset as a dash."""
    if value is None:
        run = paragraph.add_run(TBD)
        run.italic = True
        run.font.color.rgb = _TBD_COLOUR
    else:
        paragraph.add_run(value or "—")


def _table(doc: DocxDocument, columns: Sequence[str], rows: Iterable[Sequence[str | None]]) -> None:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    header = table.rows[0].cells
    for cell, name in zip(header, columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(name).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            _value(cell.paragraphs[0], value)
    # Word joins tables that touch into one; an empty paragraph keeps them apart.
    doc.add_paragraph()


def _block(doc: DocxDocument, block: Block) -> None:
    if isinstance(block, Paragraph):
        doc.add_paragraph(block.text)
        return
    title = getattr(block, "title", "")
    if title:
        doc.add_heading(title, level=2)
    match block:
        case Fields():
            _table(doc, ("Item", "Decision"), [(e.label, e.value) for e in block.rows])
        case Bullets():
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
            if not block.items:
                _value(doc.add_paragraph(), None if block.empty else "None")
        case Table():
            if block.rows:
                _table(doc, block.columns, block.rows)
            else:
                _value(doc.add_paragraph(), None if block.empty else "None")
        case Chart():
            doc.add_picture(io.BytesIO(block.png), width=Inches(6.3))
            caption = doc.add_paragraph("Figure: the program timeline.", style="Caption")
            caption.runs[0].italic = True


def _section(doc: DocxDocument, section: Section) -> None:
    if section.key == "signoff":
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading(f"{section.number}. {section.title}", level=1)
    status = doc.add_paragraph()
    status.add_run("Status: ").bold = True
    if section.decided:
        status.add_run("decided")
    else:
        _value(status, None)
        status.add_run(f" ({len(section.open)} open)")
    for block in section.blocks:
        _block(doc, block)


def render_docx(charter: Charter) -> bytes:
    """The charter as the bytes of a ``.docx`` file."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    props = doc.core_properties
    props.title = f"Program charter: {charter.title}"
    props.subject = "Mentoring program charter"
    props.author = charter.owner or "Mentoring workbook"
    props.last_modified_by = props.author
    props.comments = f"{charter.version}, {charter.date}"

    doc.add_heading(f"Program charter: {charter.title}", level=0)
    meta = doc.add_paragraph()
    for label, value in (
        ("Organisation", charter.organisation or None),
        ("Version", charter.version),
        ("Date", charter.date),
        ("Owner", charter.owner),
        ("Sponsor", charter.sponsor),
    ):
        meta.add_run(f"{label}: ").bold = True
        _value(meta, value)
        meta.add_run().add_break()

    doc.add_heading("Readiness checklist", level=1)
    if charter.ready:
        doc.add_paragraph("Ready to sign: every decision is made and no rule is broken.")
    else:
        doc.add_paragraph(
            f"Not ready to sign: {len(charter.open_decisions)} decision(s) open, "
            f"{len(charter.findings)} rule(s) broken."
        )
    doc.add_heading("Decisions still open", level=2)
    if charter.open_decisions:
        _table(
            doc,
            ("Section", "Decision", "Step", "Field"),
            [(d.section, d.label, d.step, d.field) for d in charter.open_decisions],
        )
    else:
        doc.add_paragraph("None")
    doc.add_heading("Rules broken", level=2)
    if charter.findings:
        _table(
            doc,
            ("Rule", "Severity", "Problem", "Fix"),
            [(f.rule, f.severity, f.message, f.fix) for f in charter.findings],
        )
    else:
        doc.add_paragraph("None")
    for section in charter.sections:
        _section(doc, section)

    out = io.BytesIO()
    doc.save(out)
    return archive.pin(out.getvalue())
