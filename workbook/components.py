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
  design, then measures whose objective is gone (flagged, kept until removed);
* :func:`score` counts the benchmarks met; :func:`evidence` says which benchmarks the
  design itself shows are met (a suggestion the designer confirms, never a tick);
* :func:`suggest_activities` fills an empty activity list from the knowledge base.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workbook import knowledge
from workbook.design import (
    ComponentPlan,
    Components,
    Design,
    EffectivenessMeasure,
    Objective,
    Policies,
    Resources,
    Risk,
    revalidate,
    validate_input,
)
from workbook.errors import InputError, Problem

STEP = "components"
"""The step's name, as used by :func:`workbook.rules.for_step`."""

COMPONENTS: tuple[str, ...] = tuple(Components.model_fields)
"""The six standards, in the design's (and MENTOR's) order."""

POLICIES: tuple[str, ...] = tuple(Policies.model_fields)
RESOURCES: tuple[str, ...] = tuple(Resources.model_fields)


# --------------------------------------------------------------------------- inputs


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MeasureInput(_Input):
    """One row of the effectiveness table: how one objective is measured."""

    objective: str = Field(min_length=1)
    """The objective's metric, as written in step 1 (compared without case)."""
    method: str = ""
    when: str = ""
    who: str = ""

    def is_blank(self) -> bool:
        """Nothing decided yet: the row is not saved."""
        return not (self.method or self.when or self.who)


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
    policies: Policies = Field(default_factory=Policies)
    resources: Resources = Field(default_factory=Resources)
    risks: list[RiskInput] = Field(default_factory=list)


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


def objective_key(text: str) -> str:
    """How measures and objectives are matched: by metric, ignoring case and spacing."""
    return " ".join(text.split()).casefold()


def measured_objectives(design: Design) -> dict[str, tuple[str, Objective]]:
    """Objective key -> (purpose name, objective), for every objective with a metric.

    An objective without a metric cannot be measured (or keyed) yet; rule R7 in step 1
    asks for its metric.
    """
    found: dict[str, tuple[str, Objective]] = {}
    for purpose, objective in design.objectives():
        if objective.metric and objective_key(objective.metric) not in found:
            name = purpose.title or _title("purposes", purpose.key)
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
    """

    objective: str
    label: str
    measure: MeasureInput
    suggestion: MeasureInput
    orphan: bool = False


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
        rows.append(MeasureRow(measure.objective, label, measure, suggested_measure(objective)))
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


# --------------------------------------------------------------------------- quality


@dataclass(frozen=True)
class QualityScore:
    """How many of a standard's benchmarks the design meets, and which it misses."""

    met: tuple[knowledge.Benchmark, ...]
    missing: tuple[knowledge.Benchmark, ...]
    """Not met, or not assessed yet; required benchmarks first."""
    unassessed: int = 0
    """How many of the missing benchmarks nobody has assessed yet."""

    @property
    def total(self) -> int:
        return len(self.met) + len(self.missing)

    @property
    def required_total(self) -> int:
        return sum(b.required for b in (*self.met, *self.missing))

    @property
    def required_met(self) -> int:
        return sum(b.required for b in self.met)

    def summary(self) -> str:
        """``"12 of 30 benchmarks met (10 of 21 required); 8 not assessed yet"``."""
        text = (
            f"{len(self.met)} of {self.total} benchmarks met "
            f"({self.required_met} of {self.required_total} required)"
        )
        return text + (f"; {self.unassessed} not assessed yet" if self.unassessed else "")


def score(standard: str, checklist: dict[str, bool]) -> QualityScore:
    """Score a checklist against a standard's benchmarks.

    Raises:
        KeyError: ``standard`` is not in ``standards.yaml`` (check with
            :func:`check_quality` first).
    """
    benchmarks = knowledge.benchmarks(standard)
    met = tuple(b for b in benchmarks if checklist.get(b.key) is True)
    missing = [b for b in benchmarks if checklist.get(b.key) is not True]
    missing.sort(key=lambda b: not b.required)  # stable: required first, in order
    unassessed = sum(b.key not in checklist for b in missing)
    return QualityScore(met, tuple(missing), unassessed)


def check_quality(standard: str | None, checklist: dict[str, bool]) -> list[Problem]:
    """Problems with a quality standard and checklist given as parameters.

    The widgets offer only known standards and their benchmarks; a parameter can name
    anything, and a headless run should fail on a typo rather than save it.
    """
    known = knowledge.keys("standards")
    if standard is None:
        return [
            Problem(
                "cannot be scored without a quality standard",
                f"set quality_standard to one of: {', '.join(known)}",
                field=f"quality_checklist.{key}",
            )
            for key in checklist
        ]
    if standard not in known:
        return [
            Problem(
                f"'{standard}' is not a known quality standard",
                f"use one of: {', '.join(known)}",
                field="quality_standard",
                value=standard,
            )
        ]
    benchmarks = {b.key for b in knowledge.benchmarks(standard)}
    return [
        Problem(
            f"'{key}' is not a benchmark of {_title('standards', standard)}",
            "use a key from the standard's checklist (the components step lists them)",
            field=f"quality_checklist.{key}",
        )
        for key in checklist
        if key not in benchmarks
    ]


Evidence = Callable[[Design], str | None]
_EVIDENCE: dict[str, Evidence] = {}


def _shows(*keys: str) -> Callable[[Evidence], Evidence]:
    """Register an evidence function for one or more benchmark keys."""

    def decorate(func: Evidence) -> Evidence:
        for key in keys:
            _EVIDENCE[key] = func
        return func

    return decorate


def evidence(design: Design, standard: str | None = None) -> dict[str, str]:
    """Benchmarks the design itself shows are met, each with the reason.

    This is a suggestion: the checklist is the designer's assessment, and a ticked box
    is a claim a sponsor reads in the charter, so the step shows the reason and lets the
    designer tick it (or press one button to tick them all). Only benchmarks whose
    evidence can be read from the design are covered: decisions (activities for both
    sides, mentees' say in matching, eligibility written down; the functions below)
    and the plans' own words (an agreement, check-ins; ``quality_evidence.yaml``).

    Args:
        standard: only this standard's benchmarks; every known benchmark if ``None``.
    """
    checks = _checks()
    keys: Iterable[str] = checks
    if standard is not None:
        if knowledge.entry("standards", standard) is None:
            return {}
        keys = [b.key for b in knowledge.benchmarks(standard) if b.key in checks]
    found = {}
    for key in keys:
        reason = checks[key](design)
        if reason:
            found[key] = reason
    return found


def _text(design: Design, component: str) -> str:
    plan: ComponentPlan = getattr(design.components, component)
    return " ".join([plan.plan, *plan.activities]).casefold()


def _mentions(design: Design, component: str, *words: str) -> str | None:
    """The first of ``words`` the component's plan or activities use at the start of a
    word (``"form"`` finds "sign-up form", not "information"), if any."""
    text = _text(design, component)
    return next((w for w in words if re.search(rf"(?<![a-z]){re.escape(w)}", text)), None)


def _words(entry: knowledge.CatalogueEntry) -> Evidence:
    """The check of one ``quality_evidence.yaml`` entry: its component uses one of its
    words."""
    component: str = entry.extra("component")
    words: tuple[str, ...] = tuple(str(word).casefold() for word in entry.extra("words"))

    def check(design: Design) -> str | None:
        word = _mentions(design, component, *words)
        if word is None:
            return None
        return f"the {_title('components', component).lower()} plan mentions '{word}'"

    return check


def evidence_keys() -> frozenset[str]:
    """The benchmarks :func:`evidence` can speak for (a test compares them with the
    standards)."""
    return frozenset(_checks())


@cache
def _checks() -> dict[str, Evidence]:
    """Every evidence check: the words in ``quality_evidence.yaml``, then the code's."""
    checks = {entry.key: _words(entry) for entry in knowledge.catalogue("quality_evidence")}
    return {**checks, **_EVIDENCE}


@_shows("recruitment.targeted_mentors")
def _targeted_mentors(design: Design) -> str | None:
    if design.participation.mentor_eligibility and design.components.recruitment.plan:
        return "mentor eligibility is written down (step 3) and recruitment has a plan"
    return None


@_shows("recruitment.eligibility_published")
def _eligibility(design: Design) -> str | None:
    p = design.participation
    if p.mentee_eligibility and p.mentor_eligibility:
        return "who may take part as mentee and as mentor is written down (step 3)"
    return None


@_shows("recruitment.mentor_recognition")
def _recognition(design: Design) -> str | None:
    if design.participation.mentor_recognition:
        return "mentor recognition is decided (step 3)"
    return None


@_shows("screening.time_commitment")
def _time_commitment(design: Design) -> str | None:
    m = design.model
    word = _mentions(design, "screening", "commit", "availab", "time")
    if m.duration_months and m.cadence and word:
        return (
            f"the model sets the length ({m.duration_months} months) and cadence, and "
            f"screening mentions '{word}'"
        )
    return None


@_shows("screening.conflicts_of_interest")
def _conflicts(design: Design) -> str | None:
    if design.matching.method is not None and design.matching.reporting_line_depth is None:
        return "matching bars the mentee's whole reporting line (rule R1)"
    return None


@_shows("screening.mentee_readiness")
def _readiness(design: Design) -> str | None:
    if design.participation.voluntary is True:
        return "both sides enrol voluntarily (rule R4)"
    return None


_MENTOR = re.compile(r"\bmentors?\b")
_MENTEE = re.compile(r"\bmentees?\b")


@_shows("training.mentor_pre_match")
def _mentor_training(design: Design) -> str | None:
    text = _text(design, "training")
    if _MENTOR.search(text) or "both sides" in text:
        return "the training plan has an activity for mentors"
    return None


@_shows("training.mentee_pre_match")
def _mentee_training(design: Design) -> str | None:
    text = _text(design, "training")
    if _MENTEE.search(text) or "both sides" in text:
        return "the training plan has an activity for mentees"
    return None


@_shows("matching_initiating.criteria")
def _criteria(design: Design) -> str | None:
    weights = design.matching.weights.model_dump()
    used = [name for name, weight in weights.items() if weight > 0]
    if design.matching.method is not None and weights["skills"] > 0 and len(used) >= 2:
        return f"matching weighs {', '.join(used)} (step 5)"
    return None


@_shows("matching_initiating.mentee_say")
def _mentee_say(design: Design) -> str | None:
    say = design.matching.mentee_say
    if say in ("preferences", "shortlist", "choice"):
        return f"mentees have a say in their match: {say} (rule R5)"
    return None


@_shows("matching_initiating.match_shared_first")
def _shared_first(design: Design) -> str | None:
    text = " ".join([_text(design, "matching_initiating"), design.matching.review.casefold()])
    if "decline" in text or "shared with both" in text:
        return "proposed matches are shared with both sides before they start"
    return None


@_shows("monitoring_support.progress_on_goals")
def _progress(design: Design) -> str | None:
    objectives = measured_objectives(design)
    measured = {objective_key(m.objective) for m in design.evaluation.effectiveness}
    if (
        objectives
        and set(objectives) <= measured
        and design.confidentiality.manager_receives_progress is False
    ):
        return "every objective has a measure and managers receive no progress details (R2)"
    return None


@_shows("closure.no_fault_exit")
def _no_fault(design: Design) -> str | None:
    word = _mentions(design, "closure", "no-fault", "no fault")
    if word:
        return f"the closure plan mentions a '{word}' exit"
    if design.policies.no_fault_exit:
        return "the policies state a no-fault exit"
    return None


@_shows("values_ethics")
def _values(design: Design) -> str | None:
    return "the policies include a code of conduct" if design.policies.code_of_conduct else None


@_shows("sensitive_data_consent")
def _consent(design: Design) -> str | None:
    if "consent" in design.policies.data_privacy.casefold():
        return "the data privacy policy asks for consent"
    return None


@_shows("clear_vision")
def _vision(design: Design) -> str | None:
    if (
        design.program.problem_statement
        and design.purposes
        and all(p.objectives for p in design.purposes)
    ):
        return "the problem is stated and every purpose has objectives (step 1)"
    return None


@_shows("governance")
def _governance(design: Design) -> str | None:
    if design.roles.steering_group or design.roles.steering_group_members:
        return "the steering group and its members are decided (step 3)"
    return None


@_shows("coordinator")
def _coordinator(design: Design) -> str | None:
    if design.roles.coordinator and design.resources.coordinator_time:
        return "the coordinator's role and time are decided"
    return None


@_shows("selection_matching")
def _selection(design: Design) -> str | None:
    p = design.participation
    if p.mentee_eligibility and p.mentor_eligibility and design.matching.method is not None:
        return "eligibility (step 3) and the matching method (step 5) are written down"
    return None


@_shows("support_training")
def _support(design: Design) -> str | None:
    c = design.components
    if c.training.plan and c.monitoring_support.plan:
        return "training and monitoring and support both have a plan"
    return None


@_shows("evaluation")
def _evaluated(design: Design) -> str | None:
    objectives = measured_objectives(design)
    measured = {objective_key(m.objective) for m in design.evaluation.effectiveness}
    if objectives and set(objectives) <= measured:
        return "every objective has an effectiveness measure"
    return None


def _title(catalogue: str, key: str) -> str:
    found = knowledge.entry(catalogue, key)
    return found.title if found else key
