"""Design step 4: the program's components, its evaluation plan, policies, resources, risks.

The components are MENTOR's six standards of effective practice (recruitment,
screening, training, matching and initiating, monitoring and support, closure); for
each the design holds a plan, activities, an owner and a timing. The evaluation plan
follows rule R7: *effectiveness* against the program's own objectives (one measure per
objective of step 1, keyed by the objective's metric) and *quality* against a standard
(a checklist of the standard's benchmarks the design is scored on).

Like every step, this module is three functions over a typed record of what the step
edits: :func:`make_inputs` validates raw values into :class:`ComponentsInputs`,
:func:`inputs_from` reads them out of a design and :func:`apply` writes them back,
touching only ``components``, ``evaluation``, ``policies``, ``resources`` and ``risks``.
Around them are the step's helpers, pure functions the widgets and a headless run share:

* :func:`measure_rows` lays out the effectiveness table: a row per objective of the
  design, then measures whose objective is gone (flagged, kept until removed); each
  measure also has its evaluation design (against whom the participants' result is
  compared), the comparison group's size and, for a metric that is not a percentage,
  its spread, from which :mod:`workbook.evaluation.plan` works out the smallest change
  the evaluation could detect;
* the quality checklist's score and evidence live in :mod:`workbook.quality`;
* :func:`suggest_activities` fills an empty activity list from the knowledge base.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from workbook import knowledge
from workbook.design import (
    ComponentPlan,
    Components,
    Design,
    EffectivenessMeasure,
    Evaluation,
    Objective,
    Policies,
    Resources,
    Risk,
    objective_key,
    revalidate,
    validate_input,
)
from workbook.errors import InputError, Problem
from workbook.evaluation.power import is_rate

COMPONENTS: tuple[str, ...] = tuple(Components.model_fields)
"""The six standards, in the design's (and MENTOR's) order."""

POLICIES: tuple[str, ...] = tuple(Policies.model_fields)
RESOURCES: tuple[str, ...] = tuple(Resources.model_fields)


# --------------------------------------------------------------------------- inputs


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _blank_is_undecided(value: Any) -> Any:
    """What people type: an empty box is *not decided yet*, not an error."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


class MeasureInput(EffectivenessMeasure):
    """One row of the effectiveness table: how one objective is measured (the objective
    is its metric, as written in step 1, compared without case), and against whom."""

    @field_validator("design", "comparison_size", "spread", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return _blank_is_undecided(value)

    @field_validator("comparison_size", mode="before")
    @classmethod
    def _people(cls, value: Any) -> Any:
        number = _number_or_none(value)
        if number is not None and number < 0:
            raise ValueError(
                "must not be negative: it is how many people the mentees are compared with"
            )
        return value

    @field_validator("spread", mode="before")
    @classmethod
    def _spread(cls, value: Any) -> Any:
        number = _number_or_none(value)
        if number is not None and number <= 0:
            raise ValueError(
                "must be more than 0: it is how much the metric varies between employees, "
                "as a standard deviation"
            )
        return value

    def is_blank(self) -> bool:
        """Nothing decided yet: the row is not saved."""
        return not (
            self.method
            or self.when
            or self.who
            or self.design
            or self.comparison_size is not None
            or self.spread is not None
            or self.column
        )


def _number_or_none(value: Any) -> float | None:
    """``value`` as a number if it reads as one (validation reports the rest)."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class RiskInput(_Input):
    """One row of the risk register; a wholly blank row is not a risk and is skipped."""

    risk: str = ""
    mitigation: str = ""
    owner: str = ""

    def is_blank(self) -> bool:
        return not (self.risk or self.mitigation or self.owner)


class ComponentsInputs(_Input):
    """Everything step 4 decides."""

    components: Components = Field(default_factory=Components)
    effectiveness: list[MeasureInput] = Field(default_factory=list)
    quality_standard: str | None = None
    """Key of a standard in ``standards.yaml``."""
    quality_checklist: dict[str, bool] = Field(default_factory=dict)
    """Benchmark key -> met; a benchmark not listed is not assessed yet."""
    covariates: list[str] = Field(default_factory=list, max_length=20)
    """Outcomes-file columns participants are compared like with like on."""
    power: float = 0.8
    """The chance of detecting a change as large as the target (0.5 to 0.99)."""
    significance: float = 0.05
    """The risk of a false alarm, two-sided (above 0, at most 0.2)."""
    policies: Policies = Field(default_factory=Policies)
    resources: Resources = Field(default_factory=Resources)
    risks: list[RiskInput] = Field(default_factory=list)

    @field_validator("covariates", mode="before")
    @classmethod
    def _columns(cls, value: Any) -> Any:
        # "department, level" as typed on the page or given as one parameter string
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list):
            return [part.strip() if isinstance(part, str) else part for part in value]
        return value

    @field_validator("power")
    @classmethod
    def _power(cls, value: float) -> float:
        if not _POWER[0] <= value <= _POWER[1]:
            raise ValueError(
                "must be between 50% and 99% (0.5 and 0.99): the chance of detecting the "
                "target change"
            )
        return value

    @field_validator("significance")
    @classmethod
    def _significance(cls, value: float) -> float:
        if not _SIGNIFICANCE[0] < value <= _SIGNIFICANCE[1]:
            raise ValueError(
                "must be more than 0% and at most 20% (0.2): the risk of a false alarm"
            )
        return value


def _bounds(name: str) -> tuple[float, float]:
    """The range the design accepts for an evaluation-wide number (one source of truth)."""
    found: dict[str, float | None] = {"ge": None, "gt": None, "le": None}
    for item in Evaluation.model_fields[name].metadata:
        for key in found:
            if getattr(item, key, None) is not None:
                found[key] = getattr(item, key)
    low = found["ge"] if found["ge"] is not None else found["gt"]
    return float(low or 0), float(found["le"] or 1)


_POWER = _bounds("power")
_SIGNIFICANCE = _bounds("significance")


def make_inputs(**values: Any) -> ComponentsInputs:
    """Validate raw values (from widgets or parameters) into :class:`ComponentsInputs`.

    Raises:
        InputError: one problem per bad field, e.g. ``risks.0.owner: must be text``.
    """
    return validate_input(ComponentsInputs, values)


def inputs_from(design: Design) -> ComponentsInputs:
    """What step 4 shows for an existing design."""
    evaluation = design.evaluation
    return ComponentsInputs(
        components=design.components.model_copy(deep=True),
        effectiveness=[MeasureInput(**m.model_dump()) for m in evaluation.effectiveness],
        quality_standard=evaluation.quality_standard,
        quality_checklist=dict(evaluation.quality_checklist),
        covariates=list(evaluation.covariates),
        power=evaluation.power,
        significance=evaluation.significance,
        policies=design.policies.model_copy(),
        resources=design.resources.model_copy(deep=True),
        risks=[RiskInput(**r.model_dump()) for r in design.risks],
    )


def apply(design: Design, inputs: ComponentsInputs) -> Design:
    """Write step 4's decisions into ``design`` and return the new design.

    Measures with nothing decided are not saved; measures keep their place in the
    design and new ones follow, so opening and saving the step reorders nothing. A
    measure whose objective was removed in step 1 is kept (and flagged) until removed.

    Raises:
        InputError: a measure names an objective the design does not have, an objective
            is measured twice, or a risk row has a mitigation or owner but no risk.
    """
    problems: list[Problem] = []
    measures = _measures(design, inputs.effectiveness, problems)
    risks = []
    for i, row in enumerate(inputs.risks):
        if row.is_blank():
            continue
        if not row.risk:
            problems.append(
                Problem(
                    "must not be empty",
                    "describe the risk, or clear the row",
                    field=f"risks.{i}.risk",
                )
            )
            continue
        risks.append(Risk(**row.model_dump()))
    if problems:
        raise InputError(problems)
    evaluation = design.evaluation.model_copy(
        update={
            "effectiveness": measures,
            "quality_standard": inputs.quality_standard,
            "quality_checklist": dict(inputs.quality_checklist),
            "covariates": list(inputs.covariates),
            "power": inputs.power,
            "significance": inputs.significance,
        }
    )
    return revalidate(
        design.model_copy(
            update={
                "components": inputs.components,
                "evaluation": evaluation,
                "policies": inputs.policies,
                "resources": inputs.resources,
                "risks": risks,
            }
        )
    )


# --------------------------------------------------------------------------- effectiveness


def measured_objectives(design: Design) -> dict[str, tuple[str, Objective]]:
    """Objective key -> (purpose name, objective), for every objective with a metric.

    An objective without a metric cannot be measured (or keyed) yet; rule R7 in step 1
    asks for its metric.
    """
    found: dict[str, tuple[str, Objective]] = {}
    for purpose, objective in design.objectives():
        if objective.metric and objective_key(objective.metric) not in found:
            name = purpose.title or knowledge.title("purposes", purpose.key)
            found[objective_key(objective.metric)] = (name, objective)
    return found


def _measures(
    design: Design, rows: Sequence[MeasureInput], problems: list[Problem]
) -> list[EffectivenessMeasure]:
    current = measured_objectives(design)
    existing = [objective_key(m.objective) for m in design.evaluation.effectiveness]
    seen: set[str] = set()
    ranked: list[tuple[int, EffectivenessMeasure]] = []
    for i, row in enumerate(rows):
        key = objective_key(row.objective)
        if key not in current and key not in existing:
            problems.append(
                Problem(
                    f"'{row.objective}' is not an objective of the design",
                    "use an objective's metric from step 1: "
                    + ("; ".join(o.metric for _, o in current.values()) or "there are none yet"),
                    field=f"effectiveness.{i}.objective",
                )
            )
            continue
        if key in seen:
            problems.append(
                Problem(
                    f"the objective '{row.objective}' is measured twice",
                    "keep one row per objective",
                    field=f"effectiveness.{i}.objective",
                )
            )
            continue
        seen.add(key)
        if row.is_blank():
            continue
        place = existing.index(key) if key in existing else len(existing) + i
        ranked.append((place, EffectivenessMeasure(**row.model_dump())))
    return [measure for _, measure in sorted(ranked, key=lambda pair: pair[0])]


@dataclass(frozen=True)
class MeasureRow:
    """One row of the effectiveness table as the step shows it.

    Attributes:
        objective: the measure's key text (the objective's metric).
        label: what the row measures, for a person ("Career growth: retention ...").
        measure: what is decided (method, when, who), blank if nothing yet.
        suggestion: a measure pre-filled from the objective (data source, date, owner).
        orphan: the objective was removed in step 1; the measure is flagged.
        unit: the objective's unit ("%", "roles"); empty for an orphan.
    """

    objective: str
    label: str
    measure: MeasureInput
    suggestion: MeasureInput
    orphan: bool = False
    unit: str = ""

    @property
    def rate(self) -> bool:
        """The metric is a percentage, whose spread follows from its baseline; another
        metric needs its spread for the smallest detectable change."""
        return is_rate(self.unit)


def suggested_measure(objective: Objective) -> MeasureInput:
    """A starting point for measuring ``objective``, from what step 1 says about it."""
    method = objective.metric
    if objective.baseline is not None:
        unit = f" {objective.unit}" if objective.unit else ""
        method += f", compared with the baseline of {_number(objective.baseline)}{unit}"
    if objective.data_source:
        method += f" ({objective.data_source})"
    when = f"By {objective.due.isoformat()}" if objective.due else ""
    return MeasureInput(
        objective=objective.metric,
        method=method[:1].upper() + method[1:],
        when=when,
        who=objective.owner,
    )


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def measure_rows(design: Design, measures: Iterable[MeasureInput]) -> list[MeasureRow]:
    """The effectiveness table: a row per objective of ``design`` (pre-filled with its
    measure, if any), then each measure whose objective is no longer in the design."""
    by_key = {objective_key(m.objective): m for m in measures}
    rows = []
    for key, (purpose, objective) in measured_objectives(design).items():
        measure = by_key.pop(key, None) or MeasureInput(objective=objective.metric)
        label = f"{purpose}: {objective.description or objective.metric}"
        rows.append(
            MeasureRow(
                measure.objective,
                label,
                measure,
                suggested_measure(objective),
                unit=objective.unit,
            )
        )
    for measure in by_key.values():
        rows.append(
            MeasureRow(
                measure.objective,
                measure.objective,
                measure,
                MeasureInput(objective=measure.objective),
                orphan=True,
            )
        )
    return rows


def evaluation_notes(design: Design) -> list[Problem]:
    """What the effectiveness plan lacks: measures whose objective is gone, objectives
    without a metric, objectives without a measure (the charter lists them as open)."""
    notes = []
    current = measured_objectives(design)
    for i, measure in enumerate(design.evaluation.effectiveness):
        if objective_key(measure.objective) not in current:
            notes.append(
                Problem(
                    f"measures '{measure.objective}', which is no longer an objective of the "
                    "design",
                    "remove the measure, or restore the objective in step 1",
                    field=f"evaluation.effectiveness.{i}",
                )
            )
    for p, purpose in enumerate(design.purposes):
        for o, objective in enumerate(purpose.objectives):
            if not objective.metric:
                notes.append(
                    Problem(
                        f"objective '{objective.description or o + 1}' has no metric, so it "
                        "cannot be measured",
                        "give it a metric in step 1",
                        field=f"purposes.{p}.objectives.{o}.metric",
                    )
                )
    measured = {objective_key(m.objective) for m in design.evaluation.effectiveness}
    for key, (_, objective) in current.items():
        if key not in measured:
            notes.append(
                Problem(
                    f"nobody has said how '{objective.metric}' is measured",
                    "fill in what is measured, when and by whom",
                    field="evaluation.effectiveness",
                )
            )
    # A percentage of people is measured for each employee, so its effect needs a
    # comparison; a count for the whole program (roles filled) does not.
    for i, measure in enumerate(design.evaluation.effectiveness):
        found = current.get(objective_key(measure.objective))
        if found is not None and measure.design is None and is_rate(found[1].unit):
            notes.append(
                Problem(
                    f"'{measure.objective}' has no evaluation design, so nobody can tell the "
                    "program's effect from what would have happened anyway",
                    "choose what the participants' result is compared with",
                    field=f"evaluation.effectiveness.{i}.design",
                )
            )
    return notes


# --------------------------------------------------------------------------- components


def suggested_activities(component: str) -> list[str]:
    """The knowledge base's typical activities for a component.

    Raises:
        KeyError: ``component`` is not one of :data:`COMPONENTS`.
    """
    found = knowledge.entry("components", component)
    if found is None:
        raise KeyError(component)
    return list(found.extra("activities"))


def suggest_activities(plan: ComponentPlan, component: str) -> ComponentPlan:
    """``plan`` with its activities filled from the knowledge base if it has none.

    Activities already written are never replaced.
    """
    if plan.activities:
        return plan
    return plan.model_copy(update={"activities": suggested_activities(component)})
