"""Every notebook of the Voila app, opened on a broken design file, shows the problem
in plain words and no traceback (Voila would otherwise stop the page at the failing
cell)."""

from __future__ import annotations

import pytest
from helpers import step_notebooks

pytestmark = pytest.mark.browser

NOTEBOOKS = step_notebooks()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_broken_design_file_shows_the_problem_not_a_traceback(browse, notebook: str) -> None:  # type: ignore[no-untyped-def]
    browse.app.design.write_text("model:\n  duration_months: twelve\n")
    page = browse.open(notebook, ready=".wb-open-error")
    text = page.inner_text(".wb-open-error")
    assert "design.yaml: model.duration_months: must be a whole number" in text
    assert "write a number" in text
    browse.assert_no_traceback()
