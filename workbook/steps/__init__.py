"""The design steps: one registry, and the protocol every step's module follows.

The registry is ``workbook/knowledge/steps.yaml``: one :class:`StepSpec` per step, in the
order the design phase takes them. Everything that lists the steps derives the list
from :func:`specs`: the app's progress bar and its pages, ``workbook run`` and its
``--steps``, the rules (each finding names the step that shows it), the overview and the
charter's readiness checklist (each open decision names the step that decides it).

Each step's decisions live in its module here (``workbook.steps.purpose`` ...), which
follows :class:`StepModule`: an inputs model validated when created (``make_inputs``),
read out of a design (``inputs_from``) and written into one (``apply``), touching only
the fields the step owns. The widgets in ``workbook.ui`` and a headless papermill run
both go through ``apply``: that is the one code path.

Adding a step touches the step's own files (its module, its widgets, its notebook) and
the registry, nothing else. ``$WORKBOOK_STEPS`` names another registry file, for an
organisation that adds steps of its own and for the tests that prove the claim above.
"""

from __future__ import annotations

import importlib
import os
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

from workbook import knowledge
from workbook.design import Design

ENV = "WORKBOOK_STEPS"
"""A registry file to read instead of the package's ``knowledge/steps.yaml``."""

I = TypeVar("I", bound=BaseModel)  # noqa: E741 - a step's inputs model


class StepModule(Protocol[I]):
    """What every step module provides (``workbook.steps.purpose`` is one).

    ``apply(design, inputs_from(design))`` gives back ``design``: a step opened and saved
    without a change changes nothing (``tests/test_steps.py`` checks every step).
    """

    def make_inputs(self, **values: Any) -> I:
        """Validate raw values (widgets or notebook parameters) into the inputs model.

        Raises:
            InputError: one problem per bad field, named as the inputs name it.
        """
        ...

    def inputs_from(self, design: Design) -> I:
        """What the step shows for an existing design."""
        ...

    def apply(self, design: Design, inputs: I) -> Design:
        """The design with the step's decisions written in; nothing else changes.

        Raises:
            InputError: the result is not a valid design.
        """
        ...


class StepSpec(BaseModel):
    """One design step, as the registry describes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    notebook: str
    """Its notebook's file name in the package's notebooks folder, or an absolute path."""
    title: str
    short: str
    """Its name in the app's progress bar."""
    description: str
    fields: tuple[str, ...] = ()
    """The top-level design fields it decides."""
    source: str
    module: str
    """The module holding its decisions (a :class:`StepModule`)."""
    widgets: str = Field(pattern=r"^[\w.]+:\w+$")
    """``module:Class`` of its widgets, a :class:`workbook.ui.base.Step`."""
    roster: bool = False
    """It takes the program's roster; ``workbook run`` skips it without one."""
    output: str | None = None
    """It writes files: the folder they go to in a ``workbook run`` program folder."""
    headless: dict[str, Any] = Field(default_factory=dict)
    """Parameters a ``workbook run`` sets after the design: the buttons it presses."""
    after_launch: bool = False
    """It is used once the program has run (the evaluation): the design phase is
    complete without it, and it shows as "after launch" until it has been used."""

    @property
    def number(self) -> int:
        """Its position in the design phase, from 0 (as the notebooks are numbered)."""
        return next(i for i, s in enumerate(specs()) if s.key == self.key)

    @property
    def heading(self) -> str:
        """How a page titles it: ``"1. Strategic purpose and measurable objectives"``."""
        return f"{self.number}. {self.title}"

    def notebook_path(self, folder: Path) -> Path:
        """Its notebook, relative to the notebooks ``folder`` unless given absolute."""
        return folder / self.notebook

    def decisions(self) -> StepModule[Any]:
        """Its module of decisions, imported now."""
        return cast("StepModule[Any]", importlib.import_module(self.module))

    def widget_class(self) -> type[Any]:
        """Its widgets' class, imported now (the app imports a step when first opened)."""
        module, _, name = self.widgets.partition(":")
        found: type[Any] = getattr(importlib.import_module(module), name)
        return found

    def parameters(self, design: str, roster: str | None) -> dict[str, Any]:
        """The papermill parameters a headless run gives its notebook (paths relative to
        the program's folder, where the kernel runs)."""
        params: dict[str, Any] = {"design_path": design}
        if self.roster:
            params["roster_path"] = roster
        if self.output is not None:
            params["output_dir"] = self.output
        return params | dict(self.headless)


def registry_file() -> Path:
    """The registry in use: ``$WORKBOOK_STEPS``, else the package's ``steps.yaml``."""
    named = os.environ.get(ENV, "").strip()
    if named:
        return Path(named).expanduser()
    return Path(str(knowledge.path("steps")))


@cache
def _read(path: Path) -> tuple[StepSpec, ...]:
    data = knowledge.safe_load(path.read_text("utf-8"))
    found = tuple(StepSpec.model_validate(item) for item in data)
    keys = [s.key for s in found]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{path}: a step key is listed twice ({', '.join(keys)})")
    return found


def specs() -> tuple[StepSpec, ...]:
    """Every step, in design order.

    A broken registry is a bug in the package (or in the file ``$WORKBOOK_STEPS``
    names), so pydantic's ``ValidationError`` escapes; ``tests/test_steps.py`` keeps the
    package's registry well formed.
    """
    return _read(registry_file())


def all_keys() -> tuple[str, ...]:
    """The steps' keys, in design order."""
    return tuple(s.key for s in specs())


def spec(key: str) -> StepSpec:
    """The step with this key.

    Raises:
        KeyError: no such step (a bug: keys are written in code and data alike).
    """
    for found in specs():
        if found.key == key:
            return found
    raise KeyError(key)


def owner(field: str) -> StepSpec | None:
    """The step that decides a design field (``matching.method`` -> matching), if any:
    the one that owns the field's part (``program.page_size`` -> charter), else the one
    that owns its top-level field (``program.name`` -> purpose)."""
    for s in specs():
        if any(
            f != f.split(".", 1)[0] and (field == f or field.startswith(f + ".")) for f in s.fields
        ):
            return s
    top = field.split(".", 1)[0]
    return next((s for s in specs() if top in s.fields), None)


def modules() -> dict[str, ModuleType]:
    """Every step's module of decisions, by key (imports them all: for tests and tools)."""
    return {s.key: importlib.import_module(s.module) for s in specs()}
