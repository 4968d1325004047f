"""The evaluation half of design step 4: effectiveness against the objectives, quality
against a standard.

:class:`EvaluationPlan` is a widget group that :class:`~workbook.ui.components.ComponentsStep`
is built with (``step.evaluation``), beside the six components, policies, resources and
risks. The step hands it the inputs to show (:meth:`EvaluationPlan.show`), takes its
values when it reads (:meth:`EvaluationPlan.values`), and tells it when a save or a
refresh happened; the group registers its fields in the step, so problems mark them. The two
evaluation tables are kept here because they depend on the rest of the design, not only
on what the step shows: the effectiveness rows follow step 1's objectives (also when a
save lands on a newer file), and the quality checklist follows the chosen standard and
the evidence the whole design gives (:func:`workbook.quality.evidence`). Stable CSS
classes for browser tests:

* the effectiveness table (``wb-measure`` rows, ``wb-measure-orphan`` for a measure
  whose objective is gone), one row per objective of step 1, with a "Pre-fill from
  objectives" button (``wb-prefill``) that fills only empty cells; each row also has
  its evaluation design (``wb-measure-design``), the comparison group's size
  (``wb-measure-comparison-size``, shown for a design that has one), the metric's spread
  (``wb-measure-spread``, shown for a metric that is not a percentage), the outcomes
  file's column (``wb-measure-column``), the smallest change the evaluation could
  detect in words (``wb-measure-detectable``) and the row's own problems
  (``wb-measure-problems``);
* what every objective's evaluation shares: the columns to compare like with like on
  (``wb-covariates``), the chance of detecting the target change (``wb-power``) and the
  risk of a false alarm (``wb-significance``), both in percent, with their problems
  (``wb-evaluation-settings-problems``);
* the quality checklist: a standard (``wb-quality-standard``), one checkbox per
  benchmark (``wb-benchmark-<key>``), the score (``wb-quality-score``), the benchmarks
  the design shows are met as suggestions, and "Tick what the design shows"
  (``wb-tick-suggested``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from workbook import knowledge, quality
from workbook.design import Design, objective_key
from workbook.errors import InputError, Problem
from workbook.evaluation import plan as evaluation_plan
from workbook.steps import components
from workbook.steps.components import ComponentsInputs, MeasureRow
from workbook.ui.base import UNDECIDED, RowList, Step, bullet_list, choice_field, escape, plain

Plan = Step[ComponentsInputs]

_MEASURE = ("method", "when", "who")
_NUMBERS = ("comparison_size", "spread")
"""A row's numbers, typed as text: a blank box is not decided, a bad one a problem."""
_SETTINGS = ("covariates", "power", "significance")
"""The evaluation-wide inputs, each a text box on the page."""
_PERCENT = ("power", "significance")
"""Held as fractions (0.8) in the design and the parameters, shown in percent (80)."""


def css_name(key: str) -> str:
    """A CSS-safe form of a key: ``matching_initiating`` -> ``matching-initiating``."""
    return key.replace("_", "-").replace(".", "--")


class MeasureWidgets:
    """One row of the effectiveness table."""

    def __init__(self, plan: EvaluationPlan, row: MeasureRow) -> None:
        step = plan.step
        self.objective = row.objective
        self.suggestion = row.suggestion
        self.orphan = row.orphan
        self.text = {
            name: w.Text(
                description=name.capitalize(),
                placeholder=getattr(row.suggestion, name),
                value=getattr(row.measure, name),
                layout=w.Layout(width="600px" if name == "method" else "400px"),
            ).add_class(f"wb-measure-{name}")
            for name in _MEASURE
        }
        for widget in self.text.values():
            widget.style.description_width = "80px"
            widget.observe(step.refresh, names="value")
        self.rate = row.rate
        self.unit = row.unit
        measure = row.measure
        self.design = w.Dropdown(
            description="Evaluation design",
            options=[
                (UNDECIDED, None),
                *[(d.title, d.key) for d in knowledge.evaluation_designs()],
            ],
            layout=w.Layout(width="600px"),
        ).add_class("wb-measure-design")
        self.choose(measure.design)
        self.comparison_size = w.Text(
            description="Comparison group",
            placeholder="how many people, e.g. 200",
            value=plain(measure.comparison_size),
            layout=w.Layout(width="330px"),
        ).add_class("wb-measure-comparison-size")
        self.comparison_help = w.HTML().add_class("wb-measure-comparison-help")
        self.spread = w.Text(
            description="Spread",
            placeholder="e.g. 0.9",
            value=plain(measure.spread),
            layout=w.Layout(width="330px"),
        ).add_class("wb-measure-spread")
        unit = f", in {escape(row.unit)}" if row.unit.strip() else ""
        spread_help = w.HTML(
            '<span class="wb-help">how much the metric varies between employees (its '
            f"standard deviation{unit})</span>"
        )
        self.column = w.Text(
            description="Outcomes column",
            placeholder="only if not named like the metric",
            value=measure.column,
            layout=w.Layout(width="600px"),
        ).add_class("wb-measure-column")
        for widget in (self.design, self.comparison_size, self.spread, self.column):
            widget.style.description_width = "140px"
            widget.observe(step.refresh, names="value")
        self.design.observe(lambda change: self._design_changed(change["new"]), names="value")
        self.comparison_box = w.HBox([self.comparison_size, self.comparison_help])
        self.spread_box = w.HBox([self.spread, spread_help])
        self.detectable = w.HTML().add_class("wb-measure-detectable")
        self.problems = w.HTML().add_class("wb-measure-problems")
        label = f"<b>{escape(row.label)}</b>"
        if row.objective != row.label:
            label += f'<div class="wb-help">Metric: {escape(row.objective)}</div>'
        parts: list[w.Widget] = [
            w.HTML(label),
            *self.text.values(),
            self.design,
            self.comparison_box,
            self.spread_box,
            self.column,
            self.detectable,
            self.problems,
        ]
        if row.orphan:
            remove = w.Button(description="Remove", icon="trash").add_class("wb-measure-remove")
            remove.on_click(lambda _b: plan.remove_measure(self))
            parts.insert(
                1,
                w.HTML(
                    '<div class="wb-warnings wb-orphan-flag"><ul><li>This objective is no '
                    "longer in the design (it was removed in step 1). Remove the measure, or "
                    "restore the objective.</li></ul></div>"
                ),
            )
            parts.append(remove)
        self.box = w.VBox(parts).add_class("wb-measure")
        self.box.add_class("wb-row")
        self.box.add_class(f"wb-measure-{'orphan' if row.orphan else 'current'}")
        self.show_fields()

    def choose(self, design: str | None) -> None:
        """Select ``design``; not decided is the "(not decided)" option, not a blank box
        (a dropdown given ``None`` as its value shows no option at all)."""
        self.design.value = design
        if design is None:
            self.design.index = 0

    def _design_changed(self, design: str | None) -> None:
        if design is None and self.design.index is None:
            self.design.index = 0  # "(not decided)" stays shown when chosen
        self.show_fields()

    def show_fields(self) -> None:
        """Show the comparison group's size only for a design that has one, the spread
        only for a metric that is not a percentage and whose design is chosen, and the
        outcomes column once a design is chosen (a value typed stays when hidden)."""
        info = knowledge.evaluation_design(self.design.value) if self.design.value else None
        compared = info is not None and info.comparison is not None
        self.comparison_box.layout.display = None if compared else "none"
        if info is not None and info.comparison is not None:
            self.comparison_help.value = (
                f'<span class="wb-help">expected number of {escape(info.comparison)}</span>'
            )
        chosen = info is not None
        self.spread_box.layout.display = None if chosen and not self.rate else "none"
        self.column.layout.display = None if chosen else "none"

    def widgets(self) -> dict[str, w.Widget]:
        """Input field name -> widget, for this row."""
        return {
            **self.text,
            "design": self.design,
            "comparison_size": self.comparison_size,
            "spread": self.spread,
            "column": self.column,
        }

    def values(self) -> dict[str, Any]:
        return {
            "objective": self.objective,
            **{n: t.value for n, t in self.text.items()},
            "design": self.design.value,
            "comparison_size": self.comparison_size.value,
            "spread": self.spread.value,
            "column": self.column.value,
        }

    def show_plan(self, found: evaluation_plan.ObjectivePlan | None) -> None:
        """The smallest change this row's evaluation could detect, in words."""
        if found is None:
            self.detectable.value = ""
            return
        text = escape(found.sentence())
        self.detectable.value = (
            bullet_list([text], "wb-warnings wb-undetectable")
            if found.undetectable
            else f'<div class="wb-help">{text}</div>'
        )

    def show_problems(self, lines: list[str]) -> None:
        """This row's problems, next to its fields (already escaped)."""
        self.problems.value = bullet_list(lines, "wb-problems")


class EvaluationPlan:
    """Step 4's evaluation plan: the effectiveness table and the quality checklist.

    Attributes:
        widgets: its widgets with their headings, in page order.
        measures: the effectiveness rows.
        standard: the quality standard's dropdown.
    """

    def __init__(self, step: Plan) -> None:
        self.step = step
        self.benchmark_boxes: dict[str, w.Checkbox] = {}
        self.benchmark_hints: dict[str, w.HTML] = {}
        self._checklist: dict[str, bool] = {}
        """Every benchmark assessed so far, also those of a standard not chosen now."""
        self.widgets = self._build()

    # ------------------------------------------------------------ widgets

    def _build(self) -> list[w.Widget]:
        step = self.step
        self.measures: RowList[MeasureWidgets] = RowList(
            step,
            "effectiveness",
            "wb-measures",
            empty=w.HTML(
                '<div class="wb-help">No objective with a metric yet: set the objectives in '
                "step 1 first.</div>"
            ),
        )
        self.prefill_button = w.Button(
            description="Pre-fill from objectives",
            icon="magic",
            tooltip="Fill empty cells from each objective's data source, date and owner",
            layout=w.Layout(width="220px"),
        ).add_class("wb-prefill")
        self.prefill_button.on_click(lambda _b: self.prefill())
        self.evaluation_notes = w.HTML().add_class("wb-evaluation-notes")
        self.settings = self._settings()
        self.settings_problems = w.HTML().add_class("wb-evaluation-settings-problems")
        self.standard = choice_field(
            step,
            "quality_standard",
            "Quality standard",
            "wb-quality-standard",
            [(e.title, e.key) for e in knowledge.catalogue("standards")],
        )
        self.standard.observe(self._standard_changed, names="value")
        self.standard_help = w.HTML().add_class("wb-standard-help")
        self.checklist_box = w.VBox().add_class("wb-checklist")
        self.score = w.HTML().add_class("wb-quality-score")
        self.tick_button = w.Button(
            description="Tick what the design shows",
            icon="check-square-o",
            tooltip="Tick every benchmark the design itself shows is met",
            layout=w.Layout(width="240px"),
        ).add_class("wb-tick-suggested")
        self.tick_button.on_click(lambda _b: self.tick_suggested())
        return [
            w.HTML(
                "<h3>Evaluation: effectiveness against the objectives</h3>"
                '<div class="wb-help">One row per objective of step 1: what is measured, '
                "when and by whom (rule R7).</div>"
            ),
            self.measures.box,
            self.prefill_button,
            self.evaluation_notes,
            w.HTML(
                "<h4>What every objective's evaluation shares</h4>"
                '<div class="wb-help">Participants are compared like with like on the columns '
                "of the outcomes file named here (separated by commas). The usual choice is "
                "an 80% chance of detecting the target change and a 5% risk of a false "
                "alarm; a higher chance or a lower risk needs more people.</div>"
            ),
            self.settings["covariates"],
            w.HBox([self.settings["power"], w.HTML("%")]),
            w.HBox([self.settings["significance"], w.HTML("%")]),
            self.settings_problems,
            w.HTML(
                "<h3>Evaluation: quality against a standard</h3>"
                '<div class="wb-help">Tick each benchmark the program meets. Suggestions '
                "come from the design; a tick is your assessment.</div>"
            ),
            self.standard,
            self.standard_help,
            self.score,
            self.checklist_box,
            self.tick_button,
        ]

    def _settings(self) -> dict[str, w.Text]:
        """The evaluation-wide boxes, registered as the inputs' ``covariates``, ``power``
        and ``significance`` (the two chances typed in percent)."""
        boxes = {
            "covariates": w.Text(
                description="Compare like with like on",
                placeholder="columns of the outcomes file, e.g. department, level, tenure_years",
                layout=w.Layout(width="760px"),
            ),
            "power": w.Text(
                description="Chance of detecting the target change",
                placeholder="80",
                layout=w.Layout(width="340px"),
            ),
            "significance": w.Text(
                description="Risk of a false alarm",
                placeholder="5",
                layout=w.Layout(width="340px"),
            ),
        }
        for name, box in boxes.items():
            box.add_class(f"wb-{name}")
            box.style.description_width = "260px"
            self.step.field(name, box)
        return boxes

    def show(self, inputs: ComponentsInputs) -> None:
        """Show the inputs' effectiveness plan, standard and checklist (inside the
        step's ``write``, so quietly)."""
        self.measures.replace(
            MeasureWidgets(self, row)
            for row in components.measure_rows(self.step.snapshot.design, inputs.effectiveness)
        )
        self._checklist = dict(inputs.quality_checklist)
        self._show_settings(inputs.model_dump(include=set(_SETTINGS)))
        standard = inputs.quality_standard
        if standard is not None and standard not in [v for _, v in self.standard.options]:
            # a hand-edited key: show it as it is; rule E-unknown-standard explains
            self.standard.options = [
                *self.standard.options,
                (f"{standard} (unknown)", standard),
            ]
        self.standard.value = standard
        self._standard_changed()

    def values(self) -> dict[str, Any]:
        """What the step reads from the group: its part of the step's inputs."""
        return {
            "effectiveness": [row.values() for row in self.measures],
            "quality_standard": self.standard.value,
            "quality_checklist": self._current_checklist(),
            **{name: self._setting(name) for name in _SETTINGS},
        }

    def _setting(self, name: str) -> Any:
        """An evaluation-wide box's value in the inputs' shape: the covariates as typed
        (the inputs split them at commas), a chance in percent as a fraction (a blank box
        is the usual value; text that is no number goes on as typed, so that validation
        names it)."""
        text = self.settings[name].value.strip()
        if name not in _PERCENT:
            return text
        if not text:
            return components.ComponentsInputs.model_fields[name].default
        try:
            return float(text.removesuffix("%").strip()) / 100
        except ValueError:
            return text

    def _show_settings(self, values: dict[str, Any]) -> None:
        """Show evaluation-wide values (inputs' shape) in their boxes."""
        for name, value in values.items():
            if name in _PERCENT:
                self.settings[name].value = plain(round(float(value) * 100, 6))
            else:
                self.settings[name].value = ", ".join(value)

    # ------------------------------------------------------------ actions

    def prefill(self) -> None:
        """What "Pre-fill from objectives" does: fill empty cells, never overwrite."""
        step = self.step
        with step._guard():
            with step.quietly():
                for row in self.measures:
                    for name, widget in row.text.items():
                        if not widget.value.strip():
                            widget.value = getattr(row.suggestion, name)
            step.refresh()

    def tick_suggested(self) -> None:
        """Tick every benchmark the design shows is met (unticks nothing)."""
        step = self.step
        with step._guard():
            try:
                design = step._apply(step.snapshot.design, step.read())
            except InputError:
                return  # the problems are already shown; nothing to base a tick on
            with step.quietly():
                for key in quality.evidence(design, self.standard.value):
                    self._set_benchmark(key, True)
            step.refresh()

    def saved(self, shown: list[str]) -> None:
        """After the step saved: if the save was applied over a newer file whose
        objectives changed (step 1 saved meanwhile), the effectiveness rows follow them.

        Args:
            shown: the objectives the rows showed before the save.
        """
        design = self.step.snapshot.design
        rows = components.measure_rows(design, components.inputs_from(design).effectiveness)
        if [row.objective for row in rows] != shown:
            self.measures.replace(MeasureWidgets(self, row) for row in rows)
            self.step.refresh()

    def remove_measure(self, row: MeasureWidgets) -> None:
        self.measures.remove(row)

    # ------------------------------------------------------------ helpers

    def _set_benchmark(self, key: str, value: bool) -> None:
        self._checklist[key] = value
        box = self.benchmark_boxes.get(key)
        if box is not None:
            box.value = value

    def _benchmark_changed(self, key: str, change: dict[str, Any]) -> None:
        self._checklist[key] = bool(change["new"])
        self.step.refresh()

    def _standard_changed(self, _change: Any = None) -> None:
        """Rebuild the checklist for the chosen standard (ticks are kept per key)."""
        standard = self.standard.value
        self.benchmark_boxes = {}
        self.benchmark_hints = {}
        rows: list[w.Widget] = []
        entry = knowledge.entry("standards", standard) if standard else None
        self.standard_help.value = (
            f'<div class="wb-help">{escape(entry.description)}</div>' if entry else ""
        )
        if entry is not None:
            component = None
            for b in knowledge.benchmarks(standard):
                if b.component != component and b.component is not None:
                    component = b.component
                    title = knowledge.entry("components", component)
                    rows.append(w.HTML(f"<b>{escape(title.title if title else component)}</b>"))
                box = w.Checkbox(
                    value=self._checklist.get(b.key) is True,
                    description=b.text + ("" if b.required else " (enhancement)"),
                    indent=False,
                    layout=w.Layout(width="auto"),
                ).add_class("wb-benchmark")
                box.add_class(f"wb-benchmark-{css_name(b.key)}")
                box.observe(
                    lambda change, key=b.key: self._benchmark_changed(key, change), names="value"
                )
                self.benchmark_boxes[b.key] = box
                hint = w.HTML().add_class("wb-benchmark-hint")
                self.benchmark_hints[b.key] = hint
                rows.append(w.VBox([box, hint]).add_class("wb-benchmark-row"))
        self.checklist_box.children = rows
        self.step.refresh()

    # ------------------------------------------------------------ refresh

    def show_derived(self, design: Design | None) -> None:
        """The score against the chosen standard, the design's suggestions for the
        checklist (kept as they were while a value is bad) and the notes on the
        effectiveness plan."""
        standard = self.standard.value
        checklist = self._current_checklist()
        if standard is None or knowledge.entry("standards", standard) is None:
            self.score.value = (
                '<div class="wb-help">Choose a standard to score the design against.</div>'
                if standard is None
                else ""
            )
            self.tick_button.disabled = True
        else:
            result = quality.score(standard, checklist)
            missing = [
                escape(b.text) + ("" if b.required else " <i>(enhancement)</i>")
                for b in result.missing
            ]
            self.score.value = f'<div class="wb-score"><b>{escape(result.summary())}</b></div>' + (
                "<details><summary>Missing</summary>"
                + bullet_list(missing, "wb-missing")
                + "</details>"
                if missing
                else ""
            )
            self.tick_button.disabled = False
        notes: list[str] = []
        dropped = sorted(set(self._checklist) - set(checklist))
        if dropped:
            notes.append(
                "Checklist entries that are not benchmarks of the chosen standard are "
                f"removed when you save: {escape(', '.join(dropped))}"
            )
        if design is not None:
            found = quality.evidence(design, standard) if standard else {}
            for key, box in self.benchmark_boxes.items():
                hint = self.benchmark_hints[key]
                if key in found:
                    ticked = "" if box.value else " (not ticked)"
                    hint.value = (
                        f'<span class="wb-help wb-suggested">Suggested{ticked}: '
                        f"{escape(found[key])}</span>"
                    )
                else:
                    hint.value = ""
            notes += [
                escape(p.message) + (f"; {escape(p.fix)}" if p.fix else "")
                for p in components.evaluation_notes(design)
            ]
            plans = {
                objective_key(found.objective.metric): found
                for found in evaluation_plan.objective_plans(design)
            }
            for row in self.measures:
                row.show_plan(None if row.orphan else plans.get(objective_key(row.objective)))
        self.evaluation_notes.value = bullet_list(notes, "wb-warnings")

    def show_problems(self, problems: list[Problem], label: Callable[[str], str]) -> None:
        """Each problem about a row's field or an evaluation-wide box, next to it (the
        step lists them all again below the form).

        Args:
            label: the step's name for a field (:meth:`Step.label`).
        """
        for i, row in enumerate(self.measures):
            start = f"effectiveness.{i}."
            row.show_problems(
                [_problem(p, label) for p in problems if (p.field or "").startswith(start)]
            )
        self.settings_problems.value = bullet_list(
            [_problem(p, label) for p in problems if p.field in _SETTINGS], "wb-problems"
        )

    def _current_checklist(self) -> dict[str, bool]:
        """The assessed benchmarks of the chosen standard (others are not saved)."""
        standard = self.standard.value
        if standard is None or knowledge.entry("standards", standard) is None:
            return dict(self._checklist)  # nothing to compare with; keep what is there
        known = {b.key for b in knowledge.benchmarks(standard)}
        return {k: v for k, v in self._checklist.items() if k in known}

    # ------------------------------------------------------------ parameters

    def set_quality(self, standard: str | None, checklist: dict[str, bool] | None) -> None:
        """Set the standard, then the checklist, from parameters (``None`` keeps them).

        Raises:
            InputError: the standard is unknown or a benchmark is not one of its own.
        """
        if standard is not None:
            problems = quality.check_quality(standard, {})
            if problems:
                raise InputError(problems)
            self.standard.value = standard
            self._standard_changed()
        if checklist is not None:
            checked = components.make_inputs(quality_checklist=checklist).quality_checklist
            problems = quality.check_quality(self.standard.value, checked)
            if problems:
                raise InputError(problems)
            for key, met in checked.items():
                self._set_benchmark(key, met)

    def set_effectiveness(self, rows: list[dict[str, Any]]) -> None:
        """Set the cells the rows give, of the objectives they name (from parameters).

        Raises:
            InputError: a row names an objective the design does not have.
        """
        parsed = components.make_inputs(effectiveness=rows).effectiveness
        by_key = {objective_key(row.objective): row for row in self.measures}
        problems = []
        for i, measure in enumerate(parsed):
            row = by_key.get(objective_key(measure.objective))
            if row is None:
                offered = "; ".join(r.objective for r in self.measures if not r.orphan)
                problems.append(
                    Problem(
                        f"'{measure.objective}' is not an objective of the design",
                        f"use an objective's metric from step 1: {offered or 'there are none'}",
                        field=f"effectiveness.{i}.objective",
                    )
                )
                continue
            given = measure.model_fields_set
            for name in given & set(_MEASURE):
                row.text[name].value = getattr(measure, name)
            if "design" in given:
                row.choose(measure.design)
            for name in given & set(_NUMBERS):
                getattr(row, name).value = plain(getattr(measure, name))
            if "column" in given:
                row.column.value = measure.column
        if problems:
            raise InputError(problems)

    def set_settings(self, values: dict[str, Any]) -> None:
        """Set the evaluation-wide values the parameters give (``None`` keeps one), in
        the inputs' shape: covariates a list (or one comma-separated text), the two
        chances fractions.

        Raises:
            InputError: a value is not acceptable (``power: must be between ...``).
        """
        given = {k: v for k, v in values.items() if k in _SETTINGS and v is not None}
        if not given:
            return
        checked = components.make_inputs(**given)
        self._show_settings(checked.model_dump(include=set(given)))


def _problem(problem: Problem, label: Callable[[str], str]) -> str:
    """A problem as a row shows it: the field's name on the page, what is wrong, the fix."""
    text = f"<b>{escape(label(problem.field or ''))}</b>: {escape(problem.message)}"
    if problem.value is not None:
        text += f" (you entered {escape(repr(problem.value))})"
    return text + (f"; {escape(problem.fix)}" if problem.fix else "")
