"""Design step 2: the focus areas of the relationship, linked to the purposes they serve.

Like every step (see :mod:`workbook.steps.purpose`), three plain functions over a typed record
of what the step edits:

* :class:`FocusAreasInputs` holds the focus areas the widgets (or papermill) set;
* :func:`inputs_from` reads them out of a design;
* :func:`apply` writes them into a design and touches nothing else.

Earlier answers shape this step: :func:`suggestions` names the catalogue focus areas
that serve the purposes chosen in step 1 (``serves`` in ``focus_areas.yaml``), and
:func:`advice` says when the chosen areas describe coaching rather than mentoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workbook import knowledge
from workbook.design import (
    Design,
    FocusArea,
    Priority,
    revalidate,
    validate_input,
)
from workbook.errors import InputError, Problem

SKILL_COACHING = "skill_coaching"
"""The catalogue key of skill coaching, which mentoring may include but not consist of."""

PRIORITIES: tuple[Priority, ...] = ("high", "medium", "low")


class FocusAreaInput(FocusArea):
    """One chosen focus area: a catalogue key (``career_development``) or the name of a
    written-in focus area, its priority, and the keys of the purposes it serves."""


class FocusAreasInputs(BaseModel):
    """Everything step 2 decides: the chosen focus areas, in the designer's order."""

    model_config = ConfigDict(extra="forbid")

    focus_areas: list[FocusAreaInput] = Field(default_factory=list)


def make_inputs(**values: Any) -> FocusAreasInputs:
    """Validate raw values (from widgets or parameters) into :class:`FocusAreasInputs`.

    Raises:
        InputError: one problem per bad field, e.g. ``focus_areas.0.priority: is not one
            of the allowed values``.
    """
    return validate_input(FocusAreasInputs, values)


def inputs_from(design: Design) -> FocusAreasInputs:
    """What step 2 shows for an existing design."""
    return FocusAreasInputs(
        focus_areas=[FocusAreaInput(**area.model_dump()) for area in design.focus_areas]
    )


def apply(design: Design, inputs: FocusAreasInputs) -> Design:
    """Write step 2's focus areas into ``design`` and return the new design.

    Raises:
        InputError: a focus area is listed twice, or serves a purpose the design does not
            have (choose the purpose in step 1 first).
    """
    purposes = {p.key: p for p in design.purposes}
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, area in enumerate(inputs.focus_areas):
        if area.key in seen:
            problems.append(
                Problem(
                    f"focus area {area.key!r} is listed twice",
                    "keep one entry per focus area",
                    field=f"focus_areas.{i}.key",
                )
            )
        seen.add(area.key)
        for key in area.purposes:
            if key not in purposes:
                problems.append(
                    Problem(
                        f"serves the purpose {key!r}, which is not one of the design's purposes",
                        "choose that purpose in step 1, or unlink it here "
                        f"(the design's purposes: {', '.join(purposes) or 'none yet'})",
                        field=f"focus_areas.{i}.purposes",
                    )
                )
    if problems:
        raise InputError(problems)
    return revalidate(
        design.model_copy(
            update={"focus_areas": [FocusArea(**a.model_dump()) for a in inputs.focus_areas]}
        )
    )


# --------------------------------------------------------------------------- suggestions


def serves(key: str) -> tuple[str, ...]:
    """The catalogue purposes a catalogue focus area usually serves (none if written in)."""
    found = knowledge.entry("focus_areas", key)
    return tuple(found.extra("serves")) if found else ()


def purposes_served(design: Design, key: str) -> list[str]:
    """The design's purposes (in design order) that focus area ``key`` usually serves."""
    usual = serves(key)
    return [p.key for p in design.purposes if p.key in usual]


def suggestions(design: Design) -> dict[str, list[str]]:
    """Catalogue focus area -> the design's purposes it serves, for every area serving one.

    This is how the purposes chosen in step 1 shape step 2: the widgets mark these areas
    as suggested and the "Suggest focus areas" button includes them.
    """
    found = {}
    for entry in knowledge.focus_areas():
        served = purposes_served(design, entry.key)
        if served:
            found[entry.key] = served
    return found


def suggest(design: Design, inputs: FocusAreasInputs) -> FocusAreasInputs:
    """``inputs`` with the suggested focus areas added and unlinked areas linked.

    Only what is empty is filled: an area already chosen keeps its priority and note,
    and its purposes when it has any; nothing is removed. Skill coaching is never added
    by a suggestion (it is one strategy inside mentoring, chosen on purpose).
    """
    areas = [a.model_copy() for a in inputs.focus_areas]
    chosen = {a.key for a in areas}
    for area in areas:
        if not area.purposes:
            area.purposes = purposes_served(design, area.key)
    for key, served in suggestions(design).items():
        if key not in chosen and key != SKILL_COACHING:
            areas.append(FocusAreaInput(key=key, purposes=served))
    return FocusAreasInputs(focus_areas=areas)


# --------------------------------------------------------------------------- advice


@dataclass(frozen=True)
class Advice:
    """A note the step shows beside the rules' warnings; not a rule finding."""

    message: str
    source: str


def advice(design: Design) -> list[Advice]:
    """What the designer should know about the chosen focus areas.

    * Only skill coaching: that is a coaching program, not mentoring (002, 004).
    * Skill coaching ranked above every other area: mentoring may use coaching as one
      strategy, but the relationship is about more than one skill (002).
    * A chosen purpose no focus area serves: the relationships will not work on it.
    """
    notes = []
    keys = [a.key for a in design.focus_areas]
    if keys == [SKILL_COACHING]:
        notes.append(
            Advice(
                "Skill coaching is the only focus area: a program whose relationships only "
                "coach a skill is a coaching program. Add a mentoring focus (career, "
                "leadership, knowledge transfer, psychosocial support or networking), or "
                "run it as coaching",
                "002, 004",
            )
        )
    elif SKILL_COACHING in keys:
        rank = {p: i for i, p in enumerate(PRIORITIES)}
        coaching = next(a for a in design.focus_areas if a.key == SKILL_COACHING)
        others = [a for a in design.focus_areas if a.key != SKILL_COACHING]
        if all(rank[coaching.priority] < rank[a.priority] for a in others):
            notes.append(
                Advice(
                    "Skill coaching has a higher priority than every other focus area: "
                    "coaching is one strategy a mentor uses, not the point of mentoring; "
                    "consider a lower priority for it",
                    "002, 004",
                )
            )
    served = {p for a in design.focus_areas for p in a.purposes}
    if design.focus_areas:
        for p in design.purposes:
            if p.key not in served:
                title = p.title or knowledge.title("purposes", p.key)
                notes.append(
                    Advice(
                        f"No focus area serves the purpose '{title}'; link one to it so "
                        "the relationships work on it",
                        "001",
                    )
                )
    return notes
