"""The Word charter as a document a sponsor prints and signs, and its PDF.

The ``.docx`` is read back with python-docx and its XML (what Word lays out from): the
paper, the header and footer on every page, the draft mark, the heading styles, tables
that fit the page and repeat their header row. The PDF is made by LibreOffice, as
``workbook charter --format pdf`` makes it, and read with poppler's ``pdfinfo`` and
``pdftotext``: the paper, the text a reader sees on each page, the page numbers Word's
fields become. ``make test`` installs LibreOffice and poppler; without them the PDF tests
fail saying what to install, they are never skipped.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length
from helpers import example

from workbook import charter as ch
from workbook import clock, store
from workbook.charter import pdf
from workbook.charter.render import available_formats
from workbook.charter.word import DRAFT, column_widths
from workbook.design import Design
from workbook.errors import CharterError, InputError

TODAY = dt.date(2026, 11, 23)


def with_paper(design: Design, size: str) -> Design:
    return design.model_copy(
        update={"program": design.program.model_copy(update={"page_size": size})}
    )


def signed(design: Design, *, last_dated: bool = True) -> Design:
    """Every approval with a name and a date, or the last one with a name only."""
    approvals = [
        a.model_copy(update={"name": f"Approver {i}", "date": dt.date(2026, 11, 20)})
        for i, a in enumerate(design.approvals, 1)
    ]
    if not last_dated:
        approvals[-1] = approvals[-1].model_copy(update={"date": None})
    return design.model_copy(update={"approvals": approvals})


def word(design: Design) -> Any:
    """The design's Word charter, opened as Word's files are read."""
    return Document(io.BytesIO(ch.render(ch.build(design, today=TODAY), "docx")))


@pytest.fixture(scope="module")
def a4() -> Any:
    return word(example())


@pytest.fixture(scope="module")
def letter() -> Any:
    return word(with_paper(example(), "Letter"))


def text_width(section: Any) -> Length:
    return Length(section.page_width - section.left_margin - section.right_margin)


def header_text(doc: Any) -> str:
    return "\n".join(p.text for s in doc.sections for p in s.header.paragraphs)


def all_text(doc: Any) -> str:
    """Every word a reader of the document sees: body, tables, headers, footers."""
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in doc.sections for p in (*s.header.paragraphs, *s.footer.paragraphs)]
    return "\n".join(parts)


def field_codes(element: Any) -> list[str]:
    """The field codes in a part of the document (complex and simple fields)."""
    codes = [t.text.strip() for t in element.iter(qn("w:instrText"))]
    return codes + [f.get(qn("w:instr")).strip() for f in element.iter(qn("w:fldSimple"))]


def twips(element: Any, tag: str) -> int:
    return int(element.find(qn(tag)).get(qn("w:w")))


# --------------------------------------------------------------------------- the page


def test_the_example_program_prints_on_a4() -> None:
    assert example().program.page_size == "A4"


@pytest.mark.parametrize(
    ("doc", "width", "height", "margin"),
    [
        pytest.param("a4", 210 / 25.4, 297 / 25.4, 2 / 2.54, id="A4"),
        pytest.param("letter", 8.5, 11, 0.8, id="Letter"),
    ],
)
def test_the_paper_is_the_organisations(
    doc: str, width: float, height: float, margin: float, request: pytest.FixtureRequest
) -> None:
    for section in request.getfixturevalue(doc).sections:
        assert section.page_width.inches == pytest.approx(width, abs=0.01)
        assert section.page_height.inches == pytest.approx(height, abs=0.01)
        for side in (section.left_margin, section.right_margin, section.top_margin):
            assert side.inches == pytest.approx(margin, abs=0.01)
        # The header and footer sit inside the margin, not on the text.
        assert section.header_distance < section.top_margin
        assert section.footer_distance < section.bottom_margin


def test_every_page_has_a_header_naming_the_program_and_its_revision(a4: Any) -> None:
    design, charter = example(), ch.build(example(), today=TODAY)
    for section in a4.sections:
        assert not section.different_first_page_header_footer  # the first page too
        text = "".join(p.text for p in section.header.paragraphs)
        assert f"{design.program.name} · revision {design.revision} · {charter.date}" in text
    assert not a4.settings.odd_and_even_pages_header_footer  # one header for every page


def test_the_footer_numbers_the_pages_with_word_fields(a4: Any) -> None:
    for section in a4.sections:
        footer = section.footer
        assert field_codes(footer._element) == ["PAGE", "NUMPAGES"]
        # A reader that computes no field still shows a page number, not a gap.
        assert "".join(p.text for p in footer.paragraphs) == "Page 1 of 1"


@pytest.mark.parametrize(
    ("approvals", "draft"),
    [
        ("none signed", True),
        ("one date missing", True),
        ("all signed", False),
    ],
)
def test_the_charter_is_marked_draft_until_every_approval_is_signed(
    approvals: str, draft: bool
) -> None:
    design = example()
    assert design.approvals and not any(a.name for a in design.approvals)
    if approvals != "none signed":
        design = signed(design, last_dated=approvals == "all signed")
    doc = word(design)
    props = doc.core_properties
    if draft:
        assert DRAFT in header_text(doc)
        assert props.content_status == "Draft" and "draft" in props.subject
    else:
        assert "DRAFT" not in all_text(doc)
        assert "draft" not in f"{props.subject} {props.keywords} {props.comments}".lower()
        assert props.content_status == "Approved"
    # File > Info names the program and the revision either way.
    assert design.program.name in props.title
    assert f"revision {design.revision}" in props.subject


def test_the_document_is_in_british_english(a4: Any) -> None:
    defaults = a4.styles.element.find(qn("w:docDefaults"))
    assert {lang.get(qn("w:val")) for lang in defaults.iter(qn("w:lang"))} == {"en-GB"}
    assert a4.core_properties.language == "en-GB"
    # Word checks the charter's spelling instead of trusting the template's "checked".
    assert a4.settings.element.find(qn("w:proofState")) is None


# --------------------------------------------------------------------------- structure


def test_headings_use_words_heading_styles(a4: Any) -> None:
    """Word's navigation pane, a table of contents and the PDF's bookmarks list the
    paragraphs whose style has an outline level: the built-in headings."""
    charter = ch.build(example(), today=TODAY)
    styled = {(p.text, p.style.name) for p in a4.paragraphs}
    assert (f"Program charter: {charter.title}", "Title") in styled
    for section in charter.sections:
        assert (section.heading, "Heading 1") in styled
        for block in section.blocks:
            if getattr(block, "title", ""):
                assert (block.title, "Heading 2") in styled
    for name, level in (("Heading 1", "0"), ("Heading 2", "1")):
        outline = a4.styles[name].element.pPr.find(qn("w:outlineLvl"))
        assert outline.get(qn("w:val")) == level


def test_sign_off_starts_a_page_of_its_own(a4: Any) -> None:
    """The page a sponsor signs holds the sign-off alone: what follows starts a new page.
    So does what follows the summary, which is the sponsor's first page."""
    sections = ch.build(example(), today=TODAY).sections
    signoff = [s.key for s in sections].index("signoff")
    breaks = [p.text for p in a4.paragraphs if p.paragraph_format.page_break_before]
    assert breaks == ["Contents", *[s.heading for s in sections[signoff : signoff + 2]]]


@pytest.mark.parametrize("doc", ["a4", "letter"])
def test_every_table_fits_the_text_width(doc: str, request: pytest.FixtureRequest) -> None:
    document = request.getfixturevalue(doc)
    width = text_width(document.sections[0]).twips
    assert len(document.tables) > 10
    for table in document.tables:
        tbl = table._tbl
        assert tbl.tblPr.find(qn("w:tblW")).get(qn("w:type")) == "dxa"
        assert twips(tbl.tblPr, "w:tblW") == pytest.approx(width, abs=2)
        assert table.autofit is False  # fixed layout: Word keeps the widths
        grid = [int(g.get(qn("w:w"))) for g in tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) == twips(tbl.tblPr, "w:tblW")
        for row in table.rows:
            assert [twips(c._tc.tcPr, "w:tcW") for c in row.cells] == grid


def test_table_header_rows_repeat_on_every_page_and_rows_stay_whole(a4: Any) -> None:
    for table in a4.tables:
        rows = [r._tr.trPr for r in table.rows]
        assert rows[0].find(qn("w:tblHeader")) is not None
        assert all(r.find(qn("w:tblHeader")) is None for r in rows[1:])
        assert all(r.find(qn("w:cantSplit")) is not None for r in rows)


def test_item_decision_tables_line_up_from_section_to_section(a4: Any) -> None:
    grids = {
        tuple(int(g.get(qn("w:w"))) for g in t._tbl.tblGrid.findall(qn("w:gridCol")))
        for t in a4.tables
        if [c.text for c in t.rows[0].cells] == ["Item", "Decision"]
    }
    assert len(grids) == 1
    ((item, decision),) = grids
    assert 0.25 < item / (item + decision) < 0.35


def test_the_sign_off_table_leaves_room_to_sign_by_hand(a4: Any) -> None:
    table = next(t for t in a4.tables if t.rows[0].cells[-1].text == "Signature")
    grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert grid[-1] / sum(grid) >= 0.25
    roles = [a.role for a in example().approvals]
    assert [r.cells[0].text for r in table.rows[1:]] == roles
    for row in table.rows[1:]:
        assert row.height.cm >= 1.2
        # Unsigned: name, date and signature are blank lines to write on, not dashes.
        assert [c.text for c in row.cells[1:]] == ["", "", ""]


def test_tables_are_never_followed_by_an_empty_paragraph_except_between_two_tables(
    a4: Any,
) -> None:
    body = [el for el in a4.element.body if el.tag != qn("w:sectPr")]
    tags = [el.tag.rsplit("}", 1)[1] for el in body]
    spacers = 0
    for i, (el, tag) in enumerate(zip(body, tags, strict=True)):
        empty = tag == "p" and not "".join(el.itertext()).strip()
        if empty and el.find(f".//{qn('w:drawing')}") is None and i and tags[i - 1] == "tbl":
            assert tags[i + 1 : i + 2] == ["tbl"], f"an empty paragraph after table {i}"
            spacers += 1
    assert spacers < tags.count("tbl") / 2  # most tables have a heading or text after them


def test_the_timeline_has_alternative_text(a4: Any) -> None:
    (shape,) = a4.inline_shapes
    assert shape._inline.docPr.get("descr")
    assert shape.width == pytest.approx(text_width(a4.sections[0]), abs=635)  # a twip


@pytest.mark.parametrize(
    ("columns", "rows", "expect"),
    [
        # Everything fits on one line: widths follow the lines.
        (("Criterion", "Weight"), [("Skills", "2")], lambda w: w[0] > w[1]),
        # A date column gets a whole line; the long column takes the rest.
        (
            ("What", "Date"),
            [("a long description of the step " * 6, "2027-03-01")],
            lambda w: w[1] >= len("2027-03-01") * 96 and w[0] > 3 * w[1],
        ),
        # No column is narrower than its longest word.
        (
            ("A", "B"),
            [("x" * 30, "a long text that wraps over several lines of the table " * 5)],
            lambda w: w[0] >= 30 * 96,
        ),
    ],
)
def test_column_widths(columns: tuple[str, ...], rows: list[tuple[str, ...]], expect: Any) -> None:
    widths = column_widths(columns, rows, 9638)
    assert sum(widths) == 9638 and all(w > 0 for w in widths)
    assert expect(widths), widths


# --------------------------------------------------------------------------- PDF


def pdf_tools() -> None:
    """Fail, saying what to install, when this machine cannot make or read a PDF."""
    missing = [
        name
        for name, ok in (
            ("LibreOffice (Debian: libreoffice-writer-nogui)", pdf.available()),
            ("poppler-utils (pdfinfo, pdftotext)", shutil.which("pdfinfo") is not None),
        )
        if not ok
    ]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not installed: run `make test`, which installs them")


def pdf_pages(data: bytes, tmp: Path) -> tuple[list[str], list[tuple[float, float]]]:
    """The text of each page and each page's size in points, as poppler reads them."""
    path = tmp / "charter.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = text.split("\f")[:-1]
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(len(pages)), str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    sizes = [(float(w), float(h)) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info)]
    return pages, sizes


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[Any]]:
    pdf_tools()
    data = ch.render(ch.build(example(), today=TODAY), "pdf")
    return pdf_pages(data, tmp_path_factory.mktemp("pdf"))


def test_the_pdf_is_the_word_document_on_a4(example_pdf: tuple[list[str], list[Any]]) -> None:
    pages, sizes = example_pdf
    assert len(pages) > 5 and len(sizes) == len(pages)
    assert all(
        w == pytest.approx(595.3, abs=0.5) and h == pytest.approx(841.9, abs=0.5) for w, h in sizes
    )
    name = example().program.name
    for number, page in enumerate(pages, 1):
        # Word's header and its PAGE and NUMPAGES fields, laid out on every page.
        assert f"{name} · revision {example().revision}" in page
        assert DRAFT in page
        assert re.search(rf"Page\s+{number}\s+of\s+{len(pages)}\b", page), page[-200:]
    assert "Program charter:" in pages[0] and "Northwind" in pages[0]


def test_pdf_through_the_command_line_on_letter(tmp_path: Path) -> None:
    from workbook.cli import cli

    pdf_tools()
    design = tmp_path / "design.yaml"
    design.write_bytes(store.dump(with_paper(example(), "Letter")))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["charter", str(design), "-o", str(out), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    (written,) = (p for p in out.iterdir() if not p.name.startswith("."))  # the PDF alone
    assert written.suffix == ".pdf" and str(written) in result.output
    pages, sizes = pdf_pages(written.read_bytes(), tmp_path)
    assert {(round(w), round(h)) for w, h in sizes} == {(612, 792)}
    assert example().program.name in pages[0]


def test_parallel_conversions_do_not_collide_and_give_the_same_bytes() -> None:
    """Each conversion has its own LibreOffice profile; the time in the PDF is the
    workbook's clock (SOURCE_DATE_EPOCH in the tests), so the bytes repeat."""
    pdf_tools()
    assert os.environ.get("SOURCE_DATE_EPOCH")
    docx = ch.render(ch.build(example(), today=TODAY), "docx")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first, second = pool.map(pdf.docx_to_pdf, [docx, docx])
    assert first.startswith(b"%PDF-") and first == second
    assert clock.now().strftime("/CreationDate(D:%Y%m%d%H%M%SZ')").encode() in first


def test_without_libreoffice_pdf_is_refused_saying_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbook.cli import cli

    monkeypatch.delenv("WORKBOOK_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert not pdf.available()
    assert available_formats() == ("md", "html", "docx") == ch.parse_formats(None)
    with pytest.raises(InputError, match="apt-get install libreoffice-writer-nogui"):
        ch.parse_formats("md,pdf")
    with pytest.raises(CharterError, match="needs LibreOffice"):
        pdf.docx_to_pdf(b"not used")

    design = tmp_path / "design.yaml"
    design.write_bytes(store.dump(example()))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["charter", str(design), "-o", str(out), "--format", "pdf"])
    assert result.exit_code == 2
    assert "a PDF needs LibreOffice, which is not installed" in result.output
    assert "libreoffice-writer-nogui" in result.output
    assert not out.exists()
    # The default formats need no LibreOffice.
    assert CliRunner().invoke(cli, ["charter", str(design), "-o", str(out)]).exit_code == 0


def test_a_wrong_workbook_soffice_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBOOK_SOFFICE", "/nowhere/soffice")
    with pytest.raises(InputError, match="WORKBOOK_SOFFICE names '/nowhere/soffice'"):
        ch.parse_formats("pdf")


def fake_soffice(tmp_path: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "soffice"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)
    monkeypatch.setenv("WORKBOOK_SOFFICE", str(program))


def test_a_conversion_that_hangs_is_stopped_with_everything_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """soffice is a launcher: the program it starts must not outlive the time limit."""
    pid_file = tmp_path / "child.pid"
    fake_soffice(tmp_path, f"sleep 60 &\necho $! > {pid_file}\nwait", monkeypatch)
    started = time.monotonic()
    with pytest.raises(CharterError, match="within 1 seconds"):
        pdf.docx_to_pdf(b"docx", timeout=1)
    assert time.monotonic() - started < 10
    child = int(pid_file.read_text())
    for _ in range(50):  # the kill is sent; give the kernel a moment to reap it
        if not Path(f"/proc/{child}").exists() or "Z" in _state(child):
            break
        time.sleep(0.1)
    assert not Path(f"/proc/{child}").exists() or "Z" in _state(child)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return "Z"


def test_a_failed_conversion_says_what_libreoffice_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_soffice(tmp_path, "echo 'Error: source file could not be loaded'; exit 1", monkeypatch)
    with pytest.raises(CharterError, match="source file could not be loaded"):
        pdf.docx_to_pdf(b"docx")
