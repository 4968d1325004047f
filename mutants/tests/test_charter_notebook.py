"""Step 6 (charter): the widgets without a kernel, the notebook under papermill, Voila.

Tier 2 sets parameters and presses buttons on the step object; tier 3 executes
``notebooks/06_charter.ipynb`` headlessly (the way a batch run writes the charter) and
opens it in Voila in chromium (the way a designer previews and downloads it).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest
from docx import Document
from helpers import ARTIFACTS, EXAMPLE_DESIGN, ROOT, hostile, unready

from workbook import charter, store
from workbook.charter import build, parse_formats
from workbook.errors import CharterError, InputError
from workbook.ui.base import Failed
from workbook.ui.charter import CharterStep

EXAMPLE = EXAMPLE_DESIGN
NAME = store.load(EXAMPLE).design.program.name


class Tags(HTMLParser):
    """Every start tag with its attributes (enough to read a widget's HTML back)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def downloads(step: CharterStep) -> dict[str, bytes]:
    """The files behind the step's download links, decoded from their data URIs."""
    files = {}
    for a in Tags(step.downloads.value + step.docx_link.value).find("a"):
        href = str(a["href"])
        assert href.startswith("data:")
        files[str(a["download"])] = base64.b64decode(href.split(",", 1)[1])
    return files


# --------------------------------------------------------------- widgets, no kernel


def test_step_previews_the_charter_in_a_sandboxed_frame(example_design: Path) -> None:
    example_design.write_bytes(store.dump(unready()))
    step = CharterStep.from_params(example_design, output_dir=example_design.parent / "out")
    assert isinstance(step, CharterStep)
    frames = Tags(step.preview.value).find("iframe")
    assert len(frames) == 1
    assert frames[0]["sandbox"] == "", "the preview must not allow scripts"
    document = str(frames[0]["srcdoc"])
    assert document.startswith("<!DOCTYPE html>")
    assert f"<h1>{unready().program.name}</h1>" in document
    assert "Not ready to sign: 2 decision(s) to make" in step.readiness.value
    # The undecided sections are listed by number: the fit result is decided in Scope.
    assert re.search(r"<li>\d+\. Scope\b", step.readiness.value)


def test_download_links_carry_every_format(example_design: Path) -> None:
    step = CharterStep.from_params(example_design)
    assert isinstance(step, CharterStep)
    # Markdown and HTML at once; Word when asked for (it loads python-docx and matplotlib).
    # Each is named after the program and its revision.
    stem = charter.file_stem(store.load(example_design).design)
    assert stem == "northwind-graduate-mentoring-charter-r1"
    assert sorted(downloads(step)) == [f"{stem}.html", f"{stem}.md"]
    assert step.prepare_docx.layout.display != "none"
    step.prepare_docx.click()
    assert step.prepare_docx.layout.display == "none"
    files = downloads(step)
    assert sorted(files) == [f"{stem}.docx", f"{stem}.html", f"{stem}.md"]
    assert files[f"{stem}.md"].startswith(f"# Program charter: {NAME}".encode())
    doc = Document(io.BytesIO(files[f"{stem}.docx"]))
    assert any(p.style.name == "Heading 1" for p in doc.paragraphs)


def test_word_file_is_built_only_when_asked_for(example_design: Path) -> None:
    """python-docx and matplotlib (about 47 MB) load only for the Word file."""
    code = (
        "import sys\n"
        "from workbook.ui.charter import CharterStep\n"
        f"step = CharterStep.from_params({str(example_design)!r})\n"
        "heavy = ['docx', 'matplotlib']\n"
        "print([m for m in heavy if m in sys.modules])\n"
        "assert 'wb-download-docx' not in step.downloads.value + step.docx_link.value\n"
        "step.prepare_docx.click()\n"
        "assert 'wb-download-docx' in step.docx_link.value\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]", "['docx', 'matplotlib']"]


def test_a_new_charter_forgets_the_word_file_prepared_for_the_old_one(
    example_design: Path,
) -> None:
    step = CharterStep.from_params(example_design)
    assert isinstance(step, CharterStep)
    step.prepare_docx.click()
    assert "Download Word" in step.docx_link.value
    step.add_approval({"role": "Sponsor"})
    assert step.save()
    assert step.docx_link.value == "" and "docx" not in downloads(step)
    assert step.prepare_docx.layout.display != "none" and not step.prepare_docx.disabled
    step.prepare_docx.click()
    stem = charter.file_stem(store.load(example_design).design)
    assert stem.endswith("-r2")  # the new revision's charter, named so
    doc = Document(io.BytesIO(downloads(step)[f"{stem}.docx"]))
    assert "Sponsor" in "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)


def test_no_word_button_when_word_is_not_wanted(example_design: Path) -> None:
    step = CharterStep.from_params(example_design, formats="md,html")
    assert isinstance(step, CharterStep)
    assert step.prepare_docx.layout.display == "none"
    stem = charter.file_stem(store.load(example_design).design)
    assert step.prepare_word() is None and sorted(downloads(step)) == [
        f"{stem}.html",
        f"{stem}.md",
    ]


def test_a_pdf_is_not_built_each_time_the_charter_is_shown(
    example_design: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF takes LibreOffice seconds: showing the charter must neither build one nor
    fail on one (it used to stop with a KeyError); "Write files" writes it."""
    from workbook.charter import pdf

    monkeypatch.setattr(pdf, "available", lambda: True)
    built: list[str] = []
    real = charter.render

    def render(made: Any, fmt: str, *args: Any, **kw: Any) -> Any:
        built.append(fmt)
        return real(made, fmt, *args, **kw)

    monkeypatch.setattr(charter, "render", render)
    step = CharterStep.from_params(example_design, formats="md,html,pdf")
    assert isinstance(step, CharterStep)
    assert "pdf" not in built and "wb-status-error" not in step.files_status.value
    stem = charter.file_stem(store.load(example_design).design)
    assert sorted(downloads(step)) == [f"{stem}.html", f"{stem}.md"]


def test_write_button_writes_the_files(example_design: Path, tmp_path: Path) -> None:
    out = tmp_path / "written"
    step = CharterStep.from_params(example_design, output_dir=out, formats="html,md")
    assert isinstance(step, CharterStep)
    step.write_button.click()
    stem = charter.file_stem(store.load(example_design).design)
    assert sorted(p.name for p in out.iterdir()) == [
        ".workbook-charter.json",  # what the workbook wrote, so it never overwrites an edit
        f"{stem}-timeline.png",
        f"{stem}.html",
        f"{stem}.md",
    ]
    assert "Wrote" in step.files_status.value


def test_strict_shows_why_and_writes_nothing(example_design: Path, tmp_path: Path) -> None:
    example_design.write_bytes(store.dump(unready()))
    out = tmp_path / "strict"
    step = CharterStep.from_params(example_design, output_dir=out, strict=True)
    assert isinstance(step, CharterStep)
    step.write_button.click()
    assert not out.exists()
    assert "fit.result" in step.files_status.value and "wb-status-error" in step.files_status.value
    with pytest.raises(CharterError, match=r"(?s)Owner is not decided.*produce the charter again"):
        CharterStep.from_params(example_design, output_dir=out, strict=True, write=True)


def test_reload_picks_up_a_saved_change(example_design: Path) -> None:
    step = CharterStep.from_params(example_design)
    assert isinstance(step, CharterStep)
    snapshot = store.load(example_design)
    program = snapshot.design.program.model_copy(update={"name": "Renamed <b>x</b>"})
    store.save(snapshot.design.model_copy(update={"program": program}), snapshot)
    step.reload_button.click()
    assert "Renamed &lt;b&gt;x&lt;/b&gt;" in html.unescape(step.preview.value)
    assert "Reloaded revision" in step.files_status.value


def test_a_broken_design_shows_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "design.yaml"
    bad.write_text("model: [not, a, section\n", "utf-8")
    step = CharterStep.from_params(bad)
    assert isinstance(step, Failed)
    assert "not valid YAML" in step.view.children[2].value


def test_hostile_design_stays_inside_the_frame(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    store.create(path)
    store.save(hostile(), store.load(path))
    step = CharterStep.from_params(path)
    assert isinstance(step, CharterStep)
    outside = re.sub(r'srcdoc="[^"]*"', "", step.preview.value)
    assert "<script" not in outside.lower()
    assert "<script" not in step.readiness.value.lower()
    assert len(Tags(step.preview.value).find("iframe")) == 1


def test_approvers_are_edited_and_saved(example_design: Path) -> None:
    step = CharterStep.from_params(example_design)
    assert isinstance(step, CharterStep)
    before = len(step.rows)
    row = step.add_approval()
    row.role.value = "Head of <Engineering>"
    row.name.value = "Dana Signer"
    row.date.value = dt.date(2027, 1, 15)
    assert not step.save_button.disabled
    step.save_button.click()
    saved = store.load(example_design).design
    assert len(saved.approvals) == before + 1
    assert saved.approvals[-1].model_dump() == {
        "role": "Head of <Engineering>",
        "name": "Dana Signer",
        "date": dt.date(2027, 1, 15),
    }
    # Only the approvals changed, and the preview shows the saved design.
    assert saved.model_copy(update={"approvals": []}) == store.load(EXAMPLE).design.model_copy(
        update={
            "approvals": [],
            "revision": saved.revision,
            "updated": saved.updated,
            "updated_by": saved.updated_by,
        }
    )
    signoff = html.unescape(step.preview.value)
    assert "Head of &lt;Engineering&gt;" in signoff and "2027-01-15" in signoff


def test_an_approver_needs_a_role(example_design: Path) -> None:
    step = CharterStep.from_params(example_design)
    assert isinstance(step, CharterStep)
    row = step.add_approval()
    row.name.value = "Nobody"
    assert step.save_button.disabled
    assert "Approver" in step.problems.value and "must not be empty" in step.problems.value
    assert "wb-invalid" in row.role._dom_classes


def test_approvals_parameter_is_validated(example_design: Path) -> None:
    with pytest.raises(InputError, match=r"approvals\.0\.date"):
        CharterStep.from_params(
            example_design, approvals=[{"role": "Sponsor", "date": "soon"}], save=True
        )
    step = CharterStep.from_params(
        example_design, approvals=[{"role": "Sponsor", "date": "2027-02-01"}], save=True
    )
    assert isinstance(step, CharterStep)
    assert [a.role for a in store.load(example_design).design.approvals] == ["Sponsor"]


def test_the_preview_keeps_its_links_in_the_charter_and_the_download_as_written(
    example_design: Path,
) -> None:
    step = CharterStep.from_params(example_design)
    assert isinstance(step, CharterStep)
    frame = Tags(step.preview.value).find("iframe")[0]
    document = str(frame["srcdoc"])
    # A contents link ("#s3-scope") is resolved inside the frame's own document, not
    # against the app's address; the base comes before the policy that would refuse it.
    base = document.index('<base href="about:srcdoc">')
    assert base < document.index("Content-Security-Policy")
    tags = Tags(document)
    links = [str(a["href"]) for a in tags.find("a") if "href" in a]
    ids = {a["id"] for _tag, a in tags.tags if "id" in a}
    assert len(links) >= 10, "the contents link every section"
    assert all(link.startswith("#") and link[1:] in ids for link in links), links
    assert "100vh" in str(frame["style"]), "the preview takes the window's height"
    # The file people download is the charter as written, without the preview's base.
    stem = charter.file_stem(step.snapshot.design)
    assert b"<base" not in downloads(step)[f"{stem}.html"]


def test_paper_size_is_chosen_and_saved_with_the_step(example_design: Path) -> None:
    step = CharterStep.from_params(example_design)
    assert isinstance(step, CharterStep)
    assert step.page_size.description == "Paper size"
    assert step.page_size.options == (("A4", "A4"), ("US Letter", "Letter"))
    assert step.page_size.value == "A4"  # the design's
    before = store.load(example_design).design
    step.page_size.value = "Letter"
    assert "Unsaved edits" in step.draft_state.value  # an edit like any other
    step.save_button.click()
    saved = store.load(example_design).design
    assert saved.program.page_size == "Letter"
    assert saved.revision == before.revision + 1
    # Only the paper size changed: the rest of the program and the approvals stay.
    assert saved.program.model_copy(update={"page_size": "A4"}) == before.program
    assert saved.approvals == before.approvals
    # Opened again, the step shows the saved choice.
    again = CharterStep.from_params(example_design)
    assert isinstance(again, CharterStep) and again.page_size.value == "Letter"


def test_page_size_parameter_sets_the_control_and_is_validated(example_design: Path) -> None:
    before = example_design.read_bytes()
    with pytest.raises(InputError, match=r"page_size: .*'A4' or 'Letter'"):
        CharterStep.from_params(example_design, page_size="Legal", save=True)
    assert example_design.read_bytes() == before
    shown = CharterStep.from_params(example_design, page_size="Legal")
    assert isinstance(shown, CharterStep) and "Paper size" in shown.problems.value
    assert "wb-invalid" in shown.page_size._dom_classes
    step = CharterStep.from_params(example_design, page_size="Letter")
    assert isinstance(step, CharterStep) and step.page_size.value == "Letter"
    assert example_design.read_bytes() == before, "without save nothing is written"
    approvals = store.load(example_design).design.approvals
    assert [row.values()["role"] for row in step.rows] == [a.role for a in approvals]


@pytest.mark.parametrize(
    ("formats", "expected"),
    [(None, ("md", "html", "docx")), ("HTML, md", ("html", "md")), (["docx"], ("docx",))],
)
def test_parse_formats(formats: Any, expected: tuple[str, ...]) -> None:
    assert parse_formats(formats) == expected


@pytest.mark.parametrize("formats", ["odt", "", "md,odt"])
def test_parse_formats_refuses(formats: str) -> None:
    with pytest.raises(
        InputError,
        match=r"formats: (unknown format 'odt'|no format given); use one or more of md",
    ):
        parse_formats(formats)


def test_committed_notebook_has_three_cells_and_no_outputs() -> None:
    nb = nbformat.read(ROOT / "notebooks" / "06_charter.ipynb", as_version=4)
    assert [c.cell_type for c in nb.cells] == ["code"] * 3
    assert nb.cells[0].metadata.get("tags") == ["parameters"]
    assert all(not c.outputs and c.execution_count is None for c in nb.cells)
    assert "def " not in "".join(c.source for c in nb.cells)


# --------------------------------------------------------------- real runs


@pytest.mark.notebook
def test_papermill_writes_the_charter(run_notebook: Any, example_design: Path) -> None:
    out = example_design.parent / "charter-out"
    approvals = [{"role": "Chief People Officer", "name": "Ada Sign", "date": "2027-01-20"}]
    run_notebook(
        "06_charter.ipynb",
        {
            "design_path": str(example_design),
            "approvals": approvals,
            "save": True,
            "output_dir": str(out),
            "write": True,
        },
    )
    assert [a.name for a in store.load(example_design).design.approvals] == ["Ada Sign"]
    names = sorted(p.name for p in out.iterdir())
    stem = charter.file_stem(store.load(example_design).design)
    assert names == [
        ".workbook-charter.json",
        f"{stem}-timeline.png",
        f"{stem}.docx",
        f"{stem}.html",
        f"{stem}.md",
    ]
    markdown = (out / f"{stem}.md").read_text("utf-8")
    assert NAME in markdown
    assert "| Chief People Officer | Ada Sign | 2027-01-20 |" in markdown


@pytest.mark.notebook
def test_papermill_saves_the_paper_size(run_notebook: Any, example_design: Path) -> None:
    before = store.load(example_design).design
    run_notebook(
        "06_charter.ipynb",
        {"design_path": str(example_design), "page_size": "Letter", "save": True},
    )
    saved = store.load(example_design).design
    assert saved.program.page_size == "Letter"
    assert saved.revision == before.revision + 1
    assert saved.approvals == before.approvals  # approvals=None keeps the design's


@pytest.mark.browser
def test_voila_shows_the_preview_and_downloads(browse: Any) -> None:
    page = browse.open("06_charter.ipynb", ready=".wb-step-charter")
    frame = page.frame_locator(".wb-charter-preview iframe")
    frame.locator("h1").wait_for()
    assert frame.locator("h1").inner_text() == NAME
    sections = len(build(store.load(EXAMPLE).design).sections)
    assert sections >= 16 and frame.locator("section.charter-section").count() == sections
    page.locator(".wb-charter-prepare-docx").click()
    with page.expect_download() as info:
        page.locator("a.wb-download-docx").click()
    saved = Path(info.value.path())
    assert Document(str(saved)).paragraphs
    page.locator(".wb-charter-write button, button.wb-charter-write").first.click()
    page.locator(".wb-status-ok").wait_for()
    stem = charter.file_stem(store.load(browse.app.design).design)
    assert (browse.app.workdir / "output" / f"{stem}.html").exists()
    browse.assert_no_traceback()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "charter-voila.png"), full_page=True)
