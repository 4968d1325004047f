"""Design step 5: the matching criteria and constraints, as the matching step decides them.

What the matching step of the workbook decides (:class:`MatchingInputs`), how it is read
from and written to a design (:func:`inputs_from`, :func:`apply`) and what the current
settings do (:func:`effect`). Running a match on a roster is :mod:`workbook.matching`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbook import knowledge
from workbook.design import (
    Design,
    ExtraCriterion,
    Matching,
    MatchingPlan,
    Weight,
    Weights,
    revalidate,
    validate_input,
)
from workbook.errors import InputError, Problem
from workbook.matching import criteria


class MatchingInputs(MatchingPlan):
    """Everything the matching step decides: the plan (method, the mentee's say, criteria,
    constraints, objective, review, rematching) and the mentors' default capacity.

    The roster, the review file and the results of a run are not here: roster data
    never goes into the design (privacy), and results are stored as aggregates only.
    Extra criteria and the column map also accept the short text forms
    (:func:`parse_extra`, :func:`parse_column_map`) that notebook parameters and older
    scripts used; the step's form never shows them: it edits extra criteria as rows
    (:func:`make_inputs` takes them as a list, :func:`extra_rows` gives them back) and
    the column map as a choice per roster column (:func:`column_map_from`,
    :func:`column_choices`).
    """

    mentor_capacity: int | None = Field(default=None, ge=0, le=50)
    """Mentees per mentor by default (``participation.mentor_capacity``)."""

    @field_validator("extra_criteria", mode="before")
    @classmethod
    def _parse_extra(cls, value: Any) -> Any:
        return parse_extra(value) if isinstance(value, str) else value

    @field_validator("column_map", mode="before")
    @classmethod
    def _parse_map(cls, value: Any) -> Any:
        return parse_column_map(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _gap_range(self) -> MatchingInputs:
        lo, hi = self.seniority_min_gap, self.seniority_max_gap
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(
                f"the seniority gap range is empty ({lo} to {hi}); make the maximum at least "
                "the minimum"
            )
        return self


def parse_extra(text: str) -> dict[str, dict[str, Any]]:
    """``"site: same; team: different 0.5"`` -> column -> {mode, weight} (weight 1 if left
    out); a last word ``must-have`` makes the column a must-have.

    Raises:
        ValueError: an item is not ``column: same|different [weight] [must-have]``.
    """
    out: dict[str, dict[str, Any]] = {}
    for item in (x.strip() for x in text.split(";")):
        if not item:
            continue
        column, _, rest = item.partition(":")
        words = rest.split()
        must = bool(words) and words[-1] == "must-have"
        if must:
            words = words[:-1]
        if not column.strip() or not words or words[0] not in ("same", "different"):
            raise ValueError(
                f"{item} must read 'column: same' or 'column: different 0.5' (items separated by ;)"
            )
        try:
            weight = float(words[1]) if len(words) > 1 else 1.0
        except ValueError:
            raise ValueError(f"{item}: the weight must be a number") from None
        out[column.strip()] = {"mode": words[0], "weight": weight}
        if must:
            out[column.strip()]["must_have"] = True
    return out


def format_extra(extra: dict[str, ExtraCriterion]) -> str:
    """The text :func:`parse_extra` reads back."""
    return "; ".join(
        f"{c}: {e.mode} {e.weight:g}{' must-have' if e.must_have else ''}" for c, e in extra.items()
    )


def parse_column_map(text: str) -> dict[str, str]:
    """``"Employee No = id; Dept = department"`` -> roster column -> canonical column.

    Raises:
        ValueError: an item is not ``roster column = canonical column``.
    """
    out = {}
    for item in (x.strip() for x in text.split(";")):
        if not item:
            continue
        source, sep, target = item.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValueError(
                f"{item} must read 'your column = roster column' (items separated by ;)"
            )
        out[source.strip()] = target.strip()
    return out


def format_column_map(column_map: dict[str, str]) -> str:
    """The text :func:`parse_column_map` reads back."""
    return "; ".join(f"{k} = {v}" for k, v in column_map.items())


# --------------------------------------------------------------------------- the form
# The step's form edits the column map as one choice per roster column and the extra
# criteria as rows; the design keeps both in their YAML form (roster column -> column,
# column -> {mode, weight}). These translate, and say what is wrong per field, so a
# problem marks the dropdown or the row that holds it.

COLUMNS: tuple[str, ...] = knowledge.keys("roster_columns")
"""The roster's columns as the matching reads them (``workbook.matching.tables.CANONICAL``,
kept in ``knowledge/roster_columns.yaml`` with their names on the form: the step does not
load pandas to name them)."""


NOT_COMPARED = frozenset(
    e.key for e in knowledge.catalogue("roster_columns") if not e.extra("compare")
)
"""Roster columns an extra criterion never compares (ids, names, lists of ids)."""


def column_title(column: str) -> str:
    """A roster column's name on the form ("Manager's id" for ``manager_id``)."""
    return knowledge.title("roster_columns", column)


def same_name(a: str, b: str) -> bool:
    """Whether two headers name one column: the matching forgives case, spaces and
    hyphens (``Manager ID`` is ``manager_id``), as ``workbook.matching.tables`` does."""
    return _normal(a) == _normal(b)


def _normal(name: str) -> str:
    # The rule of workbook.matching.tables._normal, which imports pandas; the two are
    # compared by tests/test_matching_step.py.
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def column_choices(column_map: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The design's column map as the form shows it: roster column -> the header read as
    it, and the entries a choice per column cannot hold (a name that is not a roster
    column, or a second header read as the same column), kept as they are."""
    chosen: dict[str, str] = {}
    others: dict[str, str] = {}
    for header, column in column_map.items():
        if column in COLUMNS and column not in chosen:
            chosen[column] = header
        else:
            others[header] = column
    return chosen, others


def column_map_from(
    chosen: Mapping[str, str],
    roster: Sequence[str] | None = None,
    others: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], list[Problem]]:
    """The design's column map from the form's choices, and what is wrong with them.

    Args:
        chosen: roster column -> the header read as it (blank: the roster names it so).
        roster: the headers of the roster on file, when one is known: a header chosen
            while another column already has the name it is read as would make two
            columns of one.
        others: entries kept from the design that the form cannot show.

    Returns:
        The map (header -> roster column), and one problem per bad choice, its field
        ``column_map.<column>``.
    """
    out: dict[str, str] = dict(others or {})
    problems: list[Problem] = []
    taken: dict[str, str] = {}  # normalised header -> the column it is read as
    for column in COLUMNS:
        header = str(chosen.get(column) or "").strip()
        if not header:
            continue
        field = f"column_map.{column}"
        if _normal(header) in taken:
            problems.append(
                Problem(
                    f"{header} is already read as {column_title(taken[_normal(header)])}",
                    "choose another column of your roster, or leave one of the two as named",
                    field=field,
                    value=header,
                )
            )
            continue
        taken[_normal(header)] = column
        out[header] = column
    for column in COLUMNS:
        header = str(chosen.get(column) or "").strip()
        if not header or roster is None:
            continue
        clash = [
            h
            for h in roster
            if _normal(h) == column and not same_name(h, header) and _normal(h) not in taken
        ]
        if clash:
            problems.append(
                Problem(
                    f"your roster also has a column named {clash[0]}, which is read as "
                    f"{column_title(column)}",
                    f"choose {clash[0]} here, or rename one of the two columns in the roster",
                    field=f"column_map.{column}",
                    value=header,
                )
            )
    return out, problems


def read_as(headers: Iterable[str], column_map: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each header of a roster an extra criterion may compare, and the name the
    matching reads it under (what an extra criterion names): its roster column when
    mapped or so named, else the header itself. Ids, names and lists of ids are left
    out (:data:`NOT_COMPARED`)."""
    mapped = {_normal(h): c for h, c in column_map.items()}
    out = []
    for header in headers:
        name = mapped.get(_normal(header))
        if name is None:
            name = _normal(header) if _normal(header) in COLUMNS else header
        if name not in NOT_COMPARED:
            out.append((header, name))
    return out


ExtraMode = Literal["same", "different", "either"]
EXTRA_MODES: tuple[tuple[str, ExtraMode], ...] = (
    ("Same value", "same"),
    ("Different value", "different"),
    ("Either: does not count", "either"),
)
"""What an extra criterion rewards, as the form offers it; "either" is not kept (the
column does not count)."""


class ExtraRow(BaseModel):
    """One extra criterion as the form edits it: a roster column, what it rewards, and
    its weight."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    column: str = Field(min_length=1, max_length=200)
    mode: ExtraMode = "same"
    weight: Weight = 1.0
    must_have: bool = False


def extra_rows(extra: Mapping[str, ExtraCriterion]) -> list[dict[str, Any]]:
    """The design's extra criteria as the form's rows, in the design's order."""
    return [
        {"column": c, "mode": e.mode, "weight": e.weight, "must_have": e.must_have}
        for c, e in extra.items()
    ]


def extra_from_rows(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The design's extra criteria from the form's rows ("either" rows are left out).

    Raises:
        InputError: one problem per bad cell, its field ``extra_criteria.<row>.<cell>``;
            a column in two rows is a problem on the second.
    """
    out: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, raw in enumerate(rows):
        try:
            row = validate_input(ExtraRow, dict(raw))
        except InputError as exc:
            for p in exc.problems:
                field = f"extra_criteria.{i}.{p.field}"
                if p.field == "column" and not str(raw.get("column") or "").strip():
                    p = Problem("no roster column is chosen", "choose the column to compare")
                problems.append(Problem(p.message, p.fix, field=field, value=p.value))
            continue
        if row.column in seen:
            problems.append(
                Problem(
                    f"{row.column} is already an extra criterion above",
                    "change one of the two rows, or remove this one",
                    field=f"extra_criteria.{i}.column",
                    value=row.column,
                )
            )
            continue
        seen.add(row.column)
        if row.mode != "either":
            out[row.column] = {"mode": row.mode, "weight": row.weight}
            if row.must_have:
                out[row.column]["must_have"] = True
    if problems:
        raise InputError(problems)
    return out


def make_inputs(**values: Any) -> MatchingInputs:
    """Validate raw values (widgets or notebook parameters) into :class:`MatchingInputs`.

    ``extra_criteria`` may be the design's form (column -> {mode, weight}), the form's
    rows (a list of {column, mode, weight}) or the short text form.

    Raises:
        InputError: one problem per bad field (``weights.skills: is too small``,
            ``extra_criteria.1.weight: ...``), every field's at once.
    """
    problems: list[Problem] = []
    extra = values.get("extra_criteria")
    if isinstance(extra, list | tuple):
        try:
            values = {**values, "extra_criteria": extra_from_rows(extra)}
        except InputError as exc:
            problems += exc.problems
            values = {**values, "extra_criteria": {}}
    try:
        inputs = validate_input(MatchingInputs, values)
    except InputError as exc:
        # A broken row is left out above, so "every criterion has weight 0" (a problem
        # of the whole plan, no field) may be only its consequence: it is not repeated.
        problems += [p for p in exc.problems if not (problems and p.field is None)]
        raise InputError(problems) from None
    if problems:
        raise InputError(problems)
    return inputs


def inputs_from(design: Design) -> MatchingInputs:
    """What the matching step shows for an existing design."""
    return MatchingInputs(
        **design.matching.model_dump(exclude={"results"}),
        mentor_capacity=design.participation.mentor_capacity,
    )


def apply(design: Design, inputs: MatchingInputs) -> Design:
    """Write the step's decisions into ``design``; nothing else changes (a run's
    aggregates, kept in ``matching.results``, included).

    Raises:
        InputError: the result is not a valid design.
    """
    plan = {name: getattr(inputs, name) for name in MatchingPlan.model_fields}
    matching = design.matching.model_copy(update=plan)
    participation = design.participation.model_copy(
        update={"mentor_capacity": inputs.mentor_capacity}
    )
    return revalidate(
        design.model_copy(update={"matching": matching, "participation": participation})
    )


def effect(inputs: MatchingInputs, fmt: str | None = None, either: Sequence[str] = ()) -> list[str]:
    """Plain sentences saying what the current settings do, for the step to show.

    Args:
        either: extra columns the form holds with "either value" (not kept: said so).
    """
    matching = Matching.model_validate(inputs.model_dump(exclude={"mentor_capacity"}))
    chosen = criteria.active(matching)
    total = sum(c.weight(matching) for c in chosen)
    if total <= 0:
        return ["Every criterion has weight 0: give at least skills a weight to match."]
    built_in = sorted(
        (c for c in chosen if not isinstance(c, criteria.RosterColumn)),
        key=lambda c: -c.weight(matching),
    )
    extras = [c for c in chosen if isinstance(c, criteria.RosterColumn)]
    shown = [*built_in, *extras]
    percents = whole_percents([c.weight(matching) for c in shown])
    lines = [
        f"{c.subject} is {pct}% of a score: {c.effect(matching, fmt)}."
        for c, pct in zip(shown, percents, strict=True)
    ]
    lines.append(
        {
            "coverage": "Objective coverage: as many mentees matched as possible, then the "
            "best total score.",
            "quality": "Objective quality: the best total score, even if a mentee with only "
            "weak options is left unmatched.",
            "fairness": "Objective fairness: as many matched as coverage, then the lowest "
            "match score as high as possible, then the total.",
        }[inputs.objective]
    )
    lines += [f"Roster column {c}: either value will do, so it does not count." for c in either]
    depth = inputs.reporting_line_depth
    rules = f"({rule_named('R1')}; {rule_named('R3')})"
    lines.append(
        "Never matched with anyone above them in the reporting line, nor with someone who "
        f"reports to them {rules}."
        if depth is None
        else f"Never matched with anyone up to {depth} level(s) above them in the reporting "
        f"line, nor with someone that many levels below {rules}."
    )
    lines += [
        f"Must-have: the mentor {c.must(matching, fmt)[0]}; a pair without it is never "
        "proposed, whatever it scores."
        for c in criteria.required(matching)
    ]
    if inputs.min_score > 0:
        lines.append(f"A pair scoring under {inputs.min_score:g} of 100 is never proposed.")
    if fmt == "reverse":
        lines.append(
            f"Reverse mentoring: the seniority gap counts mentee above mentor ({rule_named('R9')})."
        )
    elif fmt == "peer":
        lines.append("Peer mentoring: the seniority criterion rewards the same level.")
    return lines


def whole_percents(weights: Sequence[float]) -> list[int]:
    """Weights as whole percentages that add up to 100 (the largest remainders get the
    points rounding leaves over: 38 + 25 + 12 + 12 + 12 read as 99%)."""
    total = sum(weights)
    exact = [100 * w / total for w in weights]
    out = [int(x) for x in exact]
    left = 100 - sum(out)
    for k in sorted(range(len(exact)), key=lambda k: (-(exact[k] - out[k]), k))[:left]:
        out[k] += 1
    return out


def rule_named(rule_id: str) -> str:
    """A rule as the page names it: its id with its title ("rule R1: Nobody in ..."), so
    no code appears without its name."""
    return f"rule {rule_id}: {knowledge.rule(rule_id).title}"


# --------------------------------------------------------------------------- suggestions

_AS_OFFERED = {"algorithm": " (this step)", "none": " (a rule warns)"}

METHODS = tuple(
    (e.title + _AS_OFFERED.get(e.key, ""), e.key) for e in knowledge.catalogue("match_methods")
)
"""How matches are made, as the step offers it (``knowledge/match_methods.yaml``)."""
MENTEE_SAYS = tuple(
    (e.title + _AS_OFFERED.get(e.key, ""), e.key) for e in knowledge.catalogue("mentee_says")
)
"""The mentee's say in who mentors them (``knowledge/mentee_says.yaml``)."""


@dataclass(frozen=True)
class Suggested:
    """One empty decision :func:`suggest` filled, and where the suggestion comes from."""

    field: str
    title: str
    source: str


def _gist(text: str, words: int = 14) -> str:
    """A filled text as the list of suggestions quotes it: its first words, so the line
    says what was filled rather than repeating the field's name."""
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


def _first_sentence(text: str) -> str:
    sentence = " ".join(text.split()).split(". ")[0].rstrip(".")
    return sentence[:1].lower() + sentence[1:] if sentence else ""


def suggest(
    design: Design, inputs: MatchingInputs, *, pins_used: bool = False
) -> tuple[MatchingInputs, list[Suggested]]:
    """``inputs`` with the decisions the design already implies filled in where they
    are empty, and what was filled with where it comes from. A decision made is never
    replaced.

    Args:
        design: the design the step works on (the rest of the program).
        pins_used: the coordinator has pinned or forbidden pairs in the review file.
    """
    values = inputs.model_dump()
    filled: list[Suggested] = []
    if values["method"] is None:
        if design.matching.results is not None:
            values["method"] = "algorithm"
            filled.append(Suggested("method", "An algorithm proposes the matches",
                                    "a matching run is recorded in the design"))  # fmt: skip
        elif values["mentee_say"] == "choice":
            values["method"] = "mentee_choice"
            filled.append(Suggested("method", "Mentees choose their mentor",
                                    "the mentee's say: they choose freely"))  # fmt: skip
        else:
            values["method"] = "algorithm"
            filled.append(Suggested("method", "An algorithm proposes the matches",
                                    "the criteria set in this step"))  # fmt: skip
    if values["mentee_say"] is None:
        if inputs.weights.preferences > 0:
            say, why = "preferences", "the mentees' preferences weigh in the score"
        else:
            say = "shortlist" if values["method"] == "algorithm" else "choice"
            why = rule_named("R5")
        values["mentee_say"] = say
        titles = {key: title for title, key in MENTEE_SAYS}
        filled.append(Suggested("mentee_say", titles[say], why))
    if not values["review"].strip():
        who, source = "The coordinator", "the coordinator's role"
        if design.roles.steering_group:
            who, source = "The steering group", "the steering group's role"
        text = (
            f"{who} reviews the proposed matches before they are announced, checks them "
            "against the program's rules, and may keep a pair or rule one out; the matching "
            "is then run again."
        )
        if pins_used:
            text += " Kept and ruled-out pairs are recorded in the review file."
            source += " and the pairs the coordinator pinned or forbade"
        values["review"] = text
        filled.append(Suggested("review", _gist(text), source))
    if not values["rematching"].strip():
        parts, sources = [], []
        exit_policy = _first_sentence(design.policies.no_fault_exit)
        if exit_policy:
            parts.append(f"Either side may end a match without blame ({exit_policy})")
            sources.append("the no-fault-exit policy")
        else:
            parts.append("Either side may end a match without blame")
        parts.append(
            "the coordinator then proposes a new mentor from those with room, never the "
            "one the match ended with"
        )
        closure = _first_sentence(design.components.closure.plan)
        if closure:
            parts.append(f"the ended match closes as the closure plan says ({closure})")
            sources.append("the closure plan")
        values["rematching"] = "; ".join(parts) + "."
        filled.append(Suggested("rematching", _gist(values["rematching"]),
                                " and ".join(sources) or "MENTOR's closure standard"))  # fmt: skip
    filled += _suggest_criteria(design, values)
    return make_inputs(**values), filled


# What triggers a suggestion of knowledge/match_suggestions.yaml: the catalogue its key
# comes from, and how a reason names it.
_TRIGGERS = {
    "purpose": ("purposes", "the purpose"),
    "focus_area": ("focus_areas", "the focus area"),
    "format": ("models", "the model"),
    "mentee_say": ("mentee_says", "the mentee's say"),
}
_RULES = ("department", "seniority_min_gap")
"""The rules a suggestion may fill, each not set while it has the plan's default."""


def _triggered(
    design: Design, values: Mapping[str, Any]
) -> list[tuple[knowledge.CatalogueEntry, str]]:
    """The suggestions the design's decisions trigger, in file order, each with its
    reason in words (the decision that triggers it, and why)."""
    present: dict[str, set[str | None]] = {
        "purpose": {p.key for p in design.purposes},
        "focus_area": {a.key for a in design.focus_areas},
        "format": {design.model.format},
        "mentee_say": {values["mentee_say"]},
    }
    found = []
    for entry in knowledge.catalogue("match_suggestions"):
        ((kind, key),) = entry.extra("when").items()
        if key in present[kind]:
            catalogue, words = _TRIGGERS[kind]
            found.append((entry, f"{words} “{knowledge.title(catalogue, key)}”: {entry.title}"))
    return found


def _rule_words(name: str, value: Any) -> str:
    if name == "department":
        return {"same": "the same department", "different": "different departments"}[value]
    return "no smallest gap" if value is None else f"at least {value} level(s)"


def _suggest_criteria(design: Design, values: dict[str, Any]) -> list[Suggested]:
    """Fill, in ``values``, the weights and rules the coordinator has not set from what
    the design decided (``knowledge/match_suggestions.yaml``); what was filled, each with
    its reasons.

    A weight is not set while it has the design's default (skills 1, the others 0): a
    blank design's weights say nothing about the program, so they follow its purposes,
    focus areas, model and the mentee's say. A rule is not set while it has the plan's
    default. Where several reasons weigh one criterion, the largest weight is filled
    and every reason is named; a suggestion whose rule the coordinator (or an earlier
    suggestion) set otherwise is left out whole, its weights with it.
    """
    plan_defaults = {n: MatchingPlan.model_fields[n].get_default() for n in _RULES}
    weight_defaults = Weights().model_dump()
    rules: dict[str, tuple[Any, list[str]]] = {}
    weights: dict[str, tuple[float, list[str]]] = {}
    for entry, reason in _triggered(design, values):
        extra = entry.model_extra or {}
        wanted: dict[str, Any] = dict(extra.get("rules") or {})
        if any(
            (values[n] != plan_defaults[n] and values[n] != v) or (n in rules and rules[n][0] != v)
            for n, v in wanted.items()
        ):
            continue
        for n, v in wanted.items():
            if values[n] == plan_defaults[n] and v != plan_defaults[n]:
                rules.setdefault(n, (v, []))[1].append(reason)
        for n, v in dict(extra.get("weights") or {}).items():
            if values["weights"][n] == weight_defaults[n]:
                best, reasons = weights.get(n, (0.0, []))
                weights[n] = (max(best, float(v)), [*reasons, reason])
    filled = []
    for n, (v, reasons) in rules.items():
        values[n] = v
        if n not in weights:  # a rule with its weight is told once, with the weight
            filled.append(Suggested(n, _rule_words(n, v), "; ".join(reasons)))
    for n in weight_defaults:
        if n in weights and weights[n][0] != values["weights"][n]:
            v, reasons = weights[n]
            values["weights"] = {**values["weights"], n: v}
            title = f"weight {v:g}"
            if n in rules:
                title = f"{_rule_words(n, rules[n][0])}, {title}"
            filled.append(Suggested(f"weights.{n}", title, "; ".join(reasons)))
    return filled
