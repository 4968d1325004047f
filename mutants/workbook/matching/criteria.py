"""The matching criteria, one object each: what the product knows and says about them.

A criterion is everything the product knows about one way a pair can fit: its key (a
field of ``design.matching.weights``, or ``extra:<column>`` for a roster column the
design adds), its names (in a sentence, as a charter heading, as a widget's help), the
roster columns it needs, the sentence that says what it rewards under the current
settings, and how it prepares its features on a run's pools
(:mod:`workbook.matching.scoring`: the value it gives pairs and the words that explain
it). Every place that speaks of criteria (the roster's required columns, the matching
step's widgets and effect sentences, the explanations, the charter's criteria table)
reads them from here: :data:`BUILT_IN` is the registry, :func:`active` the criteria a
design switches on.

This module imports no numpy or pandas, so the charter and the step can describe
criteria without loading the matching machinery.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from workbook.design import Matching

if TYPE_CHECKING:
    from workbook.matching.constraints import Pools
    from workbook.matching.scoring import Feature


# --------------------------------------------------------------------------- criteria


def seniority_range(fmt: str | None, matching: Matching) -> tuple[float, float]:
    """Wanted levels of mentor above mentee (mentee above mentor for reverse)."""
    if fmt == "peer":
        return 0.0, 0.0
    lo, hi = matching.seniority_min_gap, matching.seniority_max_gap
    return (-math.inf if lo is None else float(lo)), (math.inf if hi is None else float(hi))


@dataclass(frozen=True)
class Criterion(ABC):
    """One way a pair can fit, with everything the product says and does about it.

    Attributes:
        key: the field of ``design.matching.weights`` (``extra:<column>`` for extras).
        label: its name in a sentence ("time zone").
        title: its name as a heading, in the charter's criteria table.
        help: what it compares, in the matching step's words.
        columns: the roster columns it needs (the roster is refused without them).
    """

    key: str
    label: str
    title: str
    help: str
    columns: tuple[str, ...]

    def weight(self, matching: Matching) -> float:
        """Its weight in these settings (0: switched off)."""
        return float(getattr(matching.weights, self.key))

    @abstractmethod
    def effect(self, matching: Matching, fmt: str | None) -> str:
        """What it rewards under these settings, as a clause ("full when ...")."""

    @abstractmethod
    def prepare(self, pools: Pools) -> Feature:
        """Its features on one run's pools, ready to value pairs."""

    @property
    def needs(self) -> str:
        """Why the roster must have its columns."""
        return f"the {self.label} criterion is on"

    @property
    def subject(self) -> str:
        """Its name at the start of a sentence ("Time zone is 20% of a score")."""
        return self.label[:1].upper() + self.label[1:]


@dataclass(frozen=True)
class ListOverlap(Criterion):
    """The share of the mentee's list (skills wanted, goals) the mentor's list holds."""

    rewards: str = ""

    def effect(self, matching: Matching, fmt: str | None) -> str:
        return self.rewards

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        # The mentee's column, then the mentor's (one column: both sides fill it).
        return scoring.Overlap(pools, self.columns[0], self.columns[-1])


@dataclass(frozen=True)
class SharedItem(ListOverlap):
    """Full when the two lists share any item (a language)."""

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        return scoring.AnyShared(pools, self.columns[0], self.columns[-1])


@dataclass(frozen=True)
class Seniority(Criterion):
    def effect(self, matching: Matching, fmt: str | None) -> str:
        if fmt == "peer":
            return "full at the same level, half one level apart"
        lo, hi = matching.seniority_min_gap, matching.seniority_max_gap
        who = "the mentee is above the mentor" if fmt == "reverse" else "the mentor is above"
        if lo is None and hi is None:
            span = "any number of levels"
        elif hi is None:
            span = f"at least {lo} level(s)"
        elif lo is None:
            span = f"at most {hi} level(s)"
        else:
            span = f"{lo} to {hi} level(s)"
        return f"full when {who} by {span}, half one level off"

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        return scoring.SeniorityGap(pools)


@dataclass(frozen=True)
class Department(Criterion):
    def weight(self, matching: Matching) -> float:
        # "Either" means the department does not matter, whatever its weight says.
        return 0.0 if matching.department == "either" else super().weight(matching)

    def effect(self, matching: Matching, fmt: str | None) -> str:
        return f"full when the departments are {matching.department}"

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        return scoring.SameOrDifferent(pools, "department", pools.settings.matching.department)


@dataclass(frozen=True)
class TimeZone(Criterion):
    def effect(self, matching: Matching, fmt: str | None) -> str:
        if matching.max_timezone_hours is not None:
            return f"full when at most {matching.max_timezone_hours:g} hours apart, else 0"
        return "falls by 1/12 for every hour apart"

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        return scoring.HoursApart(pools)


@dataclass(frozen=True)
class Preferences(Criterion):
    def effect(self, matching: Matching, fmt: str | None) -> str:
        return "1 for the mentee's first choice, less for later choices, 0 if not listed"

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        return scoring.RankedChoice(pools)

    @property
    def needs(self) -> str:
        return "the mentees' preferences criterion is on"


@dataclass(frozen=True)
class RosterColumn(Criterion):
    """A column of the roster the design adds: reward the same value or a different one."""

    mode: str = "same"
    weighted: float = 0.0
    PREFIX: ClassVar[str] = "extra:"

    @classmethod
    def of(cls, column: str, mode: str, weight: float) -> RosterColumn:
        return cls(
            key=f"{cls.PREFIX}{column}",
            label=column,
            title=f"Roster column '{column}' ({mode} value)",
            help=f"The roster's column {column}: the {mode} value",
            columns=(column,),
            mode=mode,
            weighted=weight,
        )

    def weight(self, matching: Matching) -> float:
        return self.weighted

    def effect(self, matching: Matching, fmt: str | None) -> str:
        return (
            "full when the values are the same"
            if self.mode == "same"
            else ("full when the values differ")
        )

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        return scoring.SameOrDifferent(pools, self.columns[0], self.mode)

    @property
    def needs(self) -> str:
        return "it is an extra criterion in the design"

    @property
    def subject(self) -> str:
        return f"Roster column {self.columns[0]}"


BUILT_IN: tuple[Criterion, ...] = (
    ListOverlap(
        "skills",
        "skills",
        "Skills the mentee wants and the mentor offers",
        "Skills the mentee wants against skills the mentor offers",
        ("skills_wanted", "skills_offered"),
        rewards="the share of the skills the mentee wants that the mentor offers",
    ),
    ListOverlap(
        "goals",
        "goals",
        "The mentee's goals",
        "Goals and focus areas in common",
        ("goals",),
        rewards="the share of the mentee's goals the mentor lists among theirs",
    ),
    Seniority(
        "seniority", "seniority", "Seniority", "Seniority gap within the range below", ("level",)
    ),
    Department(
        "department",
        "department",
        "Department",
        "Department same or different (below)",
        ("department",),
    ),
    TimeZone(
        "timezone", "time zone", "Time zone", "Time zones close enough to meet", ("timezone",)
    ),
    SharedItem(
        "language",
        "language",
        "Language",
        "A shared language",
        ("languages",),
        rewards="full when they share a language",
    ),
    Preferences(
        "preferences",
        "mentee's preference",
        "The mentee's own preferences",
        "The mentee's own ranked choices (the mentee directs the learning)",
        ("preferences",),
    ),
)
"""The criteria a design weighs, in the order of ``design.matching.weights``."""


def built_in(key: str) -> Criterion:
    """The built-in criterion with this key.

    Raises:
        KeyError: no such criterion (a bug: keys are the weights' field names).
    """
    for criterion in BUILT_IN:
        if criterion.key == key:
            return criterion
    raise KeyError(key)


def every(matching: Matching) -> list[Criterion]:
    """The built-in criteria, then one per extra roster column of the design."""
    extras = [RosterColumn.of(c, e.mode, e.weight) for c, e in matching.extra_criteria.items()]
    return [*BUILT_IN, *extras]


def active(matching: Matching) -> list[Criterion]:
    """The criteria these settings switch on (weight above 0), in order."""
    return [c for c in every(matching) if c.weight(matching) > 0]


def label(key: str) -> str:
    """A criterion's name in a sentence, from its key (an extra column: the column)."""
    if key.startswith(RosterColumn.PREFIX):
        return key.removeprefix(RosterColumn.PREFIX)
    return built_in(key).label
