"""The sixteen sections of the charter, and sections 9 to 16: how the program runs.

:func:`sections`, which :func:`workbook.charter.build` calls, returns all sixteen in the
order a reader needs them: sections 1 to 8, what the program is, from
:mod:`workbook.charter.program`, then matching, the participant journey and timeline,
support and training, policies, evaluation, resources, risks and sign-off, built here one
function per section. Each section records what the design has not decided yet through
the :class:`~workbook.charter.drafting.SectionDraft` it is built with.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbook import clock, knowledge, matching
from workbook.charter import timeline as tl
from workbook.charter.blocks import (
    TBD,
    Bullets,
    Chart,
    Entry,
    Fields,
    Paragraph,
    RuleFinding,
    Section,
    Table,
)
from workbook.charter.drafting import (
    SectionDraft,
    add_component,
    catalogue_title,
    number_text,
    readable,
    yes_no,
)
from workbook.charter.program import program_sections
from workbook.design import Design, objective_key


def _matching(d: Design) -> Section:
    s = SectionDraft(9, "matching", "Matching")
    m = d.matching
    s.fields(
        [
            ("Method", "matching.method", readable(m.method) if m.method else None),
            (
                "The mentee's say",
                "matching.mentee_say",
                readable(m.mentee_say) if m.mentee_say else None,
            ),
            ("Review before matches are announced", "matching.review", m.review),
            ("Rematching", "matching.rematching", m.rematching),
        ]
    )
    s.add(Fields((Entry("What the matching optimises", readable(m.objective)),)))
    weights = m.weights.model_dump()
    rows = [
        (c.title, f"{w:g}" if (w := weights.get(c.key, c.weight(m))) else "off")
        for c in matching.every(m)
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
    add_component(s, d, "matching_initiating")
    r = m.results
    if r is None:
        s.add(Paragraph("No matching has been run yet; results will be added when it has."))
    else:
        quartiles = ", ".join(f"{q:.3g}" for q in r.score_quartiles)
        s.add(
            Fields(
                (
                    Entry("Run at", clock.utc_text(r.run_at)),
                    Entry("Mentees", str(r.mentees)),
                    Entry("Mentors", str(r.mentors)),
                    Entry("Matched", str(r.matched)),
                    Entry("Unmatched", str(r.unmatched)),
                    Entry("Mean score", number_text(r.mean_score) or ""),
                    Entry("Lowest score", number_text(r.min_score) or ""),
                    Entry("Score quartiles", quartiles),
                    Entry("Optimal", yes_no(r.optimal) or ""),
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
    s = SectionDraft(10, "timeline", "Participant journey and timeline")
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
                    tuple(events),
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
    s = SectionDraft(11, "support", "Support and training")
    for name in ("training", "monitoring_support", "closure"):
        add_component(s, d, name)
    return s.done()


def _policies(d: Design) -> Section:
    s = SectionDraft(12, "policies", "Policies")
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
    s = SectionDraft(13, "evaluation", "Evaluation plan")
    e = d.evaluation
    standard = catalogue_title("standards", e.quality_standard) if e.quality_standard else None
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
    rows += [(readable(k), "", met[v]) for k, v in checklist.items() if k not in known]
    return rows


def _resources(d: Design) -> Section:
    s = SectionDraft(14, "resources", "Resources")
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
    s = SectionDraft(15, "risks", "Risks and mitigations")
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
    s = SectionDraft(16, "signoff", "Sign-off")
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
    """Every section of the charter, in order: 1 to 8 (what the program is), then 9 to 16
    (how it runs)."""
    return (
        *program_sections(design, date),
        _matching(design),
        _journey(design, events, chart),
        _support(design),
        _policies(design),
        _evaluation(design),
        _resources(design),
        _risks(design, findings),
        _signoff(design),
    )
