"""The charter's first page: what a sponsor needs to decide whether to sign.

A sponsor reads this page and perhaps nothing else: the problem and why mentoring, the
objectives (baseline, target, date), who takes part and how many, how long and how often,
what it costs, the key dates, the main risks, and exactly what the signature commits to.
Everything here is said again, in full, in the numbered sections; this page only
chooses and shortens, so it fits one page (the Word test measures it). Undecided values
show as *to be decided*, as everywhere in the charter; the program's name, organisation,
owner and sponsor are required here, since no other section states them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workbook.charter import timeline as tl
from workbook.charter.blocks import TBD, Bullets, Entry, Fields, Paragraph, RuleFinding, Section
from workbook.charter.drafting import (
    SectionDraft,
    catalogue_title,
    number_text,
    paragraphs,
    readable,
)
from workbook.design import Design

LONGEST_PROBLEM = 60
"""Words of the problem statement on the summary page (the whole text is in the
purpose section); cut at a sentence end where one falls after half of it."""

MOST_OBJECTIVES = 4
MOST_RISKS = 3
KEY_DATES = ("Matching", "Kick-off", "Midpoint", "Closure", "Evaluation")
"""Timeline events a sponsor plans around, matched by the start of their name."""


def _short(text: str, words: int) -> str:
    """The first paragraph, cut to about ``words`` words at a sentence end."""
    first = (paragraphs(text) or [""])[0]
    split = first.split()
    if len(split) <= words:
        return first
    cut = " ".join(split[:words])
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > len(cut) // 2 else cut.rstrip(",;:") + " …"


def _count(n: int, noun: str) -> str:
    """``1 mentor``, ``2 mentors``: the page is read aloud in meetings."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _people(d: Design) -> str | None:
    p = d.participation
    if p.expected_mentees is None and p.expected_mentors is None:
        return None
    said = []
    if p.expected_mentees is not None:
        said.append(_count(p.expected_mentees, "mentee"))
    if p.expected_mentors is not None:
        said.append(_count(p.expected_mentors, "mentor"))
    text = " and ".join(said)
    if p.mentor_capacity is not None:
        text += f", up to {_count(p.mentor_capacity, 'mentee')} each"
    if p.voluntary is not None:
        text += "; voluntary on both sides" if p.voluntary else "; not voluntary"
    return text


def _length(d: Design) -> str | None:
    m = d.model
    if m.format is None and m.duration_months is None and m.start_date is None:
        return None
    parts = []
    if m.format:
        parts.append(catalogue_title("models", m.format))
    if m.duration_months:
        parts.append(_count(m.duration_months, "month"))
    else:  # the heading asks how long: a format alone must not read as the answer
        parts.append("length to be decided")
    if m.start_date:
        parts.append(f"from {m.start_date.isoformat()}")
    meetings = []
    if m.cadence:
        meetings.append(readable(m.cadence).lower())
    if m.meeting_minutes:
        meetings.append(f"{m.meeting_minutes} minutes")
    if m.meeting_mode:
        meetings.append(readable(m.meeting_mode).lower())
    text = ", ".join(parts)
    return text + (f"; meetings {', '.join(meetings)}" if meetings else "; how often to be decided")


def _cost(d: Design) -> str | None:
    r = d.resources
    said = [
        x
        for x in (r.budget, f"coordinator: {r.coordinator_time}" if r.coordinator_time else "")
        if x
    ]
    return "; ".join(said) or None


def _dates(events: Sequence[tl.Event]) -> str:
    picked = []
    for prefix in KEY_DATES:
        event = next((e for e in events if e.name.startswith(prefix)), None)
        if event is not None:
            picked.append(f"{event.name} {event.start.isoformat()}")
    return "; ".join(picked)


def _objectives(d: Design) -> tuple[str, ...]:
    lines = []
    for _, o in d.objectives():
        name = o.description or o.metric
        if not name:
            continue
        base, target = number_text(o.baseline, o.unit), number_text(o.target, o.unit)
        change = f"from {base} to {target}" if base and target else f"to {target}" if target else ""
        due = f"by {o.due.isoformat()}" if o.due else ""
        said = " ".join(part for part in (change, due) if part)
        lines.append(f"{name}: {said}" if said else name)
    if len(lines) > MOST_OBJECTIVES:
        more = len(lines) - MOST_OBJECTIVES
        lines = [*lines[:MOST_OBJECTIVES], f"and {more} more in the objectives section"]
    return tuple(lines)


def _risks(d: Design, findings: Sequence[RuleFinding]) -> tuple[str, ...]:
    lines = [
        f"{r.risk.rstrip('.')}: {r.mitigation[:1].lower()}{r.mitigation[1:]}".rstrip(": ")
        if r.mitigation
        else r.risk
        for r in d.risks
    ]
    lines += [f.message[:1].upper() + f.message[1:] for f in findings if f.severity == "warning"]
    return tuple(lines[:MOST_RISKS])


def _commitment(d: Design) -> tuple[str, ...]:
    """What the signature commits to, from the design's own words."""
    said = []
    if _cost(d):
        said.append("The resources above: the budget and the coordinator's time.")
    sponsor = [re.sub(r"\.$", "", x.strip()) for x in d.roles.sponsor if x.strip()]
    if sponsor:
        said.append(
            "The sponsor's part: " + "; ".join(x[:1].lower() + x[1:] for x in sponsor) + "."
        )
    said.append(
        "The confidentiality boundary: the mentee's manager never mentors them and hears no "
        "details of their progress."
    )
    dues = [o.due for _, o in d.objectives() if o.due]
    if dues:
        said.append(f"A review of the results against the objectives by {max(dues).isoformat()}.")
    return tuple(said)


def summary(
    design: Design, findings: Sequence[RuleFinding], events: Sequence[tl.Event], date: str
) -> Section:
    """The sponsor's one-page summary (built from the design alone, no roster data)."""
    d = design
    s = SectionDraft("summary", "Summary for the sponsor", "summary")
    p = d.program
    # Named in the charter's header; required, and decided nowhere else.
    s.need("Program name", "program.name", p.name)
    s.need("Organisation", "program.organisation", p.organisation)
    s.need("Sponsor", "program.sponsor", p.sponsor)
    s.need("Owner", "program.owner", p.owner)
    problem = _short(p.problem_statement, LONGEST_PROBLEM)
    recommended = d.fit.result.recommended if d.fit.result else []
    why = (
        "The fit check recommends "
        + " and ".join(catalogue_title("relationships", k).lower() for k in recommended)
        + " for this need, rather than coaching, training, a buddy system or sponsorship."
        if recommended
        else ""
    )
    s.add(Paragraph(" ".join(x for x in (problem, why) if x) or TBD))
    s.add(Bullets(_objectives(d), "What it will achieve", TBD))
    s.add(
        Fields(
            (
                Entry("Who takes part", _people(d)),
                Entry("How long and how often", _length(d)),
                Entry("What it costs", _cost(d)),
                Entry("Key dates", _dates(events) or None),
            ),
            "The program at a glance",
        )
    )
    s.add(Bullets(_risks(d, findings), "Main risks", "None recorded"))
    s.add(Bullets(_commitment(d), "What your signature commits to"))
    return s.done()
