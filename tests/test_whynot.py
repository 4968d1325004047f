"""Why not this mentor? Every rule that blocks a pair, the pairs side by side, and what
forcing the pair would cost, checked against a brute force; the command line."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import matching_design as design
from helpers import roster_bytes
from test_matching import random_instance

from workbook.design import Weights
from workbook.errors import MatchingError
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.roster import load_roster
from workbook.matching.scoring import score_pairs
from workbook.matching.solver import solve
from workbook.matching.whynot import in_words, why_not

ROWS = [
    "boss,Boss,mentor,,9,D,UTC,a;b,,,,1,,,",
    "x,Xi,mentor,boss,5,D,UTC,a;b,,,,1,,,",
    "y,Yu,mentor,boss,5,D,UTC,a,,,,1,,,",
    "ann,Ann,mentee,boss,2,D,UTC,,a;b,,,,,,",
    "bo,Bo,mentee,x,2,D,UTC,,b;c,,,,,y,",
]
"""Ann fits Xi (100) and Yu (50); Bo fits only Xi (50), reports to Xi, excludes Yu."""


def d():  # type: ignore[no-untyped-def]
    return design(weights=Weights(skills=1), min_score=10)


def test_every_rule_that_blocks_a_pair_is_said() -> None:
    answer = why_not(d(), roster_bytes(ROWS), "bo", "x")
    assert answer.blocked == ("the mentor is in their reporting line",)  # Bo's manager
    excluded = why_not(d(), roster_bytes(ROWS), "bo", "y")
    assert "the mentor is excluded, by them or by the mentor" in excluded.blocked
    assert excluded.blocked == (
        "the mentor is excluded, by them or by the mentor",
        "the pair scores 0/100, under the minimum score of 10",
    )
    assert in_words(excluded)[0] == "bo and y are never matched:"
    assert excluded.forced is None


def test_the_boss_of_the_line_is_blocked_by_the_reporting_line() -> None:
    answer = why_not(d(), roster_bytes(ROWS), "ann", "boss")
    assert answer.blocked == ("the mentor is in their reporting line",)


def test_forcing_a_pair_says_who_loses_their_mentor() -> None:
    rows = [
        "x,Xi,mentor,,5,D,UTC,a;b,,,,1,,,",
        "y,Yu,mentor,,5,D,UTC,a,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,b;c,,,,,,",
    ]
    answer = why_not(d(), roster_bytes(rows), "ann", "x", objective="coverage")
    assert answer.blocked == () and not answer.chosen and answer.current == "y"
    assert (answer.score, answer.current_score) == (100.0, 50.0)
    assert answer.criteria == (("skills", 100.0, 50.0),)
    f = answer.forced
    assert f is not None
    assert (f.matched_before, f.matched_after) == (2, 1)
    assert (f.total_before, f.total_after) == (100.0, 100.0)
    assert (f.lowest_before, f.lowest_after) == (50.0, 100.0)
    assert (f.moved, f.lost) == ((), ("bo",))
    assert in_words(answer)[-5:] == [
        "If the pair were forced (the run solved again with it pinned):",
        "- mentees matched: 1 instead of 2",
        "- the total of the match scores would not change",
        "- the lowest match score: 100 instead of 50",
        "- these mentees would have no mentor any more: bo",
    ]
    assert in_words(answer)[0] == "ann and x score 100/100; ann has y instead (50/100)."


def test_a_chosen_pair_says_so() -> None:
    answer = why_not(d(), roster_bytes(ROWS), "ann", "x")
    assert answer.chosen and answer.forced is None
    assert in_words(answer) == ["ann and x are matched in this run (score 100/100)."]


def brute_forced(scored, i: int, j: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(matched, total) of the best coverage assignment that keeps the pair (i, j)."""
    p = scored.pools
    options: list[list[tuple[int, int]]] = [[(-1, 0)] for _ in range(p.n)]
    for a, b, s in zip(scored.mentee, scored.mentor, scored.score, strict=True):
        options[a].append((int(b), int(s)))
    options[i] = [(b, s) for b, s in options[i] if b == j]
    best = None
    for choice in itertools.product(*options):
        load = np.bincount([b for b, _ in choice if b >= 0], minlength=p.m)
        if (load > p.capacity).any():
            continue
        key = (sum(b >= 0 for b, _ in choice), sum(s for _, s in choice))
        best = key if best is None or key > best else best
    assert best is not None
    return best


@pytest.mark.parametrize("seed", range(6))
def test_the_cost_of_forcing_is_the_brute_force_optimum_with_the_pair_kept(seed: int) -> None:
    design_, data = random_instance(seed, n=6, m=3)
    roster = load_roster(data, design_.matching)
    scored = score_pairs(build_pools(roster, Settings.from_design(design_)))
    sol = solve(scored, "coverage")
    chosen = set(zip(sol.mentee.tolist(), sol.mentor.tolist(), strict=True))
    ids = roster.frame["id"].to_numpy(dtype=object)
    p = scored.pools
    tried = 0
    for a, b in zip(scored.mentee.tolist(), scored.mentor.tolist(), strict=True):
        if (a, b) in chosen:
            continue
        answer = why_not(
            design_, roster, ids[p.mentees[a]], ids[p.mentors[b]], objective="coverage"
        )
        f = answer.forced
        assert f is not None
        matched, total = brute_forced(scored, a, b)
        assert (f.matched_after, round(f.total_after * 1000)) == (matched, total)
        tried += 1
        if tried == 3:
            break
    assert tried  # else the seed proves nothing


def test_an_id_that_is_not_in_the_roster_is_a_problem() -> None:
    with pytest.raises(MatchingError) as raised:
        why_not(d(), roster_bytes(ROWS), "nobody", "x")
    (problem,) = raised.value.problems
    assert problem.message == "nobody is not a mentee in the roster"
    with pytest.raises(MatchingError, match="ann is not a mentor in the roster"):
        why_not(d(), roster_bytes(ROWS), "bo", "ann")


def test_cli_why_not(tmp_path: Path) -> None:
    from workbook import store

    path = tmp_path / "design.yaml"
    store.save(d(), store.create(path, "x"))
    roster = tmp_path / "roster.csv"
    roster.write_bytes(roster_bytes(ROWS))
    out = tmp_path / "out"
    run = [sys.executable, "-m", "workbook", "match", str(path), str(roster), "-o", str(out)]
    done = subprocess.run([*run, "--why-not", "bo", "y"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("bo and y are never matched:\n")
    assert not out.exists()  # an answer, not a run: nothing written
    bad = subprocess.run([*run, "--why-not", "zed", "x"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "--why-not: zed is not a mentee in the roster (value 'zed'); give the id of a "
        "mentee as the roster writes it"
    )
