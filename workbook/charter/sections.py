"""The charter put together, and its sections on how the program runs.

:func:`sections`, which :func:`workbook.charter.build` calls, returns them in the order a
reader needs them: the one-page summary for the sponsor (:mod:`workbook.charter.summary`),
the sections on what the program is (:mod:`workbook.charter.program`), then matching, the
participant journey and timeline, support and training, policies, evaluation, resources,
risks and sign-off, built here one function per section; then the appendices (reference
material a sponsor may skip, summarised in a sentence where it was) and the numbered
references. Each section records what the design has not decided yet through the
:class:`~workbook.charter.drafting.SectionDraft` it is built with.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

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
    clean,
)
from workbook.charter.drafting import (
    SectionDraft,
    add_component,
    catalogue_title,
    cite_standard,
    readable,
    references,
)
from workbook.charter.program import fit_appendix, program_sections
from workbook.charter.results import results_appendix
from workbook.charter.summary import summary
from workbook.design import SMALLEST_GROUP, Design, objective_key
from workbook.evaluation import plan

_AIMS = {
    "coverage": "as many mentees matched as possible",
    "quality": "the best total match quality",
    "fairness": "the weakest match as good as possible",
}


def _matching(d: Design) -> Section:
    s = SectionDraft("matching", "Matching")
    m = d.matching
    implied = matching.implied(d)

    def decision(field: str, words: str | None) -> str | None:
        """The matching plan's decision, else the one the rest of the design states."""
        if words:
            return words
        found = implied.get(field)
        return f"{found.text} (as {found.source} says)" if found else None

    s.fields(
        [
            (
                "Method",
                "matching.method",
                decision("method", m.method and knowledge.title("match_methods", m.method)),
            ),
            (
                "The mentee's say",
                "matching.mentee_say",
                decision(
                    "mentee_say", m.mentee_say and knowledge.title("mentee_says", m.mentee_say)
                ),
            ),
            (
                "Review before matches are announced",
                "matching.review",
                decision("review", m.review),
            ),
            ("Rematching", "matching.rematching", decision("rematching", m.rematching)),
        ]
    )
    active = [c.title for c in matching.every(m) if m.weights.model_dump().get(c.key, c.weight(m))]
    s.add(
        Paragraph(
            f"The matching aims for {_AIMS[m.objective]} and weighs "
            + (
                ", ".join(active[:-1]) + " and " + active[-1]
                if len(active) > 1
                else "".join(active)
            )
            + "; the weights are in the appendix on the matching criteria."
            if active
            else f"The matching aims for {_AIMS[m.objective]}."
        )
    )
    constraints = [
        "Nobody is matched with themselves.",
        "Nobody in the mentee's reporting line is their mentor."
        if m.reporting_line_depth is None
        else f"Nobody up to {m.reporting_line_depth} level(s) above the mentee in their "
        "reporting line is their mentor.",
    ]
    fmt = d.model.format
    musts = matching.required(m)
    constraints += [f"Only when the mentor {c.must(m, fmt)[0]} (a must-have)." for c in musts]
    # The seniority gap, the department and the time zone limit shape a criterion's
    # score; unless they are must-haves they rule no pair out, so the charter says them
    # as preferences, and only for criteria that weigh anything.
    weighed = {c.key for c in matching.active(m)} - {c.key for c in musts}
    preferred = []
    if "seniority" in weighed:
        if fmt in ("reverse", "peer"):
            preferred.append(f"No seniority gap is required ({fmt} mentoring).")
        elif m.seniority_min_gap is not None or m.seniority_max_gap is not None:
            low = m.seniority_min_gap if m.seniority_min_gap is not None else 0
            high = (
                f"at most {m.seniority_max_gap}"
                if m.seniority_max_gap is not None
                else "any number of"
            )
            preferred.append(f"The mentor is at least {low} and {high} level(s) above the mentee.")
    if "department" in weighed:
        preferred.append(
            "Mentor and mentee work in the same department."
            if m.department == "same"
            else "Mentor and mentee work in different departments."
        )
    if "timezone" in weighed and m.max_timezone_hours is not None:
        preferred.append(f"At most {m.max_timezone_hours:g} hours apart in time zone.")
    if m.min_score:
        constraints.append(f"No match scoring below {m.min_score:g}.")
    if m.avoid_repeat_pairs:
        constraints.append("No pair that has been matched before.")
    s.add(Bullets(tuple(constraints), "Never matched"))
    if preferred:
        s.add(
            Bullets(
                tuple(preferred),
                "Preferred: these raise a pair's score and rule no pair out",
            )
        )
    add_component(s, d, "matching_initiating")
    r = m.results
    if r is None:
        s.add(Paragraph("No matching has been run yet; results will be added when it has."))
    else:
        quartiles = ", ".join(_score(q) for q in r.score_quartiles)
        p = d.participation
        s.add(
            Table(
                "matching-results",
                ("", "Planned", "Last matching"),
                (
                    ("Mentees", _count(p.expected_mentees), str(r.mentees)),
                    ("Mentors", _count(p.expected_mentors), str(r.mentors)),
                    (
                        "Most mentees for one mentor",
                        _count(p.mentor_capacity),
                        "" if r.most_per_mentor is None else str(r.most_per_mentor),
                    ),
                    ("Matched", "", str(r.matched)),
                    ("Unmatched", "", str(r.unmatched)),
                ),
                f"The last matching ({clock.utc_text(r.run_at)}; totals only, no names)"
                if r.run_at
                else "The last matching (totals only, no names)",
            )
        )
        scores = (
            f"Match scores (0 to 100): mean {_score(r.mean_score)}, lowest "
            f"{_score(r.min_score)}, quartiles {quartiles or '-'}; "
            if r.matched >= SMALLEST_GROUP or not r.matched
            else f"Match scores are not shown for fewer than {SMALLEST_GROUP} "
            "matched mentees, so that nobody's score can be worked out; "
        )
        s.add(
            Paragraph(
                scores
                + (
                    "the matching is the best possible under the rules."
                    if r.optimal
                    else "the solver did not prove the matching the best possible."
                )
            )
        )
    return s.done()


def _score(value: float | None) -> str:
    """A match score as the matching step shows it: a whole number, half up (a sponsor
    reads 51, not 51.042)."""
    return "-" if value is None else str(math.floor(value + 0.5))


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def criteria_appendix(d: Design) -> Section:
    """The matching criteria and their weights, for the reader who wants the detail."""
    s = SectionDraft("criteria", "The matching criteria", "appendix")
    m = d.matching
    weights = m.weights.model_dump()
    rows = [
        (
            c.title,
            f"{w:g}" if (w := weights.get(c.key, c.weight(m))) else "off",
            f"Yes: the mentor {c.must(m, d.model.format)[0]}" if c.required(m) else "",
        )
        for c in matching.every(m)
    ]
    s.add(
        Table(
            "criteria",
            ("Criterion", "Weight", "Must have"),
            tuple(rows),
            "Criteria and weights; a pair failing a must-have is never matched",
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


def _journey(d: Design, events: Sequence[tl.Event], chart: bool, stem: str) -> Section:
    s = SectionDraft("timeline", "Participant journey and timeline")
    s.add(Bullets(_JOURNEY, "The journey (Zachary's four phases)"))
    # The model's words for the same decisions: the checklist lists each once.
    s.need("Start", "model.start_date", d.model.start_date)
    s.need("Duration", "model.duration_months", d.model.duration_months)
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
                    f"{stem}-timeline.png",
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
    s = SectionDraft("support", "Support and training")
    for name in ("training", "monitoring_support", "closure"):
        add_component(s, d, name)
    return s.done()


def _policies(d: Design) -> Section:
    s = SectionDraft("policies", "Policies")
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
    s = SectionDraft("evaluation", "Evaluation plan")
    e = d.evaluation
    standard = (
        f"{catalogue_title('standards', e.quality_standard)} {cite_standard(e.quality_standard)}"
        if e.quality_standard
        else None
    )
    s.add(
        Paragraph(
            "Effectiveness is judged against the program's objectives; quality against a "
            "program standard."
        )
    )
    s.need("How effectiveness is measured", "evaluation.effectiveness", e.effectiveness)
    # Decided in the components step's evaluation plan, matched on the metric the
    # same way that step matches it.
    measured = {objective_key(m.objective) for m in e.effectiveness}
    for _, o in d.objectives():
        metric = clean(o.metric)
        if metric and objective_key(o.metric) not in measured:
            s.need(f"How '{metric}' is measured", "evaluation.effectiveness", None)
    s.add(
        Table(
            "effectiveness",
            ("Objective", "Method", "When", "Who"),
            tuple((m.objective, m.method, m.when, m.who) for m in e.effectiveness),
            "Effectiveness",
            TBD,
        )
    )
    _effects(s, d)
    s.fields([("Quality standard", "evaluation.quality_standard", standard)], "Quality")
    rows = _quality_rows(e.quality_standard, e.quality_checklist)
    if rows:
        required = [r for r in rows if r[1] == "Yes"]
        met = sum(r[2] == "Yes" for r in required)
        unassessed = sum(r[2] == "Not assessed" for r in required)
        s.add(
            Paragraph(
                f"By the program's own assessment it meets {met} of the standard's "
                f"{len(required)} required benchmarks"
                + (f"; {unassessed} are not assessed yet" if unassessed else "")
                + ". Every benchmark is listed in the appendix on quality benchmarks."
            )
        )
    return s.done()


def _effects(s: SectionDraft, d: Design) -> None:
    """Per objective, in words: what the participants' result is compared with, that
    design's main weakness, the smallest change it could detect (or what is missing to
    work it out) and what the data owner must provide."""
    plans = plan.objective_plans(d)
    if not plans:
        return
    e = d.evaluation
    said = (
        "How each objective's effect is told apart from what would have happened anyway. "
        f"Each smallest detectable change is worked out for {plan.a_percent(e.power)} chance "
        f"of detecting a change that size and {plan.a_percent(e.significance)} risk of a "
        "false alarm."
    )
    compared = any(p.measure and p.measure.design in ("comparison", "waitlist") for p in plans)
    if compared:
        said += (
            f" Participants are compared like with like on {plan.covariate_words(e.covariates)}."
            if e.covariates
            else " No characteristics to compare participants like with like on are named yet."
        )
    s.add(Paragraph(said))
    first: dict[str, str] = {}  # design key -> the objective its weakness was given for
    for found in plans:
        o, m, design = found.objective, found.measure, found.design
        rows = [Entry("Evaluation design", design.title if design else "Not chosen yet")]
        if design is not None:
            weakness = (
                f"As for '{first[design.key]}' above." if design.key in first else design.weakness
            )
            first.setdefault(design.key, found.name)
            rows.append(Entry("Its main weakness", weakness))
        rows.append(Entry("Smallest change it can detect", found.sentence()))
        needed = found.data_needed(e.covariates)
        if needed is not None and m is not None:
            rows.append(Entry("The data owner provides", needed))
            who = m.who or o.owner or o.data_source
            when = m.when or (f"By {o.due.isoformat()}" if o.due else "")
            rows += [Entry(label, v) for label, v in (("Provided by", who), ("When", when)) if v]
        s.add(Fields(tuple(rows), clean(found.name)))


def quality_appendix(d: Design) -> Section | None:
    """Every benchmark of the chosen standard with the program's own assessment."""
    e = d.evaluation
    rows = _quality_rows(e.quality_standard, e.quality_checklist)
    if not rows:
        return None
    s = SectionDraft("quality", "Quality benchmarks", "appendix")
    s.add(Table("quality", ("Benchmark", "Required", "Met"), tuple(rows), "Quality checklist"))
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
    s = SectionDraft("resources", "Resources")
    r = d.resources
    s.fields(
        [
            ("Budget", "resources.budget", r.budget),
            ("Coordinator time", "resources.coordinator_time", r.coordinator_time),
        ]
    )
    optional = [Entry("Tools", ", ".join(r.tools)), Entry("Notes", r.notes)]
    if any(e.value for e in optional):  # unset optional rows say nothing: left out
        s.add(Fields(tuple(e for e in optional if e.value)))
    return s.done()


def _risks(d: Design, findings: Sequence[RuleFinding]) -> Section:
    s = SectionDraft("risks", "Risks and mitigations")
    s.need("Risks and their mitigations", "risks", d.risks)
    rows: list[tuple[str | None, ...]] = []
    for i, r in enumerate(d.risks):
        mitigation = s.need(f"A mitigation for '{r.risk}'", f"risks.{i}.mitigation", r.mitigation)
        rows.append((r.risk, mitigation, r.owner, "design"))
    for f in findings:
        if f.severity == "warning":
            rows.append((_sentence(f.message), _sentence(f.fix), "", f"Design check: {f.title}"))
    s.add(Table("risks", ("Risk", "Mitigation", "Owner", "Source"), tuple(rows), "", TBD))
    return s.done()


def _sentence(text: str) -> str:
    """A rule's message or fix as a sentence: a capital first, a full stop last."""
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


def _signoff(d: Design) -> Section:
    s = SectionDraft("signoff", "Sign-off")
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


def _references() -> Section:
    s = SectionDraft("references", "References", "references")
    s.add(
        Paragraph(
            "The workbook's guidance, and so this charter, rests on these texts; numbers in "
            "square brackets cite them."
        )
    )
    s.add(Bullets(references()))
    return s.done()


def sections(
    design: Design,
    findings: Sequence[RuleFinding],
    events: Sequence[tl.Event],
    date: str,
    chart: bool = True,
    stem: str = "charter",
) -> tuple[Section, ...]:
    """Every section of the charter, in reading order: the sponsor's summary, the
    numbered sections (what the program is, then how it runs), the appendices and the
    references, each numbered here."""
    body = (
        *program_sections(design),
        _matching(design),
        _journey(design, events, chart, stem),
        _support(design),
        _policies(design),
        _evaluation(design),
        _resources(design),
        _risks(design, findings),
        _signoff(design),
    )
    appendices = [
        a
        for a in (
            fit_appendix(design),
            quality_appendix(design),
            criteria_appendix(design),
            results_appendix(design),
        )
        if a is not None
    ]
    return (
        summary(design, findings, events, date),
        *(replace(section, number=i) for i, section in enumerate(body, start=1)),
        *(replace(a, number=i) for i, a in enumerate(appendices, start=1)),
        _references(),
    )
