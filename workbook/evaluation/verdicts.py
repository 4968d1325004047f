"""How an evaluation's results read, the same in the evaluation report and in the
charter's results addendum (which must not load the estimators to say them)."""

from __future__ import annotations

from workbook.evaluation.power import is_rate

VERDICTS = {
    "met": "target met",
    "not_met": "target not met",
    "cannot_tell": "cannot tell yet",
    "suppressed": "not shown (fewer than five people)",
    "not_measured": "not in the outcomes file",
}
"""A verdict as every page and document says it."""


def change(value: float | None, unit: str) -> str:
    """A difference of a metric: ``+6.0 points`` for a percentage, ``-7.5 months``
    otherwise; ``not known`` for none."""
    if value is None:
        return "not known"
    if is_rate(unit):
        return f"{value:+.1f} points"
    return f"{value:+.3g}" + (f" {unit.strip()}" if unit.strip() else "")
