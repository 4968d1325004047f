"""The focus-area step in the Voila app, driven in Debian's chromium."""

from __future__ import annotations

import pytest

from workbook import store

pytestmark = pytest.mark.browser


def test_choose_focus_areas_and_save(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("02_focus_areas.ipynb")
    lead = page.locator(".wb-focus-leadership_development")
    lead.locator(".wb-focus-include input[type=checkbox]").check()
    lead.locator(".wb-focus-priority select").select_option(label="High")
    lead.locator(".wb-focus-purpose-succession input[type=checkbox]").check()
    lead.locator(".wb-focus-note input").fill("Leading engineers before leading teams.")
    page.locator(".wb-focus-networking .wb-focus-include input[type=checkbox]").uncheck()
    page.click(".wb-add-focus-area")
    custom = page.locator(".wb-focus-custom")
    custom.wait_for()
    custom.locator(".wb-focus-name input").fill("Cross-site collaboration")
    custom.locator(".wb-focus-note input").fill("Working across sites.")
    page.click(".wb-save")
    page.wait_for_selector(".wb-status >> text=Saved revision 2")

    design = store.load(browse.app.design).design
    areas = {a.key: a for a in design.focus_areas}
    assert "networking" not in areas
    assert areas["leadership_development"].priority == "high"
    assert areas["leadership_development"].purposes == ["succession"]
    assert areas["leadership_development"].note == "Leading engineers before leading teams."
    assert list(areas)[-1] == "Cross-site collaboration"
    assert design.model.duration_months == 12  # untouched decisions survive
    browse.assert_no_traceback()


def test_only_skill_coaching_is_called_a_coaching_program(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("02_focus_areas.ipynb")
    for key in ("career_development", "knowledge_transfer", "networking", "psychosocial_support"):
        page.locator(f".wb-focus-{key} .wb-focus-include input[type=checkbox]").uncheck()
    page.wait_for_selector(".wb-advice >> text=is a coaching program")
    browse.assert_no_traceback()
