"""Issue 14's acceptance: an HR coordinator's whole matching session in the app, in
Debian's chromium, by clicks, typing and files only.

Download the roster template, fill it as a person would in Excel (with the department
column named as their HR system names it), upload it, read the summary, map the renamed
column with its dropdown, run, pin from a row, forbid from a row, remove one pin, run
again, go to another step and come back to find the run, its downloads and the review as
they were. Nowhere a server path. Screenshots: ``test-artifacts/coordinator-*.png``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from helpers import ARTIFACTS, EXAMPLE, Browse, VoilaApp, choose_file, program_without_roster
from playwright.sync_api import Locator, Page, expect

from workbook import store

pytestmark = pytest.mark.browser

PROGRAM = "harbour"


def shot(page: Page, name: str, at: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(at).first.evaluate("el => el.scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / f"coordinator-{name}.png"))


def result_row(page: Page, k: int) -> Locator:
    return page.locator(".wb-result-row").nth(k)


def mentee_of(row: Locator) -> str:
    return row.locator(".wb-cell-mentee small").inner_text()


def row_of(page: Page, mentee: str) -> Locator:
    return page.locator(".wb-result-row").filter(
        has=page.locator(".wb-cell-mentee small", has_text=re.compile(f"^{mentee}$"))
    )


def test_a_coordinators_matching_session(
    programs_app: VoilaApp, page: Page, tmp_path: Path
) -> None:
    programs = programs_app.programs
    assert programs is not None
    folder = program_without_roster(programs, PROGRAM)  # no roster yet
    browse = Browse(programs_app, page)
    page.goto(programs_app.url("app.ipynb") + f"?program={PROGRAM}&step=matching")
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    step = page.locator(".wb-step-matching")
    step.wait_for(timeout=60_000)

    # The template, filled in: the real people, the department under the HR system's name.
    with page.expect_download() as info:
        page.click(".wb-download-template-csv")
    header, *_examples = list(
        csv.reader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig")))
    )
    with (EXAMPLE / "roster.csv").open(encoding="utf-8") as fh:
        people = list(csv.DictReader(fh))
    filled = tmp_path / "People export.csv"
    with filled.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Dept" if c == "department" else c for c in header])
        writer.writerows([p.get(c, "") for c in header] for p in people)
    choose_file(page, ".wb-upload", filled)
    status = page.locator(".wb-upload-status")
    # Refused in words: the department criterion needs the column, and where to say so.
    expect(status).to_contain_text("was not used; no roster is on file yet", timeout=30_000)
    expect(status).to_contain_text("required column 'department' is missing")
    expect(status).to_contain_text("Column names in your roster")
    expect(status).not_to_contain_text("column_map")
    shot(page, "refused", ".wb-upload-status")

    # Map it with the dropdown (its choices are the refused file's columns), save, again.
    department = step.locator(".wb-column-department select")
    if not department.is_visible():
        step.get_by_text("Column names in your roster").click()
    department.select_option(label="Dept")
    step.locator(".wb-save").first.click()
    expect(step.locator(".wb-status").first).to_contain_text("Saved revision")
    saved = store.load(folder / "design.yaml").design.matching
    assert saved.column_map == {"Dept": "department"}
    choose_file(page, ".wb-upload", filled)
    expect(status).to_contain_text("kept as roster.csv", timeout=30_000)
    expect(status).to_contain_text("64 mentees, 34 mentors")
    shot(page, "uploaded", ".wb-upload-status")

    # Run, then review from the rows.
    page.click(".wb-run")
    words = page.locator(".wb-results-words")
    expect(words).to_contain_text("64 of 64 mentees have a mentor.", timeout=60_000)
    kept, banned, dropped = (mentee_of(result_row(page, k)) for k in range(3))
    kept_mentor = result_row(page, 0).locator(".wb-cell-mentor small").inner_text()
    banned_mentor = result_row(page, 1).locator(".wb-cell-mentor small").inner_text()
    entries = page.locator(".wb-review-row")
    row_of(page, kept).locator(".wb-row-pin").click()
    expect(row_of(page, kept).locator(".wb-row-pin")).to_have_text("Pinned")
    row_of(page, banned).locator(".wb-row-forbid").click()
    expect(row_of(page, banned).locator(".wb-row-forbid")).to_have_text("Forbidden")
    row_of(page, dropped).locator(".wb-row-pin").click()
    expect(row_of(page, dropped).locator(".wb-row-pin")).to_have_text("Pinned")
    expect(entries).to_have_count(3)
    entries.filter(has_text=f"({dropped}) with").locator(".wb-remove-review").click()
    expect(entries).to_have_count(2)
    summary = page.locator(".wb-review-summary")
    expect(summary).to_have_text("1 pin and 1 forbidden pair.")
    page.click(".wb-run")
    expect(words).to_contain_text("1 pair was pinned by the coordinator", timeout=60_000)
    expect(row_of(page, kept).locator(".wb-pinned-mark")).to_have_text("Pinned")
    expect(row_of(page, banned).locator(".wb-cell-mentor")).not_to_contain_text(banned_mentor)
    shot(page, "reviewed", ".wb-results-words")
    browse.assert_no_traceback()  # and no server path in text, values or tooltips

    # Another step and back: the run, its downloads and the review are as they were.
    page.click(".wb-progress-charter")
    page.wait_for_selector(".wb-step-charter", timeout=60_000)
    page.click(".wb-progress-matching")
    step.wait_for(timeout=60_000)
    expect(words).to_contain_text("1 pair was pinned by the coordinator")
    expect(row_of(page, kept).locator(".wb-pinned-mark")).to_have_text("Pinned")
    expect(summary).to_have_text("1 pin and 1 forbidden pair.")
    with page.expect_download() as info:
        page.click(".wb-download-matches-csv")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    assert len(rows) == 64
    pairs = {r["mentee_id"]: r["mentor_id"] for r in rows}
    assert pairs[kept] == kept_mentor and pairs[banned] != banned_mentor
    shot(page, "back", ".wb-results-words")
    browse.assert_no_traceback()
