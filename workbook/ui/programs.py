"""The program picker: the app's home page.

It lists the programs of a programs folder (name, revision, when last saved, and each
step's state) with a button to open each, and creates a new program from a blank
design or from the bundled example. Every control has a label and is a real button or
input, so the page works with the keyboard alone; nothing it shows names a server path.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w

from workbook import clock, permissions, programs
from workbook.errors import WorkbookError
from workbook.ui.page import (
    APP_STYLE,
    STYLE,
    close_tree,
    escape,
    guarded,
    problem_text,
    shown_lines,
    status,
)

log = logging.getLogger(__name__)

MARKS = {"done": "✓", "attention": "⚠", "open": "○", "later": "◷"}
STATE_WORDS = {
    "done": "complete",
    "attention": "has warnings",
    "open": "open",
    "later": "once the program has run",
}
SOURCES = [("A blank design", "blank"), ("The example program", "example")]


def css_key(key: str) -> str:
    """A program key as a CSS class suffix (hand-made folder names may hold anything)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", key)


def when(moment: dt.datetime | None) -> str:
    """``2026-11-23 10:15 UTC``, or ``never`` for a design not saved yet."""
    return clock.utc_text(moment) or "never"


def step_marks(entry: programs.ProgramEntry) -> str:
    """Each step's state as a symbol with its meaning in words for screen readers."""
    marks = []
    for step in entry.steps:
        words = f"{step.title}: {STATE_WORDS[step.state]}"
        marks.append(
            f'<span class="wb-mark-{step.state}" title="{escape(words)}" '
            f'aria-label="{escape(words)}">{MARKS[step.state]}</span>'
        )
    return f'<span class="wb-marks">{"".join(marks)}</span>'


def details(entry: programs.ProgramEntry, root: Path) -> str:
    """The line beside a program's button: revision, last saved, step states, and the
    person's place in it when it has an access list (only that, and who to ask, for a
    program they may not open)."""
    if "open" not in entry.rights and entry.error is None:
        return f'<span class="wb-no-access">{escape(entry.role)}</span>'
    if entry.error is not None:
        lines = shown_lines(entry.error, root)
        return (
            '<span class="wb-status-error">This program cannot be opened: '
            f"{escape(' '.join(lines))}</span>"
        )
    summary = f"{entry.done} of {entry.design_steps} design steps complete"
    if entry.attention:
        summary += f", {entry.attention} with warnings"
    by = f" by {entry.saved_by}" if entry.saved_by else ""
    role = f' <span class="wb-role">{escape(entry.role)}</span>' if entry.role else ""
    return (
        f"revision {entry.revision}, last saved {escape(when(entry.saved) + by)}. "
        f"{escape(summary)} {step_marks(entry)}{role}"
    )


def author_box(placeholder: str, width: str) -> w.Text:
    """The "Your name" box: saves are recorded under it. In a JupyterHub, the name the
    person signed in with, shown and not editable (a typed name would let anyone save
    as anyone)."""
    hub = permissions.signed_in()
    box = w.Text(
        value=hub,
        description="Signed in as" if hub else "Your name",
        placeholder=placeholder,
        disabled=bool(hub),
        layout=w.Layout(width=width),
    )
    if hub:
        box.tooltip = "Your saves are recorded under the name you signed in with"
    return box


class Picker:
    """The programs in ``root`` and a form to create one; ``on_open(key)`` opens one."""

    def __init__(self, root: Path, on_open: Callable[[str], None]) -> None:
        self.root = root
        self._on_open = on_open
        self.entries: list[programs.ProgramEntry] = []
        self.author = author_box("optional: shown to others with your saves", "480px")
        self.author.add_class("wb-author")
        self.list = w.VBox().add_class("wb-program-list")
        self.refresh_button = w.Button(
            description="Refresh list", tooltip="Read the programs folder again"
        ).add_class("wb-refresh-programs")
        self.refresh_button.on_click(lambda _b: self.show())
        self.new_name = w.Text(
            description="Program name",
            placeholder="e.g. Sales onboarding mentoring",
            layout=w.Layout(width="480px"),
        ).add_class("wb-new-name")
        sources = SOURCES if (programs.EXAMPLE / programs.DESIGN).is_file() else SOURCES[:1]
        self.new_source = w.RadioButtons(
            description="Start from", options=sources, value="blank"
        ).add_class("wb-new-source")
        self.create_button = w.Button(
            description="Create program", button_style="primary", tooltip="Create the program"
        ).add_class("wb-create-program")
        self.create_button.on_click(lambda _b: self.create())
        self.message = w.HTML().add_class("wb-picker-message")
        for widget in (self.author, self.new_name, self.new_source):
            widget.style.description_width = "120px"
        self.view = w.VBox(
            [
                w.HTML(STYLE + APP_STYLE),
                w.HTML(
                    "<h2>Mentoring programs</h2><p class='wb-help'>Open a program to work "
                    "through its design step by step, or create a new one. Every program "
                    "keeps its decisions, its roster and its charter in its own folder.</p>"
                ).add_class("wb-title"),
                self.author,
                w.HTML("<h3>Programs</h3>"),
                self.list,
                self.refresh_button,
                w.HTML("<h3>New program</h3>"),
                self.new_name,
                self.new_source,
                self.create_button,
                self.message,
            ]
        ).add_class("wb-picker")
        self.show()

    def show(self, note: str = "", *, ok: bool = True) -> None:
        """Read the programs folder again and list what it holds."""
        with guarded(self.message, "listing the programs"):
            self.entries = programs.list_programs(self.root)
            rows = [self._row(entry) for entry in self.entries]
            if not rows:
                rows = [
                    w.HTML(
                        "<p class='wb-help wb-no-programs'>No programs yet: create one below.</p>"
                    )
                ]
            old = self.list.children
            self.list.children = rows
            for row in old:
                close_tree(row)
            self.message.value = status([note], ok=ok) if note else ""

    def _row(self, entry: programs.ProgramEntry) -> w.Widget:
        button = w.Button(
            description=entry.name,
            tooltip=f"Open {entry.name}",
            disabled=entry.error is not None or "open" not in entry.rights,
            layout=w.Layout(width="auto"),
        ).add_class("wb-program-open")
        button.on_click(lambda _b, key=entry.key: self.open(key))
        info = w.HTML(details(entry, self.root)).add_class("wb-program-details")
        return (
            w.HBox([button, info])
            .add_class("wb-program-row")
            .add_class(f"wb-program-{css_key(entry.key)}")
        )

    def open(self, key: str) -> None:
        """What a program's button does."""
        with guarded(self.message, "opening the program"):
            self._on_open(key)

    def create(self) -> None:
        """What Create program does: make the folder and design, then open it."""
        with guarded(self.message, "creating the program"):
            try:
                entry = programs.create(
                    self.root, self.new_name.value, self.new_source.value, self.author.value
                )
            except WorkbookError as exc:
                self.new_name.add_class("wb-invalid")
                self.message.value = status(
                    [problem_text(p) for p in exc.problems] or shown_lines(exc, self.root),
                    ok=False,
                )
                return
            self.new_name.remove_class("wb-invalid")
            self.new_name.value = ""
            self.message.value = status([f"Created {entry.name} (folder {entry.key})."], ok=True)
            self._on_open(entry.key)  # the list is read again when the picker shows next
