"""Design step 5: the matching criteria and constraints, as the matching step decides them.

What the matching step of the workbook decides (:class:`MatchingInputs`), how it is read
from and written to a design (:func:`inputs_from`, :func:`apply`) and what the current
settings do (:func:`effect`). Running a match on a roster is :mod:`workbook.matching`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field, field_validator, model_validator

from workbook import knowledge
from workbook.design import (
    Design,
    ExtraCriterion,
    Matching,
    MatchingPlan,
    revalidate,
    validate_input,
)
from workbook.matching import criteria


class MatchingInputs(MatchingPlan):
    """Everything the matching step decides: the plan (method, the mentee's say, criteria,
    constraints, objective, review, rematching) and the mentors' default capacity.

    The roster, the review file and the results of a run are not here: roster data
    never goes into the design (privacy), and results are stored as aggregates only.
    Extra criteria and the column map also accept the short text forms
    (:func:`parse_extra`, :func:`parse_column_map`).
    """

    mentor_capacity: int | None = Field(default=None, ge=0, le=50)
    """Mentees per mentor by default (``participation.mentor_capacity``)."""

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
    return MatchingInputs(
        **design.matching.model_dump(exclude={"results"}),
        mentor_capacity=design.participation.mentor_capacity,
    )


def apply(design: Design, inputs: MatchingInputs) -> Design:
    """Write the step's decisions into ``design``; nothing else changes (a run's
    aggregates, kept in ``matching.results``, included).

    Raises:
        InputError: the result is not a valid design.
    """
    plan = {name: getattr(inputs, name) for name in MatchingPlan.model_fields}
    matching = design.matching.model_copy(update=plan)
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


# --------------------------------------------------------------------------- suggestions

_AS_OFFERED = {"algorithm": " (this step)", "none": " (a rule warns)"}

METHODS = tuple(
    (e.title + _AS_OFFERED.get(e.key, ""), e.key) for e in knowledge.catalogue("match_methods")
)
"""How matches are made, as the step offers it (``knowledge/match_methods.yaml``)."""
MENTEE_SAYS = tuple(
    (e.title + _AS_OFFERED.get(e.key, ""), e.key) for e in knowledge.catalogue("mentee_says")
)
"""The mentee's say in who mentors them (``knowledge/mentee_says.yaml``)."""


@dataclass(frozen=True)
class Suggested:
    """One empty decision :func:`suggest` filled, and where the suggestion comes from."""

    field: str
    title: str
    source: str


def _first_sentence(text: str) -> str:
    sentence = " ".join(text.split()).split(". ")[0].rstrip(".")
    return sentence[:1].lower() + sentence[1:] if sentence else ""


def suggest(
    design: Design, inputs: MatchingInputs, *, pins_used: bool = False
) -> tuple[MatchingInputs, list[Suggested]]:
    """``inputs`` with the decisions the design already implies filled in where they
    are empty, and what was filled with where it comes from. A decision made is never
    replaced.

    Args:
        design: the design the step works on (the rest of the program).
        pins_used: the coordinator has pinned or forbidden pairs in the review file.
    """
    values = inputs.model_dump()
    filled: list[Suggested] = []
    if values["method"] is None:
        if design.matching.results is not None:
            values["method"] = "algorithm"
            filled.append(Suggested("method", "An algorithm proposes the matches",
                                    "a matching run is recorded in the design"))  # fmt: skip
        elif values["mentee_say"] == "choice":
            values["method"] = "mentee_choice"
            filled.append(Suggested("method", "Mentees choose their mentor",
                                    "the mentee's say: they choose freely"))  # fmt: skip
        else:
            values["method"] = "algorithm"
            filled.append(Suggested("method", "An algorithm proposes the matches",
                                    "the criteria set in this step"))  # fmt: skip
    if values["mentee_say"] is None:
        if inputs.weights.preferences > 0:
            say, why = "preferences", "the mentees' preferences weigh in the score"
        else:
            say = "shortlist" if values["method"] == "algorithm" else "choice"
            why = "rule R5: the mentee drives the learning"
        values["mentee_say"] = say
        titles = {key: title for title, key in MENTEE_SAYS}
        filled.append(Suggested("mentee_say", titles[say], why))
    if not values["review"].strip():
        who, source = "The coordinator", "the coordinator's role"
        if design.roles.steering_group:
            who, source = "The steering group", "the steering group's role"
        text = (
            f"{who} reviews the proposed matches before they are announced, checks them "
            "against the program's rules, and may keep a pair or rule one out; the matching "
            "is then run again."
        )
        if pins_used:
            text += " Kept and ruled-out pairs are recorded in the review file."
            source += " and the pairs the coordinator pinned or forbade"
        values["review"] = text
        filled.append(Suggested("review", "Review before matches are announced", source))
    if not values["rematching"].strip():
        parts, sources = [], []
        exit_policy = _first_sentence(design.policies.no_fault_exit)
        if exit_policy:
            parts.append(f"Either side may end a match without blame ({exit_policy})")
            sources.append("the no-fault-exit policy")
        else:
            parts.append("Either side may end a match without blame")
        parts.append(
            "the coordinator then proposes a new mentor from those with room, never the "
            "one the match ended with"
        )
        closure = _first_sentence(design.components.closure.plan)
        if closure:
            parts.append(f"the ended match closes as the closure plan says ({closure})")
            sources.append("the closure plan")
        values["rematching"] = "; ".join(parts) + "."
        filled.append(Suggested("rematching", "Rematching",
                                " and ".join(sources) or "MENTOR's closure standard"))  # fmt: skip
    return make_inputs(**values), filled
