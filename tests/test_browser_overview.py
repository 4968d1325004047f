"""The app's landing page in chromium: every step listed, each link opens its step."""

from __future__ import annotations

import pytest

from workbook import knowledge

pytestmark = pytest.mark.browser


def test_landing_page_lists_every_step_and_opens_one(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("index.ipynb", ready=".wb-overview")
    text = page.inner_text(".wb-overview")
    assert "Northwind Graduate Mentoring" in text
    for step in knowledge.catalogue("steps"):
        assert step.title in text
    assert "7 of 7 design steps decided" in text
    browse.assert_no_traceback()
    page.click(".wb-card-purpose a")
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    page.wait_for_selector(".wb-step-purpose")
    assert page.input_value(".wb-name input") == "Northwind Graduate Mentoring"
