"""The HTML charter in a real browser: no script runs, it prints, it reads on a phone.

chromium opens the file exactly as a sponsor would open an attachment (``file://``,
no server). Screenshots of the desktop and phone layouts are kept in
``test-artifacts/`` so a reviewer can look at the document without running anything.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from helpers import ARTIFACTS, complete, hostile, unready

from workbook import charter as ch

pytestmark = pytest.mark.browser
TODAY = dt.date(2026, 11, 23)


def open_charter(browser: Any, path: Path, **context: Any) -> tuple[Any, Any, list[str]]:
    """Open a charter file in a fresh context; collect dialogs and console messages."""
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    events: list[str] = []
    page.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("console", lambda m: events.append(f"console {m.type}: {m.text}"))
    page.on(
        "request", lambda r: events.append(f"request: {r.url}") if r.url != path.as_uri() else None
    )
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return ctx, page, events


def test_hostile_charter_runs_no_script(browser: Any, tmp_path: Path) -> None:
    path = ch.write(hostile(), tmp_path, formats=["html"], findings=[], today=TODAY)[0]
    ctx, page, events = open_charter(browser, path, viewport={"width": 1280, "height": 900})
    try:
        assert page.evaluate("window.pwned") is None
        assert page.locator("script").count() == 0
        assert page.locator("img[src='x']").count() == 0
        assert [e for e in events if e.startswith("dialog")] == []
        # Nothing is fetched: the chart is inline and there are no external links.
        assert [e for e in events if e.startswith("request") and "data:" not in e] == []
        assert "<script>window.pwned=1</script>" in page.inner_text("#s2-purpose")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "charter-hostile.png"))
    finally:
        ctx.close()


def test_charter_reads_on_a_phone_and_prints(browser: Any, tmp_path: Path) -> None:
    path = ch.write(complete(), tmp_path, formats=["html"], findings=[], today=TODAY)[0]
    ctx, page, events = open_charter(
        browser, path, viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    try:
        # No sideways scrolling on a phone: tables stack, the chart shrinks to fit.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1
        chart = page.locator("figure.chart svg")
        box = chart.bounding_box()
        assert box is not None and 200 < box["width"] <= 390, "the chart must shrink to fit"
        # drawn, not just present: its bars have a size on the page
        bars = chart.locator("rect")
        assert bars.count() >= 5 and bars.first.bounding_box()["width"] > 0
        assert page.locator("section.charter-section").count() == 16
        assert [e for e in events if "error" in e] == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "charter-phone.png"))

        page.emulate_media(media="print")
        assert page.locator("nav.contents").is_hidden()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        (ARTIFACTS / "charter.pdf").write_bytes(pdf)
    finally:
        ctx.close()


def test_charter_desktop_screenshot(browser: Any, tmp_path: Path) -> None:
    design = unready()
    path = ch.write(design, tmp_path, formats=["html"], today=TODAY)[0]
    ctx, page, _ = open_charter(browser, path, viewport={"width": 1280, "height": 900})
    try:
        assert page.locator("#readiness .verdict").inner_text().startswith("Not ready to sign")
        rows = page.locator("table.objectives tbody tr").count()
        assert rows == len(design.objectives())
        # Only the open values are highlighted, not the whole undecided section.
        title = page.locator("#s4-scope h2")
        assert title.evaluate("h => h.closest('section').dataset.status") == "to be decided"
        ink = page.locator("h1").evaluate("h => getComputedStyle(h).color")
        assert title.evaluate("h => getComputedStyle(h).color") == ink
        tbd = page.locator("#s1-details .field.open dd em.tbd").first
        assert tbd.evaluate("e => getComputedStyle(e).color") != ink
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "charter-desktop.png"), full_page=True)
    finally:
        ctx.close()
