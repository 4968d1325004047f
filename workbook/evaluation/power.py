"""The smallest change an evaluation could detect, before the program starts.

A designer who insists on measurable objectives should know whether the objective can
be measured at all with this cohort: with 40 mentees and a 78% baseline, a one-cohort
evaluation cannot confirm a 10-point rise. The calculation is statsmodels' normal-theory
power for two independent samples (participants against a comparison group) or one
sample (participants against the baseline as a fixed figure); for a percentage the
effect is Cohen's h, turned back into points at the baseline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from workbook.design import EvaluationDesign


@dataclass(frozen=True)
class Detectable:
    """The smallest detectable change and what it was worked out from."""

    change: float
    """In the metric's unit (points for a percentage), in the direction of the target."""
    participants: int
    comparison: int | None
    """None for a before/after design (the baseline is taken as a fixed figure)."""
    power: float
    significance: float


def is_rate(unit: str) -> bool:
    """A metric measured as a percentage of people (retention ``%``, ``% agree``): per
    person it is yes or no, for a group the share in percent."""
    words = unit.strip().casefold()
    return words.startswith(("%", "percent", "per cent"))


def detectable_change(
    *,
    design: EvaluationDesign,
    participants: int,
    comparison: int | None,
    baseline: float,
    rate: bool,
    spread: float | None = None,
    upward: bool = True,
    power: float = 0.8,
    significance: float = 0.05,
) -> Detectable | None:
    """The smallest change from ``baseline`` the evaluation would detect with the given
    power at the given two-sided significance; None when it cannot be worked out (no
    participants, no comparison group for a design that needs one, a metric that is not
    a percentage without its spread, a percentage baseline outside 0-100).

    For a percentage the change is in points and never runs past 0 or 100: a change the
    scale cannot hold is reported as the whole distance to the bound, which is what the
    designer must read as "cannot be detected".
    """
    from statsmodels.stats.power import NormalIndPower

    if participants < 2:
        return None
    two_sample = design != "before_after"
    if two_sample and not comparison:
        return None
    if rate:
        if not 0 < baseline < 100:
            return None
    elif spread is None or spread <= 0:
        return None
    ratio = (comparison or 0) / participants if two_sample else 0.0
    h = NormalIndPower().solve_power(
        effect_size=None,
        nobs1=participants,
        alpha=significance,
        power=power,
        ratio=ratio,
        alternative="two-sided",
    )
    h = float(h)
    if not rate:
        change = h * float(spread)  # type: ignore[arg-type]
    else:
        phi = 2 * math.asin(math.sqrt(baseline / 100))
        moved = phi + h if upward else phi - h
        moved = min(max(moved, 0.0), math.pi)
        change = abs(100 * math.sin(moved / 2) ** 2 - baseline)
    return Detectable(
        change=change,
        participants=participants,
        comparison=comparison if two_sample else None,
        power=power,
        significance=significance,
    )
