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

from pathlib import Path

import ipywidgets as w

from workbook import places
from workbook.design import Design, MatchingResults
from workbook.errors import InputError, Problem
from workbook.matching import criteria
from workbook.matching import review as review_file
from workbook.steps import matching
from workbook.steps.matching import MatchingInputs
from workbook.store import Snapshot
from workbook.ui.base import Failed, Step, bullet_list, escape, plain
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
    ) -> None:
        roster = places.given(roster_path, places.ROSTER)
        self._roster_default = str(roster) if roster else ""
        self._output_default = default_output(snapshot.path, output_dir)
        self._previous_default = str(previous_path).strip()
        super().__init__(snapshot, matching.inputs_from, self._apply_with_results)
        self.refresh()

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
            self, self._roster_default, self._output_default, self._previous_default
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
                        ("Whole line above the mentee (R1)", WHOLE_LINE),
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
            *self.roster_run.widgets,
        ]

    # ------------------------------------------------------------ translation

    def read(self) -> MatchingInputs:
        return matching.make_inputs(
            method=self.plan["method"].value,
            mentee_say=self.plan["mentee_say"].value,
            review=self.plan["review"].value,
            rematching=self.plan["rematching"].value,
            objective=self.objective.value,
            weights={k: s.value for k, s in self.weights.items()},
            department=self.department.value,
            seniority_min_gap=_optional(self.min_gap.value),
            seniority_max_gap=_optional(self.max_gap.value),
            max_timezone_hours=_optional(self.max_tz.value),
            reporting_line_depth=self.depth.value or None,
            min_score=self.min_score.value,
            avoid_repeat_pairs=self.avoid_repeat.value,
            mentor_capacity=_optional(self.capacity.value),
            extra_criteria=self.extra.value,
            column_map=self.column_map.value,
        )

    def write(self, inputs: MatchingInputs) -> None:
        with self.quietly():
            for name, widget in self.plan.items():
                widget.value = getattr(inputs, name)
            self.objective.value = inputs.objective
            for name, slider in self.weights.items():
                slider.value = getattr(inputs.weights, name)
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
            self.extra.value = matching.format_extra(inputs.extra_criteria)
            self.column_map.value = matching.format_column_map(inputs.column_map)

    def label(self, field: str) -> str:
        for f in PLAN:
            if f.path == field:
                return f.label
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
                        f"{escape(self.label(f.field))}: {escape(f.title)} "
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
        lines = matching.effect(inputs, self.snapshot.design.model.format)
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
        method: str | None = None,
        mentee_say: str | None = None,
        review: str | None = None,
        rematching: str | None = None,
        suggest: bool = False,
        objective: str | None = None,
        weights: dict[str, float] | None = None,
        min_score: float | None = None,
        mentor_capacity: int | None = None,
        mode: str | None = None,
        run: bool = False,
        save: bool = False,
    ) -> MatchingStep | Failed:
        """Open the design, set any parameter that is not ``None``, press "Suggest from
        the design" with ``suggest=True``, and optionally press Run and Save, exactly as
        a person would.

        Raises:
            WorkbookError: only when ``run`` or ``save`` is true (headless runs fail loudly).
        """

        plan = {"method": method, "mentee_say": mentee_say, "review": review,
                "rematching": rematching}  # fmt: skip

        def configure(step: MatchingStep) -> None:
            given = (*plan.values(), objective, weights, min_score, mentor_capacity)
            if any(v is not None for v in given):
                values = step.read().model_dump()
                values.update({k: v for k, v in plan.items() if v is not None})
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
            build=lambda snap: cls(snap, roster_path, output_dir, previous_path),
        )
