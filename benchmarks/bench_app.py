"""Benchmark the app: page opened to first step interactive, against a blank Voila page.

One Voila server (``workbook.server.voila_command``, as ``workbook app`` starts it) serves
a temporary folder holding the app (``notebooks/app.ipynb``) and the **floor**: a blank
one-cell notebook showing a few widgets, the least any Voila page costs. Chromium
(Debian's, through Playwright) opens each in turn, alternating, in a fresh browser
context each time:

* ``seconds``: from ``page.goto`` to the first control being visible: the floor's text
  box, or the app's first step (the fit check, opened directly with ``?program=``, as
  ``make app`` does) with its Save button enabled;
* ``kernel MB``: VmRSS of the page's kernel (the Voila process's child that appeared
  for this page), read from ``/proc`` when the page is interactive and, for the app,
  again after Next has opened every step (``--all-steps``: nothing is run; the
  matching step loads pandas) or after a typical full session (``--session``: every
  step opened, matching run on the example roster, which loads OR-Tools, and the
  charter shown; nothing is saved, and the Word file is not prepared).

The kernels live until the server stops (closing a tab does not stop a kernel, and
Voila restarts one that is killed). The first pair of runs warms the disk cache and is
not counted.

Usage::

    python -m benchmarks.bench_app                 # 5 of each, alternating
    python -m benchmarks.bench_app --repeat 9 --all-steps
    python -m benchmarks.bench_app --repeat 9 --session
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from playwright.sync_api import Browser, Page, sync_playwright

from workbook.programs import EXAMPLE
from workbook.server import NOTEBOOKS, free_port, running
from workbook.steps import all_keys

CHROMIUM = os.environ.get("WORKBOOK_CHROMIUM", "/usr/bin/chromium")
STEPS = all_keys()
FLOOR = """import ipywidgets as w

w.VBox([
    w.HTML("<h2>Floor</h2>"),
    w.Text(description="Name").add_class("floor-ready"),
    w.Dropdown(description="Choice", options=["a", "b", "c"]),
    w.Button(description="Go"),
])"""


def children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (the Voila server's kernels)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: split after it
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (VmRSS from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def prepare(folder: Path) -> tuple[Path, Path]:
    """The folder Voila serves (app + floor) and a programs folder with the example."""
    served = folder / "served"
    served.mkdir()
    shutil.copy(NOTEBOOKS / "app.ipynb", served / "app.ipynb")
    floor = nbformat.v4.new_notebook()
    floor.cells = [nbformat.v4.new_code_cell(FLOOR)]
    floor.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(floor, served / "floor.ipynb")
    programs = folder / "programs"
    shutil.copytree(EXAMPLE, programs / "graduate-program")
    return served, programs


def measure(
    browser: Browser,
    voila: int,
    url: str,
    ready: Callable[[Page], None],
    after: Callable[[Page], None] | None = None,
) -> tuple[float, float, float | None]:
    """Open ``url`` in a fresh context: (seconds to interactive, kernel MB, MB after)."""
    before = children(voila)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    start = time.perf_counter()
    page.goto(url)
    ready(page)
    seconds = time.perf_counter() - start
    kernels = children(voila) - before
    if len(kernels) != 1:
        raise RuntimeError(f"expected one new kernel, found {sorted(kernels)}")
    kernel = kernels.pop()
    memory = rss_mb(kernel)
    later = None
    if after is not None:
        after(page)
        later = rss_mb(kernel)
    context.close()  # the kernel lives on (Voila would restart a killed one) until the end
    return seconds, memory, later


def floor_ready(page: Page) -> None:
    page.wait_for_selector(".floor-ready input", state="visible")


def app_ready(page: Page) -> None:
    page.wait_for_selector(".wb-step-fit_check .wb-save:not([disabled])", state="visible")


def walk_steps(page: Page) -> None:
    """Next through every step, waiting for each to show."""
    for key in STEPS[1:]:
        page.click(".wb-next")
        page.wait_for_selector(f".wb-step-{key}", state="visible")


def full_session(page: Page) -> None:
    """Next through every step, run matching on the example roster on the way, and wait
    for the charter's preview."""
    for key in STEPS[1:]:
        page.click(".wb-next")
        page.wait_for_selector(f".wb-step-{key}", state="visible")
        if key == "matching":
            page.click(".wb-step-matching .wb-run")
            page.wait_for_selector(
                ".wb-step-matching .wb-run-status >> text=Matched 64 of 64 mentees",
                timeout=120_000,
            )
            page.wait_for_selector(".wb-charts figure.wb-chart", state="visible")
    page.frame_locator(".wb-charter-preview iframe").locator("h1").wait_for()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each page")
    parser.add_argument("--all-steps", action="store_true", help="also walk every step")
    parser.add_argument(
        "--session",
        action="store_true",
        help="also walk every step, running matching and showing the charter",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        served, programs = prepare(Path(tmp))
        port = free_port()
        env = {**os.environ, "WORKBOOK_PROGRAMS": str(programs)}
        with running(served, port, env=env) as proc:
            base = f"http://127.0.0.1:{port}/voila/render"
            floor_url = f"{base}/floor.ipynb"
            app_url = f"{base}/app.ipynb?program=graduate-program"
            after = full_session if args.session else walk_steps if args.all_steps else None
            label = "after session" if args.session else "after all steps"
            rows: dict[str, list[tuple[float, float, float | None]]] = {"floor": [], "app": []}
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                measure(browser, proc.pid, floor_url, floor_ready)  # warm-up, not counted
                measure(browser, proc.pid, app_url, app_ready)
                for i in range(args.repeat):
                    rows["floor"].append(measure(browser, proc.pid, floor_url, floor_ready))
                    rows["app"].append(measure(browser, proc.pid, app_url, app_ready, after))
                    print(
                        f"run {i + 1}: floor {rows['floor'][-1][0]:.2f} s, "
                        f"app {rows['app'][-1][0]:.2f} s",
                        file=sys.stderr,
                    )
                browser.close()
    report(rows, os.getloadavg()[0], label)


def report(
    rows: dict[str, list[tuple[float, float, float | None]]],
    load: float,
    label: str = "after all steps",
) -> None:
    print(
        f"| page | runs | median s | min s | max s | kernel MB (median) | {label} (median, max) |"
    )
    print("|---|---|---|---|---|---|---|")
    medians = {}
    for name, runs in rows.items():
        secs = [r[0] for r in runs]
        mem = statistics.median(r[1] for r in runs)
        later = [r[2] for r in runs if r[2] is not None]
        medians[name] = statistics.median(secs)
        print(
            f"| {name} | {len(runs)} | {medians[name]:.2f} | {min(secs):.2f} | {max(secs):.2f} "
            f"| {mem:.0f} | "
            + (f"{statistics.median(later):.0f}, {max(later):.0f}" if later else "-")
            + " |"
        )
    print(
        f"\napp / floor = {medians['app'] / medians['floor']:.2f} (target 1.5); "
        f"load average {load:.1f}"
    )


if __name__ == "__main__":
    main()
