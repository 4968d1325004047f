"""Widgets for design step 4: components, evaluation plan, policies, resources, risks.

The page has five parts, each with stable CSS classes for browser tests:

* one box per standard (``wb-component-<key>``, e.g. ``wb-component-closure``) with
  its description and benchmarks from the knowledge base, plan, activities, owner,
  timing and a "Suggest activities" button (``wb-suggest``) that fills only an empty
  activity list;
* the effectiveness table (``wb-measure`` rows, ``wb-measure-orphan`` for a measure
  whose objective is gone), one row per objective of step 1, with a "Pre-fill from
  objectives" button (``wb-prefill``) that fills only empty cells;
* the quality checklist: a standard (``wb-quality-standard``), one checkbox per
  benchmark (``wb-benchmark-<key>``), the score (``wb-quality-score``), the benchmarks
  the design shows are met as suggestions, and "Tick what the design shows"
  (``wb-tick-suggested``);
* policies (``wb-policy-<key>``) and resources (``wb-resource-<key>``);
* the risk register (``wb-risk`` rows, ``wb-add-risk``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook import components, knowledge, quality, store
from workbook.components import ComponentsInputs, MeasureRow
from workbook.design import Design
from workbook.errors import InputError, Problem
from workbook.ui.base import (
    Failed,
    RowList,
    Step,
    bullet_list,
    choice_field,
    escape,
    lines,
    lines_field,
    text_field,
)

_MEASURE = ("method", "when", "who")
_RISK = ("risk", "mitigation", "owner")
_POLICY_LABELS = {
    "confidentiality": "Confidentiality",
    "code_of_conduct": "Code of conduct",
    "data_privacy": "Data privacy",
    "no_fault_exit": "No-fault exit",
}
_POLICY_HELP = {
    "confidentiality": "what stays in the relationship, and the manager's boundary (R2, R3)",
    "code_of_conduct": "the conduct expected of mentors and mentees",
    "data_privacy": "what data is used for matching, who sees it, how long it is kept",
    "no_fault_exit": "how either side ends a match that does not work, without blame",
}


def _css(key: str) -> str:
    """A CSS-safe form of a key: ``matching_initiating`` -> ``matching-initiating``."""
    return key.replace("_", "-").replace(".", "--")


class ComponentBox:
    """The widgets of one standard: what it is, and the program's plan for it."""

    def __init__(self, step: ComponentsStep, key: str) -> None:
        entry = knowledge.entry("components", key)
        assert entry is not None, key  # COMPONENTS are the catalogue's keys (tested)
        self.key = key
        self.title = entry.title
        name = f"components.{key}"
        self.plan = step.field(
            f"{name}.plan",
            w.Textarea(
                description="Plan",
                placeholder=f"how the program handles {entry.title.lower()}",
                layout=w.Layout(width="600px", height="70px"),
            ).add_class("wb-component-plan"),
        )
        self.plan.style.description_width = "160px"
        self.activities = lines_field(
            step,
            f"{name}.activities",
            "Activities",
            "wb-component-activities",
            placeholder="one activity per line",
        )
        self.owner = text_field(step, f"{name}.owner", "Owner", "wb-component-owner")
        self.timing = text_field(
            step, f"{name}.timing", "Timing", "wb-component-timing", placeholder="e.g. February"
        )
        self.suggest = w.Button(
            description="Suggest activities",
            icon="lightbulb-o",
            tooltip="Fill the activities from the knowledge base if there are none yet",
            layout=w.Layout(width="180px"),
        ).add_class("wb-suggest")
        self.suggest.on_click(lambda _b: step.suggest(self.key))
        self.note = w.HTML().add_class("wb-suggest-note")
        benchmarks = [
            f"{escape(b['text'])}{'' if b['required'] else ' <i>(enhancement)</i>'}"
            for b in entry.extra("benchmarks")
        ]
        suggested = "; ".join(escape(a) for a in entry.extra("activities"))
        self.box = w.VBox(
            [
                w.HTML(
                    f"<h4>{escape(entry.title)}</h4>"
                    f'<div class="wb-help">{escape(entry.description)}</div>'
                    '<details class="wb-benchmarks"><summary class="wb-help">Benchmarks '
                    f"({len(benchmarks)})</summary>"
                    + bullet_list(benchmarks, "wb-help")
                    + "</details>"
                ),
                self.plan,
                self.activities,
                w.HBox([self.suggest, self.note]),
                w.HTML(f'<div class="wb-help">Typical activities: {suggested}</div>'),
                self.owner,
                self.timing,
            ]
        ).add_class("wb-component")
        self.box.add_class("wb-row")
        self.box.add_class(f"wb-component-{_css(key)}")

    def values(self) -> dict[str, Any]:
        return {
            "plan": self.plan.value,
            "activities": lines(self.activities.value),
            "owner": self.owner.value,
            "timing": self.timing.value,
        }

    def set(self, values: dict[str, Any]) -> None:
        for name in ("plan", "owner", "timing"):
            if name in values:
                getattr(self, name).value = values[name]
        if "activities" in values:
            self.activities.value = "\n".join(values["activities"])


class MeasureWidgets:
    """One row of the effectiveness table."""

    def __init__(self, step: ComponentsStep, row: MeasureRow) -> None:
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
        label = f"<b>{escape(row.label)}</b>"
        if row.objective != row.label:
            label += f'<div class="wb-help">Metric: {escape(row.objective)}</div>'
        parts: list[w.Widget] = [w.HTML(label), *self.text.values()]
        if row.orphan:
            remove = w.Button(description="Remove", icon="trash").add_class("wb-measure-remove")
            remove.on_click(lambda _b: step.remove_measure(self))
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

    def widgets(self) -> dict[str, w.Widget]:
        """Input field name -> widget, for this row."""
        return dict(self.text)

    def values(self) -> dict[str, Any]:
        return {"objective": self.objective, **{n: t.value for n, t in self.text.items()}}


class RiskWidgets:
    """One row of the risk register."""

    def __init__(self, step: ComponentsStep, values: dict[str, Any]) -> None:
        self.text = {
            name: w.Text(
                description=name.capitalize(),
                value=str(values.get(name, "")),
                layout=w.Layout(width="600px" if name != "owner" else "400px"),
            ).add_class(f"wb-risk-{name}")
            for name in _RISK
        }
        for widget in self.text.values():
            widget.style.description_width = "80px"
            widget.observe(step.refresh, names="value")
        remove = w.Button(description="Remove", icon="trash").add_class("wb-risk-remove")
        remove.on_click(lambda _b: step.remove_risk(self))
        self.box = w.VBox([*self.text.values(), remove]).add_class("wb-risk")
        self.box.add_class("wb-row")

    def widgets(self) -> dict[str, w.Widget]:
        """Input field name -> widget, for this row."""
        return dict(self.text)

    def values(self) -> dict[str, Any]:
        return {n: t.value for n, t in self.text.items()}


class ComponentsStep(Step[ComponentsInputs]):
    """Step 4: the six components, the evaluation plan, policies, resources and risks."""

    step = "components"
    title = "4. Program components and evaluation"
    help = (
        "The components that guide every relationship are the six standards of MENTOR's "
        "Elements of Effective Practice. Plan each one, say how every objective will be "
        "measured (effectiveness) and score the design against a standard (quality), then "
        "write down the policies, resources and risks the charter needs."
    )

    def __init__(self, snapshot: store.Snapshot) -> None:
        self.benchmark_boxes: dict[str, w.Checkbox] = {}
        self.benchmark_hints: dict[str, w.HTML] = {}
        self._checklist: dict[str, bool] = {}
        """Every benchmark assessed so far, also those of a standard not chosen now."""
        super().__init__(snapshot, components.inputs_from, components.apply)

    # ------------------------------------------------------------ widgets

    def build(self) -> list[w.Widget]:
        self.boxes = {key: ComponentBox(self, key) for key in components.COMPONENTS}
        # Effectiveness
        self.measures: RowList[MeasureWidgets] = RowList(
            self,
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
        # Quality
        self.standard = choice_field(
            self,
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
        # Policies and resources
        self.policies = {
            key: lines_field(
                self,
                f"policies.{key}",
                _POLICY_LABELS.get(key, key.replace("_", " ").capitalize()),
                f"wb-policy-{_css(key)}",
                placeholder=_POLICY_HELP.get(key, ""),
            )
            for key in components.POLICIES
        }
        self.budget = text_field(
            self, "resources.budget", "Budget", "wb-resource-budget", placeholder="e.g. EUR 18,000"
        )
        self.coordinator_time = text_field(
            self,
            "resources.coordinator_time",
            "Coordinator time",
            "wb-resource-coordinator-time",
            placeholder="e.g. 0.4 FTE for the program year",
        )
        self.tools = lines_field(
            self, "resources.tools", "Tools", "wb-resource-tools", placeholder="one tool per line"
        )
        self.resource_notes = lines_field(
            self, "resources.notes", "Notes", "wb-resource-notes", placeholder="anything else"
        )
        # Risks
        self.risk_rows: RowList[RiskWidgets] = RowList(self, "risks", "wb-risks")
        add_risk = w.Button(description="Add risk", icon="plus").add_class("wb-add-risk")
        add_risk.on_click(lambda _b: self.add_risk())
        return [
            w.HTML("<h3>Components: the six standards of effective practice</h3>"),
            *[box.box for box in self.boxes.values()],
            w.HTML(
                "<h3>Evaluation: effectiveness against the objectives</h3>"
                '<div class="wb-help">One row per objective of step 1: what is measured, '
                "when and by whom (rule R7).</div>"
            ),
            self.measures.box,
            self.prefill_button,
            self.evaluation_notes,
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
            w.HTML("<h3>Policies</h3>"),
            *self.policies.values(),
            w.HTML("<h3>Resources</h3>"),
            self.budget,
            self.coordinator_time,
            self.tools,
            self.resource_notes,
            w.HTML("<h3>Risks and mitigations</h3>"),
            self.risk_rows.box,
            add_risk,
        ]

    # ------------------------------------------------------------ actions

    def suggest(self, key: str) -> None:
        """What "Suggest activities" does: fill an empty list, never overwrite one."""
        with self._guard():
            box = self.boxes[key]
            if lines(box.activities.value):
                box.note.value = (
                    '<span class="wb-help">Kept your activities; the typical ones are '
                    "listed below.</span>"
                )
                return
            box.activities.value = "\n".join(components.suggested_activities(key))
            box.note.value = '<span class="wb-help">Filled from the knowledge base.</span>'

    def prefill(self) -> None:
        """What "Pre-fill from objectives" does: fill empty cells, never overwrite."""
        with self._guard():
            with self.quietly():
                for row in self.measures:
                    for name, widget in row.text.items():
                        if not widget.value.strip():
                            widget.value = getattr(row.suggestion, name)
            self.refresh()

    def tick_suggested(self) -> None:
        """Tick every benchmark the design shows is met (unticks nothing)."""
        with self._guard():
            try:
                design = self._apply(self.snapshot.design, self.read())
            except InputError:
                return  # the problems are already shown; nothing to base a tick on
            with self.quietly():
                for key in quality.evidence(design, self.standard.value):
                    self._set_benchmark(key, True)
            self.refresh()

    def save(self, *, raise_errors: bool = False) -> bool:
        """Save (see :meth:`Step.save`); if the save was applied over a newer file whose
        objectives changed (step 1 saved meanwhile), the effectiveness rows follow them."""
        shown = [row.objective for row in self.measures]
        saved = super().save(raise_errors=raise_errors)
        if saved:
            design = self.snapshot.design
            rows = components.measure_rows(design, components.inputs_from(design).effectiveness)
            if [row.objective for row in rows] != shown:
                self.measures.replace(MeasureWidgets(self, row) for row in rows)
                self.refresh()
        return saved

    def remove_measure(self, row: MeasureWidgets) -> None:
        self.measures.remove(row)

    def add_risk(self, values: dict[str, Any] | None = None) -> RiskWidgets:
        return self.risk_rows.add(RiskWidgets(self, values or {}))

    def remove_risk(self, row: RiskWidgets) -> None:
        self.risk_rows.remove(row)

    # ------------------------------------------------------------ helpers

    def _set_benchmark(self, key: str, value: bool) -> None:
        self._checklist[key] = value
        box = self.benchmark_boxes.get(key)
        if box is not None:
            box.value = value

    def _benchmark_changed(self, key: str, change: dict[str, Any]) -> None:
        self._checklist[key] = bool(change["new"])
        self.refresh()

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
                box.add_class(f"wb-benchmark-{_css(b.key)}")
                box.observe(
                    lambda change, key=b.key: self._benchmark_changed(key, change), names="value"
                )
                self.benchmark_boxes[b.key] = box
                hint = w.HTML().add_class("wb-benchmark-hint")
                self.benchmark_hints[b.key] = hint
                rows.append(w.VBox([box, hint]).add_class("wb-benchmark-row"))
        self.checklist_box.children = rows
        self.refresh()

    # ------------------------------------------------------------ refresh

    def refresh(self, _change: Any = None) -> None:
        """Validate and warn (the base's refresh), then update the score, the design's
        suggestions for the checklist and the notes on the effectiveness plan."""
        super().refresh(_change)
        if self._quiet:
            return
        with self._guard():
            self._update_quality()

    def _update_quality(self) -> None:
        try:
            design: Design | None = self._apply(self.snapshot.design, self.read())
        except InputError:
            design = None  # the problems are shown; keep the last suggestions
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
        self.evaluation_notes.value = bullet_list(notes, "wb-warnings")

    def _current_checklist(self) -> dict[str, bool]:
        """The assessed benchmarks of the chosen standard (others are not saved)."""
        standard = self.standard.value
        if standard is None or knowledge.entry("standards", standard) is None:
            return dict(self._checklist)  # nothing to compare with; keep what is there
        known = {b.key for b in knowledge.benchmarks(standard)}
        return {k: v for k, v in self._checklist.items() if k in known}

    def label(self, field: str) -> str:
        parts = field.split(".")
        if parts[0] == "components" and len(parts) == 3:
            entry = knowledge.entry("components", parts[1])
            return f"{entry.title if entry else parts[1]} {parts[2]}"
        if parts[0] in ("effectiveness", "risks") and len(parts) >= 2 and parts[1].isdigit():
            kind = "Measure" if parts[0] == "effectiveness" else "Risk"
            rest = " ".join(parts[2:]).replace("_", " ")
            return f"{kind} {int(parts[1]) + 1} {rest}".strip()
        return " ".join(parts).replace("_", " ").capitalize()

    # ------------------------------------------------------------ translation

    def read(self) -> ComponentsInputs:
        return components.make_inputs(
            components={key: box.values() for key, box in self.boxes.items()},
            effectiveness=[row.values() for row in self.measures],
            quality_standard=self.standard.value,
            quality_checklist=self._current_checklist(),
            policies={key: widget.value for key, widget in self.policies.items()},
            resources={
                "budget": self.budget.value,
                "coordinator_time": self.coordinator_time.value,
                "tools": lines(self.tools.value),
                "notes": self.resource_notes.value,
            },
            risks=[row.values() for row in self.risk_rows],
        )

    def write(self, inputs: ComponentsInputs) -> None:
        with self.quietly():
            for key, box in self.boxes.items():
                box.set(getattr(inputs.components, key).model_dump())
            self.measures.replace(
                MeasureWidgets(self, row)
                for row in components.measure_rows(self.snapshot.design, inputs.effectiveness)
            )
            self._checklist = dict(inputs.quality_checklist)
            standard = inputs.quality_standard
            if standard is not None and standard not in [v for _, v in self.standard.options]:
                # a hand-edited key: show it as it is; rule E-unknown-standard explains
                self.standard.options = [
                    *self.standard.options,
                    (f"{standard} (unknown)", standard),
                ]
            self.standard.value = standard
            self._standard_changed()
            for key, widget in self.policies.items():
                widget.value = getattr(inputs.policies, key)
            self.budget.value = inputs.resources.budget
            self.coordinator_time.value = inputs.resources.coordinator_time
            self.tools.value = "\n".join(inputs.resources.tools)
            self.resource_notes.value = inputs.resources.notes
            self.risk_rows.replace(RiskWidgets(self, risk.model_dump()) for risk in inputs.risks)

    # ------------------------------------------------------------ entry point

    @classmethod
    def from_params(
        cls,
        design_path: str | Path = "",
        *,
        recruitment: dict[str, Any] | None = None,
        screening: dict[str, Any] | None = None,
        training: dict[str, Any] | None = None,
        matching_initiating: dict[str, Any] | None = None,
        monitoring_support: dict[str, Any] | None = None,
        closure: dict[str, Any] | None = None,
        suggest_activities: list[str] | None = None,
        effectiveness: list[dict[str, Any]] | None = None,
        prefill_effectiveness: bool = False,
        quality_standard: str | None = None,
        quality_checklist: dict[str, bool] | None = None,
        tick_suggested: bool = False,
        policies: dict[str, Any] | None = None,
        resources: dict[str, Any] | None = None,
        risks: list[dict[str, Any]] | None = None,
        save: bool = False,
    ) -> ComponentsStep | Failed:
        """Open the design, set the widgets from any parameter that is not ``None``,
        press the buttons the parameters ask for, and (with ``save=True``) press Save,
        exactly as a person would.

        A component, policies or resources given as a dict sets only the keys it has;
        an effectiveness row sets only the cells it has, of the objective it names.

        Raises:
            WorkbookError: only when ``save`` is true (a headless run must fail loudly);
                interactively the problem is shown in the step instead.
        """
        return cls.launch(
            design_path,
            lambda step: step.configure(
                recruitment=recruitment,
                screening=screening,
                training=training,
                matching_initiating=matching_initiating,
                monitoring_support=monitoring_support,
                closure=closure,
                suggest_activities=suggest_activities,
                effectiveness=effectiveness,
                prefill_effectiveness=prefill_effectiveness,
                quality_standard=quality_standard,
                quality_checklist=quality_checklist,
                tick_suggested=tick_suggested,
                policies=policies,
                resources=resources,
                risks=risks,
            ),
            save=save,
        )

    def configure(
        self,
        *,
        suggest_activities: list[str] | None = None,
        prefill_effectiveness: bool = False,
        tick_suggested: bool = False,
        **values: Any,
    ) -> None:
        """Set the values, then press the buttons the parameters ask for, in the order
        a person would: "Suggest activities", "Pre-fill from objectives", "Tick what the
        design shows".

        Raises:
            InputError: a value is not acceptable, or a component key is unknown.
        """
        self.set_values(**values)
        for key in suggest_activities or []:
            if key not in self.boxes:
                raise InputError(
                    Problem(
                        f"'{key}' is not a component",
                        f"use one of: {', '.join(components.COMPONENTS)}",
                        field="suggest_activities",
                    )
                )
            self.boxes[key].suggest.click()
        if prefill_effectiveness:
            self.prefill_button.click()
        if tick_suggested:
            self.tick_button.click()

    def set_values(self, **values: Any) -> None:
        """Set widgets from parameters; ``None`` keeps what the design has.

        Every value is validated with the same model the widgets' values go through,
        so a bad parameter is reported by field instead of being dropped by a widget.

        Raises:
            InputError: a value is not acceptable; the field is named.
        """
        with self.quietly():
            self._set_components(values)
            if values.get("effectiveness") is not None:
                self._set_effectiveness(values["effectiveness"])
            if values.get("quality_standard") is not None:
                standard = values["quality_standard"]
                problems = quality.check_quality(standard, {})
                if problems:
                    raise InputError(problems)
                self.standard.value = standard
                self._standard_changed()
            if values.get("quality_checklist") is not None:
                checklist = components.make_inputs(
                    quality_checklist=values["quality_checklist"]
                ).quality_checklist
                problems = quality.check_quality(self.standard.value, checklist)
                if problems:
                    raise InputError(problems)
                for key, met in checklist.items():
                    self._set_benchmark(key, met)
            if values.get("policies") is not None:
                given = components.make_inputs(policies=values["policies"]).policies
                for key in given.model_fields_set:
                    self.policies[key].value = getattr(given, key)
            if values.get("resources") is not None:
                given_r = components.make_inputs(resources=values["resources"]).resources
                for key in given_r.model_fields_set:
                    value = getattr(given_r, key)
                    widget = {
                        "budget": self.budget,
                        "coordinator_time": self.coordinator_time,
                        "tools": self.tools,
                        "notes": self.resource_notes,
                    }[key]
                    widget.value = "\n".join(value) if key == "tools" else value
            if values.get("risks") is not None:
                rows = components.make_inputs(risks=values["risks"]).risks
                self.risk_rows.replace(RiskWidgets(self, row.model_dump()) for row in rows)
        self.refresh()

    def _set_components(self, values: dict[str, Any]) -> None:
        given = {key: values[key] for key in components.COMPONENTS if values.get(key) is not None}
        if not given:
            return
        parsed = components.make_inputs(components=given).components
        for key in given:
            plan = getattr(parsed, key)
            self.boxes[key].set({name: getattr(plan, name) for name in plan.model_fields_set})

    def _set_effectiveness(self, rows: list[dict[str, Any]]) -> None:
        parsed = components.make_inputs(effectiveness=rows).effectiveness
        by_key = {components.objective_key(row.objective): row for row in self.measures}
        problems = []
        for i, measure in enumerate(parsed):
            row = by_key.get(components.objective_key(measure.objective))
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
            for name in measure.model_fields_set & set(_MEASURE):
                row.text[name].value = getattr(measure, name)
        if problems:
            raise InputError(problems)
