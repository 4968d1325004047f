"""The charter's sections on what the program is.

Purpose, objectives, scope, participation, focus areas, the mentoring model, and roles
with the confidentiality boundary, one function per section, and the fit check's full
reasoning as an appendix. :func:`program_sections` returns them in order;
:func:`workbook.charter.sections.sections` puts them after the sponsor's summary and
before the sections on how the program runs.
"""

from __future__ import annotations

from workbook import knowledge
from workbook.charter.blocks import (
    TBD,
    Bullets,
    Entry,
    Fields,
    Paragraph,
    Section,
    Table,
)
from workbook.charter.drafting import (
    SectionDraft,
    add_component,
    catalogue_title,
    cite,
    number_text,
    paragraphs,
    readable,
    yes_no,
)
from workbook.design import Design


def _purpose(d: Design) -> Section:
    s = SectionDraft("purpose", "Purpose and problem statement")
    statement = s.need(
        "Problem statement", "program.problem_statement", d.program.problem_statement
    )
    if statement:
        s.add(*(Paragraph(p) for p in paragraphs(statement)))
    else:
        s.add(Fields((Entry("Problem statement", None),)))
    s.need("Strategic purposes", "purposes", d.purposes)
    s.add(
        Bullets(
            tuple(p.title or catalogue_title("purposes", p.key) for p in d.purposes),
            "Strategic purposes",
            TBD,
        )
    )
    return s.done()


def _objectives(d: Design) -> Section:
    s = SectionDraft("objectives", "Strategic alignment and measurable objectives")
    s.add(
        Paragraph(
            "Each strategic purpose has measurable objectives (metric, baseline, target and "
            "date); the program's effectiveness is judged against them."
        )
    )
    s.need("Strategic purposes", "purposes", d.purposes)
    rows: list[tuple[str | None, ...]] = []
    for i, purpose in enumerate(d.purposes):
        name = purpose.title or catalogue_title("purposes", purpose.key)
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
                    number_text(o.baseline, o.unit),
                    number_text(o.target, o.unit),
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


_NOT_THIS = ("coaching", "training", "buddy_system", "sponsorship", "supervision")
"""The neighbours a mentoring program is told apart from, in the sources' own words."""


def _not_mentoring() -> tuple[str, ...]:
    """What this program is not, from the relationships catalogue (with its sources)."""
    items = []
    for key in _NOT_THIS:
        found = knowledge.entry("relationships", key)
        if found is not None:
            text = found.description.rstrip(".")
            items.append(f"{found.title}: {text} {cite(found.source)}.".replace(" .", "."))
    return tuple(items)


def _scope(d: Design) -> Section:
    s = SectionDraft("scope", "Scope: why mentoring, and what this program is not")
    result = d.fit.result
    s.need("The fit check (is mentoring the right tool?)", "fit.result", result)
    if result is not None:
        s.add(
            Fields(
                (
                    Entry(
                        "Recommended",
                        ", ".join(catalogue_title("relationships", k) for k in result.recommended)
                        or None,
                    ),
                    Entry("Summary", result.summary or None),
                    # A result resting on three answers is not shown like one on eleven.
                    *(
                        (Entry("How sure", result.confidence_text),)
                        if result.confidence_text
                        else ()
                    ),
                ),
                "Fit check",
            )
        )
        if result.ranking:
            s.add(
                Paragraph(
                    "How the alternatives compare, and the answers behind the "
                    "recommendation, are in the appendix on the fit check."
                )
            )
    s.add(Bullets(_not_mentoring(), "What this program is not"))
    return s.done()


def fit_appendix(d: Design) -> Section | None:
    """The fit check's full reasoning, for the reader who wants it: every relationship's
    score and the answers behind the recommendation, each with its sources."""
    result = d.fit.result
    if result is None or not result.ranking:
        return None
    s = SectionDraft("fit", "The fit check in detail", "appendix")
    s.add(
        Table(
            "fit-ranking",
            ("Relationship", "Fit (0 to 100)"),
            tuple(
                (catalogue_title("relationships", r.relationship), f"{r.score:.0f}")
                for r in result.ranking
            ),
            "How the alternatives compare",
        )
    )
    # Only the reasons about the recommendation: the fit check also records why
    # every other relationship scored as it did, which a sponsor does not need.
    chosen = [r for r in result.reasons if r.relationship in result.recommended]
    for title, reasons in (
        ("Why", [r for r in chosen if r.points >= 0]),
        ("Answers that point elsewhere", [r for r in chosen if r.points < 0]),
    ):
        if reasons:
            s.add(
                Table(
                    "fit-reasons",
                    ("Question", "Answer", "What it means", "Sources"),
                    tuple((r.question, r.answer, r.text, cite(r.source)) for r in reasons),
                    title,
                )
            )
    return s.done()


def _participation(d: Design) -> Section:
    s = SectionDraft("participation", "Who takes part and how")
    p = d.participation
    s.fields(
        [
            ("Mentee eligibility", "participation.mentee_eligibility", p.mentee_eligibility),
            ("Mentor eligibility", "participation.mentor_eligibility", p.mentor_eligibility),
            ("Voluntary enrolment on both sides", "participation.voluntary", yes_no(p.voluntary)),
            (
                "A person may be both mentor and mentee",
                "participation.both_roles_allowed",
                yes_no(p.both_roles_allowed),
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
    add_component(s, d, "recruitment")
    add_component(s, d, "screening")
    return s.done()


def _focus(d: Design) -> Section:
    s = SectionDraft("focus", "Focus areas")
    s.need("Focus areas", "focus_areas", d.focus_areas)
    purposes = {p.key: p.title or catalogue_title("purposes", p.key) for p in d.purposes}
    s.add(
        Table(
            "focus-areas",
            ("Focus area", "Priority", "Serves", "Note"),
            tuple(
                (
                    catalogue_title("focus_areas", a.key),
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
    s = SectionDraft("model", "Mentoring model")
    m = d.model
    rows: list[tuple[str, str, object]] = [
        ("Format", "model.format", catalogue_title("models", m.format) if m.format else None),
        ("Intake", "model.intake", readable(m.intake) if m.intake else None),
        ("Start", "model.start_date", m.start_date.isoformat() if m.start_date else None),
        (
            "Duration",
            "model.duration_months",
            f"{m.duration_months} months" if m.duration_months else None,
        ),
        ("Meeting cadence", "model.cadence", readable(m.cadence) if m.cadence else None),
        ("Meetings", "model.meeting_mode", readable(m.meeting_mode) if m.meeting_mode else None),
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


def _boundary(d: Design, s: SectionDraft) -> tuple[str, ...]:
    """The confidentiality boundary in plain sentences, from the design's answers."""
    c = d.confidentiality
    said: list[str] = ["The mentee's manager is never the mentee's mentor."]
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
            "The mentee's manager receives details of the mentee's progress, which the "
            "program's rules advise against.",
            "The mentor gives the mentee's manager no details of the mentee's progress.",
        ),
        (
            "Whether the relationship feeds performance reviews",
            "feeds_performance_review",
            "What happens in the relationship feeds performance reviews, which the "
            "program's rules advise against.",
            "Nothing from the mentoring relationship feeds a performance review.",
        ),
        (
            "Whether the manager directs the learning",
            "manager_directs_learning",
            "The mentee's manager directs the learning, which the program's rules advise against.",
            "The mentee, not the manager, directs the learning.",
        ),
    )
    for label, name, yes, no in choices:
        value = getattr(c, name)
        if s.need(label, f"confidentiality.{name}", value) is not None:
            said.append(yes if value else no)
    return tuple(said)


def _roles(d: Design) -> Section:
    s = SectionDraft("roles", "Roles and responsibilities")
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
    s.add(*(Paragraph(p) for p in paragraphs(statement or "")))
    return s.done()


def program_sections(design: Design) -> tuple[Section, ...]:
    """The sections on what the program is, in order."""
    return (
        _purpose(design),
        _objectives(design),
        _scope(design),
        _participation(design),
        _focus(design),
        _model(design),
        _roles(design),
    )
