"""The tools every charter section is drafted with.

A :class:`SectionDraft` collects one section's blocks and records what the design has not
decided yet, with the design field where it is decided and the workbook step that decides
it, so the readiness checklist can list it. :func:`add_component` shows one of MENTOR's
six components; the text helpers turn design values into the charter's wording. Titles
come from the knowledge catalogues, never from a copy here. The sections themselves are
in :mod:`workbook.charter.program` (1 to 8) and :mod:`workbook.charter.sections` (9 to 16).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbook import knowledge, steps
from workbook.charter.blocks import (
    Block,
    Bullets,
    Entry,
    Fields,
    Kind,
    OpenDecision,
    Section,
    clean,
)
from workbook.design import ComponentPlan, Design


def paragraphs(text: str) -> list[str]:
    """User text split at blank lines, so each paragraph stays a paragraph."""
    return [clean(p) for p in re.split(r"\n\s*\n", text) if clean(p)]


def readable(key: str) -> str:
    """``one_to_one`` -> ``One to one``: a readable fallback for a key."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def catalogue_title(catalogue: str, key: str) -> str:
    """The catalogue title of a key, or the key made readable (a written-in choice has
    no catalogue entry, and an unknown key is the rules' error to report, not ours)."""
    text = knowledge.title(catalogue, key)
    return readable(key) if text == key else text


def number_text(value: float | None, unit: str = "") -> str | None:
    """A number as the charter writes it, with its unit (``%`` joined, others spaced);
    an undecided value stays None."""
    if value is None:
        return None
    text = f"{value:g}"
    if not unit:
        return text
    return f"{text}{unit}" if unit.startswith("%") and len(unit) == 1 else f"{text} {unit}"


def _step_of(path: str) -> tuple[str, str]:
    """The workbook step (title, notebook) that decides a design field, from the step
    registry, so the checklist says where to go, as the overview does."""
    step = steps.owner(path)
    return (step.title, step.notebook) if step is not None else ("", "")


def cite(source: str) -> str:
    """Source numbers as the charter cites them: ``"000, 002 (notes)"`` -> ``[1, 3]``.

    The numbers are the source texts' places in :func:`references` (``000`` is [1]);
    words that are not a source text's number (``workbook guidance``) are not cited.
    """
    order = {s.key: i for i, s in enumerate(knowledge.sources(), start=1)}
    numbers = sorted({order[k] for k in re.findall(r"\b\d{3}\b", source) if k in order})
    return f"[{', '.join(map(str, numbers))}]" if numbers else ""


def cite_standard(key: str) -> str:
    """A quality standard as the charter cites it, numbered after the source texts."""
    keys = [e.key for e in knowledge.catalogue("standards")]
    return f"[{len(knowledge.sources()) + keys.index(key) + 1}]" if key in keys else ""


def references() -> tuple[str, ...]:
    """The numbered reference list: the source texts, then the quality standards."""
    items = [f"{s.title}. {' '.join(s.description.split())}" for s in knowledge.sources()]
    items += [e.title for e in knowledge.catalogue("standards")]
    return tuple(f"[{i}] {text}" for i, text in enumerate(items, start=1))


def yes_no(value: bool | None) -> str | None:
    """``Yes`` or ``No`` for a decided answer; an undecided one stays None."""
    return None if value is None else ("Yes" if value else "No")


class SectionDraft:
    """Collects one section's blocks and open decisions while it is being built."""

    def __init__(self, key: str, title: str, kind: Kind = "section") -> None:
        self.key, self.title, self.kind = key, title, kind
        self.blocks: list[Block] = []
        self.open: list[OpenDecision] = []

    def need(self, label: str, path: str, value: object) -> str | None:
        """Record ``label`` as open when ``value`` is undecided; return it as text."""
        if value is None or value == "" or value == [] or value == ():
            step, notebook = _step_of(path)
            self.open.append(OpenDecision(self.title, label, path, step, notebook))
            return None
        return str(value)

    def fields(self, rows: Iterable[tuple[str, str, object]], title: str = "") -> None:
        """Add labelled values, each required: (label, design path, value)."""
        self.blocks.append(
            Fields(tuple(Entry(label, self.need(label, path, v)) for label, path, v in rows), title)
        )

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def done(self) -> Section:
        """The section, numbered 0: :func:`workbook.charter.sections.sections` numbers
        the sections once they are all drafted."""
        return Section(0, self.key, self.title, tuple(self.blocks), tuple(self.open), self.kind)


def add_component(s: SectionDraft, d: Design, name: str) -> None:
    """One of MENTOR's six components (titled as in ``knowledge/components.yaml``): its
    plan is required, its owner, timing and activities are shown when given."""
    plan: ComponentPlan = getattr(d.components, name)
    title = catalogue_title("components", name)
    path = f"components.{name}"
    s.add(
        Fields(
            (
                Entry("Plan", s.need(f"{title}: plan", f"{path}.plan", plan.plan)),
                Entry("Owner", plan.owner),
                Entry("Timing", plan.timing),
            ),
            title,
        )
    )
    if plan.activities:
        s.add(Bullets(tuple(plan.activities), f"{title}: activities"))
