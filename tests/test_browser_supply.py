"""The matching step's "How many more mentors would you need?" panel in the Voila app,
driven in Debian's chromium: before any mentor is recruited, and with the example's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_supply import example_rows, mentees_alone

pytestmark = pytest.mark.browser


def test_the_panel_plans_mentors_for_a_roster_of_mentees_alone(browse) -> None:  # type: ignore[no-untyped-def]
    browse.app.roster.write_text(mentees_alone(), encoding="utf-8")
    page = browse.open("05_matching.ipynb")
    panel = page.locator(".wb-supply-answer")
    page.locator(".wb-supply-capacity input").fill("4")
    page.locator(".wb-supply-capacity input").press("Tab")
    page.click(".wb-supply-run")
    expect(panel).to_contain_text("no mentor is recruited yet", timeout=60_000)
    # 64 mentees, 4 each: 16, the fewest possible by the bound.
    expect(panel).to_contain_text("16 more mentors would match every mentee")
    expect(panel).to_contain_text("That is the fewest possible")
    expect(panel).to_contain_text("outside every mentee's reporting line")
    expect(panel).to_contain_text("again with them added gives 64 of 64 mentees a mentor")
    expect(panel.locator("li")).to_have_count(16)  # one line per mentor to recruit
    # The plan is for whoever recruits: no mentee is named in it.
    text = panel.inner_text()
    mentees = [r for r in example_rows() if r["role"] in ("mentee", "both")]
    named = [r["name"] for r in mentees if r["name"] in text]
    named += [r["id"] for r in mentees if re.search(rf"\b{r['id']}\b", text)]
    assert not named
    browse.assert_no_traceback()


def test_the_panel_says_what_one_more_place_with_a_mentor_would_change(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("05_matching.ipynb")
    panel = page.locator(".wb-supply-answer")
    page.click(".wb-supply-run")
    expect(panel).to_contain_text("its mentors match 64 of the 64 mentees now", timeout=60_000)
    expect(panel).to_contain_text("No more mentors are needed")
    expect(panel).to_contain_text("One more place with one of these mentors would help most")
    # Current mentors are named for the coordinator who asks them: "Name (id)".
    first = panel.locator("li").first.inner_text()
    mentors = {f"{r['name']} ({r['id']})" for r in example_rows()}
    assert first.split(":")[0] in mentors
    browse.assert_no_traceback()
