"""The matching decisions the rest of a design already states.

A design often says how matching works before the matching step is filled in: a
recorded algorithm run is the method; a no-fault-exit policy that promises a new mentor
is the rematching rule; a matching plan in which the steering group reviews the pairs is
the review. The charter must not call such a decision "to be decided" while quoting the
sentence that decides it, so :func:`implied` finds them, each with the sentence and the
part of the design it comes from. A decision the matching step made always wins: these
only fill what it left empty. No numpy, no pandas: the charter and the readiness check
call this on every build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbook import knowledge
from workbook.design import Design

_REMATCH = re.compile(
    r"\bre-?match|\bnew (mentor|match|pair|partner)|\banother mentor|\bmatched again", re.I
)
_REVIEW = re.compile(r"\b(review|approve|check)", re.I)
_MATCHES = re.compile(r"\b(matches|pairs|pairings?)\b", re.I)


@dataclass(frozen=True)
class Implied:
    """A matching decision stated elsewhere in the design.

    Attributes:
        field: the matching plan's field (``method``, ``mentee_say``, ``review``,
            ``rematching``).
        value: the value the field would hold (a key, or the sentence).
        text: the decision in words, as the charter states it.
        source: the part of the design that states it, in words.
    """

    field: str
    value: str
    text: str
    source: str


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", " ".join(text.split("\n\n")))
    return [" ".join(p.split()) for p in parts if p.strip()]


def _first(texts: list[tuple[str, str]], *patterns: re.Pattern[str]) -> tuple[str, str] | None:
    """The first sentence matching every pattern, with where it was found."""
    for text, source in texts:
        for sentence in _sentences(text):
            if all(p.search(sentence) for p in patterns):
                return sentence, source
    return None


def implied(design: Design) -> dict[str, Implied]:
    """The matching plan's empty decisions that the rest of the design states, by field."""
    m = design.matching
    found: dict[str, Implied] = {}
    if m.method is None and m.results is not None:
        found["method"] = Implied(
            "method",
            "algorithm",
            knowledge.title("match_methods", "algorithm"),
            "the recorded matching run",
        )
    if m.mentee_say is None and m.weights.preferences > 0:
        found["mentee_say"] = Implied(
            "mentee_say",
            "preferences",
            knowledge.title("mentee_says", "preferences"),
            "the weight the matching gives the mentees' preferences",
        )
    roles = design.roles
    if not m.review.strip():
        hit = _first(
            [
                (design.components.matching_initiating.plan, "the matching and initiating plan"),
                ("\n".join(roles.steering_group), "the steering group's role"),
                ("\n".join(roles.coordinator), "the coordinator's role"),
            ],
            _REVIEW,
            _MATCHES,
        )
        if hit is not None:
            found["review"] = Implied("review", hit[0], hit[0], hit[1])
    if not m.rematching.strip():
        hit = _first(
            [
                (design.policies.no_fault_exit, "the no-fault-exit policy"),
                (design.components.closure.plan, "the closure plan"),
                (design.components.monitoring_support.plan, "the monitoring and support plan"),
                (design.components.matching_initiating.plan, "the matching and initiating plan"),
            ],
            _REMATCH,
        )
        if hit is not None:
            found["rematching"] = Implied("rematching", hit[0], hit[0], hit[1])
    return found
