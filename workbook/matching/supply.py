"""Supply planning: how many more mentors, and which, would give every mentee a mentor.

For a roster under a design's settings (or its mentee side only, before any mentor is
recruited), :func:`plan_supply` answers two questions a coordinator asks before a
cohort starts:

* **Whom to recruit.** The fewest new mentors, each described as a profile (the skills
  they offer, their time zone, languages, level, department and the design's extra
  columns, their capacity), that would match every mentee at or above the minimum
  score and within every hard rule and must-have. A new mentor is assumed to be
  outside every mentee's reporting line and excluded by nobody: the plan says so.
* **Whom to ask for one more place.** What raising each current mentor's capacity by
  one would change (mentees matched, total score), exact. Only a mentor who is full
  can help under the coverage and quality objectives (a linear program's optimum does
  not move when a constraint that is slack at it is relaxed), and only one with an
  allowed mentee they are not already given. Under those objectives every mentor's
  gain is read off one shortest-path tree of the run's residual graph
  (:func:`_extra_place_gains`); under fairness the run is solved again for each mentor
  who is full, or full in a largest matching of the pairs above the lowest score (the
  only ones whose extra place could raise it).

How a plan is found. A candidate profile takes its one-valued attributes (time zone,
level, department, extra columns) from a mentee, for the criteria the design uses
(weighted or a must-have), and offers everything any mentee wants (skills, goals,
languages): offering more never lowers a score, so these candidates are the best of
their kind. All candidates are scored in one pass through the usual path (the pools
of :mod:`~workbook.matching.constraints`, then :mod:`~workbook.matching.scoring`), so
the minimum score, the hard rules and the must-haves apply to them as to anyone. A
greedy cover picks profiles for the mentees left without a mentor; the count is the
fewest possible when it meets the lower bound (each new mentor adds at most its
capacity to the mentees matched); otherwise, on small rosters, every smaller
combination of candidates is tried with the exact solver. Each chosen profile then
offers only what its mentees want, and the plan is verified by solving the whole roster
again with the planned mentors added, under the design's objective.

Privacy: the plan describes profiles and counts, never mentees: it is what a
coordinator hands to the people who recruit, and the coordinator already sees each
unmatched mentee by name in the matching results. The capacity part names current
mentors, for the coordinator who asks them.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from workbook.design import Design, Matching, MatchObjective
from workbook.errors import MatchingError, Problem
from workbook.matching import criteria
from workbook.matching.constraints import I64, Settings, build_pools
from workbook.matching.explain import whole
from workbook.matching.pipeline import previous_pairs
from workbook.matching.review import Review, read_pairs_file, read_review
from workbook.matching.roster import MAX_LEVEL, ROLE_ALIASES, Roster, validate
from workbook.matching.scoring import SCALE, Scored, score_pairs
from workbook.matching.solver import Solution, solve
from workbook.matching.tables import map_columns, read_table
from workbook.matching.values import split_list

MENTOR_ONLY_COLUMNS = ("skills_offered",)
"""Columns only mentors fill: a roster of mentees alone may leave them out."""
SEARCH_PAIRS = 200_000
"""Above this many allowed pairs the exhaustive search for a smaller plan is skipped."""
SEARCH_SOLVES = 3_000
"""At most this many combinations of candidates are tried in the exhaustive search."""
NEW_ID = "new-mentor-"
OTHER = "(another {})"
"""A planned mentor's value for a column whose criterion wants a different value: one no
mentee has, so it differs from every mentee's."""


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Profile:
    """A mentor to recruit, as the plan describes them (never a mentee's name).

    Attributes:
        skills, goals, languages: what they offer, most wanted first; empty when the
            design does not use the criterion.
        timezone, level, department: ``None`` when the design does not use it.
        other_department: the department must differ from the mentees'.
        columns: the design's extra columns: (column, value); the value is
            ``OTHER``-formatted when it must differ.
        capacity: mentees they can take.
        mentees: how many mentees the plan meant them for.
    """

    skills: tuple[str, ...]
    goals: tuple[str, ...]
    languages: tuple[str, ...]
    timezone: str | None
    level: int | None
    department: str | None
    other_department: bool
    columns: tuple[tuple[str, str], ...]
    capacity: int
    mentees: int

    def describe(self) -> str:
        """The profile in one line a recruiter reads."""
        parts = [f"for {_count(self.mentees, 'mentee')} (capacity {self.capacity})"]
        if self.skills:
            parts.append("offering " + ", ".join(self.skills))
        if self.goals:
            parts.append("sharing the goals " + ", ".join(self.goals))
        if self.timezone:
            parts.append(f"in the time zone {self.timezone}")
        if self.languages:
            # The fewest languages that reach each of their mentees: all are needed.
            parts.append("speaking " + " and ".join(self.languages))
        if self.level is not None:
            parts.append(f"at level {self.level}")
        if self.other_department:
            parts.append("from another department than their mentees")
        elif self.department:
            parts.append(f"from the {self.department} department")
        for column, value in self.columns:
            parts.append(f"{column}: {value}")
        return "; ".join(parts)


@dataclass(frozen=True)
class CapacityEffect:
    """What one more place with a current mentor would change (the run solved again)."""

    mentor: str
    """The mentor's id."""
    name: str
    matched: int
    """Change in mentees matched (0 or 1)."""
    total: float
    """Change in the total of the match scores."""


@dataclass(frozen=True)
class SupplyPlan:
    """The answer: the mentors to recruit, checked, and what one more place would do."""

    mentees: int
    mentors: int
    """Mentors in the roster now."""
    objective: MatchObjective
    min_score: float
    capacity: int
    """Mentees each planned mentor can take."""
    matched_now: int
    """Mentees the roster's mentors match now, under the objective."""
    matchable_now: int
    """The most mentees the roster's mentors could match (any objective)."""
    profiles: tuple[Profile, ...]
    lower_bound: int
    """No plan reaching :attr:`target` can have fewer new mentors than this."""
    fewest: bool
    """The plan's count is proven the fewest (by the bound, or by trying every smaller
    combination of candidate profiles)."""
    proof: str
    """"bound", "search" or "" (not proven)."""
    target: int
    """Mentees the plan matches: every mentee a new mentor could match."""
    matched_after: int
    """Mentees matched when the roster is solved again with the planned mentors."""
    total_after: float
    lowest_after: float | None
    out_of_reach: tuple[tuple[str, int], ...]
    """(why, how many) for mentees no new mentor could match."""
    capacity_effects: tuple[CapacityEffect, ...]
    """Mentors whose extra place changes something, most helpful first."""
    capacity_tried: int
    """Mentors whose extra place was tried (the others cannot help)."""


# --------------------------------------------------------------------------- reading


def load_for_planning(
    source: str | Path | bytes, matching: Matching | None = None, file: str | None = None
) -> Roster:
    """Read a roster as :func:`~workbook.matching.roster.load_roster` does, except that a
    roster with no mentor yet may leave out the mentor-only columns (skills offered).

    Raises:
        RosterError: every problem found, each with row, column, value and fix.
    """
    matching = matching or Matching()
    frame, encoding = read_table(source, file)
    name = file or (str(source) if not isinstance(source, bytes) else "roster")
    frame = map_columns(frame, matching.column_map, name)
    if "role" in frame.columns:
        roles = frame["role"].str.lower().replace(ROLE_ALIASES)
        if not roles.isin(["mentor", "both"]).any():
            for column in MENTOR_ONLY_COLUMNS:
                if column not in frame.columns:
                    frame[column] = ""
    roster = validate(frame, matching, name)
    return dataclasses.replace(roster, encoding=encoding)


# --------------------------------------------------------------------------- candidates


def _used_keys(matching: Matching) -> set[str]:
    """Criteria the run reads: weighted, or a must-have."""
    return {c.key for c in criteria.used(matching)}


@dataclass(frozen=True)
class _Key:
    """A candidate's one-valued attributes (empty: the design does not use it)."""

    timezone: str
    level: str
    department: str
    columns: tuple[str, ...]


def _keys(roster: Roster, settings: Settings, mentees: I64) -> list[_Key]:
    """One or two candidate keys per mentee, in mentee order, without repeats."""
    out: dict[_Key, None] = {}
    for keys in _keys_by_mentee(roster, settings, mentees):
        for key in keys:
            out.setdefault(key, None)
    return list(out)


def _keys_by_mentee(roster: Roster, settings: Settings, mentees: I64) -> list[list[_Key]]:
    """Each mentee's candidate keys: their time zone, department and extra columns (as
    the design wants them), at the levels the seniority gap asks for."""
    matching = settings.matching
    used = _used_keys(matching)
    frame = roster.frame
    extras = list(matching.extra_criteria.items())
    gaps = [0.0]
    if "seniority" in used:
        lo, hi = criteria.seniority_range(settings.format, matching)
        gaps = [g for g in (lo, hi) if math.isfinite(g)] or [0.0]
        if settings.format == "reverse":
            gaps = [-g for g in gaps]
    wanted = ["timezone", "department", *[c for c, _ in extras]]
    cells = {c: frame[c].to_numpy(dtype=object) for c in wanted if c in frame.columns}
    out: list[list[_Key]] = []
    for person in mentees:
        row = {c: values[person] for c, values in cells.items()}
        zone = row["timezone"] if "timezone" in used else ""
        if "department" not in used or matching.department == "either":
            dept = ""
        else:
            dept = (
                row["department"] if matching.department == "same" else OTHER.format("department")
            )
        columns = tuple(
            (row[c] if e.mode == "same" else OTHER.format(c)) if e.weight > 0 or e.must_have else ""
            for c, e in extras
        )
        level = roster.level[int(person)]
        levels = [""]
        if "seniority" in used and np.isfinite(level):
            levels = [str(int(min(max(level + g, -MAX_LEVEL), MAX_LEVEL))) for g in gaps]
        out.append(list(dict.fromkeys(_Key(zone, lv, dept, columns) for lv in levels)))
    return out


def _best_key(
    scored: Scored,
    m0: int,
    keys: list[_Key],
    serves: list[frozenset[int]],
    group: list[int],
    own: list[list[_Key]],
    fallback: int,
) -> _Key:
    """The key that suits a planned mentor's mentees best: among their own keys (their
    time zone, department, level), the one every one of them may be matched with and
    that scores the most with them. Copies of one candidate serve the same mentees, so
    the cover picks the first; without this every new mentor took the first mentee's
    time zone, whoever they were for."""
    index = {key: c for c, key in enumerate(keys)}
    best, best_total = keys[fallback], -1.0
    positions = np.array(group, np.int64)
    for key in dict.fromkeys(k for i in group for k in own[i]):
        c = index[key]
        if not all(i in serves[c] for i in group):
            continue
        total = float(scored.criteria.scores(positions, np.full(len(group), m0 + c)).sum())
        if total > best_total:
            best, best_total = key, total
    return best


def _fresh_ids(roster: Roster, k: int) -> list[str]:
    taken = set(map(str, roster.ids))
    out: list[str] = []
    n = 0
    while len(out) < k:
        n += 1
        if f"{NEW_ID}{n}" not in taken:
            out.append(f"{NEW_ID}{n}")
    return out


def _with_mentors(
    roster: Roster, settings: Settings, keys: list[_Key], lists: list[dict[str, str]], capacity: int
) -> Roster:
    """The roster with one mentor row per key: nobody's manager, reporting to nobody,
    excluded by nobody (a recruit is outside every reporting line)."""
    if not keys:
        return roster
    ids = _fresh_ids(roster, len(keys))
    extras = list(settings.matching.extra_criteria)
    rows = []
    for n, (key, offer, person) in enumerate(zip(keys, lists, ids, strict=True)):
        row = {c: "" for c in roster.frame.columns}
        row.update(
            id=person,
            name=f"New mentor {n + 1}",
            role="mentor",
            level=key.level,
            department=key.department,
            timezone=key.timezone,
            capacity=str(capacity),
            **offer,
        )
        for column, value in zip(extras, key.columns, strict=True):
            row[column] = value
        rows.append(row)
    added = pd.DataFrame(rows, columns=roster.frame.columns)
    k = len(keys)
    level = np.array([float(x.level) if x.level else np.nan for x in keys])
    return dataclasses.replace(
        roster,
        frame=pd.concat([roster.frame, added], ignore_index=True),
        is_mentor=np.concatenate([roster.is_mentor, np.ones(k, bool)]),
        is_mentee=np.concatenate([roster.is_mentee, np.zeros(k, bool)]),
        manager=np.concatenate([roster.manager, np.full(k, -1, np.int64)]),
        level=np.concatenate([roster.level, level]),
        capacity=np.concatenate([roster.capacity, np.full(k, capacity, np.int64)]),
    )


def _everything(roster: Roster, mentees: I64) -> dict[str, str]:
    """Every skill, goal and language any of these mentees lists: the best offer."""
    frame = roster.frame
    out = {}
    for column, target in (
        ("skills_wanted", "skills_offered"),
        ("goals", "goals"),
        ("languages", "languages"),
    ):
        seen: dict[str, str] = {}
        for items in split_list(frame[column].to_numpy(dtype=object)[mentees]):
            for x in items:
                seen.setdefault(x.casefold(), x)
        out[target] = ";".join(seen.values())
    return out


def _wants(roster: Roster, person: int) -> tuple[tuple[str, ...], ...]:
    """What a mentee wants, as a sort key that puts alike mentees side by side."""
    frame = roster.frame
    return tuple(
        tuple(sorted(x.casefold() for x in split_list([str(frame.at[person, column])])[0]))
        for column in ("skills_wanted", "goals", "languages")
    )


def _trimmed(roster: Roster, settings: Settings, mentees: list[int]) -> dict[str, str]:
    """What a planned mentor offers: the skills and goals their mentees want (most
    wanted first) and the fewest languages that reach each of them (most shared first)."""
    used = _used_keys(settings.matching)
    frame = roster.frame
    out = {"skills_offered": "", "goals": "", "languages": ""}
    for key, column, target in (
        ("skills", "skills_wanted", "skills_offered"),
        ("goals", "goals", "goals"),
    ):
        if key in used:
            counts: Counter[str] = Counter()
            spelling: dict[str, str] = {}
            for items in split_list(frame[column].to_numpy(dtype=object)[mentees]):
                for x in items:
                    spelling.setdefault(x.casefold(), x)
                    counts[x.casefold()] += 1
            order = sorted(counts, key=lambda x: (-counts[x], x))
            out[target] = ";".join(spelling[x] for x in order)
    if "language" in used:
        speaks = [
            {x.casefold(): x for x in items}
            for items in split_list(frame["languages"].to_numpy(dtype=object)[mentees])
        ]
        left = [s for s in speaks if s]
        chosen: list[str] = []
        while left:
            counts = Counter(x for s in left for x in s)
            best = min(counts, key=lambda x: (-counts[x], x))
            chosen.append(next(s[best] for s in left if best in s))
            left = [s for s in left if best not in s]
        out["languages"] = ";".join(chosen)
    return out


# --------------------------------------------------------------------------- solving


def _with_capacity(scored: Scored, capacity: I64) -> Scored:
    """The same scored pairs with other capacities (a mentor at 0 takes nobody)."""
    return dataclasses.replace(scored, pools=dataclasses.replace(scored.pools, capacity=capacity))


def _total(solution: Solution) -> int:
    return int(solution.score.sum())


def _capacities(base: I64, m0: int, picked: list[int], cap: int) -> I64:
    capacity = base.copy()
    for c in picked:
        capacity[m0 + c] += cap
    return capacity


def _search(
    scored: Scored, m0: int, base: I64, keep: list[int], lo: int, hi: int, target: int, cap: int
) -> tuple[bool, tuple[list[int], Solution] | None]:
    """The smallest combination of candidates (with repeats), of ``lo`` to ``hi``,
    whose coverage solve reaches ``target``: every combination tried in turn.

    Returns:
        (tried in full, the combination and its solution, or ``None`` when no
        combination that small reaches the target). Not in full when the budget of
        :data:`SEARCH_SOLVES` solves ran out.
    """
    if math.comb(len(keep) + hi - 1, hi) * max(hi - lo + 1, 1) > SEARCH_SOLVES * 4:
        return False, None
    tried = 0
    for k in range(lo, hi + 1):
        for combo in itertools.combinations_with_replacement(keep, k):
            tried += 1
            if tried > SEARCH_SOLVES:
                return False, None
            picked = list(combo)
            solution = solve(_with_capacity(scored, _capacities(base, m0, picked, cap)), "coverage")
            if len(solution.mentee) >= target:
                return True, (picked, solution)
    return True, None


# --------------------------------------------------------------------------- planning


def plan_supply(
    design: Design,
    roster: str | Path | bytes | Roster,
    *,
    capacity: int | None = None,
    objective: MatchObjective | None = None,
    review: Review | str | Path | None = None,
    previous: str | Path | None = None,
    roster_name: str | None = None,
) -> SupplyPlan:
    """How many more mentors, and which, would match every mentee a new mentor could
    match; and what one more place with each current mentor would change.

    Args:
        capacity: mentees each new mentor takes; the design's mentees per mentor by default.
        objective, review, previous: as for :func:`workbook.matching.match`.

    Raises:
        RosterError: the roster is refused.
        MatchingError: the roster has no mentees, or the settings cannot be matched.
    """
    settings = Settings.from_design(design, objective)
    loaded = (
        roster
        if isinstance(roster, Roster)
        else load_for_planning(roster, design.matching, roster_name)
    )
    if isinstance(review, str | Path):
        review = read_review(review)
    has_mentors = bool(loaded.is_mentor.any())
    # A previous cohort's pairs cannot involve a mentor not yet recruited: a roster of
    # mentees alone needs no previous file even when the design avoids repeat pairs.
    earlier = (
        previous_pairs(design, previous)
        if has_mentors
        else (read_pairs_file(previous) if previous is not None else None)
    )
    cap = settings.default_capacity if capacity is None else capacity
    if cap < 1:
        raise MatchingError(
            Problem(
                "a new mentor's capacity must be at least 1",
                "give how many mentees each new mentor could take, such as 2",
                field="capacity",
                value=str(cap),
            )
        )
    mentees = np.flatnonzero(loaded.is_mentee).astype(np.int64)
    if not len(mentees):
        raise MatchingError(
            Problem("the roster has no mentees", "set role to mentee or both", loaded.file, "role")
        )

    # Candidates: every mentee's key, offering everything any mentee wants, scored
    # with the roster's mentors in one pass. With the candidates' capacity at 0 this is
    # the roster as it is (the candidates come after every mentor, whose positions and
    # pairs stay the same).
    own = _keys_by_mentee(loaded, settings, mentees)
    keys = _keys(loaded, settings, mentees)
    best_offer = _everything(loaded, mentees)
    augmented = _with_mentors(loaded, settings, keys, [best_offer] * len(keys), cap)
    pools = build_pools(augmented, settings, review, earlier)
    scored = score_pairs(pools)
    m0 = pools.m - len(keys)
    base = pools.capacity.copy()
    base[m0:] = 0
    as_is = _with_capacity(scored, base)
    start = solve(as_is, "coverage")
    matchable = len(start.mentee)
    now: Solution | None = None
    effects: tuple[CapacityEffect, ...] = ()
    tried = 0
    if has_mentors:
        now = solve(as_is, settings.objective)
        effects, tried = _capacity_effects(as_is, now, settings.objective, m0)
    every = solve(_with_capacity(scored, _unbounded(base, m0, pools.n)), "coverage")
    target = len(every.mentee)
    out_of_reach = _out_of_reach(scored, every, m0)

    # Candidates that serve the same mentees are one candidate.
    serves = _served(scored, m0, len(keys))
    keep = sorted({s: c for c, s in reversed(list(enumerate(serves))) if s}.values())

    # Greedy cover of the mentees the roster's mentors leave out.
    matched = np.zeros(pools.n, bool)
    matched[start.mentee] = True
    chosen = _greedy(serves, keep, set(np.flatnonzero(~matched).tolist()), cap)
    lower = math.ceil((target - matchable) / cap)
    picked = [c for c, _ in chosen]
    solution = solve(_with_capacity(scored, _capacities(base, m0, picked, cap)), "coverage")
    while len(solution.mentee) < target:
        # A mentee only the roster's mentors can take, once someone they took moves to
        # a new mentor: add the candidate that matches the most, solving each time.
        tries = [
            solve(_with_capacity(scored, _capacities(base, m0, [*picked, c], cap)), "coverage")
            for c in keep
        ]
        best = max(range(len(keep)), key=lambda k: (len(tries[k].mentee), -k))
        picked, solution = [*picked, keep[best]], tries[best]
    picked = _needed(solution, m0, cap)
    fewest = len(picked) <= lower
    proof = "bound" if fewest else ""
    if not fewest and len(scored) <= SEARCH_PAIRS:
        full, found = _search(scored, m0, base, keep, lower, len(picked) - 1, target, cap)
        if full:
            fewest, proof = True, "search"
            if found is not None:
                picked, solution = found

    # Each planned mentor offers what the mentees the solve gave them want.
    given: dict[int, list[int]] = {}
    for i, j in zip(solution.mentee.tolist(), solution.mentor.tolist(), strict=True):
        if j >= m0:
            given.setdefault(j - m0, []).append(i)
    plan_keys, offers, counts = [], [], []
    for c, n_same in sorted(Counter(picked).items()):
        # Copies of one profile share its mentees out; mentees who want the same things
        # go to the same mentor, so each mentor's list stays short.
        positions = sorted(given.get(c, []), key=lambda i: _wants(augmented, int(pools.mentees[i])))
        for part in range(n_same):
            group = positions[part * cap : (part + 1) * cap]
            mine = [int(pools.mentees[i]) for i in group]
            plan_keys.append(
                _best_key(scored, m0, keys, serves, group, own, c) if group else keys[c]
            )
            offers.append(_trimmed(augmented, settings, mine))
            counts.append(len(mine))
    # The check: the roster solved again with the planned mentors as they would be
    # recruited (offering only what their mentees want).
    check = now
    if plan_keys:
        final = _with_mentors(loaded, settings, plan_keys, offers, cap)
        check = solve(
            score_pairs(build_pools(final, settings, review, earlier)), settings.objective
        )
    scores = check.score if check is not None else np.zeros(0, np.int64)
    profiles = tuple(
        _profile(key, offer, settings, cap, count)
        for key, offer, count in zip(plan_keys, offers, counts, strict=True)
    )
    return SupplyPlan(
        mentees=len(mentees),
        mentors=int(loaded.is_mentor.sum()),
        objective=settings.objective,
        min_score=settings.matching.min_score,
        capacity=cap,
        matched_now=len(now.mentee) if now is not None else 0,
        matchable_now=matchable,
        profiles=profiles,
        lower_bound=lower,
        fewest=fewest,
        proof=proof,
        target=target,
        matched_after=len(scores),
        total_after=round(int(scores.sum()) / SCALE, 3),
        lowest_after=round(int(scores.min()) / SCALE, 3) if len(scores) else None,
        out_of_reach=out_of_reach,
        capacity_effects=effects,
        capacity_tried=tried,
    )


def _needed(solution: Solution, m0: int, cap: int) -> list[int]:
    """The copies of each candidate a solution uses (a copy it left empty is not
    recruited: the solution reaches as many mentees without it)."""
    used = Counter(int(j) - m0 for j in solution.mentor if j >= m0)
    return [c for c, n in sorted(used.items()) for _ in range(math.ceil(n / cap))]


def _served(scored: Scored, m0: int, k: int) -> list[frozenset[int]]:
    """The mentees each candidate (mentor positions from ``m0``) may be matched with."""
    on = np.flatnonzero(scored.mentor >= m0)
    by = scored.mentor[on].astype(np.int64) - m0
    order = np.argsort(by, kind="stable")
    bounds = np.searchsorted(by[order], np.arange(k + 1))
    mentees = scored.mentee[on][order]
    return [frozenset(mentees[bounds[c] : bounds[c + 1]].tolist()) for c in range(k)]


def _greedy(
    serves: list[frozenset[int]], keep: list[int], left: set[int], cap: int
) -> list[tuple[int, list[int]]]:
    """Cover ``left`` with copies of candidates: each time the candidate that takes the
    most of them (up to ``cap``), and its mentees with the fewest other candidates
    first. Counts are kept up to date as mentees are covered, so a step costs the
    number of candidates, not the size of the roster."""
    left = left & set().union(*(serves[c] for c in keep))
    options = Counter(i for c in keep for i in serves[c])
    serving: dict[int, list[int]] = {}
    for c in keep:
        for i in serves[c]:
            serving.setdefault(i, []).append(c)
    queue = {c: sorted(serves[c] & left, key=lambda i: (options[i], i)) for c in keep}
    count = {c: len(queue[c]) for c in keep}
    at = dict.fromkeys(keep, 0)
    chosen: list[tuple[int, list[int]]] = []
    while left:
        c = max(keep, key=lambda c: (min(count[c], cap), -c))
        take: list[int] = []
        while len(take) < cap and at[c] < len(queue[c]):
            i = queue[c][at[c]]
            at[c] += 1
            if i in left:
                take.append(i)
                left.discard(i)
                for other in serving[i]:
                    count[other] -= 1
        chosen.append((c, take))
    return chosen


def _unbounded(base: I64, m0: int, n: int) -> I64:
    """Every candidate with room for every mentee: what new mentors could reach at most."""
    capacity = base.copy()
    capacity[m0:] = n
    return capacity


def _out_of_reach(scored: Scored, every: Solution, m0: int) -> tuple[tuple[str, int], ...]:
    """Why the mentees no new mentor could match are out of reach, counted by cause."""
    p = scored.pools
    reached = np.zeros(p.n, bool)
    reached[every.mentee] = True
    missing = np.flatnonzero(~reached)
    if not len(missing):
        return ()
    minimum = p.settings.matching.min_score
    candidates = np.arange(m0, p.m)
    why: Counter[str] = Counter()
    for i in missing:
        scores = scored.criteria.scores(np.full(len(candidates), i), candidates)
        best = float(scores.max()) if len(scores) else 0.0
        if round(best * SCALE) < max(round(minimum * SCALE), 1):
            why[
                f"the best score a new mentor could reach with them is {whole(best)}/100, "
                f"under the minimum score of {whole(minimum)} (a new mentor is nobody's "
                "own choice, and a mentee who lists nothing on a criterion scores 0 on it)"
            ] += 1
        else:
            why["a must-have a new mentor cannot meet (such as being the mentee's own choice)"] += 1
    return tuple(sorted(why.items(), key=lambda t: -t[1]))


def _profile(
    key: _Key, offer: dict[str, str], settings: Settings, cap: int, mentees: int
) -> Profile:
    used = _used_keys(settings.matching)
    extras = [
        (column, value)
        for column, value in zip(settings.matching.extra_criteria, key.columns, strict=True)
        if value
    ]
    return Profile(
        skills=tuple(split_list([offer["skills_offered"]])[0]),
        goals=tuple(split_list([offer["goals"]])[0]),
        languages=tuple(split_list([offer["languages"]])[0]),
        timezone=key.timezone or None,
        level=int(key.level) if key.level else None,
        department=(key.department or None)
        if "department" in used and key.department != OTHER.format("department")
        else None,
        other_department=key.department == OTHER.format("department"),
        columns=tuple(extras),
        capacity=cap,
        mentees=mentees,
    )


def _capacity_effects(
    scored: Scored, now: Solution, objective: MatchObjective, m0: int
) -> tuple[tuple[CapacityEffect, ...], int]:
    """Each current mentor's extra place; those that change something, most first.

    A mentor is tried when they are full (see below for fairness) and some
    allowed mentee is not already theirs: nobody else could take the extra place.
    Coverage and quality read every mentor's gain off one shortest-path tree
    (:func:`_extra_place_gains`); fairness, whose lowest score moves in steps, solves
    the run again for each (:func:`_full_above_lowest` adds the mentors who could raise
    the lowest score)."""
    p = scored.pools
    load = np.bincount(now.mentor, minlength=p.m)
    pinned = np.zeros(p.n, bool)
    pinned[[i for i, _ in p.pins]] = True
    # A pinned mentee stays where they are; the others' pairs are all allowed ones.
    partners = np.bincount(scored.mentor[~pinned[scored.mentee]], minlength=p.m)
    own = np.bincount(now.mentor[~pinned[now.mentee]], minlength=p.m)
    room = p.capacity > 0
    full = load >= p.capacity
    if objective == "fairness":
        full |= _full_above_lowest(scored, now, pinned)
    tried = np.flatnonzero(room & full & (partners > own))
    tried = tried[tried < m0]  # the roster's mentors, not the candidates
    if objective == "fairness":
        before_n, before_t = len(now.mentee), _total(now)
        gains = []
        for j in tried:
            capacity = p.capacity.copy()
            capacity[j] += 1
            again = solve(_with_capacity(scored, capacity), objective)
            gains.append((len(again.mentee) - before_n, _total(again) - before_t))
    else:
        matched, total = _extra_place_gains(scored, now, objective)
        gains = [(int(matched[j]), int(total[j])) for j in tried]
    frame = p.roster.frame
    ids = frame["id"].to_numpy(dtype=object)
    names = frame["name"].to_numpy(dtype=object)
    out = [
        CapacityEffect(str(ids[p.mentors[j]]), str(names[p.mentors[j]]), d_n, round(d_t / SCALE, 3))
        for j, (d_n, d_t) in zip(tried, gains, strict=True)
        if d_n or d_t
    ]
    out.sort(key=lambda e: (-e.matched, -e.total, e.mentor))
    return tuple(out), len(tried)


def _full_above_lowest(
    scored: Scored, now: Solution, pinned: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Under fairness, the mentors whose extra place could raise the lowest score: full
    in a largest matching of the pairs scoring above it. (The lowest score rises only if
    the next one up keeps every mentee matched; a mentor with room in some largest
    matching of those pairs cannot change how large it is.)"""
    p = scored.pools
    free = now.score[~pinned[now.mentee]]
    above = scored.score > (int(free.min()) if len(free) else np.iinfo(np.int32).max)
    if not above.any():
        return np.zeros(p.m, bool)
    higher = dataclasses.replace(
        scored, mentee=scored.mentee[above], mentor=scored.mentor[above], score=scored.score[above]
    )
    largest = solve(higher, "coverage")
    full: npt.NDArray[np.bool_] = np.bincount(largest.mentor, minlength=p.m) >= p.capacity
    return full


def _extra_place_gains(scored: Scored, now: Solution, objective: MatchObjective) -> tuple[I64, I64]:
    """For every mentor, the change in mentees matched and in the total (thousandths)
    one more place with them would bring, exact, from one shortest-path tree.

    The run is a min-cost flow (source -> mentee -> mentor -> sink, and a bypass from
    source to sink for the mentees left out). One more unit of capacity on mentor
    ``j``'s arc to the sink improves the optimum by exactly the cheapest cycle through
    that unit: the difference between the old and the new optimal flows splits into
    cycles of the residual graph, those without the new unit cost nothing less (the old
    flow was optimal), and the unit carries one. That cycle is the shortest path from
    the sink to ``j`` in the residual graph, found for every ``j`` at once by
    Bellman-Ford from the sink (no negative cycle, since the flow is optimal). A path
    through the bypass, backwards, matches one more mentee.
    """
    p = scored.pools
    n, m = p.n, p.m
    pinned = np.zeros(n, bool)
    capacity = p.capacity.copy()
    for i, j in p.pins:
        pinned[i] = True
        capacity[j] -= 1
    free = ~pinned[scored.mentee]
    tail = scored.mentee[free].astype(np.int64)
    head = scored.mentor[free].astype(np.int64)
    score = scored.score[free].astype(np.int64)
    pins = {(int(i), int(j)) for i, j in p.pins}
    chosen = [
        int(i) * m + int(j)
        for i, j in zip(now.mentee, now.mentor, strict=True)
        if (int(i), int(j)) not in pins
    ]
    chosen_keys = np.sort(np.array(chosen, np.int64))
    keys = tail * m + head
    at = np.minimum(np.searchsorted(chosen_keys, keys), max(len(chosen_keys) - 1, 0))
    used = chosen_keys[at] == keys if len(chosen_keys) else np.zeros(len(keys), bool)
    top = int(score.max(initial=0)) + 1
    if objective == "quality":
        # As the solver weighs it: the total first, then one more mentee matched.
        weight, bypass = n + 1, 1
    else:
        # Dearer than any total could gain, twice over, so the two are told apart.
        weight, bypass = 1, 2 * n * top + 1
    cost = -score * weight
    matched = np.zeros(n, bool)
    matched[tail[used]] = True
    load = np.bincount(head[used], minlength=m)
    source, sink = n + m, n + m + 1
    mentees, mentors = np.arange(n), np.arange(n, n + m)
    free_mentee = ~pinned
    left_out = int((free_mentee & ~matched).sum())
    tails = [
        np.where(used, head + n, tail),
        np.where(matched, mentees, source)[free_mentee],
        mentors[load < np.maximum(capacity, 0)],
        np.full(int((load > 0).sum()), sink),
    ]
    heads = [
        np.where(used, tail, head + n),
        np.where(matched, source, mentees)[free_mentee],
        np.full(int((load < np.maximum(capacity, 0)).sum()), sink),
        mentors[load > 0],
    ]
    costs = [
        np.where(used, -cost, cost),
        np.zeros(int(free_mentee.sum()), np.int64),
        np.zeros(len(tails[2]), np.int64),
        np.zeros(len(tails[3]), np.int64),
    ]
    if left_out:  # the bypass carries them: taking one back matches one more
        tails.append(np.array([sink]))
        heads.append(np.array([source]))
        costs.append(np.array([-bypass], np.int64))
    distance = _from(sink, np.concatenate(tails), np.concatenate(heads), np.concatenate(costs))
    d = distance[n : n + m]
    gain = np.where(d < 0, -d, 0)
    if objective == "quality":
        more = gain % weight
        total = (gain - more) // weight
    else:
        more = (gain >= bypass - n * top).astype(np.int64)
        total = gain - more * bypass
    return more, total


UNREACHED = np.iinfo(np.int64).max // 4


def _from(root: int, tail: I64, head: I64, cost: I64) -> I64:
    """Shortest distances from ``root`` (``UNREACHED`` where no path) in a graph without
    negative cycles: arcs are relaxed from the nodes whose distance changed in the pass
    before only (the arcs of the others still hold), until none changes."""
    nodes = int(max(tail.max(initial=root), head.max(initial=root))) + 1
    distance = np.full(nodes, UNREACHED, np.int64)
    distance[root] = 0
    order = np.argsort(tail, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    first = np.searchsorted(tail, np.arange(nodes + 1))
    changed = np.array([root], np.int64)
    for _ in range(nodes + 1):
        starts, counts = first[changed], first[changed + 1] - first[changed]
        total = int(counts.sum())
        if not total:
            break
        arcs = np.arange(total) - np.repeat(np.cumsum(counts) - counts - starts, counts)
        to = head[arcs]
        offer = distance[tail[arcs]] + cost[arcs]
        better = offer < distance[to]
        if not better.any():
            break
        np.minimum.at(distance, to[better], offer[better])
        changed = np.unique(to[better])
    return distance


# --------------------------------------------------------------------------- words


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


OBJECTIVE_WORDS = {
    "coverage": "as many mentees as possible",
    "quality": "the best total score",
    "fairness": "the best lowest score",
}

SHOWN_EFFECTS = 10
"""Mentors named in the capacity part, most helpful first."""


def in_words(plan: SupplyPlan, name: Any = None) -> list[str]:
    """The plan as the lines a coordinator reads (``- `` starts a listed item).

    ``name`` turns a mentor's id into what the reader sees (the step shows names); the
    recruiting part never names anyone."""
    show = name or (lambda e: e.mentor)
    p = plan
    lines = [
        f"The roster has {_count(p.mentees, 'mentee')} and {_count(p.mentors, 'mentor')}; "
        + (
            f"its mentors match {p.matched_now} of the {p.mentees} mentees now."
            if p.mentors
            else "no mentor is recruited yet."
        )
    ]
    new = len(p.profiles)
    minimum = whole(p.min_score)
    reach = (
        "every mentee"
        if p.target == p.mentees
        else f"{p.target} of the {p.mentees} mentees (no new mentor could match the others)"
    )
    if not new and p.target == p.mentees:
        lines.append(
            "No more mentors are needed: the mentors you have can match every mentee at or "
            f"above the minimum score of {minimum}."
        )
    elif not new:
        lines.append(
            f"No new mentor would match more mentees: the mentors you have can match "
            f"{p.target} of the {p.mentees}, and no new mentor could match the others."
        )
    else:
        lines.append(
            f"{_count(new, 'more mentor')} would match {reach} at or above the minimum "
            f"score of {minimum}, each taking up to {_count(p.capacity, 'mentee')}:"
        )
        lines += [f"- New mentor {k + 1}: {x.describe()}" for k, x in enumerate(p.profiles)]
        if p.proof == "bound":
            lines.append(
                f"That is the fewest possible: {p.target - p.matchable_now} mentees need a "
                f"new mentor and each takes at most {p.capacity}."
            )
        elif p.proof == "search":
            lines.append(
                "That is the fewest possible among new mentors each placed for one of the "
                "mentees (their time zone, a level and a department that suit them): every "
                "smaller combination was tried."
            )
        else:
            lines.append(
                f"At least {p.lower_bound} are needed; fewer than {new} may be possible with "
                "other profiles (the roster is too large to try every combination)."
            )
        lines.append(
            "Each new mentor is assumed to be outside every mentee's reporting line and "
            "excluded by nobody: check this when you recruit."
        )
    low = f" (the lowest score {whole(p.lowest_after)})" if p.lowest_after is not None else ""
    lines.append(
        f"Checked: matching the roster again with them added gives {p.matched_after} of "
        f"{p.mentees} mentees a mentor{low}."
        if new
        else f"Checked: matching the roster as it is gives {p.matched_after} of "
        f"{p.mentees} mentees a mentor{low}."
    )
    if p.matched_after < p.target:
        lines.append(
            f"Your objective ({OBJECTIVE_WORDS[p.objective]}) leaves "
            f"{_count(p.target - p.matched_after, 'mentee')} without a mentor even so; "
            "the objective 'as many mentees as possible' would match them."
        )
    for why, n in p.out_of_reach:
        lines.append(f"{_count(n, 'mentee')} could not be matched by any new mentor: {why}.")
    if p.mentors:
        if p.capacity_effects:
            lines.append("One more place with one of these mentors would help most:")
            for e in p.capacity_effects[:SHOWN_EFFECTS]:
                parts = []
                if e.matched:
                    parts.append(f"{_count(e.matched, 'more mentee')} would have a mentor")
                if round(e.total, 1):
                    parts.append(
                        f"the total of the match scores would {'rise' if e.total > 0 else 'fall'}"
                        f" by {abs(e.total):,.1f} points"
                    )
                lines.append(f"- {show(e)}: " + ("; ".join(parts) or "a small change in scores"))
            if len(p.capacity_effects) > SHOWN_EFFECTS:
                lines.append(
                    f"- and {len(p.capacity_effects) - SHOWN_EFFECTS} more mentors with a "
                    "smaller effect"
                )
        else:
            lines.append(
                "One more place with any current mentor would change nothing"
                + (
                    f" ({_count(p.capacity_tried, 'full mentor')} checked; a mentor with room "
                    "left cannot help)."
                    if p.objective != "fairness"
                    else "."
                )
            )
    return lines


def to_json(plan: SupplyPlan) -> dict[str, Any]:
    """The plan for machines: profiles and counts, no mentee named."""
    p = plan
    return {
        "mentees": p.mentees,
        "mentors": p.mentors,
        "objective": p.objective,
        "minimum_score": p.min_score,
        "new_mentor_capacity": p.capacity,
        "matched_now": p.matched_now,
        "matchable_now": p.matchable_now,
        "new_mentors": len(p.profiles),
        "fewest": p.fewest,
        "proof": p.proof or None,
        "lower_bound": p.lower_bound,
        "target": p.target,
        "profiles": [dataclasses.asdict(x) for x in p.profiles],
        "recruits_outside_reporting_lines": True,
        "matched_with_plan": p.matched_after,
        "total_score_with_plan": p.total_after,
        "lowest_score_with_plan": p.lowest_after,
        "out_of_reach": [{"why": why, "mentees": n} for why, n in p.out_of_reach],
        "capacity_tried": p.capacity_tried,
        "capacity_effects": [
            {"mentor_id": e.mentor, "mentees_matched": e.matched, "total_score": e.total}
            for e in p.capacity_effects
        ],
    }
