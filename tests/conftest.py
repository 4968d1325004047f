"""Shared fixtures: the example program, a running Voila app, and Debian's chromium.

Browser tests use one Voila server per test session (per xdist worker), serving
``notebooks/`` with ``WORKBOOK_DESIGN`` pointing at a working copy of the example
design. The ``app`` fixture restores that copy before each test, so every test starts
from the same file. Voila is polled by connecting to its port, never by GETting a
notebook (every GET starts a kernel).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Every test, and every kernel and process it starts, lives on the same day: the rules
# that compare dates with today (an objective already due, a start years away) must not
# turn the example program's dates into findings as the calendar moves on.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01 00:00 UTC
from helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, EXAMPLE, NOTEBOOKS, ROOT, Browse, VoilaApp

from workbook.batch.kernel import IOPUB_TIMEOUT
from workbook.server import environment, free_port, running


@pytest.fixture
def example_design(tmp_path: Path) -> Path:
    """A private copy of the example design that a test may change."""
    target = tmp_path / "design.yaml"
    shutil.copy(EXAMPLE / "design.yaml", target)
    return target


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaApp]:
    workdir = tmp_path_factory.mktemp("voila-work")
    programs = tmp_path_factory.mktemp("voila-programs")
    log_path = tmp_path_factory.mktemp("voila-log") / "voila.log"
    port = free_port()
    # The same command and environment as `workbook app` / `make app`.
    env = {
        **os.environ,
        **environment(workdir / "design.yaml"),
        "WORKBOOK_PROGRAMS": str(programs),
    }
    app = VoilaApp(f"http://127.0.0.1:{port}", workdir, programs)
    app.reset()
    with log_path.open("wb") as log, running(NOTEBOOKS, port, env=env, log=log, cwd=ROOT):
        yield app


@pytest.fixture
def app(voila_server: VoilaApp) -> VoilaApp:
    """The Voila app, with its design file reset to the example program."""
    voila_server.reset()
    return voila_server


@pytest.fixture
def programs_app(voila_server: VoilaApp) -> VoilaApp:
    """The Voila app with its programs folder emptied (``app.ipynb`` then lists none)."""
    assert voila_server.programs is not None
    for item in voila_server.programs.iterdir():  # a kernel may still drop a draft
        if item.is_dir():
            shutil.rmtree(item, ignore_errors=True)
        else:
            item.unlink(missing_ok=True)
    return voila_server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"chromium not found at {CHROMIUM}: run `make test` (it installs Debian's "
            "chromium) or set WORKBOOK_CHROMIUM"
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh page; its console errors are in ``page.console_errors`` and a screenshot
    is saved to ``test-artifacts/`` when the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    # Nothing leaves the machine (the README's privacy promise): every request the page
    # makes, stylesheets and fonts included, goes to this machine or stays in the page.
    outside: list[str] = []
    context.on("request", lambda r: outside.append(r.url) if not on_this_machine(r.url) else None)
    page.console_errors = []
    page.on(
        "console",
        lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.set_default_timeout(30_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    if outside:
        pytest.fail(f"the page asked another machine for: {sorted(set(outside))}")


def on_this_machine(url: str) -> bool:
    """A request that stays on this machine: the app's server or the page itself."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in (
        "127.0.0.1",
        "localhost",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]


@pytest.fixture
def browse(app: VoilaApp, page: object) -> Browse:
    """Open notebooks of the (freshly reset) Voila app in a fresh chromium page."""
    return Browse(app, page)


@pytest.fixture
def run_notebook(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Execute a notebook with papermill, as a headless batch run would."""
    import papermill as pm

    def run(notebook: str, parameters: dict[str, object]) -> Path:
        output = tmp_path / f"out-{notebook}"
        pm.execute_notebook(
            str(NOTEBOOKS / notebook),
            str(output),
            parameters=parameters,
            cwd=str(NOTEBOOKS),
            progress_bar=False,
            kernel_name="python3",
            # As the batch runner waits (workbook.batch.kernel.IOPUB_TIMEOUT): papermill's
            # 4 s for a cell's last output failed the matching notebook on a loaded machine.
            iopub_timeout=IOPUB_TIMEOUT,
        )
        return output

    return run
