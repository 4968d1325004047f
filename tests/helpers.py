"""What several test modules share: where things are, and how a browser test drives the app.

Fixtures are in ``conftest.py``; the plain names and classes they and the tests use are
here, so no test module imports another.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import workbook
from workbook import steps

ROOT = Path(__file__).resolve().parent.parent
"""The checkout."""
NOTEBOOKS = workbook.NOTEBOOKS
EXAMPLE = workbook.EXAMPLE
"""The example program the package ships (design.yaml and roster.csv)."""
EXAMPLE_DESIGN = EXAMPLE / "design.yaml"
ARTIFACTS = ROOT / "test-artifacts"
"""Screenshots and pages the tests save, to look at as a person would."""
CHROMIUM = os.environ.get("WORKBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def step_notebooks() -> list[str]:
    """The overview, then every step's notebook, as the registry lists them."""
    return ["index.ipynb", *(s.notebook for s in steps.specs())]


@dataclass
class VoilaApp:
    """A running Voila server and the working files its notebooks use."""

    base_url: str
    workdir: Path
    programs: Path | None = None
    """The folder of programs the app (``app.ipynb``) lists; ``programs_app`` resets it."""

    @property
    def design(self) -> Path:
        return self.workdir / "design.yaml"

    @property
    def roster(self) -> Path:
        return self.workdir / "roster.csv"

    def url(self, notebook: str) -> str:
        return f"{self.base_url}/voila/render/{notebook}"

    def reset(self) -> None:
        """Put the example program back, with no history."""
        for item in self.workdir.iterdir():
            if item.is_dir():
                shutil.rmtree(item)
            else:
                item.unlink()
        for item in EXAMPLE.iterdir():
            if item.is_file():
                shutil.copy(item, self.workdir / item.name)


class Browse:
    """What a browser test does with the app: open a step, check for tracebacks."""

    def __init__(self, app: VoilaApp, page: object) -> None:
        self.app = app
        self.page = page

    def open(self, notebook: str, ready: str = ".wb-step") -> object:
        """Open a notebook in Voila and wait until its step's widgets are on the page."""
        page = self.page
        page.goto(self.app.url(notebook))  # type: ignore[attr-defined]
        page.wait_for_selector("#loading", state="detached", timeout=60_000)  # type: ignore[attr-defined]
        page.wait_for_selector(ready, timeout=30_000)  # type: ignore[attr-defined]
        return page

    def assert_no_traceback(self) -> None:
        """Fail if anything on the page looks like a Python traceback or a server path."""
        text = self.page.inner_text("body")  # type: ignore[attr-defined]
        for marker in ("Traceback", 'File "/', "site-packages", str(ROOT)):
            assert marker not in text, f"page shows {marker!r}:\n{text[:2000]}"
