"""Every notebook of the Voila app, in chromium, for people who use a keyboard, a screen
reader or the dark theme: each input has an accessible name, each button says what it
does, Tab from the top reaches Save, an invalid value is reported next to its field in
plain words, and our help, warning and problem texts keep a contrast of at least 4.5:1
(WCAG AA for body text) in the dark and the light theme.

One test per notebook, opened twice (``?theme=dark``, then ``?theme=light``; the app
allows the override, see ``workbook.server.voila_command``).
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import CONTRAST, SILENT_BUTTONS, UNNAMED, step_notebooks
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NOTEBOOKS = step_notebooks()

# How to type an invalid value into each step: (click this first or None, fill this, with).
INVALID: dict[str, tuple[str | None, str | None, str]] = {
    "01_purpose.ipynb": (None, ".wb-objective-baseline input", "about half"),
    "02_focus_areas.ipynb": (".wb-add-focus-area", None, ""),
    "03_model.ipynb": (None, ".wb-duration input", "a year"),
    "04_components.ipynb": (".wb-add-risk", ".wb-risk-mitigation input", "Ask twice"),
    "05_matching.ipynb": (None, ".wb-max-tz input", "three"),
    "06_charter.ipynb": (".wb-add-approval", ".wb-approval-name input", "A. Sponsor"),
}

# Texts whose colour the workbook sets (style.css and the steps' own styles).
COLOURED = (
    ".wb-help, .wb-problems li, .wb-warnings li, .wb-status-ok, .wb-status-error, "
    ".wb-badge, .wb-fit-for, .wb-fit-against, .wb-charter-ready, .wb-charter-not-ready"
)


def open_in(browse: Any, notebook: str, theme: str) -> Any:
    page = browse.page
    page.goto(browse.app.url(notebook) + f"?theme={theme}")
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    page.wait_for_selector(".wb-step", timeout=30_000)
    page.wait_for_selector(".wb-title h2")
    assert page.evaluate(f"document.body.classList.contains('theme-{theme}')")
    return page


def type_invalid(page: Any, notebook: str) -> None:
    """Type the step's invalid value; it is reported next to the field, in words."""
    if notebook not in INVALID:
        return
    click, fill, value = INVALID[notebook]
    if click is not None:
        rows = page.locator(fill).count() if fill is not None else 0
        page.click(click)
        if fill is not None:  # the new row's field, once it is on the page
            page.wait_for_function(
                f"document.querySelectorAll('{fill}').length > {rows}", polling=100
            )
    if fill is not None:
        page.locator(fill).last.fill(value)
    page.wait_for_selector(".wb-problems li")
    page.wait_for_selector(".wb-invalid")
    # The button's state is its own widget message, which may land just after the
    # problem's: wait for it (a Save that stays enabled still fails here).
    expect(page.locator(".wb-save button, button.wb-save").first).to_be_disabled()


def assert_readable(page: Any, notebook: str, theme: str) -> None:
    measured = page.evaluate(CONTRAST, COLOURED)
    kinds = {c for m in measured for c in str(m["cls"]).split()}
    assert "wb-help" in kinds, "no help text measured"
    if notebook in INVALID:
        assert "wb-problems" in kinds, f"no problem text measured: {kinds}"
    low = [m for m in measured if m["ratio"] < 4.5]
    assert not low, f"{theme}: contrast below 4.5:1: {low[:5]}"
    dark = all(m["lum_bg"] < 0.1 for m in measured)
    assert dark == (theme == "dark"), f"{theme} theme, backgrounds: {measured[:3]}"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_labels_keyboard_errors_and_contrast(browse, notebook: str) -> None:  # type: ignore[no-untyped-def]
    page = open_in(browse, notebook, "dark")
    assert page.evaluate(UNNAMED) == []
    assert page.evaluate(SILENT_BUTTONS) == []

    # Keyboard: Tab from the top of the page reaches Save (the overview: its first link).
    target = ".wb-save" if notebook != "index.ipynb" else ".wb-card a"
    stops = page.evaluate("document.querySelectorAll('input, select, textarea, button, a').length")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(3 * stops + 20):  # a date input takes three stops
        page.keyboard.press("Tab")
        if page.evaluate(f"!!document.activeElement.closest('{target}')"):
            break
    else:
        pytest.fail(f"Tab never reached {target}")

    type_invalid(page, notebook)
    assert_readable(page, notebook, "dark")
    browse.assert_no_traceback()

    page = open_in(browse, notebook, "light")
    type_invalid(page, notebook)
    assert_readable(page, notebook, "light")
