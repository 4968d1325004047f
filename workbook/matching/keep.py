"""Rematching and rolling intake: keep the pairs of a running program, match the rest.

A program that is under way has pairs that meet; a new intake (newcomers, mentees whose
relationship ended) must be matched without moving them. ``--keep MATCHES.csv`` (the
running program's own ``matches.csv``) does that: every running pair that is still
allowed is kept as it is, and only the mentees without a mentor are matched, into the
places the mentors have left, by the same exact solver. Unlike ``--previous``, which
forbids a past cohort's pairs from being made again, ``--keep`` makes sure these pairs
stay.

A kept pair is a pin (:attr:`~workbook.matching.constraints.Pools.pins`: the solver
takes its mentee out and its place from the mentor, :func:`~workbook.matching.solver.
solve`) that is *dropped with a reason* where a pin would refuse the run: a running
pair that is no longer allowed is a fact of the organisation (someone moved, left or
became a manager), not a mistake in the coordinator's file, so the run goes on and
lists the pair and why, in words (:data:`ENDS`).

What ends a running pair, and what does not (each decision, and why):

* **Ends it**: the mentee or the mentor is no longer in the roster, or no longer takes
  part in that role; a hard rule about the two people now holds (the mentor is in the
  mentee's reporting line or reports to them, one excludes the other, the coordinator
  forbids the pair, they are the same person); the mentor takes no mentees now
  (capacity 0) or has fewer places than running pairs (see below); the coordinator
  pinned the mentee to someone else. These protect people (mentoring never overlaps
  supervision) or are the coordinator's explicit word, so they apply to a running
  pair as they apply to a new one. A rule added to
  :class:`~workbook.matching.constraints.Block` later ends a pair too, unless it is
  listed in :data:`NOTED`: a new hard rule is safer applied than ignored.
* **Kept, with a note**: the pair scores under today's minimum score, or fails a
  must-have criterion, or is in the previous cohort's matches. The minimum score and
  the must-haves are about choosing *new* pairs; a pair that has been meeting for
  months is the best evidence there is of whether it works, and ending it because the
  weights or the threshold changed would punish the mentee for a setting. A pair of the
  running program given as a previous cohort too is the same relationship going on,
  not a repeat. The coordinator reads the note and can forbid the pair in the review.
* **Capacity**: a mentor's places go first to the coordinator's pins, then to their
  running pairs, the highest-scoring first (then in the file's order); a running pair
  beyond the mentor's capacity is ended with that reason, and the coordinator can pin
  it to keep it instead. Only the places left are offered to the mentees being matched.

The mentees being matched get the assignment that is optimal for the objective among
those that keep the kept pairs (the objective applies to the new pairs; the kept ones
are given), because the solver sees exactly the free mentees and the places left.

A running pair the coordinator also pinned is kept (and shown as kept, not pinned).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbook.errors import Problem, RosterError
from workbook.matching.constraints import Block
from workbook.matching.explain import whole
from workbook.matching.scoring import SCALE, Scored
from workbook.matching.tables import read_table
from workbook.matching.values import restore_ids

if TYPE_CHECKING:
    from workbook.matching.explain import MatchResult

FILE = "running_pairs.csv"
"""The export listing every running pair given and what became of it (with ``--keep``)."""

ENDS = {
    Block.SELF: "the mentee and the mentor are the same person",
    Block.REPORTING_LINE: "the mentor is now in the mentee's reporting line",
    Block.REPORTS_TO_YOU: "the mentor now reports to the mentee",
    Block.EXCLUDED: "one of them now excludes the other",
    Block.FORBIDDEN: "the coordinator forbade the pair",
}
"""Each hard rule as the reason a running pair ends, for the coordinator."""
NOTED = {
    Block.PREVIOUS: "the pair is in the previous cohort's matches too; kept, since it is "
    "the same relationship going on, not a repeat",
}
"""Rules about choosing new pairs: a running pair they hold for is kept, with this note."""
RUNNING = "running pair: kept"
"""How a note on a kept pair ends (the note says why the pair would not be chosen today)."""
FIX_COLUMNS = "give the matches.csv that the running program's matching wrote"


@dataclass(frozen=True)
class RunningPair:
    """One row of the running pairs file, and what the run did with it."""

    row: int
    """The row in the file (the header is row 1)."""
    mentee_id: str
    mentor_id: str
    mentee_name: str
    mentor_name: str
    kept: bool
    why: tuple[str, ...]
    """Why it ended (every reason), or the notes on a kept pair (may be empty)."""


@dataclass(frozen=True)
class Kept:
    """The running pairs of a run: which stay (as pool positions) and what became of each."""

    pairs: tuple[tuple[int, int], ...]
    """The kept pairs, (mentee position, mentor position)."""
    running: tuple[RunningPair, ...]
    """Every row of the file, in its order."""

    @property
    def kept(self) -> int:
        return sum(r.kept for r in self.running)

    @property
    def dropped(self) -> int:
        return sum(not r.kept for r in self.running)

    def table(self) -> pd.DataFrame:
        """The running pairs as the export and the step show them: who, kept or not, why."""
        return pd.DataFrame(
            {
                "mentee_id": [r.mentee_id for r in self.running],
                "mentee_name": [r.mentee_name for r in self.running],
                "mentor_id": [r.mentor_id for r in self.running],
                "mentor_name": [r.mentor_name for r in self.running],
                "kept": ["yes" if r.kept else "no" for r in self.running],
                "why": ["; ".join(r.why) for r in self.running],
            },
            columns=["mentee_id", "mentee_name", "mentor_id", "mentor_name", "kept", "why"],
        )


# --------------------------------------------------------------------------- the file


def read_running(source: str | Path | bytes, name: str | None = None) -> pd.DataFrame:
    """Read a running program's pairs (its ``matches.csv``, or any table with
    ``mentee_id`` and ``mentor_id``; names are taken from ``mentee_name`` and
    ``mentor_name`` when the roster no longer has the person).

    The checks of :func:`~workbook.matching.review.read_pairs_file` (a table, with both
    id columns), then those of a running program: one row per mentee, no empty id.

    Args:
        source: a path, or an uploaded file's bytes (the step checks an upload here).
        name: the file's name in messages (defaults to the path).

    Returns:
        ``mentee_id, mentor_id, mentee_name, mentor_name``, indexed by the file's row.

    Raises:
        RosterError: not a table, a column missing, an empty id, or a mentee listed
            twice (a mentee has one mentor); every problem at once.
    """
    file = name or (str(source) if not isinstance(source, bytes) else "running pairs")
    frame, _ = read_table(source, file)
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [
        Problem(f"required column {c!r} is missing", FIX_COLUMNS, file, c, row=1)
        for c in ("mentee_id", "mentor_id")
        if c not in frame.columns
    ]
    if missing:
        raise RosterError(missing)
    out = pd.DataFrame(index=frame.index)
    for column in ("mentee_id", "mentor_id", "mentee_name", "mentor_name"):
        values = frame[column] if column in frame else pd.Series("", index=frame.index)
        out[column] = values.fillna("").astype(str).str.strip()
        if column.endswith("_id"):
            out[column] = restore_ids(out[column])
    problems = []
    for column, who in (("mentee_id", "mentee"), ("mentor_id", "mentor")):
        for row in out.index[out[column] == ""]:
            problems.append(
                Problem(
                    "is empty",
                    f"write the {who}'s id as the roster writes it, or remove the row",
                    file,
                    column,
                    row=int(row),
                )
            )
    first: dict[str, int] = {}
    for row, mentee in zip(_rows(out), out["mentee_id"], strict=True):
        if not mentee:
            continue
        if mentee in first:
            problems.append(
                Problem(
                    f"the mentee is listed twice (first in row {first[mentee]})",
                    "keep one running pair per mentee: remove the row of the pair that ended",
                    file,
                    "mentee_id",
                    row=row,
                    value=mentee,
                )
            )
        else:
            first[mentee] = row
    if problems:
        raise RosterError(problems)
    return out


# --------------------------------------------------------------------------- deciding


def decide(scored: Scored, running: pd.DataFrame) -> Kept:
    """Which running pairs stay, and why each one that does not ends.

    ``scored`` is the run's scored pairs (its pools hold the hard rules, the
    coordinator's pins and the capacities; its criteria score a kept pair and say which
    must-have it fails). Nothing is changed: :func:`keep` puts the result in the pools.
    """
    p = scored.pools
    frame = p.roster.frame
    ids = frame["id"].to_numpy(dtype=object)
    names = frame["name"].to_numpy(dtype=object)
    lookup = {str(v): k for k, v in enumerate(ids)}
    mentee_pos = np.full(len(ids), -1, np.int64)
    mentee_pos[p.mentees] = np.arange(p.n)
    mentor_pos = np.full(len(ids), -1, np.int64)
    mentor_pos[p.mentors] = np.arange(p.m)
    pinned = dict(p.pins)
    used = np.bincount(np.array([j for _, j in p.pins], np.int64), minlength=p.m)
    min_int = round(p.settings.matching.min_score * SCALE)
    required = scored.criteria.required

    rows: dict[int, RunningPair] = {}
    candidates: list[tuple[int, int, int, int]] = []  # score, order in the file, i, j
    row_of = _rows(running)
    records = running.to_dict("records")
    for order, (row, r) in enumerate(zip(row_of, records, strict=True)):
        a, b = lookup.get(r["mentee_id"], -1), lookup.get(r["mentor_id"], -1)
        mentee_name = str(names[a]) if a >= 0 else r["mentee_name"]
        mentor_name = str(names[b]) if b >= 0 else r["mentor_name"]
        entry = RunningPair(
            row, r["mentee_id"], r["mentor_id"], mentee_name, mentor_name, False, ()
        )
        ends = [
            *_who_left(a, mentee_pos, "mentee"),
            *_who_left(b, mentor_pos, "mentor"),
        ]
        if ends:
            rows[row] = dataclasses.replace(entry, why=tuple(ends))
            continue
        i, j = int(mentee_pos[a]), int(mentor_pos[b])
        key = i * p.m + j
        notes = []
        for cause, keys in p.blocked.items():
            at = int(np.searchsorted(keys, key))
            if at < len(keys) and keys[at] == key:
                if cause in NOTED:
                    notes.append(NOTED[cause])
                else:
                    ends.append(ENDS.get(cause, f"the pair is not allowed ({cause})"))
        if p.capacity[j] <= 0:
            ends.append("the mentor takes no mentees now (capacity 0)")
        if i in pinned and pinned[i] != j:
            ends.append(
                f"the coordinator pinned the mentee to another mentor ({ids[p.mentors[pinned[i]]]})"
            )
        if ends:
            rows[row] = dataclasses.replace(entry, why=tuple(ends))
            continue
        a1, b1 = np.array([i]), np.array([j])
        score = int(np.rint(scored.criteria.scores(a1, b1)[0] * SCALE))
        if score < max(min_int, 1):
            notes.append(
                f"scores {whole(score / SCALE)}/100, under today's minimum score of "
                f"{whole(min_int / SCALE)}; {RUNNING}, since the minimum is for new pairs"
            )
        for criterion in required.values():
            if scored.criteria.value(criterion.key, a1, b1)[0] < criterion.meets_at:
                fails = criterion.must(p.settings.matching, p.settings.format)[1]
                notes.append(
                    f"the mentor {fails}, which a must-have rules out for new pairs; {RUNNING}"
                )
        rows[row] = dataclasses.replace(entry, why=tuple(notes))
        candidates.append((score, order, i, j))

    # A mentor's places: the coordinator's pins first, then running pairs, best first.
    kept: list[tuple[int, int]] = []
    taken = np.zeros(p.m, np.int64)
    for _, order, i, j in sorted(candidates, key=lambda c: (-c[0], c[1])):
        row = row_of[order]
        if pinned.get(i) == j:
            kept.append((i, j))
        elif used[j] + taken[j] < p.capacity[j]:
            taken[j] += 1
            kept.append((i, j))
        else:
            rows[row] = dataclasses.replace(
                rows[row], why=(_no_place(int(p.capacity[j]), int(used[j])),)
            )
            continue
        rows[row] = dataclasses.replace(rows[row], kept=True)
    return Kept(tuple(sorted(kept)), tuple(rows[r] for r in row_of))


def _rows(frame: pd.DataFrame) -> list[int]:
    """The file's row numbers of a table's rows (the header is row 1)."""
    return [int(r) for r in frame.index.to_numpy(dtype=np.int64)]


def _who_left(person: int, position: np.ndarray, role: str) -> list[str]:
    if person < 0:
        return [f"the {role} is no longer in the roster"]
    if position[person] < 0:
        return [f"the {role} is in the roster but no longer takes part as a {role}"]
    return []


def _no_place(capacity: int, pinned: int) -> str:
    places = "only place goes" if capacity == 1 else f"{capacity} places go"
    if pinned >= capacity:
        return (
            f"the mentor has no capacity left: their {places} to mentees the coordinator "
            "pinned to them"
            if capacity > 1
            else f"the mentor has no capacity left: their {places} to a mentee the "
            "coordinator pinned to them"
        )
    return (
        f"the mentor has no capacity left: their {places} to "
        + ("the coordinator's pins and " if pinned else "")
        + "running pairs that score as high or higher (pin this pair to keep it instead)"
    )


def keep(scored: Scored, kept: Kept) -> None:
    """Put the kept pairs in the run's pools: pinned for the solver (a pair the
    coordinator pinned already is not added twice) and marked as kept."""
    p = scored.pools
    already = set(p.pins)
    p.pins = [*p.pins, *(x for x in kept.pairs if x not in already)]
    p.kept = list(kept.pairs)


def attach(result: MatchResult, kept: Kept) -> MatchResult:
    """The result with the running pairs' counts in its summary and their table."""
    summary = dataclasses.replace(result.summary, kept=kept.kept, dropped=kept.dropped)
    return dataclasses.replace(result, summary=summary, running=kept.table())
