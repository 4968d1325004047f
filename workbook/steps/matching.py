"""Design step 5: the matching criteria and constraints, as the matching step decides them.

What the matching step of the workbook decides (:class:`MatchingInputs`), how it is read
from and written to a design (:func:`inputs_from`, :func:`apply`) and what the current
settings do (:func:`effect`). Running a match on a roster is :mod:`workbook.matching`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbook.design import (
    Design,
    ExtraCriterion,
    Matching,
    MatchObjective,
    SameOrDifferent,
    Weights,
    revalidate,
    validate_input,
)
from workbook.matching import criteria


class MatchingInputs(BaseModel):
    """Everything the matching step decides (criteria, constraints, objective, capacity).

    The roster, the review file and the results of a run are not here: roster data
    never goes into the design (privacy), and results are stored as aggregates only.
    """

    model_config = ConfigDict(extra="forbid")

    objective: MatchObjective = "coverage"
    weights: Weights = Field(default_factory=Weights)
    department: SameOrDifferent = "either"
    seniority_min_gap: int | None = 1
    seniority_max_gap: int | None = None
    max_timezone_hours: float | None = Field(default=None, ge=0, le=24)
    reporting_line_depth: int | None = Field(default=None, ge=1)
    min_score: float = Field(default=0.0, ge=0, le=100)
    avoid_repeat_pairs: bool = False
    mentor_capacity: int | None = Field(default=None, ge=0, le=50)
    extra_criteria: dict[str, ExtraCriterion] = Field(default_factory=dict)
    """Roster column -> same/different and weight."""
    column_map: dict[str, str] = Field(default_factory=dict)
    """The roster's column name -> canonical name."""

    @field_validator("extra_criteria", mode="before")
    @classmethod
    def _parse_extra(cls, value: Any) -> Any:
        return parse_extra(value) if isinstance(value, str) else value

    @field_validator("column_map", mode="before")
    @classmethod
    def _parse_map(cls, value: Any) -> Any:
        return parse_column_map(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _gap_range(self) -> MatchingInputs:
        lo, hi = self.seniority_min_gap, self.seniority_max_gap
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(
                f"the seniority gap range is empty ({lo} to {hi}); make the maximum at least "
                "the minimum"
            )
        return self


def parse_extra(text: str) -> dict[str, dict[str, Any]]:
    """``"site: same; team: different 0.5"`` -> column -> {mode, weight} (weight 1 if left out).

    Raises:
        ValueError: an item is not ``column: same|different [weight]``.
    """
    out: dict[str, dict[str, Any]] = {}
    for item in (x.strip() for x in text.split(";")):
        if not item:
            continue
        column, _, rest = item.partition(":")
        words = rest.split()
        if not column.strip() or not words or words[0] not in ("same", "different"):
            raise ValueError(
                f"{item} must read 'column: same' or 'column: different 0.5' (items separated by ;)"
            )
        try:
            weight = float(words[1]) if len(words) > 1 else 1.0
        except ValueError:
            raise ValueError(f"{item}: the weight must be a number") from None
        out[column.strip()] = {"mode": words[0], "weight": weight}
    return out


def format_extra(extra: dict[str, ExtraCriterion]) -> str:
    """The text :func:`parse_extra` reads back."""
    return "; ".join(f"{c}: {e.mode} {e.weight:g}" for c, e in extra.items())


def parse_column_map(text: str) -> dict[str, str]:
    """``"Employee No = id; Dept = department"`` -> roster column -> canonical column.

    Raises:
        ValueError: an item is not ``roster column = canonical column``.
    """
    out = {}
    for item in (x.strip() for x in text.split(";")):
        if not item:
            continue
        source, sep, target = item.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValueError(
                f"{item} must read 'your column = roster column' (items separated by ;)"
            )
        out[source.strip()] = target.strip()
    return out


def format_column_map(column_map: dict[str, str]) -> str:
    """The text :func:`parse_column_map` reads back."""
    return "; ".join(f"{k} = {v}" for k, v in column_map.items())


def make_inputs(**values: Any) -> MatchingInputs:
    """Validate raw values (widgets or notebook parameters) into :class:`MatchingInputs`.

    Raises:
        InputError: one problem per bad field (``weights.skills: is too small``).
    """
    return validate_input(MatchingInputs, values)


def inputs_from(design: Design) -> MatchingInputs:
    """What the matching step shows for an existing design."""
    m = design.matching
    return MatchingInputs(
        objective=m.objective,
        weights=m.weights,
        department=m.department,
        seniority_min_gap=m.seniority_min_gap,
        seniority_max_gap=m.seniority_max_gap,
        max_timezone_hours=m.max_timezone_hours,
        reporting_line_depth=m.reporting_line_depth,
        min_score=m.min_score,
        avoid_repeat_pairs=m.avoid_repeat_pairs,
        mentor_capacity=design.participation.mentor_capacity,
        extra_criteria=m.extra_criteria,
        column_map=m.column_map,
    )


def apply(design: Design, inputs: MatchingInputs) -> Design:
    """Write the step's decisions into ``design``; nothing else changes.

    Raises:
        InputError: the result is not a valid design.
    """
    values = inputs.model_dump(exclude={"mentor_capacity", "weights", "extra_criteria"})
    matching = design.matching.model_copy(
        update={**values, "weights": inputs.weights, "extra_criteria": inputs.extra_criteria}
    )
    participation = design.participation.model_copy(
        update={"mentor_capacity": inputs.mentor_capacity}
    )
    return revalidate(
        design.model_copy(update={"matching": matching, "participation": participation})
    )


def effect(inputs: MatchingInputs, fmt: str | None = None) -> list[str]:
    """Plain sentences saying what the current settings do, for the step to show."""
    matching = Matching.model_validate(inputs.model_dump(exclude={"mentor_capacity"}))
    chosen = criteria.active(matching)
    total = sum(c.weight(matching) for c in chosen)
    if total <= 0:
        return ["Every criterion has weight 0: give at least skills a weight to match."]
    built_in = sorted(
        (c for c in chosen if not isinstance(c, criteria.RosterColumn)),
        key=lambda c: -c.weight(matching),
    )
    extras = [c for c in chosen if isinstance(c, criteria.RosterColumn)]
    lines = [
        f"{c.subject} is {100 * c.weight(matching) / total:.0f}% of a score: "
        f"{c.effect(matching, fmt)}."
        for c in [*built_in, *extras]
    ]
    lines.append(
        {
            "coverage": "Objective coverage: as many mentees matched as possible, then the "
            "best total score.",
            "quality": "Objective quality: the best total score, even if a mentee with only "
            "weak options is left unmatched.",
            "fairness": "Objective fairness: as many matched as coverage, then the lowest "
            "match score as high as possible, then the total.",
        }[inputs.objective]
    )
    depth = inputs.reporting_line_depth
    lines.append(
        "Never matched with anyone above them in the reporting line (rule R1), nor with "
        "someone who reports to them (R3)."
        if depth is None
        else f"Never matched with anyone up to {depth} level(s) above them in the reporting "
        "line (R1), nor with someone that many levels below (R3)."
    )
    if inputs.min_score > 0:
        lines.append(f"A pair scoring under {inputs.min_score:g} of 100 is never proposed.")
    if fmt == "reverse":
        lines.append("Reverse mentoring: the seniority gap counts mentee above mentor (R9).")
    elif fmt == "peer":
        lines.append("Peer mentoring: the seniority criterion rewards the same level.")
    return lines
