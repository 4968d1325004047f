"""The charter's results addendum: once the evaluation has recorded its aggregates, the
sponsor who signed the charter reads, per objective, what was found, in the evaluation
report's words; before that the charter has no such appendix."""

from __future__ import annotations

import datetime as dt

from workbook import charter
from workbook.charter.results import results_appendix
from workbook.design import (
    Design,
    EvaluationResults,
    Objective,
    ObjectiveResult,
    Purpose,
)

RETENTION = Objective(
    description="First-year retention", metric="retention", unit="%", baseline=78, target=88
)
PROMOTION = Objective(
    description="Time to promotion", metric="months to promotion", unit="months",
    baseline=30, target=24,
)  # fmt: skip


def design(*results: ObjectiveResult) -> Design:
    d = Design(purposes=[Purpose(key="career_growth", objectives=[RETENTION, PROMOTION])])
    recorded = EvaluationResults(
        run_at=dt.datetime(2027, 12, 1, 9, tzinfo=dt.UTC), objectives=list(results)
    )
    evaluation = d.evaluation.model_copy(update={"results": recorded})
    return d.model_copy(update={"evaluation": evaluation})


def test_no_results_no_appendix() -> None:
    assert results_appendix(Design()) is None
    built = charter.build(Design(), chart=False)
    assert "results" not in [s.key for s in built.sections]


def test_each_objective_reads_as_the_evaluation_report_says_it() -> None:
    d = design(
        ObjectiveResult(
            metric="Retention", n_participants=60, n_comparison=240, participants_value=86,
            effect=6.04, ci_low=1.2, ci_high=10.9, verdict="cannot_tell",
        ),
        ObjectiveResult(
            metric="months to promotion", n_participants=58, n_comparison=200,
            effect=-7.5, ci_low=-9.0, ci_high=-6.1, verdict="met",
        ),
    )  # fmt: skip
    section = results_appendix(d)
    assert section is not None and section.kind == "appendix"
    (table,) = [b for b in section.blocks if getattr(b, "key", "") == "results"]
    assert table.rows == (
        ("First-year retention", "60 participants, 240 compared",
         "+6.0 points (+1.2 points to +10.9 points)", "cannot tell yet"),
        ("Time to promotion", "58 participants, 200 compared",
         "-7.5 months (-9 months to -6.1 months)", "target met"),
    )  # fmt: skip
    assert "on 2027-12-01" in section.blocks[0].text  # type: ignore[union-attr]
    built = charter.build(d, chart=False)
    assert built.sections[-2].title == "Results of the evaluation"  # before the references
    assert built.ready == charter.build(design(), chart=False).ready  # decides nothing


def test_a_suppressed_result_shows_no_figure() -> None:
    section = results_appendix(design(ObjectiveResult(metric="retention", verdict="suppressed")))
    assert section is not None
    (table,) = [b for b in section.blocks if getattr(b, "key", "") == "results"]
    assert table.rows == (
        ("First-year retention", "fewer than five", "", "not shown (fewer than five people)"),
    )
