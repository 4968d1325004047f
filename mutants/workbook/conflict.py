"""Field by field, what two people's versions of one step say, and a version made of
each person's choice per field.

When a save is refused because someone else saved the same step
(:class:`workbook.store.Conflict`), "all theirs" or "all mine" is rarely what a person
wants: Sam changed the sponsor, Alex the problem statement, and both edits should stay.
This module compares the version the edit started from (*base*), the form (*mine*) and
the file now (*theirs*) one input field at a time, proposes for each field the side
that changed it (mine when both did), and builds the merged inputs. It knows nothing of
widgets: the conflict panel (:mod:`workbook.ui.conflict`) shows the choices, and the
step saves the result as any other save, conflict-checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from workbook.design import validate_input

M = TypeVar("M", bound=BaseModel)

Side = Literal["theirs", "mine"]

EMPTY = "(empty)"
LONGEST = 160
"""Characters of a value shown in the panel; a long paragraph ends in an ellipsis."""


@dataclass(frozen=True)
class FieldChoice:
    """One input field on which the two versions differ.

    Attributes:
        field: the input field's name (``sponsor``, ``objectives``).
        theirs: its value in the file now, as JSON data.
        mine: its value in the form.
        base: its value in the version the edit started from.
    """

    field: str
    theirs: Any
    mine: Any
    base: Any

    @property
    def both_changed(self) -> bool:
        """Both people changed this field since the version the edit started from."""
        return bool(self.mine != self.base and self.theirs != self.base)

    @property
    def proposed(self) -> Side:
        """The side that changed the field: theirs when only they did, else mine (a
        person's own edit is never dropped without their say)."""
        return "theirs" if self.mine == self.base else "mine"


def differences(base: M, mine: M, theirs: M) -> list[FieldChoice]:
    """The fields, in the model's order, where ``mine`` and ``theirs`` differ."""
    b, m, t = (x.model_dump(mode="json") for x in (base, mine, theirs))
    return [
        FieldChoice(name, t.get(name), m.get(name), b.get(name))
        for name in type(mine).model_fields
        if m.get(name) != t.get(name)
    ]


def merge(mine: M, theirs: M, take_theirs: Iterable[str]) -> M:
    """``mine`` with the fields named in ``take_theirs`` taken from ``theirs``.

    Raises:
        InputError: the combination does not fit the model (never expected: each field
            is a value one of the two versions held).
    """
    values = mine.model_dump(mode="json")
    theirs_values = theirs.model_dump(mode="json")
    for name in take_theirs:
        values[name] = theirs_values.get(name)
    return validate_input(type(mine), values)


def shown(value: Any) -> str:
    """A value in plain words for the panel: lists joined, yes/no, ``(empty)``, long
    text cut short."""
    text = _words(value)
    return text if len(text) <= LONGEST else text[: LONGEST - 1].rstrip() + "…"


def _words(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(_words(v) for v in value)
    if isinstance(value, dict):
        return (
            ", ".join(
                f"{str(k).replace('_', ' ')}: {_words(v)}"
                for k, v in value.items()
                if v not in (None, "", [], {})
            )
            or EMPTY
        )
    return str(value)
