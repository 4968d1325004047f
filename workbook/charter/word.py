"""The charter as a Word document: the copy a sponsor reads, comments on, prints and signs.

Word has no template language that python-docx can fill, so this module walks the same
:class:`~workbook.charter.Charter` blocks the Jinja2 templates do and uses Word's own
structures, because a sponsor's Word is what lays the document out:

* the organisation's paper (``A4`` or ``Letter``, from the design) with margins to match,
  and the document's language (``en-GB``, the workbook's spelling) for the spelling check;
* a header on every page naming the program and its revision, marked *DRAFT* until every
  approval has a name and a date, and a footer with ``Page X of Y`` as real ``PAGE`` and
  ``NUMPAGES`` fields (a printed page that strays from the pile can be put back);
* the built-in ``Title`` and ``Heading 1..2`` styles, so Word's navigation pane, a table
  of contents and the PDF's bookmarks all work;
* tables exactly as wide as the text, with column widths from their content, a header row
  that repeats on every page a long table runs over, rows that do not split across pages,
  and room to sign by hand in the sign-off table.

Values are added as text runs, never parsed, so nothing a user typed can become markup.
The same bytes are what :mod:`workbook.charter.pdf` turns into the PDF.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Emu, Inches, Length, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import _Row
from docx.text.paragraph import Paragraph as DocxParagraph

from workbook import archive
from workbook.charter.blocks import (
    TBD,
    Block,
    Bullets,
    Chart,
    Charter,
    Fields,
    Figure,
    Paragraph,
    Section,
    Table,
)

LANGUAGE = "en-GB"
"""The language of the words the workbook writes (British spelling: "organisation")."""
DRAFT = "DRAFT — not yet approved"
"""The header's mark on every page until every approval has a name and a date."""

_TBD_COLOUR = RGBColor(0xA9, 0x44, 0x12)
_DRAFT_COLOUR = RGBColor(0xC0, 0x00, 0x00)
_QUIET_COLOUR = RGBColor(0x59, 0x59, 0x59)
_HEADER_FILL = "E7E6E6"
_TABLE_TEXT = "Table Text"
_TABLE_FONT = Pt(9.5)
_CHAR_WIDTH = Pt(4.8)
"""About the mean advance of a character of the body font (the template's Cambria) at the
table's size. Column widths are estimated from text lengths, so it decides when a table's
text counts as fitting on one line; the widths' ratios do not hinge on its precision."""


@dataclass(frozen=True)
class Page:
    """A sheet of paper and its margins (the same on every side)."""

    width: Length
    height: Length
    margin: Length
    edge: Length
    """How far the header and the footer sit from the sheet's edge."""

    @property
    def text_width(self) -> Length:
        """The width between the margins: every table and the timeline are this wide."""
        return Emu(self.width - 2 * self.margin)


PAGES = {
    "A4": Page(Mm(210), Mm(297), Cm(2), Cm(1)),
    "Letter": Page(Inches(8.5), Inches(11), Inches(0.8), Inches(0.4)),
}
"""The papers a design's ``program.page_size`` names."""


@dataclass(frozen=True)
class _Layout:
    """How one kind of table is laid out, when its content alone would not say it well."""

    shares: tuple[float, ...] = ()
    """Each column's share of the width; empty means "from the content"."""
    row_height: Length | None = None
    """The least height of a body row (room for a handwritten signature)."""
    blank: bool = False
    """An unset cell stays empty instead of showing a dash: it is filled in by hand."""


_FIELDS_LAYOUT = _Layout(shares=(0.3, 0.7))
"""Item / Decision: the same split in every section, so the columns line up page after page."""
_LAYOUTS = {
    # A signature needs width and height the typed columns do not (the HTML gives 3rem).
    "signoff": _Layout(shares=(0.28, 0.26, 0.16, 0.30), row_height=Cm(1.3), blank=True),
}


# --------------------------------------------------------------------------- low level


def _element(tag: str, **attributes: str) -> BaseOxmlElement:
    """A WordprocessingML element with ``w:`` attributes (python-docx has no API for these)."""
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _field(paragraph: DocxParagraph, code: str, shown: str) -> None:
    """Add a field (``PAGE``, ``NUMPAGES``) that Word and LibreOffice compute when they lay
    the document out; ``shown`` is what a reader that computes no fields displays."""
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="begin"))
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="end"))


def column_widths(
    columns: Sequence[str], rows: Iterable[Sequence[str | None]], width: int
) -> list[int]:
    """Widths in twips, summing to ``width``, that give each column what its text needs.

    Estimated from character counts, much as a browser lays out a table: a column never
    gets less than its longest word (so no word is cut), a short column (a date, an
    amount, "Not assessed") gets a whole line for its longest value when that leaves
    the others their longest word, and what remains goes to the long columns in
    proportion to how much more they would need to fit on one line. A table whose
    every value fits on one line is stretched in proportion to its lines.
    """
    texts = [[name] for name in columns]
    for row in rows:
        for cell, value in zip(texts, row, strict=True):
            cell.append(TBD if value is None else value or "—")
    pad = 2  # the cell's own left and right margins, in characters
    # A word must never break, and capitals and wide letters take more than the mean
    # width, the bold header's most: a column's least width is its longest word, and a
    # tenth more (a fifth in the header).
    least = [
        max(5, math.ceil(max(1.2 * _longest(col[:1]), 1.1 * _longest(col[1:]))) + pad)
        for col in texts
    ]
    most = [max(lo, max(len(t) for t in col) + pad) for lo, col in zip(least, texts, strict=True)]
    room = width / _CHAR_WIDTH.twips  # the characters a line of the table holds
    chars = [float(c) for c in most]
    if sum(most) > room:
        chars = [float(c) for c in least]
        short = [i for i, m in enumerate(most) if m <= room / len(columns)]
        for i in sorted(short, key=most.__getitem__):
            if sum(chars) + most[i] - least[i] <= room:
                chars[i] = most[i]
        spare = room - sum(chars)
        longer = [i for i, c in enumerate(chars) if c < most[i]]
        wanted = sum(most[i] - least[i] for i in longer)
        if spare > 0 and wanted:
            for i in longer:
                chars[i] += spare * (most[i] - least[i]) / wanted
    return _split(width, [c / sum(chars) for c in chars])


def _longest(texts: Sequence[str]) -> int:
    """The length of the longest word in these texts."""
    return max((len(word) for text in texts for word in text.split()), default=0)


def _split(width: int, shares: Sequence[float]) -> list[int]:
    """``width`` cut in these proportions, in whole units that add up to ``width`` exactly."""
    widths = [int(width * s) for s in shares]
    widths[-1] += width - sum(widths)
    return widths


def _open(paragraph: DocxParagraph, text: str = TBD) -> None:
    """Add text that marks an open decision: italic, in the colour every format uses."""
    run = paragraph.add_run(text)
    run.italic = True
    run.font.color.rgb = _TBD_COLOUR


def _mark_header(row: _Row) -> None:
    """Make a table's first row its header: repeated on every page the table runs over
    (``w:tblHeader``, also what screen readers and a tagged PDF take as column headings),
    shaded, and kept on the same page as the first row below it."""
    row._tr.get_or_add_trPr().append(_element("w:tblHeader"))
    for cell in row.cells:
        cell._tc.get_or_add_tcPr().append(
            _element("w:shd", val="clear", color="auto", fill=_HEADER_FILL)
        )
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


# --------------------------------------------------------------------------- the writer


class _Writer:
    """Lays blocks out one after another in a document set up for one charter.

    It remembers whether the last thing written was a table, because Word joins two
    tables with nothing between them into one, and text right under a table needs a
    little air: a spacer goes only between two tables, never after every table.
    """

    def __init__(self, charter: Charter) -> None:
        self.charter = charter
        self.page = PAGES[charter.page_size]
        self.doc: DocxDocument = Document()
        self.after_table = False
        self.previous = ""
        """The key of the section written last."""
        self._new_page = True
        """The contents start a new page (the list of what is left already did)."""
        self._style_ids: dict[str, str] = {}
        self._styles()
        self._page_setup()
        self._properties()

    # -- the document's frame

    def _styles(self) -> None:
        styles = self.doc.styles
        normal = cast(ParagraphStyle, styles["Normal"])
        normal.font.size = Pt(10.5)
        defaults = styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            for lang in defaults.iter(qn("w:lang")):
                lang.set(qn("w:val"), LANGUAGE)
        text = cast(ParagraphStyle, styles.add_style(_TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH))
        text.base_style = normal
        text.font.size = _TABLE_FONT
        fmt = text.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(2), Pt(2), 1.0
        for name in ("Header", "Footer"):
            style = cast(ParagraphStyle, styles[name])
            style.font.size = Pt(9)
            style.font.color.rgb = _QUIET_COLOUR
            stops = style.paragraph_format.tab_stops
            stops.clear_all()  # the template's stops are for a 6.5-inch line
            stops.add_tab_stop(self.page.text_width, WD_TAB_ALIGNMENT.RIGHT)
        settings = self.doc.settings.element
        # The template says its spelling was checked; the charter's text never was.
        for stale in settings.findall(qn("w:proofState")):
            settings.remove(stale)
        # Word 2013+ layout: tables align with the margin instead of jutting into it, and
        # Word opens the file without "Compatibility Mode".
        for setting in settings.iter(qn("w:compatSetting")):
            if setting.get(qn("w:name")) == "compatibilityMode":
                setting.set(qn("w:val"), "15")

    def _page_setup(self) -> None:
        charter, page = self.charter, self.page
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = page.width, page.height
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, page.margin)
        section.header_distance = section.footer_distance = page.edge
        section.different_first_page_header_footer = False

        header = section.header.paragraphs[0]
        header.add_run(f"{charter.title} · {charter.version} · {charter.date}")
        if charter.signable and not charter.signed:
            header.add_run("\t")  # to the right margin
            mark = header.add_run(DRAFT)
            mark.bold = True
            mark.font.color.rgb = _DRAFT_COLOUR

        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _field(footer, "PAGE", "1")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES", "1")

    def _properties(self) -> None:
        """File > Info in Word and the PDF's document properties: what, which, whether draft."""
        charter = self.charter
        props = self.doc.core_properties
        props.title = f"{charter.document}: {charter.title}"
        props.category = charter.document
        props.version = charter.version
        props.language = LANGUAGE
        props.author = charter.owner or "Mentoring workbook"
        props.last_modified_by = props.author
        if not charter.signable:
            props.subject = f"Mentoring program {charter.document.lower()}, {charter.date}"
            props.keywords = f"mentoring; {charter.document.lower()}; {charter.version}"
            props.comments = f"{charter.version}, {charter.date}"
            return
        state = "approved" if charter.signed else "draft, not yet approved"
        props.subject = f"Mentoring program charter, {charter.version} ({state})"
        props.keywords = f"mentoring; program charter; {charter.version}; {state}"
        props.content_status = "Approved" if charter.signed else "Draft"
        props.comments = f"{charter.version}, {charter.date}; {state}"

    # -- blocks

    def styled(self, paragraph: DocxParagraph, style: str) -> None:
        """Give a paragraph a style by name.

        python-docx's own ``paragraph.style = name`` searches every style of the
        document twice for each paragraph, which took half the time of the whole
        document; the style's id is looked up once here, then set directly.
        """
        if style not in self._style_ids:
            self._style_ids[style] = self.doc.styles[style].style_id
        paragraph._p.style = self._style_ids[style]

    def paragraph(self, text: str = "", style: str | None = None) -> DocxParagraph:
        """A paragraph; the first one under a table keeps a little distance from it."""
        paragraph = self.doc.add_paragraph(text)
        if style:
            self.styled(paragraph, style)
        if self.after_table:
            paragraph.paragraph_format.space_before = Pt(8)
        self.after_table = False
        return paragraph

    def heading(self, text: str, level: int) -> DocxParagraph:
        """A paragraph in Word's built-in heading style (0 is ``Title``)."""
        self.after_table = False  # headings bring their own space above
        heading = self.doc.add_paragraph(text)
        self.styled(heading, f"Heading {level}" if level else "Title")
        return heading

    def value(self, paragraph: DocxParagraph, value: str | None) -> None:
        """Add a value to a paragraph: open decisions in italic orange, unset as a dash."""
        if value is None:
            _open(paragraph)
        else:
            paragraph.add_run(value or "—")

    def table(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[str | None]],
        layout: _Layout | None = None,
    ) -> None:
        """A table as wide as the text, its header row repeated on every page it runs over."""
        if self.after_table:
            spacer = self.doc.add_paragraph().paragraph_format
            spacer.space_before, spacer.space_after, spacer.line_spacing = Pt(0), Pt(0), Pt(8)
        width = int(self.page.text_width.twips)
        layout = layout or _Layout()
        if layout.shares:
            widths = _split(width, layout.shares)
        else:
            widths = column_widths(columns, rows, width)
        table = self.doc.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        table.autofit = False  # fixed layout: Word keeps these widths whatever the text
        tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
        if tbl_w is not None:
            tbl_w.set(qn("w:type"), "dxa")
            tbl_w.set(qn("w:w"), str(width))
        for column, twips in zip(table.columns, widths, strict=True):
            column.width = Emu(twips * 635)  # 635 EMU to the twip
        for name, cell in zip(columns, table.rows[0].cells, strict=True):
            cell.paragraphs[0].add_run(name).bold = True
        for row in rows:
            added = table.add_row()
            if layout.row_height is not None:
                added.height = layout.row_height
                added.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            for cell, value in zip(added.cells, row, strict=True):
                if not (layout.blank and value == ""):
                    self.value(cell.paragraphs[0], value)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for row in table.rows:
            # A row stays whole on one page; the table itself breaks between rows.
            row._tr.get_or_add_trPr().append(_element("w:cantSplit"))
            for cell, twips in zip(row.cells, widths, strict=True):
                cell.width = Emu(twips * 635)
                for paragraph in cell.paragraphs:
                    self.styled(paragraph, _TABLE_TEXT)
        _mark_header(table.rows[0])
        self.after_table = True

    def empty(self, text: str) -> None:
        """What an empty list or table shows: its own words as an open decision, else "None"."""
        if text:
            _open(self.paragraph(), text)
        else:
            self.paragraph("None")

    def block(self, block: Block) -> None:
        """Lay one block out, as the templates do (``macros.*.j2``)."""
        if isinstance(block, Paragraph):
            self.paragraph(block.text)
            return
        title = getattr(block, "title", "")
        if title:
            self.heading(title, level=2)
        match block:
            case Fields():
                self.table(
                    ("Item", "Decision"), [(e.label, e.value) for e in block.rows], _FIELDS_LAYOUT
                )
            case Bullets():
                for item in block.items:
                    self.paragraph(item, style="List Bullet")
                if not block.items:
                    self.empty(block.empty)
            case Table():
                if block.rows:
                    self.table(block.columns, block.rows, _LAYOUTS.get(block.key))
                else:
                    self.empty(block.empty)
            case Chart() | Figure():
                picture = self.paragraph()
                picture.paragraph_format.keep_with_next = True  # the caption follows it
                shape = picture.add_run().add_picture(
                    io.BytesIO(block.png), width=self.page.text_width
                )
                shape._inline.docPr.set("descr", block.alt)  # alt text for screen readers
                words = block.caption if isinstance(block, Figure) else "the program timeline."
                caption = self.paragraph(f"Figure: {words}", style="Caption")
                caption.runs[0].italic = True

    def section(self, section: Section) -> None:
        """A section: its heading, how many decisions it still lacks, its blocks."""
        heading = self.heading(section.heading, level=1)
        if "signoff" in (section.key, self.previous):
            # The page a sponsor signs holds the sign-off alone, so it can be signed,
            # scanned or replaced on its own.
            heading.paragraph_format.page_break_before = True
        self.previous = section.key
        if section.open:
            status = self.paragraph()
            status.paragraph_format.keep_with_next = True
            _open(status, f"{TBD}: {len(section.open)} decision(s) open")
        for block in section.blocks:
            self.block(block)

    # -- the whole charter

    def front(self) -> None:
        """The title and the charter's particulars, marked as a draft until signed."""
        charter = self.charter
        self.heading(f"{charter.document}: {charter.title}", level=0)
        meta = self.paragraph()
        lines = (
            ("Organisation", charter.organisation or None),
            ("Version", charter.version),
            ("Date", charter.date),
            ("Owner", charter.owner),
            ("Sponsor", charter.sponsor),
        )
        for i, (label, value) in enumerate(lines):
            if i:
                meta.add_run().add_break()
            meta.add_run(f"{label}: ").bold = True
            self.value(meta, value)
        if charter.signable and not charter.signed:
            mark = self.paragraph().add_run(DRAFT)
            mark.bold = True
            mark.font.color.rgb = _DRAFT_COLOUR

    def readiness(self) -> None:
        """One line under the title: whether the charter can be signed (the list of
        what is left follows the summary, so the summary keeps the first page)."""
        charter = self.charter
        if not charter.signable:
            return
        verdict = self.paragraph()
        if charter.ready:
            verdict.add_run("Ready to sign:").bold = True
            verdict.add_run(" every decision is made and the design passes every check.")
            return
        verdict.add_run("Not ready to sign:").bold = True
        verdict.add_run(
            f" {len(charter.open_decisions)} decision(s) to make, "
            f"{len(charter.findings)} problem(s) to resolve (listed after the summary)."
        )

    def todo(self) -> None:
        """Every decision and problem left before the charter can be signed, on the page
        after the summary."""
        charter = self.charter
        if charter.ready or not charter.signable:
            return
        heading = self.heading("Before this charter can be signed", level=1)
        heading.paragraph_format.page_break_before = True
        self._new_page = False
        for d in charter.open_decisions:
            step = f"; decided in the step {d.step}" if d.step else ""
            self.paragraph(f"{d.label} (section {d.section}{step})", style="List Bullet")
        for f in charter.findings:
            item = self.paragraph(style="List Bullet")
            item.add_run(f.title).bold = True
            item.add_run(f": {f.message}. What to do: {f.fix}")

    def contents(self) -> None:
        """Every section after the summary, marked when it is still to be decided.

        A list, as the other formats have, rather than a ``TOC`` field: a field shows
        nothing until Word is asked to update it, and Word asks whether to update every
        time the file is opened.
        """
        # The summary is the sponsor's page: what follows starts on a page of its own.
        self.heading("Contents", level=1).paragraph_format.page_break_before = self._new_page
        for section in self.charter.sections:
            if section.kind == "summary":
                continue
            entry = self.paragraph(section.heading)
            entry.paragraph_format.space_after = Pt(2)
            if not section.decided:
                entry.add_run(" ")
                _open(entry, "(to be decided)")

    def save(self) -> bytes:
        """The document's bytes, timestamps pinned (:func:`workbook.archive.pin`)."""
        out = io.BytesIO()
        self.doc.save(out)
        return archive.pin(out.getvalue())


def render_docx(charter: Charter) -> bytes:
    """The charter as the bytes of a ``.docx`` file."""
    writer = _Writer(charter)
    writer.front()
    writer.readiness()
    for section in charter.sections:
        writer.section(section)
        if section.kind == "summary":  # where the templates put them (``base.j2``)
            writer.todo()
            writer.contents()
    return writer.save()
