"""Design step 3: the mentoring model, who takes part, roles and the confidentiality boundary.

Like every step (see :mod:`workbook.steps.purpose`), three plain functions over a typed record
of what the step edits:

* :class:`ModelInputs` holds the four parts of a design this step decides (``model``,
  ``participation``, ``roles``, ``confidentiality``), with the design's own field paths,
  so a problem, a rule finding and a widget all name a value the same way
  (``model.duration_months``);
* :func:`inputs_from` reads them out of a design;
* :func:`apply` writes them into a design and touches nothing else.

:func:`suggest` fills empty fields with sourced defaults from the knowledge base (only
when the designer asks), :func:`zachary_milestones` scales Lois Zachary's four phases
to a duration, and :func:`advice` adds what the rules do not cover (group size, mentor
places, milestones after the end).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from workbook import knowledge
from workbook.design import (
    Confidentiality,
    Design,
    MentoringModel,
    Milestone,
    Participation,
    Roles,
    revalidate,
    validate_input,
)

GROUP_FORMATS = ("group", "team")
"""Formats whose groups have a size (``model.group_size``)."""


def _blank_is_undecided(value: Any) -> Any:
    """What people type: an empty box is *not decided yet*, not an error."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


class ModelFields(MentoringModel):
    """``model`` as typed into the step: the design's fields, blanks read as undecided."""

    _blank = field_validator(
        "format",
        "intake",
        "start_date",
        "duration_months",
        "cadence",
        "meeting_mode",
        "meeting_minutes",
        "group_size",
        mode="before",
    )(_blank_is_undecided)


class ParticipationFields(Participation):
    """``participation`` as typed into the step: blanks read as undecided."""

    _blank = field_validator(
        "voluntary",
        "both_roles_allowed",
        "expected_mentees",
        "expected_mentors",
        "mentor_capacity",
        mode="before",
    )(_blank_is_undecided)


class ModelInputs(BaseModel):
    """Everything step 3 decides."""

    model_config = ConfigDict(extra="forbid")

    model: ModelFields = Field(default_factory=ModelFields)
    participation: ParticipationFields = Field(default_factory=ParticipationFields)
    roles: Roles = Field(default_factory=Roles)
    confidentiality: Confidentiality = Field(default_factory=Confidentiality)


def make_inputs(**values: Any) -> ModelInputs:
    """Validate raw values (from widgets or parameters) into :class:`ModelInputs`.

    ``values`` has the design's shape: ``model={"duration_months": "12"}``,
    ``participation={...}``, ``roles={...}``, ``confidentiality={...}``.

    Raises:
        InputError: one problem per bad field, e.g. ``model.duration_months: must be a
            whole number``.
    """
    return validate_input(ModelInputs, values)


def inputs_from(design: Design) -> ModelInputs:
    """What step 3 shows for an existing design."""
    return ModelInputs(
        model=ModelFields(**design.model.model_dump()),
        participation=ParticipationFields(**design.participation.model_dump()),
        roles=design.roles.model_copy(),
        confidentiality=design.confidentiality.model_copy(),
    )


def apply(design: Design, inputs: ModelInputs) -> Design:
    """Write step 3's decisions into ``design`` and return the new design.

    Raises:
        InputError: the result is not a valid design (one problem per field).
    """
    return revalidate(
        design.model_copy(
            update={
                "model": MentoringModel(**inputs.model.model_dump()),
                "participation": Participation(**inputs.participation.model_dump()),
                "roles": Roles(**inputs.roles.model_dump()),
                "confidentiality": Confidentiality(**inputs.confidentiality.model_dump()),
            }
        )
    )


# --------------------------------------------------------------------------- defaults


@dataclass(frozen=True)
class Filled:
    """One default that :func:`suggest` filled in, with why and where it comes from."""

    field: str
    title: str
    source: str


def zachary_milestones(duration_months: int | None) -> list[Milestone]:
    """Zachary's four phases (``milestones.yaml``) scaled to a duration, in half months.

    Without a duration the default one (``model_defaults.yaml``) is used.
    """
    months = duration_months or _default("model.duration_months")
    return [
        Milestone(
            name=phase.title,
            month=math.floor(phase.extra("month_of_12") * months / 12 * 2 + 0.5) / 2,
            description=" ".join(phase.description.split()),
        )
        for phase in knowledge.catalogue("milestones")
    ]


def _default(path: str) -> Any:
    found = knowledge.entry("model_defaults", path)
    if found is None:  # pragma: no cover - a bug in the data, caught by the tests
        raise KeyError(path)
    return found.extra("value")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def suggest(inputs: ModelInputs) -> tuple[ModelInputs, list[Filled]]:
    """``inputs`` with sourced defaults in every empty field, and what was filled.

    A decided value is never replaced, ``False`` included. Defaults come from
    ``model_defaults.yaml``, milestones from Zachary's phases scaled to the duration
    (the decided one, or the default), responsibilities from ``roles.yaml``.
    """
    data = inputs.model_dump()
    filled: list[Filled] = []
    for entry in knowledge.catalogue("model_defaults"):
        part, name = entry.key.split(".")
        if _empty(data[part][name]):
            value = entry.extra("value")
            data[part][name] = " ".join(value.split()) if isinstance(value, str) else value
            filled.append(Filled(entry.key, entry.title, entry.source))
    if not data["model"]["milestones"]:
        data["model"]["milestones"] = [
            m.model_dump() for m in zachary_milestones(data["model"]["duration_months"])
        ]
        phases = knowledge.catalogue("milestones")
        filled.append(Filled("model.milestones", "Zachary's four phases", phases[0].source))
    for role in knowledge.catalogue("roles"):
        if not data["roles"][role.key]:
            data["roles"][role.key] = list(role.extra("responsibilities"))
            first = data["roles"][role.key][0] if data["roles"][role.key] else ""
            filled.append(
                Filled(
                    f"roles.{role.key}",
                    f"{len(data['roles'][role.key])} lines, from “{first}”",
                    role.source,
                )
            )
        if role.key == "steering_group" and not data["roles"]["steering_group_members"]:
            data["roles"]["steering_group_members"] = list(role.extra("members"))
            members = data["roles"]["steering_group_members"]
            filled.append(Filled("roles.steering_group_members", "; ".join(members), role.source))
    return make_inputs(**data), filled


# --------------------------------------------------------------------------- advice


@dataclass(frozen=True)
class Advice:
    """A note the step shows next to a field; not a rule finding.

    Attributes:
        field: the design path it belongs to (``model.group_size``).
        message: what the designer should know.
        source: where it comes from.
    """

    field: str
    message: str
    source: str


def advice(design: Design) -> list[Advice]:
    """What the designer should know about the model beyond the rules' warnings."""
    notes = []
    model, people = design.model, design.participation
    if model.format in GROUP_FORMATS and model.group_size is None:
        notes.append(
            Advice(
                "model.group_size",
                f"a {model.format} model needs a group size (mentees per group)",
                "models.yaml",
            )
        )
    if model.group_size is not None and model.format not in GROUP_FORMATS:
        notes.append(
            Advice(
                "model.group_size",
                "the group size is used only by the group and team formats",
                "models.yaml",
            )
        )
    if model.duration_months is not None:
        for i, milestone in enumerate(model.milestones):
            if milestone.month > model.duration_months:
                notes.append(
                    Advice(
                        f"model.milestones.{i}.month",
                        f"milestone '{milestone.name}' is at month {milestone.month:g}, after "
                        f"the relationships end (month {model.duration_months})",
                        "Lois Zachary, The Mentor's Guide (closure is planned)",
                    )
                )
    boundary = design.confidentiality
    decided = (
        boundary.manager_hears_goals,
        boundary.manager_receives_progress,
        boundary.manager_directs_learning,
        boundary.feeds_performance_review,
    )
    if not boundary.statement and any(value is not None for value in decided):
        notes.append(
            Advice(
                "confidentiality.statement",
                "the charter states the confidentiality boundary in words: write what stays "
                "in the relationship and what the mentee's manager may hear",
                "000, 001 (rule R2)",
            )
        )
    mentees, mentors, capacity = (
        people.expected_mentees,
        people.expected_mentors,
        people.mentor_capacity,
    )
    if mentees is not None and mentors is not None and capacity is not None:
        places = mentors * capacity
        if model.format in GROUP_FORMATS and model.group_size:
            places *= model.group_size
        if places < mentees:
            notes.append(
                Advice(
                    "participation.expected_mentees",
                    f"{mentors} mentor(s) with room for {capacity} each give {places} "
                    f"place(s) for {mentees} expected mentees; recruit more mentors or "
                    "plan a smaller intake rather than overload mentors",
                    "003 (mentors are hard to attract); workbook guidance",
                )
            )
    return notes


def format_hint(design: Design) -> list[tuple[str, list[str]]]:
    """The formats that suit the design's purposes (``suits`` in ``models.yaml``), best
    first: each with the titles of the purposes it suits. Earlier answers shape the step."""
    keys = [p.key for p in design.purposes]
    ranked = []
    for entry in knowledge.catalogue("models"):
        suits = [k for k in keys if k in entry.extra("suits")]
        if suits:
            ranked.append((entry.key, [_title(design, k) for k in suits]))
    ranked.sort(key=lambda item: -len(item[1]))
    return ranked


def _title(design: Design, key: str) -> str:
    found = design.purpose(key)
    if found is not None and found.title:
        return found.title
    return knowledge.title("purposes", key)
