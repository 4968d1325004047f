"""The run half of step 5: a roster (typed or uploaded), a run, its review and files.

:class:`RosterRun` is a widget group that :class:`~workbook.ui.matching.MatchingStep` is
built with (``step.roster_run``), beside the settings (weights, constraints). A run uses
the settings on screen; roster data never enters the design.

* The Run button matches in a background thread (:meth:`RosterRun.start`): the kernel
  keeps answering the page, so the progress bar moves, Cancel works and fields can be
  edited while a large roster is matched. Widget updates from the thread reach the page
  through the kernel's IOPub thread. A headless run (``run=True``) calls
  :meth:`RosterRun.run` directly, so the exports exist when the cell ends.
* An upload is checked and kept in the program's folder (:mod:`workbook.ui.roster_upload`).
* Messages name files relative to the program's folder, never by their server path.
* The coordinator's review (pin or forbid a pair) is kept in ``review.csv`` in the
  output folder and applied on the next run.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook import matching, places
from workbook.design import MatchingResults
from workbook.errors import InputError, Problem, WorkbookError
from workbook.matching import exports
from workbook.matching.constraints import Settings
from workbook.matching.explain import MatchResult
from workbook.matching.roster import load_roster
from workbook.steps import matching as matching_step
from workbook.steps.matching import MatchingInputs
from workbook.ui import roster_upload
from workbook.ui.base import Step, bullet_list, escape
from workbook.ui.match_results import DOWNLOADS, charts, download_link, table_html
from workbook.ui.page import shown_path
from workbook.ui.review import ReviewPanel

STAGES = {  # a stage of workbook.matching.match -> where its share of the bar starts, words
    "load": (0.0, "Reading the roster"),
    "constraints": (0.05, "Applying the rules"),
    "score": (0.1, "Scoring pairs"),
    "solve": (0.6, "Finding the best matches"),
    "explain": (0.8, "Explaining each match"),
    "export": (0.9, "Writing the files"),
    "done": (1.0, "Done"),
}
SHOWN_PROBLEMS = 50


class Cancelled(Exception):
    """Raised inside a run when the coordinator pressed Cancel (never escapes the step)."""


def box(widget: w.Widget, width: str = "160px") -> w.Widget:
    """``widget`` with its label ``width`` wide, so the labels of a form line up."""
    widget.style.description_width = width
    return widget


def default_output(design_path: Path, output_dir: str | Path = "") -> Path:
    """The exports folder: the parameter, else ``$WORKBOOK_OUTPUT``, else beside the design."""
    return places.given(output_dir, places.OUTPUT) or design_path.parent / "matching-output"


# --------------------------------------------------------------------------- the run


class RosterRun:
    """The widgets and behaviour of a matching run, a group the matching step is built
    with (``step.roster_run``): it runs with the settings the step holds now.

    Attributes:
        widgets: its widgets, in page order.
    """

    def __init__(
        self, step: Step[MatchingInputs], roster: str, output: Path, previous: str
    ) -> None:
        self.step = step
        self.result: MatchResult | None = None
        self.results: MatchingResults | None = None
        """The last run's aggregates, saved with the step's settings once there was a run."""
        self.excel_on_demand = False
        """Leave matches.xlsx out of a run until "Prepare the Excel file" is pressed. The
        app sets it: building the file loads openpyxl (about 11 MB) into every session's
        kernel. Notebooks, headless runs and the command line write it with every run."""
        self._roster_default = roster
        self._output_default = output
        self._previous_default = previous
        self._worker: threading.Thread | None = None
        self._cancel = threading.Event()
        self.widgets = self._build()

    def _build(self) -> list[w.Widget]:
        self.review_panel = ReviewPanel(self.step, lambda: self.outdir)
        return [
            w.HTML("<h3>Run on a roster</h3>"),
            *self._files(),
            *self._run_bar(),
            *self._results(),
            *self.review_panel.widgets,
            w.HTML("<h3>Download</h3>"),
            self.downloads,
            self.excel_button,
        ]

    def _files(self) -> list[w.Widget]:
        """Where the roster, the outputs and a previous cohort's pairs are; what to make."""
        self.roster_path = box(
            w.Text(description="Roster file", layout=w.Layout(width="600px")).add_class(
                "wb-roster-path"
            )
        )
        self.roster_path.value = self._roster_default
        limit = roster_upload.size_text(roster_upload.MAX_UPLOAD_BYTES)
        self.upload = w.FileUpload(
            description="Upload roster",
            accept=".csv,.xlsx",
            multiple=False,
            tooltip=f"A roster CSV or XLSX up to {limit}; it is kept in the program's folder",
        ).add_class("wb-upload")
        self.upload.observe(self._uploaded, names="value")
        self.upload_status = w.HTML(
            f"<span class='wb-help'>Upload a roster (CSV or XLSX, up to {limit}): it is "
            "checked, then kept as roster.csv or roster.xlsx beside the design. Larger "
            "rosters: <code>workbook match</code> on the command line.</span>"
        ).add_class("wb-upload-status")
        self.output = box(
            w.Text(description="Output folder", layout=w.Layout(width="600px")).add_class(
                "wb-output-dir"
            )
        )
        self.output.value = str(self._output_default)
        self.previous = box(
            w.Text(
                description="Previous matches",
                placeholder="a previous cohort's matches.csv, to never repeat its pairs",
                layout=w.Layout(width="600px"),
            ).add_class("wb-previous")
        )
        self.previous.value = self._previous_default
        design_mode = Settings.from_design(self.step.snapshot.design).mode
        self.mode = box(
            w.Dropdown(
                description="Produce",
                options=[
                    ("One mentor per mentee (the coordinator's proposal)", "assign"),
                    ("Groups: a mentor with several mentees", "group"),
                    ("Shortlists for mentees to choose from", "shortlist"),
                ],
                value=design_mode,
                layout=w.Layout(width="600px"),
            ).add_class("wb-mode")
        )
        return [
            w.HBox([self.roster_path, self.upload]),
            self.upload_status,
            self.output,
            self.previous,
            self.mode,
        ]

    def _run_bar(self) -> list[w.Widget]:
        """Run, Cancel, the progress of a run and what became of it."""
        self.run_button = w.Button(
            description="Run matching", button_style="success", icon="play"
        ).add_class("wb-run")
        self.run_button.on_click(lambda _b: self.start())
        self.cancel_button = w.Button(
            description="Cancel",
            icon="stop",
            disabled=True,
            tooltip="Stop the run at the next stage; nothing is written",
        ).add_class("wb-cancel")
        self.cancel_button.on_click(lambda _b: self.cancel())
        self.progress = w.FloatProgress(min=0, max=1, description="").add_class("wb-progress")
        self.stage = w.HTML().add_class("wb-stage")
        self.run_status = w.HTML().add_class("wb-run-status")
        return [
            w.HBox([self.run_button, self.cancel_button, self.progress, self.stage]),
            self.run_status,
        ]

    def _results(self) -> list[w.Widget]:
        """The last run: its summary, charts, matches, unmatched mentees, and files."""
        self.summary = w.HTML().add_class("wb-summary")
        self.group_by = w.Dropdown(
            description="Compare by", options=["department", "level", "timezone"]
        ).add_class("wb-group-by")
        self.group_by.observe(self._group_changed, names="value")
        self.charts = w.HBox(layout=w.Layout(flex_flow="row wrap")).add_class("wb-charts")
        self.matches = w.HTML().add_class("wb-matches-box")
        self.unmatched = w.HTML().add_class("wb-unmatched-box")
        self.mode_table = w.HTML().add_class("wb-mode-box")
        self.downloads = w.HTML().add_class("wb-downloads")
        self.excel_button = w.Button(
            description="Prepare the Excel file",
            icon="table",
            tooltip="Write matches.xlsx beside the other files, then download it",
            layout=w.Layout(display="none", width="auto"),
        ).add_class("wb-prepare-xlsx")
        self.excel_button.on_click(lambda _b: self.prepare_excel())
        return [
            self.summary,
            self.group_by,
            self.charts,
            self.matches,
            self.unmatched,
            self.mode_table,
        ]

    # ------------------------------------------------------------ run

    @property
    def outdir(self) -> Path:
        return Path(self.output.value.strip() or self._output_default).expanduser()

    @property
    def folder(self) -> Path:
        """The program's folder: the design's, where an uploaded roster is kept."""
        return self.step.snapshot.path.parent

    def shown(self, path: Path) -> str:
        """A file as messages name it: relative to the program's folder."""
        return shown_path(path, self.folder)

    def _plain(self, lines: list[str], paths: list[Path]) -> list[str]:
        """Error lines with the server paths of ``paths`` and the program's folder
        replaced by the names :meth:`shown` gives them."""
        swaps = {str(p): self.shown(p) for p in paths}
        swaps[str(self.folder) + os.sep] = ""
        for long in sorted(swaps, key=len, reverse=True):
            lines = [line.replace(long, swaps[long]) for line in lines]
        return lines

    def _problems_html(self, headline: str, exc: WorkbookError, paths: list[Path]) -> str:
        lines = self._plain(exc.lines(), paths)
        shown = [escape(x) for x in lines[:SHOWN_PROBLEMS]]
        if len(lines) > SHOWN_PROBLEMS:
            shown.append(f"... and {len(lines) - SHOWN_PROBLEMS} more problems")
        return f"<b class='wb-status-error'>{escape(headline)}</b>" + bullet_list(
            shown, "wb-problems wb-run-problems"
        )

    def _roster_path(self) -> Path:
        text = self.roster_path.value.strip()
        if not text:
            raise InputError(
                Problem(
                    "no roster was given",
                    "upload the roster, or type the path of its file",
                    field="roster",
                )
            )
        return Path(text).expanduser()

    def _uploaded(self, change: dict[str, Any]) -> None:
        """Check an uploaded roster and keep it in the program's folder (or say why not)."""
        items = change["new"]
        if not items:
            return
        with self.step._guard():
            item = items[0]
            name, content = str(item["name"]), bytes(item["content"])
            self.upload.value = ()  # the kernel keeps no second copy
            try:
                stored = self.keep_upload(name, content)
            except WorkbookError as exc:
                self.upload_status.value = self._problems_html(
                    f"{name} was not used; the roster on file is unchanged.", exc, []
                )
                return
            self.roster_path.value = str(stored.path)
            note = (
                "; it is the same as the roster already there"
                if stored.unchanged
                else "".join(
                    f"; the roster it replaces is kept as {self.shown(p)}" for p in stored.kept
                )
            )
            self.upload_status.value = (
                f"<span class='wb-status-ok'>{escape(name)} checked and kept as "
                f"{escape(self.shown(stored.path))} in the program's folder{escape(note)}. "
                "Run matching to use it.</span>"
            )

    def keep_upload(self, name: str, content: bytes) -> roster_upload.Stored:
        """Check an upload (size, then every roster problem under the settings on
        screen) and keep it in the program's folder.

        Raises:
            RosterError: too large, or refused (nothing is written).
            StoreError: it could not be written.
        """
        roster_upload.check_size(name, len(content))
        try:
            design = matching_step.apply(self.step.snapshot.design, self.step.read())
        except InputError:
            design = self.step.snapshot.design  # settings being edited: check with the saved ones
        load_roster(content, design.matching, name)
        return roster_upload.store(self.folder, content, roster_upload.kind(name, content))

    @property
    def running(self) -> bool:
        """True while a run started by the Run button is under way."""
        return self._worker is not None and self._worker.is_alive()

    def start(self) -> None:
        """What the Run button does: :meth:`run` in a background thread, so the page
        keeps answering (progress, Cancel, editing) while a large roster is matched."""
        if self.running:
            return
        self._cancel.clear()
        self.run_button.disabled, self.cancel_button.disabled = True, False
        self._worker = threading.Thread(target=self._work, name="workbook-matching", daemon=True)
        self._worker.start()

    def _work(self) -> None:
        try:
            self.run()
        finally:
            self.run_button.disabled, self.cancel_button.disabled = False, True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a run started with :meth:`start`; True when none is under way."""
        if self._worker is not None:
            self._worker.join(timeout)
        return not self.running

    def cancel(self) -> None:
        """What Cancel does: the run stops at its next stage and writes nothing."""
        if self.running:
            self._cancel.set()
            self.cancel_button.disabled = True
            self.stage.value = "<span class='wb-help'>Stopping at the next stage...</span>"

    def run(self, *, raise_errors: bool = False) -> MatchResult | None:
        """Match with the settings on screen, show the result, write the exports.

        Args:
            raise_errors: re-raise the workbook's errors (headless runs fail loudly).
        """
        with self.step._guard(headless=raise_errors):
            self.progress.value = 0
            self.stage.value = ""
            self.run_status.value = "<span class='wb-help'>Running...</span>"
            paths = [self.outdir]
            try:
                design = matching_step.apply(self.step.snapshot.design, self.step.read())
                roster = self._roster_path()
                previous = self.previous.value.strip()
                paths += [roster, *([Path(previous).expanduser()] if previous else [])]
                review = self.review_panel.path
                result = matching.match(
                    design,
                    roster,
                    self.outdir,
                    review=review if review.exists() else None,
                    previous=Path(previous).expanduser() if previous else None,
                    mode=self.mode.value,
                    roster_name=self.shown(roster),
                    progress=self._progress,
                    excel=not self.excel_on_demand,
                )
            except WorkbookError as exc:
                self.run_status.value = self._problems_html(
                    "Not matched; nothing was written.", exc, paths
                )
                self.progress.value, self.stage.value = 0, ""
                if raise_errors:
                    raise
                return None
            except Cancelled:
                self.run_status.value = (
                    "<span class='wb-status-error'>Cancelled; nothing was written.</span>"
                )
                self.progress.value, self.stage.value = 0, ""
                return None
            self.result = result
            self.results = matching.aggregates(result)
            self._show(result)
            return result
        # Only after an unexpected bug, which the guard reported next to Save.
        self.run_status.value = "<span class='wb-status-error'>Not matched; see below.</span>"
        self.progress.value, self.stage.value = 0, ""
        return None

    def prepare_excel(self) -> bool:
        """What "Prepare the Excel file" does: add matches.xlsx to the last run's files."""
        if self.result is None:
            return False
        with self.step._guard():
            try:
                exports.write_exports(self.result, self.outdir, excel=True)
            except WorkbookError as exc:
                self.run_status.value = self._problems_html(
                    "The Excel file was not written.", exc, [self.outdir]
                )
                return False
            self._show_downloads()
            return True
        return False

    def _show_downloads(self) -> None:
        """Links to the run's files; the Excel button while matches.xlsx is not there."""
        links = [download_link(self.outdir / n) for n in DOWNLOADS if (self.outdir / n).exists()]
        self.downloads.value = " | ".join(links)
        missing = self.excel_on_demand and not (self.outdir / "matches.xlsx").exists()
        self.excel_button.layout.display = "" if missing else "none"

    def _progress(self, step: str, fraction: float) -> None:
        """The pipeline's progress callback: the bar, the stage in words, and Cancel
        (checked before each stage; after the files are written it is too late)."""
        if self._cancel.is_set() and step != "done":
            raise Cancelled
        start, words = STAGES.get(step, (0.0, step))
        value = start + (0.5 * fraction if step == "score" else 0.0)
        self.progress.value = min(1.0, value)
        percent = f" ({fraction:.0%})" if step == "score" else ""
        self.stage.value = f"<span class='wb-help'>{escape(words)}{percent}</span>"

    def _show(self, result: MatchResult) -> None:
        s = result.summary
        rows = [
            ("Mentees", s.mentees),
            ("Mentors", s.mentors),
            ("Matched", s.matched),
            ("Unmatched", s.unmatched),
            ("Total score", s.total_score),
            ("Lowest score", s.min_score),
            ("Mean score", s.mean_score),
            ("Allowed pairs", f"{s.allowed_pairs} of {s.pairs_considered}"),
        ]
        self.summary.value = (
            "<table class='wb-summary-table'>"
            + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
            + "</table>"
        )
        columns = [c for c in result.scored.pools.roster.frame.columns if c not in (
            "id", "name", "email", "manager_id", "skills_offered", "skills_wanted", "goals",
            "languages", "capacity", "preferences", "exclude", "role")]  # fmt: skip
        current = self.group_by.value
        self.group_by.options = columns
        self.group_by.value = current if current in columns else (columns[0] if columns else None)
        self._show_charts()
        self.matches.value = "<h4>Matches</h4>" + table_html(
            result.matches.drop(columns=["pinned"]), "wb-matches"
        )
        self.unmatched.value = (
            "<h4>Unmatched</h4>" + table_html(result.unmatched, "wb-unmatched")
            if len(result.unmatched)
            else "<p class='wb-unmatched'>Every mentee has a mentor.</p>"
        )
        if result.groups is not None:
            self.mode_table.value = "<h4>Groups</h4>" + table_html(result.groups, "wb-groups")
        elif result.shortlist is not None:
            self.mode_table.value = "<h4>Shortlists for mentees to choose from</h4>" + table_html(
                result.shortlist, "wb-shortlist"
            )
        else:
            self.mode_table.value = ""
        self.review_panel.show()
        self._show_downloads()
        self.progress.value = 1.0
        self.run_status.value = (
            f"<span class='wb-status-ok'>Matched {s.matched} of {s.mentees} mentees "
            f"with {s.mentors} mentors in {s.seconds} s (provably optimal for "
            f"{escape(s.objective)}). Files written to {escape(self.shown(self.outdir))}. "
            "Save to record the aggregates in the design.</span>"
        )

    def _group_changed(self, _change: Any = None) -> None:
        with self.step._guard():
            self._show_charts()

    def _show_charts(self) -> None:
        if self.result is None:
            return
        figures = charts(self.result, self.group_by.value)
        self.charts.children = [w.HTML(svg) for svg in figures]
