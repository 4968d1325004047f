"""Widgets for design step 5: matching criteria and constraints, a run, review, downloads.

The step has two halves. The **settings** (weights, constraints, objective, capacity)
are design decisions: they go through :func:`workbook.steps.matching.apply` and the Save
button like every other step, and a sentence per setting says what it does. The
**run** works on a roster (a path or an upload) and writes the exports into an output
folder; roster data never enters the design. After a run, Save also records the
run's aggregates (counts and score distribution, no names) for the charter.

The run half (roster, upload, run in the background, review, downloads) is
:class:`~workbook.ui.matching_run.RosterRun`, this step's base class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook import places
from workbook.design import Design, Matching, MatchingResults
from workbook.errors import InputError, Problem, WorkbookError
from workbook.matching import criteria
from workbook.matching import review as review_file
from workbook.steps import matching
from workbook.steps.matching import MatchingInputs
from workbook.store import Snapshot
from workbook.ui.base import Failed, RowList, Step, bullet_list, escape, plain
from workbook.ui.forms import Field, build_form
from workbook.ui.matching_run import RosterRun, box, default_output

WHOLE_LINE = 0
"""The reporting-line dropdown's value for "the whole line" (the design's ``None``): a
Dropdown whose value is ``None`` has no selection, so the page would show it blank."""


def _optional(text: str) -> str | None:
    """Blank text box -> ``None`` (no limit); anything else goes to validation as typed."""
    return text.strip() or None


PLAN = (
    Field("method", "Who decides", "wb-method", "choice", options=matching.METHODS),
    Field("mentee_say", "The mentee's say", "wb-mentee-say", "choice",
          options=matching.MENTEE_SAYS),
    Field("review", "Review", "wb-review-plan", "area",
          "who checks the proposed matches, and how, before anyone is told"),
    Field("rematching", "Rematching", "wb-rematching", "area",
          "what happens when a match does not work out"),
)  # fmt: skip
"""How matches are made, as the step's form shows it."""

AS_NAMED = ""
"""A column choice's value for "the roster names it so" (no entry in the column map)."""


def _options(
    choices: Sequence[tuple[str, str]], current: str, first: tuple[str, str]
) -> list[tuple[str, str]]:
    """A dropdown's options: ``first``, then ``choices``, then ``current`` when it is
    none of them (a name the design holds that this roster lacks), so nothing the
    design says is lost by showing it."""
    options = [first, *choices]
    if current and current not in [v for _, v in options]:
        options.append((f"{current} (not in this roster)", current))
    return options


def must_have_box(css: str) -> w.Checkbox:
    """The "Must have" tick beside a criterion: a pair failing it is never matched,
    where its weight only makes the pair score lower."""
    return w.Checkbox(
        description="Must have",
        indent=False,
        tooltip="Never match a pair that fails this, whatever it scores",
        layout=w.Layout(width="110px"),
    ).add_class(css)


class ExtraRow:
    """One extra criterion: a roster column, what it rewards, its weight, and Remove.

    The column is a dropdown of the roster's columns when a roster is known (each as
    the matching reads it), else a text field for its name.
    """

    def __init__(self, step: MatchingStep, columns: Sequence[tuple[str, str]] | None) -> None:
        if columns is None:
            self.column: w.Text | w.Dropdown = w.Text(
                description="Roster column",
                placeholder="its name in your roster, e.g. site",
                layout=w.Layout(width="380px"),
            )
        else:
            self.column = w.Dropdown(
                description="Roster column",
                options=_options(columns, "", ("(choose a column)", "")),
                layout=w.Layout(width="380px"),
            )
        self.column.add_class("wb-extra-column")
        self.mode = w.Dropdown(
            description="Reward",
            options=list(matching.EXTRA_MODES),
            layout=w.Layout(width="240px"),
        ).add_class("wb-extra-mode")
        self.weight = w.BoundedFloatText(
            description="Weight", value=1.0, min=0, max=1000, step=0.5,
            layout=w.Layout(width="150px"),
        ).add_class("wb-extra-weight")  # fmt: skip
        self.column.style.description_width = "110px"
        for widget in (self.mode, self.weight):
            widget.style.description_width = "60px"
        self.must_have = must_have_box("wb-extra-must")
        self.remove = w.Button(description="Remove", icon="trash").add_class("wb-extra-remove")
        self.remove.on_click(lambda _b: step.remove_extra(self))
        for widget in self.widgets().values():
            widget.observe(step.refresh, names="value")
        self.box = w.HBox(
            [self.column, self.mode, self.weight, self.must_have, self.remove]
        ).add_class("wb-extra")
        self.box.add_class("wb-row")

    def widgets(self) -> dict[str, w.Widget]:
        """Input field name -> widget, for this row."""
        return {
            "column": self.column,
            "mode": self.mode,
            "weight": self.weight,
            "must_have": self.must_have,
        }

    def values(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.widgets().items()}

    def offer(self, columns: Sequence[tuple[str, str]]) -> None:
        """Offer these columns in the dropdown, keeping the one chosen."""
        if isinstance(self.column, w.Dropdown):
            current = str(self.column.value or "")
            self.column.options = _options(columns, current, ("(choose a column)", ""))
            self.column.value = current

    def set(self, values: Mapping[str, Any]) -> None:
        column = str(values.get("column") or "")
        if isinstance(self.column, w.Dropdown):
            choices = [(label, v) for label, v in self.column.options if v]
            self.column.options = _options(choices, column, ("(choose a column)", ""))
        self.column.value = column
        self.mode.value = values.get("mode") or "same"
        self.weight.value = float(values.get("weight", 1.0))
        self.must_have.value = bool(values.get("must_have", False))


# --------------------------------------------------------------------------- the step


class MatchingStep(Step[MatchingInputs]):
    """Step 5: how mentors and mentees are matched, and a run on a roster."""

    step = "matching"
    help = (
        "Choose what makes a good match and the rules no match may break, run the match on "
        "your roster, review it (pin or forbid pairs and re-run), then download the files. "
        "The design keeps only the settings and aggregate results, never names."
    )

    def in_app(self) -> None:
        """In the app, matches.xlsx is prepared when asked for, as the charter's Word file
        is: a session's kernel stays about 11 MB smaller."""
        self.roster_run.excel_on_demand = True

    def __init__(
        self,
        snapshot: Snapshot,
        roster_path: str | Path = "",
        output_dir: str | Path = "",
        previous_path: str | Path = "",
        keep_path: str | Path = "",
    ) -> None:
        roster = places.given(roster_path, places.ROSTER)
        self._roster_default = str(roster) if roster else ""
        self._output_default = default_output(snapshot.path, output_dir)
        self._previous_default = str(previous_path).strip()
        self._keep_default = str(keep_path).strip()
        self._roster_names: list[str] | None = None
        """The headers of the roster on file (``None``: no roster known, the column
        names are typed)."""
        self._other_map: dict[str, str] = {}
        """Column-map entries of the design the form's choices cannot show."""
        super().__init__(snapshot, matching.inputs_from, self._apply_with_results)
        # The roster the run would use (the one picked: roster.csv or roster.xlsx kept in
        # the program's folder), else the one given.
        known = self.roster_run.roster_file or roster
        if known is not None and known.is_file():
            self.roster_columns(_headers(known))
        self.refresh()

    def roster_columns(self, names: Sequence[str] | None) -> None:
        """Offer these column names (the header of the roster on file) in the column
        dropdowns and the extra criteria; ``None``: no roster is known, so each name is
        typed. What the form holds is kept.

        The step calls it when it opens on a roster already on file; the roster's upload
        calls it after every upload, refused ones included (the columns are what a
        coordinator needs to map before the roster can be accepted).
        """
        with self._guard():
            chosen, rows = self._chosen(), [row.values() for row in self.extras]
            self._roster_names = [str(n) for n in names] if names is not None else None
            with self.quietly():
                self._build_columns(chosen)
                self.extras.replace(self._extra_row(values) for values in rows)
            if self._missing_columns():
                self.columns_section.selected_index = 0
            self.refresh()

    def _missing_columns(self) -> list[str]:
        """The columns the settings need that the roster on file neither has nor maps:
        the column names are then opened, as that is what the coordinator must fix."""
        if self._roster_names is None:
            return []
        from workbook.matching.roster import ALWAYS_REQUIRED  # pandas: only with a roster

        chosen = self._chosen()
        needed = set(ALWAYS_REQUIRED)
        try:
            plan = Matching.model_validate(self.read().model_dump(exclude={"mentor_capacity"}))
        except InputError:
            plan = None
        if plan is not None:
            needed |= {c for k in criteria.used(plan) for c in k.columns}
        return [
            c
            for c in matching.COLUMNS
            if c in needed
            and not chosen.get(c)
            and not any(matching.same_name(h, c) for h in self._roster_names)
        ]

    def _apply_with_results(self, design: Design, inputs: MatchingInputs) -> Design:
        """Settings always; the last run's aggregates once there has been a run."""
        updated = matching.apply(design, inputs)
        results = self.results
        if results is None:
            return updated
        return updated.model_copy(
            update={"matching": updated.matching.model_copy(update={"results": results})}
        )

    @property
    def results(self) -> MatchingResults | None:
        """The last run's aggregates (what a save records), ``None`` before a run."""
        return self.roster_run.results

    # ------------------------------------------------------------ widgets

    def build(self) -> list[w.Widget]:
        self.roster_run = RosterRun(
            self,
            self._roster_default,
            self._output_default,
            self._previous_default,
            self._keep_default,
        )
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
        self.must_haves: dict[str, w.Checkbox] = {}
        rows = []
        for criterion in criteria.BUILT_IN:
            name, text = criterion.key, criterion.help
            slider = w.BoundedFloatText(
                description=criterion.subject,
                min=0,
                max=1000,
                step=0.5,
                layout=w.Layout(width="260px"),
            ).add_class(f"wb-weight-{name}")
            self.weights[name] = self.field(f"weights.{name}", box(slider))
            must = self.must_haves[name] = must_have_box(f"wb-must-{name}")
            must.observe(self.refresh, names="value")
            rows.append(
                w.HBox([slider, must, w.HTML(f"<span class='wb-help'>{escape(text)}</span>")])
            )
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
            # "to" reads well after "Seniority gap from"; a screen reader hears the whole.
            box(
                w.Text(
                    description='<span class="wb-sr-only">seniority gap </span>to',
                    description_allow_html=True,
                    placeholder="no maximum",
                ),
                "40px",
            ).add_class("wb-max-gap"),
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
                        ("The whole line above the mentee", WHOLE_LINE),
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
        self.extras: RowList[ExtraRow] = RowList(self, "extra_criteria", "wb-extras")
        add_extra = w.Button(
            description="Add a criterion from another column",
            icon="plus",
            layout=w.Layout(width="auto"),
        ).add_class("wb-add-extra")
        add_extra.on_click(lambda _b: self.add_extra())
        self.columns: dict[str, w.Text | w.Dropdown] = {}
        self.columns_box = w.VBox().add_class("wb-column-map")
        self.columns_note = w.HTML().add_class("wb-columns-note")
        forget = w.Button(
            description="Forget these names", icon="trash", layout=w.Layout(width="auto")
        ).add_class("wb-forget-names")
        forget.on_click(lambda _b: self.forget_other_names())
        self.forget_button = forget
        self.columns_section = w.Accordion(
            children=[
                w.VBox(
                    [
                        w.HTML(
                            "<div class='wb-help'>The matching reads these columns of your "
                            "roster by their names. Where your roster names one differently "
                            "(Employee No for the person's id), choose it here; leave the "
                            "others as they are.</div>"
                        ),
                        self.columns_box,
                        self.columns_note,
                        forget,
                    ]
                )
            ],
            titles=("Column names in your roster",),
            selected_index=None,
        ).add_class("wb-columns-section")
        self._build_columns({})
        self.effect = w.HTML().add_class("wb-effect")
        self.plan = build_form(self, PLAN)
        self.suggest_button = w.Button(
            description="Suggest from the design",
            icon="magic",
            tooltip="Fill the empty decisions above from what the design already says",
            layout=w.Layout(width="240px"),
        ).add_class("wb-suggest-plan")
        self.suggest_button.on_click(lambda _b: self.suggest())
        self.filled = w.HTML().add_class("wb-filled")

        return [
            w.HTML(
                "<h3>How matches are made</h3><div class='wb-help'>Who decides the matches, "
                "the mentee's say in them, how they are checked before they are announced, "
                "and what happens when one does not work out.</div>"
            ),
            *self.plan.values(),
            w.HBox([self.suggest_button]),
            self.filled,
            w.HTML("<h3>What makes a good match</h3>"),
            self.objective,
            w.HTML(
                "<div class='wb-help'>A weight makes a pair that lacks something score "
                "lower; <b>Must have</b> means a pair that lacks it is never matched (a "
                "mentee may then stay unmatched rather than get a mentor without it).</div>"
            ),
            *rows,
            w.HTML(
                "<div class='wb-help'><b>Other columns of your roster</b> the criteria above "
                "do not cover (a site, a function): reward pairs with the same value or a "
                "different one.</div>"
            ),
            self.extras.box,
            add_extra,
            w.HTML(
                "<h3>Rules and limits</h3><div class='wb-help'>The department, the seniority "
                "gap and the time-zone hours below say what their criterion rewards: a pair "
                "outside them scores lower but can still be matched, unless that criterion "
                "is ticked <b>Must have</b> above.</div>"
            ),
            self.department,
            w.HBox([self.min_gap, self.max_gap]),
            self.max_tz,
            self.depth,
            self.min_score,
            self.capacity,
            self.avoid_repeat,
            self.columns_section,
            self.effect,
            *self.roster_run.widgets,
        ]

    # ------------------------------------------------------------ roster columns

    def _build_columns(self, chosen: Mapping[str, str]) -> None:
        """A field per roster column: a dropdown of the roster's headers when a roster is
        known, else a text field for the name; showing ``chosen`` (column -> header)."""
        names = self._roster_names
        self.columns = {}
        for column in matching.COLUMNS:
            title = matching.column_title(column)
            current = str(chosen.get(column) or "")
            widget: w.Text | w.Dropdown
            if names is None:
                widget = w.Text(
                    description=title,
                    value=current,
                    placeholder=f"as named: {column}",
                    layout=w.Layout(width="460px"),
                )
            else:
                found = [h for h in names if matching.same_name(h, column)]
                first = (
                    f"{found[0]} (found by its name)" if found else "(not in this roster)",
                    AS_NAMED,
                )
                others = [(h, h) for h in names if not found or h != found[0]]
                widget = w.Dropdown(
                    description=title,
                    options=_options(others, current, first),
                    value=current,
                    layout=w.Layout(width="460px"),
                )
            widget.style.description_width = "180px"
            widget.add_class(f"wb-column-{column.replace('_', '-')}")
            self.columns[column] = self.field(f"column_map.{column}", widget)
            widget.observe(self._columns_changed, names="value")
        self.columns_box.children = list(self.columns.values())
        self._show_columns_note()

    def _chosen(self) -> dict[str, str]:
        """Roster column -> the header the form reads as it (blank: as named)."""
        return {c: str(widget.value or "").strip() for c, widget in self.columns.items()}

    def _read_as(self) -> list[tuple[str, str]] | None:
        """The extra criteria's choices: each header of the roster on file, valued as the
        matching reads it (labelled so when a column map renames it)."""
        if self._roster_names is None:
            return None
        mapped, _ = matching.column_map_from(self._chosen(), None, self._other_map)
        out = []
        for header, name in matching.read_as(self._roster_names, mapped):
            label = header if name == header else f"{header} (read as {name})"
            out.append((label, name))
        return out

    def _columns_changed(self, _change: Any = None) -> None:
        if self._quiet:
            return
        with self._guard():
            columns = self._read_as()
            if columns is not None:
                with self.quietly():
                    for row in self.extras:
                        row.offer(columns)

    def _show_columns_note(self) -> None:
        """Say which column names of the design the choices above cannot show."""
        lines = [
            f"The design also reads {header} as {column}, which is not a column the "
            "matching knows; a roster is refused while it is kept."
            if column not in matching.COLUMNS
            else f"The design also reads {header} as {matching.column_title(column)}, "
            "like the column chosen above; a roster with both is refused."
            for header, column in self._other_map.items()
        ]
        self.columns_note.value = bullet_list([escape(x) for x in lines], "wb-columns-list")
        self.forget_button.layout.display = None if lines else "none"

    def forget_other_names(self) -> None:
        """What "Forget these names" does: drop the design's column names the choices
        cannot show (saved with the next Save)."""
        self._other_map = {}
        self._show_columns_note()
        self.refresh()

    # ------------------------------------------------------------ extra criteria

    def _extra_row(self, values: Mapping[str, Any] | None = None) -> ExtraRow:
        row = ExtraRow(self, self._read_as())
        with self.quietly():
            row.set(values or {})
        return row

    def add_extra(self, values: Mapping[str, Any] | None = None) -> ExtraRow:
        """What "Add a criterion from another column" does: a new row, same value,
        weight 1 (a column still to choose)."""
        return self.extras.add(self._extra_row(values))

    def remove_extra(self, row: ExtraRow) -> None:
        self.extras.remove(row)

    # ------------------------------------------------------------ translation

    def read(self) -> MatchingInputs:
        column_map, problems = matching.column_map_from(
            self._chosen(), self._roster_names, self._other_map
        )
        try:
            inputs = self._read(column_map)
        except InputError as exc:
            raise InputError([*problems, *exc.problems]) from None
        if problems:
            raise InputError(problems)
        return inputs

    def _read(self, column_map: dict[str, str]) -> MatchingInputs:
        return matching.make_inputs(
            method=self.plan["method"].value,
            mentee_say=self.plan["mentee_say"].value,
            review=self.plan["review"].value,
            rematching=self.plan["rematching"].value,
            objective=self.objective.value,
            weights={k: s.value for k, s in self.weights.items()},
            must_have=[k for k, box in self.must_haves.items() if box.value],
            department=self.department.value,
            seniority_min_gap=_optional(self.min_gap.value),
            seniority_max_gap=_optional(self.max_gap.value),
            max_timezone_hours=_optional(self.max_tz.value),
            reporting_line_depth=self.depth.value or None,
            min_score=self.min_score.value,
            avoid_repeat_pairs=self.avoid_repeat.value,
            mentor_capacity=_optional(self.capacity.value),
            extra_criteria=[row.values() for row in self.extras],
            column_map=column_map,
        )

    def write(self, inputs: MatchingInputs) -> None:
        with self.quietly():
            for name, widget in self.plan.items():
                widget.value = getattr(inputs, name)
            self.objective.value = inputs.objective
            for name, slider in self.weights.items():
                slider.value = getattr(inputs.weights, name)
            for name, tick in self.must_haves.items():
                tick.value = name in inputs.must_have
            self.department.value = inputs.department
            self.min_gap.value = plain(inputs.seniority_min_gap)
            self.max_gap.value = plain(inputs.seniority_max_gap)
            self.max_tz.value = plain(inputs.max_timezone_hours)
            depth = inputs.reporting_line_depth or WHOLE_LINE
            if depth not in [v for _, v in self.depth.options]:
                self.depth.options = [*self.depth.options, (f"{depth} levels up", depth)]
            self.depth.value = depth
            self.min_score.value = min(inputs.min_score, 100)
            self.capacity.value = plain(inputs.mentor_capacity)
            self.avoid_repeat.value = inputs.avoid_repeat_pairs
            chosen, self._other_map = matching.column_choices(inputs.column_map)
            self._build_columns(chosen)
            if inputs.column_map or self._roster_names is not None:
                self.columns_section.selected_index = 0
            self.extras.replace(
                self._extra_row(values) for values in matching.extra_rows(inputs.extra_criteria)
            )

    def label(self, field: str) -> str:
        for f in PLAN:
            if f.path == field:
                return f.label
        parts = field.split(".")
        if parts[0] == "column_map" and len(parts) == 2:
            return f"The column read as {matching.column_title(parts[1])}"
        if parts[0] == "extra_criteria" and len(parts) == 3 and parts[1].isdigit():
            cell = {"column": "roster column", "mode": "reward", "must_have": "must have"}.get(
                parts[2], parts[2]
            )
            return f"Other column {int(parts[1]) + 1}, {cell}"
        return field.replace("weights.", "weight of ").replace("_", " ")

    def suggest(self) -> None:
        """What "Suggest from the design" does: fill the empty plan decisions from what
        the design already says, and list what was filled and from where."""
        with self._guard():
            try:
                before = self.read()
            except InputError as exc:
                self._show_problems(exc.problems)
                self._set_status(["Fix the problems above before asking for suggestions."],
                                 ok=False)  # fmt: skip
                return
            pins = bool(review_file.read_rows(self.roster_run.review_panel.path))
            after, filled = matching.suggest(self.snapshot.design, before, pins_used=pins)
            self.write(after)
            self.filled.value = (
                "<div class='wb-help'><b>Filled from the design; review them, then Save:"
                "</b></div>"
                + bullet_list(
                    [
                        f"{escape(self.field_label(f.field))}: {escape(f.title)} "
                        f"<i>(from {escape(f.source)})</i>"
                        for f in filled
                    ],
                    "wb-filled-list",
                )
                if filled
                else "<div class='wb-help'>Every decision here is made: nothing to fill.</div>"
            )
            self.refresh()

    def show_derived(self, inputs: MatchingInputs | None, design: Design | None) -> None:
        """What the settings do, in words."""
        if inputs is None:
            self.effect.value = ""
            return
        either = [str(r.column.value).strip() for r in self.extras if r.mode.value == "either"]
        lines = matching.effect(inputs, self.snapshot.design.model.format, [c for c in either if c])
        self.effect.value = bullet_list([escape(x) for x in lines], "wb-effect-list")

    # ------------------------------------------------------------ entry point

    @classmethod
    def from_params(
        cls,
        design_path: str | Path = "",
        *,
        roster_path: str | Path = "",
        output_dir: str | Path = "",
        previous_path: str | Path = "",
        keep_path: str | Path = "",
        method: str | None = None,
        mentee_say: str | None = None,
        review: str | None = None,
        rematching: str | None = None,
        suggest: bool = False,
        objective: str | None = None,
        weights: dict[str, float] | None = None,
        must_have: list[str] | None = None,
        min_score: float | None = None,
        mentor_capacity: int | None = None,
        column_map: dict[str, str] | str | None = None,
        extra_criteria: dict[str, Any] | str | None = None,
        mode: str | None = None,
        run: bool = False,
        save: bool = False,
    ) -> MatchingStep | Failed:
        """Open the design, set any parameter that is not ``None``, press "Suggest from
        the design" with ``suggest=True``, and optionally press Run and Save, exactly as
        a person would.

        ``column_map`` (roster header -> roster column) and ``extra_criteria`` (column ->
        {mode, weight}) take the design's form or the short text forms
        (``"Employee No = id"``, ``"site: same 2"``); they set the form's fields.

        Raises:
            WorkbookError: only when ``run`` or ``save`` is true (headless runs fail loudly).
        """

        plan = {"method": method, "mentee_say": mentee_say, "review": review,
                "rematching": rematching}  # fmt: skip

        def configure(step: MatchingStep) -> None:
            given = (*plan.values(), objective, weights, must_have, min_score,
                     mentor_capacity, column_map, extra_criteria)  # fmt: skip
            if any(v is not None for v in given):
                values = step.read().model_dump()
                values.update({k: v for k, v in plan.items() if v is not None})
                if objective is not None:
                    values["objective"] = objective
                if weights is not None:
                    values["weights"] = {**values["weights"], **weights}
                if must_have is not None:
                    values["must_have"] = must_have
                if min_score is not None:
                    values["min_score"] = min_score
                if mentor_capacity is not None:
                    values["mentor_capacity"] = mentor_capacity
                # The design's form, or the short text form older scripts pass; either
                # is shown in the form's fields, never as text.
                if column_map is not None:
                    values["column_map"] = column_map
                if extra_criteria is not None:
                    values["extra_criteria"] = extra_criteria
                step.write(matching.make_inputs(**values))
                step.refresh()
            if suggest:
                step.suggest_button.click()
            if mode is not None:
                if mode not in ("assign", "group", "shortlist"):
                    raise InputError(
                        Problem("is not one of the modes", "use assign, group or shortlist",
                                field="mode", value=str(mode))
                    )  # fmt: skip
                step.roster_run.mode.value = mode
            if run:
                step.roster_run.run(raise_errors=True)

        return cls.launch(
            design_path,
            configure,
            save=save,
            headless=run or save,
            build=lambda snap: cls(snap, roster_path, output_dir, previous_path, keep_path),
        )


def _headers(roster: Path) -> list[str] | None:
    """The column names of the roster on file, or ``None`` when there is none or it
    cannot be read (the run says why; the names are then typed)."""
    if not roster.is_file():
        return None
    from workbook.matching.tables import read_table  # pandas: only with a roster

    try:
        frame, _ = read_table(roster)
    except WorkbookError:
        return None
    return [str(c) for c in frame.columns]
