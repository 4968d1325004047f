"""Who may be matched with whom: the run's settings, the coordinator's review, the pools.

The first steps of :func:`workbook.matching.match` after the roster is loaded:
:class:`Settings` resolves what one run uses from the design, :func:`read_review` reads
the coordinator's pins and forbidden pairs, and :func:`build_pools` splits the roster
into mentees and mentors and lists every pair a hard constraint forbids.

**Hard constraints** are never traded for score: nobody above the mentee in the
reporting line (whole line by default, rule R1) and nobody below them in it either
(mentoring never overlaps supervision, R3), never oneself (R8), ``exclude`` in either
direction, no repeat of a previous cohort's pair if asked, the coordinator's
forbidden pairs, mentor capacity (0 means none), and the minimum score. The minimum
score and capacity are applied when pairs are scored (:mod:`workbook.matching.scoring`);
forbidden pairs are left out of the graph rather than given a large cost.

Mentees and mentors are numbered by their position in their pool; a pair is the key
``mentee_pos * n_mentors + mentor_pos`` wherever pairs are kept sorted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from workbook.design import Design, Matching, MatchObjective
from workbook.errors import MatchingError, Problem
from workbook.matching.review import Review
from workbook.matching.roster import Roster
from workbook.matching.values import split_list

Mode = Literal["assign", "group", "shortlist"]
I64 = npt.NDArray[np.int64]
"""Positions into a pool, or sorted pair keys."""


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


# --------------------------------------------------------------------------- pools


class Block(StrEnum):
    """Why a pair is never allowed: every hard constraint, with how it reads to a mentee."""

    SELF = "self"
    REPORTING_LINE = "reporting line"
    REPORTS_TO_YOU = "reports to you"
    EXCLUDED = "excluded"
    PREVIOUS = "previous cohort"
    FORBIDDEN = "forbidden by the coordinator"

    @property
    def because(self) -> str:
        """The cause as it completes "every mentor who fits is ..." for a mentee."""
        return _BECAUSE[self]


_BECAUSE = {
    Block.SELF: "yourself",
    Block.REPORTING_LINE: "in your reporting line",
    Block.REPORTS_TO_YOU: "someone who reports to you",
    Block.EXCLUDED: "excluded by you or by them",
    Block.PREVIOUS: "a mentor you had in a previous cohort",
    Block.FORBIDDEN: "forbidden by the coordinator",
}


@dataclass
class Pools:
    """Mentees and mentors as positions into the roster, and the pairs never allowed.

    ``blocked`` maps a cause (:class:`Block`) to sorted pair keys
    ``mentee_pos * n_mentors + mentor_pos``.
    """

    roster: Roster
    settings: Settings
    mentees: I64
    mentors: I64
    capacity: I64
    blocked: dict[Block, I64]
    pins: list[tuple[int, int]] = field(default_factory=list)
    kept: list[tuple[int, int]] | None = None
    """The running pairs a run keeps (``--keep``, :mod:`workbook.matching.keep`), also
    in :attr:`pins` (the solver keeps them as it keeps the coordinator's pins); ``None``
    when the run was given no running pairs."""

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


@dataclass(frozen=True)
class _Positions:
    """Where each person of the roster sits in the mentee and the mentor pools."""

    mentees: I64
    mentors: I64
    mentee_pos: I64
    """Roster row -> position among the mentees, ``-1`` for someone who is not one."""
    mentor_pos: I64
    lookup: dict[str, int]
    """Id -> roster row."""

    @classmethod
    def of(cls, roster: Roster) -> _Positions:
        """The pools of a roster.

        Raises:
            MatchingError: the roster has no mentees or no mentors.
        """
        mentees = np.flatnonzero(roster.is_mentee).astype(np.int64)
        mentors = np.flatnonzero(roster.is_mentor).astype(np.int64)
        problems = [
            Problem(f"the roster has no {who}s", f"set role to {who} or both", roster.file, "role")
            for who, pool in (("mentee", mentees), ("mentor", mentors))
            if not len(pool)
        ]
        if problems:
            raise MatchingError(problems)
        mentee_pos = np.full(len(roster), -1, np.int64)
        mentee_pos[mentees] = np.arange(len(mentees))
        mentor_pos = np.full(len(roster), -1, np.int64)
        mentor_pos[mentors] = np.arange(len(mentors))
        lookup = {str(v): i for i, v in enumerate(roster.ids)}
        return cls(mentees, mentors, mentee_pos, mentor_pos, lookup)

    @property
    def m(self) -> int:
        return len(self.mentors)

    def keys(self, rows: I64, cols: I64) -> I64:
        """Sorted unique pair keys of (mentee position, mentor position) pairs; pairs
        where either side is not in its pool are left out."""
        ok = (rows >= 0) & (cols >= 0)
        return np.unique(rows[ok] * self.m + cols[ok])

    def pairs(self, mentee_ids: Sequence[str], mentor_ids: Sequence[str]) -> I64:
        """The pair keys of pairs given by ids (ids not in the roster are left out)."""
        a = np.array([self.lookup.get(str(i), -1) for i in mentee_ids], dtype=np.int64)
        b = np.array([self.lookup.get(str(i), -1) for i in mentor_ids], dtype=np.int64)
        ok = (a >= 0) & (b >= 0)
        return self.keys(self.mentee_pos[a[ok]], self.mentor_pos[b[ok]])


def _reporting_line(roster: Roster, pos: _Positions, depth: int | None) -> dict[Block, I64]:
    """Nobody above the mentee in the line mentors them (rule R1), and nobody below: the
    same walk from every mentor blocks a mentor who reports to the mentee, because
    mentoring never overlaps supervision (rule R3), which matters in reverse mentoring
    where the mentor is the junior. Every chain is walked at once, a level a step."""
    mentee_at, their_boss = _ancestors(roster.manager, pos.mentees, depth)
    mentor_at, boss_of_mentor = _ancestors(roster.manager, pos.mentors, depth)
    return {
        Block.REPORTING_LINE: pos.keys(mentee_at, pos.mentor_pos[their_boss]),
        Block.REPORTS_TO_YOU: pos.keys(pos.mentee_pos[boss_of_mentor], mentor_at),
    }


def _excluded(roster: Roster, pos: _Positions) -> I64:
    """Whoever excludes someone is never matched with them, in either direction."""
    rows, cols = [], []
    for person, items in enumerate(split_list(roster.frame["exclude"])):
        for other in items:
            j = pos.lookup[other]
            rows += [pos.mentee_pos[person], pos.mentee_pos[j]]
            cols += [pos.mentor_pos[j], pos.mentor_pos[person]]
    return pos.keys(np.array(rows, np.int64), np.array(cols, np.int64))


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
    pos = _Positions.of(roster)
    capacity = roster.capacity[pos.mentors].copy()
    capacity[capacity < 0] = settings.default_capacity
    blocked: dict[Block, I64] = {
        Block.SELF: pos.keys(pos.mentee_pos[pos.mentees], pos.mentor_pos[pos.mentees]),
        **_reporting_line(roster, pos, settings.matching.reporting_line_depth),
        Block.EXCLUDED: _excluded(roster, pos),
    }
    if previous is not None:
        blocked[Block.PREVIOUS] = pos.pairs(
            list(previous["mentee_id"]), list(previous["mentor_id"])
        )
    pins: list[tuple[int, int]] = []
    if review is not None:
        forbids = review.forbids
        blocked[Block.FORBIDDEN] = pos.pairs([p[0] for p in forbids], [p[1] for p in forbids])
        pins = _check_pins(review, pos, capacity, blocked, roster.file)
    return Pools(roster, settings, pos.mentees, pos.mentors, capacity, blocked, pins)


def _check_pins(
    review: Review, pos: _Positions, capacity: I64, blocked: dict[Block, I64], file: str
) -> list[tuple[int, int]]:
    """Pins override the score, never a hard rule, a mentor's capacity or one mentor each.

    Raises:
        MatchingError: one problem per pin that cannot be kept.
    """
    m = pos.m
    problems, pins, used = [], [], np.zeros(m, np.int64)
    seen: set[int] = set()
    for mentee_id, mentor_id in review.pins:
        a, b = pos.lookup.get(mentee_id, -1), pos.lookup.get(mentor_id, -1)
        i = int(pos.mentee_pos[a]) if a >= 0 else -1
        j = int(pos.mentor_pos[b]) if b >= 0 else -1
        where = f"pin {mentee_id} -> {mentor_id}"
        causes = [c for c, k in blocked.items() if k.size and np.isin(i * m + j, k)]
        if i < 0 or j < 0:
            why, fix = "not a mentee and a mentor of this roster", "remove the pin"
        elif causes:
            why, fix = f"the pair is not allowed ({', '.join(causes)})", "remove the pin"
        elif i in seen:
            why, fix = "the mentee is pinned twice", "keep one pin per mentee"
        elif used[j] >= capacity[j]:
            why, fix = "the mentor is over capacity", "raise the capacity or remove a pin"
        else:
            seen.add(i)
            used[j] += 1
            pins.append((i, j))
            continue
        problems.append(Problem(f"{where}: {why}", fix, file))
    if problems:
        raise MatchingError(problems)
    return pins
