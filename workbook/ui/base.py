"""What every design step's widgets share: open, validate as you type, warn, save.

A step subclass supplies its own widgets and two translations, widgets -> inputs
(:meth:`Step.read`) and inputs -> widgets (:meth:`Step.write`); the domain module
supplies ``inputs_from(design)`` and ``apply(design, inputs)``. Everything else is
here, so every step behaves the same way:

* :meth:`Step.refresh` runs on every change (and once when the step is built, the way
  ``interactive_output`` does): it validates the inputs, shows problems next to the
  form, and shows the rules' warnings for this step.
* :meth:`Step.save` is what the Save button does, in JupyterLab, in Voila and in a
  headless papermill run (``save=True`` presses the same button). If the file changed
  on disk only in decisions this step does not edit (another step saved), the edit is
  applied on top of the newer file; if this step's own decisions changed, the store's
  conflict error is shown and nothing is overwritten.
* No exception escapes a callback: Voila would hide it (the button seems dead) or show
  a traceback with server paths. The workbook's own errors become friendly messages;
  anything else is logged and reported as a bug, and the file is left as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar, overload

import ipywidgets as w
from pydantic import BaseModel

from workbook import rules, store
from workbook.design import Design
from workbook.errors import DesignError, InputError, Problem, WorkbookError

log = logging.getLogger(__name__)

I = TypeVar("I", bound=BaseModel)  # noqa: E741 - the step's inputs model
W = TypeVar("W", bound=w.Widget)
S = TypeVar("S", bound="Step[Any]")
R = TypeVar("R", bound="Row")

STYLE = f"<style>{files(__package__).joinpath('style.css').read_text('utf-8')}</style>"
"""The workbook's stylesheet (``workbook/ui/style.css``) as an HTML widget's value."""


def escape(text: object) -> str:
    """HTML-escape anything a user may have typed before it goes into an HTML widget."""
    return html.escape(str(text), quote=True)


def plain(value: object) -> str:
    """How a value reads back in a text box: 88.0 -> "88", None -> "" (undecided)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def bullet_list(items: Sequence[str], css: str) -> str:
    """An HTML list of already-escaped items inside a div of class ``css``."""
    if not items:
        return ""
    lis = "".join(f"<li>{item}</li>" for item in items)
    return f'<div class="{css}"><ul>{lis}</ul></div>'


def resolve_design_path(design_path: str | Path) -> Path:
    """The design file a notebook works on: the parameter, else ``$WORKBOOK_DESIGN``.

    ``make app`` sets ``WORKBOOK_DESIGN`` to a working copy of the example program so
    that Voila opens every step on the same design.

    Raises:
        InputError: neither the parameter nor the environment names a file.
    """
    text = str(design_path).strip() or os.environ.get("WORKBOOK_DESIGN", "").strip()
    if not text:
        raise InputError(
            Problem(
                "no design file was given",
                "set the notebook parameter design_path (papermill: -p design_path FILE) "
                "or the environment variable WORKBOOK_DESIGN",
                field="design_path",
            )
        )
    return Path(text).expanduser()


class Step(Generic[I]):
    """Base of the design steps' widget front-ends.

    Subclasses set :attr:`step` and :attr:`title`, pass the domain functions to
    ``__init__``, build their widgets in :meth:`build`, and translate in
    :meth:`read` / :meth:`write`.
    """

    step: ClassVar[str]
    title: ClassVar[str]
    help: ClassVar[str] = ""

    def __init__(
        self,
        snapshot: store.Snapshot,
        inputs_from: Callable[[Design], I],
        apply: Callable[[Design, I], Design],
    ) -> None:
        self.snapshot = snapshot
        self._inputs_from = inputs_from
        self._apply = apply
        self._fields: dict[str, w.Widget] = {}
        self.header = w.HTML().add_class("wb-title")
        self.problems = w.HTML().add_class("wb-problems-box")
        self.warnings = w.HTML().add_class("wb-warnings-box")
        self.status = w.HTML().add_class("wb-status")
        self.save_button = w.Button(
            description="Save", button_style="primary", icon="save", tooltip="Save the design"
        ).add_class("wb-save")
        self.save_button.on_click(lambda _b: self.save())
        self._quiet = True  # no refresh while widgets are being filled in
        body = self.build()
        self.view = w.VBox(
            [
                w.HTML(STYLE),
                self.header,
                *body,
                self.problems,
                self.warnings,
                w.HBox([self.save_button, self.status]),
            ]
        ).add_class("wb-step")
        self.view.add_class(f"wb-step-{self.step}")
        self.write(inputs_from(snapshot.design))
        self._quiet = False
        self._update_header()
        self.refresh()  # once at build time, so problems and warnings show from the start

    # ------------------------------------------------------------ entry point

    @classmethod
    def launch(
        cls: type[S],
        design_path: str | Path,
        configure: Callable[[S], None],
        *,
        save: bool,
        headless: bool | None = None,
        name: str = "",
        build: Callable[[store.Snapshot], S] | None = None,
    ) -> S | Failed:
        """What every step's ``from_params`` does: open the design, let ``configure``
        set the widgets from the parameters (and press any button they ask for), then
        press Save if ``save`` is true, exactly as a person would.

        Args:
            configure: sets the parameters on the built step; raises InputError for a
                bad one.
            headless: raise the workbook's errors instead of showing them (default:
                ``save``): a headless run must fail loudly, an app must not.
            name: the program's name for a design that does not exist yet.
            build: makes the step from the snapshot, for steps that take more than it.

        Raises:
            WorkbookError: only when headless.
        """
        strict = save if headless is None else headless
        try:
            snapshot = open_design(design_path, name)
            # Subclasses take only the snapshot (they pass the domain functions on to
            # Step.__init__ themselves), which type[S] cannot express.
            step = build(snapshot) if build is not None else cls(snapshot)  # type: ignore[call-arg]
        except WorkbookError as exc:
            if strict:
                raise
            return Failed(exc, cls.title)
        try:
            configure(step)
        except InputError as exc:
            if strict:
                raise
            step._show_problems(exc.problems)
            step._set_status(["A parameter was not accepted; see the problems above."], ok=False)
            return step
        if save:
            step.save(raise_errors=True)
        return step

    # ------------------------------------------------------------ for subclasses

    def build(self) -> list[w.Widget]:
        """Create the step's widgets; return them in display order."""
        raise NotImplementedError

    def read(self) -> I:
        """The inputs as the widgets hold them now.

        Raises:
            InputError: a value is not acceptable; fields are named like the inputs'.
        """
        raise NotImplementedError

    def write(self, inputs: I) -> None:
        """Show ``inputs`` in the widgets."""
        raise NotImplementedError

    def field(self, name: str, widget: W) -> W:
        """Register ``widget`` as the one that edits input field ``name``.

        Problems about that field mark the widget (class ``wb-invalid``). The widget
        is observed so every change refreshes the step.
        """
        self._fields[name] = widget
        widget.observe(self.refresh, names="value")
        return widget

    @contextlib.contextmanager
    def quietly(self) -> Iterator[None]:
        """Set widgets without each change refreshing the step (nestable)."""
        quiet, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = quiet

    def label(self, field: str) -> str:
        """A person's name for an input field path (``objectives.0.target``)."""
        return field.replace("_", " ")

    # ------------------------------------------------------------ behaviour

    def refresh(self, _change: Any = None) -> None:
        """Validate the current values and show problems and the rules' warnings."""
        if self._quiet:
            return
        with self._guard():
            try:
                design = self._apply(self.snapshot.design, self.read())
            except InputError as exc:
                self._show_problems(exc.problems)
                self.save_button.disabled = True
                return
            self._show_problems([])
            self.save_button.disabled = False
            findings = rules.for_step(design, self.step)
            self.warnings.value = bullet_list(
                [
                    f"<b>{escape(f.rule)}</b> {escape(f.message)}. {escape(f.why)} "
                    f"<i>{escape(f.fix)}</i>"
                    for f in findings
                ],
                "wb-warnings",
            )

    def save(self, *, raise_errors: bool = False) -> bool:
        """Save the step's decisions into the design file; True when saved.

        Args:
            raise_errors: re-raise the workbook's errors after showing them (headless
                runs use it so that papermill fails on a design it could not save).
        """
        with self._guard():
            try:
                inputs = self.read()
                base = self._rebase()
                design = self._apply(base.design, inputs)
                before = base.fingerprint
                self.snapshot = store.save(design, base)
            except WorkbookError as exc:
                self._show_problems(exc.problems if isinstance(exc, InputError) else [])
                self._set_status(exc.lines(), ok=False)
                if raise_errors:
                    raise
                return False
            now = dt.datetime.now().strftime("%H:%M:%S")
            if self.snapshot.fingerprint == before:
                self._set_status([f"No changes to save ({now})."], ok=True)
            else:
                self._set_status(
                    [
                        f"Saved revision {self.snapshot.design.revision} to "
                        f"{self.snapshot.path.name} at {now}."
                    ],
                    ok=True,
                )
            self._update_header()
            self.refresh()
            return True
        if raise_errors:  # pragma: no cover - only reached after an unexpected bug
            raise RuntimeError("saving failed unexpectedly; see the log")
        return False

    # ------------------------------------------------------------ helpers

    def _rebase(self) -> store.Snapshot:
        """The snapshot to save over: ours, or the newer file if it differs only in
        decisions this step does not edit."""
        path = self.snapshot.path
        if self.snapshot.fingerprint is None or not path.exists():
            return self.snapshot
        try:
            current = store.load(path)
        except DesignError:
            return self.snapshot  # let the store report the conflict
        if current.fingerprint == self.snapshot.fingerprint:
            return self.snapshot
        if self._inputs_from(current.design) == self._inputs_from(self.snapshot.design):
            return current
        return self.snapshot

    def _update_header(self) -> None:
        snap = self.snapshot
        state = (
            f"revision {snap.design.revision}"
            if snap.fingerprint is not None
            else "new design, not saved yet"
        )
        self.header.value = (
            f"<h2>{escape(self.title)}</h2>"
            f'<div class="wb-help">{escape(self.help)}</div>'
            f'<div class="wb-help">Design file: <code>{escape(snap.path)}</code> ({state})</div>'
        )

    def _show_problems(self, problems: Sequence[Problem]) -> None:
        for name, widget in self._fields.items():
            bad = any(p.field == name for p in problems)
            (widget.add_class if bad else widget.remove_class)("wb-invalid")
        items = []
        for p in problems:
            text = escape(p.message)
            if p.value is not None:
                text += f" (you entered {escape(repr(p.value))})"
            if p.fix:
                text += f"; {escape(p.fix)}"
            where = f"<b>{escape(self.label(p.field))}</b>: " if p.field else ""
            items.append(where + text)
        self.problems.value = bullet_list(items, "wb-problems")

    def _set_status(self, lines: Sequence[str], *, ok: bool) -> None:
        css = "wb-status-ok" if ok else "wb-status-error"
        self.status.value = f'<span class="{css}">{"<br>".join(escape(x) for x in lines)}</span>'

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Keep any exception inside the callback and tell the user in plain words."""
        try:
            yield
        except WorkbookError:
            raise  # already shown to the user; only headless runs let it through
        except Exception as exc:
            log.exception("unexpected error in the %s step", self.step)
            self._set_status(
                [
                    f"Something went wrong inside the workbook ({type(exc).__name__}). "
                    "Your design file was not changed. Please report this as a bug."
                ],
                ok=False,
            )


def open_design(design_path: str | Path, name: str = "") -> store.Snapshot:
    """Open the design a step works on, or a new one if the file does not exist yet.

    Raises:
        InputError: no path was given.
        DesignError: the file exists but is not a valid design.
    """
    return store.load_or_new(resolve_design_path(design_path), name)


class Failed:
    """What a step shows when it cannot open its design: the problem, not a traceback."""

    def __init__(self, error: WorkbookError, title: str) -> None:
        self.error = error
        items = [escape(line) for line in error.lines()]
        self.view = w.VBox(
            [
                w.HTML(STYLE),
                w.HTML(f"<h2>{escape(title)}</h2>").add_class("wb-title"),
                w.HTML(
                    "<p>This step cannot open its design file. Fix the problem below and "
                    "reload the page; nothing has been changed.</p>"
                    + bullet_list(items, "wb-problems")
                ).add_class("wb-open-error"),
            ]
        ).add_class("wb-step")


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


def text_field(step: Step[Any], name: str, label: str, css: str, **kw: Any) -> w.Text:
    """A one-line text input for input field ``name``."""
    widget = w.Text(description=label, layout=w.Layout(width="600px"), **kw).add_class(css)
    widget.style.description_width = "160px"
    return step.field(name, widget)


def lines_field(step: Step[Any], name: str, label: str, css: str, **kw: Any) -> w.Textarea:
    """A text area holding a list, one item per line (read back with :func:`lines`)."""
    widget = w.Textarea(
        description=label, layout=w.Layout(width="600px", height="80px"), **kw
    ).add_class(css)
    widget.style.description_width = "160px"
    return step.field(name, widget)


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
    widget = w.Dropdown(
        description=label, options=[(UNDECIDED, None), *options], layout=w.Layout(width="600px")
    ).add_class(css)
    widget.style.description_width = "160px"
    return step.field(name, widget)


def yes_no_field(step: Step[Any], name: str, label: str, css: str) -> w.Dropdown:
    """A yes / no / not decided choice (``True`` / ``False`` / ``None``)."""
    return choice_field(step, name, label, css, [("Yes", True), ("No", False)])
