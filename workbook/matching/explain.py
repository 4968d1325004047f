"""Say why: each match's reasons, each unmatched mentee's reason and nearest mentors.

:func:`explain` turns a solution into the tables a coordinator reads (a
:class:`MatchResult`). A match's reasons list every criterion with its contribution
to the score, computed by the same code that scored the pair, so an explanation always
agrees with the score that was solved. An unmatched mentee gets the one reason they
can act on (every mentor who fits is in their reporting line, at capacity, below the
minimum score, ...) and up to three nearest alternatives. Reasons are sentences for the
coordinator who reads them (the mentee is "they"), with scores as whole numbers out of
100, and :func:`in_words` groups them into the sentence that heads the results.
Shortlist mode lists the top k allowed mentors per mentee with reasons (mentee choice,
rule R5); group mode lists each mentor's group.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from workbook.design import MatchObjective
from workbook.matching import criteria
from workbook.matching.constraints import I64, Block, Mode, Settings
from workbook.matching.robustness import (
    CLOSE_MARGIN,
    NUDGE,
    RANGE_STEP,
    Level,
    WeightChange,
    analyse,
)
from workbook.matching.scoring import CELLS_PER_BLOCK, F64, SCALE, Scored
from workbook.matching.solver import SOLVER, Solution
from workbook.matching.stability import blocking_pairs, stable

# --------------------------------------------------------------------------- explaining

THEIR = {
    Block.SELF: "themselves",
    Block.REPORTING_LINE: "in their reporting line",
    Block.REPORTS_TO_YOU: "someone who reports to them",
    Block.EXCLUDED: "excluded, by them or by the mentor",
    Block.PREVIOUS: "a mentor they had in a previous cohort",
    Block.FORBIDDEN: "forbidden by the coordinator",
}
"""Each hard rule as it completes "every mentor who fits is ..." for the coordinator
(:attr:`Block.because` says it to the mentee)."""

MUST = "must-have:"
"""A mentor's cause in :meth:`_Context.why` when a must-have rules them out: the prefix,
then the criterion's key."""


def whole(score: float) -> int:
    """A score (0-100) as the whole number a person reads: half up, unlike ``round``
    (which rounds 42.5 to 42), so 0.5 never reads as 0 and 99.5 reads as 100."""
    return int(np.floor(float(score) + 0.5))


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def explain_pairs(scored: Scored, mentee: I64, mentor: I64) -> tuple[list[str], pd.DataFrame]:
    """Each pair's reasons (every criterion with its contribution and what it rests on,
    largest first) and the contributions table (one column per criterion)."""
    c = scored.criteria
    names = list(c.share)
    if not len(mentee):
        return [], pd.DataFrame(columns=names)
    contrib = pd.DataFrame({n: share * c.value(n, mentee, mentor) for n, share in c.share.items()})
    details = {n: c.details(n, mentee, mentor) for n in names}
    values = contrib.to_numpy()
    reasons = []
    for k in range(len(mentee)):
        parts = [
            f"{c.criteria[n].label} +{_fmt(values[k, q])} ({details[n][k]})"
            for q, n in sorted(enumerate(names), key=lambda t: -values[k, t[0]])
        ]
        reasons.append("; ".join(parts))
    return reasons, contrib


def explain_unmatched(scored: Scored, solution: Solution) -> pd.DataFrame:
    """Why each unmatched mentee has no mentor, and the nearest alternatives.

    Only unmatched mentees are scored again, a block at a time against every mentor, so
    memory stays flat however many are unmatched.
    """
    p = scored.pools
    frame = p.roster.frame
    matched = np.zeros(p.n, bool)
    matched[solution.mentee] = True
    rows = np.flatnonzero(~matched)
    columns = ["mentee_id", "mentee_name", "reason", "alternatives"]
    if not len(rows):
        return pd.DataFrame(columns=columns)
    kept = set(p.kept or ())
    context = _Context(
        scored,
        load=np.bincount(solution.mentor, minlength=p.m),
        allowed=np.bincount(scored.mentee, minlength=p.n),
        names=frame["name"].to_numpy(dtype=object),
        ids=frame["id"].to_numpy(dtype=object),
        pinned=np.bincount(
            np.array([j for i, j in p.pins if (i, j) not in kept], np.int64), minlength=p.m
        ),
        running=np.bincount(np.array([j for _, j in kept], np.int64), minlength=p.m),
    )
    every = np.arange(p.m)[None, :]
    step = max(1, CELLS_PER_BLOCK // max(p.m, 1))
    out = []
    for start in range(0, len(rows), step):
        chunk = rows[start : start + step]
        scores = np.rint(scored.criteria.scores(chunk[:, None], every) * SCALE) / SCALE
        offers = (
            scored.criteria.value("skills", chunk[:, None], every) > 0
            if "skills" in scored.criteria.share
            else np.zeros(scores.shape, dtype=bool)
        )
        for k, i in enumerate(chunk):
            reason, alternatives = context.why(int(i), scores[k], offers[k])
            person = p.mentees[i]
            out.append([context.ids[person], context.names[person], reason, alternatives])
    return pd.DataFrame(out, columns=columns)


@dataclass
class _Context:
    """What :meth:`why` needs about the whole run, computed once."""

    scored: Scored
    load: I64
    allowed: I64
    names: npt.NDArray[np.object_]
    ids: npt.NDArray[np.object_]
    pinned: I64
    """Places per mentor held by the coordinator's pins."""
    running: I64
    """Places per mentor held by running pairs the run kept."""

    def why(self, i: int, s: F64, offers: npt.NDArray[np.bool_]) -> tuple[str, str]:
        """The reason mentee ``i`` is unmatched and up to three nearest alternatives.

        ``s`` is the mentee's score against every mentor, ``offers`` whether each mentor
        offers at least one skill the mentee wants.
        """
        p = self.scored.pools
        m = p.m
        min_score = p.settings.matching.min_score
        cause = np.full(m, "", dtype=object)
        for name, keys in p.blocked.items():
            lo, hi = np.searchsorted(keys, [i * m, (i + 1) * m])
            cause[keys[lo:hi] - i * m] = name
        required = self.scored.criteria.required
        if required:
            failing = self.scored.criteria.failed(np.full(m, i), np.arange(m))
            for key, failed in failing.items():
                cause[(cause == "") & failed] = MUST + key
        has_room = p.capacity > 0
        reaches = s >= max(min_score, 0.001)
        fits = reaches & has_room
        hard = cause != ""
        nearest = np.flatnonzero(has_room & ~hard & (s > 0))
        held = self._held(i) if self.allowed[i] > 0 else ""
        if held:
            reason = held
            nearest = np.flatnonzero(fits & ~hard)
        elif self.allowed[i] > 0:
            reason = (
                f"all {self.allowed[i]} mentors who fit are at capacity: the best "
                "assignment overall needs their places for other mentees"
                if self.allowed[i] > 1
                else "the one mentor who fits is at capacity: the best assignment overall "
                "needs that place for another mentee"
            )
            nearest = np.flatnonzero(fits & ~hard)
        elif not has_room.any():
            reason, nearest = "no mentor has room for a mentee", np.zeros(0, np.int64)
        else:
            reason = self._ruled_out(i, s, offers, cause)
        alternatives = []
        for j in nearest[np.lexsort((nearest, -s[nearest]))][:3]:
            note = (
                "at capacity"
                if self.load[j] >= p.capacity[j]
                else f"below the minimum score of {min_score:g}"
                if s[j] < min_score
                else "available"
            )
            person = p.mentors[j]
            alternatives.append(
                f"{self.names[person]} ({self.ids[person]}): score {whole(s[j])}, {note}"
            )
        return reason, "; ".join(alternatives)

    def _held(self, i: int) -> str:
        """Why mentee ``i`` is unmatched when every mentor who fits them has all their
        places held before the run chose (the coordinator's pins, running pairs kept):
        then the best assignment did not take the place, a decision did."""
        p = self.scored.pools
        if not p.pins:
            return ""
        lo, hi = np.searchsorted(self.scored.mentee, [i, i + 1])
        fit = np.unique(self.scored.mentor[lo:hi].astype(np.int64))
        pinned, running = self.pinned, self.running
        if not len(fit) or ((pinned + running)[fit] < p.capacity[fit]).any():
            return ""
        one = len(fit) == 1
        by = (
            "mentees the coordinator pinned to them"
            if not running[fit].any()
            else "running pairs the run kept"
            if not pinned[fit].any()
            else "the coordinator's pins and running pairs the run kept"
        )
        return (
            f"the one mentor who fits has no place left: it is taken by {by}"
            if one
            else f"all {len(fit)} mentors who fit have no place left: they are taken by {by}"
        )

    def _ruled_out(
        self, i: int, s: F64, offers: npt.NDArray[np.bool_], cause: npt.NDArray[np.object_]
    ) -> str:
        """Why no mentor is allowed for mentee ``i``: among the mentors they have anything
        in common with (those offering a skill they want, when any does), what rules
        each out, first cause first: a hard rule, a must-have, no places (capacity 0),
        a score under the minimum."""
        p = self.scored.pools
        settings = p.settings
        min_score = settings.matching.min_score
        criteria_ = self.scored.criteria
        if "skills" in criteria_.features and not offers.any():
            wanted = str(p.roster.frame["skills_wanted"].iloc[p.mentees[i]] or "")
            items = [x.strip() for x in wanted.split(";") if x.strip()]
            if items:
                return f"no mentor offers any of the skills they want ({', '.join(items)})"
        considered, who = (
            (offers, "offering the skills they want")
            if offers.any()
            else (
                s > 0,
                "who fits",
            )
        )
        if not considered.any():
            return (
                "no mentor has anything in common with what they asked for "
                "(the skills they want, their goals, ...)"
            )
        why = cause.copy()
        why[(why == "") & (p.capacity <= 0)] = NO_PLACES
        why[(why == "") & (s < max(min_score, 0.001))] = UNDER_MINIMUM
        why[why == ""] = NO_PLACES  # every place is pinned: no room left for a run
        # The commonest cause first; equal counts in a fixed order, so a re-run reads
        # the same.
        counts = pd.Series(why[considered]).value_counts().sort_index()
        counts = counts.sort_values(ascending=False, kind="stable")
        if len(counts) == 1:
            only = str(counts.index[0])
            if only == UNDER_MINIMUM:
                best = s[considered].max(initial=0.0)
                return (
                    f"no mentor {who.removeprefix('who fits').strip()}".strip()
                    + f" reaches the minimum score of {min_score:g} (the best scores "
                    f"{whole(best)} out of 100)"
                )
            if only.startswith(MUST):
                lacks = criteria_.required[only.removeprefix(MUST)].must(
                    settings.matching, settings.format
                )[1]
                return f"every mentor {who} fails a must-have: {lacks}"
            return f"every mentor {who} {_one_cause(only, min_score)}"
        return f"every mentor {who} is ruled out: " + ", ".join(
            f"{v} {_ruled_out(str(k), criteria_.required, min_score)}" for k, v in counts.items()
        )


NO_PLACES = "no places"
UNDER_MINIMUM = "under the minimum"
"""Causes of a mentor being ruled out for a mentee besides the hard rules (:class:`Block`)
and the must-haves (:data:`MUST`)."""


def _one_cause(cause: str, min_score: float) -> str:
    """A cause as it completes "every mentor who fits ..."."""
    if cause == NO_PLACES:
        return "takes no mentees this time (capacity 0)"
    return f"is {THEIR[Block(cause)]}"


def _ruled_out(cause: str, required: dict[str, criteria.Criterion], min_score: float) -> str:
    """One cause among several, after a count ("3 in their reporting line")."""
    if cause.startswith(MUST):
        return f"failing the must-have on {required[cause.removeprefix(MUST)].label}"
    if cause == NO_PLACES:
        return "taking no mentees this time (capacity 0)"
    if cause == UNDER_MINIMUM:
        return f"scoring under the minimum of {min_score:g}"
    return THEIR[Block(cause)]


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Summary:
    """What a run amounts to: counts, scores and how it was solved.

    ``summary.json`` is this object as written (:meth:`as_dict`), the matching step
    shows it, and the design keeps the parts without names (:func:`~workbook.matching.
    pipeline.aggregates`).

    Attributes:
        seconds: the time from loading the roster to the explanations (the exports are
            written after it is measured, so the file and the caller agree); 0 under
            ``SOURCE_DATE_EPOCH``, so reproducible runs give the same bytes.
        weights: the active criteria's weights, by key.
    """

    mentees: int
    mentors: int
    matched: int
    unmatched: int
    total_score: float
    min_score: float | None
    mean_score: float | None
    objective: MatchObjective
    mode: Mode
    optimal: bool
    solver: str
    seconds: float
    allowed_pairs: int
    pairs_considered: int
    capacity: int
    weights: dict[str, float] = field(default_factory=dict)
    blocking_pairs: int = 0
    """Allowed pairs who both score each other higher than what they got
    (:mod:`workbook.matching.stability`)."""
    stable_matched: int | None = None
    """Mentees the stable (best pair first) assignment matches; None when not worked out."""
    stable_total_score: float | None = None
    kept: int | None = None
    """Running pairs kept (``--keep``, :mod:`workbook.matching.keep`); None when the run
    was given no running pairs."""
    dropped: int | None = None
    """Running pairs no longer allowed, so not kept (each with why in running_pairs.csv)."""
    close_calls: int = 0
    """Pairs flagged close calls (:mod:`workbook.matching.robustness`): within one point
    of the mentee's next best mentor, or changed by one weight 10% lower or higher."""
    robustness: Level = "margins only"
    """What was worked out: "ranges", "halved and doubled" or "margins only"."""
    weight_changes: list[WeightChange] = field(default_factory=list)
    """Per active criterion: the share of pairs that change with its weight halved
    and doubled, and (on small rosters) the range keeping every pair."""
    must_haves: list[str] = field(default_factory=list)
    """The must-haves the run applied, each as what the mentor must do ("offers at least
    one skill the mentee wants"): a pair failing one was not allowed."""

    def as_dict(self) -> dict[str, object]:
        """The summary as plain data, in field order (what ``summary.json`` holds)."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class MatchResult:
    """Everything a run produced; exports and the notebook read from here.

    Attributes:
        matches: mentee_id, mentee_name, mentor_id, mentor_name, score, reasons, pinned.
        contributions: one column per criterion, aligned with ``matches`` (for charts).
        unmatched: mentee_id, mentee_name, reason, alternatives.
        shortlist: the top k allowed mentors per mentee (shortlist mode), else ``None``.
        groups: one row per mentor with their group (group mode), else ``None``.
        summary: counts and scores for ``summary.json`` and the charter.
        scored: the allowed pairs, for ``pair_scores.csv`` and audits.
    """

    matches: pd.DataFrame
    contributions: pd.DataFrame
    unmatched: pd.DataFrame
    shortlist: pd.DataFrame | None
    groups: pd.DataFrame | None
    summary: Summary
    scored: Scored
    running: pd.DataFrame | None = None
    """With running pairs (``--keep``): each one, whether it was kept, and why
    (:meth:`workbook.matching.keep.Kept.table`); else ``None``."""

    def pair_scores(self) -> pd.DataFrame:
        """Every allowed pair with its score, so anyone can audit the result."""
        s, p = self.scored, self.scored.pools
        ids = p.roster.frame["id"].to_numpy(dtype=object)
        return pd.DataFrame(
            {
                "mentee_id": ids[p.mentees[s.mentee]],
                "mentor_id": ids[p.mentors[s.mentor]],
                "score": s.score / SCALE,
            }
        )


def explain(scored: Scored, solution: Solution, settings: Settings, seconds: float) -> MatchResult:
    """Turn a solution into tables a coordinator can read, with a reason for everything."""
    p = scored.pools
    frame = p.roster.frame
    ids = frame["id"].to_numpy(dtype=object)
    names = frame["name"].to_numpy(dtype=object)
    reasons, contrib = explain_pairs(scored, solution.mentee, solution.mentor)
    kept = set(p.kept or ())
    pinned = {(i, j) for i, j in p.pins} - kept  # a kept pair is a pin the run made
    ea, rb = p.mentees[solution.mentee], p.mentors[solution.mentor]
    robust = analyse(scored, solution, settings.objective)
    matches = pd.DataFrame(
        {
            "mentee_id": ids[ea],
            "mentee_name": names[ea],
            "mentor_id": ids[rb],
            "mentor_name": names[rb],
            "score": solution.score / SCALE,
            "reasons": reasons,
            "pinned": [
                (int(i), int(j)) in pinned
                for i, j in zip(solution.mentee, solution.mentor, strict=True)
            ],
            "margin": np.round(robust.margin, 3),
            "close_call": robust.close,
            "close_because": robust.because,
        }
    )
    if p.kept is not None:
        matches["kept"] = [
            (int(i), int(j)) in kept for i, j in zip(solution.mentee, solution.mentor, strict=True)
        ]
    unmatched = explain_unmatched(scored, solution)
    shortlist = _shortlist(scored, settings.shortlist_k) if settings.mode == "shortlist" else None
    groups = _groups(matches) if settings.mode == "group" else None
    score = matches["score"]
    alternative = stable(scored)
    summary = Summary(
        mentees=p.n,
        mentors=p.m,
        matched=len(matches),
        unmatched=len(unmatched),
        total_score=round(float(score.sum()), 3),
        min_score=round(float(score.min()), 3) if len(score) else None,
        mean_score=round(float(score.mean()), 3) if len(score) else None,
        objective=settings.objective,
        mode=settings.mode,
        optimal=solution.optimal,
        solver=SOLVER,
        seconds=round(seconds, 3),
        allowed_pairs=len(scored),
        pairs_considered=p.n * p.m,
        capacity=int(p.capacity.sum()),
        weights={k: round(v, 3) for k, v in scored.criteria.weights.items()},
        blocking_pairs=blocking_pairs(scored, solution.mentee, solution.mentor, solution.score),
        stable_matched=alternative.matched if alternative is not None else None,
        stable_total_score=round(alternative.total / SCALE, 3) if alternative is not None else None,
        close_calls=robust.close_calls,
        robustness=robust.level,
        weight_changes=list(robust.changes),
        must_haves=[
            c.must(settings.matching, settings.format)[0] for c in scored.criteria.required.values()
        ],
    )
    return MatchResult(matches, contrib, unmatched, shortlist, groups, summary, scored)


def _shortlist(scored: Scored, k: int) -> pd.DataFrame:
    """The top k allowed mentors per mentee, best first, capacity ignored (mentees choose)."""
    order = np.lexsort((scored.mentor, -scored.score.astype(np.int64), scored.mentee))
    mentee, mentor = scored.mentee[order], scored.mentor[order]
    starts = np.searchsorted(mentee, mentee, side="left")
    rank = np.arange(len(mentee)) - starts
    keep = rank < k
    a, b = mentee[keep].astype(np.int64), mentor[keep].astype(np.int64)
    p = scored.pools
    ids = p.roster.frame["id"].to_numpy(dtype=object)
    names = p.roster.frame["name"].to_numpy(dtype=object)
    reasons, _ = explain_pairs(scored, a, b)
    return pd.DataFrame(
        {
            "mentee_id": ids[p.mentees[a]],
            "mentee_name": names[p.mentees[a]],
            "rank": rank[keep] + 1,
            "mentor_id": ids[p.mentors[b]],
            "mentor_name": names[p.mentors[b]],
            "score": scored.score[order][keep] / SCALE,
            "reasons": reasons,
        }
    )


def _groups(matches: pd.DataFrame) -> pd.DataFrame:
    grouped = matches.groupby(["mentor_id", "mentor_name"], sort=True)
    return pd.DataFrame(
        {
            "size": grouped.size(),
            "mean_score": grouped["score"].mean().round(3),
            "mentee_ids": grouped["mentee_id"].agg(";".join),
            "mentee_names": grouped["mentee_name"].agg(";".join),
        }
    ).reset_index()


# --------------------------------------------------------------------------- in words

_GOALS = {
    "coverage": "as many mentees matched as possible, then the highest total score",
    "quality": (
        "the highest total score, even if fewer mentees are matched "
        "(between equal totals, the one that matches more)"
    ),
    "fairness": "as many mentees matched as possible, then the highest lowest score",
}


def _headline(reason: str) -> str:
    """A reason without its detail (the counts after "ruled out:", a trailing bracket),
    so alike reasons group in the sentence; the table keeps each in full."""
    if " is ruled out: " in reason:
        return reason.split(": ", 1)[0] + " by the rules"
    return reason.split(" (", 1)[0] if reason.endswith(")") else reason


def in_words(result: MatchResult) -> str:
    """The sentence that heads the results, what the coordinator reads first.

    "304 of 305 mentees have a mentor. 1 could not be matched: every mentor offering
    the skills they want is in their reporting line." Unmatched reasons are grouped by
    what they say (their bracketed details dropped), the commonest first.
    """
    s = result.summary
    noun = "mentee has" if s.mentees == 1 else "mentees have"
    text = f"{s.matched} of {s.mentees} {noun} a mentor."
    pinned = int(result.matches["pinned"].sum()) if "pinned" in result.matches else 0
    if pinned:
        text += (
            f" {pinned} {'pair was' if pinned == 1 else 'pairs were'} pinned by the coordinator."
        )
    text += _running(s)
    if not len(result.unmatched):
        return text
    groups = result.unmatched["reason"].map(_headline).value_counts(sort=False)
    order = sorted(groups.items(), key=lambda kv: (-kv[1], list(groups.index).index(kv[0])))
    text += f" {len(result.unmatched)} could not be matched: "
    if len(order) == 1:
        return text + f"{order[0][0]}."
    return text + "; ".join(f"{n} because {why}" for why, n in order) + "."


def computation(summary: Summary) -> list[tuple[str, str]]:
    """How the run was computed, in words: what the collapsed "How this was computed"
    section and the Excel file's Summary sheet show (the solver's details a
    coordinator rarely needs, but an auditor asks for)."""
    weights = ", ".join(f"{criteria.label(k)} {v:g}" for k, v in summary.weights.items())
    rows = [
        ("Mentees", f"{summary.mentees}"),
        ("Mentors", f"{summary.mentors}"),
        ("Places mentors offer", f"{summary.capacity}"),
        ("Matched", f"{summary.matched}"),
        ("Not matched", f"{summary.unmatched}"),
        (
            "Pairs the rules allow",
            f"{summary.allowed_pairs:,} of {summary.pairs_considered:,} possible pairs",
        ),
        ("Aim", _GOALS.get(summary.objective, summary.objective)),
        (
            "Result",
            "provably the best for this aim (optimal)"
            if summary.optimal
            else "not proven the best for this aim",
        ),
        ("Total of the match scores (the objective value)", f"{summary.total_score:,.1f}"),
        (
            "Lowest and mean match score (0-100)",
            "none"
            if summary.min_score is None or summary.mean_score is None
            else f"{whole(summary.min_score)} and {whole(summary.mean_score)}",
        ),
        ("Criteria and their weights", weights or "none"),
        (
            "Must-haves (a pair failing one is never matched)",
            "; ".join(f"the mentor {m}" for m in summary.must_haves) or "none",
        ),
        ("Pairs who would rather be together", _blocking(summary)),
        *([("Running pairs", _running(summary).strip())] if summary.kept is not None else []),
        ("How robust the pairs are", robust_words(summary)),
        ("Solver", summary.solver),
        ("Time", f"{summary.seconds:g} seconds"),
    ]
    return rows


def robust_words(summary: Summary) -> str:
    """What was checked of each pair's robustness, and how many close calls, in words."""
    calls = summary.close_calls
    text = (
        "each pair's margin over the mentee's next best mentor (the best score among "
        "the other mentors the rules allow them)"
    )
    changes = summary.weight_changes
    if summary.robustness == "margins only":
        text += (
            f"; the weights were not tried halved and doubled, as the roster has "
            f"{summary.allowed_pairs:,} allowed pairs and each try solves the run again"
        )
    elif len(changes) == 1 and changes[0].alone:
        only = criteria.label(changes[0].criterion)
        text += f"; {only} is the only criterion, so its weight changes no score"
    else:
        text += "; the run solved again with each weight halved and doubled: " + "; ".join(
            _change_words(c) for c in changes
        )
        if summary.robustness == "ranges":
            text += f" (each range to within {RANGE_STEP:.0%} of the weight)"
    noun = "call" if calls == 1 else "calls"
    text += f". {calls:,} close {noun}: " if calls else ". No close call: "
    text += f"a pair is one when the mentee's next best mentor is within {CLOSE_MARGIN:g} point"
    text += " of it"
    if summary.robustness != "margins only":
        text += (
            f", or when one weight {NUDGE:.0%} lower or higher gives the mentee another "
            "mentor or none"
        )
    return text + "."


def _change_words(change: WeightChange) -> str:
    """One weight's halving, doubling and range, in words."""
    c = change
    name = f"{criteria.label(c.criterion)} ({c.weight:g})"

    def share(x: float) -> str:
        return "no pair changes" if x == 0 else f"{x:.0%} of the pairs change"

    text = f"{name}: halved, {share(c.halved)}; doubled, {share(c.doubled)}"
    if c.low is not None:
        step = RANGE_STEP * c.weight
        if c.high is not None and c.high - c.low <= step:
            # Within one step of the search either side: any change found moves a pair.
            text += "; the smallest change to this weight that was tried moves a pair"
        else:
            high = (
                _weight(c.high) if c.high is not None else f"{_weight(c.top or c.weight)} or more"
            )
            text += f"; the same pairs stay the best for a weight from {_weight(c.low)} to {high}"
    return text


def _weight(x: float) -> str:
    """A weight as a person reads it: at most two decimals, none trailing (0.95, 12.5, 1)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _running(summary: Summary) -> str:
    """The running pairs kept and ended, as a sentence ("" without running pairs)."""
    kept, dropped = summary.kept, summary.dropped
    if kept is None:
        return ""
    text = f" {kept} running {'pair was' if kept == 1 else 'pairs were'} kept."
    if dropped:
        text += (
            f" {dropped} running {'pair' if dropped == 1 else 'pairs'} could not be kept: "
            "the reasons are listed with the running pairs."
        )
    return text


def _blocking(summary: Summary) -> str:
    """The blocking pairs and what the stable assignment would give instead, in words."""
    count = summary.blocking_pairs
    if not count:
        return "none: no mentee and mentor would score higher together than with whom they got"
    text = (
        f"{count:,} {'pair' if count == 1 else 'pairs'} of a mentee and a mentor would score "
        "higher together than with whom they got (the mentor has room, or a mentee who "
        "scores lower with them): the run gave that up for its aim above"
    )
    stable_matched, stable_total = summary.stable_matched, summary.stable_total_score
    if stable_matched is not None and stable_total is not None:
        text += (
            f". Matching the best pairs first would leave no such pair, and would match "
            f"{stable_matched} {'mentee' if stable_matched == 1 else 'mentees'} instead of "
            f"{summary.matched} (total score "
            f"{stable_total:,.1f} instead of {summary.total_score:,.1f})"
        )
    return text + "."


def pinned_note(score: float) -> str:
    """Why a pinned pair's score is what it is: the coordinator chose it, the criteria
    scored it (a pin may score below the minimum, even 0)."""
    return f"pinned by the coordinator; score {whole(score)}/100 on the criteria"
