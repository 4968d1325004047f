"""The charter's results addendum: what the evaluation found, once the program has run.

A charter is signed before the program starts; a year on, the sponsor who signed it asks
whether it worked. The evaluation step records its aggregates in the design
(``evaluation.results``, :func:`workbook.evaluation.pipeline.record_results`), and the
charter then carries them as an appendix: per objective, how many took part and were
compared, the effect with its interval, and the verdict, in the words the evaluation
report uses. Nothing here can describe fewer than five people: the recorded aggregates
already leave those figures out.
"""

from __future__ import annotations

from workbook.charter.blocks import Paragraph, Section, Table
from workbook.charter.drafting import SectionDraft
from workbook.design import Design, Objective, ObjectiveResult, objective_key
from workbook.evaluation.verdicts import VERDICTS, change


def _row(r: ObjectiveResult, objective: Objective | None) -> tuple[str, ...]:
    name = (objective.description if objective is not None else "") or r.metric
    if r.verdict == "suppressed":
        return (name, "fewer than five", "", VERDICTS[r.verdict])
    effect = ""
    if r.effect is not None:
        unit = objective.unit if objective is not None else ""
        effect = change(r.effect, unit)
        if r.ci_low is not None and r.ci_high is not None:
            effect += f" ({change(r.ci_low, unit)} to {change(r.ci_high, unit)})"
    people = f"{r.n_participants} participants, {r.n_comparison} compared"
    return (name, people, effect, VERDICTS.get(r.verdict, r.verdict))


def results_appendix(d: Design) -> Section | None:
    """The evaluation's recorded results, or None while none are recorded."""
    results = d.evaluation.results
    if results is None:
        return None
    objectives = {objective_key(o.metric): o for _, o in d.objectives()}
    s = SectionDraft("results", "Results of the evaluation", "appendix")
    when = f" on {results.run_at.date().isoformat()}" if results.run_at else ""
    s.add(
        Paragraph(
            f"Recorded by the evaluation step{when}. Each verdict is read from the 95% "
            "interval: the target is met when the whole interval reaches the change it asks "
            "for, not met when the whole interval falls short, and otherwise the evaluation "
            "cannot tell yet. The full report, with how each objective was measured, is the "
            "evaluation report."
        ),
        Table(
            "results",
            ("Objective", "People", "Effect (95% interval)", "Verdict"),
            tuple(_row(r, objectives.get(objective_key(r.metric))) for r in results.objectives),
            "Results",
            "No objective was measured in the outcomes file.",
        ),
    )
    return s.done()
