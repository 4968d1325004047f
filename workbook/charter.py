"""The program charter: the document a sponsor reads and signs, built from a design.

The charter is data first, text second. :func:`build` turns a :class:`~workbook.design.Design`
into a :class:`Charter`: sixteen sections in the order a reader needs them (issue 6),
each a tuple of format-neutral blocks (paragraphs, labelled fields, lists, tables, the
timeline chart) and the decisions it still lacks. The renderers only lay the blocks out:
one Jinja2 environment with a template per format (``templates/charter.md.j2``,
``templates/charter.html.j2``) and the Word writer in :mod:`workbook.charter_docx`.
:func:`write` is the pipeline the command line and the notebook call::

    build -> check readiness (strict) -> render each format -> write atomically

Three promises, each tested:

* An unfinished design still renders: what is undecided shows as *to be decided*, and a
  readiness checklist at the top lists the open decisions and the broken rules.
* Text typed by a user is text in every format: autoescaped in HTML, escaped for
  Markdown, stripped of characters Word cannot store.
* No roster data: the charter is built from the design alone, and the design keeps only
  aggregates of a matching run (``MatchingResults``).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import ClassVar, Literal, Protocol

import jinja2

from workbook import knowledge
from workbook import timeline as tl
from workbook.design import ComponentPlan, Design
from workbook.errors import CharterError, Problem
from workbook.store import atomic_write

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
"""Where the Jinja2 templates live (the repository's top-level ``templates/``)."""

FORMATS = ("md", "html", "docx")
TBD = "To be decided"
Status = Literal["decided", "to be decided"]


# --------------------------------------------------------------------------- text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: object) -> str:
    """User text made safe to store in any format: no control characters, trimmed.

    Word's XML refuses control characters outright (python-docx raises), and a stray
    form feed is noise in HTML and Markdown, so they are dropped once, here.
    """
    return _CONTROL.sub("", str(text)).strip()


_MD_INLINE = re.compile(r"([\\`*_\[\]<>#|~&!{}])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=>:])")


def md_escape(text: object) -> str:
    """Escape text so that Markdown shows it literally, on one line.

    Every character that can open markup (emphasis, code, links, images, raw HTML,
    entities, headings, table pipes) is backslash-escaped, which CommonMark and GitHub
    Markdown both honour; whitespace, newlines included, collapses to single spaces so
    a value cannot start a new block or break a table row; a leading ``1.``, ``-``,
    ``+``, ``=`` or ``>`` is escaped so it cannot start a list, a heading underline or
    a quote.
    """
    flat = " ".join(str(text).split())
    escaped = _MD_INLINE.sub(r"\\\1", flat)
    return _MD_LINE_START.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", escaped
    )


def _paragraphs(text: str) -> list[str]:
    """User text split at blank lines, so each paragraph stays a paragraph."""
    return [clean(p) for p in re.split(r"\n\s*\n", text) if clean(p)]


def _human(key: str) -> str:
    """``one_to_one`` -> ``One to one``: a readable fallback for a key."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _title(catalogue: str, key: str) -> str:
    """The catalogue title of a key, or the key made readable.

    A written-in choice has no catalogue entry, and some catalogues are optional data
    files; neither should stop a charter from rendering.
    """
    try:
        found = knowledge.entry(catalogue, key)
    except (FileNotFoundError, OSError, ValueError):
        found = None
    return found.title if found else _human(key)


def _number(value: float | None, unit: str = "") -> str | None:
    if value is None:
        return None
    text = f"{value:g}"
    if not unit:
        return text
    return f"{text}{unit}" if unit.startswith("%") and len(unit) == 1 else f"{text} {unit}"


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes" if value else "No")


# --------------------------------------------------------------------------- blocks


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
    """An image (the timeline) with its alternative text."""

    kind: ClassVar[str] = "chart"
    png: bytes = field(repr=False)
    alt: str
    filename: str = "charter-timeline.png"

    @property
    def data_uri(self) -> str:
        """The image inlined, so the HTML charter is one self-contained file."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


Block = Paragraph | Fields | Bullets | Table | Chart


@dataclass(frozen=True)
class OpenDecision:
    """A decision the design has not made yet, and where to make it."""

    section: str
    label: str
    field: str


class FindingLike(Protocol):
    """What the charter reads from a finding of :func:`workbook.rules.check`."""

    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def step(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def fix(self) -> str: ...
    @property
    def source(self) -> str: ...


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

    @classmethod
    def of(cls, finding: FindingLike) -> RuleFinding:
        return cls(
            *(
                clean(getattr(finding, name) or "")
                for name in ("rule", "severity", "step", "field", "message", "fix", "source")
            )
        )


@dataclass(frozen=True)
class Section:
    """A numbered section of the charter with its content and its open decisions."""

    number: int
    key: str
    title: str
    blocks: tuple[Block, ...]
    open: tuple[OpenDecision, ...] = ()

    @property
    def status(self) -> Status:
        return "to be decided" if self.open else "decided"

    @property
    def decided(self) -> bool:
        return not self.open

    @property
    def anchor(self) -> str:
        return f"s{self.number}-{self.key}"


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
    events: tuple[tl.Event, ...]

    @property
    def open_decisions(self) -> tuple[OpenDecision, ...]:
        """Every open decision once, in section order (a section may repeat another's)."""
        seen: dict[str, OpenDecision] = {}
        for d in (d for s in self.sections for d in s.open):
            seen.setdefault(d.field, d)
        return tuple(seen.values())

    @property
    def ready(self) -> bool:
        """Ready to sign: every decision made and no rule broken."""
        return not self.open_decisions and not self.findings

    @property
    def chart(self) -> Chart | None:
        return next((b for s in self.sections for b in s.blocks if isinstance(b, Chart)), None)

    def problems(self) -> list[Problem]:
        """Why the charter is not ready, one problem per open decision or broken rule."""
        problems = [
            Problem(
                f"{d.label} is not decided (section {d.section})",
                "decide it in the workbook, then produce the charter again",
                field=d.field,
            )
            for d in self.open_decisions
        ]
        problems += [
            Problem(f"rule {f.rule} is broken: {f.message}", f.fix, field=f.field or None)
            for f in self.findings
        ]
        return problems


# --------------------------------------------------------------------------- sections


class _Section:
    """Collects one section's blocks and open decisions while it is being built."""

    def __init__(self, number: int, key: str, title: str) -> None:
        self.number, self.key, self.title = number, key, title
        self.blocks: list[Block] = []
        self.open: list[OpenDecision] = []

    def need(self, label: str, path: str, value: object) -> str | None:
        """Record ``label`` as open when ``value`` is undecided; return it as text."""
        if value is None or value == "" or value == [] or value == ():
            self.open.append(OpenDecision(f"{self.number}. {self.title}", label, path))
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
        return Section(self.number, self.key, self.title, tuple(self.blocks), tuple(self.open))


def _component(s: _Section, name: str, plan: ComponentPlan, title: str) -> None:
    """One of MENTOR's six components: its plan is required, the rest is shown if given."""
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


def _details(d: Design, date: str) -> Section:
    s = _Section(1, "details", "Charter details and approvals")
    p = d.program
    s.fields(
        [
            ("Program", "program.name", p.name),
            ("Organisation", "program.organisation", p.organisation),
            ("Owner", "program.owner", p.owner),
            ("Sponsor", "program.sponsor", p.sponsor),
        ]
    )
    s.add(Fields((Entry("Version", f"revision {d.revision}"), Entry("Date", date))))
    s.need("Approvals", "approvals", d.approvals)
    s.add(
        Table(
            "approvals-summary",
            ("Role", "Status"),
            tuple(
                (a.role, f"approved on {a.date.isoformat()}" if a.date else "awaiting approval")
                for a in d.approvals
            ),
            "Approvals",
            TBD,
        )
    )
    return s.done()


def _purpose(d: Design) -> Section:
    s = _Section(2, "purpose", "Purpose and problem statement")
    statement = s.need(
        "Problem statement", "program.problem_statement", d.program.problem_statement
    )
    if statement:
        s.add(*(Paragraph(p) for p in _paragraphs(statement)))
    else:
        s.add(Fields((Entry("Problem statement", None),)))
    s.need("Strategic purposes", "purposes", d.purposes)
    s.add(
        Bullets(
            tuple(p.title or _title("purposes", p.key) for p in d.purposes),
            "Strategic purposes",
            TBD,
        )
    )
    return s.done()


def _objectives(d: Design) -> Section:
    s = _Section(3, "objectives", "Strategic alignment and measurable objectives")
    s.add(
        Paragraph(
            "Each strategic purpose has measurable objectives (metric, baseline, target and "
            "date); the program's effectiveness is judged against them (rule R7)."
        )
    )
    s.need("Strategic purposes", "purposes", d.purposes)
    rows: list[tuple[str | None, ...]] = []
    for i, purpose in enumerate(d.purposes):
        name = purpose.title or _title("purposes", purpose.key)
        s.need(f"Objectives for '{name}'", f"purposes.{i}.objectives", purpose.objectives)
        for j, o in enumerate(purpose.objectives):
            path = f"purposes.{i}.objectives.{j}"
            label = o.description or o.metric or f"objective {j + 1} of '{name}'"
            for part in o.missing():
                s.need(f"The {part} of '{label}'", f"{path}.{part}", None)
            rows.append(
                (
                    f"{o.description or o.metric} ({name})" if o.description or o.metric else name,
                    o.metric or None,
                    _number(o.baseline, o.unit),
                    _number(o.target, o.unit),
                    o.due.isoformat() if o.due else None,
                    o.data_source or None,
                    o.owner or None,
                )
            )
    s.add(
        Table(
            "objectives",
            ("Objective", "Metric", "Baseline", "Target", "Date", "Data source", "Owner"),
            tuple(rows),
            "Objectives",
            TBD,
        )
    )
    return s.done()


# Used only when the knowledge base has no ``relationships`` catalogue: the sources' own
# distinctions (shared/domain.md section 1), so the scope can always say what this is not.
_NOT_MENTORING: tuple[tuple[str, str, str, str], ...] = (
    (
        "coaching",
        "Coaching",
        "one job-related skill or behaviour, for performance; driven by "
        "the coach, short and fixed in advance, with the manager as a direct partner",
        "000, 001, 002",
    ),
    (
        "training",
        "Training",
        "the same work skill or process taught to a group by a trainer",
        "000",
    ),
    (
        "buddy_system",
        "Buddy system",
        "shows a newcomer how things are done (processes and "
        "hierarchy) for a short time, without emotional engagement",
        "000",
    ),
    (
        "sponsorship",
        "Sponsorship",
        "a sponsor advocates for a protégé (nominates, promotes, "
        "opens doors) rather than nurturing them",
        "000",
    ),
    (
        "supervision",
        "Supervision",
        "the boss manages and evaluates an employee; high risk for the learner",
        "004",
    ),
)


def _not_mentoring() -> tuple[str, ...]:
    items = []
    for key, title, text, source in _NOT_MENTORING:
        try:
            found = knowledge.entry("relationships", key)
        except (FileNotFoundError, OSError, ValueError):
            found = None
        if found is not None:
            title, text, source = found.title, found.description, found.source
        items.append(f"{title}: {text.rstrip('.')} (source {source}).")
    return tuple(items)


def _scope(d: Design) -> Section:
    s = _Section(4, "scope", "Scope: why mentoring, and what this program is not")
    result = d.fit.result
    s.need("The fit check (is mentoring the right tool?)", "fit.result", result)
    if result is not None:
        s.add(
            Fields(
                (
                    Entry(
                        "Recommended",
                        ", ".join(_title("relationships", k) for k in result.recommended) or None,
                    ),
                    Entry("Summary", result.summary or None),
                ),
                "Fit check",
            )
        )
        s.add(
            Bullets(
                tuple(
                    f"{r.text} (source {r.source})" if r.source else r.text for r in result.reasons
                ),
                "Why",
            )
        )
    s.add(Bullets(_not_mentoring(), "What this program is not"))
    return s.done()


def _participation(d: Design) -> Section:
    s = _Section(5, "participation", "Who takes part and how")
    p = d.participation
    s.fields(
        [
            ("Mentee eligibility", "participation.mentee_eligibility", p.mentee_eligibility),
            ("Mentor eligibility", "participation.mentor_eligibility", p.mentor_eligibility),
            ("Voluntary enrolment on both sides", "participation.voluntary", _yes_no(p.voluntary)),
            (
                "A person may be both mentor and mentee",
                "participation.both_roles_allowed",
                _yes_no(p.both_roles_allowed),
            ),
            ("Expected mentees", "participation.expected_mentees", p.expected_mentees),
            ("Expected mentors", "participation.expected_mentors", p.expected_mentors),
            ("Mentees per mentor", "participation.mentor_capacity", p.mentor_capacity),
            (
                "How mentors are recognised",
                "participation.mentor_recognition",
                p.mentor_recognition,
            ),
        ]
    )
    _component(s, "recruitment", d.components.recruitment, "Recruitment")
    _component(s, "screening", d.components.screening, "Screening")
    return s.done()


def _focus(d: Design) -> Section:
    s = _Section(6, "focus", "Focus areas")
    s.need("Focus areas", "focus_areas", d.focus_areas)
    purposes = {p.key: p.title or _title("purposes", p.key) for p in d.purposes}
    s.add(
        Table(
            "focus-areas",
            ("Focus area", "Priority", "Serves", "Note"),
            tuple(
                (
                    _title("focus_areas", a.key),
                    a.priority,
                    ", ".join(purposes.get(k, k) for k in a.purposes),
                    a.note,
                )
                for a in d.focus_areas
            ),
            "",
            TBD,
        )
    )
    return s.done()


def _model(d: Design) -> Section:
    s = _Section(7, "model", "Mentoring model")
    m = d.model
    rows: list[tuple[str, str, object]] = [
        ("Format", "model.format", _human(m.format) if m.format else None),
        ("Intake", "model.intake", _human(m.intake) if m.intake else None),
        ("Start", "model.start_date", m.start_date.isoformat() if m.start_date else None),
        (
            "Duration",
            "model.duration_months",
            f"{m.duration_months} months" if m.duration_months else None,
        ),
        ("Meeting cadence", "model.cadence", _human(m.cadence) if m.cadence else None),
        ("Meetings", "model.meeting_mode", _human(m.meeting_mode) if m.meeting_mode else None),
        (
            "Meeting length",
            "model.meeting_minutes",
            f"{m.meeting_minutes} minutes" if m.meeting_minutes else None,
        ),
    ]
    if m.format in ("group", "team"):
        rows.append(("Mentees per group", "model.group_size", m.group_size))
    s.fields(rows)
    s.need("Milestones", "model.milestones", m.milestones)
    s.add(
        Table(
            "milestones",
            ("Milestone", "Month", "Description"),
            tuple((ms.name, f"{ms.month:g}", ms.description) for ms in m.milestones),
            "Milestones",
            TBD,
        )
    )
    return s.done()


def _boundary(d: Design, s: _Section) -> tuple[str, ...]:
    """The confidentiality boundary in plain sentences, from the design's answers."""
    c = d.confidentiality
    said: list[str] = ["The mentee's manager is never the mentee's mentor (rule R1)."]
    choices = (
        (
            "Whether the manager hears the mentee's goals",
            "manager_hears_goals",
            "The mentee's manager may be told the mentee's goals.",
            "The mentee's manager is not told the mentee's goals.",
        ),
        (
            "Whether the manager receives progress details",
            "manager_receives_progress",
            "The mentee's manager receives details of the mentee's progress, against rule R2.",
            "The mentor gives the mentee's manager no details of the mentee's progress (R2).",
        ),
        (
            "Whether the relationship feeds performance reviews",
            "feeds_performance_review",
            "What happens in the relationship feeds performance reviews, against rule R3.",
            "Nothing from the mentoring relationship feeds a performance review (R3).",
        ),
        (
            "Whether the manager directs the learning",
            "manager_directs_learning",
            "The mentee's manager directs the learning, against rule R5.",
            "The mentee, not the manager, directs the learning (R5).",
        ),
    )
    for label, name, yes, no in choices:
        value = getattr(c, name)
        if s.need(label, f"confidentiality.{name}", value) is not None:
            said.append(yes if value else no)
    return tuple(said)


def _roles(d: Design) -> Section:
    s = _Section(8, "roles", "Roles and responsibilities")
    r = d.roles
    for title, name in (
        ("Mentee", "mentee"),
        ("Mentor", "mentor"),
        ("The mentee's manager (an indirect part)", "manager"),
        ("Program coordinator", "coordinator"),
        ("Sponsor", "sponsor"),
    ):
        items = getattr(r, name)
        s.need(f"Responsibilities of the {name.replace('_', ' ')}", f"roles.{name}", items)
        s.add(Bullets(tuple(items), title, TBD))
    if r.steering_group or r.steering_group_members:
        s.add(Bullets(tuple(r.steering_group), "Steering group"))
        s.add(Bullets(tuple(r.steering_group_members), "Steering group members (roles)"))
    boundary = _boundary(d, s)
    statement = s.need(
        "The confidentiality statement", "confidentiality.statement", d.confidentiality.statement
    )
    s.add(Bullets(boundary, "The confidentiality boundary"))
    s.add(*(Paragraph(p) for p in _paragraphs(statement or "")))
    return s.done()


_CRITERIA = {
    "skills": "Skills the mentee wants and the mentor offers",
    "goals": "The mentee's goals",
    "seniority": "Seniority",
    "department": "Department",
    "timezone": "Time zone",
    "language": "Language",
    "preferences": "The mentee's own preferences",
}


def _matching(d: Design) -> Section:
    s = _Section(9, "matching", "Matching")
    m = d.matching
    s.fields(
        [
            ("Method", "matching.method", _human(m.method) if m.method else None),
            (
                "The mentee's say",
                "matching.mentee_say",
                _human(m.mentee_say) if m.mentee_say else None,
            ),
            ("Review before matches are announced", "matching.review", m.review),
            ("Rematching", "matching.rematching", m.rematching),
        ]
    )
    s.add(Fields((Entry("What the matching optimises", _human(m.objective)),)))
    weights = m.weights.model_dump()
    rows = [(_CRITERIA.get(k, _human(k)), f"{w:g}" if w else "off") for k, w in weights.items()]
    rows += [
        (f"Roster column '{col}' ({c.mode} value)", f"{c.weight:g}" if c.weight else "off")
        for col, c in m.extra_criteria.items()
    ]
    s.add(Table("criteria", ("Criterion", "Weight"), tuple(rows), "Criteria and weights"))
    constraints = [
        "Nobody is matched with themselves (rule R8).",
        "Nobody in the mentee's reporting line is their mentor (rule R1)."
        if m.reporting_line_depth is None
        else f"Nobody up to {m.reporting_line_depth} level(s) above the mentee in their "
        "reporting line is their mentor (rule R1).",
    ]
    if d.model.format in ("reverse", "peer"):
        constraints.append(f"No seniority gap is required ({d.model.format} mentoring, rule R9).")
    elif m.seniority_min_gap is not None or m.seniority_max_gap is not None:
        low = m.seniority_min_gap if m.seniority_min_gap is not None else 0
        high = (
            f"at most {m.seniority_max_gap}" if m.seniority_max_gap is not None else "any number of"
        )
        constraints.append(f"The mentor is at least {low} and {high} level(s) above the mentee.")
    if m.department != "either":
        constraints.append(f"Mentor and mentee are in the {m.department} department.")
    if m.max_timezone_hours is not None:
        constraints.append(f"At most {m.max_timezone_hours:g} hours apart in time zone.")
    if m.min_score:
        constraints.append(f"No match scoring below {m.min_score:g}.")
    if m.avoid_repeat_pairs:
        constraints.append("No pair that has been matched before.")
    s.add(Bullets(tuple(constraints), "Hard constraints"))
    _component(
        s, "matching_initiating", d.components.matching_initiating, "Matching and initiating"
    )
    r = m.results
    if r is None:
        s.add(Paragraph("No matching has been run yet; results will be added when it has."))
    else:
        quartiles = ", ".join(f"{q:.3g}" for q in r.score_quartiles)
        s.add(
            Fields(
                (
                    Entry("Run at", r.run_at.strftime("%Y-%m-%d %H:%M UTC") if r.run_at else ""),
                    Entry("Mentees", str(r.mentees)),
                    Entry("Mentors", str(r.mentors)),
                    Entry("Matched", str(r.matched)),
                    Entry("Unmatched", str(r.unmatched)),
                    Entry("Mean score", _number(r.mean_score) or ""),
                    Entry("Lowest score", _number(r.min_score) or ""),
                    Entry("Score quartiles", quartiles),
                    Entry("Optimal", _yes_no(r.optimal) or ""),
                ),
                "Results of the last matching (totals only)",
            )
        )
    return s.done()


_JOURNEY = (
    "Preparing: recruitment, screening and training of mentors and mentees.",
    "Negotiating: matching, the first meeting and a mentoring agreement on goals, "
    "frequency, duration, roles and contact with the program.",
    "Enabling growth: regular meetings and check-ins, with a midpoint review.",
    "Coming to closure: a planned ending, a no-fault exit for matches that do not work, "
    "and the evaluation.",
)


def _journey(d: Design, events: Sequence[tl.Event], chart: bool) -> Section:
    s = _Section(10, "timeline", "Participant journey and timeline")
    s.add(Bullets(_JOURNEY, "The journey (Zachary's four phases)"))
    s.need("The start date", "model.start_date", d.model.start_date)
    s.need("The duration", "model.duration_months", d.model.duration_months)
    if events:
        s.add(
            Paragraph(
                "Dates are counted from the start date and the duration; the phases before "
                "the start use planning lead times unless the design gives a timing."
            )
        )
        if chart:
            s.add(
                Chart(
                    tl.chart_png(list(events)),
                    "Timeline chart: "
                    + "; ".join(f"{e.name} {e.start.isoformat()}" for e in events),
                )
            )
    s.add(
        Table(
            "timeline",
            ("What", "From", "To", "Note"),
            tuple(
                (
                    e.name,
                    e.start.isoformat(),
                    "" if e.kind == "milestone" else e.end.isoformat(),
                    e.note,
                )
                for e in events
            ),
            "Timeline",
            TBD,
        )
    )
    return s.done()


def _support(d: Design) -> Section:
    s = _Section(11, "support", "Support and training")
    c = d.components
    _component(s, "training", c.training, "Training of mentors and mentees")
    _component(s, "monitoring_support", c.monitoring_support, "Monitoring and support")
    _component(s, "closure", c.closure, "Closure")
    return s.done()


def _policies(d: Design) -> Section:
    s = _Section(12, "policies", "Policies")
    p = d.policies
    s.fields(
        [
            ("Confidentiality", "policies.confidentiality", p.confidentiality),
            ("Code of conduct", "policies.code_of_conduct", p.code_of_conduct),
            ("Data privacy", "policies.data_privacy", p.data_privacy),
            ("No-fault exit", "policies.no_fault_exit", p.no_fault_exit),
        ]
    )
    return s.done()


def _evaluation(d: Design) -> Section:
    s = _Section(13, "evaluation", "Evaluation plan")
    e = d.evaluation
    standard = _title("standards", e.quality_standard) if e.quality_standard else None
    s.add(
        Paragraph(
            "Effectiveness is judged against the objectives in section 3; quality against "
            "a program standard (rule R7)."
        )
    )
    s.need("How effectiveness is measured", "evaluation.effectiveness", e.effectiveness)
    measured = {m.objective.casefold() for m in e.effectiveness}
    for i, purpose in enumerate(d.purposes):
        for j, o in enumerate(purpose.objectives):
            if o.metric and o.metric.casefold() not in measured:
                s.need(f"How '{o.metric}' is measured", f"purposes.{i}.objectives.{j}", None)
    s.add(
        Table(
            "effectiveness",
            ("Objective", "Method", "When", "Who"),
            tuple((m.objective, m.method, m.when, m.who) for m in e.effectiveness),
            "Effectiveness",
            TBD,
        )
    )
    s.fields([("Quality standard", "evaluation.quality_standard", standard)], "Quality")
    rows = _quality_rows(e.quality_standard, e.quality_checklist)
    if rows:
        s.add(
            Table(
                "quality",
                ("Benchmark", "Required", "Met"),
                tuple(rows),
                "Quality checklist",
            )
        )
    return s.done()


def _quality_rows(standard: str | None, checklist: dict[str, bool]) -> list[tuple[str | None, ...]]:
    """The standard's benchmarks with the design's assessment of each.

    Every benchmark of the chosen standard is listed, assessed or not, so a reader sees
    what the program has not yet checked itself against; checklist keys the standard
    does not know are listed after them as written.
    """
    try:
        benchmarks = knowledge.benchmarks(standard) if standard else ()
    except (KeyError, FileNotFoundError, OSError):
        benchmarks = ()
    met = {None: "Not assessed", True: "Yes", False: "No"}
    rows: list[tuple[str | None, ...]] = [
        (b.text, "Yes" if b.required else "No (enhancement)", met[checklist.get(b.key)])
        for b in benchmarks
    ]
    known = {b.key for b in benchmarks}
    rows += [(_human(k), "", met[v]) for k, v in checklist.items() if k not in known]
    return rows


def _resources(d: Design) -> Section:
    s = _Section(14, "resources", "Resources")
    r = d.resources
    s.fields(
        [
            ("Budget", "resources.budget", r.budget),
            ("Coordinator time", "resources.coordinator_time", r.coordinator_time),
        ]
    )
    s.add(Fields((Entry("Tools", ", ".join(r.tools)), Entry("Notes", r.notes))))
    return s.done()


def _risks(d: Design, findings: Sequence[RuleFinding]) -> Section:
    s = _Section(15, "risks", "Risks and mitigations")
    s.need("Risks and their mitigations", "risks", d.risks)
    rows: list[tuple[str | None, ...]] = []
    for i, r in enumerate(d.risks):
        mitigation = s.need(f"A mitigation for '{r.risk}'", f"risks.{i}.mitigation", r.mitigation)
        rows.append((r.risk, mitigation, r.owner, "design"))
    for f in findings:
        if f.severity == "warning":
            rows.append((f.message, f.fix, "", f"rule {f.rule}"))
    s.add(Table("risks", ("Risk", "Mitigation", "Owner", "Source"), tuple(rows), "", TBD))
    return s.done()


def _signoff(d: Design) -> Section:
    s = _Section(16, "signoff", "Sign-off")
    s.need("Who approves the charter", "approvals", d.approvals)
    s.add(
        Paragraph("By signing, each approver agrees to the program as this charter describes it.")
    )
    s.add(
        Table(
            "signoff",
            ("Role", "Name", "Date", "Signature"),
            tuple((a.role, a.name, a.date.isoformat() if a.date else "", "") for a in d.approvals),
            "",
            TBD,
        )
    )
    return s.done()


# --------------------------------------------------------------------------- build


def _check(design: Design) -> list[RuleFinding]:
    """The design's broken rules, from :mod:`workbook.rules` (the same list as everywhere)."""
    from workbook.rules import check

    return [RuleFinding.of(f) for f in check(design)]


def build(
    design: Design,
    findings: Iterable[FindingLike] | None = None,
    today: dt.date | None = None,
    chart: bool = True,
) -> Charter:
    """Build the charter of a design.

    Args:
        design: any design, finished or not.
        findings: the design's broken rules; ``None`` runs :func:`workbook.rules.check`.
        today: the charter's date when the design has never been saved (tests pin it).
        chart: draw the timeline chart (the only slow part; a quick preview may skip it).
    """
    found = _check(design) if findings is None else [RuleFinding.of(f) for f in findings]
    updated = design.updated.date() if design.updated else (today or dt.date.today())
    events = tl.build(design)
    sections = (
        _details(design, updated.isoformat()),
        _purpose(design),
        _objectives(design),
        _scope(design),
        _participation(design),
        _focus(design),
        _model(design),
        _roles(design),
        _matching(design),
        _journey(design, events, chart),
        _support(design),
        _policies(design),
        _evaluation(design),
        _resources(design),
        _risks(design, found),
        _signoff(design),
    )
    p = design.program
    return Charter(
        title=clean(p.name) or "Mentoring program",
        organisation=clean(p.organisation),
        version=f"revision {design.revision}",
        owner=clean(p.owner) or None,
        sponsor=clean(p.sponsor) or None,
        date=updated.isoformat(),
        sections=sections,
        findings=tuple(found),
        events=tuple(events),
    )


# --------------------------------------------------------------------------- render


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment of every charter template.

    Autoescape is on for ``*.html.j2`` and off for Markdown, where the ``md`` filter
    escapes instead; ``StrictUndefined`` turns a misspelt name into an error in the
    tests rather than a silent gap in a signed document.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=True, default=False
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.globals["TBD"] = TBD
    return env


def render_markdown(charter: Charter) -> str:
    """The charter as GitHub-flavoured Markdown (the timeline chart is a linked PNG)."""
    return environment().get_template("charter.md.j2").render(charter=charter)


def render_html(charter: Charter) -> str:
    """The charter as one self-contained HTML page (no scripts, print and phone styles)."""
    return environment().get_template("charter.html.j2").render(charter=charter)


def render(charter: Charter, fmt: str) -> bytes:
    """The bytes of one format.

    Raises:
        CharterError: ``fmt`` is not one of :data:`FORMATS`.
    """
    if fmt == "md":
        return render_markdown(charter).encode("utf-8")
    if fmt == "html":
        return render_html(charter).encode("utf-8")
    if fmt == "docx":
        from workbook.charter_docx import render_docx

        return render_docx(charter)
    raise CharterError(
        Problem(
            f"unknown format {fmt!r}", f"use one or more of {', '.join(FORMATS)}", field="format"
        )
    )


def write(
    design: Design,
    outdir: str | Path,
    formats: Sequence[str] = FORMATS,
    strict: bool = False,
    findings: Iterable[FindingLike] | None = None,
    today: dt.date | None = None,
) -> list[Path]:
    """Write ``charter.<fmt>`` for each format into ``outdir``; return the paths written.

    Each file is written atomically, so a reader never sees half a charter. Markdown
    cannot hold an image, so with ``md`` the timeline chart is written beside it as
    ``charter-timeline.png`` (and returned too).

    Raises:
        CharterError: ``strict`` and the design has open decisions or broken rules
            (one problem each), or an unknown format; nothing is written then.
        StoreError: a file could not be written.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise CharterError(
            Problem(
                f"unknown format {unknown[0]!r}" if unknown else "no format given",
                f"use one or more of {', '.join(FORMATS)}",
                field="format",
            )
        )
    charter = build(design, findings, today=today)
    if strict and not charter.ready:
        raise CharterError(charter.problems())
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in dict.fromkeys(formats):
        path = out / f"charter.{fmt}"
        atomic_write(path, render(charter, fmt))
        written.append(path)
        if fmt == "md" and charter.chart is not None:
            png = out / charter.chart.filename
            atomic_write(png, charter.chart.png)
            written.append(png)
    return written
