"""Match mentees with mentors: score every pair, keep the allowed ones, solve exactly, explain.

:func:`match` reads as the pipeline it runs, one module per step::

    load roster -> validate          workbook.matching.roster       (load_roster)
    review file                      workbook.matching.review       (read_review)
    running pairs (keep=)            workbook.matching.keep         (read_running)
    pools and hard constraints       workbook.matching.constraints  (Settings, build_pools)
    score                            workbook.matching.scoring      (Criteria, score_pairs)
    keep the running pairs           workbook.matching.keep         (decide, keep)
    solve                            workbook.matching.solver       (solve)
    explain                          workbook.matching.explain      (explain -> MatchResult)
    export                           workbook.matching.exports      (write_exports)

Modes: ``assign`` (one-to-one, the coordinator's proposal), ``group`` (a mentor with a
group of mentees up to capacity, default the design's group size) and ``shortlist``
(the top k allowed mentors per mentee with reasons, for mentee choice, rule R5).

Privacy: roster data stays in the run and its exports. The design receives only
:func:`aggregates` (counts and the score distribution); the coordinator's pins and
forbidden pairs live in ``review.csv`` beside the exports, not in the design.

The step's decisions (criteria, weights, constraints) are :mod:`workbook.steps.matching`.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd

from workbook import clock
from workbook.design import SMALLEST_GROUP, Design, MatchingResults, MatchObjective
from workbook.errors import MatchingError, Problem
from workbook.matching.constraints import Mode, Settings, build_pools
from workbook.matching.explain import MatchResult, explain
from workbook.matching.exports import write_exports
from workbook.matching.keep import attach, decide, read_running
from workbook.matching.keep import keep as keep_pairs
from workbook.matching.review import Review, read_pairs_file, read_review
from workbook.matching.roster import Roster, load_roster
from workbook.matching.scoring import Progress, score_pairs
from workbook.matching.solver import solve

# --------------------------------------------------------------------------- pipeline


def match(
    design: Design,
    roster: str | Path | bytes | Roster,
    outdir: str | Path | None = None,
    *,
    objective: MatchObjective | None = None,
    mode: Mode | None = None,
    all_scores: bool = False,
    excel: bool = True,
    review: Review | str | Path | None = None,
    previous: str | Path | None = None,
    keep: str | Path | None = None,
    shortlist_k: int = 5,
    roster_name: str | None = None,
    progress: Progress | None = None,
) -> MatchResult:
    """Match a roster under a design's settings and, given ``outdir``, write the exports.

    Args:
        design: the program design; ``design.matching`` holds criteria and constraints.
        roster: a path, an uploaded file's bytes, or an already loaded :class:`Roster`.
        outdir: where to write matches.csv, unmatched.csv, matches.xlsx, summary.json
            (and pair_scores.csv with ``all_scores``); nothing is written when ``None``.
        excel: write matches.xlsx too (the app asks for it separately, see
            :func:`workbook.matching.exports.build_files`).
        objective, mode: override the design's objective and the mode it implies.
        review: the coordinator's pins and forbidden pairs (a :class:`Review` or a file).
        previous: a previous cohort's matches.csv; its pairs are not repeated. Required
            when the design sets ``avoid_repeat_pairs``.
        keep: a running program's matches.csv: its pairs that are still allowed are
            kept as they are and only the other mentees are matched, into the places
            left (:mod:`workbook.matching.keep`); the result lists every running pair
            and why any could not be kept. Unlike ``previous``, which forbids pairs.
        progress: called with (step, fraction) so a notebook can show progress.

    Raises:
        RosterError: the roster is refused (nothing is written).
        MatchingError: the settings cannot be matched (no mentees, a bad pin, ...).
        StoreError / ExistsError: the exports could not be written safely.
    """
    started = time.perf_counter()
    tick = progress or (lambda step, fraction: None)
    settings = Settings.from_design(design, objective, mode, shortlist_k)
    tick("load", 0.0)
    loaded = (
        roster if isinstance(roster, Roster) else load_roster(roster, design.matching, roster_name)
    )
    if isinstance(review, str | Path):
        review = read_review(review)
    earlier = previous_pairs(design, previous)
    running = read_running(keep) if keep is not None else None
    tick("constraints", 0.0)
    pools = build_pools(loaded, settings, review, earlier)
    scored = score_pairs(pools, progress)
    kept = decide(scored, running) if running is not None else None
    if kept is not None:
        keep_pairs(scored, kept)
    tick("solve", 0.0)
    solution = solve(scored, settings.objective)
    tick("explain", 0.0)
    result = explain(scored, solution, settings, clock.elapsed(started))
    if kept is not None:
        result = attach(result, kept)
    if outdir is not None:
        tick("export", 0.0)
        write_exports(result, Path(outdir), all_scores=all_scores, excel=excel)
    tick("done", 1.0)
    return result


def previous_pairs(design: Design, previous: str | Path | None) -> pd.DataFrame | None:
    """A previous cohort's pairs, required when the design avoids repeating them.

    Raises:
        MatchingError: the design avoids repeat pairs and no file was given.
        RosterError: the file is not a pairs table.
    """
    if design.matching.avoid_repeat_pairs and previous is None:
        raise MatchingError(
            Problem(
                "the design avoids repeating previous pairs but no previous matches file was given",
                "give the previous cohort's matches.csv (--previous FILE, or 'Previous "
                "matches' in the notebook), or turn avoid_repeat_pairs off",
                field="matching.avoid_repeat_pairs",
            )
        )
    return read_pairs_file(previous) if previous is not None else None


def aggregates(result: MatchResult, when: dt.datetime | None = None) -> MatchingResults:
    """What the charter may hold about a run: counts and, when at least
    :data:`~workbook.design.SMALLEST_GROUP` mentees were matched, the score distribution;
    no names."""
    s = result.summary
    shown = s.matched >= SMALLEST_GROUP
    scores = result.matches["score"].to_numpy(dtype=float)
    quartiles = (
        [round(float(q), 2) for q in np.quantile(scores, [0.25, 0.5, 0.75])] if shown else []
    )
    return MatchingResults(
        run_at=(when or clock.now()).replace(microsecond=0),
        objective=s.objective,
        mentees=s.mentees,
        mentors=s.mentors,
        matched=s.matched,
        unmatched=s.unmatched,
        total_score=s.total_score if shown else None,
        min_score=s.min_score if shown else None,
        mean_score=s.mean_score if shown else None,
        score_quartiles=quartiles,
        optimal=s.optimal,
        most_per_mentor=int(result.matches["mentor_id"].value_counts().max())
        if len(result.matches)
        else 0,
        own_capacity_mentors=_own_capacities(result),
    )


def _own_capacities(result: MatchResult) -> int:
    """Mentors whose capacity came from the roster and differs from the plan's."""
    pools = result.scored.pools
    own = pools.roster.capacity[pools.mentors]
    return int(((own >= 0) & (own != pools.settings.default_capacity)).sum())


def record_results(design: Design, result: MatchResult) -> Design:
    """A copy of the design with the run's aggregates in ``matching.results`` (save it yourself)."""
    matching = design.matching.model_copy(update={"results": aggregates(result)})
    return design.model_copy(update={"matching": matching})
