"""Why not this mentor? The answer a coordinator gives a mentee who hoped for someone.

For a mentee and a mentor of the roster:

* if the pair is never allowed, every rule that blocks it, in words (the reporting
  line, an exclusion, a previous cohort, the coordinator's forbid, the minimum score,
  a mentor who takes nobody, each must-have it fails);
* if it is allowed but the run chose otherwise, the two pairs side by side criterion by
  criterion, and what forcing it would cost: the run solved again with the pair pinned,
  against the run as it is (mentees matched, the total and the lowest score, and who
  else would get another mentor or none). Of the assignments as good as each other
  with the pair forced, the one that keeps the most of the run's pairs is shown, so
  nobody is said to move who need not.

The same pipeline pieces as :func:`workbook.matching.match` (settings, roster, review,
previous cohort), so the answer is about the run the coordinator is looking at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from workbook.design import Design, MatchObjective
from workbook.errors import MatchingError, Problem
from workbook.matching import criteria
from workbook.matching.constraints import Pools, Settings, build_pools
from workbook.matching.explain import THEIR, whole
from workbook.matching.keep import decide, read_running
from workbook.matching.keep import keep as keep_pairs
from workbook.matching.pipeline import previous_pairs
from workbook.matching.review import Review, read_review
from workbook.matching.roster import Roster, load_roster
from workbook.matching.scoring import SCALE, Scored, score_pairs
from workbook.matching.solver import Solution, solve


@dataclass(frozen=True)
class Forced:
    """The run with the pair pinned, against the run as it is."""

    matched_before: int
    matched_after: int
    total_before: float
    total_after: float
    lowest_before: float | None
    lowest_after: float | None
    moved: tuple[str, ...]
    """Other mentees (ids) who would get another mentor."""
    lost: tuple[str, ...]
    """Mentees (ids) who would have no mentor any more."""
    ended: tuple[str, ...] = ()
    """Mentees (ids) among those whose running pair (kept by the run) would end."""


@dataclass(frozen=True)
class WhyNot:
    """The answer for one mentee and one mentor."""

    mentee: str
    mentor: str
    blocked: tuple[str, ...]
    """Every rule that forbids the pair, in words; empty when it is allowed."""
    chosen: bool
    current: str | None
    """The mentee's mentor in the run (an id), if any."""
    criteria: tuple[tuple[str, float, float | None], ...]
    """(criterion, points with the asked mentor, points with the current one)."""
    score: float
    current_score: float | None
    forced: Forced | None


def _position(roster: Roster, positions: np.ndarray, person: str, role: str) -> int:
    ids = roster.frame["id"].to_numpy(dtype=object)[positions]
    found = np.flatnonzero(ids == person)
    if not len(found):
        raise MatchingError(
            Problem(
                f"{person} is not a {role} in the roster",
                f"give the id of a {role} as the roster writes it",
                field="--why-not",
                value=person,
            )
        )
    return int(found[0])


def _solution_pairs(solution: Solution) -> dict[int, tuple[int, int]]:
    return {
        int(i): (int(j), int(s))
        for i, j, s in zip(solution.mentee, solution.mentor, solution.score, strict=True)
    }


def why_not(
    design: Design,
    roster: str | Path | bytes | Roster,
    mentee: str,
    mentor: str,
    *,
    objective: MatchObjective | None = None,
    review: Review | str | Path | None = None,
    previous: str | Path | None = None,
    running: str | Path | None = None,
) -> WhyNot:
    """Why ``mentee`` did not get ``mentor`` (roster ids) in the design's run.

    ``running`` is the running program's pairs, as the run kept them (``match(keep=)``):
    forcing a pair then ends the mentee's running pair and keeps every other one the
    run kept.

    Raises:
        MatchingError: an id that is not a mentee (or a mentor) of the roster.
        RosterError: the roster is refused.
    """
    settings = Settings.from_design(design, objective)
    loaded = roster if isinstance(roster, Roster) else load_roster(roster, design.matching)
    if isinstance(review, str | Path):
        review = read_review(review)
    review = review or Review()
    earlier = previous_pairs(design, previous)
    pairs_running = read_running(running) if running is not None else None

    def scored_with(pools: Pools) -> Scored:
        scored = score_pairs(pools)
        if pairs_running is not None:
            keep_pairs(scored, decide(scored, pairs_running))
        return scored

    pools = build_pools(loaded, settings, review, earlier)
    i = _position(loaded, pools.mentees, mentee, "mentee")
    j = _position(loaded, pools.mentors, mentor, "mentor")
    scored = scored_with(pools)
    c = scored.criteria
    pair_score = float(c.scores(np.array([i]), np.array([j]))[0])
    key = i * pools.m + j
    blocked = [
        f"the mentor is {THEIR[cause]}"
        for cause, keys in pools.blocked.items()
        if np.any(keys == key)
    ]
    if pools.capacity[j] <= 0:
        blocked.append("the mentor takes no mentee in this program (capacity 0)")
    minimum = settings.matching.min_score
    if round(pair_score * SCALE) < round(minimum * SCALE) or pair_score <= 0:
        blocked.append(
            f"the pair scores {whole(pair_score)}/100, under the minimum score of {whole(minimum)}"
        )
    for name, fails in c.failed(np.array([i]), np.array([j])).items():
        if fails[0]:
            must = c.required[name].must(settings.matching, settings.format)[1]
            blocked.append(f"the pair fails a must-have: the mentor {must}")
    solution = solve(scored, settings.objective)
    chosen_pairs = _solution_pairs(solution)
    ids = loaded.frame["id"].to_numpy(dtype=object)
    current_pos = chosen_pairs.get(i, (None, 0))[0]
    current = str(ids[pools.mentors[current_pos]]) if current_pos is not None else None
    mine = {
        n: float(share * c.value(n, np.array([i]), np.array([j]))[0])
        for n, share in c.share.items()
    }
    theirs = (
        {
            n: float(share * c.value(n, np.array([i]), np.array([current_pos]))[0])
            for n, share in c.share.items()
        }
        if current_pos is not None
        else {}
    )
    rows = tuple(
        (criteria.label(n), round(mine[n], 1), round(theirs[n], 1) if theirs else None)
        for n in c.share
    )
    current_score = (
        float(c.scores(np.array([i]), np.array([current_pos]))[0])
        if current_pos is not None
        else None
    )
    chosen = current_pos == j
    forced = None
    if not blocked and not chosen:
        pinned = replace(review, pins=(*review.pins, (mentee, mentor)))
        # Between assignments as good as each other with the pair forced, the one that
        # keeps the most of the run's pairs: only the mentees who must move are named.
        keep = np.array(sorted(k * pools.m + r for k, (r, _) in chosen_pairs.items()), np.int64)
        again = solve(
            scored_with(build_pools(loaded, settings, pinned, earlier)),
            settings.objective,
            prefer=keep,
        )
        after = _solution_pairs(again)
        moved = tuple(
            str(ids[pools.mentees[k]])
            for k, (was, _) in sorted(chosen_pairs.items())
            if k != i and k in after and after[k][0] != was
        )
        lost = tuple(
            str(ids[pools.mentees[k]]) for k in sorted(chosen_pairs) if k != i and k not in after
        )
        running_now = set(pools.kept or ())
        ended = tuple(
            str(ids[pools.mentees[k]])
            for k, (was, _) in sorted(chosen_pairs.items())
            if (k, was) in running_now and after.get(k, (None, 0))[0] != was
        )
        forced = Forced(
            matched_before=len(chosen_pairs),
            matched_after=len(after),
            total_before=round(int(solution.score.sum()) / SCALE, 3),
            total_after=round(int(again.score.sum()) / SCALE, 3),
            lowest_before=round(int(solution.score.min()) / SCALE, 3)
            if len(solution.score)
            else None,
            lowest_after=round(int(again.score.min()) / SCALE, 3) if len(again.score) else None,
            moved=moved,
            lost=lost,
            ended=ended,
        )
    return WhyNot(
        mentee=mentee,
        mentor=mentor,
        blocked=tuple(blocked),
        chosen=chosen,
        current=current,
        criteria=rows,
        score=round(pair_score, 3),
        current_score=round(current_score, 3) if current_score is not None else None,
        forced=forced,
    )


def in_words(answer: WhyNot, name: Callable[[str], str] = str) -> list[str]:
    """The answer as the lines a coordinator reads: the command line prints them with
    the roster's ids, the matching step with the people's names (``name``)."""
    a = answer
    mentee, mentor = name(a.mentee), name(a.mentor)
    current = name(a.current) if a.current else None
    head = f"{mentee} and {mentor}"
    if a.blocked:
        return [f"{head} are never matched:", *(f"- {why}" for why in a.blocked)]
    if a.chosen:
        return [f"{head} are matched in this run (score {whole(a.score)}/100)."]
    lines = [
        f"{head} score {whole(a.score)}/100; "
        + (
            f"{mentee} has {current} instead ({whole(a.current_score or 0)}/100)."
            if current
            else f"{mentee} has no mentor in this run."
        )
    ]
    for label, mine, theirs in a.criteria:
        with_current = f", with {current} {theirs:+.1f}" if theirs is not None else ""
        lines.append(f"- {label}: with {mentor} {mine:+.1f}{with_current}")
    f = a.forced
    if f is not None:
        lines.append("If the pair were forced (the run solved again with it pinned):")
        lines.append(
            f"- mentees matched: still {f.matched_after}"
            if f.matched_after == f.matched_before
            else f"- mentees matched: {f.matched_after} instead of {f.matched_before}"
        )
        change = f.total_after - f.total_before
        lines.append(
            f"- the total of the match scores would {'fall' if change < 0 else 'rise'} by "
            f"{abs(change):,.1f} points ({f.total_before:,.1f} to {f.total_after:,.1f})"
            if round(change, 1)
            else "- the total of the match scores would not change"
        )
        if f.lowest_after is not None and f.lowest_before is not None:
            low, was = whole(f.lowest_after), whole(f.lowest_before)
            lines.append(
                f"- the lowest match score: still {low}"
                if low == was
                else f"- the lowest match score: {low} instead of {was}"
            )
        if f.moved:
            lines.append(
                f"- these mentees would get another mentor: {', '.join(map(name, f.moved))}"
            )
        if f.lost:
            lines.append(
                f"- these mentees would have no mentor any more: {', '.join(map(name, f.lost))}"
            )
        if f.ended:
            lines.append(
                "- the running pairs of these mentees would end: " + ", ".join(map(name, f.ended))
            )
    return lines
