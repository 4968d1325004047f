"""How robust each pair is: margins, weights halved and doubled, weight ranges and close
calls, each checked against a brute force of every assignment on small rosters."""

from __future__ import annotations

import csv
import itertools
import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from helpers import EXAMPLE, roster_bytes
from helpers import matching_design as design

from workbook.design import Weights
from workbook.matching import match, robustness
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.explain import computation
from workbook.matching.review import Review
from workbook.matching.roster import load_roster
from workbook.matching.scoring import SCALE, Scored, score_pairs
from workbook.matching.solver import solve

OBJECTIVES = ["coverage", "quality", "fairness"]


def instance(seed: int, n: int = 5, m: int = 3):  # type: ignore[no-untyped-def]
    """A small roster scored on three criteria with different shapes (skills overlap,
    seniority gap, time zones), so that weights matter and ties are rare."""
    rng = np.random.default_rng(seed)
    skills = ["a", "b", "c", "d", "e"]
    zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]
    rows = ["top,Top,,,9,X,UTC,,,,,,,,"]
    for j in range(m):
        offered = ";".join(rng.choice(skills, size=rng.integers(1, 4), replace=False))
        cap = int(rng.integers(1, 3))
        zone = zones[rng.integers(len(zones))]
        rows.append(f"r{j},R{j},mentor,top,{rng.integers(3, 8)},X,{zone},{offered},,,,{cap},,,")
    for i in range(n):
        wanted = ";".join(rng.choice(skills, size=rng.integers(1, 4), replace=False))
        zone = zones[rng.integers(len(zones))]
        rows.append(f"e{i},E{i},mentee,top,{rng.integers(1, 6)},X,{zone},,{wanted},,,,,,")
    d = design(
        weights=Weights(skills=2, seniority=1, timezone=1.5),
        seniority_min_gap=1,
        seniority_max_gap=2,
        min_score=10,
    )
    return d, roster_bytes(rows)


def scored_of(seed: int, objective: str = "coverage", n: int = 5, m: int = 3) -> Scored:
    d, data = instance(seed, n, m)
    settings = Settings.from_design(d, objective)  # type: ignore[arg-type]
    return score_pairs(build_pools(load_roster(data, d.matching), settings))


def every_assignment(scored: Scored, objective: str) -> list[tuple[tuple[int, ...], tuple]]:  # type: ignore[type-arg]
    """Every feasible assignment (each mentee's mentor position or -1) with its
    objective key, by enumeration."""
    p = scored.pools
    options: list[list[tuple[int, int]]] = [[(-1, 0)] for _ in range(p.n)]
    for i, j, s in zip(scored.mentee, scored.mentor, scored.score, strict=True):
        options[int(i)].append((int(j), int(s)))
    out = []
    for choice in itertools.product(*options):
        load = np.bincount([j for j, _ in choice if j >= 0], minlength=p.m)
        if (load > p.capacity).any():
            continue
        scores = [s for j, s in choice if j >= 0]
        matched, total = len(scores), sum(scores)
        low = min(scores) if scores else 0
        key = {
            "coverage": (matched, total),
            "quality": (total, matched),
            "fairness": (matched, low, total),
        }[objective]
        out.append((tuple(j for j, _ in choice), key))
    return out


def at_weight(scored: Scored, key: str, weight: float) -> Scored:
    """The same pools scored with one weight changed (the pipeline's own scoring)."""
    p = scored.pools
    matching = robustness.with_weight(p.settings.matching, key, weight)
    return score_pairs(replace(p, settings=replace(p.settings, matching=matching)))


def optimal(scored: Scored, objective: str, assigned: tuple[int, ...]) -> tuple[bool, bool]:
    """Whether ``assigned`` is optimal, and whether it is the only optimum, by brute force."""
    found = every_assignment(scored, objective)
    best = max(k for _, k in found)
    winners = [a for a, k in found if k == best]
    return assigned in winners, winners == [assigned]


# ---------------------------------------------------------------- margins


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_a_margin_is_the_pair_against_the_best_other_allowed_mentor(
    seed: int, objective: str
) -> None:
    scored = scored_of(seed, objective)
    sol = solve(scored, objective)  # type: ignore[arg-type]
    found = robustness.margins(scored, sol.mentee, sol.mentor, sol.score)
    allowed: dict[int, dict[int, int]] = {}
    for i, j, s in zip(scored.mentee, scored.mentor, scored.score, strict=True):
        allowed.setdefault(int(i), {})[int(j)] = int(s)
    for k, (i, j, s) in enumerate(zip(sol.mentee, sol.mentor, sol.score, strict=True)):
        others = [x for mentor, x in allowed[int(i)].items() if mentor != int(j)]
        if not others:
            assert np.isnan(found[k])
        else:
            assert found[k] == pytest.approx((int(s) - max(others)) / SCALE)


def test_a_negative_margin_is_a_mentee_who_gave_way() -> None:
    """Ann scores 100 with Xi and 50 with Yu; Bo fits only Xi. Coverage gives Xi to Bo:
    Ann's pair with Yu is 50 points behind her next best option (Xi)."""
    rows = [
        "x,Xi,mentor,,5,D,UTC,a;b,,,,1,,,",
        "y,Yu,mentor,,5,D,UTC,a,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,b;c,,,,,,",
    ]
    result = match(design(weights=Weights(skills=1), min_score=10), roster_bytes(rows))
    margin = dict(zip(result.matches.mentee_id, result.matches.margin, strict=True))
    assert margin["ann"] == pytest.approx(-50.0)
    assert np.isnan(margin["bo"])  # Bo has no other allowed mentor


# ---------------------------------------------------------------- weights


def unique_cases(objective: str, want: int = 6) -> list[Scored]:
    """Seeds whose optimum is unique at the weights as given and halved or doubled for
    every criterion: there, "which pairs change" has one right answer."""
    cases = []
    for seed in range(60):
        scored = scored_of(seed, objective)
        fine = True
        for key, weight in scored.criteria.weights.items():
            for factor in robustness.FACTORS:
                found = every_assignment(at_weight(scored, key, weight * factor), objective)
                best = max(k for _, k in found)
                fine &= sum(k == best for _, k in found) == 1
        found = every_assignment(scored, objective)
        best = max(k for _, k in found)
        if fine and sum(k == best for _, k in found) == 1:
            cases.append(scored)
        if len(cases) == want:
            break
    assert len(cases) == want
    return cases


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_the_share_of_pairs_that_change_follows_the_brute_force(objective: str) -> None:
    changed_somewhere = False
    for scored in unique_cases(objective):
        sol = solve(scored, objective)  # type: ignore[arg-type]
        found = robustness.analyse(scored, sol, objective, "halved and doubled")  # type: ignore[arg-type]
        assert [c.criterion for c in found.changes] == list(scored.criteria.weights)
        for change in found.changes:
            shares = []
            for factor in robustness.FACTORS:
                moved = at_weight(scored, change.criterion, change.weight * factor)
                everything = every_assignment(moved, objective)
                best = max(k for _, k in everything)
                [winner] = [a for a, k in everything if k == best]
                differ = sum(
                    winner[int(i)] != int(j) for i, j in zip(sol.mentee, sol.mentor, strict=True)
                )
                shares.append(differ / max(len(sol.mentee), 1))
            assert (change.halved, change.doubled) == pytest.approx(tuple(shares))
            changed_somewhere |= any(shares)
    assert changed_somewhere  # the cases do exercise a change


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_a_weight_range_keeps_the_assignment_and_its_ends_are_tight(objective: str) -> None:
    """Inside the range the run's assignment is optimal at every weight tried (brute
    force); a step of the range's precision outside it, it is no longer optimal."""
    checked_an_end = False
    for scored in unique_cases(objective, want=4):
        sol = solve(scored, objective)  # type: ignore[arg-type]
        base = tuple(robustness.assignment(scored.pools.n, sol).tolist())
        found = robustness.analyse(scored, sol, objective, "ranges")  # type: ignore[arg-type]
        for change in found.changes:
            w = change.weight
            assert change.low is not None and change.top == w * robustness.RANGE_TOP
            high = change.high if change.high is not None else change.top
            assert change.low <= w <= high
            for t in np.linspace(change.low, high, 7):
                if t > 0 or len(scored.criteria.weights) > 1:
                    assert optimal(at_weight(scored, change.criterion, t), objective, base)[0], t
            step = robustness.RANGE_STEP * w
            if change.low > 0:
                outside = at_weight(scored, change.criterion, change.low - step * 1.01)
                assert not optimal(outside, objective, base)[0]
                checked_an_end = True
            if change.high is not None:
                outside = at_weight(scored, change.criterion, change.high + step * 1.01)
                assert not optimal(outside, objective, base)[0]
                checked_an_end = True
    assert checked_an_end


def test_with_one_criterion_its_weight_changes_nothing() -> None:
    rows = [
        "x,Xi,mentor,,5,D,UTC,a;b,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
    ]
    s = match(design(weights=Weights(skills=3)), roster_bytes(rows)).summary
    [change] = s.weight_changes
    assert change.alone and (change.halved, change.doubled) == (0.0, 0.0)
    words = dict(computation(s))["How robust the pairs are"]
    assert "skills is the only criterion, so its weight changes no score" in words


# ---------------------------------------------------------------- close calls

TIE = [
    "x,Xi,mentor,,5,D,UTC,a;b,,,,1,,,",
    "y,Yu,mentor,,5,D,UTC,a;b,,,,1,,,",
    "z,Zed,mentor,,5,D,UTC,c,,,,1,,,",
    "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
    "bo,Bo,mentee,,2,D,UTC,,c,,,,,,",
]
"""Ann scores the same with Xi and Yu (a tie: a close call); Bo fits only Zed."""


def test_a_tie_is_a_close_call_and_a_lone_fit_is_not(tmp_path: Path) -> None:
    d = design(weights=Weights(skills=1, seniority=1), seniority_min_gap=1, min_score=60)
    result = match(d, roster_bytes(TIE), tmp_path / "out")
    flags = dict(zip(result.matches.mentee_id, result.matches.close_call, strict=True))
    assert flags == {"ann": True, "bo": False}
    assert result.summary.close_calls == 1
    because = dict(zip(result.matches.mentee_id, result.matches.close_because, strict=True))
    assert because["ann"].startswith("the next best mentor is within 1 point of it")
    assert because["bo"] == ""
    with (tmp_path / "out" / "matches.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["mentee_id"]: r for r in csv.DictReader(fh)}
    assert (rows["ann"]["margin"], rows["ann"]["close_call"]) == ("0.0", "yes")
    assert (rows["bo"]["margin"], rows["bo"]["close_call"]) == ("", "no")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["close_calls"] == 1 and summary["robustness"] == "ranges"
    words = dict(computation(result.summary))["How robust the pairs are"]
    assert (
        "1 close call: a pair is one when the mentee's next best mentor is within 1 point" in words
    )


def test_a_pinned_pair_is_never_a_close_call() -> None:
    d = design(weights=Weights(skills=1, seniority=1), seniority_min_gap=1, min_score=60)
    result = match(d, roster_bytes(TIE), review=Review(pins=(("ann", "x"),)))
    flags = dict(zip(result.matches.mentee_id, result.matches.close_call, strict=True))
    assert flags["ann"] is np.False_ or flags["ann"] is False
    assert result.summary.close_calls == 0


def test_a_pair_that_moves_with_a_weight_ten_percent_off_is_a_close_call() -> None:
    """Ann: Xi shares her skills (skills 2), Yu her time zone (time zone 2), equal scores
    apart from a hair; with either weight 10% higher she gets the other mentor."""
    rows = [
        "x,Xi,mentor,,5,D,Asia/Tokyo,a,,,,1,,,",
        "y,Yu,mentor,,5,D,UTC,b,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a,,,,,,",
    ]
    d = design(weights=Weights(skills=2.1, timezone=2), max_timezone_hours=3, min_score=1)
    result = match(d, roster_bytes(rows))
    [row] = result.matches.itertuples()
    assert row.mentor_id == "x" and row.margin == pytest.approx(100 * 0.1 / 4.1, abs=1e-3)
    assert abs(row.margin) > robustness.CLOSE_MARGIN  # not close by its margin alone
    assert bool(row.close_call)  # timezone 2.2 > skills 2.1: Yu instead
    # The row says which weight makes it one (its margin alone would not).
    assert row.close_because == (
        "the skills weight 10% lower or higher gives the mentee another mentor; the time zone "
        "weight 10% lower or higher gives the mentee another mentor"
    )


def test_large_rosters_get_margins_only_and_the_words_say_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(robustness, "WEIGHTS_LIMIT", 2)
    monkeypatch.setattr(robustness, "RANGES_LIMIT", 1)
    d = design(weights=Weights(skills=1, seniority=1), seniority_min_gap=1, min_score=60)
    s = match(d, roster_bytes(TIE)).summary
    assert s.robustness == "margins only" and s.weight_changes == []
    assert s.close_calls == 1  # the tie, from its margin
    words = dict(computation(s))["How robust the pairs are"]
    assert "the weights were not tried halved and doubled, as the roster has 3 allowed" in words
    assert "10% lower" not in words


def test_what_runs_depends_on_the_allowed_pairs() -> None:
    assert robustness.plan(robustness.RANGES_LIMIT) == "ranges"
    assert robustness.plan(robustness.RANGES_LIMIT + 1) == "halved and doubled"
    assert robustness.plan(robustness.WEIGHTS_LIMIT + 1) == "margins only"


# ---------------------------------------------------------------- the notebook, headless


@pytest.mark.notebook
def test_the_matching_notebook_runs_and_shows_close_calls_and_the_curve(
    tmp_path: Path, run_notebook
) -> None:  # type: ignore[no-untyped-def]
    for name in ("design.yaml", "roster.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    executed = run_notebook(
        "05_matching.ipynb",
        {
            "design_path": str(tmp_path / "design.yaml"),
            "roster_path": str(tmp_path / "roster.csv"),
            "output_dir": str(tmp_path / "out"),
            "run": True,
        },
    )
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    with (tmp_path / "out" / "matches.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert summary["close_calls"] == sum(r["close_call"] == "yes" for r in rows) > 0
    assert summary["robustness"] == "ranges" and len(summary["weight_changes"]) == len(
        summary["weights"]
    )
    # What the step showed is kept in the notebook's widget state (papermill).
    state = json.dumps(json.loads(executed.read_text())["metadata"]["widgets"])
    assert "Coverage against quality" in state and "At your minimum score of" in state
    assert f"{summary['close_calls']} of {summary['matched']} pairs are close calls" in state


def test_a_weight_range_reads_as_a_person_writes_numbers() -> None:
    from workbook.matching.explain import _change_words
    from workbook.matching.robustness import WeightChange

    wide = WeightChange("skills", 1.0, 0.0, 0.25, low=0.953, high=1.5, top=4.0)
    assert _change_words(wide).endswith(
        "the same pairs stay the best for a weight from 0.95 to 1.5"
    )
    tight = WeightChange("skills", 1.0, 0.5, 0.5, low=1.0, high=1.0, top=4.0)
    assert _change_words(tight).endswith(
        "the smallest change to this weight that was tried moves a pair"
    )
    open_ended = WeightChange("goals", 12.5, 0.0, 0.0, low=3.125, high=None, top=50.0)
    assert _change_words(open_ended).endswith("from 3.12 to 50 or more")
