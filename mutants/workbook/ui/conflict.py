"""The panel a step shows when its save met someone else's: who saved what and when,
where your version was kept, the fields on which the two versions differ with a choice
of theirs or mine for each, and the ways on (save my choices, reload theirs, keep mine).

The step (:class:`workbook.ui.base.Step`) does the saving and reloading; this module
only shows a :class:`workbook.store.Conflict` and the field choices
(:mod:`workbook.conflict`), and hands the buttons' clicks back. File
names are shown relative to the design's folder (``design.history/...yaml``), never as
server paths.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import ipywidgets as w

from workbook import store
from workbook.conflict import EMPTY, FieldChoice, Side, shown
from workbook.ui.page import shown_path


class ConflictPanel:
    """A hidden box (class ``wb-conflict``) that :meth:`show` fills and reveals.

    Args:
        reload: what "Reload theirs" does (button class ``wb-conflict-reload``).
        keep: what "Keep mine as a new revision" does (class ``wb-conflict-keep``).
        merge: what "Save my choices" does (class ``wb-conflict-merge``): the step reads
            :meth:`take_theirs` and saves.
    """

    def __init__(
        self,
        reload: Callable[[], object],
        keep: Callable[[], object],
        merge: Callable[[], object] | None = None,
    ) -> None:
        self.conflict: store.Conflict | None = None
        self.text = w.HTML().add_class("wb-conflict-text")
        self.fields = w.VBox().add_class("wb-conflict-fields")
        self._choices: dict[str, w.ToggleButtons] = {}
        self.merge_button = w.Button(
            description="Save my choices",
            icon="check",
            button_style="primary",
            tooltip="Save the form with theirs or mine for each field, as chosen above",
            layout=w.Layout(width="auto", display="none"),
        ).add_class("wb-conflict-merge")
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
        if merge is not None:
            self.merge_button.on_click(lambda _b: merge())
        self.box = w.VBox(
            [
                self.text,
                self.fields,
                w.HBox([self.merge_button, self.reload_button, self.keep_button]),
            ],
            layout=w.Layout(display="none"),
        ).add_class("wb-conflict")

    @property
    def visible(self) -> bool:
        return self.conflict is not None

    def show(
        self,
        conflict: store.Conflict,
        choices: Sequence[FieldChoice] = (),
        label: Callable[[str], str] = str,
    ) -> None:
        """Say who saved what and when, where this form's version was kept, and, per
        field on which the versions differ, theirs and mine with a choice between them
        (proposed: the side that changed it)."""
        self.conflict = conflict
        self._show_choices(choices, label, conflict.author)
        design = conflict.theirs.path
        kept = html.escape(shown_path(conflict.kept, design.parent))
        self.text.value = (
            '<p class="wb-conflict-title">Someone else saved this design while you were '
            "editing it.</p>"
            f'<p class="wb-conflict-who">{html.escape(conflict.summary())}</p>'
            "<p>Your unsaved edits are still in this form and were kept as "
            f'<code class="wb-conflict-kept">{kept}</code>.</p>'
            + (
                "<p>Choose theirs or yours for each field below and press <b>Save my "
                "choices</b>, or take one version whole. "
                if choices
                else "<p>"
            )
            + "<b>Reload theirs</b> shows their version here (yours stays in the history "
            "folder). <b>Keep mine as a new revision</b> saves this form over theirs "
            "(theirs stays in the history folder).</p>"
        )
        self.box.layout.display = "flex"

    def take_theirs(self) -> list[str]:
        """The fields for which the person chose theirs."""
        return [name for name, toggle in self._choices.items() if toggle.value == "theirs"]

    def choose(self, field: str, side: Side) -> None:
        """Choose ``side`` for ``field`` (what clicking its toggle does)."""
        self._choices[field].value = side

    def _show_choices(
        self, choices: Sequence[FieldChoice], label: Callable[[str], str], author: str
    ) -> None:
        theirs_name = "Theirs" if author == "Someone" else f"{author}'s"
        rows: list[w.Widget] = []
        self._choices = {}
        for choice in choices:
            name = label(choice.field)
            both = " <i>(you both changed it)</i>" if choice.both_changed else ""
            text = w.HTML(
                f"<div><b>{html.escape(name)}</b>{both}</div>"
                f'<div class="wb-conflict-theirs">{html.escape(theirs_name)}: '
                f"{html.escape(_quoted(choice.theirs))}</div>"
                f'<div class="wb-conflict-mine">Yours: {html.escape(_quoted(choice.mine))}'
                "</div>"
            ).add_class("wb-conflict-values")
            toggle = w.ToggleButtons(
                options=[(theirs_name, "theirs"), ("Yours", "mine")],
                value=choice.proposed,
                tooltips=[f"Keep {theirs_name.lower()} {name}", f"Keep your {name}"],
                style={"button_width": "auto"},
            ).add_class("wb-conflict-choice")
            toggle.add_class(f"wb-conflict-choice-{choice.field}")
            self._choices[choice.field] = toggle
            rows.append(w.HBox([text, toggle]).add_class("wb-conflict-field"))
        self.fields.children = rows
        self.merge_button.layout.display = None if choices else "none"

    def hide(self) -> None:
        self.conflict = None
        self.text.value = ""
        self.fields.children = []
        self._choices = {}
        self.merge_button.layout.display = "none"
        self.box.layout.display = "none"


def _quoted(value: object) -> str:
    """A value as the panel quotes it: in quotation marks unless it is ``(empty)``."""
    text = shown(value)
    return text if text == EMPTY else f"\u201c{text}\u201d"
