"""The stakeholders' app (``app.ipynb``) in Debian's chromium: a whole journey in one
page, and the error paths a person meets, each answered in plain words.

Screenshots of every step are saved as ``test-artifacts/app-<step>.png``.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from helpers import (
    ARTIFACTS,
    CONTRAST,
    EXAMPLE,
    NO_OVERFLOW,
    SAVE_IN_VIEW,
    SILENT_BUTTONS,
    UNNAMED,
    Browse,
    VoilaApp,
)
from playwright.sync_api import Page, expect

from workbook import store

pytestmark = pytest.mark.browser

SHELL_TEXT = (
    ".wb-app .wb-help, .wb-status-error, .wb-status-ok, .wb-marks span, .wb-program-details, "
    ".wb-progress-step, .wb-program-head h2"
)
STEP_KEYS = ["fit_check", "purpose", "focus_areas", "model", "components", "matching", "charter"]
NAME = "Harbour Mentoring 2027"
CURRENT = re.compile(r"\bwb-current\b")


def open_app(page: Page, app: VoilaApp, query: str = "", ready: str = ".wb-app") -> Page:
    page.goto(app.url("app.ipynb") + query)
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    page.wait_for_selector(ready, timeout=30_000)
    return page


def shot(page: Page, name: str) -> None:
    """Save the page from its top (the progress indicator and the step's title)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".wb-app").first.evaluate("el => el.scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / f"app-{name}.png"), full_page=True)


def roster_people() -> list[dict[str, str]]:
    with (EXAMPLE / "roster.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def assert_clean(browse: Browse, programs: Path) -> None:
    """No traceback, and no server path: not the checkout, not the programs folder."""
    browse.assert_no_traceback()
    text = browse.page.inner_text("body")  # type: ignore[attr-defined]
    assert str(programs) not in text, f"the page shows a server path:\n{text[:2000]}"


def test_journey_new_program_every_step_roster_matching_charter(
    programs_app: VoilaApp, page: Page
) -> None:
    programs = programs_app.programs
    assert programs is not None
    browse = Browse(programs_app, page)
    open_app(page, programs_app, ready=".wb-picker .wb-no-programs")
    page.get_by_label("Your name").fill("Ada Coordinator")
    # Keyboard only: the name, the example as a start (arrow keys in the radio group),
    # then Create with Enter.
    page.get_by_label("Program name").fill(NAME)
    page.get_by_label("Program name").press("Tab")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("The example program")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator(".wb-create-program")).to_be_focused()
    shot(page, "picker")
    page.keyboard.press("Enter")

    # Every step with Next, the progress indicator marking where we are.
    for i, key in enumerate(STEP_KEYS):
        page.wait_for_selector(f".wb-step-{key}", timeout=60_000)
        expect(page.locator(f".wb-progress-{key}")).to_have_class(CURRENT)
        # Of 8: the evaluation, for once the program has run, follows the charter.
        expect(page.locator(".wb-where")).to_contain_text(f"Step {i + 1} of 8")
        if key == "purpose":
            expect(page.locator(".wb-step-purpose .wb-name input")).to_have_value(NAME)
            page.fill(".wb-step-purpose .wb-sponsor input", "Chief Operating Officer")
            page.click(".wb-step-purpose .wb-save")
            expect(page.locator(".wb-step-purpose .wb-status")).to_contain_text("Saved revision 2")
            expect(page.locator(".wb-program-head")).to_contain_text("revision 2")
        if key == "matching":
            run_matching(page, programs / "harbour-mentoring-2027")
        assert_clean(browse, programs)
        shot(page, key)
        if key != "charter":
            page.click(".wb-next")
    # After the charter comes only the evaluation, for once the program has run.
    expect(page.locator(".wb-next")).to_have_text("Next: Evaluation ›")
    expect(page.locator(".wb-progress-evaluation")).to_have_class(re.compile(r"wb-state-later"))

    # The charter: download it and read what a sponsor gets.
    people = roster_people()
    for fmt in ("md", "html"):
        with page.expect_download() as info:
            page.click(f".wb-download-{fmt}")
        text = Path(info.value.path()).read_text("utf-8")
        assert NAME in text and "Chief Operating Officer" in text
        leaked = [p["name"] for p in people if p["name"] in text]
        leaked += [p["email"] for p in people if p["email"] in text]
        assert not leaked, f"the {fmt} charter holds roster data: {leaked[:3]}"

    # The last step: Next has nowhere to go.
    page.click(".wb-next")
    page.wait_for_selector(".wb-step-evaluation", timeout=60_000)
    expect(page.locator(".wb-where")).to_contain_text("Step 8 of 8")
    expect(page.locator(".wb-next")).to_be_disabled()
    assert_clean(browse, programs)

    # Back home: the program is listed with its new revision.
    page.click(".wb-home")
    row = page.locator(".wb-program-harbour-mentoring-2027")
    expect(row).to_contain_text(NAME)
    expect(row).to_contain_text("revision 3")
    expect(row).to_contain_text("by Ada Coordinator")
    assert_clean(browse, programs)


def upload(page: Page, path: Path) -> None:
    """Choose a file in the matching step's upload button, as a person would."""
    with page.expect_file_chooser() as chooser:
        page.click(".wb-upload")
    chooser.value.set_files(str(path))


def run_matching(page: Page, folder: Path) -> None:
    """Upload the example roster in the matching step, run, save the aggregates."""
    upload(page, EXAMPLE / "roster.csv")
    expect(page.locator(".wb-upload-status")).to_contain_text("kept", timeout=30_000)
    page.click(".wb-run")
    expect(page.locator(".wb-run-status")).to_contain_text(
        "Matched 64 of 64 mentees", timeout=60_000
    )
    assert (folder / "roster.csv").read_bytes() == (EXAMPLE / "roster.csv").read_bytes()
    assert (folder / "output" / "matches.csv").exists()
    # The Excel file is built when asked for (it would cost every session ~11 MB).
    assert not (folder / "output" / "matches.xlsx").exists()
    page.click(".wb-prepare-xlsx")
    with page.expect_download() as info:
        page.click(".wb-download-matches-xlsx")
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"  # an Office (zip) file
    assert (folder / "output" / "matches.xlsx").exists()
    expect(page.locator(".wb-prepare-xlsx")).to_be_hidden()
    page.click(".wb-step-matching .wb-save")
    expect(page.locator(".wb-step-matching .wb-status")).to_contain_text("Saved revision 3")


def assert_accessible(page: Page, theme: str) -> None:
    """Every input named, every button says what it does, the shell's texts readable
    (4.5:1, WCAG AA) in this theme: the same checks as every step's notebook gets."""
    assert page.evaluate(f"document.body.classList.contains('theme-{theme}')")
    assert page.evaluate(UNNAMED) == []
    assert page.evaluate(SILENT_BUTTONS) == []
    measured = page.evaluate(CONTRAST, SHELL_TEXT)
    assert measured, "no text of the shell measured"
    low = [m for m in measured if m["ratio"] < 4.5]
    assert not low, f"{theme}: contrast below 4.5:1: {low[:5]}"


def test_error_paths_answer_in_plain_words(programs_app: VoilaApp, page: Page) -> None:
    programs = programs_app.programs
    assert programs is not None
    shutil.copytree(EXAMPLE, programs / "graduate-program")
    browse = Browse(programs_app, page)

    # An address naming no program: the picker says so, in the dark theme too.
    open_app(page, programs_app, "?program=nope&theme=dark", ready=".wb-picker-message")
    expect(page.locator(".wb-picker-message")).to_contain_text("There is no program called")
    assert_accessible(page, "dark")
    shot(page, "picker-dark")
    # A name that cannot name a folder, and one that is taken.
    for name, says in (("!!!", "no letter or digit"), ("Graduate program", "already exists")):
        page.get_by_label("Program name").fill(name)
        page.click(".wb-create-program")
        expect(page.locator(".wb-picker-message")).to_contain_text(says)
    assert sorted(p.name for p in programs.iterdir()) == ["graduate-program"]
    assert_clean(browse, programs)

    # Straight into a program by its address; jump to a step from the progress bar.
    open_app(page, programs_app, "?program=graduate-program", ready=".wb-step-fit_check")
    expect(page.locator(".wb-progress-model")).to_have_class(re.compile(r"wb-state-done"))
    assert_accessible(page, "light")
    page.click(".wb-progress-model")
    page.wait_for_selector(".wb-step-model")
    page.fill(".wb-step-model .wb-duration input", "twelve")
    expect(page.locator(".wb-step-model .wb-problems")).to_contain_text("whole number")
    expect(page.locator(".wb-step-model .wb-save")).to_be_disabled()
    assert_clean(browse, programs)

    # A roster that is refused: what is wrong, row by row, and nothing is kept.
    page.click(".wb-progress-matching")
    page.wait_for_selector(".wb-step-matching")
    bad = programs / "bad-roster.csv"
    bad.write_text("id,name,role,manager_id\na,A,boss,\na,B,mentee,\n", encoding="utf-8")
    before = (programs / "graduate-program" / "roster.csv").read_bytes()
    upload(page, bad)
    status = page.locator(".wb-upload-status")
    expect(status).to_contain_text("was not used", timeout=30_000)
    expect(status).to_contain_text("role")
    assert (programs / "graduate-program" / "roster.csv").read_bytes() == before
    assert_clean(browse, programs)
    shot(page, "bad-roster")


def test_the_servers_root_address_opens_the_app(page: Page, tmp_path: Path) -> None:
    # `workbook app` serves the app alone: the first address Voila prints is the app,
    # and ?program= opens a program there.
    import os

    from workbook.server import LANDING, NOTEBOOKS, free_port, running

    programs = tmp_path / "programs"
    shutil.copytree(EXAMPLE, programs / "graduate-program")
    port = free_port()
    env = {**os.environ, "WORKBOOK_PROGRAMS": str(programs)}
    with running(NOTEBOOKS / LANDING, port, env=env):
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector(".wb-picker", timeout=60_000)
        expect(page.locator(".wb-program-open")).to_have_text(["Northwind Graduate Mentoring"])
        page.goto(f"http://127.0.0.1:{port}/?program=graduate-program")
        page.wait_for_selector(".wb-program .wb-step", timeout=60_000)
        expect(page.locator(".wb-program-head h2")).to_have_text("Northwind Graduate Mentoring")


def _kill_kernels(voila_pid: int) -> int:
    """Kill -9 every kernel the Voila server started (its child processes)."""
    import os
    import signal

    killed = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == voila_pid and b"ipykernel" in cmdline:
            os.kill(int(entry.name), signal.SIGKILL)
            killed += 1
    return killed


def test_edits_survive_a_reload_and_a_killed_kernel(page: Page, tmp_path: Path) -> None:
    import os

    from workbook.server import LANDING, NOTEBOOKS, free_port, running

    programs = tmp_path / "programs"
    shutil.copytree(EXAMPLE, programs / "graduate-program")
    design = programs / "graduate-program" / "design.yaml"
    before = design.read_bytes()
    port = free_port()
    env = {**os.environ, "WORKBOOK_PROGRAMS": str(programs)}
    address = f"http://127.0.0.1:{port}/?program=graduate-program&step=purpose"
    with running(NOTEBOOKS / LANDING, port, env=env) as voila:
        page.goto(address)
        page.wait_for_selector(".wb-step-purpose", timeout=60_000)
        page.fill(".wb-step-purpose .wb-sponsor input", "Chief Operating Officer")
        page.wait_for_selector(".wb-draft-state >> text=kept as a draft")
        page.reload()
        page.wait_for_selector(".wb-step-purpose", timeout=60_000)
        offer = page.locator(".wb-draft")
        expect(offer).to_contain_text("Unsaved edits from")
        offer.locator(".wb-draft-restore").click()
        expect(page.locator(".wb-step-purpose .wb-sponsor input")).to_have_value(
            "Chief Operating Officer"
        )
        page.fill(".wb-step-purpose .wb-owner input", "People team, talent")
        page.wait_for_selector(".wb-draft-state >> text=kept as a draft")
        assert _kill_kernels(voila.pid) >= 1  # the kernel dies mid-edit, unsaved
        page.goto(address)  # a new page, a new kernel
        page.wait_for_selector(".wb-step-purpose", timeout=60_000)
        page.locator(".wb-draft .wb-draft-restore").click()
        expect(page.locator(".wb-step-purpose .wb-sponsor input")).to_have_value(
            "Chief Operating Officer"
        )
        expect(page.locator(".wb-step-purpose .wb-owner input")).to_have_value(
            "People team, talent"
        )
        assert design.read_bytes() == before  # kept, never saved behind anyone's back
        page.click(".wb-step-purpose .wb-save")
        page.wait_for_selector(".wb-step-purpose .wb-status >> text=Saved revision")
    saved = store.load(design).design.program
    assert (saved.sponsor, saved.owner) == ("Chief Operating Officer", "People team, talent")


def test_restore_a_revision_from_the_history(page: Page, programs_app: VoilaApp) -> None:
    assert programs_app.programs is not None
    design = programs_app.programs / "graduates" / "design.yaml"
    first = store.create(design, "Graduates")
    program = first.design.program.model_copy(update={"sponsor": "COO"})
    store.save(first.design.model_copy(update={"program": program}), first, author="Sam")
    open_app(page, programs_app, "?program=graduates&step=purpose", ".wb-step-purpose")
    expect(page.locator(".wb-step-purpose .wb-sponsor input")).to_have_value("COO")
    page.click(".wb-history-button")
    page.wait_for_selector(".wb-history-r2 >> text=Sam")
    page.click(".wb-history-r1 .wb-history-open")
    page.wait_for_selector(".wb-history-preview iframe")
    page.click(".wb-history-r1 .wb-history-restore")
    page.wait_for_selector(".wb-history-message >> text=Restored revision 1 as revision 3")
    shot(page, "history")
    page.click(".wb-next")  # back to the step the history was opened from
    expect(page.locator(".wb-step-purpose .wb-sponsor input")).to_have_value("")
    assert store.load(design).design.revision == 3


def test_the_address_follows_the_person_and_the_browser_remembers_the_name(
    page: Page, tmp_path: Path
) -> None:
    import os

    from workbook.server import LANDING, NOTEBOOKS, free_port, running

    programs = tmp_path / "programs"
    programs.mkdir()
    port = free_port()
    root = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "WORKBOOK_PROGRAMS": str(programs)}
    with running(NOTEBOOKS / LANDING, port, env=env):
        page.goto(root)
        page.wait_for_selector(".wb-picker .wb-no-programs", timeout=60_000)
        page.get_by_label("Your name").fill("Dana")
        page.get_by_label("Program name").fill("Harbour")
        page.click(".wb-create-program")
        page.wait_for_selector(".wb-step-fit_check", timeout=60_000)
        expect(page).to_have_url(re.compile(r"\?program=harbour&step=fit_check$"))
        page.click(".wb-next")
        page.wait_for_selector(".wb-step-purpose")
        expect(page).to_have_url(re.compile(r"\?program=harbour&step=purpose$"))
        page.click(".wb-progress-model")
        page.wait_for_selector(".wb-step-model")
        expect(page).to_have_url(re.compile(r"step=model$"))

        # The browser's Back button goes back a step, then to the list of programs.
        page.go_back()
        expect(page.locator(".wb-progress-purpose")).to_have_class(CURRENT)
        expect(page).to_have_url(re.compile(r"step=purpose$"))
        page.go_back()
        expect(page.locator(".wb-progress-fit_check")).to_have_class(CURRENT)
        page.go_forward()
        expect(page.locator(".wb-progress-purpose")).to_have_class(CURRENT)

        # A reload opens the same step, and the browser still knows who is editing.
        page.reload()
        page.wait_for_selector(".wb-step-purpose", timeout=60_000)
        expect(page.locator(".wb-program-author input")).to_have_value("Dana")
        page.fill(".wb-step-purpose .wb-sponsor input", "Chief Operating Officer")
        page.click(".wb-step-purpose .wb-save")
        page.wait_for_selector(".wb-step-purpose .wb-status >> text=Saved revision 2")
        saved = store.load(programs / "harbour" / "design.yaml").design
        assert (saved.revision, saved.updated_by) == (2, "Dana")

        page.click(".wb-home")
        page.wait_for_selector(".wb-picker")
        expect(page).to_have_url(root)
        page.go_back()
        page.wait_for_selector(".wb-step-purpose")

        # A new tab on the root address: the name is offered there too.
        other = page.context.new_page()
        other.goto(root)
        other.wait_for_selector(".wb-picker", timeout=60_000)
        expect(other.get_by_label("Your name")).to_have_value("Dana")
        other.close()


def test_a_long_step_fits_1024_pixels_and_keeps_save_in_reach(
    programs_app: VoilaApp, page: Page
) -> None:
    """A stakeholder's laptop: the components step (long check box labels, tables of
    rows) wraps instead of running off the side, and Save stays on screen mid-step."""
    assert programs_app.programs is not None
    shutil.copytree(EXAMPLE, programs_app.programs / "graduate-program")
    page.set_viewport_size({"width": 1024, "height": 800})
    open_app(page, programs_app, "?program=graduate-program&step=components", ".wb-step")
    page.wait_for_timeout(1000)
    assert page.evaluate(NO_OVERFLOW) == []
    page.locator(".wb-step .widget-checkbox").nth(8).scroll_into_view_if_needed()
    assert page.evaluate(SAVE_IN_VIEW, 800)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-1024-components-mid.png"))
