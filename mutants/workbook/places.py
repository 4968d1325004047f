"""Where a program's files are: given as a parameter, else by the environment, else by default.

The notebooks take their files as parameters (``design_path``, ``roster_path``,
``output_dir``, ``programs_dir``), and an empty parameter means the environment
variable that ``workbook app``, ``workbook lab`` and ``make app`` set
(:func:`program_environment`), then the step's own default. :func:`given` is that rule,
read the same way everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

DESIGN = "WORKBOOK_DESIGN"
ROSTER = "WORKBOOK_ROSTER"
OUTPUT = "WORKBOOK_OUTPUT"
PROGRAMS = "WORKBOOK_PROGRAMS"
FILES = (DESIGN, ROSTER, OUTPUT, PROGRAMS)
"""The variables that point the notebooks at files (a batch run passes every path as a
parameter and removes these from its kernels' environment)."""


def given(parameter: str | os.PathLike[str] | None, variable: str) -> Path | None:
    """The path a parameter names, else the one ``$variable`` names, else ``None`` (the
    caller's default applies). Blank text counts as not given; ``~`` is expanded."""
    text = str(parameter or "").strip() or os.environ.get(variable, "").strip()
    return Path(text).expanduser() if text else None


def program_environment(design: Path, roster: Path, output: Path) -> dict[str, str]:
    """The variables that point the notebooks at one program's files (absolute paths:
    a kernel may run in another folder)."""
    return {
        DESIGN: str(design.resolve()),
        ROSTER: str(roster.resolve()),
        OUTPUT: str(output.resolve()),
    }
