"""The coordinator's review: pairs pinned or forbidden before matches are announced.

Roster ids are personal data, so the review never goes into the design: it is a small
table, ``review.csv`` (``mentee_id,mentor_id,action`` with action ``pin`` or
``forbid``), kept in the program's output folder beside the exports. The matching step
adds and removes rows (:func:`add`, :func:`remove`, :func:`clear`), and the rules of a
review live here: one pin per mentee, one action per pair (the latest), and only the
roster's mentees and mentors; :func:`read_review` turns the file into a :class:`Review` for
:func:`workbook.matching.match`. A previous cohort's ``matches.csv`` is read with the
same :func:`read_pairs_file`, so its pairs can be kept from being repeated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.errors import InputError, Problem, RosterError
from workbook.matching.tables import read_table
from workbook.matching.values import restore_ids
from workbook.store import atomic_write

FILE = "review.csv"
"""The review file's name in the output folder."""
COLUMNS = ("mentee_id", "mentor_id", "action")


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
    for column in ("mentee_id", "mentor_id"):
        frame[column] = restore_ids(frame[column].fillna(""))
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
        wrong = actions[bad]
        raise RosterError(
            [
                Problem("unknown action", "write pin or forbid", str(path), "action", int(i), v)
                for i, v in zip(wrong.index.to_numpy(np.int64), wrong, strict=True)
            ]
        )
    pairs = list(zip(frame["mentee_id"], frame["mentor_id"], strict=True))
    return Review(
        pins=tuple(p for p, a in zip(pairs, actions, strict=True) if a == "pin"),
        forbids=tuple(p for p, a in zip(pairs, actions, strict=True) if a == "forbid"),
    )


def read_rows(path: Path) -> list[dict[str, str]]:
    """The review file's rows as written (empty when there is none yet)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [dict(row) for row in csv.DictReader(fh)]


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Write the review file atomically (the folder is created if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write(path, buffer.getvalue().encode("utf-8"))


ACTIONS = ("pin", "forbid")


def add(
    path: Path,
    mentee: str,
    mentor: str,
    action: str,
    *,
    mentees: Collection[str] | None = None,
    mentors: Collection[str] | None = None,
) -> None:
    """Record a pin or a forbidden pair in the review file.

    One pin per mentee: a new pin replaces the mentee's old one; a pair has one action,
    the latest. Given the roster's ``mentees`` and ``mentors`` (their ids), a pair that
    is not a mentee and a mentor of it is refused here, when it is entered, rather than
    failing the next run.

    Raises:
        InputError: an unknown action, or an id that is not a mentee / mentor of the roster.
        StoreError: the file could not be written (the previous one is intact).
    """
    problems = []
    if action not in ACTIONS:
        problems.append(Problem(f"unknown action {action!r}", "pin or forbid", field="action"))
    if mentees is not None and mentee not in mentees:
        problems.append(
            Problem(f"{mentee} is not a mentee of the roster", "choose a mentee", field="mentee")
        )
    if mentors is not None and mentor not in mentors:
        problems.append(
            Problem(f"{mentor} is not a mentor of the roster", "choose a mentor", field="mentor")
        )
    if problems:
        raise InputError(problems)
    rows = [
        r
        for r in read_rows(path)
        if (r["mentee_id"], r["mentor_id"]) != (mentee, mentor)
        and not (action == "pin" == r["action"] and r["mentee_id"] == mentee)
    ]
    rows.append({"mentee_id": mentee, "mentor_id": mentor, "action": action})
    write_rows(path, rows)


def remove(path: Path, mentee: str, mentor: str) -> bool:
    """Take one pin or forbidden pair out of the review; the others stay.

    Returns:
        True when the pair was in the review (removing one that is not changes nothing).

    Raises:
        StoreError: the file could not be written (the previous one is intact).
    """
    rows = read_rows(path)
    kept = [r for r in rows if (r["mentee_id"], r["mentor_id"]) != (mentee, mentor)]
    if len(kept) == len(rows):
        return False
    if kept:
        write_rows(path, kept)
    else:
        clear(path)
    return True


def pinned(path: Path) -> dict[str, str]:
    """Each pinned mentee's mentor, as the review stands (mentee id -> mentor id)."""
    return {r["mentee_id"]: r["mentor_id"] for r in read_rows(path) if r["action"] == "pin"}


def clear(path: Path) -> None:
    """Remove every pin and forbidden pair (the review file goes)."""
    path.unlink(missing_ok=True)
