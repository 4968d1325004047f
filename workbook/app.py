"""Serve the workbook as a web app with Voila, on one design file.

``workbook app DESIGN`` (and ``make app``) start Voila on the notebooks folder with the
environment every notebook reads (``WORKBOOK_DESIGN``, ``WORKBOOK_ROSTER``,
``WORKBOOK_OUTPUT``), wait until the server listens, and open the program overview
(``index.ipynb``) in the browser. Voila's own directory listing is not used as the
landing page: the overview says what is decided and links every step.

Voila is started with idle-kernel culling, because closing a tab does not stop its
kernel, and bound to 127.0.0.1 so rosters never leave the machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import webbrowser
from pathlib import Path

from workbook.errors import InputError, Problem

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LANDING = "index.ipynb"


def environment(design: Path, roster: Path | None = None) -> dict[str, str]:
    """The variables the notebooks read to find the program's files."""
    design = design.resolve()
    return {
        "WORKBOOK_DESIGN": str(design),
        "WORKBOOK_ROSTER": str((roster or design.parent / "roster.csv").resolve()),
        "WORKBOOK_OUTPUT": str(design.parent / "output"),
    }


LOCAL = "127.0.0.1"
"""Where the app listens unless told otherwise: this machine only (rosters hold personal
data; see the README for serving it to others behind a token or a JupyterHub)."""


def voila_command(notebooks: Path, port: int, ip: str = LOCAL) -> list[str]:
    """The Voila command line, locked down for personal data.

    * binds to ``ip`` (this machine only by default);
    * serves no files at all (an empty allow-list: Voila's default serves images, and
      the workbook needs none: downloads are built in the page);
    * culls idle kernels after 15 minutes, because closing a tab does not stop one;
    * lets a page ask for the dark theme (``?theme=dark``).

    Voila itself refuses code sent from the browser (only widget messages reach the
    kernel) and hides tracebacks; ``tests/test_browser_security.py`` checks all of it.
    """
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebooks),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--VoilaConfiguration.file_allowlist=[]",
        "--VoilaConfiguration.allow_theme_override=YES",
        "--VoilaConfiguration.show_tracebacks=False",
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=60",
    ]


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    """True once something listens on ``port``; False if Voila exits or time runs out.

    Connecting to the port is the only safe probe: every GET of a notebook page would
    start a kernel.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def serve(
    design: Path,
    *,
    roster: Path | None = None,
    port: int = 8866,
    notebooks: Path = NOTEBOOKS,
    open_browser: bool = True,
) -> int:
    """Run Voila until it stops (Ctrl+C); return its exit status.

    Raises:
        InputError: the design or the notebooks folder does not exist.
    """
    if not design.is_file():
        raise InputError(
            Problem("does not exist", f"create it with `workbook new {design}`", str(design))
        )
    if not (notebooks / LANDING).is_file():
        raise InputError(
            Problem(
                "is not the workbook's notebooks folder",
                "run from a checkout of the workbook, or pass --notebooks",
                str(notebooks),
            )
        )
    env = {**os.environ, **environment(design, roster)}
    proc = subprocess.Popen(voila_command(notebooks, port), env=env)
    try:
        if wait_for_port(port, proc):
            url = f"http://127.0.0.1:{port}/voila/render/{LANDING}"
            print(f"The workbook is open at {url} (Ctrl+C stops it)", flush=True)
            if open_browser:
                webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
