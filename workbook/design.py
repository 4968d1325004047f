"""The typed model of a whole mentoring-program design.

A design is everything the design phase decides (the steps of ``knowledge/steps.yaml``):
strategic purposes with measurable objectives, focus areas, the mentoring model, who
takes part, roles and the confidentiality boundary, the six program components,
evaluation, matching, policies, resources, risks and approvals. Every decision is
optional so that an unfinished design is still a valid design: ``None`` or an empty
value means *not decided yet*, and the charter marks it as to be decided.

The file format is YAML written in the field order below, so a design reads top to
bottom like the workbook's steps and diffs cleanly in version control. Unknown fields
are refused rather than dropped so that a typo in a hand edit is reported, not lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from workbook.errors import DesignError, InputError, Problem, SchemaVersionError

M = TypeVar("M", bound=BaseModel)

SCHEMA_VERSION = 1
"""Bumped whenever a saved file would not load in the previous version."""


# ----------------------------------------------------------------- sensible ranges
# Every number and date a design holds has a range a real program stays inside, checked
# when the design loads: `workbook validate` reports a value outside it, and nothing
# later (the charter's timeline, the solver) meets an infinite weight or the year 9999.

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


def _sane_day(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            f"is outside the years {FIRST_DAY.year} to {LAST_DAY.year}; "
            "write the date as YYYY-MM-DD, such as 2027-03-01"
        )
    return day


def _sane_moment(moment: dt.datetime) -> dt.datetime:
    _sane_day(moment.date())
    return moment


Day = Annotated[dt.date, AfterValidator(_sane_day)]
"""A calendar date between 2000 and 2100."""
Moment = Annotated[dt.datetime, AfterValidator(_sane_moment)]
Amount = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]
"""A measured value (a baseline, a target): any ordinary number."""
Weight = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
"""A criterion's weight: 0 (off) to 1000, relative to the others."""
Score = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
"""A match score, 0 to 100."""
Count = Annotated[int, Field(ge=0, le=10_000_000)]
"""How many people (or pairs): never negative, never absurd."""


class _Model(BaseModel):
    """Shared settings: refuse unknown fields, validate on assignment, trim text."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
    )


# --------------------------------------------------------------------------- program


PageSize = Literal["A4", "Letter"]


class Program(_Model):
    """Who runs the program and why it exists."""

    name: str = ""
    """The program's name as stakeholders will know it."""
    organisation: str = ""
    sponsor: str = ""
    """The executive who owns the program's results (a role or a name)."""
    owner: str = ""
    """Who maintains this design and the charter (usually the coordinator's team)."""
    problem_statement: str = ""
    """The organisational problem the program addresses, in one or two paragraphs."""
    page_size: PageSize = "A4"
    """The paper the organisation prints its charter on (Word and PDF)."""


# --------------------------------------------------------------------------- fit check


class RankedOption(_Model):
    """One development relationship with its fit score (0 to 100)."""

    relationship: str
    score: float = Field(ge=0, le=100)


class FitReason(_Model):
    """Why the fit check ranked as it did: one answer, one relationship, one source."""

    relationship: str
    text: str
    question: str = ""
    """The question's text, as it was asked."""
    answer: str = ""
    """The chosen option's label."""
    source: str = ""
    points: int = 0
    """What this answer gave the relationship: positive for, negative against."""
    partly: bool = False
    """The answer was given as partly true (it counts half)."""
    rules_out: bool = False
    """The answer rules the relationship out: it is never recommended."""


class FitResult(_Model):
    """The outcome of the fit check, saved so the charter can say why mentoring."""

    ranking: list[RankedOption] = Field(default_factory=list, max_length=50)
    recommended: list[str] = Field(default_factory=list, max_length=50)
    """Relationship keys; more than one for a mixed result (mentoring with coaching)."""
    reasons: list[FitReason] = Field(default_factory=list, max_length=1000)
    summary: str = ""
    ruled_out: list[str] = Field(default_factory=list, max_length=50)
    """Relationship keys an answer rules out."""
    answered: int = 0
    """How many questions the ranking rests on (of ``questions``)."""
    questions: int = 0
    confidence: Literal["", "low", "medium", "high"] = ""
    """How much the answers support the ranking ("" when nothing is answered)."""
    confidence_text: str = ""
    """The confidence in words, with the unanswered questions to answer first."""
    deciding: list[str] = Field(default_factory=list, max_length=100)
    """Unanswered question keys whose answer could change the recommendation, the ones
    that could change it most first."""


class FitCheck(_Model):
    """The answers to "is mentoring the right tool?" and the result they gave."""

    answers: dict[str, str] = Field(default_factory=dict, max_length=100)
    """Question key -> option key, as defined in the knowledge base: the main answer."""
    partly: dict[str, str] = Field(default_factory=dict, max_length=100)
    """Question key -> a second option that is partly true as well (counts half)."""
    preset: str | None = None
    result: FitResult | None = None


# --------------------------------------------------------------------------- purposes


class Objective(_Model):
    """A measurable objective: metric, baseline, target and date (rule R7).

    Example: first-year retention of graduates, 78 -> 88 (%) by 2027-12-31, measured
    from the HRIS by the People team.
    """

    description: str = ""
    metric: str = ""
    unit: str = ""
    baseline: Amount | None = None
    target: Amount | None = None
    due: Day | None = None
    data_source: str = ""
    owner: str = ""

    def missing(self) -> list[str]:
        """The parts that keep this objective from being measurable (empty when it is)."""
        parts = {
            "metric": self.metric,
            "baseline": self.baseline,
            "target": self.target,
            "due": self.due,
        }
        return [k for k, v in parts.items() if v is None or v == ""]


def objective_key(text: str) -> str:
    """How an evaluation measure finds its objective: by metric, ignoring case and
    spacing (``"First-year  Retention"`` measures ``"first-year retention"``)."""
    return " ".join(text.split()).casefold()


class Purpose(_Model):
    """A strategic purpose, from the catalogue (its key) or written in by the designer."""

    key: str = Field(min_length=1)
    """Catalogue key such as ``succession``, or a slug for a written-in purpose."""
    title: str = ""
    """Shown instead of the catalogue title; required for written-in purposes."""
    objectives: list[Objective] = Field(default_factory=list, max_length=20)


# --------------------------------------------------------------------------- focus areas

Priority = Literal["high", "medium", "low"]


class FocusArea(_Model):
    """A focus of the mentoring relationship, linked to the purposes it serves."""

    key: str = Field(min_length=1)
    priority: Priority = "medium"
    purposes: list[str] = Field(default_factory=list, max_length=20)
    note: str = ""


# --------------------------------------------------------------------------- model

Format = Literal["one_to_one", "group", "peer", "reverse", "team", "flash", "virtual"]
Intake = Literal["cohort", "rolling"]
Cadence = Literal["weekly", "fortnightly", "monthly", "as_needed"]
MeetingMode = Literal["in_person", "virtual", "hybrid"]


class Milestone(_Model):
    """A point in every relationship's life, counted in months from its start."""

    name: str = Field(min_length=1)
    month: float = Field(ge=0, le=60, allow_inf_nan=False)
    description: str = ""


class MentoringModel(_Model):
    """The shape of the relationships: format, intake, duration, cadence, milestones."""

    format: Format | None = None
    intake: Intake | None = None
    start_date: Day | None = None
    """When the first cohort (or rolling intake) starts; the charter's timeline uses it."""
    duration_months: int | None = Field(default=None, ge=1, le=60)
    """9 to 12 months by default (rule R6)."""
    cadence: Cadence | None = None
    meeting_mode: MeetingMode | None = None
    meeting_minutes: int | None = Field(default=None, ge=5, le=480)
    group_size: int | None = Field(default=None, ge=2, le=50)
    """Mentees per group, for group and team formats."""
    milestones: list[Milestone] = Field(default_factory=list, max_length=60)


class Participation(_Model):
    """Who takes part and how they enrol."""

    mentee_eligibility: str = ""
    mentor_eligibility: str = ""
    voluntary: bool | None = None
    """Both sides enrol of their own will (rule R4)."""
    both_roles_allowed: bool | None = None
    """A person may be a mentor and a mentee at once (rule R8)."""
    expected_mentees: int | None = Field(default=None, ge=0, le=1_000_000)
    expected_mentors: int | None = Field(default=None, ge=0, le=1_000_000)
    mentor_capacity: int | None = Field(default=None, ge=0, le=50)
    """Default number of mentees a mentor takes; a roster can override it per person."""
    mentor_recognition: str = ""
    """How mentors are thanked and recognised (they are hard to attract, source 003)."""


class Roles(_Model):
    """Responsibilities of each party, one short sentence per item."""

    mentee: list[str] = Field(default_factory=list, max_length=50)
    mentor: list[str] = Field(default_factory=list, max_length=50)
    manager: list[str] = Field(default_factory=list, max_length=50)
    """The mentee's manager: indirect, never the mentor (rules R1, R2)."""
    coordinator: list[str] = Field(default_factory=list, max_length=50)
    sponsor: list[str] = Field(default_factory=list, max_length=50)
    steering_group: list[str] = Field(default_factory=list, max_length=50)
    steering_group_members: list[str] = Field(default_factory=list, max_length=50)
    """Roles represented on the steering group (not people's names)."""


class Confidentiality(_Model):
    """The boundary between the relationship and the line (rules R2 and R3)."""

    statement: str = ""
    manager_hears_goals: bool | None = None
    manager_receives_progress: bool | None = None
    manager_directs_learning: bool | None = None
    feeds_performance_review: bool | None = None


# --------------------------------------------------------------------------- components


class ComponentPlan(_Model):
    """The plan for one of the six standards of effective practice."""

    plan: str = ""
    activities: list[str] = Field(default_factory=list, max_length=50)
    owner: str = ""
    timing: str = ""


class Components(_Model):
    """MENTOR's six standards: the components that guide every relationship."""

    recruitment: ComponentPlan = Field(default_factory=ComponentPlan)
    screening: ComponentPlan = Field(default_factory=ComponentPlan)
    training: ComponentPlan = Field(default_factory=ComponentPlan)
    matching_initiating: ComponentPlan = Field(default_factory=ComponentPlan)
    monitoring_support: ComponentPlan = Field(default_factory=ComponentPlan)
    closure: ComponentPlan = Field(default_factory=ComponentPlan)


EvaluationDesign = Literal["before_after", "comparison", "waitlist", "randomised"]
"""How an objective's effect is told apart from what would have happened anyway
(knowledge/evaluation_designs.yaml says each one's weaknesses in words)."""


class EffectivenessMeasure(_Model):
    """How one objective is measured: what, when and by whom, and against whom."""

    objective: str = Field(min_length=1)
    """The objective's metric, as written in the purposes."""
    method: str = ""
    when: str = ""
    who: str = ""
    design: EvaluationDesign | None = None
    """Against what the participants' result is compared (None: not decided yet)."""
    comparison_size: int | None = Field(default=None, ge=0, le=10_000_000)
    """Expected number of people in the comparison group (comparison, waitlist and
    randomised designs)."""
    spread: Amount | None = Field(default=None, gt=0)
    """The metric's standard deviation among employees, for a metric that is not a
    percentage (a percentage's spread follows from its baseline)."""
    column: str = ""
    """The outcomes file's column for this objective, when it is not named like the
    metric."""


class ObjectiveResult(_Model):
    """One objective's measured effect, as the evaluation step reported it."""

    metric: str = Field(min_length=1)
    n_participants: Count = 0
    n_comparison: Count = 0
    participants_value: float | None = None
    effect: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    method: str = ""
    verdict: Literal["met", "not_met", "cannot_tell", "suppressed"] = "cannot_tell"


class EvaluationResults(_Model):
    """Aggregates of the last evaluation run, for the charter's results addendum: no
    person's value, and nothing about fewer than :data:`SMALLEST_GROUP` people."""

    run_at: Moment | None = None
    objectives: list[ObjectiveResult] = Field(default_factory=list, max_length=20 * 20)


class Evaluation(_Model):
    """Effectiveness against the objectives, quality against a standard (rule R7)."""

    effectiveness: list[EffectivenessMeasure] = Field(default_factory=list, max_length=400)
    quality_standard: str | None = None
    """Knowledge-base key of the standard the program is checked against."""
    quality_checklist: dict[str, bool] = Field(default_factory=dict, max_length=500)
    """Benchmark key -> whether the design meets it."""
    covariates: list[str] = Field(default_factory=list, max_length=20)
    """Outcomes-file columns on which participants are compared with similar
    non-participants (department, level, tenure, ...)."""
    power: float = Field(default=0.8, ge=0.5, le=0.99)
    """The chance the evaluation detects an effect as large as the target change."""
    significance: float = Field(default=0.05, gt=0, le=0.2)
    """Two-sided: the chance of calling an effect where there is none."""
    surveys: list[str] = Field(default_factory=list, max_length=20)
    """Survey scales (knowledge/instruments.yaml keys) the evaluation scores."""
    results: EvaluationResults | None = None
    """Aggregates of the last evaluation run (the charter's results addendum)."""


# --------------------------------------------------------------------------- matching

MatchMethod = Literal["algorithm", "coordinator", "committee", "mentee_choice"]
MenteeSay = Literal["none", "preferences", "shortlist", "choice"]
MatchObjective = Literal["coverage", "quality", "fairness"]
SameOrDifferent = Literal["same", "different", "either"]


class Weights(_Model):
    """Relative weight of each matching criterion; 0 switches a criterion off."""

    skills: Weight = 1.0
    """Skills the mentee wants against skills the mentor offers (source 003)."""
    goals: Weight = 0.0
    seniority: Weight = 0.0
    department: Weight = 0.0
    timezone: Weight = 0.0
    language: Weight = 0.0
    preferences: Weight = 0.0
    """The mentee's own ranked choices (the mentee directs the learning, rule R5)."""


class ExtraCriterion(_Model):
    """A roster column used as a criterion: reward the same value or a different one."""

    mode: Literal["same", "different"] = "same"
    weight: Weight = 1.0
    must_have: bool = False
    """A pair without the wanted value is never matched (not only scored lower)."""


BuiltInCriterion = Literal[
    "skills", "goals", "seniority", "department", "timezone", "language", "preferences"
]
"""The built-in criteria, by the names their weights have."""


SMALLEST_GROUP = 5
"""Figures about fewer people than this are left out of what a sponsor reads (privacy):
with four or fewer, anyone who knows who took part can work out a person's score."""


class MatchingResults(_Model):
    """Aggregates of the last matching run; never names, emails or ids, and no score
    figures when fewer than :data:`SMALLEST_GROUP` mentees were matched (privacy)."""

    run_at: Moment | None = None
    objective: MatchObjective | None = None
    mentees: Count = 0
    mentors: Count = 0
    matched: Count = 0
    unmatched: Count = 0
    total_score: float | None = Field(default=None, ge=0, le=1e9, allow_inf_nan=False)
    min_score: Score | None = None
    mean_score: Score | None = None
    score_quartiles: list[Score] = Field(default_factory=list, max_length=3)
    optimal: bool | None = None
    most_per_mentor: Count | None = None
    """The most mentees any one mentor was given (compared with the plan's capacity)."""
    own_capacity_mentors: Count | None = None
    """Mentors whose roster capacity differs from the plan's mentees per mentor."""


class MatchingPlan(_Model):
    """How mentors and mentees are matched: method, criteria, constraints, review;
    everything the matching step decides about a design's matching."""

    method: MatchMethod | None = None
    mentee_say: MenteeSay | None = None
    objective: MatchObjective = "coverage"
    weights: Weights = Field(default_factory=Weights)
    seniority_min_gap: int | None = Field(default=1, ge=-50, le=50)
    """Mentor at least this many levels above the mentee; ignored for reverse and peer."""
    seniority_max_gap: int | None = Field(default=None, ge=-50, le=50)
    department: SameOrDifferent = "either"
    max_timezone_hours: float | None = Field(default=None, ge=0, le=24)
    reporting_line_depth: int | None = Field(default=None, ge=1, le=100)
    """Levels above the mentee that may not mentor them; ``None`` is the whole line (R1)."""
    min_score: Score = 0.0
    avoid_repeat_pairs: bool = False
    column_map: dict[str, str] = Field(default_factory=dict, max_length=100)
    """Roster column name -> canonical column name."""
    extra_criteria: dict[str, ExtraCriterion] = Field(default_factory=dict, max_length=30)
    must_have: list[BuiltInCriterion] = Field(default_factory=list, max_length=7)
    """Built-in criteria a pair must meet to be matched at all, whatever their weight
    (at least one wanted skill offered, a shared language, ...): a weight only makes a
    pair score lower, so without this a mentee could get a mentor offering none of the
    skills they want."""
    review: str = ""
    """How the coordinator reviews proposed matches before they are announced."""
    rematching: str = ""
    """What happens when a match does not work out (no-fault rematch)."""

    @model_validator(mode="after")
    def _can_match(self) -> MatchingPlan:
        # Department weighs nothing when either department will do.
        weights = self.weights.model_dump()
        if self.department == "either":
            weights["department"] = 0.0
        total = sum(weights.values()) + sum(e.weight for e in self.extra_criteria.values())
        if total <= 0:
            raise ValueError(
                "every matching criterion has weight 0, so no pair could ever be matched; "
                "give at least skills a weight above 0"
            )
        if "department" in self.must_have and self.department == "either":
            raise ValueError(
                "the department is a must-have but either department will do; choose "
                "same or different, or untick must-have for the department"
            )
        if "timezone" in self.must_have and self.max_timezone_hours is None:
            raise ValueError(
                "the time zone is a must-have but no limit in hours is set; give the hours "
                "time zones may be apart, or untick must-have for the time zone"
            )
        return self

    @field_validator("must_have")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        # Order as the weights list them, each once: the same set of must-haves is
        # the same decision whatever order the boxes were ticked in.
        order = list(Weights.model_fields)
        return sorted(set(value), key=order.index)


class Matching(MatchingPlan):
    """The plan, and the aggregates of the last run on a roster (never names)."""

    results: MatchingResults | None = None


# --------------------------------------------------------------------------- the rest


class Policies(_Model):
    confidentiality: str = ""
    code_of_conduct: str = ""
    data_privacy: str = ""
    no_fault_exit: str = ""


class Resources(_Model):
    budget: str = ""
    coordinator_time: str = ""
    tools: list[str] = Field(default_factory=list, max_length=50)
    notes: str = ""


class Risk(_Model):
    risk: str = Field(min_length=1)
    mitigation: str = ""
    owner: str = ""


class Approval(_Model):
    """A sign-off line in the charter: a role, and the name and date once signed."""

    role: str = Field(min_length=1)
    name: str = ""
    date: Day | None = None


class Design(_Model):
    """A whole program design, as saved in one YAML file."""

    schema_version: int = SCHEMA_VERSION
    revision: int = Field(default=0, ge=0, le=1_000_000_000)
    """Incremented by every save; the charter shows it as its version."""
    updated: Moment | None = None
    """When the last save happened (UTC, from ``workbook.clock.now()``)."""
    updated_by: str | None = None
    """Who made the last save, as they gave their name (or their login): shown when
    someone else's save meets theirs. Files written before it existed have none."""
    program: Program = Field(default_factory=Program)
    fit: FitCheck = Field(default_factory=FitCheck)
    purposes: list[Purpose] = Field(default_factory=list, max_length=20)
    focus_areas: list[FocusArea] = Field(default_factory=list, max_length=30)
    model: MentoringModel = Field(default_factory=MentoringModel)
    participation: Participation = Field(default_factory=Participation)
    roles: Roles = Field(default_factory=Roles)
    confidentiality: Confidentiality = Field(default_factory=Confidentiality)
    components: Components = Field(default_factory=Components)
    evaluation: Evaluation = Field(default_factory=Evaluation)
    matching: Matching = Field(default_factory=Matching)
    policies: Policies = Field(default_factory=Policies)
    resources: Resources = Field(default_factory=Resources)
    risks: list[Risk] = Field(default_factory=list, max_length=200)
    approvals: list[Approval] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _consistent(self) -> Design:
        keys = [p.key for p in self.purposes]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"purpose {dupes[0]!r} is listed twice; keep one entry per purpose")
        for area in self.focus_areas:
            for key in area.purposes:
                if key not in keys:
                    raise ValueError(
                        f"focus area {area.key!r} serves purpose {key!r}, which is not one of "
                        "the design's purposes; add the purpose or remove the link"
                    )
        return self

    def purpose(self, key: str) -> Purpose | None:
        """The purpose with this key, if the design has it."""
        return next((p for p in self.purposes if p.key == key), None)

    def objectives(self) -> list[tuple[Purpose, Objective]]:
        """Every objective with the purpose it belongs to, in design order."""
        return [(p, o) for p in self.purposes for o in p.objectives]


def new_design(name: str = "") -> Design:
    """A blank design: every decision undecided, so the charter lists them all as open."""
    return Design(program=Program(name=name))


# --------------------------------------------------------------------------- validation

_MESSAGES: dict[str, tuple[str, str]] = {
    "extra_forbidden": ("unknown field", "remove it or correct its spelling"),
    "missing": ("is required", "add it"),
    "int_parsing": ("must be a whole number", "write a number such as 12"),
    "int_from_float": ("must be a whole number", "write a number without decimals"),
    "float_parsing": ("must be a number", "write a number such as 78.5"),
    "finite_number": (
        "must be an ordinary number",
        "write a number such as 78.5 (not .inf or .nan)",
    ),
    "too_long": ("has more entries than a program needs", ""),
    "bool_parsing": ("must be true or false", "write true or false"),
    "date_from_datetime_parsing": ("must be a date", "write it as YYYY-MM-DD"),
    "date_parsing": ("must be a date", "write it as YYYY-MM-DD"),
    "list_type": ("must be a list", "write one item per line, each starting with '- '"),
    "dict_type": ("must be a section of fields", "indent its fields under it"),
    "model_type": ("must be a section of fields", "indent its fields under it"),
    "string_type": ("must be text", "put the value in quotes"),
    "literal_error": ("is not one of the allowed values", ""),
    "greater_than_equal": ("is too small", ""),
    "less_than_equal": ("is too large", ""),
    "string_too_short": ("must not be empty", "fill it in or remove the entry"),
}


def problems_from_validation(exc: ValidationError, file: str | None = None) -> list[Problem]:
    """Turn pydantic's errors into the workbook's problems, one per field.

    The field path is dotted (``purposes.0.objectives.1.target``) so a person can find
    it in the YAML file, and each problem says how to fix it.
    """
    problems = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"])
        kind = err["type"]
        message, fix = _MESSAGES.get(kind, (err["msg"], ""))
        if kind == "literal_error":
            fix = err["msg"].replace("Input should be", "use")
        elif kind in ("greater_than_equal", "less_than_equal"):
            fix = err["msg"].replace("Input should be", "it must be")
        elif kind == "too_long":
            fix = f"keep at most {err.get('ctx', {}).get('max_length')}"
        elif kind == "value_error":
            message = str(err["msg"]).removeprefix("Value error, ")
        value = None
        if kind not in ("missing", "model_type", "dict_type") and not isinstance(
            err.get("input"), dict | list
        ):
            value = str(err.get("input"))
        problems.append(Problem(message, fix, file=file, field=loc or None, value=value))
    return problems


def parse_design(data: Any, file: str | None = None) -> Design:
    """Validate raw data (as read from YAML) into a :class:`Design`.

    Raises:
        SchemaVersionError: the file was written by a newer workbook.
        DesignError: the data is not a design; every problem is listed.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DesignError(
            Problem(
                "is not a design: the top level must be a set of fields such as 'program:'",
                "start from `workbook new` and copy your content into it",
                file=file,
            )
        )
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise SchemaVersionError(
            Problem(
                f"was written by a newer workbook (schema {version}; this one reads up to "
                f"{SCHEMA_VERSION})",
                "upgrade the workbook (pip install -U mentoring-workbook) to open it",
                file=file,
                field="schema_version",
            )
        )
    try:
        return Design.model_validate(data)
    except ValidationError as exc:
        raise DesignError(problems_from_validation(exc, file)) from None


def validate_input(model: type[M], values: Any) -> M:
    """Validate values from widgets or notebook parameters into a step's inputs model.

    Raises:
        InputError: one problem per bad field (``objectives.0.target: must be a
            number``), so a widget can show each next to its field and a headless run
            fails naming it.
    """
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc)) from None


def revalidate(design: Design) -> Design:
    """Check a design assembled with ``model_copy(update=...)``, which skips validation.

    Steps build their result that way; this runs every check once on the result.

    Raises:
        InputError: the edited design is inconsistent; one problem per field.
    """
    return validate_input(Design, design.model_dump())


def design_to_data(design: Design) -> dict[str, Any]:
    """The plain data written to YAML: every field, in model order, JSON-safe values."""
    return design.model_dump(mode="json")
