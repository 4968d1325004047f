"""The HTML charter in a real browser: no script runs, it prints, it reads on a phone;
and its preview in the app's charter step fills the window and keeps its links inside.

chromium opens the file exactly as a sponsor would open an attachment (``file://``,
no server). Screenshots of the desktop and phone layouts, and of the charter step with
its preview, are kept in ``test-artifacts/`` so a reviewer can look at the document
without running anything.
"""

from __future__ import annotations

import datetime as dt
import html
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import ARTIFACTS, EXAMPLE, VoilaApp, complete, example, hostile, unready

from workbook import charter as ch
from workbook import store
from workbook.ui.charter import preview_document

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
        assert "<script>window.pwned=1</script>" in page.inner_text("#s1-purpose")
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
        sections = ch.build(complete(), findings=[], today=TODAY).sections
        assert page.locator("section.charter-section").count() == len(sections) >= 16
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
        assert page.locator("#readiness").inner_text().startswith("Not ready to sign")
        rows = page.locator("table.objectives tbody tr").count()
        assert rows == len(design.objectives())
        # Only the open values are highlighted, not the whole undecided section.
        title = page.locator("#s3-scope h2")
        assert title.evaluate("h => h.closest('section').dataset.status") == "to be decided"
        ink = page.locator("h1").evaluate("h => getComputedStyle(h).color")
        assert title.evaluate("h => getComputedStyle(h).color") == ink
        tbd = page.locator("header .meta dd em.tbd").first  # the owner, not decided
        assert tbd.evaluate("e => getComputedStyle(e).color") != ink
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "charter-desktop.png"), full_page=True)
    finally:
        ctx.close()


# --------------------------------------------------------------- the preview in the app

IN_VIEW = """(id) => {
  const box = document.getElementById(id).getBoundingClientRect();
  return box.top > -2 && box.top < innerHeight;
}"""
"""Whether the element ``id`` starts inside the frame's visible part (a scrolled-to
element's top can land a fraction of a pixel above it)."""


def test_app_preview_fills_the_window_and_its_contents_links_stay_inside(
    programs_app: VoilaApp, page: Any
) -> None:
    """A sponsor reading the preview clicks "13. Evaluation" in the contents: the
    preview scrolls there, and the app around it stays as it was (it used to load the
    whole app inside the preview, which hung on "Running...")."""
    assert programs_app.programs is not None
    shutil.copytree(EXAMPLE, programs_app.programs / "graduate-program")
    name = store.load(EXAMPLE / "design.yaml").design.program.name
    page.goto(programs_app.url("app.ipynb") + "?program=graduate-program&step=charter")
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    page.wait_for_selector(".wb-step-charter", timeout=30_000)
    holder = page.locator(".wb-charter-preview iframe")
    preview = page.frame_locator(".wb-charter-preview iframe")
    preview.locator("h1").wait_for()
    frame = holder.element_handle().content_frame()
    assert frame is not None
    # The app has put the step in the address; nothing below may change it.
    page.wait_for_function("() => location.search.includes('step=charter')")
    address = page.url

    # Full height: the preview is most of the window, whatever the window's height,
    # not a fixed letterbox.
    for height in (1400, 1000):
        page.set_viewport_size({"width": 1280, "height": height})
        box = holder.bounding_box()
        assert box is not None and box["height"] >= 0.7 * height, (height, box)

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-charter-step.png"))

    # A section well down the document: the evaluation plan, or whichever section is
    # in the middle of the contents.
    links = preview.locator("nav.contents a")
    hrefs = [str(links.nth(i).get_attribute("href")) for i in range(links.count())]
    target = next((h for h in hrefs if "evaluation" in h), hrefs[len(hrefs) // 2])[1:]
    sections = preview.locator("section.charter-section").count()
    assert frame.evaluate("() => scrollY") == 0
    assert not frame.evaluate(IN_VIEW, target), "the target must start out of view"
    preview.locator(f"nav.contents a[href='#{target}']").click()
    frame.wait_for_function("() => scrollY > 0", timeout=10_000)
    assert frame.evaluate(IN_VIEW, target)

    # Still the charter, inside the charter step of the same address; no app in the box.
    assert frame.evaluate("() => location.href") == f"about:srcdoc#{target}"
    assert preview.locator("h1").inner_text() == name
    assert preview.locator("section.charter-section").count() == sections >= 16
    assert "Running" not in preview.locator("body").inner_text()
    assert page.locator(".wb-step-charter").is_visible()
    assert page.url == address

    holder.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "app-charter-preview.png"))


APP = "http://workbook.test/voila/render/app.ipynb?program=x&step=charter"
STRANGER = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; base-uri 'none'">
<title>Charter</title></head><body><h1>The charter</h1>
<p><a id="to-end" href="#end">to the end</a> <a id="relative" href="app.ipynb?step=purpose">app</a>
<a id="absolute" href="{app}">app again</a> <a id="outside" href="https://example.com/">web</a></p>
{filler}<h2 id="end">The end</h2></body></html>"""


@pytest.mark.parametrize("link", ["relative", "absolute", "outside"])
def test_a_link_out_of_the_preview_leaves_the_charter_in_it(browser: Any, link: str) -> None:
    """Links that lead elsewhere (the charter has none today) must not load a page, the
    app above all, in the preview: the frame keeps the charter."""
    ctx = browser.new_context(viewport={"width": 1000, "height": 700})
    try:
        page = ctx.new_page()
        loaded: list[str] = []
        app = "<html><body><p>Running app.ipynb...</p></body></html>"

        def serve(route: Any) -> None:
            loaded.append(route.request.url)
            if route.request.url == APP:  # the page holding the frame
                document = STRANGER.format(app=html.escape(APP), filler="<p>text</p>" * 300)
                holder = (
                    '<iframe sandbox="" style="height: 500px; width: 900px" '
                    f'srcdoc="{html.escape(preview_document(document))}"></iframe>'
                )
                route.fulfill(body=f"<html><body>{holder}</body></html>", content_type="text/html")
            else:
                route.fulfill(body=app, content_type="text/html")

        page.route("http://workbook.test/**", serve)
        page.route("https://example.com/**", serve)
        page.goto(APP)
        frame = page.locator("iframe").element_handle().content_frame()
        preview = page.frame_locator("iframe")
        preview.locator(f"#{link}").click()
        page.wait_for_timeout(500)  # a navigation, were one started, would be under way
        assert loaded == [APP]
        assert frame.evaluate("() => location.href") == "about:srcdoc"
        assert preview.locator("h1").inner_text() == "The charter"
        # ... and the contents link still works in the same document.
        preview.locator("#to-end").click()
        frame.wait_for_function("() => scrollY > 0", timeout=10_000)
    finally:
        ctx.close()


def test_the_summary_page_reads_first(browser: Any, tmp_path: Path) -> None:
    path = ch.write(example(), tmp_path, formats=["html"], today=TODAY)[0]
    ctx, page, _ = open_charter(browser, path, viewport={"width": 1000, "height": 1300})
    try:
        summary = page.locator("#summary")
        box = summary.bounding_box()
        assert box is not None and box["y"] < 400  # under the title, before anything else
        for heading in ("What it will achieve", "The program at a glance", "Main risks"):
            assert heading in summary.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        summary.screenshot(path=str(ARTIFACTS / "charter-summary.png"))
    finally:
        ctx.close()
