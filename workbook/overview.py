"""Where a design stands: for each step, what is still open and which rules it breaks.

The program overview (``notebooks/index.ipynb``, the app's landing page) and anyone
batch-checking many programs use this. The open decisions come from the charter's
readiness checklist and the findings from :func:`workbook.rules.check`, so the overview,
the charter and ``workbook validate`` never disagree; each is attributed to the step
whose fields it concerns (the step registry, :mod:`workbook.steps`).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook import charter, rules, steps
from workbook.design import Design


@dataclass(frozen=True)
class StepStatus:
    """One design step's state in a design."""

    key: str
    notebook: str
    title: str
    description: str
    open: tuple[str, ...]
    """Labels of the decisions this step has not made yet."""
    findings: tuple[rules.Finding, ...]
    after_launch: bool = False
    """A step for once the program has run (the evaluation)."""
    used: bool = False
    """An after-launch step has been used (the evaluation's results are recorded)."""

    @property
    def state(self) -> str:
        """``"attention"`` (a rule is broken), ``"open"`` (decisions left), ``"later"``
        (a step for after the launch, not used yet) or ``"done"``."""
        if self.findings:
            return "attention"
        if self.open:
            return "open"
        return "later" if self.after_launch and not self.used else "done"


def status(design: Design) -> list[StepStatus]:
    """Every step of the design phase, in order, with its open decisions and findings."""
    findings = rules.check(design)
    built = charter.build(design, findings=findings, chart=False)
    every = steps.specs()
    last = [s for s in every if not s.after_launch][-1]
    open_by_step: dict[str, list[str]] = {s.key: [] for s in every}
    for decision in built.open_decisions:
        # A decision no step owns is the design phase's last step's to settle: the charter's.
        decided_by = steps.owner(decision.field) or last
        open_by_step[decided_by.key].append(decision.label)
    return [
        StepStatus(
            key=s.key,
            notebook=s.notebook,
            title=s.title,
            description=s.description,
            open=tuple(open_by_step[s.key]),
            findings=tuple(f for f in findings if f.step == s.key),
            after_launch=s.after_launch,
            used=design.evaluation.results is not None,
        )
        for s in every
    ]
