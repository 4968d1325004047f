"""Benchmark the JupyterHub deployment: N people arriving at once.

For each N, a fresh hub runs ``deploy/jupyterhub/jupyterhub_config.py`` (as ``make hub``
does; only ports and folders differ) on a programs folder holding one copy of the
example program per person (each with the example roster). N chromium contexts (one
browser, Debian's chromium through Playwright, on the same machine as the hub) then do,
all at the same time, what a person does in a kick-off week:

* **sign in**: the hub's login form, then the hub starts the person's server and sends
  them to the app. *First interaction* is from pressing "Sign in" to the app's program
  list being usable (its buttons drawn): the server's start, Voila's page and kernel,
  the app's imports;
* **open their program and walk the steps**: the program opens on the fit check, then
  Next to each step up to matching (each step is built when first opened);
* **run a matching** on the example roster (64 mentees), until the result sentence
  shows, then Next to the charter (its preview drawn).

*Memory per person* is the resident memory (RSS) of the person's server process and its
kernel, read from ``/proc`` (psutil) after the walk, while every session is still open.
The browser shares the machine's cores with the hub and every server, as it would not
in a real deployment: the figures are an upper bound on what a person waits.

Usage::

    python -m benchmarks.bench_hub                 # N = 1, 5, 10, 20
    python -m benchmarks.bench_hub --people 1 5
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from workbook import programs
from workbook.server import free_port, stop_group, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROXY = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
CHROMIUM = os.environ.get("WORKBOOK_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "benchmark-password"
WALK = ["purpose", "focus_areas", "model", "components", "matching"]
TARGET = 2.0
"""Seconds: the median first interaction a person should not wait beyond."""


@dataclass
class Session:
    name: str
    first: float = math.nan
    """Seconds from "Sign in" to the program list usable."""
    steps: list[float] = field(default_factory=list)
    """Seconds from Next to each step's Save button drawn."""
    matching: float = math.nan
    charter: float = math.nan
    memory_mb: float = math.nan
    again: float = math.nan
    """Seconds from opening the app again (the server running) to the list usable."""
    error: str = ""


@contextmanager
def hub(people: int, base: Path) -> Iterator[str]:
    """A hub on loopback, with one copy of the example program per person."""
    folder = base / "programs"
    folder.mkdir()
    for i in range(people):
        shutil.copytree(programs.EXAMPLE, folder / f"program-{i}")
    port = free_port()
    env = {
        **os.environ,
        "WORKBOOK_HUB_STATE": str(base / "state"),
        "WORKBOOK_PROGRAMS": str(folder),
        "WORKBOOK_HUB_PASSWORD": PASSWORD,
        "WORKBOOK_HUB_PORT": str(port),
        "WORKBOOK_HUB_API_PORT": str(free_port()),
        "WORKBOOK_HUB_PROXY_PORT": str(free_port()),
        "WORKBOOK_HUB_PROXY": str(PROXY),
    }
    with (base / "hub.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
            cwd=base,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            url = f"http://127.0.0.1:{port}"
            if not (wait_for_port(port, proc, timeout=90) and _answers(url + "/hub/api/")):
                raise SystemExit(f"the hub did not start; see {base / 'hub.log'}")
            yield url
        finally:
            stop_group(proc, timeout=60)


def _answers(url: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


async def walk(browser: object, url: str, session: Session, program: str) -> None:
    """One person's visit, timed."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1000})  # type: ignore[attr-defined]
    page = await context.new_page()
    page.set_default_timeout(240_000)
    stage = "sign in"
    try:
        await page.goto(url + "/hub/login")
        await page.fill("#username_input", session.name)
        await page.fill("#password_input", PASSWORD)
        start = time.perf_counter()
        await page.click("#login_submit")
        await page.wait_for_url(re.compile(r"/voila/render/app\.ipynb"))
        await page.wait_for_selector(f".wb-program-{program} .wb-program-open")
        session.first = time.perf_counter() - start
        stage = "open the program"
        await page.click(f".wb-program-{program} .wb-program-open")
        await page.wait_for_selector(".wb-step-fit_check .wb-save")
        for key in WALK:
            stage = f"open the {key} step"
            start = time.perf_counter()
            await page.click(".wb-next")
            await page.wait_for_selector(f".wb-step-{key} .wb-save")
            session.steps.append(time.perf_counter() - start)
        stage = "run the matching"
        start = time.perf_counter()
        await page.click(".wb-run")
        await page.wait_for_selector(".wb-run-status:has-text('Matched')")
        session.matching = time.perf_counter() - start
        stage = "open the charter"
        start = time.perf_counter()
        await page.click(".wb-next")
        await page.wait_for_selector(".wb-step-charter .wb-save")
        session.charter = time.perf_counter() - start
        session.memory_mb = memory_of(session.name)
        # Back later the same day: the server is running, the page is opened again.
        stage = "open the app again"
        start = time.perf_counter()
        await page.goto(f"{url}/user/{session.name}/voila/render/app.ipynb")
        await page.wait_for_selector(f".wb-program-{program} .wb-program-open")
        session.again = time.perf_counter() - start
    except Exception as exc:  # a benchmark reports a failed session and goes on
        session.error = f"{stage}: {type(exc).__name__}: {str(exc).splitlines()[0]}"


def memory_of(name: str) -> float:
    """MB resident: the person's server process and its kernel (their name is in the
    server's environment, as the hub sets it)."""
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if "jupyterhub.singleuser" not in " ".join(proc.info["cmdline"] or []):
                continue
            if proc.environ().get("JUPYTERHUB_USER", "") != name:
                continue
            tree = [proc, *proc.children(recursive=True)]
            return sum(p.memory_info().rss for p in tree) / 1e6
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return math.nan


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank (the slowest of 20 is the 95th)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


async def round_of(people: int) -> list[Session]:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="bench-hub-") as tmp, hub(people, Path(tmp)) as url:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            sessions = [Session(f"person{people}x{i}") for i in range(people)]
            await asyncio.gather(
                *(walk(browser, url, s, f"program-{i}") for i, s in enumerate(sessions))
            )
            await browser.close()
    return sessions


def report(people: int, sessions: list[Session], seconds: float) -> tuple[float, float, str]:
    ok = [s for s in sessions if not s.error]
    first = [s.first for s in ok]
    steps = [t for s in ok for t in s.steps]
    memory = [s.memory_mb for s in ok if not math.isnan(s.memory_mb)]
    again = [s.again for s in ok]
    median = statistics.median(first) if first else math.nan
    row = (
        f"| {people} | {median:.1f} s | {p95(first) if first else math.nan:.1f} s "
        f"| {statistics.median(again) if again else math.nan:.1f} s "
        f"| {p95(again) if again else math.nan:.1f} s "
        f"| {statistics.median(steps) if steps else math.nan:.1f} s "
        f"| {statistics.median([s.matching for s in ok]) if ok else math.nan:.1f} s "
        f"| {statistics.median(memory) if memory else math.nan:.0f} MB "
        f"| {seconds:.0f} s | {len(sessions) - len(ok)} |"
    )
    for s in sessions:
        if s.error:
            print(f"  {s.name}: {s.error}", file=sys.stderr)
    return median, statistics.median(again) if again else math.nan, row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[1, 5, 10, 20])
    args = parser.parse_args(argv)
    if not PROXY.exists():
        raise SystemExit(f"configurable-http-proxy not found at {PROXY}: run `make hub-proxy`")
    print(
        "| people at once | first interaction (server starts), median | 95th percentile "
        "| opened again (server running), median | 95th percentile | a step opens (median) "
        "| matching run (median) | memory per person | whole round | failed |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    passes: dict[str, int | None] = {"first": None, "again": None}
    for people in args.people:
        start = time.perf_counter()
        sessions = asyncio.run(round_of(people))
        first, again, row = report(people, sessions, time.perf_counter() - start)
        print(row, flush=True)
        for key, median in (("first", first), ("again", again)):
            if passes[key] is None and median > TARGET:
                passes[key] = people
    print(f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end.")
    for key, words in (("first", "first interaction"), ("again", "page opened again")):
        at = passes[key]
        print(
            f"The median {words} passes {TARGET:.0f} s at {at} people at once."
            if at is not None
            else f"The median {words} stays under {TARGET:.0f} s up to {max(args.people)}."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
