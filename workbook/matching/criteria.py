"""Score every allowed pair: the criteria, computed for whole blocks of pairs at once.

Each criterion gives every (mentee, mentor) pair a value from 0 to 1, computed for a
block of mentees against all mentors at once with numpy (never row by row: a pandas
cross join with ``apply`` took 715 s at 5,000 mentees where this takes well under a
second). A pair's score is the weighted mean of its criteria on a 0 to 100 scale,
rounded to 0.001, so a match's *contributions* (weight share x value) add up to its
score and the coordinator can see why a pair was proposed.

:func:`score_pairs` keeps only the allowed pairs: no hard constraint against them
(:mod:`workbook.matching.constraints`), a mentor with capacity, and a score at or above the
minimum. A pair that scores 0 (nothing in common on any weighted criterion) is never
proposed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from workbook.errors import MatchingError, Problem
from workbook.matching.constraints import I64, Pools
from workbook.matching.roster import split_list, utc_offset_hours

F64 = npt.NDArray[np.float64]
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
SET_COLUMNS = {
    "skills": ("skills_wanted", "skills_offered"),
    "goals": ("goals", "goals"),
    "language": ("languages", "languages"),
}
"""Criteria that compare lists: the mentee's roster column and the mentor's."""
CELLS_PER_BLOCK = 4_000_000
"""Pairs scored at once: memory stays flat whatever the roster's size."""


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
        for name, (mentee_col, mentor_col) in SET_COLUMNS.items():
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
            block: F64 = counts * inv[a.ravel()][:, None]
            return block
        pairs: F64 = np.einsum("ij,ji->i", e[a], r[:, b]) * inv[a]
        return pairs

    def value(self, name: str, a: I64, b: I64) -> F64:
        """The value (0 to 1) of criterion ``name`` for the given pairs."""
        p, s = self.pools, self.pools.settings.matching
        ea, rb = p.mentees[a], p.mentors[b]
        if name in ("skills", "goals"):
            return self._overlap(name, a, b)
        if name == "language":
            return (self._overlap(name, a, b) > 0).astype(np.float64)
        if name == "seniority":
            seniority: F64 = self.seniority_table[self.level_code[ea], self.level_code[rb]]
            return seniority
        if name == "timezone":
            zone: F64 = self.zone_value[self.zone_code[ea], self.zone_code[rb]]
            return zone
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
        wanted: F64 = (known & ((ca == cb) if mode == "same" else (ca != cb))).astype(np.float64)
        return wanted

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
    step = max(1, CELLS_PER_BLOCK // max(m, 1))
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
