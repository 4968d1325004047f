"""Match mentees with mentors: score every pair, keep the allowed ones, solve exactly, explain.

:func:`match` reads as the pipeline it runs::

    load roster -> validate -> pools and hard constraints -> score -> solve -> explain -> export

**Scores.** Each criterion gives every (mentee, mentor) pair a value from 0 to 1, computed
for a block of mentees against all mentors at once with numpy (never row by row: a
pandas cross join with ``apply`` took 715 s at 5,000 mentees where this takes well
under a second). A pair's score is the weighted mean of its criteria on a 0 to 100
scale, rounded to 0.001, so a match's *contributions* (weight share x value) add up to
its score and the coordinator can see why a pair was proposed.

**Hard constraints** are never traded for score: nobody above the mentee in the
reporting line (whole line by default, rule R1) and nobody below them in it either
(mentoring never overlaps supervision, R3), never oneself (R8), ``exclude`` in either
direction, no repeat of a previous cohort's pair if asked, the coordinator's
forbidden pairs, mentor capacity (0 means none), and the minimum score. A pair that
scores 0 (nothing in common on any weighted criterion) is never proposed. Forbidden
pairs are left out of the graph rather than given a large cost.

**Solver.** OR-Tools ``SimpleMinCostFlow`` on source -> mentee -> mentor -> sink, costs
the negated integer scores (x1000, so the optimum is exact for the scores reported).
Objectives: ``coverage`` = maximum flow, then minimum cost (the most mentees matched,
then the best total); ``quality`` = a free source -> sink bypass so only the total
counts; ``fairness`` = as many matched as coverage, then the highest lowest score
(binary search over score thresholds with max-flow checks), then the best total. The
returned status is checked every time; anything but OPTIMAL is a :class:`MatchingError`.
Arcs are added in (mentee, mentor) row order, so a re-run gives the same pairs.

Modes: ``assign`` (one-to-one, the coordinator's proposal), ``group`` (a mentor with a
group of mentees up to capacity, default the design's group size) and ``shortlist``
(the top k allowed mentors per mentee with reasons, for mentee choice, rule R5).

Privacy: roster data stays in the run and its exports. The design receives only
:func:`aggregates` (counts and the score distribution); the coordinator's pins and
forbidden pairs live in ``review.csv`` beside the exports, not in the design.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from workbook.design import (
    Design,
    ExtraCriterion,
    Matching,
    MatchingResults,
    MatchObjective,
    SameOrDifferent,
    Weights,
    problems_from_validation,
    revalidate,
)
from workbook.errors import InputError, MatchingError, Problem, RosterError
from workbook.roster import Roster, load_roster, read_table, split_list, utc_offset_hours

Mode = Literal["assign", "group", "shortlist"]
Progress = Callable[[str, float], None]
SCALE = 1000
"""Scores (0-100) are solved as integers in thousandths: exact in practice (notes/matching.md)."""
CRITERIA = ("skills", "goals", "seniority", "department", "timezone", "language", "preferences")
LABELS = {
    "skills": "skills",
    "goals": "goals",
    "seniority": "seniority",
    "department": "department",
    "timezone": "time zone",
    "language": "language",
    "preferences": "mentee's preference",
}
SOLVER = "OR-Tools SimpleMinCostFlow"
_CELLS_PER_BLOCK = 4_000_000
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """What one run uses, resolved from the design and the caller's overrides."""

    matching: Matching
    format: str | None
    objective: MatchObjective
    mode: Mode
    default_capacity: int
    shortlist_k: int = 5
    start_date: dt.date | None = None
    """Time zone offsets are taken on this date (the program's start), as DST shifts them."""

    @classmethod
    def from_design(
        cls,
        design: Design,
        objective: MatchObjective | None = None,
        mode: Mode | None = None,
        shortlist_k: int = 5,
    ) -> Settings:
        """Defaults: group mode for a group format, shortlist when mentees choose from one."""
        fmt = design.model.format
        if mode is None:
            if fmt in ("group", "team"):
                mode = "group"
            elif design.matching.mentee_say == "shortlist":
                mode = "shortlist"
            else:
                mode = "assign"
        # A group's size is the more specific setting for group mentoring.
        capacity = design.participation.mentor_capacity
        if mode == "group" and design.model.group_size:
            capacity = design.model.group_size
        if capacity is None:
            capacity = 1
        return cls(
            matching=design.matching,
            format=fmt,
            objective=objective or design.matching.objective,
            mode=mode,
            default_capacity=capacity,
            shortlist_k=shortlist_k,
            start_date=design.model.start_date,
        )


@dataclass(frozen=True)
class Review:
    """The coordinator's decisions on pairs, kept outside the design (roster ids are private).

    Stored as ``review.csv`` (``mentee_id,mentor_id,action`` with action ``pin`` or
    ``forbid``) in the output folder; :func:`read_pairs_file` reads it.
    """

    pins: tuple[tuple[str, str], ...] = ()
    forbids: tuple[tuple[str, str], ...] = ()


def read_pairs_file(path: str | Path) -> pd.DataFrame:
    """Read a pairs file (a review file or a previous cohort's ``matches.csv``).

    Raises:
        RosterError: the file is not a table or lacks ``mentee_id``/``mentor_id``.
    """
    frame, _ = read_table(path)
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in ("mentee_id", "mentor_id") if c not in frame.columns]
    if missing:
        raise RosterError(
            [
                Problem(f"required column {c!r} is missing", "add it", str(path), c, row=1)
                for c in missing
            ]
        )
    return frame


def read_review(path: str | Path) -> Review:
    """Read a coordinator's review file into pins and forbidden pairs.

    Raises:
        RosterError: unknown action or missing columns.
    """
    frame = read_pairs_file(path)
    actions = frame.get("action", pd.Series(["forbid"] * len(frame))).str.lower()
    bad = ~actions.isin(["pin", "forbid"])
    if bad.any():
        raise RosterError(
            [
                Problem("unknown action", "write pin or forbid", str(path), "action", int(i), v)
                for i, v in actions[bad].items()
            ]
        )
    pairs = list(zip(frame["mentee_id"], frame["mentor_id"], strict=True))
    return Review(
        pins=tuple(p for p, a in zip(pairs, actions, strict=True) if a == "pin"),
        forbids=tuple(p for p, a in zip(pairs, actions, strict=True) if a == "forbid"),
    )


# --------------------------------------------------------------------------- pools


@dataclass
class Pools:
    """Mentees and mentors as positions into the roster, and the pairs never allowed.

    ``blocked`` maps a cause ("reporting line", "self", ...) to sorted pair keys
    ``mentee_pos * n_mentors + mentor_pos``.
    """

    roster: Roster
    settings: Settings
    mentees: I64
    mentors: I64
    capacity: I64
    blocked: dict[str, I64]
    pins: list[tuple[int, int]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.mentees)

    @property
    def m(self) -> int:
        return len(self.mentors)

    def forbidden_keys(self) -> I64:
        """Every blocked pair, whatever the cause, as sorted unique keys."""
        keys = [k for k in self.blocked.values() if len(k)]
        return np.unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)


def _ancestors(manager: I64, people: I64, depth: int | None) -> tuple[I64, I64]:
    """Pairs (position in ``people``, roster row of someone above them), up to ``depth``."""
    rows, cols = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    above = manager[people]
    level = 0
    while (above >= 0).any() and (depth is None or level < depth) and level < len(manager):
        rows.append(np.flatnonzero(above >= 0))
        cols.append(above[above >= 0])
        above = np.where(above >= 0, manager[np.maximum(above, 0)], -1)
        level += 1
    return np.concatenate(rows), np.concatenate(cols)


def _id_positions(ids: Sequence[str], lookup: dict[str, int]) -> I64:
    return np.array([lookup.get(i, -1) for i in ids], dtype=np.int64)


def build_pools(
    roster: Roster,
    settings: Settings,
    review: Review | None = None,
    previous: pd.DataFrame | None = None,
) -> Pools:
    """Split the roster into mentees and mentors and list every pair a hard rule forbids.

    Raises:
        MatchingError: no mentees, no mentors, or a pin that breaks a hard rule.
    """
    mentees = np.flatnonzero(roster.is_mentee).astype(np.int64)
    mentors = np.flatnonzero(roster.is_mentor).astype(np.int64)
    problems = []
    if not len(mentees):
        problems.append(
            Problem("the roster has no mentees", "set role to mentee or both", roster.file, "role")
        )
    if not len(mentors):
        problems.append(
            Problem("the roster has no mentors", "set role to mentor or both", roster.file, "role")
        )
    if problems:
        raise MatchingError(problems)
    n, m = len(mentees), len(mentors)
    capacity = roster.capacity[mentors].copy()
    capacity[capacity < 0] = settings.default_capacity
    mentee_pos = np.full(len(roster), -1, np.int64)
    mentee_pos[mentees] = np.arange(n)
    mentor_pos = np.full(len(roster), -1, np.int64)
    mentor_pos[mentors] = np.arange(m)

    def keys(rows: I64, cols: I64) -> I64:
        ok = (rows >= 0) & (cols >= 0)
        return np.unique(rows[ok] * m + cols[ok])

    blocked: dict[str, I64] = {}
    blocked["self"] = keys(mentee_pos[mentees], mentor_pos[mentees])
    # Reporting line: walk up the manager chains of every mentee at once, one level a step
    # (rule R1). The same walk from every mentor blocks the other direction too, a mentor
    # who reports to the mentee: mentoring never overlaps supervision (rule R3), which
    # matters in reverse mentoring where the mentor is the junior.
    depth = settings.matching.reporting_line_depth
    mentee_at, their_boss = _ancestors(roster.manager, mentees, depth)
    mentor_at, boss_of_mentor = _ancestors(roster.manager, mentors, depth)
    blocked["reporting line"] = keys(mentee_at, mentor_pos[their_boss])
    blocked["reports to you"] = keys(mentee_pos[boss_of_mentor], mentor_at)
    lookup = {str(v): i for i, v in enumerate(roster.ids)}
    ex_rows, ex_cols = [], []
    for person, items in enumerate(split_list(roster.frame["exclude"])):
        for other in items:
            j = lookup[other]
            ex_rows += [mentee_pos[person], mentee_pos[j]]
            ex_cols += [mentor_pos[j], mentor_pos[person]]
    blocked["excluded"] = keys(np.array(ex_rows, np.int64), np.array(ex_cols, np.int64))
    if previous is not None:
        a = _id_positions(list(previous["mentee_id"]), lookup)
        b = _id_positions(list(previous["mentor_id"]), lookup)
        ok = (a >= 0) & (b >= 0)
        blocked["previous cohort"] = keys(mentee_pos[a[ok]], mentor_pos[b[ok]])
    pins: list[tuple[int, int]] = []
    if review is not None:
        a = _id_positions([p[0] for p in review.forbids], lookup)
        b = _id_positions([p[1] for p in review.forbids], lookup)
        ok = (a >= 0) & (b >= 0)
        blocked["forbidden by the coordinator"] = keys(mentee_pos[a[ok]], mentor_pos[b[ok]])
        pins = _check_pins(
            review, lookup, mentee_pos, mentor_pos, capacity, blocked, m, roster.file
        )
    return Pools(roster, settings, mentees, mentors, capacity, blocked, pins)


def _check_pins(
    review: Review,
    lookup: dict[str, int],
    mentee_pos: I64,
    mentor_pos: I64,
    capacity: I64,
    blocked: dict[str, I64],
    m: int,
    file: str,
) -> list[tuple[int, int]]:
    """Pins override the score, never a hard rule, a mentor's capacity or one mentor each."""
    problems, pins, used = [], [], np.zeros(m, np.int64)
    seen: set[int] = set()
    for mentee_id, mentor_id in review.pins:
        a, b = lookup.get(mentee_id, -1), lookup.get(mentor_id, -1)
        i = int(mentee_pos[a]) if a >= 0 else -1
        j = int(mentor_pos[b]) if b >= 0 else -1
        where = f"pin {mentee_id} -> {mentor_id}"
        if i < 0 or j < 0:
            problems.append(
                Problem(
                    f"{where}: not a mentee and a mentor of this roster", "remove the pin", file
                )
            )
            continue
        causes = [c for c, k in blocked.items() if k.size and np.isin(i * m + j, k)]
        if causes:
            problems.append(
                Problem(
                    f"{where}: the pair is not allowed ({', '.join(causes)})",
                    "remove the pin",
                    file,
                )
            )
        elif i in seen:
            problems.append(
                Problem(f"{where}: the mentee is pinned twice", "keep one pin per mentee", file)
            )
        elif used[j] >= capacity[j]:
            problems.append(
                Problem(
                    f"{where}: the mentor is over capacity",
                    "raise the capacity or remove a pin",
                    file,
                )
            )
        else:
            seen.add(i)
            used[j] += 1
            pins.append((i, j))
    if problems:
        raise MatchingError(problems)
    return pins


# --------------------------------------------------------------------------- criteria


class Criteria:
    """The prepared features of both pools, and the value of every criterion for pairs.

    :meth:`value` and :meth:`scores` take mentee positions ``a`` and mentor positions
    ``b``: shaped ``(k, 1)`` and ``(1, m)`` they give a block of every pair, 1-D and of
    equal length they give those pairs. Scoring and explaining call the same code, so an
    explanation always agrees with the score that was solved.
    """

    def __init__(self, pools: Pools) -> None:
        self.pools = pools
        s = pools.settings.matching
        frame = pools.roster.frame
        ee, rr = pools.mentees, pools.mentors
        weights = s.weights.model_dump()
        if s.department == "either":
            weights["department"] = 0.0
        self.weights: dict[str, float] = {k: float(v) for k, v in weights.items() if v > 0}
        for column, extra in s.extra_criteria.items():
            if extra.weight > 0:
                self.weights[f"extra:{column}"] = float(extra.weight)
        total = sum(self.weights.values())
        if total <= 0:
            raise MatchingError(
                Problem(
                    "every criterion has weight 0",
                    "give at least skills a weight above 0",
                    field="matching.weights",
                )
            )
        self.share = {k: 100.0 * w / total for k, w in self.weights.items()}
        self._every_mentor = np.arange(pools.m)
        self.sets: dict[str, tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], F64]] = {}
        for name, (mentee_col, mentor_col) in {
            "skills": ("skills_wanted", "skills_offered"),
            "goals": ("goals", "goals"),
            "language": ("languages", "languages"),
        }.items():
            e, r = self._sets(frame[mentee_col], frame[mentor_col])
            self.sets[name] = (e, r, 1.0 / np.maximum(e.sum(axis=1, dtype=np.float64), 1))
        self.level = pools.roster.level
        # Few distinct levels: precompute level x level values (mentee row, mentor column)
        # and look pairs up, one gather per block. Unknown levels get the last row and
        # column, which score 0.
        codes, levels = pd.factorize(self.level, use_na_sentinel=True)
        levels = np.asarray(levels, dtype=np.float64)
        gaps = levels[None, :] - levels[:, None]
        if pools.settings.format == "reverse":
            gaps = -gaps
        lo, hi = self.seniority_range()
        outside = np.maximum(lo - gaps, 0) + np.maximum(gaps - hi, 0)
        self.seniority_table = np.zeros((len(levels) + 1, len(levels) + 1))
        self.seniority_table[:-1, :-1] = np.clip(1 - outside / 2, 0, 1)
        self.level_code = np.where(codes < 0, len(levels), codes)
        on = pools.settings.start_date or dt.date(2026, 1, 15)
        offsets = {v: utc_offset_hours(v, on) for v in frame["timezone"].unique() if v}
        tz = np.array([np.nan if offsets.get(v) is None else offsets[v] for v in frame["timezone"]])
        self.tz = tz
        # Few distinct zones: precompute zone x zone values and look pairs up.
        self.zone_code, zones = pd.factorize(frame["timezone"])
        hours = np.array([np.nan if offsets.get(v) is None else offsets[v] for v in zones])
        apart = np.abs(hours[:, None] - hours[None, :])
        apart = np.minimum(apart, 24 - apart)
        limit = s.max_timezone_hours
        value = (apart <= limit).astype(np.float64) if limit is not None else 1 - apart / 12
        self.zone_value = np.nan_to_num(value, nan=0.0)
        self.codes: dict[str, I64] = {}
        for column in ["department", *s.extra_criteria]:
            codes, _ = pd.factorize(frame[column].replace("", None))
            self.codes[column] = codes.astype(np.int64)
        # Preferences: rank r (0-based) of k listed -> (k - r) / k, stored as sorted pair keys.
        lookup = {str(v): i for i, v in enumerate(pools.roster.ids)}
        mentor_pos = np.full(len(frame), -1, np.int64)
        mentor_pos[rr] = np.arange(pools.m)
        pr, pc, pv = [], [], []
        prefs = frame["preferences"].to_numpy(dtype=object)
        for i, person in enumerate(ee):
            items = [mentor_pos[lookup[x]] for x in split_list([prefs[person]])[0]]
            items = [j for j in items if j >= 0]
            for rank, j in enumerate(items):
                pr.append(i)
                pc.append(j)
                pv.append((len(items) - rank) / len(items))
        keys = np.array(pr, np.int64) * pools.m + np.array(pc, np.int64)
        order = np.argsort(keys, kind="stable")
        self.pref_keys, self.pref_values = keys[order], np.array(pv, np.float64)[order]

    def _sets(
        self, mentee_col: pd.Series, mentor_col: pd.Series
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """One-hot item sets: mentees x items and items x mentors, so a block is one matmul.

        Dense: rosters use tens to hundreds of distinct skills, so these stay a few MB.
        """
        e_items = split_list(mentee_col.to_numpy(dtype=object)[self.pools.mentees])
        r_items = split_list(mentor_col.to_numpy(dtype=object)[self.pools.mentors])
        vocab: dict[str, int] = {}
        for items in (*e_items, *r_items):
            for x in items:
                vocab.setdefault(x.casefold(), len(vocab))

        def onehot(rows: list[list[str]]) -> npt.NDArray[np.float32]:
            out = np.zeros((len(rows), max(len(vocab), 1)), np.float32)
            idx = [vocab[x.casefold()] for items in rows for x in items]
            row = np.repeat(np.arange(len(rows)), [len(items) for items in rows])
            out[row, idx] = 1.0
            return out

        return onehot(e_items), onehot(r_items).T.copy()

    # Each criterion: a (mentee positions, shape (k,1) or (p,)), b (mentor positions) -> [0, 1].

    def _overlap(self, name: str, a: I64, b: I64) -> F64:
        """Share of the mentee's items the mentor has (0 when the mentee listed none).

        Counts come from one matrix product per block (exact whole numbers in float32)
        and are then scaled by the same float64 reciprocal in both block and pair mode,
        so a pair's value is bit-for-bit the one that was solved.
        """
        e, r, inv = self.sets[name]
        if a.ndim == 2:
            cols = b.ravel()
            whole = cols.size == r.shape[1] and bool((cols == self._every_mentor).all())
            counts = e[a.ravel()] @ (r if whole else r[:, cols])
            return counts * inv[a.ravel()][:, None]
        return np.einsum("ij,ji->i", e[a], r[:, b]) * inv[a]

    def value(self, name: str, a: I64, b: I64) -> F64:
        """The value (0 to 1) of criterion ``name`` for the given pairs."""
        p, s = self.pools, self.pools.settings.matching
        ea, rb = p.mentees[a], p.mentors[b]
        if name in ("skills", "goals"):
            return self._overlap(name, a, b)
        if name == "language":
            return (self._overlap(name, a, b) > 0).astype(np.float64)
        if name == "seniority":
            return self.seniority_table[self.level_code[ea], self.level_code[rb]]
        if name == "timezone":
            return self.zone_value[self.zone_code[ea], self.zone_code[rb]]
        if name == "preferences":
            keys = a * p.m + b
            pos = np.minimum(np.searchsorted(self.pref_keys, keys), max(len(self.pref_keys) - 1, 0))
            if not len(self.pref_keys):
                return np.zeros(keys.shape)
            return np.where(self.pref_keys[pos] == keys, self.pref_values[pos], 0.0)
        column = "department" if name == "department" else name.removeprefix("extra:")
        mode = s.department if name == "department" else s.extra_criteria[column].mode
        ca, cb = self.codes[column][ea], self.codes[column][rb]
        known = (ca >= 0) & (cb >= 0)
        return (known & ((ca == cb) if mode == "same" else (ca != cb))).astype(np.float64)

    def seniority_range(self) -> tuple[float, float]:
        """Wanted levels of mentor above mentee (mentee above mentor for reverse)."""
        s = self.pools.settings
        if s.format == "peer":
            return 0.0, 0.0
        lo = s.matching.seniority_min_gap
        hi = s.matching.seniority_max_gap
        return (-np.inf if lo is None else float(lo)), (np.inf if hi is None else float(hi))

    def scores(self, a: I64, b: I64) -> F64:
        """Weighted score, 0 to 100, of the given pairs (or block)."""
        total: F64 = np.zeros(np.broadcast_shapes(a.shape, b.shape))
        for name, share in self.share.items():
            total += share * self.value(name, a, b)
        return total


# --------------------------------------------------------------------------- scoring


@dataclass
class Scored:
    """Every allowed pair with its integer score (thousandths), in (mentee, mentor) order."""

    pools: Pools
    criteria: Criteria
    mentee: npt.NDArray[np.int32]
    mentor: npt.NDArray[np.int32]
    score: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.mentee)


def score_pairs(pools: Pools, progress: Progress | None = None) -> Scored:
    """Score every pair block by block and keep the allowed ones.

    A block holds about four million pairs so memory stays flat whatever the size.
    """
    criteria = Criteria(pools)
    n, m = pools.n, pools.m
    forbidden = pools.forbidden_keys()
    min_int = round(pools.settings.matching.min_score * SCALE)
    has_room = pools.capacity > 0
    step = max(1, _CELLS_PER_BLOCK // max(m, 1))
    parts: list[tuple[npt.NDArray[np.int32], ...]] = []
    b = np.arange(m)[None, :]
    for start in range(0, n, step):
        stop = min(n, start + step)
        block = np.rint(criteria.scores(np.arange(start, stop)[:, None], b) * SCALE).astype(
            np.int32
        )
        ok = (block >= max(min_int, 1)) & has_room[None, :]
        lo, hi = np.searchsorted(forbidden, [start * m, stop * m])
        fk = forbidden[lo:hi]
        ok[fk // m - start, fk % m] = False
        r, c = np.nonzero(ok)
        parts.append(((r + start).astype(np.int32), c.astype(np.int32), block[r, c]))
        if progress:
            progress("score", stop / n)
    mentee, mentor, score = (np.concatenate(x) for x in zip(*parts, strict=True))
    return Scored(pools, criteria, mentee, mentor, score)


# --------------------------------------------------------------------------- solving


@dataclass(frozen=True)
class Solution:
    """Chosen pairs as positions, and whether the solver proved them optimal."""

    mentee: I64
    mentor: I64
    score: I64
    optimal: bool
    seconds: float


def _free_pools(scored: Scored) -> tuple[npt.NDArray[np.bool_], I64, npt.NDArray[np.bool_]]:
    """Edges usable by the solver after pins: free mentees, remaining capacity."""
    p = scored.pools
    capacity = p.capacity.copy()
    pinned = np.zeros(p.n, bool)
    for i, j in p.pins:
        pinned[i] = True
        capacity[j] -= 1
    return ~pinned[scored.mentee], capacity, pinned


def solve(scored: Scored, objective: MatchObjective) -> Solution:
    """Find the provably optimal assignment for the objective (pins are kept as given).

    Raises:
        MatchingError: the solver did not report OPTIMAL (the status is checked every time).
    """
    from ortools.graph.python import min_cost_flow

    start = time.perf_counter()
    p = scored.pools
    usable, capacity, _ = _free_pools(scored)
    emask = usable & (capacity[scored.mentor] > 0)
    if objective == "fairness":
        emask &= scored.score >= _fair_threshold(scored, emask, capacity)
    # Edge arrays in int32 and freed as soon as OR-Tools has copied them: at 20,000 x
    # 8,000 there are over 20 million arcs and every extra copy costs hundreds of MB.
    edges = np.flatnonzero(emask) if not emask.all() else None
    pick = (lambda a: a) if edges is None else (lambda a: a[edges])
    n, m = p.n, p.m
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    i32 = np.int32
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n, source, i32), np.arange(n, dtype=i32), np.ones(n, i32), np.zeros(n, i32)
    )
    count = int(emask.sum())
    if count:
        flow.add_arcs_with_capacity_and_unit_cost(
            pick(scored.mentee),
            pick(scored.mentor) + i32(n),
            np.ones(count, i32),
            -pick(scored.score),
        )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + m, dtype=i32),
        np.full(m, sink, i32),
        np.maximum(capacity, 0).astype(i32),
        np.zeros(m, i32),
    )
    supplies = np.zeros(n + m + 2, np.int64)
    supplies[source], supplies[sink] = n, -n
    if objective == "quality":
        flow.add_arc_with_capacity_and_unit_cost(source, sink, n, 0)
        flow.set_nodes_supplies(np.arange(n + m + 2), supplies)
        status = flow.solve()
    else:
        flow.set_nodes_supplies(np.arange(n + m + 2), supplies)
        status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise MatchingError(
            Problem(
                f"the solver stopped with status {status.name}, not OPTIMAL",
                "report this as a bug with the roster size",
            )
        )
    used = np.flatnonzero(flow.flows(np.arange(n, n + count)) > 0)
    chosen = used if edges is None else edges[used]
    tails = scored.mentee[chosen].astype(np.int64)
    heads = scored.mentor[chosen].astype(np.int64)
    del flow
    pins = np.array(p.pins, np.int64).reshape(-1, 2)
    mentee = np.concatenate([tails, pins[:, 0]])
    mentor = np.concatenate([heads, pins[:, 1]])
    order = np.argsort(mentee, kind="stable")
    mentee, mentor = mentee[order], mentor[order]
    return Solution(
        mentee,
        mentor,
        _pair_scores(scored, mentee, mentor),
        True,
        time.perf_counter() - start,
    )


def _pair_scores(scored: Scored, mentee: I64, mentor: I64) -> I64:
    """Integer scores of chosen pairs (pins may fall below the minimum, so recompute)."""
    c = scored.criteria
    return (
        np.rint(c.scores(mentee, mentor) * SCALE).astype(np.int64)
        if len(mentee)
        else np.zeros(0, np.int64)
    )


def _max_flow(scored: Scored, emask: npt.NDArray[np.bool_], capacity: I64) -> int:
    from ortools.graph.python import max_flow

    p = scored.pools
    n, m = p.n, p.m
    g = max_flow.SimpleMaxFlow()
    t = np.concatenate([np.full(n, n + m), scored.mentee[emask].astype(np.int64), n + np.arange(m)])
    h = np.concatenate(
        [np.arange(n), n + scored.mentor[emask].astype(np.int64), np.full(m, n + m + 1)]
    )
    c = np.concatenate([np.ones(n + int(emask.sum()), np.int64), np.maximum(capacity, 0)])
    g.add_arcs_with_capacity(t, h, c)
    status = g.solve(n + m, n + m + 1)
    if status != g.OPTIMAL:
        raise MatchingError(
            Problem(f"the max-flow check stopped with status {status.name}", "report this as a bug")
        )
    return int(g.optimal_flow())


def _fair_threshold(scored: Scored, emask: npt.NDArray[np.bool_], capacity: I64) -> int:
    """The highest score threshold that still matches as many mentees as coverage does."""
    target = _max_flow(scored, emask, capacity)
    values = np.unique(scored.score[emask])
    lo, hi = 0, len(values) - 1  # values[lo] always feasible
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _max_flow(scored, emask & (scored.score >= values[mid]), capacity) == target:
            lo = mid
        else:
            hi = mid - 1
    return int(values[lo]) if len(values) else 0


# --------------------------------------------------------------------------- explaining


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def explain_pairs(scored: Scored, mentee: I64, mentor: I64) -> tuple[list[str], pd.DataFrame]:
    """Each pair's reasons (every criterion with its contribution) and the contributions table."""
    c = scored.criteria
    p = scored.pools
    frame = p.roster.frame
    contrib = (
        pd.DataFrame(
            {name: share * c.value(name, mentee, mentor) for name, share in c.share.items()}
        )
        if len(mentee)
        else pd.DataFrame(columns=list(c.share))
    )
    ea, rb = p.mentees[mentee], p.mentors[mentor]
    details: dict[str, list[str]] = {}
    for name in c.share:
        if name in ("skills", "goals", "language"):
            col_e, col_r = {
                "skills": ("skills_wanted", "skills_offered"),
                "goals": ("goals", "goals"),
                "language": ("languages", "languages"),
            }[name]
            es = split_list(frame[col_e].to_numpy(dtype=object)[ea])
            rs = split_list(frame[col_r].to_numpy(dtype=object)[rb])
            out = []
            for want, have in zip(es, rs, strict=True):
                folded = {h.casefold() for h in have}
                shared = [w for w in want if w.casefold() in folded]
                out.append(
                    f"{len(shared)} of {len(want)}: {', '.join(shared)}"
                    if shared
                    else f"0 of {len(want)}"
                )
            details[name] = out
        elif name == "seniority":
            gaps = c.level[rb] - c.level[ea]
            details[name] = [
                ("levels unknown" if np.isnan(g) else f"mentor {int(g):+d} levels") for g in gaps
            ]
        elif name == "timezone":
            d = np.abs(c.tz[ea] - c.tz[rb])
            d = np.minimum(d, 24 - d)
            details[name] = [("zone unknown" if np.isnan(x) else f"{x:g} h apart") for x in d]
        elif name == "preferences":
            ids = p.roster.frame["id"].to_numpy(dtype=object)
            mentor_ids = set(ids[p.mentors])  # only mentors count, as in the score
            listed = [
                [x for x in prefs if x in mentor_ids]
                for prefs in split_list(frame["preferences"].to_numpy(dtype=object)[ea])
            ]
            details[name] = [
                f"choice {prefs.index(ids[r]) + 1} of {len(prefs)}"
                if ids[r] in prefs
                else "not listed"
                for prefs, r in zip(listed, rb, strict=True)
            ]
        else:
            column = name.removeprefix("extra:")
            details[name] = [
                f"{x or '?'} / {y or '?'}"
                for x, y in zip(
                    frame[column].to_numpy(dtype=object)[ea],
                    frame[column].to_numpy(dtype=object)[rb],
                    strict=True,
                )
            ]
    reasons = []
    names = list(c.share)
    values = contrib.to_numpy()
    for k in range(len(mentee)):
        parts = [
            f"{LABELS.get(n, n.removeprefix('extra:'))} +{_fmt(values[k, q])} ({details[n][k]})"
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
    context = _Context(
        scored,
        load=np.bincount(solution.mentor, minlength=p.m),
        allowed=np.bincount(scored.mentee, minlength=p.n),
        names=frame["name"].to_numpy(dtype=object),
        ids=frame["id"].to_numpy(dtype=object),
    )
    every = np.arange(p.m)[None, :]
    step = max(1, _CELLS_PER_BLOCK // max(p.m, 1))
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
        has_room = p.capacity > 0
        reaches = s >= max(min_score, 0.001)
        fits = reaches & has_room
        hard = cause != ""
        nearest = np.flatnonzero(has_room & ~hard & (s > 0))
        if self.allowed[i] > 0:
            reason = (
                f"all {self.allowed[i]} mentors who fit are at capacity: the optimal "
                "assignment needs their places for other mentees"
            )
            nearest = np.flatnonzero(fits & ~hard)
        elif not has_room.any():
            reason, nearest = "no mentor has capacity", np.zeros(0, np.int64)
        elif not fits.any() and (reaches & ~hard).any():
            reason = "every mentor who fits takes no mentees this time (capacity 0)"
        elif not fits.any():
            best = s[has_room & ~hard].max(initial=0.0)
            reason = (
                f"no mentor reaches the minimum score of {min_score:g} (best {best:.1f})"
                if best > 0
                else "no mentor has anything in common with what you asked for "
                "(wanted skills, goals, ...)"
            )
        else:
            # Name the skills when they are what fits: "every mentor who offers the
            # skills you want is in your reporting line" is what a mentee can act on.
            who = "fits"
            offering = offers & has_room
            if offering.any() and hard[offering].all():
                fits, who = offering, "offers the skills you want"
            counts = pd.Series(cause[fits]).value_counts()
            if len(counts) == 1:
                reason = f"every mentor who {who} is {_because(str(counts.index[0]))}"
            else:
                reason = f"every mentor who {who} is blocked: " + ", ".join(
                    f"{v} {_because(str(k))}" for k, v in counts.items()
                )
        alternatives = []
        for j in nearest[np.lexsort((nearest, -s[nearest]))][:3]:
            note = (
                "at capacity"
                if self.load[j] >= p.capacity[j]
                else f"below the minimum {min_score:g}"
                if s[j] < min_score
                else "available"
            )
            person = p.mentors[j]
            alternatives.append(
                f"{self.ids[person]} {self.names[person]} (score {s[j]:.1f}, {note})"
            )
        return reason, "; ".join(alternatives)


def _because(cause: str) -> str:
    return {
        "reporting line": "in your reporting line",
        "reports to you": "someone who reports to you",
        "self": "yourself",
        "excluded": "excluded by you or by them",
        "previous cohort": "a mentor you had in a previous cohort",
        "forbidden by the coordinator": "forbidden by the coordinator",
    }.get(cause, cause)


# --------------------------------------------------------------------------- the result


@dataclass
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
    summary: dict[str, object]
    scored: Scored

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
    pinned = {(i, j) for i, j in p.pins}
    ea, rb = p.mentees[solution.mentee], p.mentors[solution.mentor]
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
        }
    )
    unmatched = explain_unmatched(scored, solution)
    shortlist = _shortlist(scored, settings.shortlist_k) if settings.mode == "shortlist" else None
    groups = _groups(matches) if settings.mode == "group" else None
    score = matches["score"]
    summary: dict[str, object] = {
        "mentees": p.n,
        "mentors": p.m,
        "matched": len(matches),
        "unmatched": len(unmatched),
        "total_score": round(float(score.sum()), 3),
        "min_score": round(float(score.min()), 3) if len(score) else None,
        "mean_score": round(float(score.mean()), 3) if len(score) else None,
        "objective": settings.objective,
        "mode": settings.mode,
        "optimal": solution.optimal,
        "solver": SOLVER,
        "seconds": round(seconds, 3),
        "allowed_pairs": len(scored),
        "pairs_considered": p.n * p.m,
        "capacity": int(p.capacity.sum()),
        "weights": {k: round(v, 3) for k, v in scored.criteria.weights.items()},
    }
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


# --------------------------------------------------------------------------- pipeline


def match(
    design: Design,
    roster: str | Path | bytes | Roster,
    outdir: str | Path | None = None,
    *,
    objective: MatchObjective | None = None,
    mode: Mode | None = None,
    all_scores: bool = False,
    review: Review | str | Path | None = None,
    previous: str | Path | None = None,
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
        objective, mode: override the design's objective and the mode it implies.
        review: the coordinator's pins and forbidden pairs (a :class:`Review` or a file).
        previous: a previous cohort's matches.csv; its pairs are not repeated. Required
            when the design sets ``avoid_repeat_pairs``.
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
    if design.matching.avoid_repeat_pairs and previous is None:
        raise MatchingError(
            Problem(
                "the design avoids repeating previous pairs but no previous matches file was given",
                "give the previous cohort's matches.csv (--previous FILE, or 'Previous "
                "matches' in the notebook), or turn avoid_repeat_pairs off",
                field="matching.avoid_repeat_pairs",
            )
        )
    earlier = read_pairs_file(previous) if previous is not None else None
    tick("constraints", 0.0)
    pools = build_pools(loaded, settings, review, earlier)
    scored = score_pairs(pools, progress)
    tick("solve", 0.0)
    solution = solve(scored, settings.objective)
    tick("explain", 0.0)
    result = explain(scored, solution, settings, time.perf_counter() - started)
    if outdir is not None:
        from workbook.exports import write_exports

        tick("export", 0.0)
        write_exports(result, Path(outdir), all_scores=all_scores)
        result.summary["seconds"] = round(time.perf_counter() - started, 3)
    tick("done", 1.0)
    return result


def aggregates(result: MatchResult, when: dt.datetime | None = None) -> MatchingResults:
    """What the charter may hold about a run: counts and the score distribution, no names."""
    s = result.summary
    scores = result.matches["score"].to_numpy(dtype=float)
    quartiles = (
        [round(float(q), 2) for q in np.quantile(scores, [0.25, 0.5, 0.75])] if len(scores) else []
    )
    return MatchingResults(
        run_at=(when or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        objective=s["objective"],  # type: ignore[arg-type]
        mentees=int(s["mentees"]),  # type: ignore[call-overload]
        mentors=int(s["mentors"]),  # type: ignore[call-overload]
        matched=int(s["matched"]),  # type: ignore[call-overload]
        unmatched=int(s["unmatched"]),  # type: ignore[call-overload]
        total_score=float(s["total_score"]),  # type: ignore[arg-type]
        min_score=s["min_score"],  # type: ignore[arg-type]
        mean_score=s["mean_score"],  # type: ignore[arg-type]
        score_quartiles=quartiles,
        optimal=bool(s["optimal"]),
    )


def record_results(design: Design, result: MatchResult) -> Design:
    """A copy of the design with the run's aggregates in ``matching.results`` (save it yourself)."""
    matching = design.matching.model_copy(update={"results": aggregates(result)})
    return design.model_copy(update={"matching": matching})


# --------------------------------------------------------------------------- the step's inputs

STEP = "matching"
"""The step's name, as used by :func:`workbook.rules.for_step`."""

EFFECTS = {
    "skills": "the share of the skills the mentee wants that the mentor offers",
    "goals": "the share of the mentee's goals the mentor lists among theirs",
    "seniority": "full when the mentor's level is within the gap range, half one level off",
    "department": "full when the departments are the same / different, as chosen",
    "timezone": "full within the hour limit (without a limit: falls by 1/12 an hour apart)",
    "language": "full when they share a language",
    "preferences": "1 for the mentee's first choice, less for later choices, 0 if not listed",
}


class MatchingInputs(BaseModel):
    """Everything the matching step decides (criteria, constraints, objective, capacity).

    The roster, the review file and the results of a run are not here: roster data
    never goes into the design (privacy), and results are stored as aggregates only.
    """

    model_config = ConfigDict(extra="forbid")

    objective: MatchObjective = "coverage"
    weights: Weights = Field(default_factory=Weights)
    department: SameOrDifferent = "either"
    seniority_min_gap: int | None = 1
    seniority_max_gap: int | None = None
    max_timezone_hours: float | None = Field(default=None, ge=0, le=24)
    reporting_line_depth: int | None = Field(default=None, ge=1)
    min_score: float = Field(default=0.0, ge=0, le=100)
    avoid_repeat_pairs: bool = False
    mentor_capacity: int | None = Field(default=None, ge=0, le=50)
    extra_criteria: dict[str, ExtraCriterion] = Field(default_factory=dict)
    """Roster column -> same/different and weight."""
    column_map: dict[str, str] = Field(default_factory=dict)
    """The roster's column name -> canonical name."""

    @field_validator("extra_criteria", mode="before")
    @classmethod
    def _parse_extra(cls, value: Any) -> Any:
        return parse_extra(value) if isinstance(value, str) else value

    @field_validator("column_map", mode="before")
    @classmethod
    def _parse_map(cls, value: Any) -> Any:
        return parse_column_map(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _gap_range(self) -> MatchingInputs:
        lo, hi = self.seniority_min_gap, self.seniority_max_gap
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(
                f"the seniority gap range is empty ({lo} to {hi}); make the maximum at least "
                "the minimum"
            )
        return self


def parse_extra(text: str) -> dict[str, dict[str, Any]]:
    """``"site: same; team: different 0.5"`` -> column -> {mode, weight} (weight 1 if left out).

    Raises:
        ValueError: an item is not ``column: same|different [weight]``.
    """
    out: dict[str, dict[str, Any]] = {}
    for item in (x.strip() for x in text.split(";")):
        if not item:
            continue
        column, _, rest = item.partition(":")
        words = rest.split()
        if not column.strip() or not words or words[0] not in ("same", "different"):
            raise ValueError(
                f"{item} must read 'column: same' or 'column: different 0.5' (items separated by ;)"
            )
        try:
            weight = float(words[1]) if len(words) > 1 else 1.0
        except ValueError:
            raise ValueError(f"{item}: the weight must be a number") from None
        out[column.strip()] = {"mode": words[0], "weight": weight}
    return out


def format_extra(extra: dict[str, ExtraCriterion]) -> str:
    """The text :func:`parse_extra` reads back."""
    return "; ".join(f"{c}: {e.mode} {e.weight:g}" for c, e in extra.items())


def parse_column_map(text: str) -> dict[str, str]:
    """``"Employee No = id; Dept = department"`` -> roster column -> canonical column.

    Raises:
        ValueError: an item is not ``roster column = canonical column``.
    """
    out = {}
    for item in (x.strip() for x in text.split(";")):
        if not item:
            continue
        source, sep, target = item.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValueError(
                f"{item} must read 'your column = roster column' (items separated by ;)"
            )
        out[source.strip()] = target.strip()
    return out


def format_column_map(column_map: dict[str, str]) -> str:
    """The text :func:`parse_column_map` reads back."""
    return "; ".join(f"{k} = {v}" for k, v in column_map.items())


def make_inputs(**values: Any) -> MatchingInputs:
    """Validate raw values (widgets or notebook parameters) into :class:`MatchingInputs`.

    Raises:
        InputError: one problem per bad field (``weights.skills: is too small``).
    """
    try:
        return MatchingInputs.model_validate(values)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc)) from None


def inputs_from(design: Design) -> MatchingInputs:
    """What the matching step shows for an existing design."""
    m = design.matching
    return MatchingInputs(
        objective=m.objective,
        weights=m.weights,
        department=m.department,
        seniority_min_gap=m.seniority_min_gap,
        seniority_max_gap=m.seniority_max_gap,
        max_timezone_hours=m.max_timezone_hours,
        reporting_line_depth=m.reporting_line_depth,
        min_score=m.min_score,
        avoid_repeat_pairs=m.avoid_repeat_pairs,
        mentor_capacity=design.participation.mentor_capacity,
        extra_criteria=m.extra_criteria,
        column_map=m.column_map,
    )


def apply(design: Design, inputs: MatchingInputs) -> Design:
    """Write the step's decisions into ``design``; nothing else changes.

    Raises:
        InputError: the result is not a valid design.
    """
    values = inputs.model_dump(exclude={"mentor_capacity", "weights", "extra_criteria"})
    matching = design.matching.model_copy(
        update={**values, "weights": inputs.weights, "extra_criteria": inputs.extra_criteria}
    )
    participation = design.participation.model_copy(
        update={"mentor_capacity": inputs.mentor_capacity}
    )
    return revalidate(
        design.model_copy(update={"matching": matching, "participation": participation})
    )


def _effect_of(name: str, inputs: MatchingInputs, fmt: str | None) -> str:
    """What one criterion rewards, with the step's current settings filled in."""
    if name == "department":
        return f"full when the departments are {inputs.department}"
    if name == "timezone":
        if inputs.max_timezone_hours is not None:
            return f"full when at most {inputs.max_timezone_hours:g} hours apart, else 0"
        return "falls by 1/12 for every hour apart"
    if name == "seniority":
        if fmt == "peer":
            return "full at the same level, half one level apart"
        lo, hi = inputs.seniority_min_gap, inputs.seniority_max_gap
        who = "the mentee is above the mentor" if fmt == "reverse" else "the mentor is above"
        span = (
            "any number of levels"
            if lo is None and hi is None
            else f"at least {lo} level(s)"
            if hi is None
            else f"at most {hi} level(s)"
            if lo is None
            else f"{lo} to {hi} level(s)"
        )
        return f"full when {who} by {span}, half one level off"
    return EFFECTS[name]


def effect(inputs: MatchingInputs, fmt: str | None = None) -> list[str]:
    """Plain sentences saying what the current settings do, for the step to show."""
    weights = inputs.weights.model_dump()
    if inputs.department == "either":
        weights["department"] = 0.0
    extras = {c: e for c, e in inputs.extra_criteria.items() if e.weight > 0}
    total = sum(weights.values()) + sum(e.weight for e in extras.values())
    lines = []
    if total <= 0:
        return ["Every criterion has weight 0: give at least skills a weight to match."]
    for name, weight in sorted(weights.items(), key=lambda kv: -kv[1]):
        if weight > 0:
            lines.append(
                f"{LABELS[name].capitalize()} is {100 * weight / total:.0f}% of a score: "
                f"{_effect_of(name, inputs, fmt)}."
            )
    for column, extra in extras.items():
        lines.append(
            f"Roster column {column} is {100 * extra.weight / total:.0f}% of a score: full "
            f"when the values are the {extra.mode}."
        )
    lines.append(
        {
            "coverage": "Objective coverage: as many mentees matched as possible, then the "
            "best total score.",
            "quality": "Objective quality: the best total score, even if a mentee with only "
            "weak options is left unmatched.",
            "fairness": "Objective fairness: as many matched as coverage, then the lowest "
            "match score as high as possible, then the total.",
        }[inputs.objective]
    )
    depth = inputs.reporting_line_depth
    lines.append(
        "Never matched with anyone above them in the reporting line (rule R1), nor with "
        "someone who reports to them (R3)."
        if depth is None
        else f"Never matched with anyone up to {depth} level(s) above them in the reporting "
        "line (R1), nor with someone that many levels below (R3)."
    )
    if inputs.min_score > 0:
        lines.append(f"A pair scoring under {inputs.min_score:g} of 100 is never proposed.")
    if fmt == "reverse":
        lines.append("Reverse mentoring: the seniority gap counts mentee above mentor (R9).")
    elif fmt == "peer":
        lines.append("Peer mentoring: the seniority criterion rewards the same level.")
    return lines
