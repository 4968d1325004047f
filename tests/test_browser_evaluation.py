"""The evaluation step in the app as a program owner uses it a year after launch, in
Debian's chromium: choose the survey scales, upload the outcomes and the survey, measure,
read the verdicts and the report, download it, record the results for the charter; a
refused file says what is wrong and where; nowhere a server path or a person's value.

Screenshots: ``test-artifacts/evaluation-<moment>.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import ARTIFACTS, Browse, VoilaApp, choose_file
from playwright.sync_api import Page, expect
from test_evaluation import OUTCOMES, STEM, SURVEY, example_design

from workbook import store

pytestmark = pytest.mark.browser

PROGRAM = "year-one"


def open_evaluation(page: Page, app: VoilaApp) -> None:
    page.goto(app.url("app.ipynb") + f"?program={PROGRAM}&step=evaluation")
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    page.wait_for_selector(".wb-step-evaluation", timeout=60_000)


def shot(page: Page, name: str, at: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(at).first.evaluate("el => el.scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / f"evaluation-{name}.png"), full_page=True)


def test_measure_read_download_and_record(
    programs_app: VoilaApp, page: Page, tmp_path: Path
) -> None:
    assert programs_app.programs is not None
    folder = programs_app.programs / PROGRAM
    store.save(example_design(), store.create(folder / "design.yaml", "x"))
    browse = Browse(programs_app, page)
    open_evaluation(page, programs_app)
    # The progress bar says the step is for once the program has run.
    mark = page.locator(".wb-progress-evaluation")
    expect(mark).to_contain_text("7. Evaluation")  # steps count from 0 (the fit check)
    assert "wb-state-later" in (mark.get_attribute("class") or "")
    expect(page.locator(".wb-evaluate")).to_be_disabled()  # nothing to measure yet
    button = page.locator(".wb-outcomes-upload")
    assert button.evaluate("el => getComputedStyle(el, '::after').content") == '"Upload outcomes"'

    # A file with problems: every one named with its row and column, nothing measured.
    bad = tmp_path / "HR export.csv"
    bad.write_text(
        "id,participant,department,level,tenure_years,retained_12m\n"
        "E1,maybe,Sales,1,0.5,1\nE1,yes,Sales,2,1.0,2\n"
    )
    choose_file(page, ".wb-outcomes-upload", bad)
    expect(page.locator(".wb-evaluation-files")).to_contain_text("Outcomes: HR export.csv")
    page.click(".wb-evaluate")
    run_status = page.locator(".wb-evaluation-status")
    expect(run_status).to_contain_text("HR export.csv", timeout=30_000)
    expect(run_status).to_contain_text("participant")
    expect(page.locator(".wb-evaluation-preview iframe")).to_have_count(0)
    browse.assert_no_traceback()
    shot(page, "refused", ".wb-evaluation-status")

    # The scales the survey asked, then the real files.
    page.click(".wb-scale-career-support input")
    page.click(".wb-scale-relationship-quality input")
    page.click(".wb-save")
    expect(page.locator(".wb-status")).to_contain_text("Saved", timeout=30_000)
    choose_file(page, ".wb-outcomes-upload", OUTCOMES)
    choose_file(page, ".wb-survey-upload", SURVEY)
    expect(page.locator(".wb-evaluation-files")).to_contain_text("Survey: survey.csv")
    page.click(".wb-evaluate")
    verdicts = page.locator(".wb-evaluation-verdicts li")
    expect(verdicts).to_have_count(4, timeout=60_000)
    expect(verdicts.first).to_contain_text("First-year retention of graduates: cannot tell yet.")
    expect(verdicts.nth(2)).to_contain_text("not in the outcomes file")
    frame = page.frame_locator(".wb-evaluation-preview iframe")
    expect(frame.locator("h1")).to_have_text("Northwind Graduate Mentoring")
    expect(frame.locator("table.effects")).to_contain_text("cannot tell yet")
    expect(frame.locator("table.scales")).to_contain_text("Career support")
    expect(frame.locator("svg.effects-chart")).to_have_count(1)
    text = frame.locator("body").inner_text()
    assert "E1001" not in text and "E1002" not in text  # no person's id
    with page.expect_download() as info:
        page.click(".wb-download-html")
    assert info.value.suggested_filename == f"{STEM}.html"
    browse.assert_no_traceback()
    assert "/tmp/" not in page.inner_text("body")
    shot(page, "measured", ".wb-evaluation-verdicts")

    page.click(".wb-evaluation-record")
    expect(run_status).to_contain_text("Recorded in the design as revision", timeout=30_000)
    saved = store.load(folder / "design.yaml").design.evaluation
    assert saved.results is not None and saved.surveys == [
        "career_support",
        "relationship_quality",
    ]
    # Nothing of the uploads was kept in the program's folder.
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == ["design.yaml"]
    expect(mark).to_have_class(re.compile("wb-state-done"), timeout=30_000)
