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
    meets_at: ClassVar[float] = 1.0
    """The value a pair needs on it when it is a must-have: full (1) for a yes-or-no
    criterion; a list overlap needs only something in common (see :class:`ListOverlap`)."""

    def weight(self, matching: Matching) -> float:
        """Its weight in these settings (0: switched off)."""
        return float(getattr(matching.weights, self.key))

    def required(self, matching: Matching) -> bool:
        """Whether these settings make it a must-have: a pair failing it is not allowed."""
        return self.key in matching.must_have

    @abstractmethod
    def must(self, matching: Matching, fmt: str | None) -> tuple[str, str]:
        """As a must-have: what a pair needs, and what a mentor who fails it is.

        The first completes "the mentor ..." ("offers at least one skill the mentee
        wants"), for the step, the charter and the summary; the second completes
        "every mentor who fits ..." for a mentee's explanation ("offers none of the
        skills they want").
        """

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
    needs_one: str = ""
    """As a must-have: "offers at least one skill the mentee wants"."""
    has_none: str = ""
    """Failing it: "offers none of the skills they want"."""
    meets_at: ClassVar[float] = 1e-9
    """One item in common is enough: a must-have of "every skill" would leave most
    mentees without a mentor."""

    def effect(self, matching: Matching, fmt: str | None) -> str:
        return self.rewards

    def must(self, matching: Matching, fmt: str | None) -> tuple[str, str]:
        return self.needs_one, self.has_none

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        # The mentee's column, then the mentor's (one column: both sides fill it).
        return scoring.Overlap(pools, self.columns[0], self.columns[-1])


@dataclass(frozen=True)
class SharedItem(ListOverlap):
    """Full when the two lists share any item (a language)."""

    meets_at: ClassVar[float] = 1.0

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        return scoring.AnyShared(pools, self.columns[0], self.columns[-1])


@dataclass(frozen=True)
class Seniority(Criterion):
    @staticmethod
    def _span(matching: Matching) -> str:
        lo, hi = matching.seniority_min_gap, matching.seniority_max_gap
        if lo is None and hi is None:
            return "any number of levels"
        if hi is None:
            return f"at least {lo} level(s)"
        if lo is None:
            return f"at most {hi} level(s)"
        return f"{lo} to {hi} level(s)"

    def effect(self, matching: Matching, fmt: str | None) -> str:
        if fmt == "peer":
            return "full at the same level, half one level apart"
        who = "the mentee is above the mentor" if fmt == "reverse" else "the mentor is above"
        return f"full when {who} by {self._span(matching)}, half one level off"

    def must(self, matching: Matching, fmt: str | None) -> tuple[str, str]:
        if fmt == "peer":
            return "is at the mentee's level", "is at another level"
        where = "below" if fmt == "reverse" else "above"
        return (
            f"is {self._span(matching)} {where} the mentee",
            "is outside the wanted seniority gap",
        )

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

    def must(self, matching: Matching, fmt: str | None) -> tuple[str, str]:
        if matching.department == "different":
            return "works in another department", "works in their department"
        return "works in the same department", "works in another department"

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        return scoring.SameOrDifferent(pools, "department", pools.settings.matching.department)


@dataclass(frozen=True)
class TimeZone(Criterion):
    def effect(self, matching: Matching, fmt: str | None) -> str:
        if matching.max_timezone_hours is not None:
            return f"full when at most {matching.max_timezone_hours:g} hours apart, else 0"
        return "falls by 1/12 for every hour apart"

    def must(self, matching: Matching, fmt: str | None) -> tuple[str, str]:
        hours = matching.max_timezone_hours
        return (
            f"is at most {hours:g} hours away in time zone",
            f"is more than {hours:g} hours away",
        )

    def prepare(self, pools: Pools) -> Feature:
        from workbook.matching import scoring  # numpy and pandas: only when matching

        return scoring.HoursApart(pools)


@dataclass(frozen=True)
class Preferences(Criterion):
    def effect(self, matching: Matching, fmt: str | None) -> str:
        return "1 for the mentee's first choice, less for later choices, 0 if not listed"

    meets_at: ClassVar[float] = 1e-9

    def must(self, matching: Matching, fmt: str | None) -> tuple[str, str]:
        return "is one of the mentee's choices", "is not one of their choices"

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
    must_have: bool = False
    PREFIX: ClassVar[str] = "extra:"

    @classmethod
    def of(cls, column: str, mode: str, weight: float, must_have: bool = False) -> RosterColumn:
        return cls(
            key=f"{cls.PREFIX}{column}",
            label=column,
            title=f"Roster column '{column}' ({mode} value)",
            help=f"The roster's column {column}: the {mode} value",
            columns=(column,),
            mode=mode,
            weighted=weight,
            must_have=must_have,
        )

    def weight(self, matching: Matching) -> float:
        return self.weighted

    def required(self, matching: Matching) -> bool:
        return self.must_have

    def must(self, matching: Matching, fmt: str | None) -> tuple[str, str]:
        if self.mode == "same":
            return f"has the same {self.label}", f"has another {self.label}"
        return f"has a different {self.label}", f"has the same {self.label}"

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
        needs_one="offers at least one skill the mentee wants",
        has_none="offers none of the skills they want",
    ),
    ListOverlap(
        "goals",
        "goals",
        "The mentee's goals",
        "Goals and focus areas in common",
        ("goals",),
        rewards="the share of the mentee's goals the mentor lists among theirs",
        needs_one="shares at least one of the mentee's goals",
        has_none="shares none of their goals",
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
        needs_one="shares a language with the mentee",
        has_none="shares no language with them",
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
    extras = [
        RosterColumn.of(c, e.mode, e.weight, e.must_have)
        for c, e in matching.extra_criteria.items()
    ]
    return [*BUILT_IN, *extras]


def active(matching: Matching) -> list[Criterion]:
    """The criteria these settings switch on (weight above 0), in order."""
    return [c for c in every(matching) if c.weight(matching) > 0]


def required(matching: Matching) -> list[Criterion]:
    """The must-haves of these settings, in order (weighted or not)."""
    return [c for c in every(matching) if c.required(matching)]


def used(matching: Matching) -> list[Criterion]:
    """Every criterion a run reads: weighted or a must-have (the roster needs their
    columns)."""
    return [c for c in every(matching) if c.weight(matching) > 0 or c.required(matching)]


def must_have_words(matching: Matching, fmt: str | None) -> list[str]:
    """Each must-have as a sentence: "The mentor offers at least one skill the mentee
    wants." (the step, the charter and the summary say them alike)."""
    return [f"The mentor {c.must(matching, fmt)[0]}." for c in required(matching)]


def label(key: str) -> str:
    """A criterion's name in a sentence, from its key (an extra column: the column)."""
    if key.startswith(RosterColumn.PREFIX):
        return key.removeprefix(RosterColumn.PREFIX)
    return built_in(key).label
