"""The effect estimates a sponsor reads: honest intervals, no self-selection passed off as
effect, verdicts from the interval, and nothing about fewer than five people.

The simulations draw a workforce where seniors both opt in more and do better anyway
(higher retention, higher scores), plant a known effect of taking part, and check what a
user relies on over many draws with fixed seeds: the 95% interval holds the truth about
95% of the time, and the matched estimate lands on the truth where the naive one does
not. The other tests are small hand-built frames whose figures can be worked out on
paper.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from workbook.design import Objective
from workbook.evaluation.effects import Estimate, estimate

RETENTION = Objective(metric="first-year retention", unit="%", baseline=78, target=88)
SCORE = Objective(metric="engagement score", unit="points", baseline=60, target=65)
TURNOVER = Objective(metric="turnover", unit="%", baseline=20, target=15)

LEVELS = np.array(["junior", "mid", "senior"])
DRAWS = 400
PLANTED = {"continuous": 5.0, "percentage": 8.0}
"""The planted effect of taking part: score points, or retention percentage points."""


def _workforce(
    rng: np.random.Generator, *, effect: float, percentage: bool, randomised: bool = False
) -> pd.DataFrame:
    """600 employees; seniors opt in more (8%, 20%, 45%) and do better anyway, and
    longer tenure helps too. Taking part adds ``effect`` to everyone who takes part."""
    n = 600
    level = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    tenure = rng.gamma(2.0, 2.5, size=n)
    chance = np.full(n, 0.2) if randomised else np.array([0.08, 0.2, 0.45])[level]
    took_part = rng.random(n) < chance
    if percentage:
        stays = np.array([0.56, 0.68, 0.81])[level] + 0.01 * np.minimum(tenure, 8)
        outcome = (rng.random(n) < stays + effect / 100 * took_part).astype(float)
    else:
        outcome = 50 + 6 * level + 1.5 * tenure + effect * took_part + rng.normal(0, 8, n)
    return pd.DataFrame(
        {"participant": took_part, "level": LEVELS[level], "tenure": tenure, "y": outcome}
    )


@functools.cache
def _draws(
    kind: str, effect: float, design: str = "comparison", draws: int = DRAWS
) -> tuple[Estimate, ...]:
    """Estimates from independent workforces (cached: several tests read them)."""
    rng = np.random.default_rng({"continuous": 11, "percentage": 12}[kind] + int(effect))
    objective = RETENTION if kind == "percentage" else SCORE
    return tuple(
        estimate(
            _workforce(
                rng,
                effect=effect,
                percentage=kind == "percentage",
                randomised=design != "comparison",
            ),
            column="y",
            objective=objective,
            design="randomised" if design != "comparison" else "comparison",
            covariates=("level", "tenure"),
        )
        for _ in range(draws)
    )


def _coverage(runs: tuple[Estimate, ...], truth: float) -> float:
    inside = 0
    for e in runs:
        assert e.ci_low is not None and e.ci_high is not None
        inside += e.ci_low <= truth <= e.ci_high
    return inside / len(runs)


def _frame(
    participants: list[float], others: list[float], **covariates: list[object]
) -> pd.DataFrame:
    """Participants' values, then everyone else's, with covariate columns in that order."""
    return pd.DataFrame(
        {
            "participant": [True] * len(participants) + [False] * len(others),
            **covariates,
            "y": participants + others,
        }
    )


# ------------------------------------------------------------------- simulations


@pytest.mark.parametrize("kind", ["continuous", "percentage"])
def test_a_planted_effect_is_inside_the_95_percent_interval_about_95_percent_of_the_time(
    kind: str,
) -> None:
    assert 0.92 <= _coverage(_draws(kind, PLANTED[kind]), PLANTED[kind]) <= 0.98


@pytest.mark.parametrize("kind", ["continuous", "percentage"])
def test_with_no_effect_the_interval_covers_zero_about_95_percent_of_the_time(
    kind: str,
) -> None:
    assert 0.92 <= _coverage(_draws(kind, 0.0), 0.0) <= 0.98


@pytest.mark.parametrize(("kind", "bias"), [("continuous", 3.0), ("percentage", 6.0)])
def test_self_selection_biases_the_naive_difference_but_not_the_matched_estimate(
    kind: str, bias: float
) -> None:
    # Seniors opt in more and do better anyway: everyone-else comparisons credit the
    # program with the seniors' advantage; matching on level and tenure does not.
    runs = _draws(kind, PLANTED[kind])
    naive = np.mean([e.naive_difference for e in runs])
    matched = np.mean([e.effect for e in runs])
    tolerance = 0.5 if kind == "continuous" else 1.0  # about 4 standard errors of the mean
    assert naive - PLANTED[kind] > bias
    assert abs(matched - PLANTED[kind]) < tolerance


def test_a_randomised_invitation_gives_an_unbiased_difference_against_everyone_not_invited() -> (
    None
):
    runs = _draws("continuous", PLANTED["continuous"], design="randomised", draws=200)
    assert abs(np.mean([e.effect for e in runs]) - PLANTED["continuous"]) < 0.25
    # No matching: the comparison is everyone not invited, so it is the naive one.
    assert all(e.effect == pytest.approx(e.naive_difference) and e.dropped == 0 for e in runs)


def test_the_matched_interval_is_statsmodels_weighted_regression_with_hc2_errors() -> None:
    # The closed form must equal WLS of y on participant and one indicator per matched
    # group, with the non-participants weighted to the participants' numbers.
    frame = _workforce(np.random.default_rng(3), effect=5.0, percentage=False)
    got = estimate(
        frame, column="y", objective=SCORE, design="comparison", covariates=("level", "tenure")
    )
    band = pd.qcut(frame["tenure"], 4, labels=False)
    group = frame["level"] + "/" + band.astype(str)
    n_t = group[frame["participant"]].value_counts()
    n_c = group[~frame["participant"]].value_counts()
    both = n_t.index.intersection(n_c.index)
    rows = frame[group.isin(both)]
    g = group[group.isin(both)]
    weights = np.where(rows["participant"], 1.0, (n_t / n_c)[g].to_numpy())
    exog = np.column_stack([rows["participant"].to_numpy(float), pd.get_dummies(g).to_numpy(float)])
    fit = sm.WLS(rows["y"].to_numpy(), exog, weights=weights).fit(cov_type="HC2", use_t=True)
    low, high = fit.conf_int(0.05)[0]
    assert got.effect == pytest.approx(fit.params[0], rel=1e-9)
    assert (got.ci_low, got.ci_high) == pytest.approx((low, high), rel=1e-9)
    assert got.n_participants == int(rows["participant"].sum())
    assert got.n_comparison == int((~rows["participant"]).sum())


# ------------------------------------------------------------------- before/after


def test_before_after_percentage_is_the_participants_share_against_the_baseline() -> None:
    # 9 of 10 participants stayed: 90% against a 78% baseline, with a Wilson interval.
    frame = _frame([1.0] * 9 + [0.0], [0.0] * 6)
    got = estimate(frame, column="y", objective=RETENTION, design="before_after")
    z, p, n = 1.959963984540054, 0.9, 10
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert got.participants_value == pytest.approx(90.0)
    assert got.comparison_value == 78
    assert got.effect == pytest.approx(12.0)
    assert got.ci_low == pytest.approx(100 * (centre - half) - 78)
    assert got.ci_high == pytest.approx(100 * (centre + half) - 78)
    assert got.naive_difference == pytest.approx(90.0)  # against the six who all left
    assert got.n_comparison == 0 and got.balance == ()
    assert any("cannot separate the program" in note for note in got.notes)


@pytest.mark.parametrize(("significance", "t"), [(0.05, 2.7764451051977987), (0.10, 2.13184678)])
def test_before_after_mean_has_a_t_interval_from_the_participants(
    significance: float, t: float
) -> None:
    # Scores 3..7 (mean 5, sd 1.581) against a baseline of 4: effect 1 +- t(4) * 0.7071.
    objective = Objective(metric="score", unit="points", baseline=4, target=6)
    frame = _frame([3.0, 4.0, 5.0, 6.0, 7.0], [])
    got = estimate(
        frame,
        column="y",
        objective=objective,
        design="before_after",
        significance=significance,
    )
    half = t * math.sqrt(2.5 / 5)
    assert got.effect == pytest.approx(1.0)
    assert (got.ci_low, got.ci_high) == pytest.approx((1 - half, 1 + half))
    assert got.naive_difference is None  # no non-participants in the file
    assert got.verdict == "cannot_tell"


# ------------------------------------------------------------------- verdicts


def _spread(centre: float, sd: float, n: int) -> list[float]:
    """n values with exactly this mean and a spread near sd."""
    offsets = np.linspace(-1.0, 1.0, n)
    return list(centre + sd * offsets / offsets.std(ddof=1))


def _shares(ones: int, n: int) -> list[float]:
    return [1.0] * ones + [0.0] * (n - ones)


VERDICTS = [
    # name, objective, participants, others, verdict
    ("clearly above +5", SCORE, _spread(70, 1, 40), _spread(60, 1, 40), "met"),
    ("clearly below +5", SCORE, _spread(62, 1, 40), _spread(60, 1, 40), "not_met"),
    # The point estimate (6) is beyond +5 but the interval is not: cannot tell.
    ("straddling +5", SCORE, _spread(66, 10, 40), _spread(60, 10, 40), "cannot_tell"),
    # Turnover 20 -> 15: the effect must be 5 points or more DOWN.
    ("turnover down 20", TURNOVER, _shares(10, 200), _shares(50, 200), "met"),
    ("turnover up 5", TURNOVER, _shares(600, 2000), _shares(500, 2000), "not_met"),
    ("turnover down 7, wide", TURNOVER, _shares(36, 200), _shares(50, 200), "cannot_tell"),
]


@pytest.mark.parametrize(
    ("objective", "participants", "others", "verdict"),
    [case[1:] for case in VERDICTS],
    ids=[case[0] for case in VERDICTS],
)
def test_the_verdict_is_read_from_the_whole_interval_in_the_targets_direction(
    objective: Objective, participants: list[float], others: list[float], verdict: str
) -> None:
    got = estimate(
        _frame(participants, others), column="y", objective=objective, design="comparison"
    )
    assert got.needed == objective.target - objective.baseline  # type: ignore[operator]
    assert got.ci_low is not None and got.ci_high is not None and got.needed is not None
    inside = got.ci_low <= got.needed <= got.ci_high
    assert got.verdict == verdict
    assert inside == (verdict == "cannot_tell")  # the frames are what their names say


def test_without_a_target_the_verdict_cannot_tell() -> None:
    open_ended = Objective(metric="engagement score", unit="points", baseline=60)
    got = estimate(
        _frame(_spread(70, 1, 40), _spread(60, 1, 40)),
        column="y",
        objective=open_ended,
        design="comparison",
    )
    assert got.effect == pytest.approx(10.0) and got.needed is None
    assert got.verdict == "cannot_tell"
    assert any("no baseline and target" in note for note in got.notes)


# ------------------------------------------------------------------- privacy


def test_four_participants_show_no_figure_at_all() -> None:
    got = estimate(
        _frame([1.0, 1.0, 0.0, 1.0], _shares(20, 30)),
        column="y",
        objective=RETENTION,
        design="comparison",
    )
    figures = (
        got.participants_value,
        got.comparison_value,
        got.naive_difference,
        got.effect,
        got.ci_low,
        got.ci_high,
    )
    assert figures == (None,) * 6
    assert got.verdict == "suppressed" and got.balance == ()
    assert (got.n_participants, got.n_comparison) == (0, 30)
    assert any("Fewer than five participants" in note for note in got.notes)


def test_five_participants_show_their_figures() -> None:
    got = estimate(
        _frame([1.0, 1.0, 0.0, 1.0, 1.0], _shares(20, 30)),
        column="y",
        objective=RETENTION,
        design="comparison",
    )
    assert got.participants_value == pytest.approx(80.0)
    assert got.comparison_value == pytest.approx(100 * 20 / 30)
    assert got.effect == pytest.approx(80 - 100 * 20 / 30)
    assert got.ci_low is not None and got.verdict != "suppressed"
    assert (got.n_participants, got.n_comparison) == (5, 30)


@pytest.mark.parametrize(
    ("participants", "others", "design", "counts"),
    [
        (_shares(3, 10), [1.0, 0.0, 1.0, 1.0], "comparison", (10, 0)),
        (_shares(3, 10), [1.0, 0.0, 1.0, 1.0], "randomised", (10, 0)),
        ([1.0, 1.0, 0.0, 1.0], _shares(3, 10), "before_after", (0, 0)),
        ([math.nan] * 10, [math.nan] * 10, "waitlist", (0, 0)),
    ],
    ids=["four non-participants", "four not invited", "before/after four", "all missing"],
)
def test_any_group_under_five_with_a_value_suppresses_the_estimate(
    participants: list[float], others: list[float], design: str, counts: tuple[int, int]
) -> None:
    got = estimate(
        _frame(participants, others),
        column="y",
        objective=RETENTION,
        design=design,  # type: ignore[arg-type]
    )
    assert got.verdict == "suppressed"
    assert got.effect is None and got.participants_value is None and got.naive_difference is None
    assert (got.n_participants, got.n_comparison) == counts
    assert any("Fewer than five" in note for note in got.notes)


def test_matching_that_leaves_four_participants_suppresses_the_estimate() -> None:
    # Eight participants have a value but only four share a level with anyone else.
    frame = _frame(_shares(4, 8), _shares(5, 10), level=["a"] * 4 + ["exec"] * 4 + ["a"] * 10)
    got = estimate(
        frame, column="y", objective=RETENTION, design="comparison", covariates=("level",)
    )
    assert got.verdict == "suppressed" and got.effect is None
    assert (got.n_participants, got.n_comparison, got.dropped) == (0, 10, 4)


# ------------------------------------------------------------------- matching


def _levels() -> pd.DataFrame:
    """Participants: 6 junior (mean 4), 4 senior (mean 8), 3 exec; everyone else: 10
    junior (mean 2), 5 senior (mean 5), no exec."""
    participants = [3.0, 5.0, 4.0, 4.0, 3.0, 5.0, 7.0, 9.0, 8.0, 8.0, 20.0, 21.0, 22.0]
    others = [1.0, 3.0] * 5 + [4.0, 6.0, 5.0, 5.0, 5.0]
    level = ["junior"] * 6 + ["senior"] * 4 + ["exec"] * 3 + ["junior"] * 10 + ["senior"] * 5
    return _frame(participants, others, level=level)


def test_participants_with_nobody_comparable_are_left_out_and_counted() -> None:
    got = estimate(
        _levels(), column="y", objective=SCORE, design="comparison", covariates=("level",)
    )
    # Kept participants: mean (6*4 + 4*8) / 10 = 5.6. The comparison weighted to their
    # mix: 0.6 * 2 + 0.4 * 5 = 3.2. Everyone else, unweighted: (10*2 + 5*5) / 15 = 3.
    assert got.dropped == 3
    assert (got.n_participants, got.n_comparison) == (10, 15)
    assert got.participants_value == pytest.approx(5.6)
    assert got.comparison_value == pytest.approx(3.2)
    assert got.effect == pytest.approx(2.4)
    assert got.naive_difference == pytest.approx(2.6)
    assert any("3 participants had nobody comparable" in note for note in got.notes)


@pytest.mark.parametrize(
    "level",
    [
        ["senior"] * 6 + ["junior"] * 4 + ["senior"] * 5 + ["junior"] * 15,
        [3] * 6 + [1] * 4 + [3] * 5 + [1] * 15,
    ],
    ids=["named levels", "numbered levels"],
)
def test_balance_before_is_the_standardised_difference_and_after_exact_matching_is_zero(
    level: list[object],
) -> None:
    # Senior share 0.6 among participants, 0.25 among the others:
    # (0.6 - 0.25) / sqrt((0.6 * 0.4 + 0.25 * 0.75) / 2) = 0.757.
    frame = _frame(_spread(5, 1, 10), _spread(3, 1, 20), level=level)
    got = estimate(frame, column="y", objective=SCORE, design="comparison", covariates=("level",))
    (balance,) = got.balance
    assert balance.covariate == "level"
    assert balance.before == pytest.approx(0.35 / math.sqrt((0.24 + 0.1875) / 2))
    assert balance.after == pytest.approx(0.0, abs=1e-12)
    assert got.dropped == 0 and "level" in got.method


def test_a_number_is_matched_in_quarters_of_the_whole_file() -> None:
    # Tenure 1..40 cuts into 1-10, 11-20, 21-30, 31-40. Participants sit at 1-3, 11-13
    # and 31-40; nobody else is in the top quarter, so its ten participants are left out.
    tenure = [1, 2, 3, 11, 12, 13, *range(31, 41), *range(4, 11), *range(14, 31)]
    participants = [1.0] * 6 + [9.0] * 10
    others = [float(t) / 10 for t in range(4, 11)] + [2.0] * 7 + [50.0] * 10
    frame = _frame(participants, others, tenure=[float(t) for t in tenure])
    got = estimate(frame, column="y", objective=SCORE, design="comparison", covariates=("tenure",))
    assert got.dropped == 10
    assert (got.n_participants, got.n_comparison) == (6, 14)
    # Half the kept participants in each quarter: comparison 0.5 * 0.7 + 0.5 * 2.
    assert got.comparison_value == pytest.approx(0.5 * 0.7 + 0.5 * 2.0)
    assert "four bands, each a quarter of the whole file" in got.method
    (balance,) = got.balance
    # Mean tenure 7 against 17.6 (all others) before; against 12 after (half at 7, the
    # first quarter's mean, half at 17, the second's).
    pooled = math.sqrt((np.var([1, 2, 3, 11, 12, 13], ddof=1) + np.var(tenure[16:], ddof=1)) / 2)
    assert balance.before == pytest.approx((7 - np.mean(tenure[16:])) / pooled)
    assert balance.after == pytest.approx((7 - 0.5 * 7 - 0.5 * 17) / pooled)


def test_without_covariates_the_comparison_is_everyone_else_and_says_it_is_naive() -> None:
    got = estimate(_levels(), column="y", objective=SCORE, design="comparison")
    assert got.effect == pytest.approx(got.naive_difference)
    assert got.participants_value == pytest.approx((24 + 32 + 63) / 13)
    # With one group HC2 is the unequal-variances standard error: var_t/13 + var_c/15.
    frame = _levels()
    mine, others = frame["y"][frame["participant"]], frame["y"][~frame["participant"]]
    se = math.sqrt(mine.var() / 13 + others.var() / 15)
    half = 2.0555294386428735 * se  # t(0.975) on 28 - 2 degrees of freedom
    assert (got.ci_low, got.ci_high) == pytest.approx((got.effect - half, got.effect + half))
    assert got.dropped == 0 and got.balance == ()
    assert any("naive comparison" in note for note in got.notes)


def test_a_waitlist_is_matched_like_a_comparison_group_and_named_as_such() -> None:
    args = {"column": "y", "objective": SCORE, "covariates": ("level",)}
    waitlist = estimate(_levels(), design="waitlist", **args)  # type: ignore[arg-type]
    comparison = estimate(_levels(), design="comparison", **args)  # type: ignore[arg-type]
    assert (waitlist.effect, waitlist.ci_low, waitlist.ci_high) == (
        comparison.effect,
        comparison.ci_low,
        comparison.ci_high,
    )
    assert "waitlist" in waitlist.method and "waitlist" not in comparison.method
    assert any("applied too" in note for note in waitlist.notes)


def test_people_without_a_value_are_left_out_and_counted_in_the_notes() -> None:
    frame = _frame([5.0] * 6 + [math.nan] * 2, [3.0, 4.0] * 5 + [math.nan] * 3)
    got = estimate(frame, column="y", objective=SCORE, design="comparison")
    assert (got.n_participants, got.n_comparison) == (6, 10)
    assert got.effect == pytest.approx(1.5)
    assert any("2 participants and 3 non-participants have no value" in n for n in got.notes)


def test_a_categorys_largest_difference_counts_whichever_way_it_goes() -> None:
    # Shares a/b/c: participants 0.5/0.5/0, everyone else 0.25/0.25/0.5. The largest gap
    # is c's, and it runs against the participants: 0.5 / sqrt(0.25 / 2) = 1.414.
    level = ["a"] * 5 + ["b"] * 5 + ["a"] * 5 + ["b"] * 5 + ["c"] * 10
    frame = _frame(_spread(5, 1, 10), _spread(3, 1, 20), level=level)
    got = estimate(frame, column="y", objective=SCORE, design="comparison", covariates=("level",))
    (balance,) = got.balance
    assert balance.before == pytest.approx(0.5 / math.sqrt(0.25 / 2))
    assert balance.after == pytest.approx(0.0, abs=1e-12)  # the c people weigh nothing
    assert got.n_comparison == 10


def test_bands_are_cut_on_the_whole_file_so_every_objective_uses_the_same_ones() -> None:
    # Forty more people with tenure 41-80 and no value for this objective move the
    # quarters to 1-20, 21-40, 41-60, 61-80: the participants at 31-40 now share a band
    # with people at 21-30, and nobody is left out.
    tenure = [1, 2, 3, 11, 12, 13, *range(31, 41), *range(4, 11), *range(14, 31), *range(41, 81)]
    participants = [1.0] * 6 + [9.0] * 10
    others = [0.5] * 7 + [2.0] * 7 + [50.0] * 10 + [math.nan] * 40
    frame = _frame(participants, others, tenure=[float(t) for t in tenure])
    got = estimate(frame, column="y", objective=SCORE, design="comparison", covariates=("tenure",))
    assert got.dropped == 0
    assert (got.n_participants, got.n_comparison) == (16, 24)
    # Six participants in the first quarter (its 14 others average 1.25), ten in the
    # second (its 10 others average 50).
    assert got.comparison_value == pytest.approx((6 * 1.25 + 10 * 50.0) / 16)


def test_a_missing_covariate_is_a_group_of_its_own() -> None:
    # Participants without a level are compared with others without one, not dropped.
    level = ["a"] * 5 + [None] * 5 + ["a"] * 10 + [None] * 5
    frame = _frame([4.0] * 5 + [8.0] * 5, [2.0] * 10 + [7.0] * 5, level=level)
    got = estimate(frame, column="y", objective=SCORE, design="comparison", covariates=("level",))
    assert got.dropped == 0
    assert got.comparison_value == pytest.approx(0.5 * 2.0 + 0.5 * 7.0)
    assert got.effect == pytest.approx(6.0 - 4.5)
