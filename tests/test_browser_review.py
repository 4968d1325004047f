"""The coordinator's review in the matching step, in Debian's chromium: results in words,
pin and forbid from a row, remove one pin, run again, and a failed run's stale results.

Screenshots: ``test-artifacts/review-results.png`` (the first run, in words),
``review-pending.png`` (the review before the second run), ``review-applied.png``
(after it, ``review-applied-rows.png`` its rows) and ``review-stale.png`` (after a failed run).
"""

from __future__ import annotations

import re

import pytest
from helpers import ARTIFACTS
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

STALE = re.compile(r"\bwb-stale\b")


def shot(page: Page, name: str, at: str = ".wb-results-words") -> None:
    """Save the page scrolled to ``at`` (Voila scrolls inside its own box, so a full-page
    shot would only show the top of the step)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(at).first.evaluate("el => el.scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / f"review-{name}.png"))


def row(page: Page, mentee: str) -> Locator:
    """The result row of a mentee (by their ID, shown under their name)."""
    return page.locator(".wb-result-row").filter(
        has=page.locator(".wb-cell-mentee small", has_text=re.compile(f"^{mentee}$"))
    )


def ids(page: Page, k: int) -> tuple[str, str, str]:
    """Mentee ID, mentor ID and mentor name of the k-th result row on the page."""
    cells = page.locator(".wb-result-row").nth(k)
    mentor = cells.locator(".wb-cell-mentor").inner_text().splitlines()
    return cells.locator(".wb-cell-mentee small").inner_text(), mentor[1], mentor[0]


def test_pin_forbid_remove_and_run_again_from_the_rows(browse) -> None:  # type: ignore[no-untyped-def]
    page: Page = browse.open("05_matching.ipynb")
    page.click(".wb-run")
    words = page.locator(".wb-results-words")
    expect(words).to_have_text("64 of 64 mentees have a mentor.", timeout=60_000)
    # Headers in words, whole scores out of 100, the solver's details folded away.
    expect(page.locator(".wb-result-head")).to_have_text(
        re.compile(r"Mentee\s*Mentor\s*Match score \(0-100\)\s*Why")
    )
    expect(page.locator(".wb-result-row")).to_have_count(25)
    scores = page.locator(".wb-result-row .wb-cell-score").all_inner_texts()
    assert len(scores) == 25, scores
    assert all(re.fullmatch(r"\d{1,3}", s) and int(s) <= 100 for s in scores), scores
    expect(page.get_by_text("How this was computed")).to_be_visible()
    expect(page.locator(".wb-computed-table")).to_be_hidden()
    shot(page, "results")
    page.get_by_text("How this was computed").click()
    expect(page.locator(".wb-computed-table")).to_contain_text("Pairs the rules allow")
    assert "mentee_id" not in page.inner_text(".wb-step")
    page.get_by_text("How this was computed").click()  # folded again

    kept, kept_mentor, _ = ids(page, 0)
    banned, banned_mentor, _ = ids(page, 1)
    dropped, _, _ = ids(page, 2)
    row(page, kept).locator(".wb-row-pin").click()
    expect(row(page, kept).locator(".wb-row-pin")).to_have_text("Pinned")
    row(page, banned).locator(".wb-row-forbid").click()
    expect(row(page, banned).locator(".wb-row-forbid")).to_have_text("Forbidden")
    row(page, dropped).locator(".wb-row-pin").click()
    entries = page.locator(".wb-review-row")
    expect(entries).to_have_count(3)
    expect(page.locator(".wb-review-summary")).to_have_text("2 pins and 1 forbidden pair.")
    # Remove one pin: the other pin and the forbidden pair stay.
    entries.filter(has_text=f"({dropped}) with").locator(".wb-remove-review").click()
    expect(entries).to_have_count(2, timeout=15_000)  # a kernel round trip, under load
    pinned = entries.filter(has_text="Pinned: ")
    expect(pinned).to_contain_text(re.compile(rf"\({kept}\) with .*\({kept_mentor}\)"))
    forbidden = entries.filter(has_text="Forbidden: ")
    expect(forbidden).to_contain_text(re.compile(rf"\({banned}\) with .*\({banned_mentor}\)"))
    expect(row(page, dropped).locator(".wb-row-pin")).to_have_text("Pin")
    shot(page, "pending", ".wb-review-summary")

    page.click(".wb-run")
    expect(words).to_contain_text(
        "64 of 64 mentees have a mentor. 1 pair was pinned by the coordinator.", timeout=60_000
    )
    # The pinned pair is marked, with why its score is what it is; the forbidden pair is gone.
    expect(row(page, kept).locator(".wb-pinned-mark")).to_have_text("Pinned")
    expect(row(page, kept).locator(".wb-cell-mentor")).to_contain_text(kept_mentor)
    expect(row(page, kept).locator(".wb-why")).to_contain_text(
        re.compile(r"^pinned by the coordinator; score \d{1,3}/100 on the criteria\.")
    )
    expect(row(page, banned).locator(".wb-cell-mentor")).not_to_contain_text(banned_mentor)
    expect(row(page, dropped).locator(".wb-pinned-mark")).to_have_count(0)
    expect(page.locator(".wb-pinned-row")).to_have_count(1)
    rows = (browse.app.workdir / "output" / "review.csv").read_text().splitlines()
    assert rows == [
        "mentee_id,mentor_id,action",
        f"{kept},{kept_mentor},pin",
        f"{banned},{banned_mentor},forbid",
    ]
    shot(page, "applied")
    shot(page, "applied-rows", ".wb-matches-view")
    browse.assert_no_traceback()

    # A run that fails leaves the results greyed out under a note, their buttons off.
    browse.app.roster.write_text("id,name,role,manager_id\na,A,boss,\n", encoding="utf-8")
    page.click(".wb-run")
    expect(page.locator(".wb-run-status")).to_contain_text("nothing was written")
    expect(page.locator(".wb-stale-note")).to_contain_text("This run failed")
    expect(page.locator(".wb-matches-view")).to_have_class(STALE)
    expect(row(page, banned).locator(".wb-row-pin")).to_be_disabled()
    shot(page, "stale", ".wb-stale-note")
    browse.assert_no_traceback()
