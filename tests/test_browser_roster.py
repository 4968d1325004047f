"""The matching step in the app as an HR coordinator uses it, in Debian's chromium: start
from the roster template, upload it filled in, read what was read, run, leave the step and
come back (and open the program again later) to find the run as it was; nowhere a server
path.

Screenshots: ``test-artifacts/roster-<moment>.png``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from helpers import ARTIFACTS, EXAMPLE, Browse, VoilaApp, choose_file, program_without_roster
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PROGRAM = "harbour"

EVERY_VALUE = """() => [...document.querySelectorAll('input, select, textarea')].map(el =>
  [el.value, el.placeholder || '', el.title || '',
   ...[...(el.options || [])].map(o => o.text)].join(' '))"""


def open_matching(page: Page, app: VoilaApp) -> None:
    page.goto(app.url("app.ipynb") + f"?program={PROGRAM}&step=matching")
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    page.wait_for_selector(".wb-step-matching", timeout=60_000)


def shot(page: Page, name: str, at: str = ".wb-roster-pick") -> None:
    """Save the page with ``at`` at its top (the page scrolls inside the app)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(at).first.evaluate("el => el.scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / f"roster-{name}.png"), full_page=True)


def assert_no_path(page: Page, browse: Browse, *folders: Path) -> None:
    """The page's text and every input's value name no server folder."""
    browse.assert_no_traceback()
    texts = [page.inner_text("body"), *page.evaluate(EVERY_VALUE)]
    for text in texts:
        for folder in folders:
            assert str(folder) not in text, f"the page shows {folder}: {text[:500]}"
        assert "/tmp/" not in text, f"the page shows a server path: {text[:500]}"


def upload(page: Page, path: Path) -> None:
    choose_file(page, ".wb-upload", path)


def test_template_upload_run_leave_and_come_back(
    programs_app: VoilaApp, page: Page, tmp_path: Path
) -> None:
    programs = programs_app.programs
    assert programs is not None
    folder = program_without_roster(programs, PROGRAM)  # no roster yet
    browse = Browse(programs_app, page)
    open_matching(page, programs_app)
    status = page.locator(".wb-upload-status")
    expect(status).to_contain_text("No roster is on file yet")
    # The upload button says what it does, without ipywidgets' file count.
    button = page.locator(".wb-upload")
    assert button.evaluate("el => getComputedStyle(el).fontSize") == "0px"
    assert button.evaluate("el => getComputedStyle(el, '::after').content") == '"Upload roster"'
    assert_no_path(page, browse, programs, tmp_path)

    # Running before there is a roster says what to do.
    page.click(".wb-run")
    expect(page.locator(".wb-run-status")).to_contain_text("upload a roster first")

    # The CSV template: the columns, three examples; the page explains each column.
    page.click(".wb-template-columns summary")
    expect(page.locator(".wb-template-columns")).to_contain_text("Required: every roster needs it")
    with page.expect_download() as info:
        page.click(".wb-download-template-csv")
    assert info.value.suggested_filename == "roster-template.csv"
    header, *examples = list(
        csv.reader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig")))
    )
    assert len(examples) == 3 and header[:4] == ["id", "name", "email", "role"]
    # Filled in as a person would in Excel: the examples replaced by the real people.
    with (EXAMPLE / "roster.csv").open(encoding="utf-8") as fh:
        people = list(csv.DictReader(fh))
    filled = tmp_path / "Our roster 2027.csv"
    with filled.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([person.get(c, "") for c in header] for person in people)
    upload(page, filled)
    expect(status).to_contain_text(
        "Our roster 2027.csv checked and kept as roster.csv in the program's folder",
        timeout=30_000,
    )
    expect(status).to_contain_text("259 people: 64 mentees, 34 mentors")
    expect(status).to_contain_text("Columns recognised: id, name, email, role")
    expect(status).to_contain_text("No column is ignored.")
    expect(page.locator(".wb-run-status")).to_have_text("")  # the earlier error is gone
    expect(page.locator(".wb-roster-pick select")).to_contain_text("roster.csv of ")
    assert (folder / "roster.csv").is_file()
    shot(page, "uploaded")

    page.click(".wb-run")
    expect(page.locator(".wb-run-status")).to_contain_text(
        "Matched 64 of 64 mentees", timeout=60_000
    )
    expect(page.locator(".wb-last-run")).to_contain_text("This run:")
    # A review decision, to find again later; first, why this pair was not chosen.
    page.select_option(".wb-review-mentee select", index=0)
    page.select_option(".wb-review-mentor select", index=0)
    page.click(".wb-why-not")
    who = page.locator(".wb-review-mentee select option:checked").inner_text()
    whom = page.locator(".wb-review-mentor select option:checked").inner_text()
    answer = page.locator(".wb-why-not-answer")
    expect(answer).to_contain_text(f"{who} and {whom} ", timeout=30_000)
    expect(answer).to_contain_text(
        re.compile(r"are matched in this run|are never matched|If the pair were forced")
    )
    page.click(".wb-forbid")
    review = page.locator(".wb-review-summary")
    expect(review).to_contain_text("1")
    said = review.inner_text()
    # This session's run: row by row, a page at a time.
    rows = page.locator(".wb-result-row")
    expect(page.locator(".wb-page-where")).to_contain_text("of 64")
    expect(rows).to_have_count(25)
    first_mentee = rows.first.locator(".wb-cell-mentee").inner_text().strip()
    assert first_mentee
    assert_no_path(page, browse, programs, tmp_path)
    shot(page, "run", ".wb-run")

    # Another step and back: the run, its files and the review are there.
    page.click(".wb-progress-charter")
    page.wait_for_selector(".wb-step-charter", timeout=60_000)
    page.click(".wb-progress-matching")
    page.wait_for_selector(".wb-step-matching", timeout=60_000)
    expect(rows).to_have_count(25)
    assert rows.first.locator(".wb-cell-mentee").inner_text().strip() == first_mentee
    expect(review).to_have_text(said)
    expect(page.locator(".wb-download-matches-csv")).to_be_visible()

    # Later, a new session (the page opened again): the last run is read from its files.
    open_matching(page, programs_app)
    last = page.locator(".wb-last-run")
    expect(last).to_contain_text("The last run: ")
    expect(last).to_contain_text("on roster.csv of ")
    expect(last).not_to_contain_text("changed")
    matches = page.locator(".wb-matches table tbody tr")  # the kept run, from its files
    expect(matches).to_have_count(64)
    expect(page.locator(".wb-matches table thead")).to_contain_text("Match score (0-100)")
    assert first_mentee.split("\n")[0] in matches.first.inner_text()
    expect(review).to_have_text(said)
    with page.expect_download() as info:
        page.click(".wb-download-matches-csv")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    assert len(rows) == 64
    assert_no_path(page, browse, programs, tmp_path)
    shot(page, "kept", ".wb-run")

    # The roster changes on file: the kept run says so.
    changed = (folder / "roster.csv").read_bytes().replace(b"Taylor Imaginov", b"Taylor Renamed")
    (folder / "roster.csv").write_bytes(changed)
    open_matching(page, programs_app)
    expect(last).to_contain_text("The roster changed since this run: run again.")
    assert_no_path(page, browse, programs, tmp_path)
    shot(page, "changed", ".wb-run")


def test_a_refused_first_upload_says_no_roster_is_on_file(
    programs_app: VoilaApp, page: Page, tmp_path: Path
) -> None:
    programs = programs_app.programs
    assert programs is not None
    folder = program_without_roster(programs, PROGRAM)  # no roster yet
    browse = Browse(programs_app, page)
    open_matching(page, programs_app)
    bad = tmp_path / "people.csv"
    bad.write_text("id,name,role,manager_id\na,A,boss,\n", encoding="utf-8")
    upload(page, bad)
    status = page.locator(".wb-upload-status")
    expect(status).to_contain_text("people.csv was not used; no roster is on file yet.")
    expect(status).to_contain_text("people.csv:2: role: unknown role")
    assert not (folder / "roster.csv").exists()
    assert_no_path(page, browse, programs, tmp_path)
