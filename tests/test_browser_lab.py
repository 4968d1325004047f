"""The designer's door: ``make lab``'s JupyterLab in chromium, as a program designer uses it.

One JupyterLab per module (per xdist worker), started by ``make lab`` exactly as the
README says, on a program folder of its own. JupyterLab's autosave is set to two
seconds (a user setting, as a designer could set it), so "waits past an autosave" takes
seconds, not JupyterLab's default two minutes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ARTIFACTS, NO_OVERFLOW, NOTEBOOKS, ROOT, SAVE_IN_VIEW

from workbook import steps
from workbook.server import free_port, stop_group, wait_for_port

TOKEN = "designer-door"
AUTOSAVE_SECONDS = 2

MAKE_LAB = ["make", "--no-print-directory", "--old-file=.venv/.installed", "lab"]

pytestmark = pytest.mark.browser


class Lab:
    """A running ``make lab`` and the program folder it serves."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{path}?reset&token={TOKEN}"

    def api(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/{path}?token={TOKEN}", method=method
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """What closing JupyterLab's tabs and its kernels does: no widget state is left."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def open(self, page: Any, notebook: str) -> None:
        """Open a notebook of the program's copies, as a fresh JupyterLab workspace."""
        page.goto(self.url(f"notebooks/{notebook}"))
        page.wait_for_selector(
            ".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']",
            state="attached",
            timeout=60_000,
        )

    def run_all(self, page: Any, ready: str = ".wb-step") -> None:
        """Run ▸ Run All Cells, as a designer does, until the step is drawn.

        JupyterLab enables its notebook commands once the notebook has focus and its
        kernel is connected; a click that came too early is tried again."""
        for _ in range(4):
            page.locator(".jp-Notebook").first.click(position={"x": 4, "y": 4})
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            try:
                page.wait_for_selector(ready, timeout=20_000)
                return
            except Exception:
                continue
        page.wait_for_selector(ready, timeout=1)


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*")}


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--", "notebooks", "workbook/notebooks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    base = tmp_path_factory.mktemp("lab")
    folder = base / "graduate-program"
    settings = base / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(
        json.dumps({"autosaveInterval": AUTOSAVE_SECONDS})
    )
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_TOKEN": TOKEN,
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
    }
    for name in ("WORKBOOK_DESIGN", "WORKBOOK_ROSTER", "WORKBOOK_OUTPUT"):
        env.pop(name, None)
    args = f"LAB_ARGS=--no-browser --port={port}"
    with (base / "lab.log").open("wb") as log:
        proc = subprocess.Popen(
            # The venv is the one running this test: make must not reinstall it (two
            # workers would at once), so its stamp counts as up to date.
            [*MAKE_LAB, f"WORK={folder}", args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            assert wait_for_port(port, proc, timeout=120), (base / "lab.log").read_text()
            yield Lab(folder, port)
        finally:
            stop_group(proc, timeout=20)


@pytest.fixture
def lab_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


def test_running_editing_and_saving_a_step_leaves_the_product_clean(
    lab: Lab, lab_page: Any
) -> None:
    product, status = _digests(NOTEBOOKS), _git_status()
    page = lab_page
    lab.open(page, "01_purpose.ipynb")
    # The program's folder is the one place: design, roster and notebooks side by side.
    page.locator(".jp-BreadCrumbs-home").click()
    listing = page.locator(".jp-DirListing-content")
    for name in ("design.yaml", "roster.csv", "notebooks"):
        listing.get_by_text(name, exact=True).wait_for()
    lab.run_all(page)
    name = page.locator(".wb-name input")
    name.fill("Lab pilot")
    name.press("Tab")
    page.locator(".wb-save").click()
    page.wait_for_selector(".wb-status-ok")
    copy = lab.folder / "notebooks" / "01_purpose.ipynb"
    original = (NOTEBOOKS / "01_purpose.ipynb").read_bytes()

    def wait_until(saved: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 60
        while not saved():
            assert time.monotonic() < deadline, what
            time.sleep(0.5)

    # JupyterLab's autosave writes the run into the program's copy (when it fires
    # relative to the last output varies, so: any autosave after the run) ...
    wait_until(lambda: copy.read_bytes() != original, "JupyterLab did not autosave")
    # ... and a designer's own save (Ctrl+S) writes every output.
    page.locator(".jp-Notebook").first.click(position={"x": 4, "y": 4})
    page.keyboard.press("Control+s")
    wait_until(
        lambda: bool(json.loads(copy.read_text())["cells"][-1].get("outputs")),
        "the saved notebook holds no outputs",
    )
    time.sleep(AUTOSAVE_SECONDS + 1)  # and one more autosave for good measure
    design = yaml.safe_load((lab.folder / "design.yaml").read_text())
    assert design["program"]["name"] == "Lab pilot"
    assert _digests(NOTEBOOKS) == product, "a committed notebook changed"
    assert _git_status() == status


def test_every_step_fits_1024_pixels_and_save_stays_in_reach(lab: Lab, lab_page: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = lab_page
    for spec in [*steps.specs()]:
        lab.open(page, spec.notebook)
        lab.run_all(page)
        page.wait_for_timeout(1500)  # the last widgets are drawn
        assert page.evaluate(NO_OVERFLOW) == [], spec.notebook
        # Scrolled to the step's middle, a long step still shows its Save button.
        page.locator(".wb-step").first.evaluate(
            "step => step.closest('.jp-WindowedPanel-outer').scrollTop ="
            " step.getBoundingClientRect().height / 2"
        )
        assert page.evaluate(SAVE_IN_VIEW, 800), spec.notebook
        page.screenshot(path=str(ARTIFACTS / f"lab-1024-{spec.key}.png"))
        lab.shut_down_kernels()
    page.set_viewport_size({"width": 1400, "height": 900})
    for key in ("purpose", "matching"):
        lab.open(page, steps.spec(key).notebook)
        lab.run_all(page)
        page.wait_for_timeout(1500)
        assert page.evaluate(NO_OVERFLOW) == [], key
        page.locator(".wb-step").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"lab-1400-{key}.png"))
        lab.shut_down_kernels()


def test_a_notebook_reopened_without_its_kernel_says_to_run_all_cells(
    lab: Lab, lab_page: Any
) -> None:
    page = lab_page
    lab.open(page, "03_model.ipynb")
    lab.run_all(page)
    hint = page.locator(".wb-rerun-hint")
    assert hint.count() == 1 and not hint.is_visible()  # the step is drawn: no hint
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    copy = lab.folder / "notebooks" / "03_model.ipynb"
    while "wb-rerun-hint" not in copy.read_text():
        assert time.monotonic() < deadline, "the notebook was not saved"
        time.sleep(0.5)
    lab.shut_down_kernels()
    lab.open(page, "03_model.ipynb")  # reopened: a new kernel, no widgets
    hint.wait_for(state="visible")
    assert hint.inner_text().startswith("Run all cells to show this step")
    outputs = page.locator(".jp-Notebook-cell").last.locator(".jp-OutputArea-child")
    assert "Run all cells" in outputs.first.inner_text()  # the first thing the cell shows
    lab.run_all(page)
    hint.wait_for(state="hidden")
    lab.shut_down_kernels()


def test_the_overview_opens_a_step_beside_it_without_reloading(lab: Lab, lab_page: Any) -> None:
    page = lab_page
    lab.open(page, "index.ipynb")
    lab.run_all(page, ready=".wb-overview")
    page.evaluate("() => { window.stillHere = true; }")
    page.locator(".wb-card-purpose a").click()
    page.get_by_role("tab", name="01_purpose.ipynb").wait_for()
    assert page.evaluate("() => window.stillHere === true"), "the page was reloaded"
    lab.shut_down_kernels()


def test_the_charter_preview_links_stay_in_the_preview(lab: Lab, lab_page: Any) -> None:
    page = lab_page
    lab.open(page, "06_charter.ipynb")
    lab.run_all(page, ready=".wb-charter-preview iframe")
    kernels = len(lab.api("kernels"))
    frame = page.frame_locator(".wb-charter-preview iframe")
    link = frame.locator("nav a[href^='#']").nth(2)
    target = link.get_attribute("href")
    assert target
    link.click()
    heading = frame.locator(target)
    heading.wait_for()
    page.wait_for_timeout(500)
    assert heading.evaluate("h => h.getBoundingClientRect().top < 200")  # scrolled to it
    assert "Strategic purpose" in frame.locator("body").inner_text()  # still the charter
    assert len(lab.api("kernels")) == kernels  # no second JupyterLab inside the frame
    lab.shut_down_kernels()
