"""Widgets for design step 5: matching criteria and constraints, a run, review, downloads.

The step has two halves. The **settings** (weights, constraints, objective, capacity)
are design decisions: they go through :func:`workbook.matching.apply` and the Save
button like every other step, and a sentence per setting says what it does. The
**run** works on a roster (a path or an upload) and writes the exports into an output
folder; roster data never enters the design. After a run, Save also records the
run's aggregates (counts and score distribution, no names) for the charter.

The coordinator's review (pin or forbid a pair) is kept in ``review.csv`` in the
output folder and applied on the next run.
"""

from __future__ import annotations

import base64
import csv
import io
import os
from pathlib import Path
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd

from workbook import matching
from workbook.constraints import Settings
from workbook.criteria import LABELS
from workbook.design import Design, MatchingResults
from workbook.errors import InputError, Problem, WorkbookError
from workbook.explain import MatchResult
from workbook.matching import MatchingInputs
from workbook.store import Snapshot, atomic_write
from workbook.ui.base import Failed, Step, bullet_list, escape, open_design, plain

CRITERIA_HELP = {
    "skills": "Skills the mentee wants against skills the mentor offers",
    "goals": "Goals and focus areas in common",
    "seniority": "Seniority gap within the range below",
    "department": "Department same or different (below)",
    "timezone": "Time zones close enough to meet",
    "language": "A shared language",
    "preferences": "The mentee's own ranked choices (the mentee directs the learning)",
}
DOWNLOADS = {
    "matches.csv": "text/csv",
    "unmatched.csv": "text/csv",
    "matches.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "summary.json": "application/json",
    "groups.csv": "text/csv",
    "shortlist.csv": "text/csv",
}
TABLE_ROWS = 100


def _optional(text: str) -> str | None:
    """Blank text box -> ``None`` (no limit); anything else goes to validation as typed."""
    return text.strip() or None


def default_output(design_path: Path, output_dir: str | Path = "") -> Path:
    """The exports folder: the parameter, else ``$WORKBOOK_OUTPUT``, else beside the design."""
    text = str(output_dir).strip() or os.environ.get("WORKBOOK_OUTPUT", "").strip()
    return Path(text).expanduser() if text else design_path.parent / "matching-output"


def read_review_rows(path: Path) -> list[dict[str, str]]:
    """The review file's rows (empty when there is none yet)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [dict(row) for row in csv.DictReader(fh)]


def write_review_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Write the review file atomically (the folder is created if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["mentee_id", "mentor_id", "action"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write(path, buffer.getvalue().encode("utf-8"))


# --------------------------------------------------------------------------- charts


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def charts(result: MatchResult, group_by: str | None) -> list[bytes]:
    """PNG charts: score distribution, mentor load, criterion contributions, by group.

    Drawn with matplotlib's object API (no pyplot state), so they render the same in
    JupyterLab, Voila and a headless run.
    """
    from matplotlib.figure import Figure

    out = []
    scores = result.matches["score"].to_numpy(dtype=float)
    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.subplots()
    ax.hist(scores, bins=20, range=(0, 100), color="#305496")
    ax.set(title="Match scores", xlabel="score (0-100)", ylabel="matches")
    out.append(_png(fig))

    pools = result.scored.pools
    ids = pools.roster.frame["id"].to_numpy(dtype=object)[pools.mentors]
    load = result.matches["mentor_id"].value_counts().reindex(ids, fill_value=0).to_numpy()
    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.subplots()
    values, counts = np.unique(load, return_counts=True)
    ax.bar(values, counts, color="#548235")
    ax.set(title="Mentor load", xlabel="mentees per mentor", ylabel="mentors")
    out.append(_png(fig))

    contrib = result.contributions.mean() if len(result.contributions) else pd.Series(dtype=float)
    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.subplots()
    labels = [LABELS.get(k, k.removeprefix("extra:")) for k in contrib.index]
    ax.barh(labels, contrib.to_numpy(), color="#c55a11")
    ax.set(title="What each criterion contributed", xlabel="mean points per match")
    out.append(_png(fig))

    table = by_group(result, group_by)
    if table is not None and len(table):
        fig = Figure(figsize=(8.4, 3.0))
        left, right = fig.subplots(1, 2)
        left.barh(table.index.astype(str), table["match_rate"], color="#305496")
        left.set(title=f"Match rate by {group_by}", xlim=(0, 1))
        right.barh(table.index.astype(str), table["mean_score"], color="#548235")
        right.set(title=f"Mean score by {group_by}", xlim=(0, 100))
        right.set_yticklabels([])
        out.append(_png(fig))
    return out


def by_group(result: MatchResult, column: str | None, top: int = 15) -> pd.DataFrame | None:
    """Match rate and mean score per value of a roster column, to spot unfair outcomes."""
    pools = result.scored.pools
    frame = pools.roster.frame
    if not column or column not in frame.columns:
        return None
    mentees = frame.iloc[pools.mentees][["id", column]].rename(columns={column: "group"})
    scores = result.matches.set_index("mentee_id")["score"]
    mentees["score"] = mentees["id"].map(scores)
    mentees["group"] = mentees["group"].replace("", "(blank)")
    grouped = mentees.groupby("group")
    table = pd.DataFrame(
        {
            "mentees": grouped.size(),
            "match_rate": grouped["score"].apply(lambda s: s.notna().mean()),
            "mean_score": grouped["score"].mean(),
        }
    )
    return table.sort_values("mentees", ascending=False).head(top)


def table_html(frame: pd.DataFrame, css: str, rows: int = TABLE_ROWS) -> str:
    """An escaped HTML table of the first rows, saying how many more there are."""
    shown = frame.head(rows)
    note = (
        f"<p class='wb-help'>Showing {len(shown)} of {len(frame)}; download the files for all.</p>"
        if len(frame) > rows
        else ""
    )
    return f"<div class='{css}'>" + shown.to_html(index=False, escape=True) + note + "</div>"


def download_link(path: Path) -> str:
    """A link that downloads the file itself (works in Voila without a file server)."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    mime = DOWNLOADS.get(path.name, "application/octet-stream")
    return (
        f'<a class="wb-download wb-download-{escape(path.stem)}-{escape(path.suffix[1:])}" '
        f'download="{escape(path.name)}" href="data:{mime};base64,{data}">{escape(path.name)}</a>'
    )


# --------------------------------------------------------------------------- the step


class MatchingStep(Step[MatchingInputs]):
    """Step 5: how mentors and mentees are matched, and a run on a roster."""

    step = "matching"
    title = "5. Matching"
    help = (
        "Choose what makes a good match and the rules no match may break, run the match on "
        "your roster, review it (pin or forbid pairs and re-run), then download the files. "
        "The design keeps only the settings and aggregate results, never names."
    )

    def __init__(
        self,
        snapshot: Snapshot,
        roster_path: str | Path = "",
        output_dir: str | Path = "",
        previous_path: str | Path = "",
    ) -> None:
        self.result: MatchResult | None = None
        self.results: MatchingResults | None = None
        self._roster_default = str(roster_path).strip() or os.environ.get("WORKBOOK_ROSTER", "")
        self._output_default = default_output(snapshot.path, output_dir)
        self._previous_default = str(previous_path).strip()
        super().__init__(snapshot, matching.inputs_from, self._apply_with_results)
        self.refresh()

    def _apply_with_results(self, design: Design, inputs: MatchingInputs) -> Design:
        """Settings always; the last run's aggregates once there has been a run."""
        updated = matching.apply(design, inputs)
        if self.results is None:
            return updated
        return updated.model_copy(
            update={"matching": updated.matching.model_copy(update={"results": self.results})}
        )

    # ------------------------------------------------------------ widgets

    def build(self) -> list[w.Widget]:
        def box(widget: w.Widget, width: str = "160px") -> w.Widget:
            widget.style.description_width = width
            return widget

        self.objective = self.field(
            "objective",
            box(
                w.Dropdown(
                    description="Objective",
                    options=[
                        ("Coverage: most mentees matched", "coverage"),
                        ("Quality: best total score", "quality"),
                        ("Fairness: best lowest score", "fairness"),
                    ],
                    layout=w.Layout(width="460px"),
                ).add_class("wb-objective")
            ),
        )
        # Number boxes rather than sliders: a slider's step and range would round or clip
        # a weight the design already holds (0.3, or 12), and saving would change it.
        self.weights: dict[str, w.BoundedFloatText] = {}
        rows = []
        for name, text in CRITERIA_HELP.items():
            slider = w.BoundedFloatText(
                description=LABELS[name].capitalize(),
                min=0,
                max=1000,
                step=0.5,
                layout=w.Layout(width="260px"),
            ).add_class(f"wb-weight-{name}")
            self.weights[name] = self.field(f"weights.{name}", box(slider))
            rows.append(w.HBox([slider, w.HTML(f"<span class='wb-help'>{escape(text)}</span>")]))
        self.department = self.field(
            "department",
            box(
                w.Dropdown(
                    description="Department",
                    options=[("Either", "either"), ("Same", "same"), ("Different", "different")],
                ).add_class("wb-department")
            ),
        )
        self.min_gap = self.field(
            "seniority_min_gap",
            box(w.Text(description="Seniority gap from", placeholder="no minimum")).add_class(
                "wb-min-gap"
            ),
        )
        self.max_gap = self.field(
            "seniority_max_gap",
            box(w.Text(description="to", placeholder="no maximum"), "40px").add_class("wb-max-gap"),
        )
        self.max_tz = self.field(
            "max_timezone_hours",
            box(w.Text(description="Time zones within (h)", placeholder="no limit")).add_class(
                "wb-max-tz"
            ),
        )
        self.depth = self.field(
            "reporting_line_depth",
            box(
                w.Dropdown(
                    description="Reporting line",
                    options=[
                        ("Whole line above the mentee (R1)", None),
                        ("Manager only", 1),
                        ("Manager and skip-level", 2),
                        ("Three levels up", 3),
                    ],
                    layout=w.Layout(width="460px"),
                ).add_class("wb-depth")
            ),
        )
        self.min_score = self.field(
            "min_score",
            box(
                w.BoundedFloatText(description="Minimum score", min=0, max=100, step=1).add_class(
                    "wb-min-score"
                )
            ),
        )
        self.capacity = self.field(
            "mentor_capacity",
            box(w.Text(description="Mentees per mentor", placeholder="1").add_class("wb-capacity")),
        )
        self.avoid_repeat = self.field(
            "avoid_repeat_pairs",
            w.Checkbox(
                description="Never repeat a previous cohort's pair",
                layout=w.Layout(width="600px"),
                style={"description_width": "initial"},
            ).add_class("wb-avoid-repeat"),
        )
        self.extra = self.field(
            "extra_criteria",
            box(
                w.Text(
                    description="Extra criteria",
                    placeholder="roster column: same|different [weight]; e.g. site: same 1",
                    layout=w.Layout(width="600px"),
                ).add_class("wb-extra")
            ),
        )
        self.column_map = self.field(
            "column_map",
            box(
                w.Text(
                    description="Column names",
                    placeholder="your column = roster column; e.g. Employee No = id",
                    layout=w.Layout(width="600px"),
                ).add_class("wb-column-map")
            ),
        )
        self.effect = w.HTML().add_class("wb-effect")

        self.roster_path = box(
            w.Text(description="Roster file", layout=w.Layout(width="600px")).add_class(
                "wb-roster-path"
            )
        )
        self.roster_path.value = self._roster_default
        self.upload = w.FileUpload(accept=".csv,.xlsx", multiple=False).add_class("wb-upload")
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
        design_mode = Settings.from_design(self.snapshot.design).mode
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
        self.run_button = w.Button(
            description="Run matching", button_style="success", icon="play"
        ).add_class("wb-run")
        self.run_button.on_click(lambda _b: self.run())
        self.progress = w.FloatProgress(min=0, max=1, description="").add_class("wb-progress")
        self.run_status = w.HTML().add_class("wb-run-status")
        self.summary = w.HTML().add_class("wb-summary")
        self.group_by = w.Dropdown(
            description="Compare by", options=["department", "level", "timezone"]
        ).add_class("wb-group-by")
        self.group_by.observe(self._group_changed, names="value")
        self.charts = w.HBox(layout=w.Layout(flex_flow="row wrap")).add_class("wb-charts")
        self.matches = w.HTML().add_class("wb-matches-box")
        self.unmatched = w.HTML().add_class("wb-unmatched-box")
        self.mode_table = w.HTML().add_class("wb-mode-box")
        self.review_mentee = w.Text(description="Mentee id").add_class("wb-review-mentee")
        self.review_mentor = w.Text(description="Mentor id").add_class("wb-review-mentor")
        pin = w.Button(description="Pin pair", icon="thumb-tack").add_class("wb-pin")
        forbid = w.Button(description="Forbid pair", icon="ban").add_class("wb-forbid")
        clear = w.Button(description="Clear review", icon="eraser").add_class("wb-clear-review")
        pin.on_click(lambda _b: self.review("pin"))
        forbid.on_click(lambda _b: self.review("forbid"))
        clear.on_click(lambda _b: self.clear_review())
        self.review_list = w.HTML().add_class("wb-review-list")
        self.downloads = w.HTML().add_class("wb-downloads")
        return [
            w.HTML("<h3>What makes a good match</h3>"),
            self.objective,
            *rows,
            w.HTML("<h3>Rules and limits</h3>"),
            self.department,
            w.HBox([self.min_gap, self.max_gap]),
            self.max_tz,
            self.depth,
            self.min_score,
            self.capacity,
            self.avoid_repeat,
            self.extra,
            self.column_map,
            self.effect,
            w.HTML("<h3>Run on a roster</h3>"),
            w.HBox([self.roster_path, self.upload]),
            self.output,
            self.previous,
            self.mode,
            w.HBox([self.run_button, self.progress]),
            self.run_status,
            self.summary,
            self.group_by,
            self.charts,
            self.matches,
            self.unmatched,
            self.mode_table,
            w.HTML(
                "<h3>Review</h3><p class='wb-help'>Pin a pair to keep it, forbid one to "
                "rule it out; then run again. Kept in review.csv in the output folder.</p>"
            ),
            w.HBox([self.review_mentee, self.review_mentor, pin, forbid, clear]),
            self.review_list,
            w.HTML("<h3>Download</h3>"),
            self.downloads,
        ]

    # ------------------------------------------------------------ translation

    def read(self) -> MatchingInputs:
        return matching.make_inputs(
            objective=self.objective.value,
            weights={k: s.value for k, s in self.weights.items()},
            department=self.department.value,
            seniority_min_gap=_optional(self.min_gap.value),
            seniority_max_gap=_optional(self.max_gap.value),
            max_timezone_hours=_optional(self.max_tz.value),
            reporting_line_depth=self.depth.value,
            min_score=self.min_score.value,
            avoid_repeat_pairs=self.avoid_repeat.value,
            mentor_capacity=_optional(self.capacity.value),
            extra_criteria=self.extra.value,
            column_map=self.column_map.value,
        )

    def write(self, inputs: MatchingInputs) -> None:
        with self.quietly():
            self.objective.value = inputs.objective
            for name, slider in self.weights.items():
                slider.value = getattr(inputs.weights, name)
            self.department.value = inputs.department
            self.min_gap.value = plain(inputs.seniority_min_gap)
            self.max_gap.value = plain(inputs.seniority_max_gap)
            self.max_tz.value = plain(inputs.max_timezone_hours)
            if inputs.reporting_line_depth not in [v for _, v in self.depth.options]:
                depth = inputs.reporting_line_depth
                self.depth.options = [*self.depth.options, (f"{depth} levels up", depth)]
            self.depth.value = inputs.reporting_line_depth
            self.min_score.value = min(inputs.min_score, 100)
            self.capacity.value = plain(inputs.mentor_capacity)
            self.avoid_repeat.value = inputs.avoid_repeat_pairs
            self.extra.value = matching.format_extra(inputs.extra_criteria)
            self.column_map.value = matching.format_column_map(inputs.column_map)

    def label(self, field: str) -> str:
        return field.replace("weights.", "weight of ").replace("_", " ")

    def refresh(self, _change: Any = None) -> None:
        super().refresh(_change)
        if self._quiet:
            return
        with self._guard():
            try:
                inputs = self.read()
            except InputError:
                self.effect.value = ""
                return
            lines = matching.effect(inputs, self.snapshot.design.model.format)
            self.effect.value = bullet_list([escape(x) for x in lines], "wb-effect-list")

    # ------------------------------------------------------------ run

    @property
    def outdir(self) -> Path:
        return Path(self.output.value.strip() or self._output_default).expanduser()

    def _roster_source(self) -> tuple[str | Path | bytes, str]:
        """The uploaded file if there is one, else the path typed in."""
        if self.upload.value:
            item = self.upload.value[0]
            return bytes(item["content"]), str(item["name"])
        text = self.roster_path.value.strip()
        if not text:
            raise InputError(
                Problem(
                    "no roster was given",
                    "type the roster file's path or upload it",
                    field="roster",
                )
            )
        return Path(text).expanduser(), text

    def run(self, *, raise_errors: bool = False) -> MatchResult | None:
        """What the Run button does: match with the settings on screen, show, export.

        Args:
            raise_errors: re-raise the workbook's errors (headless runs fail loudly).
        """
        with self._guard():
            self.progress.value = 0
            self.run_status.value = "<span class='wb-help'>Running...</span>"
            try:
                design = matching.apply(self.snapshot.design, self.read())
                source, name = self._roster_source()
                review = self.outdir / "review.csv"
                result = matching.match(
                    design,
                    source,
                    self.outdir,
                    review=review if review.exists() else None,
                    previous=Path(self.previous.value.strip()).expanduser()
                    if self.previous.value.strip()
                    else None,
                    mode=self.mode.value,
                    roster_name=name,
                    progress=self._progress,
                )
            except WorkbookError as exc:
                lines = exc.lines()
                shown = [escape(x) for x in lines[:50]]
                if len(lines) > 50:
                    shown.append(f"... and {len(lines) - 50} more problems")
                self.run_status.value = (
                    "<b class='wb-status-error'>Not matched; nothing was written.</b>"
                    + bullet_list(shown, "wb-problems wb-run-problems")
                )
                self.progress.value = 0
                if raise_errors:
                    raise
                return None
            self.result = result
            self.results = matching.aggregates(result)
            self._show(result)
            return result
        if raise_errors:  # pragma: no cover - only after an unexpected bug
            raise RuntimeError("matching failed unexpectedly; see the log")
        return None

    def _progress(self, step: str, fraction: float) -> None:
        weights = {"load": 0.0, "constraints": 0.05, "score": 0.1, "solve": 0.6, "explain": 0.8,
                   "export": 0.9, "done": 1.0}  # fmt: skip
        base = weights.get(step, 0.0)
        value = base + (0.5 * fraction if step == "score" else 0.0)
        self.progress.value = min(1.0, value)
        self.progress.description = step

    def _show(self, result: MatchResult) -> None:
        s = result.summary
        rows = [
            ("Mentees", s["mentees"]),
            ("Mentors", s["mentors"]),
            ("Matched", s["matched"]),
            ("Unmatched", s["unmatched"]),
            ("Total score", s["total_score"]),
            ("Lowest score", s["min_score"]),
            ("Mean score", s["mean_score"]),
            ("Allowed pairs", f"{s['allowed_pairs']} of {s['pairs_considered']}"),
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
        self._show_review()
        links = [download_link(self.outdir / n) for n in DOWNLOADS if (self.outdir / n).exists()]
        self.downloads.value = " | ".join(links)
        self.progress.value = 1.0
        self.run_status.value = (
            f"<span class='wb-status-ok'>Matched {s['matched']} of {s['mentees']} mentees "
            f"with {s['mentors']} mentors in {s['seconds']} s (provably optimal for "
            f"{escape(s['objective'])}). Files written to {escape(self.outdir)}. Save to record "
            "the aggregates in the design.</span>"
        )

    def _group_changed(self, _change: Any = None) -> None:
        with self._guard():
            self._show_charts()

    def _show_charts(self) -> None:
        if self.result is None:
            return
        images = charts(self.result, self.group_by.value)
        self.charts.children = [w.Image(value=png, format="png") for png in images]

    # ------------------------------------------------------------ review

    def review(self, action: str) -> None:
        """Add a pin or a forbidden pair to review.csv; it applies on the next run."""
        with self._guard():
            mentee, mentor = self.review_mentee.value.strip(), self.review_mentor.value.strip()
            if not mentee or not mentor:
                self.review_list.value = bullet_list(
                    ["Type a mentee id and a mentor id first."], "wb-problems"
                )
                return
            path = self.outdir / "review.csv"
            # One pin per mentee: a new pin replaces their old one. A pair has one action.
            rows = [
                r
                for r in read_review_rows(path)
                if (r["mentee_id"], r["mentor_id"]) != (mentee, mentor)
                and not (action == "pin" == r["action"] and r["mentee_id"] == mentee)
            ]
            rows.append({"mentee_id": mentee, "mentor_id": mentor, "action": action})
            try:
                write_review_rows(path, rows)
            except WorkbookError as exc:
                self.review_list.value = bullet_list(
                    [escape(x) for x in exc.lines()], "wb-problems"
                )
                return
            self._show_review("Run again to apply the review.")

    def clear_review(self) -> None:
        with self._guard():
            path = self.outdir / "review.csv"
            if path.exists():
                path.unlink()
            self._show_review()

    def _show_review(self, note: str = "") -> None:
        rows = read_review_rows(self.outdir / "review.csv")
        items = [
            f"{escape(r['action'])}: {escape(r['mentee_id'])} with {escape(r['mentor_id'])}"
            for r in rows
        ]
        text = (
            bullet_list(items, "wb-review-items")
            if items
            else "<p class='wb-help'>No pins or forbidden pairs.</p>"
        )
        if note:
            text += f"<p class='wb-help wb-review-note'>{escape(note)}</p>"
        self.review_list.value = text

    # ------------------------------------------------------------ entry point

    @classmethod
    def from_params(
        cls,
        design_path: str | Path = "",
        *,
        roster_path: str | Path = "",
        output_dir: str | Path = "",
        previous_path: str | Path = "",
        objective: str | None = None,
        weights: dict[str, float] | None = None,
        min_score: float | None = None,
        mentor_capacity: int | None = None,
        mode: str | None = None,
        run: bool = False,
        save: bool = False,
    ) -> MatchingStep | Failed:
        """Open the design, set any parameter that is not ``None``, and optionally press
        Run and Save, exactly as a person would.

        Raises:
            WorkbookError: only when ``run`` or ``save`` is true (headless runs fail loudly).
        """
        try:
            step = cls(open_design(design_path), roster_path, output_dir, previous_path)
        except WorkbookError as exc:
            if run or save:
                raise
            return Failed(exc, cls.title)
        given = (objective, weights, min_score, mentor_capacity)
        current = step.read() if any(v is not None for v in given) else None
        if current is not None:
            values = current.model_dump()
            if objective is not None:
                values["objective"] = objective
            if weights is not None:
                values["weights"] = {**values["weights"], **weights}
            if min_score is not None:
                values["min_score"] = min_score
            if mentor_capacity is not None:
                values["mentor_capacity"] = mentor_capacity
            step.write(matching.make_inputs(**values))
            step.refresh()
        if mode is not None:
            if mode not in ("assign", "group", "shortlist"):
                raise InputError(
                    Problem("is not one of the modes", "use assign, group or shortlist",
                            field="mode", value=str(mode))
                )  # fmt: skip
            step.mode.value = mode
        if run:
            step.run(raise_errors=True)
        if save:
            step.save(raise_errors=True)
        return step
