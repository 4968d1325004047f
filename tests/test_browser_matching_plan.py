"""The matching step's plan in the Voila app, as an HR coordinator uses it: choose the
roster's renamed column from a dropdown, add a criterion from another column, ask for
suggestions, save, and find it all in the design file."""

from __future__ import annotations

import re

import pytest
from helpers import ARTIFACTS, renamed_roster
from playwright.sync_api import expect

from workbook import store
from workbook.design import Matching

pytestmark = pytest.mark.browser


def test_map_a_renamed_column_add_a_criterion_suggest_and_save(browse) -> None:  # type: ignore[no-untyped-def]
    app = browse.app
    # The example program before its weights were set (skills 1, the rest 0), with a
    # roster from an HR system that names the id and the department its own way.
    snap = store.load(app.design)
    plan = Matching(method="algorithm", review="r", rematching="r", mentee_say="preferences")
    store.save(snap.design.model_copy(update={"matching": plan}), snap)
    renamed_roster(app.roster)

    page = browse.open("05_matching.ipynb")
    step = page.locator(".wb-step")
    # The roster lacks a column the matching needs, so the column names are open.
    expect(step.locator(".wb-columns-section")).to_contain_text("Column names in your roster")
    person = step.get_by_label("Person's id", exact=True)
    expect(person).to_be_visible()
    expect(person.locator("option").first).to_have_text("(not in this roster)")
    person.select_option(label="Staff number")
    step.locator(".wb-column-department select").select_option(label="Dept")

    step.get_by_role("button", name="Add a criterion from another column").click()
    row = step.locator(".wb-extra").first
    expect(row.get_by_label("Roster column", exact=True)).to_be_visible()
    expect(step.locator(".wb-problems")).to_contain_text("no roster column is chosen")
    row.get_by_label("Roster column", exact=True).select_option(label="Site")
    row.get_by_label("Reward", exact=True).select_option(label="Different value")
    weight = row.get_by_label("Weight", exact=True)
    weight.fill("2")
    weight.press("Enter")
    expect(step.locator(".wb-effect")).to_contain_text("Roster column Site is")
    expect(step.locator(".wb-problems")).to_have_count(0)

    step.get_by_role("button", name="Suggest from the design").click()
    filled = step.locator(".wb-filled")
    expect(filled).to_contain_text("Skills: weight 3 (from the focus area “Knowledge transfer”")
    expect(filled).to_contain_text("Goals: weight 2")
    expect(filled).to_contain_text("Department: different departments, weight 1 (from the focus")
    ARTIFACTS.mkdir(exist_ok=True)
    filled.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "matching-plan-suggested.png"))
    step.locator(".wb-extras").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "matching-plan-criteria.png"))
    step.locator(".wb-columns-section").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "matching-plan-columns.png"))

    step.locator(".wb-save").click()
    expect(step.locator(".wb-status")).to_contain_text("Saved revision")
    saved = store.load(app.design).design.matching
    assert saved.column_map == {"Staff number": "id", "Dept": "department"}
    assert {c: (e.mode, e.weight) for c, e in saved.extra_criteria.items()} == {
        "Site": ("different", 2.0)
    }
    assert saved.weights.skills == 3 and saved.weights.goals == 2
    assert saved.weights.preferences == 2 and saved.department == "different"

    # The page speaks in words: no short text forms, no field paths, no bare rule codes.
    text = step.inner_text()
    for syntax in ("same|different", "your column =", "matching.weights", "weights.",
                   "column_map", "extra_criteria"):  # fmt: skip
        assert syntax not in text, syntax
    settings = text.split("Run on a roster")[0]  # the run's half is another page part
    for code in re.finditer(r"\bR\d+\b", settings):
        assert re.match(r"R\d+: [A-Z]", settings[code.start() :]), settings[code.start() - 60 :][
            :120
        ]
    browse.assert_no_traceback()


def test_a_must_have_rules_pairs_out_and_the_run_says_which(browse) -> None:  # type: ignore[no-untyped-def]
    app = browse.app
    page = browse.open("05_matching.ipynb")
    step = page.locator(".wb-step")
    must = step.locator(".wb-must-skills").get_by_role("checkbox", name="Must have")
    must.check()
    expect(step.locator(".wb-effect")).to_contain_text(
        "Must-have: the mentor offers at least one skill the mentee wants"
    )
    step.locator(".wb-must-skills").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "matching-must-have.png"))
    page.click(".wb-run")
    page.wait_for_selector(".wb-run-status >> text=Matched", timeout=60_000)
    # Every mentee has a mentor without the must-have (test_browser_matching); one of
    # the example's was matched on seniority and goals alone, and the mentors offering
    # the skills they want are all above them: now they have none, and the page says why.
    expect(page.locator(".wb-run-status")).to_contain_text("Matched 63 of 64 mentees")
    expect(page.locator(".wb-unmatched-rows")).to_contain_text(
        "every mentor offering the skills they want is in their reporting line"
    )
    page.get_by_text("How this was computed").click()
    expect(page.locator(".wb-computed-table")).to_contain_text(
        "the mentor offers at least one skill the mentee wants"
    )
    page.locator(".wb-unmatched-rows").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "matching-must-have-unmatched.png"))
    step.locator(".wb-save").click()
    expect(step.locator(".wb-status")).to_contain_text("Saved revision")
    assert store.load(app.design).design.matching.must_have == ["skills"]
    browse.assert_no_traceback()
