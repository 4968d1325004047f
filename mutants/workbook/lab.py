"""JupyterLab on one program's folder, with the program's own copies of the step notebooks.

``workbook lab PROGRAM`` (and ``make lab``) is how a program designer works in
JupyterLab. The product's notebooks ship inside the package and are never opened for
editing: running a notebook in Lab writes its outputs and widget state into the file
(Lab autosaves), which would change the installed package or a checkout's committed
files. Instead the program's folder gets its own working copies in ``notebooks/``:

* a copy that is missing is created;
* a copy the designer has not edited is refreshed when the product's notebook changes
  (a newer workbook), so fixes reach them;
* a copy the designer edited (or ran and saved) is never overwritten.

A hidden manifest in the copies' folder records what was written, so "not edited" is
known, not guessed. Lab opens on the program's folder, where the design, the roster,
the outputs and the history are beside the notebooks; the notebooks find the program's
files through ``WORKBOOK_DESIGN``, ``WORKBOOK_ROSTER`` and ``WORKBOOK_OUTPUT``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from workbook import NOTEBOOKS, places, programs, store
from workbook.errors import InputError, Problem

COPIES = "notebooks"
"""The folder of working copies inside a program's folder."""
MANIFEST = ".workbook-notebooks.json"
SETTINGS = Path(__file__).with_name("lab_settings")
"""JupyterLab's settings overrides for a designer's Lab: never ask to fetch news."""
LANDING = "app.ipynb"
"""Not copied: the app is for the browser (``workbook app``), not for Lab."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def program_folder(path: Path) -> Path:
    """The program folder ``path`` names: a folder holding ``design.yaml``, or the
    ``design.yaml`` itself.

    Raises:
        InputError: there is no design there (``workbook new`` makes one).
    """
    path = path.expanduser()
    folder = path.parent if path.suffix.lower() in (".yaml", ".yml") else path
    design = folder / programs.DESIGN
    if not design.is_file():
        raise InputError(
            Problem(
                f"holds no {programs.DESIGN}",
                f"create a program with `workbook new {design}`, or give its folder",
                str(path),
            )
        )
    return folder.resolve()


def working_copies(folder: Path, source: Path = NOTEBOOKS) -> dict[str, str]:
    """Create or refresh the program's copies of the step notebooks.

    Returns:
        Notebook name -> what happened: ``"created"``, ``"refreshed"``, ``"kept"``
        (edited by the designer, left alone) or ``"current"``.

    Raises:
        StoreError: a copy could not be written (the earlier copy is intact).
    """
    target = folder / COPIES
    target.mkdir(exist_ok=True)
    recorded = store.read_manifest(target, MANIFEST)
    done: dict[str, str] = {}
    written: dict[str, str] = {}
    for notebook in sorted(source.glob("*.ipynb")):
        if notebook.name == LANDING:
            continue
        data = notebook.read_bytes()
        copy = target / notebook.name
        if not copy.exists():
            store.atomic_write(copy, data)
            done[notebook.name], written[notebook.name] = "created", _digest(data)
            continue
        current = _digest(copy.read_bytes())
        if current == _digest(data):
            done[notebook.name], written[notebook.name] = "current", current
        elif recorded.get(notebook.name) == current:  # ours, untouched since: refresh
            store.atomic_write(copy, data)
            done[notebook.name], written[notebook.name] = "refreshed", _digest(data)
        else:
            done[notebook.name] = "kept"
            if notebook.name in recorded:
                written[notebook.name] = recorded[notebook.name]
    body = {"written_by": "mentoring-workbook lab", "files": written}
    store.atomic_write(target / MANIFEST, (json.dumps(body, indent=2) + "\n").encode("utf-8"))
    return done


def environment(folder: Path) -> dict[str, str]:
    """The variables the notebooks read to find the program's files."""
    return places.program_environment(
        folder / programs.DESIGN, folder / programs.ROSTER, folder / programs.OUTPUT
    )


def lab_command(folder: Path, port: int | None = None, open_browser: bool = True) -> list[str]:
    """JupyterLab rooted at the program's folder, bound to this machine only, and asking
    nothing of the internet: no news feed, no check for a newer JupyterLab (rosters are
    personal data; the workbook's pages fetch nothing from outside)."""
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={folder}"]
    command += ["--ServerApp.ip=127.0.0.1", "--LabApp.news_url=None"]
    command += ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    command.append(f"--LabApp.app_settings_dir={SETTINGS}")
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "getuid") and os.getuid() == 0:
        command.append("--allow-root")  # containers often run as root
    return command


def serve(path: Path, *, port: int | None = None, open_browser: bool = True) -> int:
    """Prepare the program's notebooks, then run JupyterLab until it stops.

    Raises:
        InputError: ``path`` is not a program (see :func:`program_folder`).
    """
    folder = program_folder(path)
    for name, what in working_copies(folder).items():
        if what == "kept":
            print(f"{COPIES}/{name}: kept as you edited it (not refreshed)", flush=True)
    env = {**os.environ, **environment(folder)}
    proc = subprocess.Popen(lab_command(folder, port, open_browser), env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
