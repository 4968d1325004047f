"""The purpose step in the Voila app, driven in Debian's chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from workbook import store

pytestmark = pytest.mark.browser


def test_fill_the_purpose_step_and_save(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("01_purpose.ipynb")
    page.fill(".wb-sponsor input", "Chief Operating Officer")
    page.check(".wb-purpose-onboarding input[type=checkbox]")
    rows = page.locator(".wb-objective")
    before = rows.count()
    page.click(".wb-add-objective")
    page.wait_for_function(f"document.querySelectorAll('.wb-objective').length === {before + 1}")
    row = rows.nth(before)
    row.locator(".wb-objective-purpose select").select_option(label="Onboarding and orientation")
    row.locator(".wb-objective-metric input").fill("time to first independent release")
    row.locator(".wb-objective-baseline input").fill("14")
    row.locator(".wb-objective-target input").fill("8")
    row.locator(".wb-objective-due input").fill("2027-09-30")
    page.click(".wb-save")
    page.wait_for_selector(".wb-status >> text=Saved revision 2")

    design = store.load(browse.app.design).design
    assert design.program.sponsor == "Chief Operating Officer"
    onboarding = design.purpose("onboarding")
    assert onboarding is not None
    (objective,) = onboarding.objectives
    assert objective.metric == "time to first independent release"
    assert (objective.baseline, objective.target) == (14.0, 8.0)
    assert str(objective.due) == "2027-09-30"
    assert design.model.duration_months == 12  # untouched decisions survive
    browse.assert_no_traceback()


def test_invalid_value_shows_a_friendly_inline_message(browse) -> None:  # type: ignore[no-untyped-def]
    before = browse.app.design.read_bytes()
    page = browse.open("01_purpose.ipynb")
    page.locator(".wb-objective").first.locator(".wb-objective-target input").fill("ninety")
    message = page.wait_for_selector(".wb-problems >> text=must be a number")
    assert "Objective 1 target" in message.inner_text()
    expect(
        page.locator(".wb-objective").first.locator(".wb-objective-target.wb-invalid")
    ).to_have_count(1)
    expect(page.locator(".wb-save")).to_be_disabled()
    browse.assert_no_traceback()
    assert browse.app.design.read_bytes() == before
