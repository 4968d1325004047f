"""Serve the workbook as a web app with Voila, on a folder of programs.

``workbook app PATH`` (and ``make app``) start Voila on the notebooks folder, wait until
the server listens, and open the app (``app.ipynb``): the program picker, or one
program directly when PATH is a program's design file (``work/graduate-program/
design.yaml`` opens ``?program=graduate-program`` in the programs folder ``work/``).
The kernel finds the programs folder in ``WORKBOOK_PROGRAMS``; a design file also sets
``WORKBOOK_DESIGN``, ``WORKBOOK_ROSTER`` and ``WORKBOOK_OUTPUT``, so the per-step
notebooks served beside the app work on the same program.

Voila is started with idle-kernel culling, because closing a tab does not stop its
kernel, and bound to 127.0.0.1 so rosters never leave the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import webbrowser
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO

from workbook import NOTEBOOKS, places, programs
from workbook.errors import InputError, Problem

LANDING = "app.ipynb"


def environment(design: Path) -> dict[str, str]:
    """The variables the per-step notebooks read to find one program's files."""
    folder = design.parent
    return places.program_environment(design, folder / programs.ROSTER, folder / programs.OUTPUT)


def target(path: Path | None) -> tuple[Path, str]:
    """The programs folder to serve and the program to open first (``""``: the picker).

    ``path`` is a programs folder (created if only it is missing), or a program's
    ``design.yaml``; ``None`` means ``$WORKBOOK_PROGRAMS``, else the current folder (as
    ``jupyter lab`` serves the folder it is started in).

    Raises:
        InputError: a design file that does not exist, or a file that is not a program
            folder's ``design.yaml``.
    """
    if path is None:
        path = places.given(None, places.PROGRAMS) or Path(".")
    path = path.expanduser()
    if path.suffix.lower() in (".yaml", ".yml"):
        if not path.is_file():
            raise InputError(
                Problem("does not exist", f"create it with `workbook new {path}`", str(path))
            )
        if path.name != programs.DESIGN:
            raise InputError(
                Problem(
                    f"is not a program's {programs.DESIGN}",
                    f"put it in a folder of its own named {programs.DESIGN}, or give the "
                    "programs folder",
                    str(path),
                )
            )
        folder = path.resolve().parent
        return folder.parent, folder.name
    if path.exists() and not path.is_dir():
        raise InputError(
            Problem("is neither a programs folder nor a design file", "give a folder", str(path))
        )
    if not path.parent.is_dir():
        raise InputError(Problem("its parent folder does not exist", "create it first", str(path)))
    path.mkdir(exist_ok=True)
    return path.resolve(), ""


def landing_url(port: int, program: str = "", token: str = "") -> str:
    """The app's address (the server's root), opening ``program`` directly when given
    (with the token the server asks for, if any)."""
    url = f"http://127.0.0.1:{port}/"
    query = {k: v for k, v in (("program", program), ("token", token)) if v}
    return f"{url}?{urllib.parse.urlencode(query)}" if query else url


LOCAL = "127.0.0.1"
"""Where the app listens unless told otherwise: this machine only (rosters hold personal
data; see the README for serving it to others behind a token or a JupyterHub)."""


CONFIG = Path(__file__).with_name("voila.json")
"""The settings a command line cannot give Voila without a deprecation warning (an empty
list, an integer inside a dict); Voila reads this file instead of a ``voila.json`` in
the working folder or the Jupyter config folders, so the app's settings are its own."""

WEBSOCKET_LIMIT: int = json.loads(CONFIG.read_text("utf-8"))["Voila"]["tornado_settings"][
    "websocket_max_message_size"
]
"""Largest widget message Voila accepts (bytes); above it the page loses its kernel."""


TEMPLATES = Path(__file__).with_name("jupyter")
"""A Jupyter data folder holding the app's Voila template (``voila/templates/workbook``):
Voila's lab template without the stylesheets it fetches from a CDN."""


def voila_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``env`` (this process's environment by default) with the app's template folder
    first on ``JUPYTER_PATH``, where Voila looks for templates."""
    env = dict(os.environ if env is None else env)
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(TEMPLATES), env.get("JUPYTER_PATH", "")) if p
    )
    return env


def voila_command(notebooks: Path, port: int, ip: str = LOCAL, token: str = "") -> list[str]:
    """The Voila command line, locked down for personal data.

    ``notebooks`` is the app's notebook (``workbook app`` serves only the app, so every
    address of the server, its root first, opens it) or a folder of notebooks (tests and
    benchmarks open the step notebooks one by one).

    * binds to ``ip`` (this machine only by default), and with a ``token`` answers only
      requests that carry it (``?token=...``; others get Voila's login page);
    * serves no files at all (an empty allow-list, in :data:`CONFIG`: Voila's default
      serves images, and the workbook needs none: downloads are built in the page);
    * asks nothing of another machine: the page is Voila's lab template without its CDN
      stylesheets (:data:`TEMPLATES`; run with :func:`voila_environment`);
    * culls idle kernels after 15 minutes, because closing a tab does not stop one;
    * lets a page ask for the dark theme (``?theme=dark``);
    * lets widget messages up to :data:`WEBSOCKET_LIMIT` through, so that a roster
      upload over the matching step's limit reaches the kernel and is refused with a
      message instead of dropping the connection (tornado's default is 10 MiB).

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
        f"--Voila.config_file_paths={CONFIG.parent}",
        "--VoilaConfiguration.template=workbook",
        "--VoilaConfiguration.allow_theme_override=YES",
        "--VoilaConfiguration.show_tracebacks=False",
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=60",
        *([f"--Voila.token={token}"] if token else []),
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


def free_port() -> int:
    """A port nothing on this machine listens on now (for tests and benchmarks)."""
    with socket.socket() as s:
        s.bind((LOCAL, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running(
    notebooks: Path,
    port: int,
    *,
    env: Mapping[str, str] | None = None,
    token: str = "",
    log: IO[bytes] | None = None,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Voila serving ``notebooks`` as the app serves them, for as long as the block runs.

    Tests and benchmarks use it so that they measure the command ``workbook app`` runs.
    Voila runs in its own process group, which is stopped (kernels included) at the end.

    Raises:
        InputError: Voila exited or did not listen within a minute (see ``log``).
    """
    proc = subprocess.Popen(
        voila_command(notebooks, port, token=token),
        env=voila_environment(env),
        cwd=cwd,
        stdout=log if log is not None else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        if not wait_for_port(port, proc):
            raise InputError(
                Problem(
                    f"Voila did not start on port {port}",
                    "read Voila's log for the reason",
                    str(notebooks),
                )
            )
        yield proc
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Stop a server started in its own process group (``start_new_session=True``),
    with every kernel it started: asked first, killed after ``timeout`` seconds."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def serve(
    path: Path | None = None,
    *,
    port: int = 8866,
    ip: str = LOCAL,
    token: str = "",
    notebooks: Path = NOTEBOOKS,
    open_browser: bool = True,
) -> int:
    """Run Voila on a programs folder until it stops (Ctrl+C); return its exit status.

    Args:
        path: a programs folder, or a program's ``design.yaml`` to open directly;
            ``None`` means ``$WORKBOOK_PROGRAMS``.
        ip: the address to listen on; this machine only unless told otherwise.
        token: a secret every request must carry; without one, anyone who can reach
            ``ip`` can use the app, so listening beyond this machine without a token
            prints a warning.

    Raises:
        InputError: the notebooks folder is not the workbook's, or ``path`` cannot be
            served (see :func:`target`).
    """
    if not (notebooks / LANDING).is_file():
        raise InputError(
            Problem(
                "is not the workbook's notebooks folder",
                "run from a checkout of the workbook",
                str(notebooks),
            )
        )
    root, program = target(path)
    env = {**os.environ, places.PROGRAMS: str(root)}
    if program:
        env.update(environment(root / program / programs.DESIGN))
    if ip != LOCAL and not token:
        print(
            f"Warning: listening on {ip} without a token: anyone who can reach port {port} "
            "can open and change every program. Give --token (or $WORKBOOK_TOKEN), or put "
            "the app behind a JupyterHub; see the README.",
            file=sys.stderr,
            flush=True,
        )
    proc = subprocess.Popen(
        voila_command(notebooks / LANDING, port, ip, token), env=voila_environment(env)
    )
    # A service manager (systemd, docker stop, kill) stops the app with SIGTERM: Voila
    # must stop with it, not keep serving with nobody to stop it.
    stopping = _on_sigterm()
    try:
        if wait_for_port(port, proc):
            url = landing_url(port, program, token)
            print(f"The workbook is open at {url} (Ctrl+C stops it)", flush=True)
            if open_browser:
                webbrowser.open(url)
        return proc.wait()
    except (KeyboardInterrupt, SystemExit):
        return _stop(proc)
    finally:
        if proc.poll() is None:
            _stop(proc)
        stopping()


def _stop(proc: subprocess.Popen[bytes], timeout: float = 10) -> int:
    """Ask Voila to stop, kill it after ``timeout`` seconds; its exit status."""
    proc.terminate()
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def _on_sigterm() -> Callable[[], None]:
    """Turn SIGTERM into SystemExit while the app runs (so ``finally`` stops Voila);
    return what restores the previous handler. Only the main thread may set one."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, leave)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore
