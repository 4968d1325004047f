"""Equity of a matching run: the match rate and the mean score per value of a roster
column, so a coordinator sees whether one department, level or site comes off worse.

Two rules hold for everything this module returns, because the groups are people a
coordinator knows by name:

* **Nothing about fewer than five people** (:data:`~workbook.design.SMALLEST_GROUP`):
  a group of fewer than five mentees is not shown on its own; such groups are pooled
  into one row ("Smaller groups, pooled") when the pool has five or more, and left out
  otherwise. A mean score is shown only when five or more of the
  group were matched.
* **The four-fifths rule of thumb**: a group whose match rate is under four fifths of
  the best group's is named in a warning (the rule US employment agencies use as a
  first signal of adverse impact; a signal to look at, not a verdict).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbook.design import SMALLEST_GROUP

if TYPE_CHECKING:
    from workbook.matching.explain import MatchResult

FOUR_FIFTHS = 0.8
"""A group's match rate under this share of the best group's is flagged."""
POOLED = "Smaller groups, pooled"
"""The row that pools the groups too small to show on their own."""


@dataclass(frozen=True)
class GroupOutcome:
    """One group's outcome, shown only when it describes five or more people."""

    group: str
    mentees: int
    matched: int
    match_rate: float
    mean_score: float | None
    """None when fewer than five of the group were matched."""


@dataclass(frozen=True)
class Equity:
    """Every group of one column that may be shown, and what to look at."""

    column: str
    groups: tuple[GroupOutcome, ...]
    hidden: int
    """Mentees in groups too small to show, even pooled (fewer than five in all)."""
    warnings: tuple[str, ...]


def equity(result: MatchResult, column: str | None, top: int = 15) -> Equity | None:
    """Match rate and mean score per value of ``column`` among the mentees (None when
    the roster has no such column); the ``top`` largest groups, the small ones pooled.
    """
    pools = result.scored.pools
    frame = pools.roster.frame
    if not column or column not in frame.columns:
        return None
    mentees = frame.iloc[pools.mentees][["id", column]].rename(columns={column: "group"})
    scores = result.matches.set_index("mentee_id")["score"]
    mentees["score"] = mentees["id"].map(scores)
    mentees["group"] = mentees["group"].replace("", "(blank)")
    sizes = mentees.groupby("group").size().sort_values(ascending=False, kind="stable")
    shown = [g for g in sizes.index if sizes[g] >= SMALLEST_GROUP][:top]
    rest = mentees[~mentees["group"].isin(shown)]
    groups = [_outcome(str(g), mentees[mentees["group"] == g]["score"]) for g in shown]
    hidden = 0
    if len(rest) >= SMALLEST_GROUP:
        groups.append(_outcome(POOLED, rest["score"]))
    else:
        hidden = len(rest)
    return Equity(column, tuple(groups), hidden, _four_fifths(column, groups))


def _outcome(name: str, scores: object) -> GroupOutcome:
    import pandas as pd

    values = pd.Series(scores, dtype=float)
    matched = int(values.notna().sum())
    return GroupOutcome(
        group=name,
        mentees=len(values),
        matched=matched,
        match_rate=matched / len(values),
        mean_score=float(values.mean()) if matched >= SMALLEST_GROUP else None,
    )


def _four_fifths(column: str, groups: list[GroupOutcome]) -> tuple[str, ...]:
    if len(groups) < 2:
        return ()
    best = max(groups, key=lambda g: g.match_rate)
    if best.match_rate == 0:
        return ()
    return tuple(
        f"{g.group} ({column}): {g.match_rate:.0%} of its mentees were matched, under four "
        f"fifths of {best.group}'s {best.match_rate:.0%}; look at what its mentees want "
        "and the mentors available to them before announcing the matches"
        for g in groups
        if g.match_rate < FOUR_FIFTHS * best.match_rate
    )
