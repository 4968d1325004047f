"""Check a design against the rules R1..R10 and report what makes it unusable.

The rules' words (statement, why, source, each check's message and fix) are data in
``workbook/knowledge/rules.yaml``; this module holds only the logic, one small function
per check, registered under the check's key. :func:`check` runs them all in the order
of the data file, so the charter, ``workbook validate`` and every step's widget show
the same findings in the same order.

Undecided values (``None``, empty lists) are never findings: an unfinished design is
valid, and the charter's readiness checklist lists open decisions separately. A finding
is raised only by a decision that contradicts a rule (a warning) or that cannot be used
(an error).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from workbook import clock, knowledge, steps
from workbook.design import Design
from workbook.errors import Problem
from workbook.evaluation import plan

Hit = dict[str, Any]
"""The placeholders one failed check fills in its field, message and fix templates."""

CheckFunction = Callable[[Design, dict[str, Any]], Iterator[Hit]]
"""A check: given the design and its rule's ``params``, yield one hit per breach."""


@dataclass(frozen=True)
class Finding:
    """One way a design breaks a rule, with what to change, ready to show or print.

    Attributes:
        rule: ``"R6"``, or ``"E-..."`` for an error that makes the design unusable.
        severity: ``"error"`` (the design cannot be used) or ``"warning"``.
        step: the design step that shows it (a key of :mod:`workbook.steps`).
        field: dotted design path, e.g. ``model.duration_months``.
        message: what is wrong.
        why: why it matters, from the rule's source.
        fix: what to change.
        source: seed number(s) the rule comes from.
        title: the rule's name in words ("Relationships last long enough"): a designer
            sees it beside the id, a sponsor sees only the words.
    """

    rule: str
    severity: Literal["error", "warning"]
    step: str
    field: str
    message: str
    why: str
    fix: str
    source: str
    title: str = ""

    @property
    def label(self) -> str:
        """The id with the rule's name, as the steps show it: ``R6 · Relationships last
        long enough``."""
        return f"{self.rule} · {self.title}" if self.title else self.rule

    def __post_init__(self) -> None:
        if self.step not in steps.all_keys():
            raise ValueError(
                f"unknown step {self.step!r}; use one of {', '.join(steps.all_keys())}"
            )

    def format(self) -> str:
        """One line: ``field: [R6] message; why; fix``."""
        return f"{self.field}: [{self.rule}] {self.message}; {self.why}; {self.fix}"

    def to_problem(self, file: str | None = None) -> Problem:
        """The finding as a :class:`~workbook.errors.Problem` (the CLI's one-line form).

        ``Problem.format()`` then reads ``FILE: field: [R6] message; fix``.
        """
        return Problem(f"[{self.rule}] {self.message}", self.fix, file=file, field=self.field)


# --------------------------------------------------------------------------- the checks

_CHECKS: dict[str, CheckFunction] = {}


def _registers(key: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under the key its entry in rules.yaml uses."""

    def decorate(func: CheckFunction) -> CheckFunction:
        _CHECKS[key] = func
        return func

    return decorate


@_registers("reporting_line_allowed")
def _reporting_line(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    # None bars the whole reporting line; a number bars only that many levels.
    if design.matching.reporting_line_depth is not None:
        yield {"depth": design.matching.reporting_line_depth}


@_registers("manager_receives_progress")
def _manager_progress(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    if design.confidentiality.manager_receives_progress is True:
        yield {}


@_registers("feeds_performance_review")
def _performance_review(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    if design.confidentiality.feeds_performance_review is True:
        yield {}


@_registers("mandatory_participation")
def _mandatory(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    if design.participation.voluntary is False:
        yield {}


@_registers("no_mentee_say")
def _no_say(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    if design.matching.mentee_say == "none":
        yield {}


@_registers("preferences_ignored")
def _preferences_ignored(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    if design.matching.mentee_say == "preferences" and design.matching.weights.preferences == 0:
        yield {}


@_registers("manager_directs_learning")
def _manager_directs(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    if design.confidentiality.manager_directs_learning is True:
        yield {}


@_registers("short_duration")
def _short(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    months = design.model.duration_months
    if months is None or design.model.format in params.get("exempt_formats", ()):
        return
    if months < params["min_months"]:
        yield {"months": months}


@_registers("purpose_without_objective")
def _no_objective(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    for index, purpose in enumerate(design.purposes):
        if not purpose.objectives:
            yield {
                "index": index,
                "purpose": purpose.title or knowledge.title("purposes", purpose.key),
            }


@_registers("objective_incomplete")
def _incomplete(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    for index, purpose in enumerate(design.purposes):
        name = purpose.title or knowledge.title("purposes", purpose.key)
        for number, objective in enumerate(purpose.objectives):
            for part in objective.missing():
                yield {"index": index, "objective": number, "part": part, "purpose": name}


@_registers("objective_undetectable")
def _undetectable(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    # The same words as the components step's row and the charter's evaluation plan.
    for found in plan.objective_plans(design):
        if found.undetectable:
            yield {
                "index": found.index,
                "objective": found.name,
                "situation": found.situation(compared=False),
                "detectable": found.detectable_words(),
                "target": found.target_words(),
            }


@_registers("both_roles_forbidden")
def _both_roles(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    if design.participation.both_roles_allowed is False:
        yield {}


@_registers("reverse_with_senior_mentors")
def _reverse(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    # models.yaml says which formats put the junior person in the mentor's seat.
    model = knowledge.entry("models", design.model.format) if design.model.format else None
    gap = design.matching.seniority_min_gap
    if model and model.extra("seniority") == "mentee" and gap is not None and gap >= 0:
        yield {"gap": gap}


@_registers("all_performance_purposes")
def _all_performance(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    if not design.purposes:
        return
    kinds = []
    for purpose in design.purposes:
        found = knowledge.entry("purposes", purpose.key)
        # A written-in purpose has no kind: it is taken as development, not a fix.
        kinds.append(found.extra("kind") if found else "development")
    if all(kind == "performance" for kind in kinds):
        names = ", ".join(p.title or knowledge.title("purposes", p.key) for p in design.purposes)
        yield {"purposes": names}


@_registers("fit_check_not_mentoring")
def _fit_not_mentoring(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    result = design.fit.result
    if result is None or not result.recommended or "mentoring" in result.recommended:
        return
    names = " or ".join(knowledge.title("relationships", key).lower() for key in result.recommended)
    yield {"recommended": names}


@_registers("unknown_purpose")
def _unknown_purpose(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    known = knowledge.keys("purposes")
    for index, purpose in enumerate(design.purposes):
        if purpose.key not in known and not purpose.title:
            yield {"index": index, "key": purpose.key, "known": ", ".join(known)}


@_registers("unknown_focus_area")
def _unknown_focus(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    known = knowledge.keys("focus_areas")
    for index, area in enumerate(design.focus_areas):
        if area.key not in known and not area.note:
            yield {"index": index, "key": area.key, "known": ", ".join(known)}


@_registers("milestone_after_end")
def _milestone_after_end(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    months = design.model.duration_months
    if months is None:
        return
    for index, milestone in enumerate(design.model.milestones):
        if milestone.month > months:
            yield {"index": index, "name": milestone.name, "month": f"{milestone.month:g}",
                   "months": months}  # fmt: skip


def _dated_objectives(design: Design) -> Iterator[tuple[int, int, str, dt.date]]:
    for index, purpose in enumerate(design.purposes):
        for number, objective in enumerate(purpose.objectives):
            if objective.due is not None:
                yield index, number, objective.metric or objective.description, objective.due


@_registers("objective_due_before_start")
def _due_before_start(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    start = design.model.start_date
    if start is None:
        return
    for index, number, metric, due in _dated_objectives(design):
        if due < start:
            yield {"index": index, "objective": number, "metric": metric,
                   "due": due.isoformat(), "start": start.isoformat()}  # fmt: skip


@_registers("objective_due_past")
def _due_past(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    today = clock.today()
    for index, number, metric, due in _dated_objectives(design):
        if due < today:
            yield {"index": index, "objective": number, "metric": metric, "due": due.isoformat()}


@_registers("start_far")
def _start_far(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    start = design.model.start_date
    years = int(params["years"])
    if start is not None and abs((start - clock.today()).days) > 365.25 * years:
        yield {"start": start.isoformat(), "years": years}


@_registers("roster_numbers")
def _roster_numbers(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    results, plan = design.matching.results, design.participation
    if results is None:
        return
    tolerance = float(params.get("tolerance", 0.25))
    for side, found, expected in (
        ("mentee", results.mentees, plan.expected_mentees),
        ("mentor", results.mentors, plan.expected_mentors),
    ):
        if expected and abs(found - expected) > tolerance * expected:
            yield {"side": side, "found": found, "expected": expected}


@_registers("roster_capacity")
def _roster_capacity(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    results, capacity = design.matching.results, design.participation.mentor_capacity
    if results is None or capacity is None or design.model.format in ("group", "team"):
        return
    most = results.most_per_mentor
    if most is not None and most > capacity:
        yield {
            "most": most,
            "capacity": capacity,
            "overridden": results.own_capacity_mentors or 0,
        }


@_registers("method_and_run")
def _method_and_run(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    m = design.matching
    if m.results is not None and m.method not in (None, "algorithm"):
        yield {"method": knowledge.title("match_methods", m.method)}


@_registers("seniority_range_empty")
def _seniority_range(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    low, high = design.matching.seniority_min_gap, design.matching.seniority_max_gap
    if low is not None and high is not None and high < low:
        yield {"low": low, "high": high}


@_registers("unknown_fit_answer")
def _unknown_fit_answer(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    questionnaire = knowledge.fit_questions()
    for question_key, option_key in [*design.fit.answers.items(), *design.fit.partly.items()]:
        question = questionnaire.question(question_key)
        if question is None:
            known = ", ".join(q.key for q in questionnaire.questions)
            yield {"question": question_key, "answer": option_key, "known": known}
        elif question.option(option_key) is None:
            known = ", ".join(o.key for o in question.options)
            yield {"question": question_key, "answer": option_key, "known": known}


@_registers("unknown_fit_preset")
def _unknown_fit_preset(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    preset = design.fit.preset
    if preset is not None and knowledge.entry("situations", preset) is None:
        yield {"preset": preset, "known": ", ".join(knowledge.keys("situations"))}


@_registers("unknown_standard")
def _unknown_standard(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    standard = design.evaluation.quality_standard
    if standard is not None and knowledge.entry("standards", standard) is None:
        yield {"standard": standard, "known": ", ".join(knowledge.keys("standards"))}


@_registers("unknown_benchmark")
def _unknown_benchmark(design: Design, params: dict[str, Any]) -> Iterator[Hit]:
    standard = design.evaluation.quality_standard
    if standard is None:
        # Ticked items without a standard cannot be scored against anything.
        for item in design.evaluation.quality_checklist:
            yield {"item": item, "standard": "any chosen standard (none is chosen)"}
        return
    if knowledge.entry("standards", standard) is None:
        return  # reported once, by unknown_standard
    known = {b.key for b in knowledge.benchmarks(standard)}
    for item in design.evaluation.quality_checklist:
        if item not in known:
            yield {"item": item, "standard": knowledge.title("standards", standard)}


# --------------------------------------------------------------------------- running


def check_keys() -> frozenset[str]:
    """The check keys this module implements (a test compares them with the data)."""
    return frozenset(_CHECKS)


def check(design: Design) -> list[Finding]:
    """Every finding for a design: rules in data-file order, then each check's hits in order.

    The order is stable so that a widget, the CLI and the charter list findings alike
    and a re-run after an unrelated edit does not shuffle them.
    """
    findings = []
    for rule in knowledge.rules():
        for spec in rule.checks:
            for hit in _CHECKS[spec.key](design, rule.params):
                findings.append(
                    Finding(
                        rule=rule.id,
                        severity=spec.severity,
                        step=spec.step or rule.step,
                        field=spec.field.format(**hit),
                        message=" ".join(spec.message.format(**hit).split()),
                        why=" ".join(rule.why.split()),
                        fix=" ".join(spec.fix.format(**hit).split()),
                        source=rule.source,
                        title=rule.title,
                    )
                )
    return findings


def for_step(design: Design, step: str) -> list[Finding]:
    """The findings a design step shows next to its widgets.

    Raises:
        ValueError: ``step`` is not a registered step (a bug in the caller).
    """
    if step not in steps.all_keys():
        raise ValueError(f"unknown step {step!r}; use one of {', '.join(steps.all_keys())}")
    return [f for f in check(design) if f.step == step]


def errors(findings: list[Finding]) -> list[Finding]:
    """Only the findings that make the design unusable."""
    return [f for f in findings if f.severity == "error"]


def warnings(findings: list[Finding]) -> list[Finding]:
    """Only the findings where the design contradicts a rule."""
    return [f for f in findings if f.severity == "warning"]
