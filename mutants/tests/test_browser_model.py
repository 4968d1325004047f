"""The model step in the Voila app, driven in Debian's chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from workbook import store

pytestmark = pytest.mark.browser


def test_set_the_model_and_save(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("03_model.ipynb")
    page.locator(".wb-format select").select_option(label="Group")
    page.wait_for_selector(".wb-note-model-group-size >> text=needs a group size")
    page.fill(".wb-group-size input", "4")
    page.fill(".wb-duration input", "4")
    page.wait_for_selector(".wb-note-model-duration-months >> text=R6")
    page.fill(".wb-duration input", "10")
    page.wait_for_selector(".wb-note-model-duration-months >> text=R6", state="detached")
    page.locator(".wb-both-roles select").select_option(label="No")
    page.wait_for_selector(".wb-note-participation-both-roles-allowed >> text=R8")
    rows = page.locator(".wb-milestone")
    before = rows.count()
    page.click(".wb-add-milestone")
    page.wait_for_function(f"document.querySelectorAll('.wb-milestone').length === {before + 1}")
    row = rows.nth(before)
    row.locator(".wb-milestone-name input").fill("Peer-support circle")
    row.locator(".wb-milestone-month input").fill("3")
    page.fill(".wb-role-sponsor textarea", "Funds the program.\nThanks the mentors.")
    page.locator(".wb-manager-receives-progress select").select_option(label="Yes")
    page.wait_for_selector(".wb-note-confidentiality-manager-receives-progress >> text=R2")
    page.click(".wb-save")
    page.wait_for_selector(".wb-status >> text=Saved revision 2")

    design = store.load(browse.app.design).design
    assert (design.model.format, design.model.group_size) == ("group", 4)
    assert design.model.duration_months == 10
    assert design.model.milestones[-1].name == "Peer-support circle"
    assert design.model.milestones[-1].month == 3
    assert design.participation.both_roles_allowed is False
    assert design.roles.sponsor == ["Funds the program.", "Thanks the mentors."]
    assert design.confidentiality.manager_receives_progress is True
    assert design.program.sponsor == "Chief People Officer"  # untouched decisions survive
    browse.assert_no_traceback()


def test_invalid_value_shows_a_friendly_inline_message(browse) -> None:  # type: ignore[no-untyped-def]
    before = browse.app.design.read_bytes()
    page = browse.open("03_model.ipynb")
    page.fill(".wb-duration input", "a year")
    message = page.wait_for_selector(".wb-problems >> text=must be a whole number")
    assert "Duration" in message.inner_text()
    expect(page.locator(".wb-duration.wb-invalid")).to_have_count(1)
    expect(page.locator(".wb-save")).to_be_disabled()
    browse.assert_no_traceback()
    assert browse.app.design.read_bytes() == before


def test_suggest_defaults_on_a_blank_model_then_save(browse) -> None:  # type: ignore[no-untyped-def]
    text = browse.app.design.read_text()
    start, end = text.index("\nmodel:\n"), text.index("\ncomponents:\n")
    browse.app.design.write_text(text[:start] + text[end:])  # no model, roles or boundary yet
    page = browse.open("03_model.ipynb")
    assert page.input_value(".wb-duration input") == ""
    page.click(".wb-suggest-defaults")
    page.wait_for_selector(".wb-filled >> text=Filled")
    assert page.input_value(".wb-duration input") == "12"
    expect(page.locator(".wb-milestone")).to_have_count(4)
    page.click(".wb-save")
    page.wait_for_selector(".wb-status >> text=Saved revision 2")
    design = store.load(browse.app.design).design
    assert design.model.duration_months == 12
    assert design.confidentiality.feeds_performance_review is False
    assert design.roles.manager and design.program.sponsor == "Chief People Officer"
    browse.assert_no_traceback()


def test_what_is_still_open_takes_the_cursor_to_its_field(browse) -> None:  # type: ignore[no-untyped-def]
    from helpers import ARTIFACTS

    browse.app.design.unlink()
    store.create(browse.app.design, "Blank")  # a program started from nothing
    page = browse.open("03_model.ipynb")
    still = page.locator(".wb-still-open")
    expect(still).to_contain_text("Still open on this step:")
    still.locator(".wb-open-item", has_text="Meeting length").click()
    page.wait_for_function(
        "document.activeElement && document.activeElement.closest('.wb-meeting-minutes')"
    )
    page.keyboard.type("60")
    expect(still.locator(".wb-open-item", has_text="Meeting length")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "model-still-open.png"))
    browse.assert_no_traceback()
