"""Two people on the same program in the Voila app (two browser contexts, two kernels):
the second save is refused with who saved what and when, and each of the panel's
buttons does what it says without losing anything either person typed."""

from __future__ import annotations

import pytest
from helpers import ARTIFACTS, Browse
from playwright.sync_api import expect

from workbook import store

pytestmark = pytest.mark.browser


def _history(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """History file name -> the sponsor that revision held."""
    return {
        p.name: store.parse_bytes(p.read_bytes(), p.name).program.sponsor
        for p in store.revisions(app.design)
    }


def test_two_people_save_the_same_step(browse, browser) -> None:  # type: ignore[no-untyped-def]
    app = browse.app
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        alex = context.new_page()
        alex_browse = Browse(app, alex)
        alex.goto(app.url("01_purpose.ipynb"), wait_until="commit")  # both pages load at once
        sam = browse.open("01_purpose.ipynb")
        alex.wait_for_selector("#loading", state="detached", timeout=60_000)
        alex.wait_for_selector(".wb-step")
        expect(sam.locator(".wb-conflict")).to_be_hidden()

        sam.fill(".wb-sponsor input", "Chief Operating Officer")
        sam.click(".wb-save")
        sam.wait_for_selector(".wb-status >> text=Saved revision 2")
        alex.fill(".wb-sponsor input", "Chief Financial Officer")
        alex.click(".wb-save")
        alex.wait_for_selector(".wb-conflict >> text=saved revision 2")
        theirs = store.load(app.design).design
        assert theirs.program.sponsor == "Chief Operating Officer"  # not overwritten
        text = alex.inner_text(".wb-conflict")
        assert theirs.updated_by and theirs.updated is not None
        assert (
            f"{theirs.updated_by} saved revision 2 at {theirs.updated:%H:%M} UTC, "
            "changing: Strategic purpose and objectives." in text
        )
        (kept,) = [name for name in _history(app) if name.endswith("-conflict.yaml")]
        assert f"design.history/{kept}" in text and str(app.workdir) not in text
        assert _history(app)[kept] == "Chief Financial Officer"
        expect(alex.locator(".wb-sponsor input")).to_have_value("Chief Financial Officer")

        # Alex keeps theirs (Alex's own) as a new revision; Sam's stays in the history.
        alex.click(".wb-conflict-keep")
        alex.wait_for_selector(".wb-status >> text=Saved your version as revision 3")
        expect(alex.locator(".wb-conflict")).to_be_hidden()
        assert store.load(app.design).design.program.sponsor == "Chief Financial Officer"
        (sams,) = [name for name in _history(app) if name.endswith("-r0002.yaml")]
        assert _history(app)[sams] == "Chief Operating Officer"

        # Sam, still on revision 2, saves again, is refused, and reloads Alex's version.
        sam.fill(".wb-sponsor input", "Chief People Officer")
        sam.click(".wb-save")
        sam.wait_for_selector(".wb-conflict >> text=saved revision 3")
        sam.click(".wb-conflict-reload")
        expect(sam.locator(".wb-sponsor input")).to_have_value("Chief Financial Officer")
        expect(sam.locator(".wb-conflict")).to_be_hidden()
        sam.wait_for_selector(".wb-status >> text=Reloaded revision 3")
        kept_sponsors = [s for n, s in _history(app).items() if n.endswith("-conflict.yaml")]
        assert sorted(kept_sponsors) == ["Chief Financial Officer", "Chief People Officer"]
        assert store.load(app.design).design.revision == 3
        browse.assert_no_traceback()
        alex_browse.assert_no_traceback()
    finally:
        context.close()


def test_take_theirs_or_mine_field_by_field(browse, browser) -> None:  # type: ignore[no-untyped-def]
    app = browse.app
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        alex = context.new_page()
        alex_browse = Browse(app, alex)
        alex.goto(app.url("01_purpose.ipynb"), wait_until="commit")
        sam = browse.open("01_purpose.ipynb")
        alex.wait_for_selector("#loading", state="detached", timeout=60_000)
        alex.wait_for_selector(".wb-step")

        sam.fill(".wb-sponsor input", "Chief Executive")
        sam.fill(".wb-owner input", "Sam's office")
        sam.click(".wb-save")
        sam.wait_for_selector(".wb-status >> text=Saved revision 2")
        alex.fill(".wb-sponsor input", "COO")
        alex.fill(".wb-problem textarea", "Alex's paragraph about attrition")
        alex.click(".wb-save")
        alex.wait_for_selector(".wb-conflict >> text=saved revision 2")

        rows = alex.locator(".wb-conflict-field")
        expect(rows).to_have_count(3)
        sponsor = rows.filter(has_text="Sponsor")
        author = store.load(app.design).design.updated_by
        expect(sponsor).to_contain_text(f"{author}'s: \u201cChief Executive\u201d")
        expect(sponsor).to_contain_text("Yours: \u201cCOO\u201d")
        expect(sponsor).to_contain_text("you both changed it")
        # Each row proposes the side that changed it: Sam's owner, Alex's sponsor.
        owner = rows.filter(has_text="Owner")
        expect(owner.locator("button.mod-active")).to_have_text(f"{author}'s")
        expect(sponsor.locator("button.mod-active")).to_have_text("Yours")
        alex.locator(".wb-conflict").screenshot(path=str(ARTIFACTS / "conflict-fields.png"))

        sponsor.get_by_role("button", name=f"{author}'s").click()
        expect(sponsor.locator("button.mod-active")).to_have_text(f"{author}'s")
        alex.click(".wb-conflict-merge")
        alex.wait_for_selector(".wb-status >> text=Saved your version as revision 3")
        expect(alex.locator(".wb-conflict")).to_be_hidden()
        saved = store.load(app.design).design
        assert saved.program.sponsor == "Chief Executive"
        assert saved.program.owner == "Sam's office"
        assert saved.program.problem_statement == "Alex's paragraph about attrition"
        expect(alex.locator(".wb-sponsor input")).to_have_value("Chief Executive")
        browse.assert_no_traceback()
        alex_browse.assert_no_traceback()
    finally:
        context.close()
