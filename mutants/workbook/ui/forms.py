"""The pieces of a step's form that every step builds the same way: editable lists of
rows (:class:`RowList`) and small field factories (:func:`text_field` ...).

Each takes the step it belongs to, so that a problem about a field marks the widget that
shows it; :mod:`workbook.ui.base` re-exports them for the steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar, overload

import ipywidgets as w

if TYPE_CHECKING:
    from workbook.ui.base import Step

R = TypeVar("R", bound="Row")


# ---------------------------------------------------------------- row lists
# Objectives, milestones, measures, risks and approvers are edited as a list of rows
# that a person adds to and removes from; RowList is that list, the same for every step.


class Row(Protocol):
    """One row of a :class:`RowList`: the box that shows it and the widgets it edits.

    A row observes the step's :meth:`Step.refresh` on its own widgets; the list only
    registers them, so that problems mark the right widget.
    """

    box: w.Widget

    def widgets(self) -> Mapping[str, w.Widget]:
        """Input field name -> widget, for this row."""
        ...


class RowList(Sequence[R], Generic[R]):
    """An editable list of rows shown in one ``VBox`` (class ``css``).

    It owns the rows and keeps each row's widgets registered in the step as
    ``f"{prefix}.{i}.{name}"`` (``objectives.2.target``), re-numbered whenever a row
    is added or removed, so that a problem about a field marks the widget that shows
    it. Read it like a list: ``step.rows[0]``, ``len(step.rows)``, ``for row in ...``.

    Args:
        step: the step whose fields the rows' widgets are registered in.
        prefix: the input field path of the list (``model.milestones``).
        css: the class of the box holding the rows (a stable selector for tests).
        empty: shown instead of the rows when there are none.
    """

    def __init__(
        self, step: Step[Any], prefix: str, css: str, *, empty: w.Widget | None = None
    ) -> None:
        self._step = step
        self.prefix = prefix
        self.box = w.VBox().add_class(css)
        self._empty = empty
        self._rows: list[R] = []

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> list[R]: ...

    def __getitem__(self, index: int | slice) -> R | list[R]:
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, row: R) -> R:
        """Append ``row``, show it and refresh the step; returns ``row``."""
        self._rows.append(row)
        self.layout()
        self._step.refresh()
        return row

    def remove(self, row: R) -> None:
        """Take ``row`` out, re-number the rest and refresh the step."""
        self._rows.remove(row)
        self.layout()
        self._step.refresh()

    def replace(self, rows: Iterable[R]) -> None:
        """Show ``rows`` instead of the current ones. No refresh: the caller is writing
        the step's widgets and refreshes (or not) when it is done."""
        self._rows = list(rows)
        self.layout()

    def layout(self) -> None:
        """Show the rows and register their widgets under their current index."""
        empty = [self._empty] if self._empty is not None else []
        self.box.children = [row.box for row in self._rows] or empty
        fields = self._step._fields  # the step's registry; RowList is its helper
        start = self.prefix + "."
        for name in [name for name in fields if name.startswith(start)]:
            del fields[name]
        for i, row in enumerate(self._rows):
            for name, widget in row.widgets().items():
                fields[f"{self.prefix}.{i}.{name}"] = widget


# ---------------------------------------------------------------- form helpers
# Small factories every step uses, so the same kind of decision looks and reads back the
# same way everywhere. Each takes the step (to register the field) and a CSS class (a
# stable selector for browser tests).

UNDECIDED = "(not decided)"
W = TypeVar("W", bound=w.Widget)


def _labelled(step: Step[Any], name: str, widget: W, css: str) -> W:
    """``widget`` with the workbook's label width and class ``css``, registered in
    ``step`` as the widget of input field ``name``."""
    widget.add_class(css)
    widget.style.description_width = "160px"
    return step.field(name, widget)


def text_field(step: Step[Any], name: str, label: str, css: str, **kw: Any) -> w.Text:
    """A one-line text input for input field ``name``."""
    return _labelled(step, name, w.Text(description=label, layout=_width(), **kw), css)


def lines_field(step: Step[Any], name: str, label: str, css: str, **kw: Any) -> w.Textarea:
    """A text area holding a list, one item per line (read back with :func:`lines`)."""
    area = w.Textarea(description=label, layout=_width(height="80px"), **kw)
    return _labelled(step, name, area, css)


def _width(**more: str) -> w.Layout:
    return w.Layout(width="600px", **more)


def lines(text: str) -> list[str]:
    """The non-empty, stripped lines of a text area."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def choice_field(
    step: Step[Any],
    name: str,
    label: str,
    css: str,
    options: Sequence[tuple[str, str | bool]],
) -> w.Dropdown:
    """A dropdown of ``(title, key)`` options plus "not decided" (value ``None``)."""
    choices = [(UNDECIDED, None), *options]
    return _labelled(
        step, name, w.Dropdown(description=label, options=choices, layout=_width()), css
    )


def yes_no_field(step: Step[Any], name: str, label: str, css: str) -> w.Dropdown:
    """A yes / no / not decided choice (``True`` / ``False`` / ``None``)."""
    return choice_field(step, name, label, css, [("Yes", True), ("No", False)])


def area_field(step: Step[Any], name: str, label: str, css: str, **kw: Any) -> w.Textarea:
    """A text area for a sentence or two (its text is the value, not a list)."""
    area = w.Textarea(description=label, layout=_width(height="60px"), **kw)
    return _labelled(step, name, area, css)


# ---------------------------------------------------------------- layouts as data
# A form's fields are written down as data (path, label, kind, class, hint) and built by
# the factories above, so every step lays out the same kind of decision the same way and
# a field is one line to add.

Kind = Literal["text", "lines", "area", "yes_no", "choice", "date"]


@dataclass(frozen=True)
class Field:
    """One field of a form: the input field it edits and how it is shown.

    Attributes:
        path: the input field path (``participation.voluntary``); its last part names it.
        label: the label beside it.
        css: its stable class (browser tests and styles select it).
        kind: a one-line text, a list one item per line, a text area, yes / no, a choice
            of ``options`` (with "not decided"), or a date.
        hint: the placeholder of an empty text field.
        options: ``(title, key)`` pairs of a choice.
    """

    path: str
    label: str
    css: str
    kind: Kind = "text"
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    def make(self, step: Step[Any]) -> w.Widget:
        """The field's widget, registered in ``step``."""
        if self.kind == "yes_no":
            return yes_no_field(step, self.path, self.label, self.css)
        if self.kind == "choice":
            return choice_field(step, self.path, self.label, self.css, self.options)
        if self.kind == "date":
            return _labelled(step, self.path, w.DatePicker(description=self.label), self.css)
        factory = {"text": text_field, "lines": lines_field, "area": area_field}[self.kind]
        return factory(step, self.path, self.label, self.css, placeholder=self.hint)


def build_form(step: Step[Any], layout: Sequence[Field]) -> dict[str, w.Widget]:
    """Every field of ``layout`` built and registered in ``step``, by name, in order."""
    return {f.name: f.make(step) for f in layout}
