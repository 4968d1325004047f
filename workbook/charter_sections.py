"""The sixteen sections of the charter, each built from the design.

One function per section, in the order a reader needs them (issue 6). Each collects its
blocks and records what the design has not decided yet, with the design field where it
is decided, so the readiness checklist can list it. Titles come from the knowledge
catalogues, never from a copy here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from workbook import knowledge
from workbook import timeline as tl
from workbook.charter_blocks import (
    TBD,
    Block,
    Bullets,
    Chart,
    Entry,
    Fields,
    OpenDecision,
    Paragraph,
    RuleFinding,
    Section,
    Table,
    clean,
)
from workbook.components import objective_key
from workbook.design import ComponentPlan, Design


def _paragraphs(text: str) -> list[str]:
    """User text split at blank lines, so each paragraph stays a paragraph."""
    return [clean(p) for p in re.split(r"\n\s*\n", text) if clean(p)]


def _human(key: str) -> str:
    """``one_to_one`` -> ``One to one``: a readable fallback for a key."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _title(catalogue: str, key: str) -> str:
    """The catalogue title of a key, or the key made readable (a written-in choice has
    no catalogue entry, and an unknown key is the rules' error to report, not ours)."""
    text = knowledge.title(catalogue, key)
    return _human(key) if text == key else text


def _number(value: float | None, unit: str = "") -> str | None:
    if value is None:
        return None
    text = f"{value:g}"
    if not unit:
        return text
    return f"{text}{unit}" if unit.startswith("%") and len(unit) == 1 else f"{text} {unit}"


def _step_of(path: str) -> tuple[str, str]:
    """The workbook step (title, notebook) that decides a design field, from
    ``knowledge/steps.yaml``, so the checklist says where to go, as the overview does."""
    top = path.split(".", 1)[0]
    for step in knowledge.catalogue("steps"):
        if top in step.extra("fields"):
            return step.title, str(step.extra("notebook"))
    return "", ""


def _utc(moment: dt.datetime | None) -> str:
    """A timestamp in UTC to the minute; a naive one is taken to be UTC already."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes" if value else "No")


class _Section:
    """Collects one section's blocks and open decisions while it is being built."""

    def __init__(self, number: int, key: str, title: str) -> None:
        self.number, self.key, self.title = number, key, title
        self.blocks: list[Block] = []
        self.open: list[OpenDecision] = []

    def need(self, label: str, path: str, value: object) -> str | None:
        """Record ``label`` as open when ``value`` is undecided; return it as text."""
        if value is None or value == "" or value == [] or value == ():
            step, notebook = _step_of(path)
            section = f"{self.number}. {self.title}"
            self.open.append(OpenDecision(section, label, path, step, notebook))
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


def _component(s: _Section, d: Design, name: str) -> None:
    """One of MENTOR's six components (titled as in ``knowledge/components.yaml``): its
    plan is required, its owner, timing and activities are shown when given."""
    plan: ComponentPlan = getattr(d.components, name)
    title = _title("components", name)
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


_NOT_THIS = ("coaching", "training", "buddy_system", "sponsorship", "supervision")
"""The neighbours a mentoring program is told apart from, in the sources' own words."""


def _not_mentoring() -> tuple[str, ...]:
    """What this program is not, from the relationships catalogue (with its sources)."""
    items = []
    for key in _NOT_THIS:
        found = knowledge.entry("relationships", key)
        if found is not None:
            text = found.description.rstrip(".")
            items.append(f"{found.title}: {text} (source {found.source}).")
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
        if result.ranking:
            s.add(
                Table(
                    "fit-ranking",
                    ("Relationship", "Fit (0 to 100)"),
                    tuple(
                        (_title("relationships", r.relationship), f"{r.score:.0f}")
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
                        ("Question", "Answer", "What it means", "Source"),
                        tuple((r.question, r.answer, r.text, r.source) for r in reasons),
                        title,
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
    _component(s, d, "recruitment")
    _component(s, d, "screening")
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
        ("Format", "model.format", _title("models", m.format) if m.format else None),
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
        constraints.append(
            "Mentor and mentee work in the same department."
            if m.department == "same"
            else "Mentor and mentee work in different departments."
        )
    if m.max_timezone_hours is not None:
        constraints.append(f"At most {m.max_timezone_hours:g} hours apart in time zone.")
    if m.min_score:
        constraints.append(f"No match scoring below {m.min_score:g}.")
    if m.avoid_repeat_pairs:
        constraints.append("No pair that has been matched before.")
    s.add(Bullets(tuple(constraints), "Hard constraints"))
    _component(s, d, "matching_initiating")
    r = m.results
    if r is None:
        s.add(Paragraph("No matching has been run yet; results will be added when it has."))
    else:
        quartiles = ", ".join(f"{q:.3g}" for q in r.score_quartiles)
        s.add(
            Fields(
                (
                    Entry("Run at", _utc(r.run_at)),
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
    for name in ("training", "monitoring_support", "closure"):
        _component(s, d, name)
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
    # Decided in the components step's evaluation plan, matched on the metric the
    # same way that step matches it.
    measured = {objective_key(m.objective) for m in e.effectiveness}
    for _, o in d.objectives():
        if o.metric and objective_key(o.metric) not in measured:
            s.need(f"How '{o.metric}' is measured", "evaluation.effectiveness", None)
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
    except KeyError:  # an unknown standard: rule E-unknown-standard reports it
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


def sections(
    design: Design,
    findings: Sequence[RuleFinding],
    events: Sequence[tl.Event],
    date: str,
    chart: bool = True,
) -> tuple[Section, ...]:
    """Every section of the charter, in order."""
    return (
        _details(design, date),
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
        _risks(design, findings),
        _signoff(design),
    )
