"""Score pairs: each active criterion prepared on a run's pools, every allowed pair scored.

Each criterion (:mod:`workbook.matching.criteria`) gives every (mentee, mentor) pair a
value from 0 to 1, computed for a block of mentees against all mentors at once with
numpy (never row by row: a pandas cross join with ``apply`` took 715 s at 5,000 mentees
where this takes well under a second). A pair's score is the weighted mean of its
criteria on a 0 to 100 scale, rounded to 0.001, so a match's *contributions* (weight
share x value) add up to its score and the coordinator can see why a pair was proposed.

:func:`score_pairs` keeps only the allowed pairs: no hard constraint against them
(:mod:`workbook.matching.constraints`), a mentor with capacity, and a score at or above
the minimum. A pair that scores 0 (nothing in common on any weighted criterion) is
never proposed.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from workbook.errors import MatchingError, Problem
from workbook.matching.criteria import Criterion, active, required, seniority_range
from workbook.matching.values import REFERENCE_DAY, split_list, utc_offset_hours

if TYPE_CHECKING:
    from workbook.matching.constraints import Pools

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Progress = Callable[[str, float], None]
SCALE = 1000
"""Scores (0-100) are solved as integers in thousandths: exact in practice, since two
different optimal totals never round to the same integer sum at this scale."""
CELLS_PER_BLOCK = 4_000_000
"""Pairs scored at once: memory stays flat whatever the roster's size."""
THREADS = 2
"""Blocks scored at once (at most one per core)."""


# --------------------------------------------------------------------------- features


class Feature(ABC):
    """A criterion prepared on one run's pools.

    ``a`` are mentee positions and ``b`` mentor positions: shaped ``(k, 1)`` and
    ``(1, m)`` they give a block of every pair, 1-D and of equal length they give those
    pairs. Scoring and explaining call the same code, so an explanation always agrees
    with the score that was solved.
    """

    def __init__(self, pools: Pools) -> None:
        self.pools = pools

    @abstractmethod
    def value(self, a: I64, b: I64) -> F64:
        """The value (0 to 1) for the given pairs."""

    @abstractmethod
    def details(self, a: I64, b: I64) -> list[str]:
        """What the value rests on, for each of the given pairs (1-D)."""

    def weighted(self, share: float, a: I64, b: I64) -> F64:
        """``share * value(a, b)``, bit for bit (a subclass may compute it faster)."""
        found: F64 = share * self.value(a, b)
        return found

    def _column(self, name: str) -> npt.NDArray[np.object_]:
        return self.pools.roster.frame[name].to_numpy(dtype=object)


class Overlap(Feature):
    """Share of the mentee's items the mentor lists (0 when the mentee listed none)."""

    def __init__(self, pools: Pools, mentee_column: str, mentor_column: str) -> None:
        super().__init__(pools)
        self.columns = (mentee_column, mentor_column)
        wanted = split_list(self._column(mentee_column)[pools.mentees])
        offered = split_list(self._column(mentor_column)[pools.mentors])
        self.items = (wanted, offered)
        """Each mentee's and mentor's items (by position), kept for :meth:`details`."""
        # One-hot item sets, mentees x items and items x mentors, so a block is one
        # matrix product. Dense: rosters use tens to hundreds of distinct items.
        vocab: dict[str, int] = {}
        for items in (*wanted, *offered):
            for x in items:
                vocab.setdefault(x.casefold(), len(vocab))

        def onehot(rows: list[list[str]]) -> npt.NDArray[np.float32]:
            out = np.zeros((len(rows), max(len(vocab), 1)), np.float32)
            idx = [vocab[x.casefold()] for items in rows for x in items]
            row = np.repeat(np.arange(len(rows)), [len(items) for items in rows])
            out[row, idx] = 1.0
            return out

        self.e = onehot(wanted)
        self.r = onehot(offered).T.copy()
        self.inv: F64 = 1.0 / np.maximum(self.e.sum(axis=1, dtype=np.float64), 1)
        self._every = np.arange(pools.m)
        # The same sets as 64-bit words: a block's counts are the bits a mentee's and a
        # mentor's words share, element by element, with no BLAS call (its threads spin
        # against the rest of the run on two cores: 10,000 x 4,000 scored in 0.93 s
        # where the matrix product took 0.96 s idle and up to 2 s under load).
        self.bits = (_words(self.e), _words(self.r.T)) if hasattr(np, "bitwise_count") else None

    def counts(self, a: I64, b: I64) -> npt.NDArray[Any]:
        """How many of each mentee's items each mentor lists, for a block (whole numbers)."""
        rows, cols = a.ravel(), b.ravel()
        if self.bits is not None:
            wanted, offered = self.bits
            found = np.zeros((len(rows), len(cols)), np.uint16)
            for w in range(wanted.shape[1]):
                found += np.bitwise_count(wanted[rows, w][:, None] & offered[cols, w][None, :])
            return found
        whole = cols.size == self.r.shape[1] and bool((cols == self._every).all())
        return self.e[rows] @ (self.r if whole else self.r[:, cols])

    def value(self, a: I64, b: I64) -> F64:
        # Counts are exact whole numbers (bits in common, or a float32 matrix product)
        # scaled by the same float64 reciprocal in block and pair mode, so a pair's
        # value is bit-for-bit the one that was solved.
        if a.ndim == 2:
            block: F64 = self.counts(a, b) * self.inv[a.ravel()][:, None]
            return block
        pairs: F64 = np.einsum("ij,ji->i", self.e[a], self.r[:, b]) * self.inv[a]
        return pairs

    def weighted(self, share: float, a: I64, b: I64) -> F64:
        found = self.value(a, b)
        if a.ndim == 2:  # a fresh block: scaled in place, the same products
            np.multiply(found, share, out=found)
            return found
        return share * found

    def details(self, a: I64, b: I64) -> list[str]:
        wanted = [self.items[0][i] for i in np.asarray(a).tolist()]
        offered = [self.items[1][j] for j in np.asarray(b).tolist()]
        out = []
        for want, have in zip(wanted, offered, strict=True):
            folded = {h.casefold() for h in have}
            shared = [w for w in want if w.casefold() in folded]
            out.append(
                f"{len(shared)} of {len(want)}: {', '.join(shared)}"
                if shared
                else f"0 of {len(want)}"
            )
        return out


def _words(onehot: npt.NDArray[np.float32]) -> npt.NDArray[np.uint64]:
    """Rows of a one-hot item table as 64-bit words (item ``k`` is bit ``k % 64`` of word
    ``k // 64``)."""
    rows, items = onehot.shape
    out = np.zeros((rows, (items + 63) // 64), np.uint64)
    for w in range(out.shape[1]):
        part = onehot[:, w * 64 : (w + 1) * 64] > 0
        bit = np.left_shift(np.uint64(1), np.arange(part.shape[1], dtype=np.uint64))
        out[:, w] = np.bitwise_or.reduce(np.where(part, bit, np.uint64(0)), axis=1)
    return out


class AnyShared(Overlap):
    """1 when the mentor lists any of the mentee's items (a shared language), else 0."""

    def value(self, a: I64, b: I64) -> F64:
        if a.ndim == 2:
            return (self.counts(a, b) > 0).astype(np.float64)
        return (super().value(a, b) > 0).astype(np.float64)

    def weighted(self, share: float, a: I64, b: I64) -> F64:
        if a.ndim == 2:  # share * 1.0 is share and share * 0.0 is 0.0, exactly
            found: F64 = np.where(self.counts(a, b) > 0, share * 1.0, share * 0.0)
            return found
        return share * self.value(a, b)


class _Table(Feature):
    """A criterion whose value depends on one code per person (a level, a zone): the
    value of every pair of codes is computed once, and pairs look theirs up."""

    table: F64
    """Mentee's code (row) x mentor's code (column) -> value."""
    code: I64
    """Each roster row's code."""

    def value(self, a: I64, b: I64) -> F64:
        p = self.pools
        found: F64 = self.table[self.code[p.mentees[a]], self.code[p.mentors[b]]]
        return found

    def weighted(self, share: float, a: I64, b: I64) -> F64:
        p = self.pools
        if a.ndim != 2 or b.shape != (1, p.m) or not (b[0] == np.arange(p.m)).all():
            return share * self.value(a, b)
        # A block against every mentor: each mentee code's row of ``share * value`` is
        # worked out once (the same products), and a block gathers whole rows.
        cached = getattr(self, "_rows", None)
        if cached is None or cached[0] != share:
            cached = (share, share * self.table[:, self.code[p.mentors]])
            self._rows = cached
        rows: F64 = np.take(cached[1], self.code[p.mentees[a.ravel()]], axis=0)
        return rows


class SeniorityGap(_Table):
    """Full within the wanted gap of levels, half one level off, 0 further."""

    def __init__(self, pools: Pools) -> None:
        super().__init__(pools)
        self.level = pools.roster.level
        # Few distinct levels: precompute level x level values (mentee row, mentor
        # column) and look pairs up, one gather per block. Unknown levels get the last
        # row and column, which score 0.
        codes, levels = pd.factorize(self.level, use_na_sentinel=True)
        levels = np.asarray(levels, dtype=np.float64)
        gaps = levels[None, :] - levels[:, None]
        if pools.settings.format == "reverse":
            gaps = -gaps
        lo, hi = seniority_range(pools.settings.format, pools.settings.matching)
        outside = np.maximum(lo - gaps, 0) + np.maximum(gaps - hi, 0)
        self.table = np.zeros((len(levels) + 1, len(levels) + 1))
        self.table[:-1, :-1] = np.clip(1 - outside / 2, 0, 1)
        self.code = np.where(codes < 0, len(levels), codes)

    def details(self, a: I64, b: I64) -> list[str]:
        p = self.pools
        gaps = self.level[p.mentors[b]] - self.level[p.mentees[a]]
        return [("levels unknown" if np.isnan(g) else f"mentor {int(g):+d} levels") for g in gaps]


class HoursApart(_Table):
    """Full within the hour limit (0 beyond), or falling by 1/12 an hour apart."""

    def __init__(self, pools: Pools) -> None:
        super().__init__(pools)
        zones_column = pools.roster.frame["timezone"]
        on = pools.settings.start_date or REFERENCE_DAY
        offsets = {v: utc_offset_hours(v, on) for v in zones_column.unique() if v}
        self.hours = np.array(
            [np.nan if offsets.get(v) is None else offsets[v] for v in zones_column]
        )
        # Few distinct zones: precompute zone x zone values and look pairs up.
        self.code, zones = pd.factorize(zones_column)
        hours = np.array([np.nan if offsets.get(v) is None else offsets[v] for v in zones])
        apart = np.abs(hours[:, None] - hours[None, :])
        apart = np.minimum(apart, 24 - apart)
        limit = pools.settings.matching.max_timezone_hours
        value = (apart <= limit).astype(np.float64) if limit is not None else 1 - apart / 12
        self.table = np.nan_to_num(value, nan=0.0)

    def details(self, a: I64, b: I64) -> list[str]:
        p = self.pools
        d = np.abs(self.hours[p.mentees[a]] - self.hours[p.mentors[b]])
        d = np.minimum(d, 24 - d)
        return [("zone unknown" if np.isnan(x) else f"{x:g} h apart") for x in d]


class SameOrDifferent(Feature):
    """1 when both values are known and are the same (or different, as asked)."""

    def __init__(self, pools: Pools, column: str, mode: str) -> None:
        super().__init__(pools)
        self.column, self.mode = column, mode
        codes, _ = pd.factorize(pools.roster.frame[column].replace("", None))
        self.codes = codes.astype(np.int64)

    def value(self, a: I64, b: I64) -> F64:
        p = self.pools
        ca, cb = self.codes[p.mentees[a]], self.codes[p.mentors[b]]
        known = (ca >= 0) & (cb >= 0)
        same = ca == cb
        wanted: F64 = (known & (same if self.mode == "same" else ~same)).astype(np.float64)
        return wanted

    def details(self, a: I64, b: I64) -> list[str]:
        p = self.pools
        values = self._column(self.column)
        return [
            f"{x or '?'} / {y or '?'}"
            for x, y in zip(values[p.mentees[a]], values[p.mentors[b]], strict=True)
        ]


class RankedChoice(Feature):
    """The mentee's ranked choices: rank r (0-based) of k listed gives (k - r) / k."""

    def __init__(self, pools: Pools) -> None:
        super().__init__(pools)
        lookup = {str(v): i for i, v in enumerate(pools.roster.ids)}
        mentor_pos = np.full(len(pools.roster), -1, np.int64)
        mentor_pos[pools.mentors] = np.arange(pools.m)
        pr, pc, pv = [], [], []
        prefs = self._column("preferences")
        for i, person in enumerate(pools.mentees):
            items = [mentor_pos[lookup[x]] for x in split_list([prefs[person]])[0]]
            items = [j for j in items if j >= 0]
            for rank, j in enumerate(items):
                pr.append(i)
                pc.append(j)
                pv.append((len(items) - rank) / len(items))
        # Sorted pair keys, so a block looks its pairs up with one searchsorted.
        keys = np.array(pr, np.int64) * pools.m + np.array(pc, np.int64)
        order = np.argsort(keys, kind="stable")
        self.keys, self.values = keys[order], np.array(pv, np.float64)[order]

    def value(self, a: I64, b: I64) -> F64:
        keys = a * self.pools.m + b
        if not len(self.keys):
            return np.zeros(keys.shape)
        pos = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        found: F64 = np.where(self.keys[pos] == keys, self.values[pos], 0.0)
        return found

    def details(self, a: I64, b: I64) -> list[str]:
        p = self.pools
        ids = self._column("id")
        mentor_ids = set(ids[p.mentors])  # only mentors count, as in the score
        listed = [
            [x for x in prefs if x in mentor_ids]
            for prefs in split_list(self._column("preferences")[p.mentees[a]])
        ]
        return [
            f"choice {prefs.index(ids[r]) + 1} of {len(prefs)}" if ids[r] in prefs else "not listed"
            for prefs, r in zip(listed, p.mentors[b], strict=True)
        ]


# --------------------------------------------------------------------------- scoring


class Criteria:
    """The active criteria of one run, prepared on its pools: the score of any pairs.

    :meth:`value` and :meth:`scores` take mentee positions ``a`` and mentor positions
    ``b`` as :class:`Feature` does.

    Raises:
        MatchingError: every criterion has weight 0.
    """

    def __init__(self, pools: Pools) -> None:
        self.pools = pools
        matching = pools.settings.matching
        chosen = active(matching)
        self.criteria: dict[str, Criterion] = {c.key: c for c in chosen}
        self.weights: dict[str, float] = {c.key: c.weight(matching) for c in chosen}
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
        self.required: dict[str, Criterion] = {c.key: c for c in required(matching)}
        """The must-haves: a pair failing one is not allowed, whatever it scores."""
        self.features: dict[str, Feature] = {
            c.key: c.prepare(pools) for c in [*chosen, *self.required.values()]
        }

    def value(self, name: str, a: I64, b: I64) -> F64:
        """The value (0 to 1) of criterion ``name`` for the given pairs."""
        return self.features[name].value(a, b)

    def details(self, name: str, a: I64, b: I64) -> list[str]:
        """What criterion ``name``'s value rests on, for each of the given pairs."""
        return self.features[name].details(a, b)

    def meets(self, a: I64, b: I64) -> npt.NDArray[np.bool_]:
        """Whether the given pairs (or block) meet every must-have."""
        ok: npt.NDArray[np.bool_] = np.ones(np.broadcast_shapes(a.shape, b.shape), bool)
        for key, criterion in self.required.items():
            ok &= self.value(key, a, b) >= criterion.meets_at
        return ok

    def failed(self, a: I64, b: I64) -> dict[str, npt.NDArray[np.bool_]]:
        """Must-have key -> which of the given pairs (or block) fail it."""
        return {
            key: self.value(key, a, b) < criterion.meets_at
            for key, criterion in self.required.items()
        }

    def scores(self, a: I64, b: I64) -> F64:
        """Weighted score, 0 to 100, of the given pairs (or block)."""
        total: F64 = np.zeros(np.broadcast_shapes(a.shape, b.shape))
        for name, share in self.share.items():
            total += self.features[name].weighted(share, a, b)
        return total


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
    _check_pins(criteria)
    n, m = pools.n, pools.m
    forbidden = pools.forbidden_keys()
    min_int = round(pools.settings.matching.min_score * SCALE)
    has_room = pools.capacity > 0
    step = max(1, CELLS_PER_BLOCK // max(m, 1))
    parts: list[tuple[npt.NDArray[np.int32], ...]] = []
    b = np.arange(m)[None, :]
    least = max(min_int, 1)
    # A pair's integer score is rint(score * SCALE); any pair reaching ``least`` scores at
    # least this (half a thousandth below, with room for rounding), so only those
    # candidates are rounded and checked exactly.
    floor = (least - 0.5) / SCALE - 1e-9
    every_room = bool(has_room.all())

    def block(start: int) -> tuple[npt.NDArray[np.int32], ...]:
        stop = min(n, start + step)
        total = criteria.scores(np.arange(start, stop)[:, None], b)
        ok = total >= floor
        if not every_room:
            ok &= has_room[None, :]
        if criteria.required:
            ok &= criteria.meets(np.arange(start, stop)[:, None], b)
        lo, hi = np.searchsorted(forbidden, [start * m, stop * m])
        fk = forbidden[lo:hi]
        ok[fk // m - start, fk % m] = False
        flat = np.flatnonzero(ok)
        value = np.rint(total.ravel()[flat] * SCALE).astype(np.int32)
        keep = value >= least
        flat, value = flat[keep], value[keep]
        del total, ok  # freed before the part is kept: the heap stays compact
        r, c = np.divmod(flat, m)
        return (r + start).astype(np.int32), c.astype(np.int32), value

    # Blocks are independent and numpy releases the GIL on whole-array work: two threads
    # score two blocks at once on two cores; the parts are kept in block order.
    starts = range(0, n, step)
    workers = min(THREADS, os.cpu_count() or 1, len(starts))
    with ThreadPoolExecutor(max(workers, 1)) as pool:
        for start, part in zip(starts, pool.map(block, starts), strict=True):
            parts.append(part)
            if progress:
                progress("score", min(n, start + step) / n)
    mentee, mentor, score = (np.concatenate(x) for x in zip(*parts, strict=True))
    return Scored(pools, criteria, mentee, mentor, score)


def _check_pins(criteria: Criteria) -> None:
    """A pin keeps a pair whatever it scores, never one a must-have rules out: a
    must-have is a rule of the design, as the reporting line is.

    Raises:
        MatchingError: one problem per pin that fails a must-have.
    """
    pools = criteria.pools
    if not criteria.required or not pools.pins:
        return
    pins = np.array(pools.pins, np.int64)
    failed = criteria.failed(pins[:, 0], pins[:, 1])
    ids = pools.roster.frame["id"].to_numpy(dtype=object)
    matching, fmt = pools.settings.matching, pools.settings.format
    problems = [
        Problem(
            f"pin {ids[pools.mentees[i]]} -> {ids[pools.mentors[j]]}: the pair fails a "
            f"must-have (the mentor {criterion.must(matching, fmt)[1]})",
            f"remove the pin, or make {criterion.label} no longer a must-have",
            pools.roster.file,
        )
        for k, (i, j) in enumerate(pools.pins)
        for key, criterion in criteria.required.items()
        if failed[key][k]
    ]
    if problems:
        raise MatchingError(problems)
