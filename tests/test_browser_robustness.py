"""The matching step in the Voila app, driven in Debian's chromium: each pair's margin and
close calls in the rows, and the chart of coverage against quality, after a run."""

from __future__ import annotations

import pytest
from helpers import ARTIFACTS
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_close_calls_and_the_coverage_chart_show_with_the_results(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("05_matching.ipynb")
    page.click(".wb-run")
    page.wait_for_selector(".wb-run-status >> text=Matched 64 of 64 mentees", timeout=60_000)
    # The chart: two panels (mentees matched; mean and lowest score), the design's own
    # minimum score marked in both, and the sentence saying where the design sits.
    chart = page.locator(".wb-tradeoff")
    expect(chart.locator("h4")).to_have_text("Coverage against quality")
    expect(chart.locator("figure.wb-tradeoff-chart svg[role=img]")).to_have_count(2)
    expect(chart.locator("svg polyline[stroke-dasharray]")).to_have_count(2)
    expect(chart).to_contain_text("At your minimum score of 30, 64 of 64 mentees are matched")
    expect(chart.locator("svg").first).to_contain_text("your minimum, 30")
    # The rows: every score says how far it is ahead of the mentee's next best mentor,
    # and the close calls are marked, counted and can be shown alone.
    rows = page.locator(".wb-result-row")
    expect(rows).to_have_count(25)
    expect(rows.locator(".wb-margin")).to_have_count(25)
    note = page.locator(".wb-close-summary")
    expect(note).to_contain_text("pairs are close calls: a pair is one when")
    calls = int(note.inner_text().split(" of ", 1)[0])
    assert 0 < calls < 64
    page.locator(".wb-close-only input").check()
    expect(page.locator(".wb-page-where")).to_contain_text(f"of {calls}")
    expect(page.locator(".wb-result-row")).to_have_count(min(calls, 25))
    expect(page.locator(".wb-result-row.wb-close-row")).to_have_count(min(calls, 25))
    expect(page.locator(".wb-result-row .wb-close-mark").first).to_have_text("Close call")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".wb-matches-view").screenshot(path=str(ARTIFACTS / "robustness-rows.png"))
    chart.screenshot(path=str(ARTIFACTS / "robustness-tradeoff.png"))
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "robustness-results.png"))  # as a person sees it
    # How this was computed says what was checked, in words.
    page.click(".wb-computed .p-Accordion-header, .wb-computed .jupyter-widget-Collapse-header")
    expect(page.locator(".wb-summary-table")).to_contain_text("How robust the pairs are")
    expect(page.locator(".wb-summary-table")).to_contain_text(f"{calls} close calls")
    browse.assert_no_traceback()
