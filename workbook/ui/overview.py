"""The program overview: the app's landing page, linking every design step."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from workbook import overview, store
from workbook.errors import WorkbookError
from workbook.ui.base import STYLE, Failed, bullet_list, escape, open_design
from workbook.ui.page import StepView, shown_path

_BADGES = {
    "done": "decided",
    "open": "to be decided",
    "attention": "rules broken",
    "later": "once the program has run",
}
"""State -> the words on a step's card; the colour is the class ``wb-badge-STATE``."""


def _card(step: overview.StepStatus, number: int) -> str:
    label = _BADGES[step.state]
    items = [escape(label) for label in step.open[:6]]
    if len(step.open) > 6:
        items.append(f"and {len(step.open) - 6} more")
    items += [f"<b>{escape(f.label)}</b> {escape(f.message)}" for f in step.findings]
    return (
        f'<div class="wb-card wb-card-{escape(step.key)}">'
        f'<a href="{escape(step.notebook)}">{number}. {escape(step.title)}</a> '
        f'<span class="wb-state wb-badge wb-badge-{step.state}">{escape(label)}</span>'
        f'<div class="wb-help">{escape(step.description)}</div>'
        f"{bullet_list(items, 'wb-open')}</div>"
    )


class Overview:
    """What is decided, what is open and which rules are broken, step by step."""

    title = "Program overview"

    def __init__(self, snapshot: store.Snapshot) -> None:
        self.snapshot = snapshot
        self.steps = overview.status(snapshot.design)
        design = snapshot.design
        phase = [s for s in self.steps if not s.after_launch]
        done = sum(s.state == "done" for s in phase)
        name = design.program.name or "A new mentoring program"
        saved = f"revision {design.revision}" if snapshot.fingerprint else "not saved yet"
        shown = shown_path(snapshot.path)
        head = (
            f"<h2>{escape(name)}</h2>"
            # The folder and file, not the server path (stakeholders see this page).
            f'<div class="wb-help">Design file: <code>{escape(shown)}</code> '
            f"({escape(saved)}). {done} of {len(phase)} design steps decided.</div>"
            "<p>Work through the steps in order; each saves into the same design file. "
            "Open a step, make its decisions and press Save.</p>"
        )
        cards = "".join(_card(s, i) for i, s in enumerate(self.steps))
        self.view = StepView(
            [w.HTML(STYLE), w.HTML(head).add_class("wb-title"), w.HTML(cards)], static=True
        ).add_class("wb-step")
        self.view.add_class("wb-overview")

    @classmethod
    def from_params(cls, design_path: str | Path = "") -> Overview | Failed:
        """The overview of a design, or the reason it cannot be opened."""
        try:
            return cls(open_design(design_path))
        except WorkbookError as exc:
            return Failed(exc, cls.title)
