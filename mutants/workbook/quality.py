"""Quality against a program standard: the score of a checklist, and what the design
itself shows (rule R7: quality is judged against a standard, effectiveness against the
program's own objectives).

A standard (``knowledge/standards.yaml``) has benchmarks; the design's
``evaluation.quality_checklist`` says which are met. :func:`score` counts them,
:func:`check_quality` refuses keys the standard does not have, and :func:`evidence`
lists the benchmarks the design's own decisions show are met, each with the reason,
as a suggestion the designer confirms (never a silent tick). The words each evidence
check looks for are data (``knowledge/quality_evidence.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from workbook import knowledge
from workbook.design import ComponentPlan, Design, objective_key
from workbook.errors import Problem
from workbook.steps.components import measured_objectives


@dataclass(frozen=True)
class QualityScore:
    """How many of a standard's benchmarks the design meets, and which it misses."""

    met: tuple[knowledge.Benchmark, ...]
    missing: tuple[knowledge.Benchmark, ...]
    """Not met, or not assessed yet; required benchmarks first."""
    unassessed: int = 0
    """How many of the missing benchmarks nobody has assessed yet."""

    @property
    def total(self) -> int:
        return len(self.met) + len(self.missing)

    @property
    def required_total(self) -> int:
        return sum(b.required for b in (*self.met, *self.missing))

    @property
    def required_met(self) -> int:
        return sum(b.required for b in self.met)

    def summary(self) -> str:
        """``"12 of 30 benchmarks met (10 of 21 required); 8 not assessed yet"``."""
        text = (
            f"{len(self.met)} of {self.total} benchmarks met "
            f"({self.required_met} of {self.required_total} required)"
        )
        return text + (f"; {self.unassessed} not assessed yet" if self.unassessed else "")


def score(standard: str, checklist: dict[str, bool]) -> QualityScore:
    """Score a checklist against a standard's benchmarks.

    Raises:
        KeyError: ``standard`` is not in ``standards.yaml`` (check with
            :func:`check_quality` first).
    """
    benchmarks = knowledge.benchmarks(standard)
    met = tuple(b for b in benchmarks if checklist.get(b.key) is True)
    missing = [b for b in benchmarks if checklist.get(b.key) is not True]
    missing.sort(key=lambda b: not b.required)  # stable: required first, in order
    unassessed = sum(b.key not in checklist for b in missing)
    return QualityScore(met, tuple(missing), unassessed)


def check_quality(standard: str | None, checklist: dict[str, bool]) -> list[Problem]:
    """Problems with a quality standard and checklist given as parameters.

    The widgets offer only known standards and their benchmarks; a parameter can name
    anything, and a headless run should fail on a typo rather than save it.
    """
    known = knowledge.keys("standards")
    if standard is None:
        return [
            Problem(
                "cannot be scored without a quality standard",
                f"set quality_standard to one of: {', '.join(known)}",
                field=f"quality_checklist.{key}",
            )
            for key in checklist
        ]
    if standard not in known:
        return [
            Problem(
                f"'{standard}' is not a known quality standard",
                f"use one of: {', '.join(known)}",
                field="quality_standard",
                value=standard,
            )
        ]
    benchmarks = {b.key for b in knowledge.benchmarks(standard)}
    return [
        Problem(
            f"'{key}' is not a benchmark of {knowledge.title('standards', standard)}",
            "use a key from the standard's checklist (the components step lists them)",
            field=f"quality_checklist.{key}",
        )
        for key in checklist
        if key not in benchmarks
    ]


Evidence = Callable[[Design], str | None]
_EVIDENCE: dict[str, Evidence] = {}


def _shows(*keys: str) -> Callable[[Evidence], Evidence]:
    """Register an evidence function for one or more benchmark keys."""

    def decorate(func: Evidence) -> Evidence:
        for key in keys:
            _EVIDENCE[key] = func
        return func

    return decorate


def evidence(design: Design, standard: str | None = None) -> dict[str, str]:
    """Benchmarks the design itself shows are met, each with the reason.

    This is a suggestion: the checklist is the designer's assessment, and a ticked box
    is a claim a sponsor reads in the charter, so the step shows the reason and lets the
    designer tick it (or press one button to tick them all). Only benchmarks whose
    evidence can be read from the design are covered: decisions (activities for both
    sides, mentees' say in matching, eligibility written down; the functions below)
    and the plans' own words (an agreement, check-ins; ``quality_evidence.yaml``).

    Args:
        standard: only this standard's benchmarks; every known benchmark if ``None``.
    """
    checks = _checks()
    keys: Iterable[str] = checks
    if standard is not None:
        if knowledge.entry("standards", standard) is None:
            return {}
        keys = [b.key for b in knowledge.benchmarks(standard) if b.key in checks]
    found = {}
    for key in keys:
        reason = checks[key](design)
        if reason:
            found[key] = reason
    return found


def _text(design: Design, component: str) -> str:
    plan: ComponentPlan = getattr(design.components, component)
    return " ".join([plan.plan, *plan.activities]).casefold()


def _mentions(design: Design, component: str, *words: str) -> str | None:
    """The first of ``words`` the component's plan or activities use at the start of a
    word (``"form"`` finds "sign-up form", not "information"), if any."""
    text = _text(design, component)
    return next((w for w in words if re.search(rf"(?<![a-z]){re.escape(w)}", text)), None)


def _words(entry: knowledge.CatalogueEntry) -> Evidence:
    """The check of one ``quality_evidence.yaml`` entry: its component uses one of its
    words."""
    component: str = entry.extra("component")
    words: tuple[str, ...] = tuple(str(word).casefold() for word in entry.extra("words"))

    def check(design: Design) -> str | None:
        word = _mentions(design, component, *words)
        if word is None:
            return None
        return f"the {knowledge.title('components', component).lower()} plan mentions '{word}'"

    return check


def evidence_keys() -> frozenset[str]:
    """The benchmarks :func:`evidence` can speak for (a test compares them with the
    standards)."""
    return frozenset(_checks())


@cache
def _checks() -> dict[str, Evidence]:
    """Every evidence check: the words in ``quality_evidence.yaml``, then the code's."""
    checks = {entry.key: _words(entry) for entry in knowledge.catalogue("quality_evidence")}
    return {**checks, **_EVIDENCE}


@_shows("recruitment.targeted_mentors")
def _targeted_mentors(design: Design) -> str | None:
    if design.participation.mentor_eligibility and design.components.recruitment.plan:
        return "mentor eligibility is written down (step 3) and recruitment has a plan"
    return None


@_shows("recruitment.eligibility_published")
def _eligibility(design: Design) -> str | None:
    p = design.participation
    if p.mentee_eligibility and p.mentor_eligibility:
        return "who may take part as mentee and as mentor is written down (step 3)"
    return None


@_shows("recruitment.mentor_recognition")
def _recognition(design: Design) -> str | None:
    if design.participation.mentor_recognition:
        return "mentor recognition is decided (step 3)"
    return None


@_shows("screening.time_commitment")
def _time_commitment(design: Design) -> str | None:
    m = design.model
    word = _mentions(design, "screening", "commit", "availab", "time")
    if m.duration_months and m.cadence and word:
        return (
            f"the model sets the length ({m.duration_months} months) and cadence, and "
            f"screening mentions '{word}'"
        )
    return None


@_shows("screening.conflicts_of_interest")
def _conflicts(design: Design) -> str | None:
    if design.matching.method is not None and design.matching.reporting_line_depth is None:
        return "matching bars the mentee's whole reporting line (rule R1)"
    return None


@_shows("screening.mentee_readiness")
def _readiness(design: Design) -> str | None:
    if design.participation.voluntary is True:
        return "both sides enrol voluntarily (rule R4)"
    return None


_MENTOR = re.compile(r"\bmentors?\b")
_MENTEE = re.compile(r"\bmentees?\b")


@_shows("training.mentor_pre_match")
def _mentor_training(design: Design) -> str | None:
    text = _text(design, "training")
    if _MENTOR.search(text) or "both sides" in text:
        return "the training plan has an activity for mentors"
    return None


@_shows("training.mentee_pre_match")
def _mentee_training(design: Design) -> str | None:
    text = _text(design, "training")
    if _MENTEE.search(text) or "both sides" in text:
        return "the training plan has an activity for mentees"
    return None


@_shows("matching_initiating.criteria")
def _criteria(design: Design) -> str | None:
    weights = design.matching.weights.model_dump()
    used = [name for name, weight in weights.items() if weight > 0]
    if design.matching.method is not None and weights["skills"] > 0 and len(used) >= 2:
        return f"matching weighs {', '.join(used)} (step 5)"
    return None


@_shows("matching_initiating.mentee_say")
def _mentee_say(design: Design) -> str | None:
    say = design.matching.mentee_say
    if say in ("preferences", "shortlist", "choice"):
        return f"mentees have a say in their match: {say} (rule R5)"
    return None


@_shows("matching_initiating.match_shared_first")
def _shared_first(design: Design) -> str | None:
    text = " ".join([_text(design, "matching_initiating"), design.matching.review.casefold()])
    if "decline" in text or "shared with both" in text:
        return "proposed matches are shared with both sides before they start"
    return None


@_shows("monitoring_support.progress_on_goals")
def _progress(design: Design) -> str | None:
    objectives = measured_objectives(design)
    measured = {objective_key(m.objective) for m in design.evaluation.effectiveness}
    if (
        objectives
        and set(objectives) <= measured
        and design.confidentiality.manager_receives_progress is False
    ):
        return "every objective has a measure and managers receive no progress details (R2)"
    return None


@_shows("closure.no_fault_exit")
def _no_fault(design: Design) -> str | None:
    word = _mentions(design, "closure", "no-fault", "no fault")
    if word:
        return f"the closure plan mentions a '{word}' exit"
    if design.policies.no_fault_exit:
        return "the policies state a no-fault exit"
    return None


@_shows("values_ethics")
def _values(design: Design) -> str | None:
    return "the policies include a code of conduct" if design.policies.code_of_conduct else None


@_shows("sensitive_data_consent")
def _consent(design: Design) -> str | None:
    if "consent" in design.policies.data_privacy.casefold():
        return "the data privacy policy asks for consent"
    return None


@_shows("clear_vision")
def _vision(design: Design) -> str | None:
    if (
        design.program.problem_statement
        and design.purposes
        and all(p.objectives for p in design.purposes)
    ):
        return "the problem is stated and every purpose has objectives (step 1)"
    return None


@_shows("governance")
def _governance(design: Design) -> str | None:
    if design.roles.steering_group or design.roles.steering_group_members:
        return "the steering group and its members are decided (step 3)"
    return None


@_shows("coordinator")
def _coordinator(design: Design) -> str | None:
    if design.roles.coordinator and design.resources.coordinator_time:
        return "the coordinator's role and time are decided"
    return None


@_shows("selection_matching")
def _selection(design: Design) -> str | None:
    p = design.participation
    if p.mentee_eligibility and p.mentor_eligibility and design.matching.method is not None:
        return "eligibility (step 3) and the matching method (step 5) are written down"
    return None


@_shows("support_training")
def _support(design: Design) -> str | None:
    c = design.components
    if c.training.plan and c.monitoring_support.plan:
        return "training and monitoring and support both have a plan"
    return None


@_shows("evaluation")
def _evaluated(design: Design) -> str | None:
    objectives = measured_objectives(design)
    measured = {objective_key(m.objective) for m in design.evaluation.effectiveness}
    if objectives and set(objectives) <= measured:
        return "every objective has an effectiveness measure"
    return None
