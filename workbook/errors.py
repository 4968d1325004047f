"""The workbook's errors: one hierarchy, each error saying where and what to do.

::

    WorkbookError                 anything the user can fix; the CLI prints it, exits 2
    ├── DesignError               a design file cannot be read or is not a valid design
    │   └── SchemaVersionError    written by a newer workbook than this one
    ├── StoreError                a design cannot be saved
    │   ├── ConflictError         someone else saved the file since you loaded it
    │   └── ExistsError           refusing to overwrite a file that is already there
    ├── RosterError               a roster is refused (carries every problem found)
    ├── MatchingError             matching cannot run with these settings
    ├── CharterError              a charter cannot be produced (e.g. --strict on an unready design)
    ├── EvaluationError           an outcomes or survey file is refused (every problem found)
    └── InputError                a value typed into a widget or passed as a parameter

Every error carries a list of :class:`Problem` records (file, row, field, message,
fix) so the command line can print one line per problem and a widget can show each
one next to its field. Any exception that is not a ``WorkbookError`` is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong, located precisely enough that a person can find and fix it.

    Attributes:
        message: what is wrong, in the user's words ("level is not a whole number").
        fix: what to do about it ("write the seniority as 1, 2, 3 ...").
        file: the file the problem is in, if any.
        field: dotted path of the field (``objectives.0.target``) or a column name.
        row: 1-based row of a table file (the header is row 1), if any.
        value: the offending value, shown back to the user.
    """

    message: str
    fix: str = ""
    file: str | None = None
    field: str | None = None
    row: int | None = None
    value: str | None = None

    def format(self) -> str:
        """One line: ``FILE:ROW: field: message (value 'x'); fix``."""
        where = []
        if self.file:
            where.append(self.file if self.row is None else f"{self.file}:{self.row}")
        elif self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(self.field)
        text = self.message
        if self.value is not None:
            text += f" (value {self.value!r})"
        if self.fix:
            text += f"; {self.fix}"
        return ": ".join([*where, text])


class WorkbookError(Exception):
    """Base of every error a user can act on.

    Args:
        problems: one or more problems; a bare string becomes one problem.
    """

    def __init__(self, problems: str | Problem | Iterable[Problem], fix: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, fix)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))

    def lines(self) -> list[str]:
        """The problems, one formatted line each (what the CLI prints)."""
        return [p.format() for p in self.problems]


class DesignError(WorkbookError):
    """A design file is unreadable or is not a valid design."""


class SchemaVersionError(DesignError):
    """The design was written by a newer version of the workbook."""


class StoreError(WorkbookError):
    """A design could not be saved."""


class ConflictError(StoreError):
    """Someone else saved the design after you loaded it.

    Attributes:
        kept: where your version was saved so that it is not lost.
    """

    def __init__(self, problems: str | Problem | Sequence[Problem], kept: Path) -> None:
        super().__init__(problems)
        self.kept = kept


class ExistsError(StoreError):
    """The target file exists and the operation would overwrite it."""


class RosterError(WorkbookError):
    """A roster was refused; ``problems`` lists everything wrong with it at once."""


class MatchingError(WorkbookError):
    """Matching cannot run with these settings."""


class CharterError(WorkbookError):
    """A charter could not be produced."""


class EvaluationError(WorkbookError):
    """An outcomes or survey file cannot be used; carries every problem found."""


class InputError(WorkbookError):
    """A value from a widget or a notebook parameter is not acceptable."""
