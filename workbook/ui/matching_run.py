"""The run half of step 5: a roster (uploaded or picked), a run, its review and files.

:class:`RosterRun` is a widget group that :class:`~workbook.ui.matching.MatchingStep` is
built with (``step.roster_run``), beside the settings (weights, constraints). A run uses
the settings on screen; roster data never enters the design.

* **No server paths.** The coordinator uploads a roster or picks one of the rosters kept
  in the program's folder (the roster on file, ``roster.csv`` or ``roster.xlsx``, and the
  earlier ones in ``roster.history/``), by file name and date. A notebook's
  ``roster_path``, ``output_dir`` and ``previous_path`` parameters go through the same
  widgets (the file becomes the picked one), and every file is shown relative to the
  program's folder, never by its server path.
* **What was read.** An upload is checked and kept in the program's folder
  (:mod:`workbook.ui.roster_upload`), then summarised in words (people, roles,
  departments, the columns recognised and ignored); a refused one lists its problems.
  Messages describe the current state: a new upload or pick replaces the last message.
* **Templates.** CSV and XLSX roster templates (:mod:`workbook.matching.template`) are
  links in the page, with what each column means and whether the design's criteria
  require it.
* **The run.** The Run button matches in a background thread (:meth:`RosterRun.start`):
  the kernel keeps answering the page, so the progress bar moves, Cancel works and fields
  can be edited while a large roster is matched. Widget updates from the thread reach the
  page through the kernel's IOPub thread. A headless run (``run=True``) calls
  :meth:`RosterRun.run` directly, so the exports exist when the cell ends.
* **The last run is kept.** ``summary.json`` records when the run was made and on which
  roster (its name, date and SHA-256; no personal data). Opening the step shows the last
  run from the output folder (summary, tables, downloads, review) with that line, and
  says when the roster picked now is not the one the run used.
* The coordinator's review (pin or forbid a pair) is kept in ``review.csv`` in the
  output folder and applied on the next run.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd

from workbook import clock, files, matching, places, store
from workbook.design import Matching, MatchingResults
from workbook.errors import InputError, Problem, RosterError, WorkbookError
from workbook.matching import exports, template
from workbook.matching.constraints import Settings
from workbook.matching.explain import MatchResult
from workbook.matching.keep import FILE as RUNNING_FILE
from workbook.matching.keep import read_running
from workbook.matching.roster import Roster, load_roster, summarise
from workbook.matching.tables import ROSTER_FILE, read_table
from workbook.matching.values import restore_ids
from workbook.steps import matching as matching_step
from workbook.steps.matching import MatchingInputs
from workbook.ui import roster_upload
from workbook.ui.base import Step, bullet_list, escape
from workbook.ui.match_results import (
    DOWNLOADS,
    ResultsView,
    charts,
    download_link,
    kept_charts,
    table_html,
)
from workbook.ui.page import shown_path
from workbook.ui.review import ReviewPanel
from workbook.ui.supply import SupplyPanel

if TYPE_CHECKING:
    from workbook.matching.supply import SupplyPlan

STAGES = {  # a stage of workbook.matching.match -> where its share of the bar starts, words
    "load": (0.0, "Reading the roster"),
    "constraints": (0.05, "Applying the rules"),
    "score": (0.1, "Scoring pairs"),
    "solve": (0.6, "Finding the best matches"),
    "explain": (0.8, "Explaining each match and how robust it is"),
    "export": (0.9, "Writing the files"),
    "done": (1.0, "Done"),
}
SHOWN_PROBLEMS = 50
HISTORY = "roster.history"
"""Where the program's folder keeps the rosters an upload replaced (``store.keep``)."""
PREVIOUS_NAMES = ("previous-matches.csv", "previous-matches.xlsx")
KEEP_NAMES = ("running-pairs.csv", "running-pairs.xlsx")
"""The names an uploaded running program's matches are kept under, in the program's folder."""
"""The names an uploaded previous cohort's matches are kept under, in the program's folder."""
UPLOAD_STYLE = """<style>
.wb-roster-run .widget-upload { font-size: 0; }
.wb-roster-run .widget-upload i { font-size: var(--jp-widgets-font-size, 13px); margin-right: 4px; }
.wb-roster-run .widget-upload::after { font-size: var(--jp-widgets-font-size, 13px); }
.wb-roster-run .wb-upload::after { content: "Upload roster"; }
.wb-roster-run .wb-previous-upload::after { content: "Upload previous matches"; }
.wb-roster-run .wb-keep-upload::after { content: "Upload running pairs"; }
</style>"""
"""ipywidgets' FileUpload writes "<description> (<files held>)" into its button, and the
step empties it after each upload (the kernel keeps no second copy), so it would read
"Upload roster (0)" for ever: the button's own text is hidden and its words drawn here."""


class Cancelled(Exception):
    """Raised inside a run when the coordinator pressed Cancel (never escapes the step)."""


def box(widget: w.Widget, width: str = "160px") -> w.Widget:
    """``widget`` with its label ``width`` wide, so the labels of a form line up."""
    widget.style.description_width = width
    return widget


def default_output(design_path: Path, output_dir: str | Path = "") -> Path:
    """The exports folder: the parameter, else ``$WORKBOOK_OUTPUT``, else beside the design."""
    return places.given(output_dir, places.OUTPUT) or design_path.parent / "matching-output"


def modified(path: Path) -> dt.datetime:
    """When a file was last written (UTC, to the second), never later than
    :func:`workbook.clock.now`: under ``SOURCE_DATE_EPOCH`` a copied file's fresh time
    would make a run's summary.json differ from run to run."""
    moment = dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.UTC)
    return min(moment, clock.now())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stamp_time(name: str) -> dt.datetime | None:
    """The time in a history copy's name (``20261123T140301123456Z-roster.csv``)."""
    try:
        return dt.datetime.strptime(name.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(
            tzinfo=dt.UTC
        )
    except ValueError:
        return None


def on_file(folder: Path, names: tuple[str, ...] = roster_upload.NAMES) -> Path | None:
    """The program's current roster (``roster.csv`` or ``roster.xlsx``), if any."""
    for name in names:
        if (folder / name).is_file():
            return folder / name
    return None


def kept_rosters(folder: Path) -> list[tuple[str, Path]]:
    """The rosters kept in a program's folder, as a picker lists them: the roster on
    file, then the earlier ones (``roster.history/``), newest first, each by its file
    name and date."""
    out = []
    current = on_file(folder)
    if current is not None:
        out.append((f"{current.name} of {clock.utc_text(modified(current))} (on file)", current))
    history = folder / HISTORY
    earlier = sorted(
        (p for p in history.iterdir() if p.is_file() and p.suffix in (".csv", ".xlsx")),
        key=lambda p: p.name,
        reverse=True,
    ) if history.is_dir() else []  # fmt: skip
    out += [(roster_label(path), path) for path in earlier]
    return out


def roster_label(path: Path) -> str:
    """An earlier roster (kept in ``roster.history/``) as the picker names it."""
    replaced = _stamp_time(path.name)
    when = f"replaced {clock.utc_text(replaced)}" if replaced else "kept earlier"
    return f"roster{path.suffix}, {when} (earlier roster)"


# --------------------------------------------------------------------------- the run


class RosterRun:
    """The widgets and behaviour of a matching run, a group the matching step is built
    with (``step.roster_run``): it runs with the settings the step holds now.

    Args:
        step: the matching step.
        roster: a roster file given as a parameter ("" for none): the program's roster
            on file, or (in a notebook) any file, which the picker then offers.
        output: the folder the run's files go to (the program's ``output/`` in the app).
        previous: a previous cohort's matches.csv given as a parameter ("" for none).
        keep: the running program's matches.csv given as a parameter ("" for none): its
            pairs still allowed are kept (:mod:`workbook.matching.keep`).

    Attributes:
        widgets: its widgets, in page order.
    """

    def __init__(
        self,
        step: Step[MatchingInputs],
        roster: str,
        output: Path,
        previous: str,
        keep: str = "",
    ) -> None:
        self.step = step
        self.result: MatchResult | None = None
        self.results: MatchingResults | None = None
        """The last run's aggregates, saved with the step's settings once there was a run."""
        self.record: dict[str, Any] = {}
        """When the shown run was made and on which roster (what summary.json records)."""
        self.excel_on_demand = False
        """Leave matches.xlsx out of a run until "Prepare the Excel file" is pressed. The
        app sets it: building the file loads openpyxl (about 11 MB) into every session's
        kernel. Notebooks, headless runs and the command line write it with every run."""
        self._given_roster = Path(roster).expanduser() if str(roster).strip() else None
        self._output_default = output
        self._given_previous = Path(previous).expanduser() if str(previous).strip() else None
        self._given_keep = Path(keep).expanduser() if str(keep).strip() else None
        self._worker: threading.Thread | None = None
        self._cancel = threading.Event()
        self._quiet = False
        """True while the step fills the roster picker itself (no summary is read)."""
        self.widgets = self._build()
        self.show_saved()

    def _build(self) -> list[w.Widget]:
        self.review_panel = ReviewPanel(self.step, lambda: self.outdir)
        self.review_panel.explain = self.why_not
        self.results_view = ResultsView(self.review_panel)
        capacity = Settings.from_design(self.step.snapshot.design).default_capacity
        self.supply_panel = SupplyPanel(self.step, self.supply, capacity)
        return [
            w.HTML(UPLOAD_STYLE, layout=w.Layout(display="none")),
            w.HTML("<h3>Run on a roster</h3>"),
            *self._files(),
            *self._run_bar(),
            self.run_info,
            *self._results(),
            *self.review_panel.widgets,
            *self.supply_panel.widgets,
            w.HTML("<h3>Download</h3>"),
            self.downloads,
            self.excel_button,
        ]

    def _files(self) -> list[w.Widget]:
        """The roster (upload or pick), the templates, a previous cohort's pairs, what
        to make; where the files go, by the folder's name only."""
        limit = roster_upload.size_text(roster_upload.MAX_UPLOAD_BYTES)
        self.roster_pick, self.upload = _pick_and_upload(
            "Roster",
            "wb-roster-pick",
            "Upload roster",
            "wb-upload",
            f"Upload a roster: CSV or XLSX up to {limit}; it is kept in the program's folder",
        )
        self.upload.observe(self._uploaded, names="value")
        self.upload_status = w.HTML().add_class("wb-upload-status")
        self.template = w.HTML().add_class("wb-template")
        self.previous_pick, self.previous_upload = _pick_and_upload(
            "Previous matches",
            "wb-previous-pick",
            "Upload previous matches",
            "wb-previous-upload",
            "Upload a previous cohort's matches.csv: its pairs are never repeated",
        )
        self.previous_upload.observe(self._previous_uploaded, names="value")
        self.previous_status = w.HTML().add_class("wb-previous-status")
        self.running_pick, self.running_upload = _pick_and_upload(
            "Pairs already running",
            "wb-keep-pick",
            "Upload running pairs",
            "wb-keep-upload",
            "Upload the running program's matches.csv: its pairs that are still allowed "
            "are kept, and only the other mentees are matched",
        )
        self.running_upload.observe(self._running_uploaded, names="value")
        self.running_status = w.HTML().add_class("wb-keep-status")
        self.output_note = w.HTML().add_class("wb-output-note")
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
        self._list_rosters(self._first_roster())
        self._list_previous(self._first_previous())
        self._list_running(self._first_running())
        self.roster_pick.observe(self._picked, names="value")
        self._show_on_file()
        self.show_template(self.step.snapshot.design.matching)
        self.output_note.value = (
            "<span class='wb-help'>A run's files are kept in "
            f"<b>{escape(self.shown(self.outdir))}</b> in the program's folder; download "
            "them below.</span>"
        )
        self.previous_status.value = (
            "<span class='wb-help'>A previous cohort's matches.csv, to never repeat its "
            "pairs (when the design asks for it).</span>"
        )
        self.running_status.value = (
            "<span class='wb-help'>For a program under way (a new intake, or mentees whose "
            "relationship ended): the pairs already running are kept as they are while "
            "they are still allowed, and only the mentees without a mentor are matched. "
            "Unlike the previous cohort, whose pairs are never made again.</span>"
        )
        return [
            w.HBox([self.roster_pick, self.upload]).add_class("wb-roster-run"),
            self.upload_status,
            self.template,
            w.HBox([self.previous_pick, self.previous_upload]).add_class("wb-roster-run"),
            self.previous_status,
            w.HBox([self.running_pick, self.running_upload]).add_class("wb-roster-run"),
            self.running_status,
            self.output_note,
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
        self.run_info = w.HTML().add_class("wb-last-run")
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
        self.running_pairs = w.HTML().add_class("wb-running-box")
        self.downloads = w.HTML().add_class("wb-downloads")
        self.excel_button = w.Button(
            description="Prepare the Excel file",
            icon="table",
            tooltip="Write matches.xlsx beside the other files, then download it",
            layout=w.Layout(display="none", width="auto"),
        ).add_class("wb-prepare-xlsx")
        self.excel_button.on_click(lambda _b: self.prepare_excel())
        return [
            *self.results_view.top,  # a run made in this session: in words, row by row
            self.summary,  # a run kept from before: its summary and its tables
            self.group_by,
            self.charts,
            *self.results_view.tables,
            self.matches,
            self.unmatched,
            self.mode_table,
            self.running_pairs,
        ]

    # ------------------------------------------------------------ files

    @property
    def outdir(self) -> Path:
        return self._output_default

    @property
    def folder(self) -> Path:
        """The program's folder: the design's, where an uploaded roster is kept."""
        return self.step.snapshot.path.parent

    def shown(self, path: Path) -> str:
        """A file as messages name it: relative to the program's folder."""
        return shown_path(path, self.folder)

    def named(self, roster: Path) -> str:
        """A roster as the page names it: an earlier one as the roster list does
        ("roster.csv, replaced 2026-12-01 10:00 UTC (earlier roster)"), never by where
        the folder keeps it."""
        return roster_label(roster) if roster.parent.name == HISTORY else self.shown(roster)

    @property
    def roster_file(self) -> Path | None:
        """The roster a run would use now (the one picked), ``None`` when there is none."""
        value = self.roster_pick.value
        return value if isinstance(value, Path) else None

    @property
    def previous_file(self) -> Path | None:
        """The previous cohort's matches a run would use now, ``None`` for none."""
        value = self.previous_pick.value
        return value if isinstance(value, Path) else None

    @property
    def running_file(self) -> Path | None:
        """The running program's pairs a run would keep now, ``None`` for none."""
        value = self.running_pick.value
        return value if isinstance(value, Path) else None

    def _is_program_roster(self, path: Path) -> bool:
        """Whether ``path`` names the program's roster on file (the app always gives
        ``roster.csv``, which may be kept as ``roster.xlsx``)."""
        return path.name in roster_upload.NAMES and _same(path.parent, self.folder)

    def _first_roster(self) -> Path | None:
        """The roster picked when the step opens: the parameter's file when it is not
        the program's own, else the roster on file."""
        given = self._given_roster
        if given is not None and not self._is_program_roster(given) and given.is_file():
            return given
        return on_file(self.folder)

    def _list_rosters(self, select: Path | None) -> None:
        """Fill the roster picker and select ``select`` (quietly: no summary is read)."""
        options: list[tuple[str, Path | None]] = list(kept_rosters(self.folder))
        given = self._given_roster
        if given is not None and not self._is_program_roster(given) and given.is_file():
            options.insert(0, (f"{self.shown(given)} of {clock.utc_text(modified(given))}", given))
        if not options:
            options = [("No roster yet: upload one", None)]
        self._quiet = True
        try:
            self.roster_pick.options = options
            values = [v for _, v in options]
            self.roster_pick.value = select if select in values else values[0]
        finally:
            self._quiet = False

    def _first_previous(self) -> Path | None:
        if self._given_previous is not None:
            return self._given_previous
        return on_file(self.folder, PREVIOUS_NAMES)

    def _list_previous(self, select: Path | None) -> None:
        """Fill the previous matches picker: none, a given file, the one kept."""
        self._fill_pick(self.previous_pick, "None: pairs may be repeated",
                        self._given_previous, PREVIOUS_NAMES, select)  # fmt: skip

    def _fill_pick(
        self,
        pick: w.Dropdown,
        none: str,
        given: Path | None,
        names: tuple[str, ...],
        select: Path | None,
    ) -> None:
        """Fill a pairs file's picker (previous matches, running pairs): ``none``, the
        file given, the one kept in the program's folder under ``names``."""
        options: list[tuple[str, Path | None]] = [(none, None)]
        if given is not None:
            options.append((self.shown(given), given))
        kept = on_file(self.folder, names)
        if kept is not None:
            options.append((f"{kept.name} of {clock.utc_text(modified(kept))}", kept))
        pick.options = options
        values = [v for _, v in options]
        # By index: a Dropdown given options after it was made keeps no selection for
        # a None value, and the page would show an empty box instead of "None: ...".
        pick.index = values.index(select) if select in values else 0

    def _first_running(self) -> Path | None:
        if self._given_keep is not None:
            return self._given_keep
        return on_file(self.folder, KEEP_NAMES)

    def _list_running(self, select: Path | None) -> None:
        """Fill the running pairs picker: none, a given file, the one kept."""
        self._fill_pick(self.running_pick, "None: match every mentee afresh",
                        self._given_keep, KEEP_NAMES, select)  # fmt: skip

    def _settings(self) -> Matching:
        """The matching settings on screen (the saved ones while a field is invalid)."""
        try:
            return matching_step.apply(self.step.snapshot.design, self.step.read()).matching
        except InputError:
            return self.step.snapshot.design.matching

    def show_template(self, settings: Matching) -> None:
        """The template links and what each column means, under these settings."""
        cols = template.template_columns(settings)
        links = " | ".join(
            f'<a class="wb-download wb-download-template-{fmt}" download="roster-template.{fmt}" '
            f'href="data:{DOWNLOADS["matches." + fmt]};base64,'
            f'{base64.b64encode(data).decode("ascii")}">{label}</a>'
            for fmt, label, data in (
                ("csv", "CSV roster template", template.template_csv(settings)),
                ("xlsx", "Excel roster template", template.template_xlsx(settings)),
            )
        )
        rows = "".join(
            f"<tr><td><code>{escape(c.name)}</code></td><td>{escape(c.title)}</td>"
            f"<td>{escape(c.requirement)}</td>"
            f"<td>{escape(c.meaning)}</td></tr>"
            for c in cols
        )
        self.template.value = (
            f"<div class='wb-help'>Start from a template: {links}. Each has one row per "
            "person, three examples to replace, and every column the workbook reads; the "
            "Excel one also explains them.</div>"
            "<details class='wb-template-columns'><summary>What each roster column means"
            "</summary><table><thead><tr><th>column</th><th>name</th><th>needed</th><th>meaning</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></details>"
        )

    # ------------------------------------------------------------ messages

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

    def _summary_html(self, lead: str, roster: Roster, settings: Matching) -> str:
        """A roster read, in words: what it holds and which columns were read."""
        lines = summarise(roster, settings).sentences()
        return f"<span class='wb-status-ok'>{escape(lead)}</span>" + bullet_list(
            [escape(x) for x in lines], "wb-roster-summary"
        )

    def _show_on_file(self) -> None:
        """What the step says before anything is uploaded: the roster on file, or none."""
        limit = roster_upload.size_text(roster_upload.MAX_UPLOAD_BYTES)
        picked = self.roster_file
        if picked is None:
            self.upload_status.value = (
                "<span class='wb-help'>No roster is on file yet: upload one (CSV or XLSX, up "
                f"to {limit}), starting from a template below if you like. It is checked, "
                "then kept in the program's folder.</span>"
            )
        else:
            self.upload_status.value = (
                f"<span class='wb-help'>Roster: {escape(self.named(picked))}. Upload a new one "
                f"(CSV or XLSX, up to {limit}) to replace it; the one it replaces is kept."
                "</span>"
            )

    # ------------------------------------------------------------ upload and pick

    def _uploaded(self, change: dict[str, Any]) -> None:
        """Check an uploaded roster and keep it in the program's folder (or say why not)."""
        items = change["new"]
        if not items:
            return
        with self.step._guard():
            item = items[0]
            name, content = str(item["name"]), bytes(item["content"])
            self.upload.value = ()  # the kernel keeps no second copy
            had = on_file(self.folder) is not None
            self._offer_columns(content, name)
            try:
                stored, roster = self.keep_upload(name, content)
            except WorkbookError as exc:
                state = "the roster on file is unchanged" if had else "no roster is on file yet"
                self.upload_status.value = self._problems_html(
                    f"{name} was not used; {state}.", exc, []
                )
                return
            note = (
                "; it is the same as the roster already there"
                if stored.unchanged
                else "".join(
                    # Named as the roster list names it, never by its file in the folder.
                    f"; the roster it replaces is kept, listed as {roster_label(p)} among the "
                    "rosters to choose from"
                    for p in stored.kept
                )
            )
            self._list_rosters(stored.path)
            self.upload_status.value = self._summary_html(
                f"{name} checked and kept as {self.shown(stored.path)} in the program's "
                f"folder{note}. Run matching to use it.",
                roster,
                self._settings(),
            )
            self._fresh_roster()

    def keep_upload(self, name: str, content: bytes) -> tuple[roster_upload.Stored, Roster]:
        """Check an upload (size, then every roster problem under the settings on
        screen) and keep it in the program's folder.

        Returns:
            Where it was kept, and the roster as read (for its summary).

        Raises:
            RosterError: too large, or refused (nothing is written).
            StoreError: it could not be written.
        """
        roster_upload.check_size(name, len(content))
        settings = self._settings()
        roster = load_roster(content, settings, name)
        stored = roster_upload.store(self.folder, content, roster_upload.kind(name, content))
        return stored, roster

    def _picked(self, _change: Any = None) -> None:
        """Another roster picked: read it and say what it holds (or why it is refused)."""
        if self._quiet:
            return
        with self.step._guard():
            path = self.roster_file
            if path is None:
                self._show_on_file()
                return
            try:
                data = self._read(path)
                self._offer_columns(data, path.name)
                settings = self._settings()
                roster = load_roster(data, settings, self.named(path))
            except WorkbookError as exc:
                self.upload_status.value = self._problems_html(
                    f"{self.named(path)} cannot be matched as it is:", exc, [path]
                )
            else:
                self.upload_status.value = self._summary_html(
                    f"Picked {self.named(path)}. Run matching to use it.", roster, settings
                )
            self._fresh_roster()

    def _offer_columns(self, content: bytes, name: str) -> None:
        """Give the step the file's column names, for its column dropdowns (a refused
        roster's too: mapping its columns is how it gets accepted)."""
        offer = getattr(self.step, "roster_columns", None)
        if offer is None:
            return
        try:
            frame, _ = read_table(content, name)
        except WorkbookError:
            return  # not a table: the columns offered stay those of the last one read
        offer([str(c) for c in frame.columns])

    def _fresh_roster(self) -> None:
        """After an upload or a pick: an earlier run's message is no longer the state
        (the results stay, with the line saying whether the roster changed since)."""
        self.run_status.value = ""
        self.show_template(self._settings())
        self._show_run_info()

    def _previous_uploaded(self, change: dict[str, Any]) -> None:
        """Check an uploaded previous cohort's matches and keep it in the program's folder."""
        items = change["new"]
        if not items:
            return
        with self.step._guard():
            item = items[0]
            name, content = str(item["name"]), bytes(item["content"])
            self.previous_upload.value = ()
            try:
                roster_upload.check_size(name, len(content))
                pairs, _ = read_table(content, name)
                header = {c.strip().lower() for c in pairs.columns}
                missing = [c for c in ("mentee_id", "mentor_id") if c not in header]
                if missing:
                    raise RosterError(
                        [
                            Problem(
                                f"required column {c!r} is missing",
                                "upload the matches.csv of a previous run",
                                name,
                                c,
                                row=1,
                            )
                            for c in missing
                        ]
                    )
                target = self._keep_pairs_file("previous-matches", PREVIOUS_NAMES, name, content)
            except WorkbookError as exc:
                self.previous_status.value = self._problems_html(f"{name} was not used.", exc, [])
                return
            self._list_previous(target)
            self.previous_status.value = (
                f"<span class='wb-status-ok'>{escape(name)} kept as {escape(target.name)}: "
                f"its {len(pairs)} pairs are not repeated in the next run when the design "
                "avoids repeating pairs.</span>"
            )

    def _keep_pairs_file(
        self, stem: str, names: tuple[str, ...], name: str, content: bytes
    ) -> Path:
        """Keep an uploaded pairs file (previous matches, running pairs) in the program's
        folder as ``stem`` with its kind's suffix; a different one it replaces is kept
        aside in the history first, never lost.

        Raises:
            StoreError: the file could not be written safely.
        """
        target = self.folder / f"{stem}.{roster_upload.kind(name, content)}"
        for old in (self.folder / n for n in names):
            if not old.is_file():
                continue
            before = old.read_bytes()
            if before != content:
                store.keep(old, before, old.name)
            if old != target:
                old.unlink()
        store.atomic_write(target, content)
        return target

    def _running_uploaded(self, change: dict[str, Any]) -> None:
        """Check an uploaded running program's matches (as a run reads them) and keep it
        in the program's folder; the one it replaces is kept aside, as a roster is."""
        items = change["new"]
        if not items:
            return
        with self.step._guard():
            item = items[0]
            name, content = str(item["name"]), bytes(item["content"])
            self.running_upload.value = ()
            try:
                roster_upload.check_size(name, len(content))
                pairs = read_running(content, name)
                target = self._keep_pairs_file("running-pairs", KEEP_NAMES, name, content)
            except WorkbookError as exc:
                self.running_status.value = self._problems_html(f"{name} was not used.", exc, [])
                return
            self._list_running(target)
            self.running_status.value = (
                f"<span class='wb-status-ok'>{escape(name)} kept as {escape(target.name)}: "
                f"the next run keeps its {len(pairs)} running pairs that are still allowed "
                "and matches only the other mentees.</span>"
            )

    # ------------------------------------------------------------ run

    def _roster_path(self) -> Path:
        """The roster a run uses, or why there is none in words."""
        path = self.roster_file
        if path is not None:
            return path
        given = self._given_roster
        if given is not None and not self._is_program_roster(given):
            raise InputError(
                Problem(
                    "does not exist",
                    "check the notebook's roster_path, or upload the roster in the page",
                    self.shown(given),
                    field="roster",
                )
            )
        raise InputError(
            Problem(
                "no roster is on file yet",
                "upload a roster first (CSV or XLSX); the templates above show its columns",
                field="roster",
            )
        )

    def _read(self, path: Path) -> bytes:
        """A roster's bytes (checked as any roster file is).

        Raises:
            RosterError: gone since it was listed, not a regular file, too large.
        """
        data = files.read(path, ROSTER_FILE)
        if data is None:
            raise RosterError(
                Problem("is no longer there", "upload the roster again", self.shown(path))
            )
        return data

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

    def supply(self, capacity: int | None) -> SupplyPlan:
        """How many more mentors, and which, the roster picked now would need with the
        settings on the page (a roster of mentees alone will do), and the review and
        previous cohort a run would use.

        Raises:
            WorkbookError: the settings or the files cannot be used (shown by the panel).
        """
        from workbook.matching import supply

        design = matching_step.apply(self.step.snapshot.design, self.step.read())
        roster = self._roster_path()
        review = self.review_panel.path
        return supply.plan_supply(
            design,
            self._read(roster),
            capacity=capacity,
            review=review if review.exists() else None,
            previous=self.previous_file,
            roster_name=self.shown(roster),
        )

    def why_not(self, mentee: str, mentor: str) -> list[str]:
        """Why the last run did not give ``mentee`` this ``mentor`` (roster ids), with the
        settings on the page, the roster that run read, the review and previous cohort.

        Raises:
            WorkbookError: the settings or the files cannot be used (shown by the panel).
        """
        from workbook.matching import whynot

        if self.result is None:
            return ["Run matching first: then choose a mentee and a mentor."]
        design = matching_step.apply(self.step.snapshot.design, self.step.read())
        review = self.review_panel.path
        answer = whynot.why_not(
            design,
            self.result.scored.pools.roster,
            mentee,
            mentor,
            objective=self.result.summary.objective,
            review=review if review.exists() else None,
            previous=self.previous_file,
            running=self.running_file,
        )
        people = self.review_panel.people
        return whynot.in_words(answer, people.name if people else str)

    def run(self, *, raise_errors: bool = False) -> MatchResult | None:
        """Match with the settings on screen, show the result, write the exports.

        The roster is read once: the bytes matched are the bytes whose SHA-256 the
        run's summary.json records, so a later edit of the file is always noticed.

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
                previous = self.previous_file
                running = self.running_file
                paths += [roster, *([previous] if previous else [])]
                paths += [running] if running else []
                data = self._read(roster)
                review = self.review_panel.path
                result = matching.match(
                    design,
                    data,
                    None,
                    review=review if review.exists() else None,
                    previous=previous,
                    keep=running,
                    mode=self.mode.value,
                    roster_name=self.shown(roster),
                    progress=self._progress_of_match,
                )
                self._progress("export", 0.0)
                record = {
                    "run_at": clock.now().isoformat(),
                    "roster_file": self.shown(roster),
                    "roster_modified": modified(roster).isoformat(),
                    "roster_sha256": sha256(data),
                }
                self._write(result, record, excel=not self.excel_on_demand)
                self._progress("done", 1.0)
            except WorkbookError as exc:
                self.run_status.value = self._problems_html(
                    "Not matched; nothing was written.", exc, paths
                )
                self.progress.value, self.stage.value = 0, ""
                self.results_view.mark_stale(
                    "This run failed: the results below are from the run before it, and no "
                    "longer match the settings or the roster.",
                    also=[self.summary, self.group_by, self.charts, self.matches, self.unmatched,
                          self.mode_table, self.running_pairs],
                )  # fmt: skip
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
            self.record = record
            self._show(result)
            return result
        # Only after an unexpected bug, which the guard reported next to Save.
        self.run_status.value = "<span class='wb-status-error'>Not matched; see below.</span>"
        self.progress.value, self.stage.value = 0, ""
        return None

    def _write(self, result: MatchResult, record: Mapping[str, Any], *, excel: bool) -> None:
        """Write the run's files, summary.json carrying ``record`` (when, which roster).

        Raises:
            ExistsError / StoreError: as :func:`workbook.store.write_outputs`.
        """
        built = exports.build_files(result, excel=excel)
        summary = {**json.loads(built["summary.json"]), **record}
        built["summary.json"] = (json.dumps(summary, indent=2) + "\n").encode("utf-8")
        store.write_outputs(self.outdir, built, exports.MANIFEST)

    def prepare_excel(self) -> bool:
        """What "Prepare the Excel file" does: add matches.xlsx to the last run's files."""
        if self.result is None:
            return False
        with self.step._guard():
            try:
                self._write(self.result, self.record, excel=True)
            except WorkbookError as exc:
                self.run_status.value = self._problems_html(
                    "The Excel file was not written.", exc, [self.outdir]
                )
                return False
            self._show_downloads()
            return True
        return False

    def _show_downloads(self) -> None:
        """Links to the run's files; the Excel button while matches.xlsx is not there
        (only for a run of this session: a kept run has no result to build it from)."""
        names = (*DOWNLOADS, RUNNING_FILE)
        links = [download_link(self.outdir / n) for n in names if (self.outdir / n).exists()]
        self.downloads.value = " | ".join(links)
        missing = self.excel_on_demand and not (self.outdir / "matches.xlsx").exists()
        self.excel_button.layout.display = "" if missing and self.result is not None else "none"

    def _progress_of_match(self, step: str, fraction: float) -> None:
        """:meth:`_progress` for the pipeline, but for its last word: the files are
        written after it, and "done" is said once they are."""
        if step != "done":
            self._progress(step, fraction)

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

    # ------------------------------------------------------------ showing a run

    def _show_summary(self, s: Mapping[str, Any]) -> None:
        """A kept run's totals in words (the solver's details are in summary.json)."""
        matched, mentees = s.get("matched"), s.get("mentees")
        unmatched, mentors = s.get("unmatched"), s.get("mentors")
        said = f"{matched} of {mentees} mentees have a mentor, from {mentors} mentors."
        if unmatched:
            said += f" {unmatched} could not be matched: the reasons are below."
        kept, dropped = s.get("kept"), s.get("dropped")
        if isinstance(kept, int):
            said += f" {kept} running pair(s) kept"
            said += f"; {dropped} could not be kept (below)." if dropped else "."
        self.summary.value = f"<p class='wb-results-sentence'>{escape(said)}</p>"

    def _show_tables(
        self,
        matches: pd.DataFrame,
        unmatched: pd.DataFrame,
        groups: pd.DataFrame | None,
        shortlist: pd.DataFrame | None,
    ) -> None:
        # Headers in words, as in the Excel file; scores as whole numbers out of 100.
        matches = _in_words(matches)
        unmatched = _in_words(unmatched)
        self.matches.value = "<h4>Matches</h4>" + table_html(matches, "wb-matches")
        self.unmatched.value = (
            "<h4>Not matched</h4>" + table_html(unmatched, "wb-unmatched")
            if len(unmatched)
            else "<p class='wb-unmatched'>Every mentee has a mentor.</p>"
        )
        if groups is not None:
            self.mode_table.value = "<h4>Groups</h4>" + table_html(groups, "wb-groups")
        elif shortlist is not None:
            self.mode_table.value = "<h4>Shortlists for mentees to choose from</h4>" + table_html(
                shortlist, "wb-shortlist"
            )
        else:
            self.mode_table.value = ""

    def _show(self, result: MatchResult) -> None:
        s = result.summary
        # This session's run: in words and row by row (the kept run's tables go).
        self.summary.value = self.matches.value = self.unmatched.value = ""
        self.results_view.show(result)
        columns = [c for c in result.scored.pools.roster.frame.columns if c not in (
            "id", "name", "email", "manager_id", "skills_offered", "skills_wanted", "goals",
            "languages", "capacity", "preferences", "exclude", "role")]  # fmt: skip
        current = self.group_by.value
        self.group_by.options = columns
        self.group_by.value = current if current in columns else (columns[0] if columns else None)
        self.group_by.layout.display = ""
        self._show_charts()
        if result.groups is not None:
            self.mode_table.value = "<h4>Groups</h4>" + table_html(result.groups, "wb-groups")
        elif result.shortlist is not None:
            self.mode_table.value = "<h4>Shortlists for mentees to choose from</h4>" + table_html(
                result.shortlist, "wb-shortlist"
            )
        else:
            self.mode_table.value = ""
        self.review_panel.use(result)  # only this run's people can be pinned or forbidden
        self.running_pairs.value = running_html(result.running)
        self._show_downloads()
        self._show_run_info()
        self.progress.value = 1.0
        self.run_status.value = (
            f"<span class='wb-status-ok'>Matched {s.matched} of {s.mentees} mentees "
            f"with {s.mentors} mentors in {s.seconds} s (provably optimal for "
            f"{escape(s.objective)}). Files written to {escape(self.shown(self.outdir))}. "
            "Save to record the aggregates in the design.</span>"
        )

    def show_saved(self) -> bool:
        """Show the last run kept in the output folder (its summary, tables, downloads
        and review), as the step opens: a coordinator coming back finds the run they
        left. False when there is none (or its files cannot be read: run again)."""
        self.group_by.layout.display = "none"  # charts need the run itself
        self.review_panel.show()
        out = self.outdir
        if not (out / "summary.json").is_file() or not (out / "matches.csv").is_file():
            return False
        try:
            summary = json.loads((out / "summary.json").read_text("utf-8"))
            tables = {
                name: _read_csv(out / name) if (out / name).is_file() else None
                for name in (
                    "matches.csv",
                    "unmatched.csv",
                    "groups.csv",
                    "shortlist.csv",
                    RUNNING_FILE,
                )
            }
            if not isinstance(summary, dict):
                raise ValueError("summary.json is not an object")
        except (OSError, ValueError, pd.errors.ParserError):
            self.run_info.value = (
                "<span class='wb-status-error'>The last run's files in "
                f"{escape(self.shown(out))} cannot be read: run matching again.</span>"
            )
            return False
        self.record = {k: summary[k] for k in RECORD if k in summary}
        self.review_panel.known = _names(tables["matches.csv"], tables["unmatched.csv"])
        self.review_panel.show()
        self._show_summary(summary)
        matches = tables["matches.csv"]
        if matches is not None:
            mentors = summary.get("mentors")
            self.charts.children = [
                w.HTML(svg)
                for svg in kept_charts(matches, mentors if isinstance(mentors, int) else 0)
            ]
        unmatched = tables["unmatched.csv"]
        self._show_tables(
            tables["matches.csv"],  # type: ignore[arg-type]
            unmatched if unmatched is not None else pd.DataFrame(),
            tables["groups.csv"],
            tables["shortlist.csv"],
        )
        self.running_pairs.value = running_html(tables[RUNNING_FILE])
        self._show_downloads()
        self._show_run_info(saved=True)
        return True

    def _show_run_info(self, *, saved: bool = False) -> None:
        """When the shown run was made, on which roster, and whether the roster picked
        now is still that one (by SHA-256)."""
        record = self.record
        if not record:
            if (self.outdir / "summary.json").is_file() and saved:
                when = clock.utc_text(modified(self.outdir / "summary.json"))
                self.run_info.value = (
                    f"<span class='wb-help'>The last run, written {escape(when)} (which "
                    "roster it used was not recorded).</span>"
                )
            return
        try:
            at = clock.utc_text(dt.datetime.fromisoformat(str(record.get("run_at"))))
            roster_at = clock.utc_text(dt.datetime.fromisoformat(str(record["roster_modified"])))
        except (KeyError, ValueError):
            at, roster_at = str(record.get("run_at", "")), ""
        on = str(record.get("roster_file", "the roster"))
        text = (
            f"<span class='wb-help'>{'The last run' if saved else 'This run'}: {escape(at)}, "
            f"on {escape(on)}{f' of {escape(roster_at)}' if roster_at else ''}.</span>"
        )
        picked = self.roster_file
        current = None
        if picked is not None:
            try:
                data = files.read(picked, ROSTER_FILE)
            except WorkbookError:
                data = None
            current = sha256(data) if data is not None else None
        if current != record.get("roster_sha256"):
            text += (
                " <b class='wb-status-error wb-roster-changed'>The roster changed since this "
                "run: run again.</b>"
            )
        elif saved:
            # A kept run is its files: pinning from a row or choosing a mentor needs the
            # run's scored pairs, which the same roster and settings give back at once.
            text += (
                " <span class='wb-help wb-kept-hint'>To pin, forbid or choose a mentor from "
                "the rows, run again: the same roster and settings give the same matches."
                "</span>"
            )
        self.run_info.value = text

    def _group_changed(self, _change: Any = None) -> None:
        with self.step._guard():
            self._show_charts()

    def _show_charts(self) -> None:
        if self.result is None:
            return
        figures = charts(self.result, self.group_by.value)
        self.charts.children = [w.HTML(svg) for svg in figures]


RECORD = ("run_at", "roster_file", "roster_modified", "roster_sha256")
"""What a run adds to its summary.json: when, and on which roster (no personal data)."""


def _names(*tables: pd.DataFrame | None) -> dict[str, str]:
    """Id -> name of everyone a run's tables name (mentees and mentors)."""
    out: dict[str, str] = {}
    for table in tables:
        if table is None:
            continue
        for side in ("mentee", "mentor"):
            if f"{side}_id" in table and f"{side}_name" in table:
                ids = restore_ids(table[f"{side}_id"])  # as the review file writes them
                for person, name in zip(ids, table[f"{side}_name"], strict=True):
                    if str(name).strip():
                        out.setdefault(person, str(name))
    return out


def _read_csv(path: Path) -> pd.DataFrame:
    """An export as it was written: every cell text, nothing read as missing."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name the same folder (one may be relative, or a link)."""
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def _in_words(frame: pd.DataFrame) -> pd.DataFrame:
    """A kept run's table as a coordinator reads it: headers in words (as in the Excel
    file), scores as whole numbers out of 100."""
    shown = frame
    for column in ("score", "mean_score"):
        if column in shown:
            numbers = pd.to_numeric(shown[column], errors="coerce")
            shown = shown.assign(**{column: numbers.round().astype("Int64")})
    return shown.rename(columns=exports.HEADERS)


def _pick_and_upload(
    label: str, pick_css: str, upload_label: str, upload_css: str, tooltip: str
) -> tuple[w.Dropdown, w.FileUpload]:
    """A file of the program's folder, picked by name and date, or uploaded (the roster,
    a previous cohort's matches): the same pair of controls for both."""
    pick = box(w.Dropdown(description=label, layout=w.Layout(width="600px")).add_class(pick_css))
    upload = w.FileUpload(
        description=upload_label,
        accept=".csv,.xlsx",
        multiple=False,
        tooltip=tooltip,
        layout=w.Layout(width="auto"),  # "Upload previous matches" whole, not cut short
    ).add_class(upload_css)
    return pick, upload


def running_html(running: pd.DataFrame | None) -> str:
    """What became of the running pairs (a run given some): how many were kept, each one
    that could not be and why, and each one kept with a note ("" without running pairs)."""
    if running is None:
        return ""
    ended = running[running["kept"] == "no"].drop(columns=["kept"])
    noted = running[(running["kept"] == "yes") & (running["why"] != "")].drop(columns=["kept"])
    kept = len(running) - len(ended)
    html = (
        "<h4>Pairs already running</h4><p class='wb-running-sentence'>"
        f"{kept} of {len(running)} running pairs kept as they are"
        + (f"; {len(ended)} could not be kept:" if len(ended) else ".")
        + "</p>"
    )
    if len(ended):
        html += table_html(_in_words(ended), "wb-running-ended")
    if len(noted):
        html += "<h5>Kept, with a note</h5>" + table_html(_in_words(noted), "wb-running-noted")
    return html
