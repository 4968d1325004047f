"""Widgets for design step 4: components, evaluation plan, policies, resources, risks.

The page has five parts (two of them in :mod:`workbook.ui.evaluation_plan`), each with stable
CSS classes for browser tests:

* one box per standard (``wb-component-<key>``, e.g. ``wb-component-closure``) with
  its description and benchmarks from the knowledge base, plan, activities, owner,
  timing and a "Suggest activities" button (``wb-suggest``) that fills only an empty
  activity list;
* the evaluation plan: the effectiveness table and the quality checklist, built by
  the widget group :class:`~workbook.ui.evaluation_plan.EvaluationPlan` (its own module,
  because both follow the rest of the design: step 1's objectives, the evidence for
  each benchmark);
* policies (``wb-policy-<key>``) and resources (``wb-resource-<key>``);
* the risk register (``wb-risk`` rows, ``wb-add-risk``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook import knowledge, store
from workbook.design import Design
from workbook.errors import InputError, Problem
from workbook.steps import components
from workbook.steps.components import ComponentsInputs
from workbook.ui.base import (
    Failed,
    RowList,
    Step,
    bullet_list,
    escape,
    lines,
    lines_field,
    text_field,
)
from workbook.ui.evaluation_plan import EvaluationPlan, css_name
from workbook.ui.forms import Field, build_form

_RISK = ("risk", "mitigation", "owner")
POLICIES = (
    Field(
        "policies.confidentiality",
        "Confidentiality",
        "wb-policy-confidentiality",
        "lines",
        "what stays in the relationship, and the manager's boundary (R2, R3)",
    ),
    Field(
        "policies.code_of_conduct",
        "Code of conduct",
        "wb-policy-code-of-conduct",
        "lines",
        "the conduct expected of mentors and mentees",
    ),
    Field(
        "policies.data_privacy",
        "Data privacy",
        "wb-policy-data-privacy",
        "lines",
        "what data is used for matching, who sees it, how long it is kept",
    ),
    Field(
        "policies.no_fault_exit",
        "No-fault exit",
        "wb-policy-no-fault-exit",
        "lines",
        "how either side ends a match that does not work, without blame",
    ),
)
RESOURCES = (
    Field("resources.budget", "Budget", "wb-resource-budget", hint="e.g. EUR 18,000"),
    Field(
        "resources.coordinator_time",
        "Coordinator time",
        "wb-resource-coordinator-time",
        hint="e.g. 0.4 FTE for the program year",
    ),
    Field("resources.tools", "Tools", "wb-resource-tools", "lines", "one tool per line"),
    Field("resources.notes", "Notes", "wb-resource-notes", "lines", "anything else"),
)
LISTS = frozenset({"tools"})
"""Resources that are lists, shown one item per line."""
_SETTING_LABELS = {
    "covariates": "Compare like with like on",
    "power": "Chance of detecting the target change",
    "significance": "Risk of a false alarm",
}
"""The evaluation-wide inputs as the page names them (the parameters' names are short)."""
_MEASURE_LABELS = {
    "design": "evaluation design",
    "comparison_size": "comparison group",
    "column": "outcomes column",
}
"""A measure's cells whose names on the page differ from their field's."""


def _in_percent(problem: Problem) -> Problem:
    """A problem about a chance, with the value shown in percent as it was typed."""
    if problem.field not in ("power", "significance") or problem.value is None:
        return problem
    try:
        value = float(problem.value)
    except ValueError:
        return problem
    return replace(problem, value=f"{value * 100:g}%")


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
        self.box.add_class(f"wb-component-{css_name(key)}")

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
    help = (
        "The components that guide every relationship are the six standards of MENTOR's "
        "Elements of Effective Practice. Plan each one, say how every objective will be "
        "measured (effectiveness) and score the design against a standard (quality), then "
        "write down the policies, resources and risks the charter needs."
    )

    def __init__(self, snapshot: store.Snapshot) -> None:
        super().__init__(snapshot, components.inputs_from, components.apply)

    # ------------------------------------------------------------ widgets

    def build(self) -> list[w.Widget]:
        self.boxes = {key: ComponentBox(self, key) for key in components.COMPONENTS}
        self.evaluation = EvaluationPlan(self)
        self.policies = build_form(self, POLICIES)
        self.resources = build_form(self, RESOURCES)
        # Risks
        self.risk_rows: RowList[RiskWidgets] = RowList(self, "risks", "wb-risks")
        add_risk = w.Button(description="Add risk", icon="plus").add_class("wb-add-risk")
        add_risk.on_click(lambda _b: self.add_risk())
        return [
            w.HTML("<h3>Components: the six standards of effective practice</h3>"),
            *[box.box for box in self.boxes.values()],
            *self.evaluation.widgets,
            w.HTML("<h3>Policies</h3>"),
            *self.policies.values(),
            w.HTML("<h3>Resources</h3>"),
            *self.resources.values(),
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

    def add_risk(self, values: dict[str, Any] | None = None) -> RiskWidgets:
        return self.risk_rows.add(RiskWidgets(self, values or {}))

    def remove_risk(self, row: RiskWidgets) -> None:
        self.risk_rows.remove(row)

    def save(self, *, raise_errors: bool = False) -> bool:
        """Save (see :meth:`Step.save`); the effectiveness rows then follow the saved
        design's objectives."""
        shown = [row.objective for row in self.evaluation.measures]
        saved = super().save(raise_errors=raise_errors)
        if saved:
            self.evaluation.saved(shown)
        return saved

    def show_derived(self, inputs: ComponentsInputs | None, design: Design | None) -> None:
        self.evaluation.show_derived(design)

    def _show_problems(self, problems: Sequence[Problem]) -> None:
        """Below the form as every step shows them, and each next to its field in the
        evaluation plan; a chance typed in percent is shown back in percent."""
        shown = [_in_percent(p) for p in problems]
        super()._show_problems(shown)
        self.evaluation.show_problems(shown, self.label)

    def label(self, field: str) -> str:
        if field in _SETTING_LABELS:
            return _SETTING_LABELS[field]
        parts = field.split(".")
        if parts[0] == "components" and len(parts) == 3:
            entry = knowledge.entry("components", parts[1])
            return f"{entry.title if entry else parts[1]} {parts[2]}"
        if parts[0] in ("effectiveness", "risks") and len(parts) >= 2 and parts[1].isdigit():
            index = int(parts[1])
            rest = " ".join(parts[2:]).replace("_", " ")
            if parts[0] == "effectiveness" and len(parts) == 3:
                rest = _MEASURE_LABELS.get(parts[2], rest)
            measures = self.evaluation.measures
            if parts[0] == "effectiveness" and index < len(measures):
                # The row as the page shows it: by its objective, not by a number.
                return f"{rest.capitalize()} for {measures[index].objective}".strip()
            kind = "Measure" if parts[0] == "effectiveness" else "Risk"
            return f"{kind} {index + 1} {rest}".strip()
        return " ".join(parts).replace("_", " ").capitalize()

    # ------------------------------------------------------------ translation

    def read(self) -> ComponentsInputs:
        return components.make_inputs(
            components={key: box.values() for key, box in self.boxes.items()},
            **self.evaluation.values(),
            policies={key: widget.value for key, widget in self.policies.items()},
            resources={
                key: lines(widget.value) if key in LISTS else widget.value
                for key, widget in self.resources.items()
            },
            risks=[row.values() for row in self.risk_rows],
        )

    def write(self, inputs: ComponentsInputs) -> None:
        with self.quietly():
            for key, box in self.boxes.items():
                box.set(getattr(inputs.components, key).model_dump())
            self.evaluation.show(inputs)
            for key, widget in self.policies.items():
                widget.value = getattr(inputs.policies, key)
            self._show_resources(inputs.resources.model_dump())
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
        covariates: list[str] | str | None = None,
        power: float | None = None,
        significance: float | None = None,
        policies: dict[str, Any] | None = None,
        resources: dict[str, Any] | None = None,
        risks: list[dict[str, Any]] | None = None,
        save: bool = False,
    ) -> ComponentsStep | Failed:
        """Open the design, set the widgets from any parameter that is not ``None``,
        press the buttons the parameters ask for, and (with ``save=True``) press Save,
        exactly as a person would.

        A component, policies or resources given as a dict sets only the keys it has;
        an effectiveness row sets only the cells it has, of the objective it names
        (its evaluation design, comparison size, spread and column among them). The
        covariates, power and significance are set in the boxes the page shows them in
        (the two chances in percent there, as fractions here).

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
                covariates=covariates,
                power=power,
                significance=significance,
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
            self.evaluation.prefill_button.click()
        if tick_suggested:
            self.evaluation.tick_button.click()

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
                self.evaluation.set_effectiveness(values["effectiveness"])
            self.evaluation.set_quality(
                values.get("quality_standard"), values.get("quality_checklist")
            )
            self.evaluation.set_settings(values)
            if values.get("policies") is not None:
                given = components.make_inputs(policies=values["policies"]).policies
                for key in given.model_fields_set:
                    self.policies[key].value = getattr(given, key)
            if values.get("resources") is not None:
                given_r = components.make_inputs(resources=values["resources"]).resources
                self._show_resources(given_r.model_dump(include=given_r.model_fields_set))
            if values.get("risks") is not None:
                rows = components.make_inputs(risks=values["risks"]).risks
                self.risk_rows.replace(RiskWidgets(self, row.model_dump()) for row in rows)
        self.refresh()

    def _show_resources(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            self.resources[key].value = "\n".join(value) if key in LISTS else value

    def _set_components(self, values: dict[str, Any]) -> None:
        given = {key: values[key] for key in components.COMPONENTS if values.get(key) is not None}
        if not given:
            return
        parsed = components.make_inputs(components=given).components
        for key in given:
            plan = getattr(parsed, key)
            self.boxes[key].set({name: getattr(plan, name) for name in plan.model_fields_set})
