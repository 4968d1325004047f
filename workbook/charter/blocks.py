"""The charter's content as data: blocks, sections and the charter itself.

Every format is laid out from these objects (the Jinja2 templates for Markdown and
HTML, :mod:`workbook.charter.word` for Word), so they hold display-ready text and no
markup: a block is a paragraph, labelled fields, a list, a table or the timeline chart,
and a value of ``None`` means a decision still open. Text is cleaned once, when a block
is created (control characters dropped), so no renderer has to re-check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar, Literal

from markupsafe import Markup

from workbook import charts
from workbook.charter.timeline import Event
from workbook.errors import Problem
from workbook.rules import Finding

TBD = "To be decided"
"""How an open decision reads in every format."""

Status = Literal["decided", "to be decided"]

Kind = Literal["summary", "section", "appendix", "references"]
"""Where a section stands: the sponsor's summary first, the numbered sections, the
appendices (reference material), the list of sources last."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: object) -> str:
    """User text made safe to store in any format: no control characters, trimmed.

    Word's XML refuses control characters outright (python-docx raises), and a stray
    form feed is noise in HTML and Markdown, so they are dropped once, here.
    """
    return _CONTROL.sub("", str(text)).strip()


@dataclass(frozen=True)
class Entry:
    """A labelled value: ``None`` while the decision is open, ``""`` when optional and unset."""

    label: str
    value: str | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", clean(self.label))
        if self.value is not None:
            object.__setattr__(self, "value", clean(self.value))


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of text."""

    kind: ClassVar[str] = "paragraph"
    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean(self.text))


@dataclass(frozen=True)
class Fields:
    """Labelled values shown as a definition list (HTML) or a two-column table (Word)."""

    kind: ClassVar[str] = "fields"
    rows: tuple[Entry, ...]
    title: str = ""


@dataclass(frozen=True)
class Bullets:
    """A bulleted list; ``empty`` is shown instead when there are no items."""

    kind: ClassVar[str] = "list"
    items: tuple[str, ...]
    title: str = ""
    empty: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(clean(i) for i in self.items if clean(i)))


@dataclass(frozen=True)
class Table:
    """A table of text cells; a ``None`` cell is an open decision.

    Attributes:
        key: a stable name (``objectives``, ``timeline``) that the HTML uses as a class
            and the tests use to find the table.
    """

    kind: ClassVar[str] = "table"
    key: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    title: str = ""
    empty: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.key!r}: a row has {len(row)} cells")
        rows = tuple(tuple(None if c is None else clean(c) for c in r) for r in self.rows)
        object.__setattr__(self, "rows", rows)


@dataclass(frozen=True)
class Chart:
    """The timeline chart: inline SVG for HTML, a PNG drawn on demand for Word and Markdown.

    The SVG (:mod:`workbook.charts`) is what the HTML charter and the app's preview show;
    the PNG needs matplotlib, so it is drawn only when a format that cannot hold SVG asks
    for it (the Word document, or the picture written beside the Markdown file).
    """

    kind: ClassVar[str] = "chart"
    events: tuple[Event, ...] = field(repr=False)
    alt: str
    filename: str = "charter-timeline.png"

    def __post_init__(self) -> None:
        if not self.events:
            raise ValueError("a chart needs at least one event")
        object.__setattr__(self, "alt", clean(self.alt))

    @cached_property
    def svg(self) -> Markup:
        """The chart as inline SVG, every text escaped (safe to print unescaped in HTML)."""
        plot = charts.timeline(self.events, "Program timeline")
        # charts.svg escapes every text it writes; Markup tells Jinja not to escape again.
        return Markup(charts.svg(plot, "timeline-chart"))

    @cached_property
    def png(self) -> bytes:
        """The chart as PNG bytes (matplotlib, imported only now)."""
        from workbook.charter.timeline import chart_png

        return chart_png(list(self.events))


@dataclass(frozen=True)
class Figure:
    """Any other chart: its SVG for HTML and its PNG for Word and Markdown, both made
    by the caller (the evaluation report's chart of effects)."""

    kind: ClassVar[str] = "chart"
    svg: Markup = field(repr=False)
    """Built by :func:`workbook.charts.svg`, every text already escaped."""
    png: bytes = field(repr=False)
    alt: str
    filename: str
    caption: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "alt", clean(self.alt))
        object.__setattr__(self, "caption", clean(self.caption))


Block = Paragraph | Fields | Bullets | Table | Chart | Figure


@dataclass(frozen=True)
class OpenDecision:
    """A decision the design has not made yet, and where to make it.

    Attributes:
        section: the title of the charter section that needs it ("Mentoring model").
        label: the decision, in words.
        field: the dotted design path where it is recorded.
        step: the title of the workbook step that decides it ("" if none does).
        notebook: that step's notebook file.
    """

    section: str
    label: str
    field: str
    step: str = ""
    notebook: str = ""

    def __post_init__(self) -> None:
        # Labels quote user text ("How 'first-year retention' is measured"): cleaned
        # like every other text that reaches the charter, so Word can store it.
        object.__setattr__(self, "label", clean(self.label))


@dataclass(frozen=True)
class RuleFinding:
    """A broken rule as the charter shows it (copied from a ``workbook.rules.Finding``)."""

    rule: str
    severity: str
    step: str
    field: str
    message: str
    fix: str
    source: str
    title: str = ""
    """The rule's name in words: what the charter says instead of the rule's id."""

    @classmethod
    def of(cls, finding: Finding) -> RuleFinding:
        """Copy a finding, cleaned like any other text that reaches the charter."""
        return cls(
            *(
                clean(getattr(finding, name) or "")
                for name in (
                    "rule",
                    "severity",
                    "step",
                    "field",
                    "message",
                    "fix",
                    "source",
                    "title",
                )
            )
        )


@dataclass(frozen=True)
class Section:
    """A section of the charter with its content and its open decisions.

    Attributes:
        number: its number among the numbered sections (given when the charter is put
            together, so adding a section renumbers the rest), or its position among
            the appendices.
        kind: the summary, a numbered section, an appendix or the references.
    """

    number: int
    key: str
    title: str
    blocks: tuple[Block, ...]
    open: tuple[OpenDecision, ...] = ()
    kind: Kind = "section"

    @property
    def status(self) -> Status:
        """A section is decided only when none of its decisions is open."""
        return "to be decided" if self.open else "decided"

    @property
    def decided(self) -> bool:
        """Whether every decision of this section is made."""
        return not self.open

    @property
    def letter(self) -> str:
        """An appendix's letter (``A`` for the first)."""
        return chr(ord("A") + self.number - 1) if self.kind == "appendix" else ""

    @property
    def heading(self) -> str:
        """The heading as every format prints it: ``3. Focus areas``, ``Appendix A. The
        fit check in detail``, or the title alone (summary, references)."""
        if self.kind == "section":
            return f"{self.number}. {self.title}"
        if self.kind == "appendix":
            return f"Appendix {self.letter}. {self.title}"
        return self.title

    @property
    def anchor(self) -> str:
        """A stable HTML id (``s3-objectives``, ``appendix-a-fit``) for links."""
        if self.kind == "section":
            return f"s{self.number}-{self.key}"
        if self.kind == "appendix":
            return f"appendix-{self.letter.lower()}-{self.key}"
        return self.key


@dataclass(frozen=True)
class Charter:
    """Everything the charter says, ready for any format; built by :func:`build`."""

    title: str
    organisation: str
    version: str
    owner: str | None
    sponsor: str | None
    date: str
    sections: tuple[Section, ...]
    findings: tuple[RuleFinding, ...]
    events: tuple[Event, ...]
    revision: int = 0
    page_size: str = "A4"
    """``A4`` or ``Letter``: the organisation's paper (Word and PDF)."""
    signed: bool = False
    """Every approval has a name and a date; until then Word and PDF say "Draft"."""
    stem: str = "charter"
    """Every file's name without extension (``northwind-graduate-mentoring-charter-r14``)."""
    document: str = "Program charter"
    """What the document is, as its title and every format's header say it."""
    signable: bool = True
    """A document to sign: readiness, what is left and the draft mark are shown. The
    evaluation report is laid out by the same machinery and is not signed."""

    @property
    def open_decisions(self) -> tuple[OpenDecision, ...]:
        """Every open decision once, in section order (a section may repeat another's,
        in the same words). One field may hold several decisions (how each objective's
        effectiveness is measured), so a decision is its field and its label."""
        seen: dict[tuple[str, str], OpenDecision] = {}
        for d in (d for s in self.sections for d in s.open):
            seen.setdefault((d.field, d.label), d)
        return tuple(seen.values())

    @property
    def ready(self) -> bool:
        """Ready to sign: every decision made and no rule broken."""
        return not self.open_decisions and not self.findings

    @property
    def chart(self) -> Chart | None:
        """The timeline chart, if the design has dates enough to draw one."""
        return next((b for s in self.sections for b in s.blocks if isinstance(b, Chart)), None)

    def problems(self) -> list[Problem]:
        """Why the charter is not ready, one problem per open decision or broken rule."""
        problems = [
            Problem(
                f"{d.label} is not decided (section {d.section})",
                f"decide it in the step '{d.step}' ({d.notebook}), then produce the charter again"
                if d.step
                else "decide it in the design, then produce the charter again",
                field=d.field,
            )
            for d in self.open_decisions
        ]
        problems += [
            Problem(f"rule {f.rule} is broken: {f.message}", f.fix, field=f.field or None)
            for f in self.findings
        ]
        return problems
