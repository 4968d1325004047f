"""The stakeholders' app: the program picker, then the design steps one after another.

``notebooks/app.ipynb`` shows :class:`App`: its home is the program picker
(:class:`workbook.ui.programs.Picker`); opening a program shows a progress indicator
(each step complete, with warnings, or open, from :mod:`workbook.overview`), the step
itself, and Back / Next. The steps are the notebooks' own step classes, built through
their ``from_params`` with the program's files named explicitly (its ``design.yaml``,
``roster.csv`` and ``output/``): there is no second implementation of any step.

Each step's module is imported only when the step is first opened, so the page is
interactive quickly and a session that never matches never loads the solver. A built
step is kept while the program is open, with any unsaved edits; it is built again from
the file when the file changed since (another step or person saved) and it holds no
edits of its own. No exception escapes a callback, and nothing shown names a server
path.
"""

from __future__ import annotations

import os
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from workbook import drafts, permissions, programs, steps, store
from workbook.errors import InputError, WorkbookError
from workbook.steps import StepSpec
from workbook.ui.address import Address
from workbook.ui.base import Failed, Step
from workbook.ui.history import HistoryPanel
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
from workbook.ui.programs import MARKS, STATE_WORDS, Picker, author_box, when

if TYPE_CHECKING:  # the progress indicator imports it in the background on page load
    from workbook import overview


Shown = Step[Any] | Failed


def build_step(spec: StepSpec, folder: Path) -> Shown:
    """Build one step on a program folder's files, exactly as its notebook would: the
    design, and the roster and output folder when the registry says the step takes them."""
    files: dict[str, str] = {}
    if spec.roster:
        files["roster_path"] = str(folder / programs.ROSTER)
    if spec.output is not None:
        files["output_dir"] = str(folder / programs.OUTPUT)
    built = spec.widget_class().from_params(str(folder / programs.DESIGN), **files)
    assert isinstance(built, Step | Failed)
    if isinstance(built, Step):
        built.in_app()
    return built


def file_state(path: Path) -> tuple[int, int, int] | None:
    """What changes when a file is replaced or edited (saves rename a new file in)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def unsaved(step: Step[Any]) -> bool:
    """True when the step's widgets hold edits (or a matching run) not in its file."""
    try:
        if step.edited(step.read()):
            return True
    except WorkbookError:
        return True  # a value that does not validate is an edit too
    results = getattr(step, "results", None)
    return results is not None and results != step.snapshot.design.matching.results


def query_value(name: str, query: str | None = None) -> str:
    """A value of the page's query string (Voila puts it in ``$QUERY_STRING``)."""
    text = os.environ.get("QUERY_STRING", "") if query is None else query
    values = urllib.parse.parse_qs(text).get(name, [""])
    return values[0].strip()


def query_program(query: str | None = None) -> str:
    """The ``program`` of the page's query string: the program to open."""
    return query_value("program", query)


def notice(title: str, lines: list[str], css: str) -> w.HTML:
    """A titled explanation in plain words (a program that cannot be opened, ...)."""
    items = "".join(f"<li>{escape(x)}</li>" for x in lines)
    return w.HTML(
        f"<h2>{escape(title)}</h2><div class='wb-problems'><ul>{items}</ul></div>"
    ).add_class(css)


class ProgramView:
    """One open program: progress indicator, the current step, Back and Next.

    Args:
        snapshot: the program's design as just read (it is not read twice).
        defer_progress: compute the first progress indicator in the background, after
            the first step is on the page (the page load does not wait for the charter
            and the rules, which the indicator needs and the first step does not).
    """

    def __init__(
        self,
        root: Path,
        folder: Path,
        snapshot: store.Snapshot,
        *,
        author: str = "",
        on_home: Callable[[], None],
        defer_progress: bool = False,
        start: str = "",
        on_move: Callable[[str], object] | None = None,
        rights: frozenset[permissions.Right] = permissions.EVERY_RIGHT,
    ) -> None:
        self.root = root
        self.rights = rights
        """What the person may do with the program (its access list): a step they may
        not save is shown read-only (the store refuses the save in any case)."""
        self.folder = folder
        self.on_move = on_move
        """Told the key of every step shown (the app keeps the page's address with it)."""
        self.design = folder / programs.DESIGN
        self.snapshot = snapshot
        self._state = file_state(self.design)
        self._marked: store.Snapshot | None = None
        self.author = permissions.signed_in() or author  # in a hub, who signed in
        self.specs = steps.specs()
        self.steps: dict[str, Shown] = {}
        self.index = 0
        self.progress_thread: threading.Thread | None = None
        self._lock = threading.Lock()  # the first refresh may run in the background
        self.head = w.HTML().add_class("wb-program-head")
        self.message = w.HTML().add_class("wb-message")
        home = w.Button(
            description="‹ All programs", tooltip="Back to the list of programs"
        ).add_class("wb-home")
        home.on_click(lambda _b: on_home())
        history_button = w.Button(
            description="History", icon="history", tooltip="Every saved revision of the program"
        ).add_class("wb-history-button")
        history_button.on_click(lambda _b: self.show_history())
        self._history: HistoryPanel | None = None
        self._in_history = False
        self.author_field = author_box("shown to others with your saves", "340px")
        if not self.author_field.disabled:
            self.author_field.value = author
        self.author_field.add_class("wb-program-author")
        self.author_field.style.description_width = "80px"
        self.author_field.observe(self._author_changed, names="value")
        self.marks: list[w.Button] = []
        for i, spec in enumerate(self.specs):
            button = w.Button(
                description=f"{i}. {spec.short}", layout=w.Layout(width="auto")
            ).add_class("wb-progress-step")
            button.add_class(f"wb-progress-{spec.key}")
            button.on_click(lambda _b, i=i: self.go(i))
            self.marks.append(button)
        self.back = w.Button(description="‹ Back").add_class("wb-back")
        self.next = w.Button(description="Next ›", button_style="primary").add_class("wb-next")
        # From the history, Back and Next return to the step it was opened from.
        self.back.on_click(lambda _b: self.go(self.index - (not self._in_history)))
        self.next.on_click(lambda _b: self.go(self.index + (not self._in_history)))
        self.where = w.HTML().add_class("wb-where")
        self.body = w.VBox().add_class("wb-app-step")
        legend = " ".join(f"{MARKS[s]} {STATE_WORDS[s]}" for s in MARKS)
        self.view = w.VBox(
            [
                w.HBox([home, self.head, history_button, self.author_field]).add_class(
                    "wb-program-bar"
                ),
                w.HBox(self.marks).add_class("wb-progress-bar"),
                w.HTML(f"<span class='wb-help'>Steps: {escape(legend)}</span>"),
                self.message,
                self.body,
                w.HBox([self.back, self.where, self.next]).add_class("wb-nav"),
            ]
        ).add_class("wb-program")
        self._show_head(snapshot, None)
        keys = [s.key for s in self.specs]
        self.go(keys.index(start) if start in keys else 0, progress=not defer_progress)
        if defer_progress:
            self.progress_thread = threading.Thread(
                target=self.refresh_progress, name="wb-progress", daemon=True
            )
            self.progress_thread.start()

    # ------------------------------------------------------------ navigation

    def go(self, index: int, *, progress: bool = True) -> None:
        """Show step ``index`` (built on first use, rebuilt if stale and unedited)."""
        if not 0 <= index < len(self.specs):
            return
        with guarded(self.message, "opening the step"):
            spec = self.specs[index]
            snap = self.refresh_progress() if progress else self.snapshot
            step = self.steps.get(spec.key)
            stale = None
            if step is not None and self._stale(step, snap):
                close_tree(step.view)
                stale, step = step, None
            if step is None:
                self.body.children = [
                    w.HTML(f"<p class='wb-help'>Opening {escape(spec.short)}...</p>")
                ]
                step = self._build(spec)
                # What the session holds and the design does not (the evaluation's
                # uploads) survives the rebuild a save elsewhere causes.
                adopt = getattr(step, "adopt", None)
                if stale is not None and adopt is not None:
                    adopt(stale)
                self.steps[spec.key] = step
            self.index = index
            self._in_history = False
            self.body.children = [step.view]
            self._update_nav()
            if self.on_move is not None:
                self.on_move(spec.key)

    def go_to(self, key: str) -> None:
        """Show the step with key ``key`` (the first step for an unknown one)."""
        keys = [s.key for s in self.specs]
        self.go(keys.index(key) if key in keys else 0)

    def show_history(self) -> None:
        """Show the program's history in place of the step (Back and Next return)."""
        with guarded(self.message, "opening the history"):
            if self._history is None:
                self._history = HistoryPanel(
                    self.design, lambda: self.author, self.refresh_progress
                )
            self._history.show()
            self.body.children = [self._history.view]
            for button in self.marks:
                button.remove_class("wb-current")
            self.where.value = "<span class='wb-help'>History</span>"
            self.back.disabled = self.next.disabled = False
            self.back.description = f"‹ Back to {self.specs[self.index].short}"
            self.next.description = f"Back to {self.specs[self.index].short} ›"
            self._in_history = True

    def _build(self, spec: StepSpec) -> Shown:
        built = build_step(spec, self.folder)
        if isinstance(built, Failed):
            built.view = w.VBox(
                [
                    w.HTML(STYLE),
                    notice(
                        "This step cannot open the program's design",
                        [
                            *shown_lines(built.error, self.root),
                            "Fix the design file, then open the step again; nothing has been "
                            "changed.",
                        ],
                        "wb-open-error",
                    ),
                ]
            ).add_class("wb-step")
            return built
        if hasattr(built, "author"):
            built.author = self.author  # who is saving: recorded, and named in conflicts
        built.saved_listeners.append(self.refresh_progress)
        signs = spec.key == "charter" and "approve" in self.rights
        if "edit" not in self.rights and not signs:
            built.read_only(
                "You can read this program but not change it, so this step cannot be saved; "
                "ask its owner to add you as an editor."
            )
        return built

    def _author_changed(self, change: dict[str, Any]) -> None:
        """Who is saving: every step built so far, and every step built from now on."""
        self.author = str(change["new"]).strip()
        for step in self.steps.values():
            if hasattr(step, "author"):
                step.author = self.author

    def _stale(self, step: Shown, snap: store.Snapshot | None) -> bool:
        if isinstance(step, Failed):
            return True  # try again: the file may have been fixed
        if snap is None or snap.fingerprint == step.snapshot.fingerprint:
            return False
        return not unsaved(step)

    # ------------------------------------------------------------ progress

    def current(self) -> store.Snapshot:
        """The design as on disk now (read again only when the file changed).

        Raises:
            WorkbookError: the file can no longer be read.
        """
        state = file_state(self.design)
        if state != self._state or state is None:
            self.snapshot = store.load(self.design)
            self._state = state
        return self.snapshot

    def refresh_progress(self) -> store.Snapshot | None:
        """Read the design if it changed and show each step's state; the snapshot read,
        or ``None`` (and a message) when the file cannot be read."""
        with self._lock, guarded(self.message, "reading the program's progress"):
            try:
                snap = self.current()
            except WorkbookError as exc:
                self.message.value = status(shown_lines(exc, self.root), ok=False)
                return None
            self.message.value = ""
            if snap is not self._marked:
                entry = programs.summarise(self.folder, snap.design)
                states = {s.key: s for s in entry.steps}
                for i, (spec, button) in enumerate(zip(self.specs, self.marks, strict=True)):
                    self._mark(button, i, spec, states.get(spec.key))
                self._show_head(snap, entry)
                self._marked = snap
            self._mark_drafts()
            return snap
        return None

    def _show_head(self, snap: store.Snapshot, entry: programs.ProgramEntry | None) -> None:
        design = snap.design
        name = design.program.name.strip() or self.folder.name
        by = getattr(design, "updated_by", None)
        saved = when(design.updated) + (f" by {by}" if by else "")
        done = (
            f"; {entry.done} of {entry.design_steps} design steps complete"
            if entry is not None
            else ""
        )
        self.head.value = (
            f"<h2>{escape(name)}</h2><span class='wb-help'>revision "
            f"{design.revision}, last saved {escape(saved)}{escape(done)}</span>"
        )

    def _mark(
        self, button: w.Button, i: int, spec: StepSpec, status: overview.StepStatus | None
    ) -> None:
        state = status.state if status is not None else "open"
        for other in MARKS:
            button.remove_class(f"wb-state-{other}")
        button.add_class(f"wb-state-{state}")
        button.description = f"{MARKS[state]} {i}. {spec.short}"
        detail = STATE_WORDS[state]
        if status is not None and status.findings:
            detail += ": " + "; ".join(f.label for f in status.findings)
        elif status is not None and status.open:
            detail += f": {len(status.open)} decision(s) to make"
        button.tooltip = f"Step {i}, {spec.short}: {detail}"

    def _mark_drafts(self) -> None:
        """Mark the steps holding unsaved edits (a draft on disk) in the progress bar."""
        pending = drafts.pending(self.design)
        for spec, button in zip(self.specs, self.marks, strict=True):
            unsaved_here = spec.key in pending
            (button.add_class if unsaved_here else button.remove_class)("wb-unsaved")
            base = button.description.removesuffix(" •")
            button.description = base + (" •" if unsaved_here else "")
            note = ": unsaved edits kept as a draft"
            base_tip = (button.tooltip or "").removesuffix(note)
            button.tooltip = base_tip + (note if unsaved_here else "")

    def _update_nav(self) -> None:
        self._mark_drafts()
        for i, button in enumerate(self.marks):
            (button.add_class if i == self.index else button.remove_class)("wb-current")
        self.back.disabled = self.index == 0
        self.next.disabled = self.index == len(self.specs) - 1
        # The first and last steps say plainly there is nothing further that way.
        self.back.description = (
            f"‹ Back: {self.specs[self.index - 1].short}" if self.index > 0 else "‹ Back"
        )
        self.next.description = (
            f"Next: {self.specs[self.index + 1].short} ›"
            if self.index < len(self.specs) - 1
            else "Last step"
        )
        self.where.value = (
            f"<span class='wb-help'>Step {self.index + 1} of {len(self.specs)}</span>"
        )

    def close(self) -> None:
        """Free every widget of the program (the page shows the picker again)."""
        close_tree(self.view)
        for step in self.steps.values():
            close_tree(step.view)
        self.steps.clear()


class App:
    """The whole app: the picker as home, one program open at a time.

    Args:
        program: open this program first instead of the picker.
        defer_progress: see :class:`ProgramView` (the page load uses it).
    """

    def __init__(
        self, root: Path, program: str = "", *, defer_progress: bool = False, step: str = ""
    ) -> None:
        self.root = root
        self.body = w.VBox().add_class("wb-app-body")
        self.message = w.HTML().add_class("wb-message")
        self.address = Address()
        self.address.observe(self._visited, names="visits")
        self.address.observe(self._author_offered, names="author")
        self.view = w.VBox(
            [w.HTML(STYLE + APP_STYLE), self.address, self.message, self.body]
        ).add_class("wb-app")
        self._picker: Picker | None = None
        self.program: ProgramView | None = None
        self._program_key = ""
        if program:
            self.open(program, defer_progress=defer_progress, step=step)
        else:
            self.home()

    @classmethod
    def from_params(
        cls, programs_dir: str | Path = "", program: str = "", step: str = ""
    ) -> App | Unavailable:
        """The app on a programs folder (parameter, else ``$WORKBOOK_PROGRAMS``),
        opening ``program`` (else the page's ``?program=``) at ``step`` (else the page's
        ``?step=``, else the first step), or the picker."""
        try:
            root = programs.programs_dir(programs_dir)
        except WorkbookError as exc:
            return Unavailable(exc)
        start = step.strip() or query_value("step")
        return cls(root, program.strip() or query_program(), defer_progress=True, step=start)

    @property
    def picker(self) -> Picker:
        """The program picker, made when first needed (not for a page opened on a program)."""
        if self._picker is None:
            self._picker = Picker(self.root, self.open)
            if self.address.author and not self._picker.author.value:
                self._picker.author.value = self.address.author
            self._picker.author.observe(self._author_typed, names="value")
        return self._picker

    def home(self, note: str = "", *, ok: bool = True) -> None:
        """Show the picker (the program list read again)."""
        if self.program is not None:
            self.picker.author.value = self.program.author
            self.program.close()
            self.program = None
        self.picker.show(note, ok=ok)
        self.body.children = [self.picker.view]
        self._program_key = ""
        self.address.show()

    def open(self, key: str, *, defer_progress: bool = False, step: str = "") -> None:
        """Open program ``key`` at ``step`` (a step's key; the first step when empty or
        unknown); the picker says why when it cannot be opened."""
        try:
            folder = programs.locate(self.root, key)
        except InputError:
            self.home(
                f"There is no program called {key!r} in this folder; choose one from the list "
                "or create it.",
                ok=False,
            )
            return
        try:
            access = permissions.require(folder, "open")
        except permissions.AccessError as exc:
            self.refused(exc)
            return
        try:
            snapshot = store.load(folder / programs.DESIGN)
        except WorkbookError as exc:
            self.home(
                f"{key} cannot be opened: " + " ".join(shown_lines(exc, self.root)),
                ok=False,
            )
            return
        if self.program is not None:
            self.program.close()
        author = self._picker.author.value.strip() if self._picker is not None else ""
        self._program_key = key
        self.program = ProgramView(
            self.root,
            folder,
            snapshot,
            author=author or self.address.author,
            on_home=self.home,
            defer_progress=defer_progress,
            start=step,
            on_move=lambda step_key: self.address.show(key, step_key),
            rights=access.rights(permissions.person()),
        )
        self.program.author_field.observe(self._author_typed, names="value")
        self.body.children = [self.program.view]

    def refused(self, error: WorkbookError) -> None:
        """A page of its own for a program the person may not open: what happened and
        who to ask, and the way back to the list; nothing of the program is shown."""
        if self.program is not None:
            self.program.close()
            self.program = None
        self._program_key = ""
        back = w.Button(
            description="‹ All programs", tooltip="Back to the list of programs"
        ).add_class("wb-home")
        back.on_click(lambda _b: self.home())
        self.body.children = [
            w.VBox(
                [
                    notice(
                        "You cannot open this program",
                        [problem_text(p) for p in error.problems],
                        "wb-no-access-page",
                    ),
                    back,
                ]
            )
        ]
        self.address.show()

    # ------------------------------------------------------------ the browser

    def _visited(self, _change: Any = None) -> None:
        """The browser's Back or Forward button: show what the address now says."""
        with guarded(self.message, "following the browser's Back button"):
            program = query_program(self.address.visited)
            step = query_value("step", self.address.visited)
            if not program:
                if self.program is not None:
                    self.home()
            elif self.program is not None and program == self._program_key:
                self.program.go_to(step)
            else:
                self.open(program, step=step)

    def _author_offered(self, change: dict[str, Any]) -> None:
        """The name this browser remembers: filled in where no name was typed yet."""
        name = str(change["new"]).strip()
        if self._picker is not None and not self._picker.author.value.strip():
            self._picker.author.value = name
        if self.program is not None and not self.program.author_field.value.strip():
            self.program.author_field.value = name

    def _author_typed(self, change: dict[str, Any]) -> None:
        """A name typed in "Your name": the browser remembers it for next time."""
        name = str(change["new"]).strip()
        if name:
            self.address.author = name


class Unavailable:
    """What the app shows when it has no programs folder to work on."""

    def __init__(self, error: WorkbookError) -> None:
        self.error = error
        self.view = w.VBox(
            [
                w.HTML(STYLE + APP_STYLE),
                notice(
                    "The app cannot start",
                    [problem_text(p) for p in error.problems],
                    "wb-open-error",
                ),
            ]
        ).add_class("wb-app")
