"""Coverage against quality: the sweep of the minimum score against a brute force of
every assignment, the design's own point against the run, and the chart."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from helpers import matching_design as design
from helpers import roster_bytes

from workbook import charts
from workbook.design import Weights
from workbook.matching import match, tradeoff
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.roster import load_roster
from workbook.matching.scoring import SCALE, score_pairs
from workbook.ui.match_results import tradeoff_html


def instance(seed: int, min_score: float = 35, skills_only: bool = False):  # type: ignore[no-untyped-def]
    """Five mentees, three mentors of capacity 1. ``skills_only``: mentees want two or
    four skills, so scores are 25, 50, 75 or 100 and fall exactly on the steps."""
    rng = np.random.default_rng(seed)
    skills = ["a", "b", "c", "d"]
    rows = ["top,Top,,,9,X,UTC,,,,,,,,"]
    for j in range(3):
        offered = ";".join(rng.choice(skills, size=rng.integers(1, 3), replace=False))
        rows.append(f"r{j},R{j},mentor,top,{rng.integers(3, 8)},X,UTC,{offered},,,,1,,,")
    for i in range(5):
        size = rng.choice([2, 4]) if skills_only else rng.integers(1, 4)
        wanted = ";".join(rng.choice(skills, size=size, replace=False))
        rows.append(f"e{i},E{i},mentee,top,{rng.integers(1, 6)},X,UTC,,{wanted},,,,,,")
    d = design(
        weights=Weights(skills=1) if skills_only else Weights(skills=2, seniority=1),
        seniority_min_gap=1,
        seniority_max_gap=2,
        min_score=min_score,
    )
    return d, roster_bytes(rows)


def brute(pairs: list[tuple[int, int, int]], n: int, capacity: np.ndarray, objective: str):  # type: ignore[no-untyped-def]
    """(matched, mean, the set of lowest scores among the optimal assignments), by
    enumerating every assignment of the given pairs (scores in thousandths)."""
    options: list[list[tuple[int, int]]] = [[(-1, 0)] for _ in range(n)]
    for i, j, s in pairs:
        options[i].append((j, s))
    best, lows = None, set()
    for choice in itertools.product(*options):
        load = np.bincount([j for j, _ in choice if j >= 0], minlength=len(capacity))
        if (load > capacity).any():
            continue
        scores = [s for j, s in choice if j >= 0]
        matched, total = len(scores), sum(scores)
        low = min(scores) if scores else None
        key = {
            "coverage": (matched, total),
            "quality": (total, matched),
            "fairness": (matched, low or 0, total),
        }[objective]
        if best is None or key > best[0]:
            best, lows = (key, matched, total), {low}
        elif key == best[0]:
            lows.add(low)
    assert best is not None
    _, matched, total = best
    return matched, (total / matched / SCALE if matched else None), lows


@pytest.mark.parametrize("skills_only", [False, True])
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("objective", ["coverage", "quality", "fairness"])
def test_every_point_of_the_sweep_is_the_best_assignment_at_its_minimum(
    seed: int, objective: str, skills_only: bool
) -> None:
    d, data = instance(seed, skills_only=skills_only)
    settings = Settings.from_design(d, objective)  # type: ignore[arg-type]
    scored = score_pairs(build_pools(load_roster(data, d.matching), settings))
    found = tradeoff.sweep(scored, objective)  # type: ignore[arg-type]
    assert found is not None and found.setting == 35 and found.mentees == 5
    # Every allowed pair with no minimum, scored once, in plain Python.
    unbounded = d.model_copy(update={"matching": d.matching.model_copy(update={"min_score": 0})})
    every = score_pairs(
        build_pools(load_roster(data, d.matching), Settings.from_design(unbounded, objective))  # type: ignore[arg-type]
    )
    pairs = [
        (int(i), int(j), int(s))
        for i, j, s in zip(every.mentee, every.mentor, every.score, strict=True)
    ]
    tried = [p.min_score for p in found.points]
    assert tried[0] == 0 and 35 in tried and tried == sorted(tried)
    for point in found.points:
        kept = [p for p in pairs if p[2] >= round(point.min_score * SCALE)]
        matched, mean, lows = brute(kept, 5, scored.pools.capacity, objective)
        assert point.matched == matched, point
        if mean is None:
            assert point.mean_score is None and point.lowest_score is None
        else:
            assert point.mean_score == pytest.approx(mean, abs=1e-3)
            assert round(point.lowest_score * SCALE) in lows  # type: ignore[operator]


def test_the_design_s_own_point_is_the_run() -> None:
    d, data = instance(3)
    result = match(d, data)
    found = tradeoff.sweep(result.scored, result.summary.objective)
    assert found is not None
    here = found.at(35)
    s = result.summary
    assert (here.matched, here.mean_score, here.lowest_score) == (
        s.matched,
        pytest.approx(s.mean_score, abs=1e-3),
        pytest.approx(s.min_score, abs=1e-3),
    )


def test_matched_never_rises_as_the_minimum_rises() -> None:
    d, data = instance(1, min_score=0)
    result = match(d, data)
    found = tradeoff.sweep(result.scored, "coverage")
    assert found is not None
    matched = [p.matched for p in found.points]
    assert matched == sorted(matched, reverse=True)
    assert matched[-1] == 0  # one step past the best pair, nobody is matched


def test_steps_stop_one_past_the_best_pair_and_hold_the_setting() -> None:
    assert tradeoff.steps(37.5, 62.0) == [0, 5, 10, 15, 20, 25, 30, 35, 37.5, 40, 45, 50, 55,
                                          60, 65]  # fmt: skip
    assert tradeoff.steps(0, 100.0)[-1] == 95


def test_a_large_roster_is_not_swept_and_the_page_says_so() -> None:
    d, data = instance(2)
    result = match(d, data)
    assert tradeoff.sweep(result.scored, "coverage", limit=1) is None
    text = tradeoff_html(None, 1_234_567)
    assert "Not drawn for this roster" in text and "1,234,567 pairs" in text


def test_the_chart_marks_the_design_s_minimum_and_says_the_point() -> None:
    d, data = instance(3)
    result = match(d, data)
    found = tradeoff.sweep(result.scored, "coverage")
    text = tradeoff_html(found)
    here = found.at(35)  # type: ignore[union-attr]
    assert f"At your minimum score of 35, {here.matched} of 5 mentees are matched" in text
    assert text.count("<svg") == 2 and "wb-tradeoff-chart" in text
    assert text.count("your minimum, 35") >= 2  # the dashed line's label in both panels
    assert 'stroke-dasharray="5 4"' in text


def test_a_line_chart_places_points_and_breaks_on_a_missing_value() -> None:
    plot = charts.lines(
        [("mean", charts.GREEN, [(0, 50.0), (50, None), (100, 80.0), (75, 70.0)])],
        "Scores",
        "minimum score",
        "score",
        y_limit=100,
        marker=(50, "yours"),
    )
    left, top, right, bottom = plot.area
    diamonds = [m for m in plot.marks if m.kind == "diamond"]
    assert [(round(m.x), round(m.y)) for m in diamonds[:1]] == [
        (round(left), round(bottom - 0.5 * (bottom - top)))
    ]
    assert len(diamonds) == 3  # the point with no value is not drawn
    data = [line for line in plot.lines if not line.dashed]
    assert [len(line.points) for line in data] == [2]  # (100, 80) and (75, 70); (0, 50) alone
    [dashed] = [line for line in plot.lines if line.dashed]
    assert dashed.points[0][0] == pytest.approx((left + right) / 2)
    svg = charts.svg(plot)
    assert "<polyline" in svg and re.search(r"mean at minimum score 100: 80", svg)


def test_each_objective_is_swept_with_its_own_aim() -> None:
    """Ann scores 100 with Xi and 50 with Yu; Bo only fits Xi, at 25. With no minimum,
    coverage matches both (Bo-Xi 25, Ann-Yu 50) and quality takes Ann-Xi alone (100 >
    75); from a minimum of 30, Bo fits nobody and both aims give Ann Xi."""
    rows = [
        "x,Xi,mentor,,5,D,UTC,a;b,,,,1,,,",
        "y,Yu,mentor,,5,D,UTC,b,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,a;c;d;e,,,,,,",
    ]
    d = design(weights=Weights(skills=1), min_score=30)
    got = {}
    for objective in ("coverage", "quality"):
        result = match(d, roster_bytes(rows), objective=objective)  # type: ignore[arg-type]
        found = tradeoff.sweep(result.scored, objective)  # type: ignore[arg-type]
        assert found is not None
        got[objective] = [(p.min_score, p.matched, p.mean_score, p.lowest_score)
                          for p in found.points if p.min_score in (0, 30)]  # fmt: skip
    assert got["coverage"] == [(0, 2, 37.5, 25.0), (30, 1, 100.0, 100.0)]
    assert got["quality"] == [(0, 1, 100.0, 100.0), (30, 1, 100.0, 100.0)]


def test_a_pinned_pair_does_not_hold_the_lowest_score_of_the_curve() -> None:
    from workbook.matching.review import Review

    rows = [
        "x,Xi,mentor,,6,D,UTC,a;b,,,,1,,,",
        "y,Yu,mentor,,6,D,UTC,a,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,b;c,,,,,,",
    ]
    # Ann is pinned to Yu (50); Bo gets Xi (50). Above 50 only the pin is left, and it
    # is no pair the minimum chose: no lowest score, rather than the pin's 50 throughout.
    d = design(weights=Weights(skills=1))
    result = match(d, roster_bytes(rows), review=Review(pins=(("ann", "y"),)))
    curve = tradeoff.sweep(result.scored, "coverage")
    assert curve is not None
    top = curve.at(50.0)
    assert top.matched == 2  # the pin, and Bo with Xi (50)
    assert top.lowest_score == 50.0 and top.mean_score == 50.0
    above = [p for p in curve.points if p.min_score > 50]
    assert above and all(p.matched == 1 and p.lowest_score is None for p in above)
    assert curve.held == 1
    from workbook.ui.match_results import tradeoff_html

    assert "The 1 pinned or running pair is counted as matched at every minimum" in (
        tradeoff_html(curve)
    )
