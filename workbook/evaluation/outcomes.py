"""Read the outcomes file of a program that has run, and refuse it, with every problem
at once, if it cannot be used.

The outcomes file has one row per employee, taking part or not, so that participants
can be compared with similar people who did not take part::

    id            unique and never blank (the HRIS employee number)
    participant   yes or no (true/false, 1/0, y/n, any case); never blank
    covariates    the columns the design's evaluation names (department, level, ...),
                  measured before the program; never blank
    objectives    one column per objective measured per person, named like the
                  objective's metric or as the design's ``column`` says; a percentage
                  metric (retention %, % agree) is yes or no per person, any other a
                  number; a blank cell is a value not measured

Headers are forgiven case, spaces, hyphens and underscores, as a roster's are
(``Retained-12m`` is ``retained_12m``). An objective with no column in the file is
measured another way (a talent review, program records): it is listed in
:attr:`Outcomes.missing`, not refused.

Reading the bytes (encodings, CSV or XLSX, binary and ragged files) is the roster
reader's :func:`~workbook.matching.tables.read_table`; its problems are worded here for
an outcomes file.

The file is personal data (HRIS records, survey answers). This module reads it into
memory and returns it: it writes no file and copies no row anywhere; a problem shows
back only the one cell it is about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from workbook import files
from workbook.design import Design, objective_key
from workbook.errors import EvaluationError, Problem, RosterError
from workbook.evaluation.power import is_rate
from workbook.matching.tables import read_table

__all__ = [
    "MAX_PROBLEMS",
    "NO",
    "OUTCOMES_FILE",
    "YES",
    "Outcomes",
    "load_outcomes",
    "objective_column",
]

OUTCOMES_FILE = files.Kind(
    "an outcomes", 200 * files.MB, EvaluationError, "give the path of a .csv or .xlsx file"
)
"""What an outcomes file may be: a regular file of at most 200 MB, as a roster."""
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})
"""How a yes or a no is written (compared in lower case): participant, and the
per-person value of a percentage metric."""
MAX_PROBLEMS = 200
"""Problems listed one by one; the rest are counted in a last problem. A file with
thousands of bad cells has one mistake repeated, and the list must stay readable."""

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


@dataclass(frozen=True)
class Outcomes:
    """An outcomes file that can be used, read into typed columns.

    Attributes:
        frame: one row per employee in file order: ``id`` (text), ``participant``
            (bool), each covariate under the name given (text, or float when every
            value is a number), and one float column per measured objective under the
            name in :attr:`columns` (``NaN`` where not measured; a percentage metric as
            0.0 or 1.0).
        columns: objective metric, as the design writes it -> its column in ``frame``.
        missing: objective metrics with no column in the file (measured another way).
        covariates: the covariate columns, in the order asked for.
        file: the name the file is known by in messages.
    """

    frame: pd.DataFrame
    columns: dict[str, str]
    missing: tuple[str, ...]
    covariates: tuple[str, ...]
    file: str

    def __post_init__(self) -> None:
        wanted = ["id", "participant", *self.covariates, *self.columns.values()]
        absent = [c for c in wanted if c not in self.frame.columns]
        if absent:
            raise ValueError(f"the outcomes frame has no column {absent[0]!r}")
        if set(self.columns) & set(self.missing):
            raise ValueError("an objective is both measured and missing")


def objective_column(design: Design, metric: str) -> str:
    """The outcomes column of the objective with this metric: the ``column`` of the
    design's effectiveness measure for it, else the metric itself.

    The measure is found as the design finds it, by :func:`~workbook.design.objective_key`
    (case and spacing do not matter).
    """
    key = objective_key(metric)
    for measure in design.evaluation.effectiveness:
        if objective_key(measure.objective) == key and measure.column.strip():
            return measure.column.strip()
    return metric.strip()


def load_outcomes(
    source: str | Path | bytes,
    design: Design,
    *,
    file: str | None = None,
    covariates: Sequence[str] | None = None,
) -> Outcomes:
    """Read an outcomes file for a design's evaluation: read the table, find the
    columns, judge every cell, build the typed frame.

    Args:
        source: a path, or the bytes of an uploaded CSV or XLSX file.
        design: the design whose objectives (and their ``column``) and covariates apply.
        file: the name used in messages, e.g. the uploaded file's name.
        covariates: the covariate columns; the design's ``evaluation.covariates`` when
            ``None`` (``--covariates`` on the command line gives them).

    Raises:
        EvaluationError: the file cannot be read as a table, or any cell or column is
            wrong; every problem found, each with row, column, value and fix (at most
            :data:`MAX_PROBLEMS`, then a count of the rest).
    """
    name = file or (str(source) if not isinstance(source, bytes) else "outcomes")
    table = _read(source, name)
    asked = covariates is not None
    wanted = _unique(covariates if covariates is not None else design.evaluation.covariates)
    reading = _Reading(table, name)
    _required(reading)
    _covariate_columns(reading, wanted, asked)
    measured, missing = _objective_columns(reading, design)
    if table.empty:
        reading.problems.append(
            Problem(
                "has a header but no people",
                "add one row per employee, taking part or not",
                name,
                row=2,
            )
        )
    ids = _ids(reading)
    participant = _participants(reading)
    covariate_values = {c: _covariate(reading, c) for c in wanted}
    outcome_values = {column: _outcome(reading, column, rate) for column, rate in measured}
    if reading.problems:
        raise EvaluationError(_capped(reading.problems, name))
    frame = pd.DataFrame(
        {"id": ids, "participant": participant, **covariate_values, **outcome_values}
    )
    return Outcomes(
        frame=frame,
        columns=reading.columns,
        missing=tuple(missing),
        covariates=tuple(wanted),
        file=name,
    )


# --------------------------------------------------------------------------- the table


def _read(source: str | Path | bytes, name: str) -> pd.DataFrame:
    """The file as a table of text whose index is the file's row number.

    Raises:
        EvaluationError: missing, not a regular file, too large, binary, ragged or
            otherwise not a table.
    """
    if isinstance(source, bytes):
        raw = source
    else:
        read = files.read(Path(source), OUTCOMES_FILE)
        if read is None:
            raise EvaluationError(Problem("does not exist", "check the path", name))
        raw = read
    try:
        table, _encoding = read_table(raw, name)
    except RosterError as exc:
        raise EvaluationError([_reworded(p) for p in exc.problems]) from None
    return table


_ROSTER_WORDS = (
    ("(id,name,role,...)", "(id,participant,...)"),
    ("a roster", "an outcomes file"),
    ("the roster's", "the outcomes file's"),
    ("the roster", "the outcomes file"),
)
"""The roster reader's words for its file, as they read for an outcomes file."""


def _reworded(problem: Problem) -> Problem:
    def words(text: str) -> str:
        for roster, outcomes in _ROSTER_WORDS:
            text = text.replace(roster, outcomes)
        return text

    return Problem(
        words(problem.message),
        words(problem.fix),
        problem.file,
        problem.field,
        problem.row,
        problem.value,
    )


def _header_key(header: str) -> str:
    """A header as it is compared: case, spaces, hyphens and underscores forgiven."""
    return " ".join(re.sub(r"[-_]", " ", header).split()).casefold()


def _unique(names: Sequence[str]) -> list[str]:
    """Names stripped, blanks dropped, each header once (the first spelling kept)."""
    seen: dict[str, str] = {}
    for text in names:
        if text.strip() and _header_key(text) not in seen:
            seen[_header_key(text)] = text.strip()
    return list(seen.values())


@dataclass
class _Reading:
    """One outcomes file being judged: its cells, where each row is in the file, which
    of its columns holds what, and the problems found so far."""

    table: pd.DataFrame
    name: str
    rows: npt.NDArray[np.int64] = field(init=False)
    """File row of each position (the header is row 1)."""
    found: dict[str, int] = field(default_factory=dict)
    """Column name as used -> its position in the file, for every column located."""
    used: dict[str, str] = field(default_factory=dict)
    """Header key -> what the column is used as (``id``, "the covariate 'level'", ...)."""
    columns: dict[str, str] = field(default_factory=dict)
    """Objective metric -> column name used."""
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rows = self.table.index.to_numpy(dtype=np.int64)
        self.by_key: dict[str, list[int]] = {}
        for j, header in enumerate(self.table.columns):
            self.by_key.setdefault(_header_key(str(header)), []).append(j)

    def locate(self, column: str, role: str) -> bool | None:
        """Find ``column`` among the headers for ``role``: True when found, False when
        the file has no such column, None when it cannot be used (a problem says why)."""
        key = _header_key(column)
        if key in self.used:
            self.problems.append(
                Problem(
                    f"column {column!r} is asked for as {role} and as {self.used[key]}",
                    "one column cannot be both; correct the design's columns or covariates",
                    self.name,
                    column,
                    1,
                )
            )
            return None
        self.used[key] = role
        places = self.by_key.get(key, [])
        if len(places) > 1:
            headers = " and ".join(repr(str(self.table.columns[j])) for j in places)
            self.problems.append(
                Problem(
                    f"columns {headers} are both read as {column!r}",
                    "remove or rename one of them",
                    self.name,
                    column,
                    1,
                )
            )
            return None
        if places:
            self.found[column] = places[0]
            return True
        return False

    def cells(self, column: str) -> npt.NDArray[np.object_]:
        """A located column's cells as text (stripped by the reader)."""
        return self.table.iloc[:, self.found[column]].to_numpy(dtype=object)

    def problem(self, i: int, column: str, message: str, fix: str, value: object) -> None:
        """One problem in the cell at position ``i`` of ``column``."""
        self.problems.append(
            Problem(message, fix, self.name, column, int(self.rows[i]), str(value))
        )


# --------------------------------------------------------------------------- columns


_REQUIRED = {
    "id": "add a column named 'id' holding each employee's unique id (the HRIS number)",
    "participant": (
        "add a column named 'participant' saying yes for everyone who took part in the "
        "program and no for everyone else"
    ),
}


def _required(r: _Reading) -> None:
    for column, fix in _REQUIRED.items():
        if r.locate(column, f"the {column} column") is False:
            r.problems.append(
                Problem(f"required column {column!r} is missing", fix, r.name, column, 1)
            )


def _covariate_columns(r: _Reading, wanted: list[str], asked: bool) -> None:
    source = (
        "--covariates asks for it" if asked else "the evaluation plan compares like with like on it"
    )
    where = (
        "from --covariates"
        if asked
        else "from 'Compare like with like on' in the evaluation plan (step 4)"
    )
    for column in wanted:
        if r.locate(column, f"the covariate {column!r}") is False:
            r.problems.append(
                Problem(
                    f"covariate column {column!r} is missing ({source})",
                    f"add the column {column!r} (measured before the program), or remove "
                    f"it {where}",
                    r.name,
                    column,
                    1,
                )
            )


def _objective_columns(r: _Reading, design: Design) -> tuple[list[tuple[str, bool]], list[str]]:
    """Locate each objective's column: the columns to read (with whether the metric is
    a percentage) and the metrics with no column in the file."""
    measured: list[tuple[str, bool]] = []
    missing: list[str] = []
    metrics: set[str] = set()
    by_column: dict[str, str] = {}
    for _purpose, objective in design.objectives():
        key = objective_key(objective.metric)
        if not key or key in metrics:
            continue  # no metric yet, or the same metric under two purposes
        metrics.add(key)
        column = objective_column(design, objective.metric)
        shared = by_column.get(_header_key(column))
        if shared is not None:
            r.columns[objective.metric] = shared  # two objectives, one column: read once
            continue
        found = r.locate(column, f"the column of objective {objective.metric!r}")
        if found is None:
            continue
        if found:
            by_column[_header_key(column)] = column
            r.columns[objective.metric] = column
            measured.append((column, is_rate(objective.unit)))
        else:
            missing.append(objective.metric)
    return measured, missing


# --------------------------------------------------------------------------- cells


def _ids(r: _Reading) -> npt.NDArray[np.object_]:
    """Every employee has an id, and no id is used twice."""
    if "id" not in r.found:
        return np.zeros(len(r.table), dtype=object)
    ids = r.cells("id")
    first: dict[str, int] = {}
    for i, value in enumerate(ids):
        if value == "":
            r.problem(i, "id", "id is empty", "give every employee a unique id", value)
        elif value in first:
            r.problem(
                i,
                "id",
                f"duplicate id: also on row {first[value]}",
                "give every employee one row and a unique id",
                value,
            )
        else:
            first[value] = int(r.rows[i])
    return ids


def _yes_no(value: str) -> bool | None:
    """A yes or a no, however it is written; None for anything else."""
    word = value.casefold()
    return True if word in YES else False if word in NO else None


def _participants(r: _Reading) -> npt.NDArray[np.bool_]:
    """Each employee took part (yes) or did not (no); a blank is neither."""
    taking_part = np.zeros(len(r.table), dtype=bool)
    if "participant" not in r.found:
        return taking_part
    for i, value in enumerate(r.cells("participant")):
        answer = _yes_no(value)
        if answer is None:
            r.problem(
                i,
                "participant",
                "participant is empty" if value == "" else "participant is not yes or no",
                "write yes for an employee who took part in the program and no for one who did not",
                value,
            )
        else:
            taking_part[i] = answer
    return taking_part


def _covariate(r: _Reading, column: str) -> pd.Series:
    """A covariate's values: numbers when every one is a number, else text; never blank."""
    if column not in r.found:
        return pd.Series(np.zeros(len(r.table), dtype=object))
    values = r.cells(column)
    for i in np.flatnonzero(values == ""):
        r.problem(
            int(i),
            column,
            f"covariate {column!r} is empty",
            "fill it in for every employee (participants are compared with people alike "
            "in it), or remove the employee's row",
            "",
        )
    if len(values) and all(_NUMBER.fullmatch(v) for v in values):
        return pd.Series(values.astype(float))
    return pd.Series(values)


def _outcome(r: _Reading, column: str, rate: bool) -> npt.NDArray[np.float64]:
    """An objective's values per employee: 0 or 1 for a percentage metric, else a
    number; NaN where the cell is blank (not measured)."""
    values = r.cells(column)
    out = np.full(len(values), np.nan)
    for i, value in enumerate(values):
        if value == "":
            continue
        if rate:
            answer = _yes_no(value)
            if answer is None:
                r.problem(
                    i,
                    column,
                    f"{column} is not yes or no",
                    "write yes (1) or no (0) for each employee: the percentage is worked "
                    "out from them; leave it empty where it was not measured",
                    value,
                )
            else:
                out[i] = float(answer)
            continue
        number = float(value) if _NUMBER.fullmatch(value) else None
        if number is None or not np.isfinite(number):
            r.problem(i, column, f"{column} is not a number", _number_fix(value), value)
        else:
            out[i] = number
    return out


def _number_fix(value: str) -> str:
    """What to write instead of a value that is not a plain number."""
    plain = value.replace(",", "")
    dotted = value.replace(",", ".")
    if _THOUSANDS.fullmatch(value) and _DECIMAL_COMMA.fullmatch(value):
        return (
            f"write {plain} if the comma separates thousands, or {dotted} if it is a "
            "decimal comma: numbers are written without separators, with a decimal point"
        )
    if _THOUSANDS.fullmatch(value):
        return f"write {plain}: numbers are written without thousands separators"
    if _DECIMAL_COMMA.fullmatch(value):
        return f"write {dotted}: numbers are written with a decimal point"
    return "write a number such as 12 or 3.5, or leave it empty where it was not measured"


def _capped(problems: list[Problem], name: str) -> list[Problem]:
    """The problems in file order, at most :data:`MAX_PROBLEMS` of them and then one
    saying how many more there are, column by column."""
    problems = sorted(problems, key=lambda p: p.row or 0)
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = problems[MAX_PROBLEMS:]
    counts: dict[str, int] = {}
    for p in rest:
        counts[p.field or "the file"] = counts.get(p.field or "the file", 0) + 1
    where = ", ".join(f"{n} in {column}" for column, n in counts.items())
    return [
        *problems[:MAX_PROBLEMS],
        Problem(
            f"and {len(rest)} more problems ({where})",
            "correct the ones above (often one mistake repeated) and read the file again",
            name,
        ),
    ]
