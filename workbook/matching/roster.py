"""Read a roster of people and refuse it, with every problem at once, if it cannot be used.

A roster has one row per person, including people who do not take part, so that
reporting lines can be followed to the top (rule R1). Reading the file (encodings,
CSV or XLSX, mapping the headers to the canonical columns) is
:mod:`workbook.matching.tables`; this module judges the rows and builds the :class:`Roster`.

The reader never stops at the first problem: a coordinator fixing a 2,000-row export
wants the whole list (row, column, value and fix) in one go, and nothing is matched
or written while a single problem remains. :func:`load_roster` returns a
:class:`Roster`: the table as text plus the typed arrays the matcher needs.

Canonical columns (other names are mapped with ``design.matching.column_map``; header
case, spaces and hyphens are forgiven, so ``Manager ID`` is ``manager_id``)::

    id, name, email, role, department, manager_id, level, timezone, skills_offered,
    skills_wanted, goals, languages, capacity, preferences, exclude
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from workbook.design import Matching
from workbook.errors import Problem, RosterError
from workbook.matching import criteria
from workbook.matching.tables import CANONICAL, map_columns, read_table
from workbook.matching.values import split_list, utc_offset_hours

__all__ = [
    "ALWAYS_REQUIRED",
    "CANONICAL",
    "LIST_COLUMNS",
    "ROLES",
    "ROLE_ALIASES",
    "Roster",
    "RosterSummary",
    "load_roster",
    "map_columns",
    "read_table",
    "required_columns",
    "split_list",
    "summarise",
    "utc_offset_hours",
    "validate",
]

LIST_COLUMNS = ("skills_offered", "skills_wanted", "goals", "languages", "preferences", "exclude")
"""Columns holding ``;``-separated lists."""
ALWAYS_REQUIRED = ("id", "name", "role", "manager_id")
"""Without these no match can be made or checked against the reporting line."""
ROLES = {"mentor": (True, False), "mentee": (False, True), "both": (True, True), "": (False, False)}
"""Role -> (is a mentor, is a mentee). Empty means the person does not take part."""
MAX_CAPACITY = 50
"""Mentees one mentor may take, as in the design (``participation.mentor_capacity``)."""
MAX_LEVEL = 100
"""Seniority levels are small whole numbers; beyond this a cell is a typo or an id."""
ROLE_ALIASES = {"none": "", "-": "", "non-participant": "", "mentor;mentee": "both"}


@dataclass(frozen=True)
class Roster:
    """A validated roster.

    Attributes:
        frame: every column as text (canonical names, then extra columns), one row per
            person in file order; missing optional canonical columns are added empty.
        file: where it was read from, for messages.
        encoding: how the bytes were decoded (``utf-8``, ``utf-8-sig``, ``cp1252``,
            ``utf-16``, or ``xlsx``).
        is_mentor, is_mentee: role flags per person (both for ``both``).
        manager: row index of each person's manager, ``-1`` for none.
        level: seniority, ``nan`` where empty.
        capacity: the roster's capacity per person, ``-1`` where empty (the design's
            default applies).
        columns_present: canonical and extra columns the file actually had.
    """

    frame: pd.DataFrame
    file: str
    encoding: str
    is_mentor: npt.NDArray[np.bool_]
    is_mentee: npt.NDArray[np.bool_]
    manager: npt.NDArray[np.int64]
    level: npt.NDArray[np.float64]
    capacity: npt.NDArray[np.int64]
    columns_present: frozenset[str] = field(default_factory=frozenset)

    @property
    def ids(self) -> npt.NDArray[np.object_]:
        """Person ids in row order."""
        return self.frame["id"].to_numpy(dtype=object)

    def __len__(self) -> int:
        return len(self.frame)


# --------------------------------------------------------------------------- columns


def required_columns(matching: Matching) -> dict[str, str]:
    """Columns the roster must have for these settings, each with the reason."""
    need = {c: "every roster needs it" for c in ALWAYS_REQUIRED}
    for criterion in criteria.used(matching):
        for column in criterion.columns:
            need.setdefault(column, criterion.needs)
    return need


# --------------------------------------------------------------------------- validating


@dataclass
class _Reading:
    """One roster being judged: the table, where each row is in the file, the problems
    found so far, and the typed columns the checks fill in."""

    frame: pd.DataFrame
    rows: npt.NDArray[np.int64]
    """File row of each position (the header is row 1)."""
    name: str
    present: frozenset[str]
    problems: list[Problem] = field(default_factory=list)
    ids: npt.NDArray[np.object_] = field(default_factory=lambda: np.zeros(0, dtype=object))
    duplicate: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    index: dict[str, int] = field(default_factory=dict)
    """Id -> position, for ids that are usable references (not empty, not repeated)."""
    is_mentor: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    is_mentee: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    level: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    capacity: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    manager: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))

    def report(self, mask: npt.NDArray[np.bool_], column: str, message: str, fix: str) -> None:
        """One problem per row where ``mask`` holds, with the cell's value."""
        for i in np.flatnonzero(mask):
            value = self.frame.at[int(i), column]
            self.problems.append(
                Problem(message, fix, self.name, column, int(self.rows[i]), str(value))
            )

    def problem(self, i: int, column: str, message: str, fix: str, value: object) -> None:
        """One problem at position ``i``."""
        self.problems.append(
            Problem(message, fix, self.name, column, int(self.rows[i]), str(value))
        )


_COLUMN_CHECKS: list[Callable[[_Reading], None]] = []
"""The checks :func:`validate` runs, in order; later ones may use what earlier ones read
(the manager check uses the ids)."""


def _column_check(func: Callable[[_Reading], None]) -> Callable[[_Reading], None]:
    """Register a check of the roster's rows (as the rules register theirs)."""
    _COLUMN_CHECKS.append(func)
    return func


@_column_check
def _ids(r: _Reading) -> None:
    """Every person has an id, and no id is used twice."""
    r.ids = r.frame["id"].to_numpy(dtype=object)
    r.report(r.ids == "", "id", "id is empty", "give every person a unique id")
    r.duplicate = r.frame["id"].duplicated(keep="first").to_numpy() & (r.ids != "")
    first_row = {v: int(row) for v, row in zip(r.ids[::-1], r.rows[::-1], strict=True)}
    for k in np.flatnonzero(r.duplicate):
        r.problem(
            int(k),
            "id",
            f"duplicate id: also on row {first_row[r.ids[k]]}",
            "give every person a unique id",
            r.ids[k],
        )
    r.index = {v: i for i, v in enumerate(r.ids) if v != "" and not r.duplicate[i]}


@_column_check
def _roles(r: _Reading) -> None:
    """Each role is mentor, mentee, both, or empty for someone who does not take part."""
    role = r.frame["role"].str.lower().replace(ROLE_ALIASES).to_numpy(dtype=object)
    r.report(
        ~np.isin(role, list(ROLES)),
        "role",
        "unknown role",
        "write mentor, mentee, both, or leave it empty for someone who does not take part",
    )
    r.is_mentor = np.isin(role, ["mentor", "both"])
    r.is_mentee = np.isin(role, ["mentee", "both"])


def _whole_numbers(
    r: _Reading, column: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """A column's numbers (``nan`` where empty or not a number) and where they are whole."""
    numbers = pd.to_numeric(r.frame[column].replace("", np.nan), errors="coerce").to_numpy(
        float, copy=True
    )
    whole = np.isfinite(numbers) & (np.mod(np.nan_to_num(numbers), 1) == 0)
    return numbers, whole


@_column_check
def _levels(r: _Reading) -> None:
    """A seniority level is a whole number (1, 2, 3 ...), or empty."""
    level, whole = _whole_numbers(r, "level")
    bad = (r.frame["level"].to_numpy(dtype=object) != "") & ~whole
    r.report(bad, "level", "level is not a whole number", "write the seniority as 1, 2, 3 ...")
    far = whole & (np.abs(np.nan_to_num(level)) > MAX_LEVEL)
    r.report(
        far,
        "level",
        f"level is beyond {MAX_LEVEL} levels",
        "write the seniority as 1, 2, 3 ... (a few levels apart)",
    )
    level[bad | far] = np.nan
    r.level = level


@_column_check
def _capacities(r: _Reading) -> None:
    """A mentor's capacity is a whole number, 0 or more, or empty (the design's default)."""
    cap, whole = _whole_numbers(r, "capacity")
    r.report(
        (r.frame["capacity"].to_numpy(dtype=object) != "") & ~whole,
        "capacity",
        "capacity is not a whole number",
        "write how many mentees this mentor can take (0 for none), or leave it empty",
    )
    r.report(
        whole & (cap < 0),
        "capacity",
        "capacity is negative",
        "write 0 or more (0 means this mentor takes no mentees this time)",
    )
    r.report(
        whole & (cap > MAX_CAPACITY),
        "capacity",
        f"capacity is above {MAX_CAPACITY} mentees",
        f"write how many mentees this mentor can really take (at most {MAX_CAPACITY})",
    )
    usable = whole & (cap >= 0) & (cap <= MAX_CAPACITY)
    r.capacity = np.where(usable, np.nan_to_num(cap), -1).astype(np.int64)


@_column_check
def _managers(r: _Reading) -> None:
    """Every manager is a person of the roster, and no reporting line goes round in a
    circle (rule R1 follows the line to its top)."""
    r.manager = np.full(len(r.frame), -1, dtype=np.int64)
    for i, m in enumerate(r.frame["manager_id"].to_numpy(dtype=object)):
        if m == "":
            continue
        j = r.index.get(m)
        if j is None:
            r.problem(
                i,
                "manager_id",
                "manager_id is not an id in this roster",
                "add the manager as a row (role empty if they do not take part) or correct the id",
                m,
            )
        else:
            r.manager[i] = j
    r.problems.extend(_cycles(r.manager, r.ids, r.rows, r.name))


@_column_check
def _timezones(r: _Reading) -> None:
    """A time zone is an IANA name (Europe/London), or empty."""
    if "timezone" not in r.present:
        return
    for value, where in r.frame.groupby("timezone").groups.items():
        if value and utc_offset_hours(str(value)) is None:
            for i in where:
                r.problem(
                    int(i),
                    "timezone",
                    "timezone is not an IANA time zone name",
                    "write a name such as Europe/London or America/New_York",
                    value,
                )


@_column_check
def _references(r: _Reading) -> None:
    """Preferences and exclusions name people of the roster by id."""
    for column in ("preferences", "exclude"):
        if column not in r.present:
            continue
        for i, items in enumerate(split_list(r.frame[column])):
            for item in items:
                if item not in r.index:
                    r.problem(
                        i,
                        column,
                        f"{column} names an id that is not in this roster",
                        "correct the id or remove it from the list",
                        item,
                    )


def _missing_columns(frame: pd.DataFrame, matching: Matching, name: str) -> list[Problem]:
    return [
        Problem(
            f"required column {column!r} is missing ({why})",
            f"add a column named {column!r}, or say which of your columns holds it (the "
            "matching step's 'Column names in your roster')",
            name,
            row=1,
            field=column,
        )
        for column, why in required_columns(matching).items()
        if column not in frame.columns
    ]


def validate(frame: pd.DataFrame, matching: Matching, name: str) -> Roster:
    """Check a canonical-column table and build the :class:`Roster`: the required
    columns, then every registered column check, each problem with its row.

    Raises:
        RosterError: with one problem per bad cell, duplicate, unknown reference and
            manager cycle, in row order.
    """
    problems = _missing_columns(frame, matching, name)
    if any(p.field in ALWAYS_REQUIRED for p in problems):
        raise RosterError(problems)
    if frame.empty:
        problems.append(
            Problem("has a header but no people", "add one row per person", name, row=2)
        )
        raise RosterError(problems)
    present = frozenset(frame.columns)
    frame = frame.copy()
    for column in CANONICAL:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[[*CANONICAL, *[c for c in frame.columns if c not in CANONICAL]]]
    # File row numbers (the header is row 1) from the reader; positions from here on.
    n = len(frame)
    rows = frame.index.to_numpy(dtype=np.int64) if frame.index.name == "row" else np.arange(n) + 2
    reading = _Reading(frame.reset_index(drop=True), rows, name, present, problems)
    for check in _COLUMN_CHECKS:
        check(reading)
    if reading.problems:
        reading.problems.sort(key=lambda p: p.row or 0)
        raise RosterError(reading.problems)
    return Roster(
        frame=reading.frame,
        file=name,
        encoding="",
        is_mentor=reading.is_mentor,
        is_mentee=reading.is_mentee,
        manager=reading.manager,
        level=reading.level,
        capacity=reading.capacity,
        columns_present=present,
    )


def _cycles(
    manager: npt.NDArray[np.int64],
    ids: npt.NDArray[np.object_],
    rows: npt.NDArray[np.int64],
    name: str,
) -> list[Problem]:
    """One problem per manager cycle (someone who is, through the line, their own manager).

    Peels off people nobody reports to, repeatedly; whoever remains is on a cycle.
    """
    n = len(manager)
    reports = np.bincount(manager[manager >= 0], minlength=n)
    queue = list(np.flatnonzero(reports == 0))
    removed = np.zeros(n, dtype=bool)
    while queue:
        leaf = queue.pop()
        removed[leaf] = True
        m = manager[leaf]
        if m >= 0:
            reports[m] -= 1
            if reports[m] == 0:
                queue.append(m)
    problems = []
    seen = np.zeros(n, dtype=bool)
    for start in np.flatnonzero(~removed):
        if seen[start]:
            continue
        loop = []
        i = int(start)
        while not seen[i]:
            seen[i] = True
            loop.append(i)
            i = int(manager[i])
        chain = " -> ".join(str(ids[j]) for j in [*loop, loop[0]])
        problems.append(
            Problem(
                f"manager cycle: {chain}",
                "correct manager_id so that every reporting line ends at someone with no manager",
                name,
                "manager_id",
                int(rows[min(loop)]),
                str(ids[loop[0]]),
            )
        )
    return problems


def load_roster(
    source: str | Path | bytes, matching: Matching | None = None, file: str | None = None
) -> Roster:
    """Read, map and validate a roster: the first two steps of :func:`workbook.matching.match`.

    Args:
        source: a path or the bytes of an uploaded CSV/XLSX file.
        matching: the design's matching settings (column map, which criteria need which
            columns); the defaults when ``None``.
        file: the name used in messages, e.g. the uploaded file's name.

    Raises:
        RosterError: every problem found, each with row, column, value and fix.
    """
    matching = matching or Matching()
    frame, encoding = read_table(source, file)
    name = file or (str(source) if not isinstance(source, bytes) else "roster")
    mapped = map_columns(frame, matching.column_map, name)
    # A problem names the column as the file heads it ("Job Level"), not as the
    # workbook reads it ("level"): that is the column the coordinator looks for.
    headers = {
        str(new): str(old)
        for old, new in zip(frame.columns, mapped.columns, strict=True)
        if str(new) != str(old)
    }
    try:
        roster = validate(mapped, matching, name)
    except RosterError as exc:
        if not headers:
            raise
        raise RosterError(
            [
                dataclasses.replace(p, field=headers.get(p.field, p.field)) if p.field else p
                for p in exc.problems
            ]
        ) from None
    return dataclasses.replace(roster, encoding=encoding)


# --------------------------------------------------------------------------- what was read


@dataclass(frozen=True)
class RosterSummary:
    """What a roster holds, in counts: what the matching step says after an upload, so
    a coordinator sees at once whether the file read is the file they meant (the right
    cohort, the mentors marked, the columns named as the workbook expects).

    Attributes:
        people: rows (people), taking part or not.
        mentees, mentors: people who are mentees, mentors (``both`` counts in each).
        both: people who are both.
        non_participants: people with an empty role (kept for the reporting lines).
        departments: distinct non-empty departments.
        recognised: the columns the workbook reads (canonical, or compared by an extra
            criterion of the design): the canonical ones in their order, then the rest
            in the file's order.
        ignored: the file's other columns, which nothing reads.
    """

    people: int
    mentees: int
    mentors: int
    both: int
    non_participants: int
    departments: int
    recognised: tuple[str, ...]
    ignored: tuple[str, ...]

    def sentences(self) -> list[str]:
        """The summary in words, one sentence per line."""

        def count(n: int, one: str, many: str) -> str:
            return f"{n} {one if n == 1 else many}"

        lines = [
            f"{count(self.people, 'person', 'people')}: "
            f"{count(self.mentees, 'mentee', 'mentees')}, "
            f"{count(self.mentors, 'mentor', 'mentors')} "
            f"({count(self.both, 'person is', 'people are')} both), "
            f"{count(self.non_participants, 'person', 'people')} not taking part; "
            f"{count(self.departments, 'department', 'departments')}."
        ]
        lines.append("Columns recognised: " + ", ".join(self.recognised) + ".")
        lines.append(
            "Columns ignored (nothing reads them): " + ", ".join(self.ignored) + "."
            if self.ignored
            else "No column is ignored."
        )
        return lines


def summarise(roster: Roster, matching: Matching | None = None) -> RosterSummary:
    """Count what a validated roster holds and sort its columns into recognised and
    ignored (a column an extra criterion of ``matching`` compares is recognised)."""
    matching = matching or Matching()
    compared = {c for criterion in criteria.every(matching) for c in criterion.columns}
    in_file = [c for c in roster.frame.columns if c in roster.columns_present]
    used = set(CANONICAL) | compared
    departments = roster.frame["department"].to_numpy(dtype=object)
    return RosterSummary(
        people=len(roster),
        mentees=int(roster.is_mentee.sum()),
        mentors=int(roster.is_mentor.sum()),
        both=int((roster.is_mentee & roster.is_mentor).sum()),
        non_participants=int((~roster.is_mentee & ~roster.is_mentor).sum()),
        departments=len({d for d in departments if d}),
        recognised=tuple(c for c in in_file if c in used),
        ignored=tuple(c for c in in_file if c not in used),
    )
