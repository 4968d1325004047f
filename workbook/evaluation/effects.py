"""The program's effect on one objective, measured against the comparison the design chose.

A sponsor will read one number per objective, so that number has to be honest about
who took part. Participants in a voluntary program are not a random draw: in a call
centre field experiment the people who opted in gained least from mentoring (Sandvik et
al. 2021), and the widely quoted Sun Microsystems retention figures compare self-selected
groups. So each design gets its own estimator, and every estimate carries the naive
difference (participants against everyone else) next to it, so the reader sees how much
the choice of comparison matters.

- ``before_after``: the participants' result against the objective's baseline, taken as
  a fixed figure. It cannot separate the program from everything else that changed.
- ``comparison`` and ``waitlist``: coarsened exact matching. Everyone is grouped by the
  covariates (categories as recorded, numbers in quarters of the whole file); inside
  each group the non-participants are weighted up or down to the participants' numbers,
  so the comparison has the participants' mix (the effect on the treated). Participants
  in a group with no non-participant have nobody comparable and are left out.
- ``randomised``: ``participant`` means *invited*, at random; the difference in means is
  the effect of the invitation and needs no matching.

The interval for every two-group design is the participant coefficient of a weighted
least squares of the outcome on ``participant`` and one indicator per matched group, with
HC2 (heteroskedasticity-robust) standard errors and a t quantile on the regression's
residual degrees of freedom. The group indicators do not move the estimate (with these
weights the coefficient is exactly the participants' mean minus the weighted comparison
mean) but they keep the differences *between* groups, which matching has already taken
out, from widening the interval. The coefficient and its HC2 variance are computed in
closed form (Frisch-Waugh-Lovell: demean within groups), which equals statsmodels' WLS
with ``cov_type="HC2"`` on the full indicator matrix (a test checks it) without building
a matrix of one column per group.

The verdict is read from the interval, never the point estimate. Nothing returned
describes fewer than :data:`~workbook.design.SMALLEST_GROUP` people: with fewer
participants or comparison people every figure is withheld.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from workbook.design import SMALLEST_GROUP, EvaluationDesign, Objective
from workbook.evaluation.power import is_rate

Verdict = Literal["met", "not_met", "cannot_tell", "suppressed"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]
Flags = npt.NDArray[np.bool_]

FEW_VALUES = 4
"""A numeric covariate with this many distinct values or fewer (a level 1-4, a yes/no
flag) is matched value by value, like a category; one with more is cut into quarters."""

BANDS = 4
"""Numeric covariates are coarsened into this many bands (quartiles of the whole file)."""


@dataclass(frozen=True)
class Balance:
    """How alike participants and their comparison are on one covariate.

    The standardised difference is the difference in means divided by the pooled
    standard deviation of participants and all non-participants (before weighting); the
    same divisor is used before and after, so the change shows the means moving, not
    the spread. Values under 0.1 in absolute terms are usually read as balanced.

    A numeric covariate that was cut into bands is compared on its values (signed:
    positive means participants have more), so any difference left inside the bands
    shows. A categorical covariate (or a numeric one with few values) is compared on
    each category's share, and the figure is the largest absolute difference over its
    categories (never negative: with two categories the two differences are mirror
    images, so a sign would mean nothing). Missing values form a category of their own
    for categorical covariates and are left out of a numeric covariate's means.
    """

    covariate: str
    """The column name."""
    before: float
    """Standardised difference, participants against all non-participants."""
    after: float
    """The same against the comparison group as weighted (matched)."""


@dataclass(frozen=True)
class Estimate:
    """One objective's measured effect with everything a sponsor needs to read it.

    Every figure is in the metric's unit; for a percentage metric (``is_rate``) values
    are percentages (0-100) and differences are percentage points. The participants
    throughout are the participants used in the estimate (those with a value and
    somebody comparable); the people left out appear only as counts.
    """

    column: str
    n_participants: int
    """Participants with a value, used in the estimate (0 when fewer than five)."""
    n_comparison: int
    """Comparison people with a value who enter the estimate (weight above zero),
    counted as people, not weighted; 0 for a before/after design and when fewer than
    five."""
    participants_value: float | None
    """The participants' mean (a share in percent for a percentage metric)."""
    comparison_value: float | None
    """What the participants are compared with: the weighted comparison mean, or the
    baseline for a before/after design; ``effect = participants_value -
    comparison_value`` holds for every design."""
    naive_difference: float | None
    """The participants (those used in the estimate) minus ALL non-participants with a
    value, unweighted; ``naive_difference - effect`` is what the choice of comparison
    changed. None when fewer than five non-participants have a value."""
    effect: float | None
    """Participants against the design's comparison."""
    ci_low: float | None
    ci_high: float | None
    needed: float | None
    """``target - baseline`` (its sign gives the direction); None when either is
    missing. It comes from the objective, not from people, so it stays when the figures
    are suppressed."""
    verdict: Verdict
    method: str
    """The method in plain words for a sponsor."""
    balance: tuple[Balance, ...]
    dropped: int
    """Participants with a value left out because nobody comparable had one."""
    notes: tuple[str, ...]
    """Plain-words caveats: the design's weakness, people left out, privacy."""


def estimate(
    frame: pd.DataFrame,
    *,
    column: str,
    objective: Objective,
    design: EvaluationDesign,
    covariates: Sequence[str] = (),
    significance: float = 0.05,
) -> Estimate:
    """Measure the program's effect on one objective against the design's comparison.

    Args:
        frame: one row per employee: ``participant`` (bool; for a randomised design,
            *was invited*), the covariates, and ``column`` (a number, NaN when
            missing; for a percentage metric 1 or 0 per person). The reader module
            has checked it; this function only refuses to describe small groups.
        column: the outcome column.
        objective: baseline and target give the change needed; the unit says whether
            the metric is a percentage.
        design: how the participants' result is compared (see the module docstring).
        covariates: columns the comparison is matched on (comparison and waitlist) and
            balance is reported on (those and randomised); ignored by before/after.
        significance: two-sided; the interval covers ``1 - significance``.
    """
    scale = 100.0 if is_rate(objective.unit) else 1.0
    needed = _needed(objective)
    level = f"{round(100 * (1 - significance), 6):g}%"
    y = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    invited = frame["participant"].eq(True).to_numpy(dtype=bool)
    has_value = ~np.isnan(y)
    notes = [_missing_note(column, invited, has_value, design)]
    if design == "before_after":
        return _before_after(
            y, invited, has_value, column, objective, scale, needed, level, significance, notes
        )

    used = list(covariates) if design != "randomised" else []
    strata, words = _strata(frame, used)
    y, invited, strata = y[has_value], invited[has_value], strata[has_value]
    weights = _att_weights(invited, strata)
    kept = weights > 0
    dropped = int(np.sum(invited & ~kept))
    n_t = int(np.sum(invited & kept))
    n_c = int(np.sum(~invited & kept))
    method = _comparison_method(design, used, words, level, scale == 100.0)
    notes += _design_notes(design, used, words)
    if dropped:
        notes.append(_dropped_note(dropped, design, used))
    if n_t < SMALLEST_GROUP or n_c < SMALLEST_GROUP:
        return _suppressed(column, n_t, n_c, needed, method, dropped, notes, design)

    contrast = _contrast(y, invited, strata, weights, significance)
    everyone_else = float(np.mean(y[~invited]))
    effect, low, high = (scale * v for v in (contrast.effect, contrast.low, contrast.high))
    verdict = _verdict(low, high, needed, notes)
    return Estimate(
        column=column,
        n_participants=n_t,
        n_comparison=n_c,
        participants_value=scale * contrast.participants,
        comparison_value=scale * contrast.comparison,
        naive_difference=scale * (contrast.participants - everyone_else),
        effect=effect,
        ci_low=low,
        ci_high=high,
        needed=needed,
        verdict=verdict,
        method=method,
        balance=_balances(frame, has_value, list(covariates), invited, weights),
        dropped=dropped,
        notes=tuple(n for n in notes if n),
    )


# ----------------------------------------------------------------------- before/after


def _before_after(
    y: Floats,
    invited: Flags,
    has_value: Flags,
    column: str,
    objective: Objective,
    scale: float,
    needed: float | None,
    level: str,
    significance: float,
    notes: list[str],
) -> Estimate:
    """Participants against the baseline as a fixed figure: the interval comes from
    the participants alone (a Wilson interval for a share, a t interval for a mean),
    since the baseline is treated as known."""
    mine = y[invited & has_value]
    others = y[~invited & has_value]
    rate = scale == 100.0
    baseline = objective.baseline
    method = (
        f"Participants' {'share' if rate else 'average'} against the objective's baseline"
        + (f" of {baseline:g}" if baseline is not None else "")
        + f", taken as a fixed figure; the {level} interval is "
        + ("a Wilson interval for a share" if rate else "a t interval")
        + " from the participants' results alone."
    )
    notes.append(
        "A before/after comparison cannot separate the program from everything else that "
        "changed since the baseline was measured (the job market, pay, a reorganisation, "
        "who was hired); read the effect as the change among participants, not the "
        "program's doing."
    )
    if len(mine) < SMALLEST_GROUP:
        return _suppressed(column, len(mine), 0, needed, method, 0, notes, "before_after")

    value = float(np.mean(mine))
    naive = None
    if len(others) >= SMALLEST_GROUP:
        naive = scale * (value - float(np.mean(others)))
    if baseline is None:
        notes.append("The objective has no baseline, so there is nothing to compare with.")
        return Estimate(
            column=column,
            n_participants=len(mine),
            n_comparison=0,
            participants_value=scale * value,
            comparison_value=None,
            naive_difference=naive,
            effect=None,
            ci_low=None,
            ci_high=None,
            needed=needed,
            verdict="cannot_tell",
            method=method,
            balance=(),
            dropped=0,
            notes=tuple(n for n in notes if n),
        )
    low, high = _mean_interval(mine, rate, significance)
    low, high = scale * low - baseline, scale * high - baseline
    return Estimate(
        column=column,
        n_participants=len(mine),
        n_comparison=0,
        participants_value=scale * value,
        comparison_value=baseline,
        naive_difference=naive,
        effect=scale * value - baseline,
        ci_low=low,
        ci_high=high,
        needed=needed,
        verdict=_verdict(low, high, needed, notes),
        method=method,
        balance=(),
        dropped=0,
        notes=tuple(n for n in notes if n),
    )


def _mean_interval(values: Floats, rate: bool, significance: float) -> tuple[float, float]:
    """The interval for one group's mean (a share as 0-1 for a rate)."""
    # imported here: only an estimate needs them (neither ships type hints)
    from scipy import stats  # type: ignore[import-untyped, unused-ignore]
    from statsmodels.stats.proportion import (  # type: ignore[import-untyped, unused-ignore]
        proportion_confint,
    )

    n = len(values)
    if rate:
        low, high = proportion_confint(
            float(np.sum(values)), n, alpha=significance, method="wilson"
        )
        return float(low), float(high)
    half = float(stats.t.ppf(1 - significance / 2, n - 1)) * float(np.std(values, ddof=1))
    half /= math.sqrt(n)
    mean = float(np.mean(values))
    return mean - half, mean + half


# ----------------------------------------------------------------------- matching


def _strata(frame: pd.DataFrame, covariates: list[str]) -> tuple[Ints, list[str]]:
    """Each row's matching group, and how each covariate was grouped (in words).

    Bands are cut on the whole file, not on the people with a value, so the same person
    lands in the same band for every objective.
    """
    if not covariates:
        return np.zeros(len(frame), dtype=np.intp), []
    codes = []
    words = []
    for name in covariates:
        code, banded = _coarsen(frame[name])
        codes.append(code)
        words.append(
            f"{name} (in four bands, each a quarter of the whole file)" if banded else name
        )
    _, inverse = np.unique(np.column_stack(codes), axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.intp), words


def _coarsen(values: pd.Series) -> tuple[Ints, bool]:
    """A covariate's group codes: a number with many values in quartile bands, anything
    else value by value; a missing value is a group of its own (dropping it would drop
    the person)."""
    if _banded(values):
        bands = pd.qcut(values, BANDS, labels=False, duplicates="drop")
        return bands.fillna(-1).to_numpy(dtype=np.intp), True
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.intp), False


def _banded(values: pd.Series) -> bool:
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    return numeric and int(values.nunique(dropna=True)) > FEW_VALUES


def _att_weights(invited: Flags, strata: Ints) -> Floats:
    """Weights that give the comparison the participants' mix (effect on the treated).

    A participant weighs 1 when their group has a non-participant, else 0 (nobody
    comparable). A non-participant weighs (participants / non-participants) in their
    group, so each group's comparison weighs as much as its participants; groups without
    participants weigh 0.
    """
    size = int(strata.max()) + 1 if len(strata) else 0
    n_t = np.bincount(strata[invited], minlength=size)[strata]
    n_c = np.bincount(strata[~invited], minlength=size)[strata]
    comparison = np.where(n_t > 0, n_t / np.maximum(n_c, 1), 0.0)
    return np.where(invited, (n_c > 0).astype(float), comparison)


@dataclass(frozen=True)
class _Contrast:
    participants: float
    comparison: float
    effect: float
    low: float
    high: float


def _contrast(
    y: Floats, invited: Flags, strata: Ints, weights: Floats, significance: float
) -> _Contrast:
    """Participants' mean against the weighted comparison, with a robust interval.

    This is WLS of y on ``participant`` and one indicator per group, solved by
    demeaning within groups. The hat matrix splits into the group indicators' part
    (w / group weight) and the demeaned participant column's part, which gives HC2's
    leverages without the full matrix.
    """
    from scipy import stats  # type: ignore[import-untyped, unused-ignore]

    keep = weights > 0
    y, w, d = y[keep], weights[keep], invited[keep].astype(float)
    _, group = np.unique(strata[keep], return_inverse=True)
    group = group.reshape(-1)
    total = np.bincount(group, weights=w)
    d_dev = d - (np.bincount(group, weights=w * d) / total)[group]
    y_dev = y - (np.bincount(group, weights=w * y) / total)[group]
    sxx = float(np.sum(w * d_dev * d_dev))
    effect = float(np.sum(w * d_dev * y_dev)) / sxx
    resid = y_dev - effect * d_dev
    leverage = w / total[group] + w * d_dev * d_dev / sxx
    spread = np.sum((w * d_dev * resid) ** 2 / np.maximum(1 - leverage, 1e-12))
    se = math.sqrt(float(spread)) / sxx
    df = len(y) - (len(total) + 1)
    half = float(stats.t.ppf(1 - significance / 2, df)) * se
    mine = float(np.mean(y[d == 1]))
    return _Contrast(
        participants=mine,
        comparison=float(np.average(y[d == 0], weights=w[d == 0])),
        effect=effect,
        low=effect - half,
        high=effect + half,
    )


# ----------------------------------------------------------------------- balance


def _balances(
    frame: pd.DataFrame,
    rows: Flags,
    covariates: list[str],
    invited: Flags,
    weights: Floats,
) -> tuple[Balance, ...]:
    """Each covariate's standardised difference before and after weighting, over the
    people with a value (``rows``); participants are those used in the estimate."""
    mine = invited & (weights > 0)
    before_w = np.where(invited, mine.astype(float), 1.0)
    after_w = np.where(invited, mine.astype(float), weights)
    result = []
    for name in covariates:
        if _banded(frame[name]):
            columns = [frame[name].to_numpy(dtype=float)[rows]]
            signed = True
        else:
            codes, _ = pd.factorize(frame[name].to_numpy()[rows], use_na_sentinel=False)
            columns = [(codes == c).astype(float) for c in range(int(codes.max()) + 1)]
            signed = False
        pairs = [_standardised(x, invited, before_w, after_w) for x in columns]
        if signed:
            before, after = pairs[0]
        else:
            before = max(abs(b) for b, _ in pairs)
            after = max(abs(a) for _, a in pairs)
        result.append(Balance(covariate=name, before=before, after=after))
    return tuple(result)


def _standardised(
    x: Floats, invited: Flags, before_w: Floats, after_w: Floats
) -> tuple[float, float]:
    """Standardised difference of x before and after, over the pooled spread before
    (participants' and all non-participants' variances averaged; a 0/1 column's
    variance is p(1-p))."""
    ok = ~np.isnan(x)
    t, c = invited & ok, ~invited & ok
    if not (np.any(before_w[t] > 0) and np.any(before_w[c] > 0)):
        return math.nan, math.nan
    binary = bool(np.all((x[ok] == 0) | (x[ok] == 1)))
    mean_t = float(np.average(x[t], weights=before_w[t]))
    mean_c = float(np.average(x[c], weights=before_w[c]))
    if binary:
        pooled = (mean_t * (1 - mean_t) + mean_c * (1 - mean_c)) / 2
    else:
        var_t = _weighted_var(x[t], before_w[t])
        var_c = float(np.var(x[c], ddof=1)) if np.sum(c) > 1 else 0.0
        pooled = (var_t + var_c) / 2
    after_c = float(np.average(x[c], weights=after_w[c])) if np.any(after_w[c] > 0) else mean_c
    return _ratio(mean_t - mean_c, pooled), _ratio(mean_t - after_c, pooled)


def _weighted_var(x: Floats, w: Floats) -> float:
    """Sample variance of the rows with weight 1 (the participants used)."""
    chosen = x[w > 0]
    return float(np.var(chosen, ddof=1)) if len(chosen) > 1 else 0.0


def _ratio(difference: float, variance: float) -> float:
    """A difference over a standard deviation; no spread and no difference is 0, a
    difference with no spread is infinitely far apart."""
    if variance > 0:
        return difference / math.sqrt(variance)
    return 0.0 if difference == 0 else math.copysign(math.inf, difference)


# ----------------------------------------------------------------------- verdict


def _needed(objective: Objective) -> float | None:
    if objective.target is None or objective.baseline is None:
        return None
    return objective.target - objective.baseline


def _verdict(low: float, high: float, needed: float | None, notes: list[str]) -> Verdict:
    """Met when the whole interval reaches the change needed in its direction, not met
    when the whole interval falls short of it; otherwise the data cannot tell. The point
    estimate alone never decides: it is one draw of a noisy figure."""
    if needed is None:
        notes.append(
            "The objective has no baseline and target, so there is no change to judge the "
            "effect against."
        )
        return "cannot_tell"
    if needed == 0:
        notes.append(
            "The target equals the baseline, so the objective gives no direction to judge "
            "the effect by."
        )
        return "cannot_tell"
    reached, short = (
        (low >= needed, high < needed) if needed > 0 else (high <= needed, low > needed)
    )
    if reached:
        return "met"
    if short:
        return "not_met"
    if low <= 0 <= high and low <= needed <= high:
        notes.append(
            "The interval includes both no change and the change the objective needs: "
            "these groups are too small to tell them apart."
        )
    return "cannot_tell"


# ----------------------------------------------------------------------- words


def _suppressed(
    column: str,
    n_t: int,
    n_c: int,
    needed: float | None,
    method: str,
    dropped: int,
    notes: list[str],
    design: EvaluationDesign,
) -> Estimate:
    """No figure about people when either group is under the smallest group: with four
    or fewer, anyone who knows who took part can work out a person's result."""
    short = []
    if n_t < SMALLEST_GROUP:
        short.append("participants" if design != "randomised" else "invited people")
    if n_c < SMALLEST_GROUP and design != "before_after":
        short.append(_others(design))
    notes.append(
        f"Fewer than five {' and fewer than five '.join(short)} have a value for {column}, "
        "so no figure is shown (privacy: a result about so few people describes persons)."
    )
    return Estimate(
        column=column,
        n_participants=n_t if n_t >= SMALLEST_GROUP else 0,
        n_comparison=n_c if n_c >= SMALLEST_GROUP else 0,
        participants_value=None,
        comparison_value=None,
        naive_difference=None,
        effect=None,
        ci_low=None,
        ci_high=None,
        needed=needed,
        verdict="suppressed",
        method=method,
        balance=(),
        dropped=dropped,
        notes=tuple(n for n in notes if n),
    )


def _others(design: EvaluationDesign) -> str:
    """The comparison people, as a sponsor would call them."""
    return {"waitlist": "people on the waitlist", "randomised": "people not invited"}.get(
        design, "non-participants"
    )


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _comparison_method(
    design: EvaluationDesign, covariates: list[str], words: list[str], level: str, rate: bool
) -> str:
    difference = f"the difference in {'shares' if rate else 'averages'}"
    interval = (
        f"the {level} interval comes from a weighted regression with robust (HC2) standard errors."
    )
    if design == "randomised":
        return (
            f"Invited against not invited, chosen at random: {difference} (the effect of "
            f"being invited); {interval}"
        )
    others = "people on the waitlist" if design == "waitlist" else "non-participants"
    if not covariates:
        return (
            f"Participants against all {others} with a value (no covariates to match on): "
            f"{difference}; {interval}"
        )
    return (
        f"Participants against {others} like them (coarsened exact matching): everyone is "
        f"grouped by {_and(words)}, and in each group the {others} are weighted to the "
        "participants' numbers, so the comparison has the participants' mix; participants "
        f"in a group where there are no {others} are left out. {difference.capitalize()}; "
        f"{interval}"
    )


def _design_notes(design: EvaluationDesign, covariates: list[str], words: list[str]) -> list[str]:
    """The weakness of the comparison actually made, in words a sponsor can weigh."""
    notes = []
    if design == "randomised":
        notes.append(
            "Invitations were random, so the groups differ only by chance. The effect is "
            "that of being invited: invited people who did not take part count as "
            "invited, so if some did not, the effect of taking part itself is larger than "
            "this."
        )
        return notes
    if not covariates:
        notes.append(
            "No covariates were given, so this is the naive comparison: people who chose "
            "to take part may differ from the others (seniority, motivation, a manager's "
            "support), and the difference measures who took part as much as the program."
        )
    else:
        notes.append(
            f"Participants are compared with people alike on {_and(covariates)} only; "
            "anything else that led people to take part (motivation, a manager's support) "
            "can still differ between the groups and shows up as effect."
        )
    if any(w != c for w, c in zip(words, covariates, strict=True)):
        notes.append(
            "Numbers are matched in bands (quarters), so differences within a band remain; "
            "the balance table shows what is left."
        )
    if design == "waitlist":
        notes.append(
            "People on the waitlist applied too, so they are closer to the participants "
            "than everyone else; who got a place first (by date, manager or seniority) can "
            "still differ from who waited."
        )
    return notes


def _dropped_note(dropped: int, design: EvaluationDesign, covariates: list[str]) -> str:
    """Who was left out for want of a comparison, so the reader knows whom the effect
    is about."""
    why = (
        f"none of the {_others(design)} shares their {_and(covariates)}"
        if covariates
        else f"there are no {_others(design)} with a value"
    )
    people = "participants" if dropped != 1 else "participant"
    verb = "are" if dropped != 1 else "is"
    return (
        f"{dropped} {people} had nobody comparable ({why}) and {verb} left out; the effect "
        "is for the others."
    )


def _missing_note(column: str, invited: Flags, has_value: Flags, design: EvaluationDesign) -> str:
    """People without a value are left out; if they left for a reason tied to the
    outcome, the estimate leans, so the count is said."""
    t = int(np.sum(invited & ~has_value))
    c = int(np.sum(~invited & ~has_value))
    if not t and not c:
        return ""
    one, many = ("invited person", "invited people")
    if design != "randomised":
        one, many = ("participant", "participants")
    other_one = {"waitlist": "person on the waitlist", "randomised": "person not invited"}
    parts = [
        f"{t} {one if t == 1 else many}" if t else "",
        f"{c} {other_one.get(design, 'non-participant') if c == 1 else _others(design)}"
        if c
        else "",
    ]
    verb = "has" if t + c == 1 else "have"
    return (
        f"{' and '.join(p for p in parts if p)} {verb} no value for {column} and "
        f"{'is' if t + c == 1 else 'are'} left out; if a value is missing for a reason tied "
        "to the outcome, the estimate leans."
    )
