"""The panel a step shows when its save met someone else's: who saved what and when,
where your version was kept, and the two ways on (reload theirs, keep mine).

The step (:class:`workbook.ui.base.Step`) does the saving and reloading; this module
only shows a :class:`workbook.store.Conflict` and hands the buttons' clicks back. File
names are shown relative to the design's folder (``design.history/...yaml``), never as
server paths.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from workbook import store
from workbook.ui.page import shown_path


class ConflictPanel:
    """A hidden box (class ``wb-conflict``) that :meth:`show` fills and reveals.

    Args:
        reload: what "Reload theirs" does (button class ``wb-conflict-reload``).
        keep: what "Keep mine as a new revision" does (class ``wb-conflict-keep``).
    """

    def __init__(self, reload: Callable[[], object], keep: Callable[[], object]) -> None:
        self.conflict: store.Conflict | None = None
        self.text = w.HTML().add_class("wb-conflict-text")
        self.reload_button = w.Button(
            description="Reload theirs",
            icon="refresh",
            tooltip="Show their version in this form; yours stays in the history folder",
            layout=w.Layout(width="auto"),
        ).add_class("wb-conflict-reload")
        self.keep_button = w.Button(
            description="Keep mine as a new revision",
            icon="save",
            button_style="warning",
            tooltip="Save this form over theirs; theirs stays in the history folder",
            layout=w.Layout(width="auto"),
        ).add_class("wb-conflict-keep")
        self.reload_button.on_click(lambda _b: reload())
        self.keep_button.on_click(lambda _b: keep())
        self.box = w.VBox(
            [self.text, w.HBox([self.reload_button, self.keep_button])],
            layout=w.Layout(display="none"),
        ).add_class("wb-conflict")

    @property
    def visible(self) -> bool:
        return self.conflict is not None

    def show(self, conflict: store.Conflict) -> None:
        """Say who saved what and when, and where this form's version was kept."""
        self.conflict = conflict
        design = conflict.theirs.path
        kept = html.escape(shown_path(conflict.kept, design.parent))
        self.text.value = (
            '<p class="wb-conflict-title">Someone else saved this design while you were '
            "editing it.</p>"
            f'<p class="wb-conflict-who">{html.escape(conflict.summary())}</p>'
            "<p>Your unsaved edits are still in this form and were kept as "
            f'<code class="wb-conflict-kept">{kept}</code>.</p>'
            "<p><b>Reload theirs</b> shows their version here (yours stays in the history "
            "folder). <b>Keep mine as a new revision</b> saves this form over theirs "
            "(theirs stays in the history folder).</p>"
        )
        self.box.layout.display = "flex"

    def hide(self) -> None:
        self.conflict = None
        self.text.value = ""
        self.box.layout.display = "none"
