"""Domain knowledge as data: catalogues, relationship types and rules, read from YAML.

The YAML files beside this module are the single place where the workbook's domain
knowledge is written down, each entry with a description and its source (the seed
texts are numbered 000 to 004 and listed in ``sources.yaml``). Code and widgets read them through
the functions here; no widget carries its own copy of a title or a description.

Files and their readers:

- catalogues (a list of entries with key, title, description, source):
  ``purposes``, ``focus_areas``, ``models``, ``components``, ``relationships``,
  ``dimensions``, ``situations``, ``standards`` -> :func:`catalogue`, :func:`entry`;
- ``evaluation_designs.yaml`` (how an objective's effect is told apart, with each
  design's weaknesses) -> :func:`evaluation_designs`, :func:`evaluation_design`;
- ``rules.yaml`` (rules R1..R10 and the errors, with their checks) -> :func:`rules`;
- ``fit_questions.yaml`` (the fit check's questionnaire) -> :func:`fit_questions`;
- ``steps.yaml`` (the design steps) -> :mod:`workbook.steps`;
- ``sources.yaml`` (the source texts the numbers in every ``source`` name) ->
  :func:`sources`;
- ``instruments.yaml`` (the survey scales the evaluation scores) -> :func:`instruments`.

A broken file is a bug in the package, not a user error, so loading lets pydantic's
``ValidationError`` escape; ``tests/test_knowledge.py`` keeps every file well formed.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

Severity = Literal["error", "warning"]


class CatalogueEntry(BaseModel):
    """One choice a design step offers, with what it means and where it comes from."""

    model_config = ConfigDict(extra="allow", frozen=True)

    key: str
    title: str
    description: str
    source: str

    def extra(self, name: str) -> Any:
        """A catalogue-specific field (``kind``, ``values``, ``answers`` ...).

        Raises:
            KeyError: the entry has no such field (a bug in the data or the caller;
                ``tests/test_knowledge.py`` checks every catalogue's fields).
        """
        return (self.model_extra or {})[name]


Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader, in C when PyYAML was built with libyaml: it reads a design in
3 ms instead of 48 and the catalogues in 8 ms instead of 84, which a page load feels."""


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with the fastest safe loader available."""
    return yaml.load(text, Loader=Loader)  # a safe loader, in C or in Python


def path(name: str) -> Traversable:
    """Where the knowledge file ``name`` (``purposes``, ``steps`` ...) ships."""
    return resources.files(__package__).joinpath(f"{name}.yaml")


@cache
def _load(name: str) -> Any:
    return safe_load(path(name).read_text("utf-8"))


@cache
def catalogue(name: str) -> tuple[CatalogueEntry, ...]:
    """The entries of a catalogue file (``purposes``, ``focus_areas``, ...), in file order."""
    return tuple(CatalogueEntry.model_validate(item) for item in _load(name))


def entry(name: str, key: str) -> CatalogueEntry | None:
    """The entry with this key in a catalogue, or ``None`` for a written-in choice."""
    return next((e for e in catalogue(name) if e.key == key), None)


def keys(name: str) -> tuple[str, ...]:
    """The keys of a catalogue, in file order (what a dropdown offers)."""
    return tuple(e.key for e in catalogue(name))


def title(name: str, key: str) -> str:
    """The title a catalogue gives a key, or the key itself for a written-in choice
    (an unknown key is the rules' error to report, not the caller's)."""
    found = entry(name, key)
    return found.title if found else key


def purposes() -> tuple[CatalogueEntry, ...]:
    """Strategic purposes the purpose step offers."""
    return catalogue("purposes")


def focus_areas() -> tuple[CatalogueEntry, ...]:
    """Focus areas of the relationship the focus-area step offers."""
    return catalogue("focus_areas")


class Source(BaseModel):
    """A source text the knowledge cites by number ("000")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    title: str
    description: str


@cache
def sources() -> tuple[Source, ...]:
    """The numbered source texts, in number order."""
    return tuple(Source.model_validate(item) for item in _load("sources"))


# --------------------------------------------------------------------------- rules


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(_Frozen):
    """One way a design can break a rule; ``workbook/rules.py`` holds the logic by ``key``.

    ``field``, ``message`` and ``fix`` are :meth:`str.format` templates whose
    placeholders the check's code fills (``{index}``, ``{months}`` ...).
    """

    key: str
    severity: Severity
    field: str
    message: str
    fix: str
    step: str | None = None
    """The step that shows it, when it is not the rule's step (a key of the registry,
    ``steps.yaml``; ``tests/test_knowledge.py`` checks every one)."""


class Rule(_Frozen):
    """A design rule (``R1``..``R10``), another warning (``W-...``) or an error (``E-...``)
    with its source and checks."""

    id: str
    title: str
    statement: str
    source: str = Field(min_length=3)
    why: str
    step: str
    """The step that shows its findings (a key of the registry, ``steps.yaml``)."""
    params: dict[str, Any] = Field(default_factory=dict)
    """Thresholds the checks use (e.g. R6's ``min_months``), kept with the rule's text."""
    checks: tuple[Check, ...] = ()


@cache
def rules() -> tuple[Rule, ...]:
    """Every rule, then the other warnings, then every error, in file order (the order
    findings are reported in)."""
    data = _load("rules")
    items = [*data["rules"], *data.get("warnings", []), *data["errors"]]
    return tuple(Rule.model_validate(item) for item in items)


def rule(rule_id: str) -> Rule:
    """The rule with this id.

    Raises:
        KeyError: no such rule (a bug: ids are written in code and data alike).
    """
    for candidate in rules():
        if candidate.id == rule_id:
            return candidate
    raise KeyError(rule_id)


# --------------------------------------------------------------------------- evaluation designs


class EvaluationDesignInfo(_Frozen):
    """One way of telling an objective's effect apart from what would have happened
    anyway (``evaluation_designs.yaml``; the keys are ``workbook.design.EvaluationDesign``)."""

    key: str
    title: str = Field(min_length=1)
    """Plain words, as the step's dropdown and the charter say it."""
    description: str = Field(min_length=1)
    comparison: str | None
    """Who the participants are compared with, in words that follow a number ("200
    comparable employees"); None when they are compared with the baseline only."""
    weaknesses: tuple[str, ...] = Field(min_length=1)
    """What the design cannot rule out, the main one first."""
    data_owner: str = Field(min_length=1)
    """What the data owner provides, in words that follow "one row per"."""
    source: str = Field(min_length=3)

    @property
    def weakness(self) -> str:
        """The main weakness, the one the charter states."""
        return " ".join(self.weaknesses[0].split())


@cache
def evaluation_designs() -> tuple[EvaluationDesignInfo, ...]:
    """The evaluation designs an objective can have, weakest first (the file's order)."""
    return tuple(EvaluationDesignInfo.model_validate(e) for e in _load("evaluation_designs"))


def evaluation_design(key: str) -> EvaluationDesignInfo | None:
    """The evaluation design with this key, or ``None``."""
    return next((d for d in evaluation_designs() if d.key == key), None)


# --------------------------------------------------------------------------- fit check


class FitOption(_Frozen):
    """One answer to a fit question and the points it gives each relationship type."""

    key: str
    label: str
    points: dict[str, int]
    """Relationship key -> points; negative when the answer contradicts that type."""
    reasons: dict[str, str] = Field(default_factory=dict)
    """Relationship key -> reason, where the relationship's value on the dimension is not
    the right words."""
    source: str = ""
    """Seed numbers for this option, when they differ from the question's."""
    rules_out: tuple[str, ...] = ()
    """Relationship keys this answer excludes outright (given as the main answer)."""


class FitQuestion(_Frozen):
    """A question built from one dimension of dimensions.yaml."""

    key: str
    dimension: str
    text: str
    source: str = ""
    options: tuple[FitOption, ...]

    def option(self, key: str) -> FitOption | None:
        """The option with this key, or ``None``."""
        return next((o for o in self.options if o.key == key), None)


class FitMix(_Frozen):
    """Two relationship types the sources say combine well (mentoring with coaching)."""

    keys: tuple[str, str]
    title: str
    description: str
    source: str


class FitScoring(_Frozen):
    """When a second relationship is recommended beside the best one."""

    margin: float = Field(ge=0, le=100)
    min_score: float = Field(ge=0, le=100)
    mix_margin: float = Field(ge=0, le=100)
    """The margin for a pair listed under ``mixes`` (wider: they combine well)."""
    mix_min_score: float = Field(ge=0, le=100)
    max_recommended: int = Field(ge=1)
    weights: dict[Literal["mainly", "partly"], float]
    """How much a question's main answer and a partial one count."""
    typical_points: int = Field(ge=1)
    """An answer giving a relationship this many points is typical of it."""
    min_typical: int = Field(ge=0)
    """A second relationship is recommended on its score only with this many answers
    typical of it."""
    evidence_prior: float = Field(ge=0)
    """Points of range, answered halfway, added to every relationship's score."""
    ruled_out_cap: float = Field(ge=0, le=100)
    """The highest score of a relationship an answer rules out."""
    partly_mix_points: int = Field(ge=1)
    """Points from partial answers that make a known mix partner join the best one."""
    high_answered: int = Field(ge=1)
    low_answered: int = Field(ge=1)
    low_deciding: int = Field(ge=0)


class FitQuestionnaire(_Frozen):
    """The whole fit check as data: questions, mixes, scoring and the summary texts."""

    scoring: FitScoring
    texts: dict[str, str]
    mixes: tuple[FitMix, ...]
    questions: tuple[FitQuestion, ...]

    def question(self, key: str) -> FitQuestion | None:
        """The question with this key, or ``None``."""
        return next((q for q in self.questions if q.key == key), None)


@cache
def fit_questions() -> FitQuestionnaire:
    """The fit check's questionnaire (``fit_questions.yaml``)."""
    return FitQuestionnaire.model_validate(_load("fit_questions"))


def relationships() -> tuple[CatalogueEntry, ...]:
    """The development relationship types the fit check ranks."""
    return catalogue("relationships")


def dimensions() -> tuple[CatalogueEntry, ...]:
    """The dimensions the sources contrast relationship types on (comparison table rows)."""
    return catalogue("dimensions")


def situations() -> tuple[CatalogueEntry, ...]:
    """Situation presets for the fit check, with the relationship each source advises."""
    return catalogue("situations")


# --------------------------------------------------------------------------- standards


class Benchmark(_Frozen):
    """One item of a quality standard's checklist (``evaluation.quality_checklist``)."""

    key: str
    """The checklist key in a design: ``<component>.<benchmark>`` or the plain key."""
    text: str
    required: bool
    """A benchmark the standard requires; ``False`` for an optional enhancement."""
    component: str | None = None
    """The component (MENTOR standard) it belongs to, if any."""


def benchmarks(standard: str) -> tuple[Benchmark, ...]:
    """The quality checklist of a standard in ``standards.yaml``, in checklist order.

    Raises:
        KeyError: no such standard (check the key with :func:`entry` first).
    """
    found = entry("standards", standard)
    if found is None:
        raise KeyError(standard)
    items: list[Benchmark] = []
    if (found.model_extra or {}).get("components"):
        for component in catalogue("components"):
            items += [
                Benchmark(
                    key=f"{component.key}.{b['key']}",
                    text=b["text"],
                    required=b["required"],
                    component=component.key,
                )
                for b in component.extra("benchmarks")
            ]
    items += [Benchmark.model_validate(b) for b in (found.model_extra or {}).get("benchmarks", [])]
    return tuple(items)


# --------------------------------------------------------------------------- instruments


class ResponseRange(_Frozen):
    """The answers a scale's items take: every whole number from ``min`` to ``max``."""

    min: int
    max: int
    low: str = Field(min_length=1)
    """The label of ``min`` ("Strongly disagree")."""
    high: str = Field(min_length=1)
    """The label of ``max`` ("Strongly agree")."""

    @model_validator(mode="after")
    def _ordered(self) -> ResponseRange:
        if self.max <= self.min:
            raise ValueError(f"max {self.max} is not above min {self.min}")
        return self


class ScaleItem(_Frozen):
    """One question of a scale, known by the survey file's column for it."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    wording: str | None = None
    """The item's text, only where the licence lets the workbook ship it."""
    reverse: bool = False
    """Worded against the scale: recoded to ``min + max - answer`` before scoring."""


class Licence(_Frozen):
    """Whether an instrument's wording may be shipped, and why."""

    wording_shipped: bool
    note: str = Field(min_length=1)


class Scale(_Frozen):
    """A survey scale: a published instrument's structure, its citation and licence."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    instrument: str = Field(min_length=1)
    source: str = Field(min_length=1)
    """The full citation."""
    licence: Licence
    response: ResponseRange
    items: tuple[ScaleItem, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _wording_as_licensed(self) -> Scale:
        # Copyrighted wording must never reach a shipped file by accident, and a
        # licensed scale must be complete enough to print.
        worded = [i.key for i in self.items if i.wording]
        if not self.licence.wording_shipped and worded:
            raise ValueError(f"{self.key}: wording not licensed to ship, but given for {worded}")
        if self.licence.wording_shipped and len(worded) < len(self.items):
            raise ValueError(f"{self.key}: wording shipped, but missing for some items")
        return self


class InstrumentLibrary(_Frozen):
    """``instruments.yaml``: the scales, keys and item columns unique throughout."""

    scales: tuple[Scale, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> InstrumentLibrary:
        # Item keys are the survey file's column names: one column cannot be two items.
        for what, keys in (
            ("scale", [s.key for s in self.scales]),
            ("item", [i.key for s in self.scales for i in s.items]),
        ):
            repeated = sorted({k for k in keys if keys.count(k) > 1})
            if repeated:
                raise ValueError(f"{what} keys used twice: {repeated}")
        return self


@cache
def instruments() -> tuple[Scale, ...]:
    """The survey scales the evaluation can score (``instruments.yaml``), in file order."""
    return InstrumentLibrary.model_validate(_load("instruments")).scales
