"""The mentoring workbook: design a workplace mentoring program and produce its charter."""

from pathlib import Path

__version__ = "0.1.0"

CHECKOUT = Path(__file__).resolve().parent.parent
"""The folder holding the package, the notebooks and the charter's templates. They sit
side by side at the top level of a checkout (or an editable install), which is where
the app, the batch runs and the charter find them."""
NOTEBOOKS = CHECKOUT / "notebooks"
TEMPLATES = CHECKOUT / "templates"
