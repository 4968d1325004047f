"""The smallest change an evaluation could detect: what statsmodels' power functions say,
and what a simulation of the same design finds (the change is detected about 80% of the
time, as promised)."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import (
    power_proportions_2indep,
    proportion_effectsize,
    proportions_ztest,
)

from workbook.evaluation.power import detectable_change, is_rate


def test_the_notes_example_cannot_confirm_a_ten_point_rise() -> None:
    """60 participants against 300 comparison employees at a 78% baseline (the notes'
    worked example, about 16 points by their rough standard error): a 10-point target
    is below what one cohort can detect."""
    found = detectable_change(
        design="comparison", participants=60, comparison=300, baseline=78, rate=True
    )
    assert found is not None and found.comparison == 300
    assert 13 < found.change < 17
    # At that change, statsmodels' power of the two-proportion test is the 80% asked for.
    power = power_proportions_2indep(found.change / 100, 0.78, 60, ratio=5, alpha=0.05).power
    assert power == pytest.approx(0.8, abs=1e-6)


def test_the_detectable_change_is_detected_about_80_percent_of_the_time() -> None:
    """Simulate the design: draw 60 participants at the baseline plus the detectable
    change and 300 at the baseline, test with a two-proportion z-test at 5%; the share
    of draws that detect it is the power (2,000 draws: 0.8 within 0.03)."""
    found = detectable_change(
        design="comparison", participants=60, comparison=300, baseline=78, rate=True
    )
    assert found is not None
    rng = np.random.default_rng(7)
    draws = 2000
    treated = rng.binomial(60, (78 + found.change) / 100, draws)
    control = rng.binomial(300, 0.78, draws)
    detected = 0
    for t, c in zip(treated, control, strict=True):
        _, p = proportions_ztest([t, c], [60, 300])
        detected += p < 0.05
    assert abs(detected / draws - 0.8) < 0.03


def test_a_metric_with_a_spread_detects_its_standardised_effect_times_the_spread() -> None:
    found = detectable_change(
        design="waitlist", participants=40, comparison=40, baseline=30, rate=False, spread=6
    )
    assert found is not None
    d = NormalIndPower().solve_power(effect_size=None, nobs1=40, alpha=0.05, power=0.8, ratio=1)
    assert found.change == pytest.approx(d * 6)
    # The normal approximation is close to the t-test's answer at this size.
    t = TTestIndPower().solve_power(effect_size=None, nobs1=40, alpha=0.05, power=0.8, ratio=1)
    assert abs(found.change - t * 6) < 0.1 * found.change


def test_before_and_after_compares_with_the_baseline_as_a_fixed_figure() -> None:
    """One sample: more sensitive than two groups of the same size, and needs no group."""
    alone = detectable_change(
        design="before_after", participants=40, comparison=None, baseline=78, rate=True
    )
    paired = detectable_change(
        design="comparison", participants=40, comparison=40, baseline=78, rate=True
    )  # two groups of 40
    assert alone is not None and paired is not None and alone.comparison is None
    assert alone.change < paired.change
    h = NormalIndPower().solve_power(effect_size=None, nobs1=40, alpha=0.05, power=0.8, ratio=0)
    assert proportion_effectsize((78 + alone.change) / 100, 0.78) == pytest.approx(h, rel=1e-6)


def test_more_power_or_a_stricter_significance_needs_a_larger_change() -> None:
    def change(**kw: float) -> float:
        found = detectable_change(
            design="comparison", participants=80, comparison=200, baseline=50, rate=True, **kw
        )
        assert found is not None
        return found.change

    assert change(power=0.9) > change(power=0.8) > change(power=0.6)
    assert change(significance=0.01) > change(significance=0.05) > change(significance=0.1)


def test_a_downward_target_is_worked_out_downward() -> None:
    """Reducing turnover from 20%: the detectable fall is the change at which the test's
    power reaches 80% going down, not the rise mirrored."""
    down = detectable_change(
        design="comparison", participants=100, comparison=400, baseline=20, rate=True, upward=False
    )
    up = detectable_change(
        design="comparison", participants=100, comparison=400, baseline=20, rate=True
    )
    assert down is not None and up is not None
    assert down.change != pytest.approx(up.change, abs=0.1)
    power = power_proportions_2indep(-down.change / 100, 0.2, 100, ratio=4, alpha=0.05).power
    assert power == pytest.approx(0.8, abs=1e-6)


def test_a_change_past_the_end_of_the_scale_is_the_whole_distance() -> None:
    """Five participants at a 97% baseline cannot show any rise: the change reported is
    everything up to 100%, which a designer reads as "cannot be detected"."""
    found = detectable_change(
        design="comparison", participants=5, comparison=5, baseline=97, rate=True
    )
    assert found is not None and found.change == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("kw", "why"),
    [
        ({"participants": 1}, "one participant"),
        ({"comparison": None}, "no comparison group for a design that needs one"),
        ({"comparison": 0}, "an empty comparison group"),
        ({"baseline": 0}, "a percentage baseline at the end of the scale"),
        ({"baseline": 100}, "a percentage baseline at the end of the scale"),
        ({"rate": False}, "a number without its spread"),
        ({"rate": False, "spread": 0.0}, "a spread of 0"),
    ],
)
def test_what_cannot_be_worked_out_is_none(kw: dict[str, object], why: str) -> None:
    args: dict[str, object] = {
        "design": "comparison",
        "participants": 40,
        "comparison": 100,
        "baseline": 60,
        "rate": True,
    }
    assert detectable_change(**(args | kw)) is None, why  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("unit", "rate"),
    [("%", True), ("% agree", True), ("percent", True), ("per cent", True),
     ("per month", False), ("roles", False), ("", False)],
)  # fmt: skip
def test_a_percentage_is_told_by_its_unit(unit: str, rate: bool) -> None:
    assert is_rate(unit) is rate
