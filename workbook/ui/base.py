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
  applied on top of the newer file; if this step's own decisions changed, nothing is
  overwritten: the conflict panel (:mod:`workbook.ui.conflict`) says who saved what
  and when, and offers to reload theirs or keep mine as a new revision. Either way both
  versions stay on disk (the file and its history folder), so nothing typed is lost.
* No exception escapes a callback: Voila would hide it (the button seems dead) or show
  a traceback with server paths. The workbook's own errors become friendly messages;
  anything else is logged and reported as a bug, and the file is left as it was.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

import ipywidgets as w
from pydantic import BaseModel

from workbook import clock, drafts, places, rules, steps, store
from workbook import conflict as merging
from workbook.design import Design, validate_input
from workbook.errors import ConflictError, DesignError, InputError, Problem, WorkbookError
from workbook.ui.conflict import ConflictPanel
from workbook.ui.forms import (
    UNDECIDED,
    Row,
    RowList,
    choice_field,
    lines,
    lines_field,
    text_field,
    yes_no_field,
)
from workbook.ui.page import (
    STYLE,
    StepView,
    bullet_list,
    escape,
    guarded,
    plain,
    shown_lines,
    shown_path,
    start_again,
    status,
)

__all__ = [  # the forms' pieces are re-exported: every step builds from this module
    "STYLE",
    "UNDECIDED",
    "Failed",
    "Row",
    "RowList",
    "Step",
    "bullet_list",
    "choice_field",
    "escape",
    "lines",
    "lines_field",
    "open_design",
    "plain",
    "resolve_design_path",
    "text_field",
    "yes_no_field",
]

log = logging.getLogger(__name__)

I = TypeVar("I", bound=BaseModel)  # noqa: E741 - the step's inputs model
W = TypeVar("W", bound=w.Widget)
S = TypeVar("S", bound="Step[Any]")


def resolve_design_path(design_path: str | Path) -> Path:
    """The design file a notebook works on: the parameter, else ``$WORKBOOK_DESIGN``.

    ``make app`` sets ``WORKBOOK_DESIGN`` to a working copy of the example program so
    that Voila opens every step on the same design.

    Raises:
        InputError: neither the parameter nor the environment names a file.
    """
    path = places.given(design_path, places.DESIGN)
    if path is None:
        raise InputError(
            Problem(
                "no design file was given",
                "set the notebook parameter design_path (papermill: -p design_path FILE) "
                "or the environment variable WORKBOOK_DESIGN",
                field="design_path",
            )
        )
    return path


class Step(Generic[I]):
    """Base of the design steps' widget front-ends.

    Subclasses set :attr:`step` (their key in the step registry, which gives the title),
    pass the domain functions to ``__init__``, build their widgets in :meth:`build`, and
    translate in :meth:`read` / :meth:`write`.
    """

    step: ClassVar[str]
    help: ClassVar[str] = ""
    author: str = ""
    """Who is editing (the app sets it from "Your name"); saves are recorded under it,
    else under ``$JUPYTERHUB_USER`` or the login name (:func:`workbook.store.who`)."""

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
        self.saved_listeners: list[Callable[[], object]] = []
        """Called after every save that succeeded (Save, "Keep mine", a headless save):
        the app's header and progress follow them."""
        self.header = w.HTML().add_class("wb-title")
        self.problems = w.HTML().add_class("wb-problems-box")
        self.warnings = w.HTML().add_class("wb-warnings-box")
        self.still_open = w.VBox().add_class("wb-still-open")
        self._open_shown: tuple[str, ...] | None = None
        self.status = w.HTML().add_class("wb-status")
        self.save_button = w.Button(
            description="Save", button_style="primary", icon="save", tooltip="Save the design"
        ).add_class("wb-save")
        self.save_button.on_click(lambda _b: self.save())
        self.conflict = ConflictPanel(self.reload_theirs, self.keep_mine, self.save_choices)
        self._conflict_inputs: tuple[I, I] | None = None  # (mine, theirs) when refused
        self.keep_drafts = True
        """Keep unsaved edits as a draft (:mod:`workbook.drafts`); a headless run does not."""
        self.draft_state = w.HTML().add_class("wb-draft-state")
        self.draft_offer = w.HTML().add_class("wb-draft-offer")
        restore = w.Button(description="Restore", icon="undo").add_class("wb-draft-restore")
        discard = w.Button(description="Discard").add_class("wb-draft-discard")
        restore.on_click(lambda _b: self.restore_draft())
        discard.on_click(lambda _b: self.discard_draft())
        self.draft_box = w.HBox(
            [self.draft_offer, restore, discard], layout=w.Layout(display="none")
        ).add_class("wb-draft")
        self._offered: drafts.Draft | None = None
        self._baseline: tuple[str | None, Design] | None = None
        self._quiet = True  # no refresh while widgets are being filled in
        body = self.build()
        self.view = StepView(
            [
                w.HTML(STYLE),
                self.header,
                self.draft_box,
                self.still_open,
                *body,
                self.problems,
                self.warnings,
                w.HBox([self.save_button, self.status]).add_class("wb-actions"),
                self.draft_state,
                self.conflict.box,
            ]
        ).add_class("wb-step")
        self.view.add_class(f"wb-step-{self.step}")
        self.write(inputs_from(snapshot.design))
        self._quiet = False
        self._update_header()
        self._offer_draft()
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
            return Failed(exc, cls.heading())
        if strict:
            step.keep_drafts = False  # a headless run's values are its parameters
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

    @classmethod
    def heading(cls) -> str:
        """The step's title as its page shows it (``"1. Strategic purpose ..."``), from
        the step registry."""
        return steps.spec(cls.step).heading

    @property
    def title(self) -> str:
        return self.heading()

    def in_app(self) -> None:
        """Called by the app once the step is built: a step that serves a notebook and
        the app differently (heavy downloads prepared on request) adapts here."""

    locked: str = ""
    """Why this step may not be saved (the program's access list), or ``""``."""

    def read_only(self, reason: str) -> None:
        """Show the step for reading only: Save stays off and says ``reason``, and no
        draft is kept. The store refuses such a save anyway
        (:func:`workbook.permissions.check_save`); this only says so before anyone types."""
        self.locked = reason
        self.keep_drafts = False
        self.save_button.disabled = True
        self.save_button.tooltip = reason
        self.save_button.add_class("wb-read-only")
        self._set_status([reason], ok=False)

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

    def field_label(self, field: str) -> str:
        """The name a person sees on the form for an input field: its widget's
        description, else :meth:`label` with a capital."""
        widget = self._fields.get(field) or self.widget_for(field)
        described = str(getattr(widget, "description", "") or "").strip().rstrip(":")
        if described:
            return described
        text = self.label(field)
        return text[:1].upper() + text[1:]

    # ------------------------------------------------------------ behaviour

    def refresh(self, _change: Any = None) -> None:
        """Validate the current values and show problems and the rules' warnings."""
        if self._quiet:
            return
        with self._guard():
            try:
                inputs = self.read()
                design = self._apply(self.snapshot.design, inputs)
            except InputError as exc:
                self._show_problems(exc.problems)
                self.save_button.disabled = True
                self.show_derived(None, None)
                return
            self._show_problems([])
            self.save_button.disabled = bool(self.locked)
            self._keep_draft(inputs)
            findings = rules.for_step(design, self.step)
            self.warnings.value = bullet_list(
                [
                    f"<b>{escape(f.label)}</b> {escape(f.message)}. {escape(f.why)} "
                    f"<i>{escape(f.fix)}</i>"
                    for f in findings
                ],
                "wb-warnings",
            )
            self.show_open(design)
            self.show_derived(inputs, design)

    def open_decisions(self, design: Design) -> list[tuple[str, str]]:
        """The decisions of this step the design leaves open, as ``(field, label)``: the
        charter's readiness check, attributed to steps by the step registry."""
        from workbook import charter  # Jinja2 and the sections: not for the app's shell

        every = steps.specs()
        found: dict[str, str] = {}  # a field the charter names twice is listed once
        for decision in charter.build(design, chart=False).open_decisions:
            if (steps.owner(decision.field) or every[-1]).key == self.step:
                found.setdefault(decision.field, decision.label)
        return list(found.items())

    def show_open(self, design: Design) -> None:
        """Say what is still open on this step, each item a button that takes the
        cursor to its field (rebuilt only when the list changes)."""
        items = self.open_decisions(design)
        fields = tuple(f for f, _ in items)
        if fields == self._open_shown:
            return
        self._open_shown = fields
        if not items:
            self.still_open.children = [
                w.HTML("<span class='wb-help'>Nothing is open on this step.</span>")
            ]
            return
        buttons = []
        for field, charter_label in items:
            # The name on the form, so the item reads as the field it takes the cursor
            # to; the charter's longer name where the form's is only part of it (the
            # form's "Mentee" under Roles is the charter's "Responsibilities of the mentee").
            widget = self.widget_for(field)
            described = str(getattr(widget, "description", "") or "").strip().rstrip(":")
            contained = described.lower() in charter_label.lower()
            label = described if described and not contained else charter_label
            button = w.Button(
                description=label, tooltip=f"Go to {label}", layout=w.Layout(width="auto")
            ).add_class("wb-open-item")
            button.on_click(lambda _b, field=field: self.focus(field))
            buttons.append(button)
        self.still_open.children = [
            w.HTML("<b>Still open on this step:</b>").add_class("wb-open-title"),
            w.HBox(buttons, layout=w.Layout(flex_flow="row wrap")),
        ]

    def widget_for(self, field: str) -> w.Widget | None:
        """The widget that decides a design field (``program.sponsor``), if the step has
        one: the field itself, the field without its part (``sponsor``), or the first
        widget inside it (``effectiveness.0.method``)."""
        short = field.split(".", 1)[1] if "." in field else field
        for name in (field, short):
            if name in self._fields:
                return self._fields[name]
        for name in (field, short):
            inside = [k for k in self._fields if k.startswith(name + ".")]
            if inside:
                return self._fields[inside[0]]
        return None

    def focus(self, field: str) -> None:
        """Put the cursor in the widget of a design field (a "Still open" item)."""
        widget = self.widget_for(field)
        if widget is not None and hasattr(widget, "focus"):
            widget.focus()

    def show_derived(self, inputs: I | None, design: Design | None) -> None:
        """Show what the step derives from the values just validated (a ranking, advice,
        notes); ``None`` when they are not valid. Called by :meth:`refresh`, inside its
        guard, so a step never reads and applies its widgets a second time."""

    def save(self, *, raise_errors: bool = False) -> bool:
        """Save the step's decisions into the design file; True when saved.

        Args:
            raise_errors: re-raise the workbook's errors after showing them (headless
                runs use it so that papermill fails on a design it could not save).
        """
        with self._guard(headless=raise_errors):
            base = self.snapshot
            try:
                inputs = self.read()
                base = self._rebase()
                design = self._apply(base.design, inputs)
                before = base.fingerprint
                self.snapshot = store.save(design, base, author=self.author)
            except WorkbookError as exc:
                self._show_problems(exc.problems if isinstance(exc, InputError) else [])
                if isinstance(exc, ConflictError):
                    self._show_conflict(base, exc)
                else:
                    self._set_status(self._shown_lines(exc), ok=False)
                if raise_errors:
                    raise
                return False
            self.conflict.hide()
            now = clock.now().astimezone().strftime("%H:%M:%S")
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
            if self._offered is None:
                drafts.discard(self.snapshot.path, self.step)  # saved: nothing left to keep
            self._update_header()
            self.refresh()
            for listener in self.saved_listeners:
                listener()
            return True
        return False

    # ------------------------------------------------------------ drafts

    def edited(self, inputs: I) -> bool:
        """Whether ``inputs`` would change the file: both the file's own values and
        these go through the step's ``apply``, which puts rows in its order.

        Raises:
            InputError: ``inputs`` do not fit the design.
        """
        design = self.snapshot.design
        if self._baseline is None or self._baseline[0] != self.snapshot.fingerprint:
            self._baseline = (
                self.snapshot.fingerprint,
                self._apply(design, self._inputs_from(design)),
            )
        return self._apply(design, inputs) != self._baseline[1]

    def _keep_draft(self, inputs: I) -> None:
        """Keep edits that differ from the file as the step's draft, or forget the draft
        when the widgets show the file again. Nothing is kept while a draft is offered
        (it would be overwritten before the person chose)."""
        if not self.keep_drafts or self._offered is not None:
            return
        path = self.snapshot.path
        if not self.edited(inputs):
            drafts.discard(path, self.step)
            self.draft_state.value = ""
            return
        draft = drafts.keep(
            path,
            self.step,
            inputs.model_dump(mode="json"),
            store.who(self.author),
            self.snapshot.design.revision,
        )
        self.draft_state.value = (
            f"<span class='wb-help'>Unsaved edits, kept as a draft at "
            f"{escape(clock.utc_text(draft.saved))}: Save to record them in the design."
            "</span>"
        )

    def _offer_draft(self) -> None:
        """Offer back the step's draft when it holds edits the file does not."""
        if not self.keep_drafts:
            return
        draft = drafts.find(self.snapshot.path, self.step)
        if draft is None:
            return
        model = type(self._inputs_from(self.snapshot.design))
        try:
            edited = self.edited(validate_input(model, draft.values))
        except InputError:
            edited = True  # offered, and Restore says why it no longer fits
        if not edited:
            drafts.discard(self.snapshot.path, self.step)
            return
        self._offered = draft
        by = f" by {draft.author}" if draft.author else ""
        self.draft_offer.value = (
            f"<b>Unsaved edits from {escape(clock.utc_text(draft.saved))}{escape(by)}</b> "
            "<span class='wb-help'>(made on this step and not saved):</span>"
        )
        self.draft_box.layout.display = None

    def restore_draft(self) -> bool:
        """What "Restore" does: show the draft's values in the form (not saved yet)."""
        draft = self._offered
        if draft is None:
            return False
        with self._guard():
            model = type(self._inputs_from(self.snapshot.design))
            try:
                inputs = validate_input(model, draft.values)
            except InputError as exc:
                self._show_problems(exc.problems)
                self._set_status(["The draft no longer fits the design; discard it."], ok=False)
                return False
            with self.quietly():
                self.write(inputs)
            self._offered = None
            self.draft_box.layout.display = "none"
            self.refresh()
            self._set_status(["Restored your unsaved edits; Save to record them."], ok=True)
            return True
        return False

    def discard_draft(self) -> None:
        """What "Discard" does: forget the draft, keep the form as the file has it."""
        drafts.discard(self.snapshot.path, self.step)
        self._offered = None
        self.draft_box.layout.display = "none"
        self.refresh()

    def reload_theirs(self) -> bool:
        """Show the design file as it is now in the form (the conflict panel's "Reload
        theirs"); the version this form held was kept in the history folder when the
        save was refused. True when reloaded."""
        kept = self.conflict.conflict.kept if self.conflict.conflict else None
        with self._guard():
            try:
                theirs = store.load(self.snapshot.path)
            except WorkbookError as exc:
                self._set_status(self._shown_lines(exc), ok=False)
                return False
            self.snapshot = theirs
            with self.quietly():
                self.write(self._inputs_from(theirs.design))
            self.conflict.hide()
            self._update_header()
            self.refresh()
            said = [f"Reloaded revision {theirs.design.revision} from {theirs.path.name}."]
            if kept is not None:
                name = shown_path(kept, theirs.path.parent)
                said.append(f"Your version is kept in the history folder as {name}.")
            self._set_status(said, ok=True)
            return True
        return False

    def keep_mine(self) -> bool:
        """Save this form over the newer file as a new revision (the conflict panel's
        "Keep mine"); the newer file is kept in the history folder. Checked like any
        save: if the file changed again since the panel appeared, the panel shows that
        save instead and nothing is overwritten. True when saved."""
        conflict = self.conflict.conflict
        if conflict is None:
            return False
        self.snapshot = conflict.theirs  # the version this save now knowingly replaces
        if not self.save():
            return False
        saved, replaced = self.snapshot.design.revision, self.snapshot.replaced
        if replaced is not None:  # None: the form held their version already
            whose = (
                f" ({conflict.author}'s)" if saved - 1 == conflict.theirs.design.revision else ""
            )
            self._set_status(
                [
                    f"Saved your version as revision {saved}. Revision {saved - 1}{whose} is "
                    "kept in the history folder as "
                    f"{shown_path(replaced, self.snapshot.path.parent)}."
                ],
                ok=True,
            )
        return True

    def save_choices(self) -> bool:
        """Save the form with, per field, the version the person chose in the conflict
        panel (the conflict panel's "Save my choices"); checked like "Keep mine". True
        when saved."""
        if self.conflict.conflict is None or self._conflict_inputs is None:
            return False
        mine, theirs = self._conflict_inputs
        with self._guard():
            merged = merging.merge(mine, theirs, self.conflict.take_theirs())
            with self.quietly():
                self.write(merged)
            return self.keep_mine()
        return False

    # ------------------------------------------------------------ helpers

    def _show_conflict(self, base: store.Snapshot, error: ConflictError) -> None:
        """Show the conflict panel for a save over ``base`` that the store refused."""
        try:
            conflict = store.describe_conflict(base, error.kept)
        except WorkbookError as exc:  # the newer file cannot be read: say so, keep going
            name = shown_path(error.kept, base.path.parent)
            said = [
                "Not saved: the design file was changed by someone else since you opened "
                f"it, and cannot be read now. Your version is kept as {name}.",
                *self._shown_lines(exc),
            ]
            self.conflict.hide()
            self._set_status(said, ok=False)
            return
        try:
            mine = self.read()
        except InputError:  # not expected: the save read the form just before
            choices: list[merging.FieldChoice] = []
            self._conflict_inputs = None
        else:
            theirs = self._inputs_from(conflict.theirs.design)
            choices = merging.differences(self._inputs_from(base.design), mine, theirs)
            self._conflict_inputs = (mine, theirs)
        self.conflict.show(conflict, choices, self.field_label)
        self._set_status(
            [
                "Not saved: the design was changed by someone else since you opened it; "
                "nothing is lost (see below)."
            ],
            ok=False,
        )

    def _shown_lines(self, error: WorkbookError) -> list[str]:
        """The error's lines with file paths relative to the design's folder."""
        return shown_lines(error, self.snapshot.path.parent)

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
            f'<div class="wb-help">Design file: <code>{escape(shown_path(snap.path))}</code> '
            f"({state})</div>"
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
        self.status.value = status(lines, ok=ok)

    def _guard(self, *, headless: bool = False) -> contextlib.AbstractContextManager[None]:
        """Keep any exception inside the callback and tell the user in plain words."""
        return guarded(
            self.status,
            f"working in the {self.step} step",
            headless=headless,
            nothing="Your design file was not changed.",
            folders=(self.snapshot.path.parent,),
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
        items = [escape(line) for line in shown_lines(error)]
        self.view = StepView(
            [
                w.HTML(STYLE),
                w.HTML(f"<h2>{escape(title)}</h2>").add_class("wb-title"),
                w.HTML(
                    "<p>This step cannot open its design file. Fix the problem below and "
                    f"{start_again()}; nothing has been changed.</p>"
                    + bullet_list(items, "wb-problems")
                ).add_class("wb-open-error"),
            ]
        ).add_class("wb-step")
