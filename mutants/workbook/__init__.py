"""The mentoring workbook: design a workplace mentoring program and produce its charter.

The package carries everything it runs on, so an installed wheel works from any folder:
the step notebooks (``workbook/notebooks/``, which Voila serves and ``workbook run``
executes), the charter's Jinja2 templates (``workbook/charter/templates/``), the domain
knowledge (``workbook/knowledge/``) and the example program
(``workbook/examples/graduate-program/``). A checkout shows the notebooks, templates
and examples at its top level too: those folders are links to these.
"""

from importlib import resources
from pathlib import Path

__version__ = "0.1.0"


def _shipped(name: str) -> Path:
    """A folder shipped inside the package, as a path on disk (Voila and papermill read
    notebooks from real files; the package is never imported from a zip)."""
    return Path(str(resources.files(__name__).joinpath(name)))


NOTEBOOKS = _shipped("notebooks")
"""The step notebooks and the app (``app.ipynb``)."""
EXAMPLE = _shipped("examples") / "graduate-program"
"""The bundled example program: ``design.yaml`` and a synthetic ``roster.csv``."""
