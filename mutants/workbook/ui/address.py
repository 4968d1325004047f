"""The page's address follows the person, and the browser remembers who is editing.

Voila gives the kernel the address the page was opened with (``?program=NAME&step=KEY``,
read by :func:`workbook.ui.app.query_value`); this widget keeps it current as the person
moves, so a reload opens the same program at the same step and the browser's Back and
Forward buttons move between steps. It also keeps "Your name" in the browser's own
storage, so every save is recorded under it, the first one included, without asking
again. Nothing leaves the machine: the name stays in this browser.

It is an `anywidget <https://anywidget.dev>`_ (a few lines of JavaScript in
``address.js``). The address is only followed in Voila: in JupyterLab the page's address
is JupyterLab's own, and in a headless run nothing renders the widget, so the app behaves
exactly as without it.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import anywidget
import traitlets


class Address(anywidget.AnyWidget):
    """A hidden widget: put it on the page once.

    Traits:
        follow: keep the address (true in Voila, which says so in ``$SERVER_SOFTWARE``).
        query: what the address should say (``program=x&step=matching``); set by the app.
        visited: the address the browser's Back or Forward button went to; ``visits``
            counts them, so going back to the same address twice is seen twice.
        author: "Your name", offered by the browser when the page opens and stored by it
            whenever the app changes it.
    """

    _esm = Path(__file__).with_name("address.js")
    follow = traitlets.Bool(False).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    visited = traitlets.Unicode("").tag(sync=True)
    visits = traitlets.Int(0).tag(sync=True)
    author = traitlets.Unicode("").tag(sync=True)

    def __init__(self) -> None:
        super().__init__(follow=os.environ.get("SERVER_SOFTWARE", "").startswith("voila/"))

    def show(self, program: str = "", step: str = "") -> None:
        """Make the address say ``program`` at ``step`` (the list of programs when empty)."""
        values = {k: v for k, v in (("program", program), ("step", step)) if v}
        self.query = urllib.parse.urlencode(values)
