"""Design step 1: the program, its strategic purposes and their measurable objectives.

A step is three plain functions over a typed record of what the step edits:

* :class:`PurposeInputs` holds exactly the values the step's widgets (or the
  notebook's papermill parameters) can set, validated when created;
* :func:`inputs_from` reads them out of a design, so a step opened on an existing
  design shows what is there;
* :func:`apply` writes them into a design and touches nothing else, so a step never
  loses what another step (or a hand edit) put in the file.

The widgets in :mod:`workbook.ui.purpose` and a headless papermill run both go through
:func:`apply`; that is the "one code path" the tests compare.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from workbook import knowledge
from workbook.design import (
    Design,
    Objective,
    Purpose,
    revalidate,
    validate_input,
)
from workbook.errors import InputError, Problem


class ObjectiveInput(Objective):
    """One row of the objectives table: an objective, and which purpose it measures."""

    purpose: str = Field(min_length=1)
    """A purpose key (``retention``) or the title of a written-in purpose."""

    @field_validator("baseline", "target", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        """Accept what people type: blank is undecided, ``78%`` and ``1,200`` are numbers."""
        if isinstance(value, str):
            text = value.strip().removesuffix("%").replace(",", "").strip()
            return None if text == "" else text
        return value


class PurposeInputs(BaseModel):
    """Everything step 1 decides."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = ""
    organisation: str = ""
    sponsor: str = ""
    owner: str = ""
    problem_statement: str = ""
    purposes: list[str] = Field(default_factory=list)
    """Catalogue keys, or titles of purposes the designer writes in."""
    objectives: list[ObjectiveInput] = Field(default_factory=list)


def slug(text: str) -> str:
    """A stable key for a written-in purpose: ``"Grow our guild!"`` -> ``grow-our-guild``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "purpose"


def make_inputs(**values: Any) -> PurposeInputs:
    """Validate raw values (from widgets or parameters) into :class:`PurposeInputs`.

    Raises:
        InputError: one problem per bad field, e.g. ``objectives.0.target: must be a
            number``, so the widget can show each next to its field.
    """
    return validate_input(PurposeInputs, values)


def inputs_from(design: Design) -> PurposeInputs:
    """What step 1 shows for an existing design."""
    program = design.program
    return PurposeInputs(
        name=program.name,
        organisation=program.organisation,
        sponsor=program.sponsor,
        owner=program.owner,
        problem_statement=program.problem_statement,
        purposes=[_label(p) for p in design.purposes],
        objectives=[
            ObjectiveInput(purpose=_label(p), **o.model_dump()) for p, o in design.objectives()
        ],
    )


def _label(purpose: Purpose) -> str:
    """How a purpose appears in the step: its key if catalogued, else its title."""
    if knowledge.entry("purposes", purpose.key) is not None or not purpose.title:
        return purpose.key
    return purpose.title


def _resolve(label: str, existing: list[Purpose]) -> Purpose:
    """The purpose a label names: an existing one (by key or title), a catalogue
    entry, or a new written-in purpose with a slug key."""
    for purpose in existing:
        if label in (purpose.key, purpose.title):
            return purpose
    if knowledge.entry("purposes", label) is not None:
        return Purpose(key=label)
    return Purpose(key=slug(label), title=label)


def apply(design: Design, inputs: PurposeInputs) -> Design:
    """Write step 1's decisions into ``design`` and return the new design.

    Purposes keep their notes and titles; a purpose removed here is also unlinked from
    the focus areas that served it (the focus areas themselves are kept).

    Raises:
        InputError: an objective names a purpose that is not chosen.
    """
    chosen: list[Purpose] = []
    for label in dict.fromkeys(inputs.purposes):  # keep order, drop repeats
        purpose = _resolve(label, design.purposes)
        if all(p.key != purpose.key for p in chosen):
            chosen.append(purpose)
    labels = {label: _resolve(label, chosen).key for label in inputs.purposes}
    objectives: dict[str, list[Objective]] = {p.key: [] for p in chosen}
    problems = []
    for i, row in enumerate(inputs.objectives):
        key = labels.get(row.purpose)
        if key is None:
            problems.append(
                Problem(
                    f"measures the purpose {row.purpose!r}, which is not chosen",
                    "choose that purpose, or pick another purpose for this objective",
                    field=f"objectives.{i}.purpose",
                )
            )
            continue
        objectives[key].append(Objective(**row.model_dump(exclude={"purpose"})))
    if problems:
        raise InputError(problems)
    keys = set(objectives)
    focus_areas = [
        area.model_copy(update={"purposes": [k for k in area.purposes if k in keys]})
        for area in design.focus_areas
    ]
    program = design.program.model_copy(
        update=inputs.model_dump(
            include={"name", "organisation", "sponsor", "owner", "problem_statement"}
        )
    )
    return revalidate(
        design.model_copy(
            update={
                "program": program,
                "purposes": [
                    p.model_copy(update={"objectives": objectives[p.key]}) for p in chosen
                ],
                "focus_areas": focus_areas,
            }
        )
    )
