"""Stability of a matching: who would rather be together than with whom they got.

A *blocking pair* is an allowed mentee and mentor who both score the pair higher than
what they got: the mentee is unmatched or matched lower, and the mentor has room or
holds a mentee the pair scores lower than this one. (The pair score is the same from
both sides, so "both prefer" reads "the pair scores more than either side's worst".)
An optimal assignment may have blocking pairs: it gives up a few people's best pair for
more people matched or a better total. The coordinator sees how many, and what a stable
assignment would cost, instead of hearing that one method is "fair".

With one score for both sides, the stable assignment is the greedy one: take the best
pair left, repeatedly (deferred acceptance gives the same pairs when no two pairs tie).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workbook.matching.constraints import I64
from workbook.matching.scoring import CELLS_PER_BLOCK, SCALE, Scored

STABLE_LIMIT = 1_000_000
"""Above this many allowed pairs the stable assignment is not worked out with each run
(a pass over the pairs in Python, about half a second per million): the count of
blocking pairs, which is vectorised, still is."""


@dataclass(frozen=True)
class Stable:
    """The stable (greedy) assignment's totals, to set beside the run's."""

    matched: int
    total: int
    """In thousandths, as the solver's scores."""


def blocking_pairs(scored: Scored, mentee: I64, mentor: I64, score: I64) -> int:
    """How many allowed pairs block the assignment (``mentee``, ``mentor``, ``score``:
    the chosen pairs as positions, their scores in thousandths)."""
    p = scored.pools
    if not len(scored):
        return 0
    got = np.full(p.n, -1, np.int64)
    got[mentee] = score
    load = np.bincount(mentor, minlength=p.m)
    worst = np.full(p.m, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(worst, mentor, score)
    room = load < np.maximum(p.capacity, 0)
    # The worst score a mentor would give up for a better pair: -1 while it has room
    # (any pair is better), its lowest held score otherwise.
    bar = np.where(room, -1, np.where(load > 0, worst, np.iinfo(np.int64).max))
    # In the scores' own type (int32, as solved): a bar past every score stays past them.
    kind = scored.score.dtype
    if np.issubdtype(kind, np.signedinteger):
        top = np.iinfo(kind).max
        got, bar = got.astype(kind), np.minimum(bar, top).astype(kind)
    count = 0
    for start in range(0, len(scored), CELLS_PER_BLOCK):  # flat memory at 20 million pairs
        part = slice(start, start + CELLS_PER_BLOCK)
        s = scored.score[part]
        wants = s > got[scored.mentee[part]]
        count += int(np.count_nonzero(wants & (s > bar[scored.mentor[part]])))
    return count


def stable(scored: Scored) -> Stable | None:
    """The greedy assignment's matched count and total, or None above
    :data:`STABLE_LIMIT` allowed pairs. Pins are kept, as in every run."""
    if len(scored) > STABLE_LIMIT:
        return None
    p = scored.pools
    free = np.ones(p.n, bool)
    room = np.maximum(p.capacity, 0).astype(np.int64)
    total = matched = 0
    for i, j in p.pins:
        free[i] = False
        room[j] -= 1
    order: npt.NDArray[np.intp] = np.lexsort(
        (scored.mentor, scored.mentee, -scored.score.astype(np.int64))
    )
    mentees, mentors, scores = (
        scored.mentee[order].tolist(),
        scored.mentor[order].tolist(),
        scored.score[order].tolist(),
    )
    most = min(int(free.sum()), int(np.maximum(room, 0).sum()))  # no one left to match
    for i, j, s in zip(mentees, mentors, scores, strict=True):
        if matched == most:
            break
        if free[i] and room[j] > 0:
            free[i] = False
            room[j] -= 1
            total += s
            matched += 1
    pins = np.array(p.pins, np.int64).reshape(-1, 2)
    if len(pins):  # scored as the solver scores them (a pin may fall below the minimum)
        total += int(np.rint(scored.criteria.scores(pins[:, 0], pins[:, 1]) * SCALE).sum())
    return Stable(matched + len(pins), total)
