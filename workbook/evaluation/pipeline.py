"""Evaluate a program that has run: the pipeline the command line, the step and a
batch run call.

::

    read the outcomes -> read the survey -> estimate each objective -> score each scale
    -> check quality -> record the aggregates

:func:`evaluate` returns an :class:`EvaluationReport`: aggregates only. The outcomes and
survey files hold personal data; they are read here and never copied into the report,
the design or the outputs, and every figure about fewer than
:data:`~workbook.design.SMALLEST_GROUP` people is left out (and listed as suppressed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook import clock, knowledge, quality
from workbook.design import (
    SMALLEST_GROUP,
    Design,
    EffectivenessMeasure,
    EvaluationDesign,
    EvaluationResults,
    Objective,
    ObjectiveResult,
    objective_key,
)
from workbook.evaluation.effects import Estimate, estimate
from workbook.evaluation.outcomes import load_outcomes, objective_column
from workbook.evaluation.power import is_rate
from workbook.evaluation.survey import ScaleScore, read_survey, score_scales

Source = str | Path | bytes

DEFAULT_DESIGN: EvaluationDesign = "comparison"
"""Used for an objective whose evaluation design was never chosen: participants against
non-participants, as alike as the covariates allow (with none, everyone else)."""


@dataclass(frozen=True)
class ObjectiveEvaluation:
    """One objective: what the design asked, and what the outcomes show (if measured)."""

    metric: str
    description: str
    unit: str
    baseline: float | None
    target: float | None
    design: EvaluationDesign
    design_chosen: bool
    """False when the design left it open and :data:`DEFAULT_DESIGN` was used."""
    column: str | None
    """The outcomes column used; None when the file has none for it."""
    looked_for: str
    """The column the reader looked for (the plan's outcomes column, else the metric)."""
    expected: bool
    """The plan says it is measured per employee (an evaluation design or an outcomes
    column is given): a missing column is then a mistake to fix, not another method."""
    estimate: Estimate | None
    """None when the outcomes file does not hold it (measured another way)."""

    @property
    def rate(self) -> bool:
        return is_rate(self.unit)


@dataclass(frozen=True)
class QualityItem:
    """One benchmark of the design's standard, with what shows it is met."""

    benchmark: str
    required: bool
    met: bool | None
    """The designer's own assessment (None: not assessed)."""
    evidence: str
    """What in the design shows it, in words ("" when the design does not show it)."""


@dataclass(frozen=True)
class EvaluationReport:
    """Everything an evaluation found, aggregates only."""

    program: str
    organisation: str
    owner: str
    sponsor: str
    revision: int
    """The design's revision the evaluation read (its plan and objectives)."""
    run_at: dt.datetime
    outcomes_file: str
    survey_file: str | None
    people: int | None
    """Rows of the outcomes file (None when under five: suppressed)."""
    participants: int | None
    expected_participants: int | None
    """The model step's expected number of mentees (the plan), to set beside the count."""
    covariates: tuple[str, ...]
    objectives: tuple[ObjectiveEvaluation, ...]
    scales: tuple[ScaleScore, ...]
    quality_standard: str | None
    quality: tuple[QualityItem, ...]
    significance: float
    notes: tuple[str, ...] = field(default=())

    @property
    def suppressed(self) -> tuple[str, ...]:
        """Every figure left out because it would describe fewer than five people."""
        cells = []
        if self.people is None:
            cells.append("the number of people in the outcomes file")
        if self.participants is None:
            cells.append("the number of participants")
        for o in self.objectives:
            if o.estimate is not None and o.estimate.verdict == "suppressed":
                cells.append(f"every figure for '{o.metric}'")
        for s in self.scales:
            if s.suppressed:
                cells.append(f"every figure for the scale '{s.title}'")
        return tuple(cells)


def _name(source: Source, file: str | None) -> str:
    if file:
        return Path(file).name
    return Path(source).name if isinstance(source, str | Path) else "outcomes"


def _measure(design: Design, metric: str) -> EffectivenessMeasure | None:
    key = objective_key(metric)
    return next(
        (m for m in design.evaluation.effectiveness if objective_key(m.objective) == key), None
    )


def _objective(
    design: Design, o: Objective, frame: Any, columns: dict[str, str], covariates: Sequence[str]
) -> ObjectiveEvaluation:
    measure = _measure(design, o.metric)
    chosen = measure.design if measure is not None else None
    expected = chosen is not None or bool(measure is not None and measure.column.strip())
    kind: EvaluationDesign = chosen or DEFAULT_DESIGN
    column = columns.get(o.metric)
    found = None
    if column is not None:
        found = estimate(
            frame,
            column=column,
            objective=o,
            design=kind,
            covariates=covariates,
            significance=design.evaluation.significance,
        )
    return ObjectiveEvaluation(
        metric=o.metric,
        description=o.description,
        unit=o.unit,
        baseline=o.baseline,
        target=o.target,
        design=kind,
        design_chosen=chosen is not None,
        column=column,
        looked_for=objective_column(design, o.metric),
        expected=expected,
        estimate=found,
    )


def _quality(design: Design) -> tuple[QualityItem, ...]:
    standard = design.evaluation.quality_standard
    if not standard or knowledge.entry("standards", standard) is None:
        return ()
    shown = quality.evidence(design, standard)
    checklist = design.evaluation.quality_checklist
    return tuple(
        QualityItem(b.text, b.required, checklist.get(b.key), shown.get(b.key, ""))
        for b in knowledge.benchmarks(standard)
    )


def _small(count: int) -> int | None:
    return count if count >= SMALLEST_GROUP else None


def evaluate(
    design: Design,
    outcomes: Source,
    *,
    file: str | None = None,
    survey: Source | None = None,
    survey_file: str | None = None,
    covariates: Sequence[str] | None = None,
) -> EvaluationReport:
    """Measure every objective of ``design`` in ``outcomes`` and score its survey scales.

    Args:
        outcomes: the outcomes file (a path, or an upload's bytes with ``file`` its name).
        survey: the survey file; scored on the design's survey scales (with none chosen
            it is not read, and the report says so).
        covariates: compare like with like on these columns for this run only, instead
            of the design's list.

    Raises:
        EvaluationError: the outcomes or survey file cannot be used (every problem at
            once).
    """
    covs = tuple(design.evaluation.covariates if covariates is None else covariates)
    # The design's own list or this run's: the reader words a missing column for each.
    data = load_outcomes(outcomes, design, file=file, covariates=covariates)
    scales = tuple(design.evaluation.surveys)
    notes: list[str] = []
    scored: tuple[ScaleScore, ...] = ()
    survey_name = None
    if survey is not None and not scales:
        notes.append(
            f"The survey file {_name(survey, survey_file)} is not scored: no survey scale is "
            "chosen. Tick the scales your survey asked in the evaluation step and measure "
            "again."
        )
    elif survey is not None:
        survey_name = _name(survey, survey_file)
        frame = read_survey(survey, survey_name, scales)
        scored = tuple(score_scales(frame, scales))
    elif scales:
        notes.append("No survey file was given, so the survey scales are not scored.")
    rows = len(data.frame)
    participants = int(data.frame["participant"].sum())
    return EvaluationReport(
        program=design.program.name,
        organisation=design.program.organisation,
        owner=design.program.owner,
        sponsor=design.program.sponsor,
        revision=design.revision,
        run_at=clock.now(),
        outcomes_file=_name(outcomes, file or data.file),
        survey_file=survey_name,
        people=_small(rows),
        participants=_small(participants),
        expected_participants=design.participation.expected_mentees,
        covariates=covs,
        objectives=tuple(
            _objective(design, o, data.frame, data.columns, covs) for _, o in design.objectives()
        ),
        scales=scored,
        quality_standard=design.evaluation.quality_standard,
        quality=_quality(design),
        significance=design.evaluation.significance,
        notes=tuple(notes),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def to_json(report: EvaluationReport) -> dict[str, Any]:
    """``evaluation.json``: every aggregate the report holds, nothing about a person."""
    objectives = []
    for o in report.objectives:
        e = o.estimate
        objectives.append(
            {
                "metric": o.metric,
                "column": o.column,
                "design": o.design,
                "n_participants": e.n_participants if e else None,
                "n_comparison": e.n_comparison if e else None,
                "participants_value": _round(e.participants_value) if e else None,
                "comparison_value": _round(e.comparison_value) if e else None,
                "baseline": o.baseline,
                "target": o.target,
                "naive_difference": _round(e.naive_difference) if e else None,
                "effect": _round(e.effect) if e else None,
                "ci_low": _round(e.ci_low) if e else None,
                "ci_high": _round(e.ci_high) if e else None,
                "method": e.method if e else "not in the outcomes file",
                "verdict": e.verdict if e else "not_measured",
            }
        )
    return {
        "program": report.program,
        "run_at": report.run_at.isoformat().replace("+00:00", "Z"),
        "outcomes_file": report.outcomes_file,
        "survey_file": report.survey_file,
        "people": report.people,
        "participants": report.participants,
        "covariates": list(report.covariates),
        "confidence": round(1 - report.significance, 4),
        "objectives": objectives,
        "scales": [
            {
                "scale": s.scale,
                "title": s.title,
                "n": s.n if not s.suppressed else None,
                "mean": _round(s.mean),
                "ci_low": _round(s.ci_low),
                "ci_high": _round(s.ci_high),
                "alpha": _round(s.alpha),
                "warning": s.warning,
            }
            for s in report.scales
        ],
        "quality": [
            {
                "benchmark": q.benchmark,
                "required": q.required,
                "met": q.met,
                "evidence": q.evidence,
            }
            for q in report.quality
        ],
        "suppressed": list(report.suppressed),
    }


def record_results(design: Design, report: EvaluationReport) -> Design:
    """The design with the run's aggregates in ``evaluation.results`` (for the charter's
    results addendum): only what the report already shows, never a person's value."""
    results = EvaluationResults(
        run_at=report.run_at,
        objectives=[
            ObjectiveResult(
                metric=o.metric,
                n_participants=o.estimate.n_participants,
                n_comparison=o.estimate.n_comparison,
                participants_value=_round(o.estimate.participants_value),
                effect=_round(o.estimate.effect),
                ci_low=_round(o.estimate.ci_low),
                ci_high=_round(o.estimate.ci_high),
                method=o.estimate.method,
                verdict=o.estimate.verdict,
            )
            for o in report.objectives
            if o.estimate is not None
        ],
    )
    evaluation = design.evaluation.model_copy(update={"results": results})
    return design.model_copy(update={"evaluation": evaluation})
