"""Each objective's evaluation as designed: what it compares, and the smallest change it
could detect, in words.

A designer who insists on measurable objectives should know, before the program starts,
whether the evaluation could confirm its targets at all: with 40 mentees and a 78%
baseline, no one-cohort evaluation confirms a 10-point rise. :func:`objective_plans`
works that out for every objective of a design (its measure's evaluation design, the
expected number of mentees, the comparison group's size, the baseline and its spread,
the design's power and significance) with :func:`~workbook.evaluation.power.detectable_change`,
or says what is missing. The components step shows :meth:`ObjectivePlan.sentence` next to
each objective's row, rule R7's ``objective_undetectable`` check warns when
:attr:`ObjectivePlan.undetectable`, and the charter's evaluation plan states the same
words, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbook import knowledge
from workbook.design import Design, EffectivenessMeasure, Objective, objective_key
from workbook.evaluation.power import Detectable, detectable_change, is_rate


@dataclass(frozen=True)
class ObjectivePlan:
    """One objective's evaluation, as the design has it so far.

    Attributes:
        objective: the objective (it has a metric: that is how a measure finds it).
        measure: how it is measured, if the evaluation plan says (``None``: not yet).
        index: the measure's place in ``evaluation.effectiveness`` (``None`` without one).
        participants: the expected number of mentees (step 3), if known.
        detectable: the smallest detectable change, when it can be worked out.
        missing: what to fill in before it can be, in words ("the expected number of
            mentees in step 3"); empty when it is worked out or no design is chosen.
    """

    objective: Objective
    measure: EffectivenessMeasure | None
    index: int | None
    participants: int | None
    power: float
    significance: float
    detectable: Detectable | None
    missing: tuple[str, ...]

    @property
    def design(self) -> knowledge.EvaluationDesignInfo | None:
        """The chosen evaluation design's words, if one is chosen (and known)."""
        key = self.measure.design if self.measure is not None else None
        return knowledge.evaluation_design(key) if key else None

    @property
    def rate(self) -> bool:
        """The metric is a percentage of people (its change is in points)."""
        return is_rate(self.objective.unit)

    @property
    def target_change(self) -> float | None:
        """How far the target is from the baseline, in the metric's unit."""
        o = self.objective
        if o.baseline is None or o.target is None:
            return None
        return abs(o.target - o.baseline)

    @property
    def undetectable(self) -> bool:
        """The target asks for a smaller change than the evaluation could detect."""
        needed = self.target_change
        return self.detectable is not None and needed is not None and needed < self.change

    @property
    def change(self) -> float:
        """The smallest detectable change (0 when it cannot be worked out)."""
        return self.detectable.change if self.detectable is not None else 0.0

    @property
    def at_bound(self) -> bool:
        """For a percentage: no change the scale can hold would be detected (the
        detectable change runs the whole way to 0% or 100%)."""
        o = self.objective
        if self.detectable is None or not self.rate or o.baseline is None:
            return False
        room = o.baseline if _downward(o) else 100 - o.baseline
        return self.change >= room - 1e-9

    # ------------------------------------------------------------ words

    def who(self) -> str:
        """The people compared: ``40 mentees against 200 comparable employees``."""
        mentees = f"{self.participants} mentee{'' if self.participants == 1 else 's'}"
        design = self.design
        if design is None or design.comparison is None or self.measure is None:
            return mentees
        return f"{mentees} against {self.measure.comparison_size} {design.comparison}"

    def situation(self, *, compared: bool = True) -> str:
        """Who is compared, from what baseline: ``40 mentees against 200 comparable
        employees and a 78% baseline`` (``40 mentees and a 78% baseline`` without
        ``compared``); for a metric that is not a percentage, its baseline and spread
        with the unit (``60 mentees, a baseline of 3.4 points and a spread of 0.9
        points``)."""
        o = self.objective
        who = self.who() if compared else self.who().split(" against ")[0]
        if self.rate:
            return f"{who} and a {_given(o.baseline or 0)}% baseline"
        spread = self.measure.spread if self.measure is not None else None
        return (
            f"{who}, a baseline of {_amount(o.baseline or 0, o.unit)} and a spread of "
            f"{_amount(spread or 0, o.unit)}"
        )

    @property
    def name(self) -> str:
        """The objective as a sponsor knows it: its description, else its metric."""
        return self.objective.description or self.objective.metric

    def detectable_words(self) -> str:
        """``about 14 points``: the smallest detectable change, rounded so that it never
        reads as the target when it is not."""
        if self.at_bound:
            end = "0%" if _downward(self.objective) else "100%"
            return f"more than the scale allows (even a change to {end} would be missed)"
        figure = _figure(self.change, self.target_change)
        if self.rate:
            return f"about {figure} points"
        unit = self.objective.unit.strip()
        return f"about {figure}" + (f" {unit}" if unit else "")

    def target_words(self) -> str:
        """``10``: the change the target asks for, in the metric's unit."""
        needed = self.target_change
        return "" if needed is None else _given(needed)

    def sentence(self) -> str:
        """The smallest detectable change in a sentence a sponsor can read, or why it is
        not known yet and what to fill in."""
        if self.measure is None or self.measure.design is None:
            return (
                "No evaluation design is chosen yet, so the smallest change it could detect "
                "cannot be worked out. A figure counted for the whole program (such as roles "
                "filled) needs none; one measured for each employee does."
            )
        if self.detectable is None:
            return (
                "The smallest change this evaluation could detect cannot be worked out yet: "
                f"give {_and(self.missing)}."
            )
        start = f"With {self.situation()}, this evaluation "
        if self.at_bound:
            said = start + "cannot detect any change the scale can hold"
        else:
            said = start + f"can detect a change of {self.detectable_words()} or more"
        needed = self.target_change
        if needed is None:
            return said + "; the objective has no target yet."
        return said + f"; the target asks for {self.target_words()}."

    def data_needed(self, covariates: Sequence[str]) -> str | None:
        """What the data owner must provide for this evaluation, in a sentence (None
        without a design): one row per person, what says who took part, what to compare
        like with like on, and the outcome."""
        design = self.design
        if design is None or self.measure is None:
            return None
        said = f"One row per {' '.join(design.data_owner.split())}"
        if self.measure.design in ("comparison", "waitlist"):
            said += (
                f", with {covariate_words(covariates)} to compare like with like"
                if covariates
                else ", with the columns to compare like with like on (none are named yet)"
            )
        return said + f"; the outcome is '{self.objective.metric}'."


def objective_plans(design: Design) -> list[ObjectivePlan]:
    """Every objective with a metric, in design order, with its evaluation as planned
    (an objective measured in two purposes is planned once, as the components step
    measures it once)."""
    e = design.evaluation
    measures = {objective_key(m.objective): (i, m) for i, m in enumerate(e.effectiveness)}
    participants = design.participation.expected_mentees
    found: dict[str, ObjectivePlan] = {}
    for _, objective in design.objectives():
        key = objective_key(objective.metric)
        if not objective.metric or key in found:
            continue
        index, measure = measures.get(key, (None, None))
        detectable, missing = _work_out(objective, measure, participants, e.power, e.significance)
        found[key] = ObjectivePlan(
            objective, measure, index, participants, e.power, e.significance, detectable, missing
        )
    return list(found.values())


def _work_out(
    objective: Objective,
    measure: EffectivenessMeasure | None,
    participants: int | None,
    power: float,
    significance: float,
) -> tuple[Detectable | None, tuple[str, ...]]:
    """The smallest detectable change, or what is missing to work it out."""
    if measure is None or measure.design is None:
        return None, ()
    rate = is_rate(objective.unit)
    missing = []
    if participants is None or participants < 2:
        missing.append("the expected number of mentees in step 3 (at least 2)")
    info = knowledge.evaluation_design(measure.design)
    if info is not None and info.comparison is not None and not measure.comparison_size:
        missing.append(f"how many {info.comparison} the mentees are compared with")
    if objective.baseline is None:
        missing.append("the objective's baseline in step 1")
    elif rate and not 0 < objective.baseline < 100:
        missing.append("a baseline between 0 and 100 in step 1 (the metric is a percentage)")
    if not rate and measure.spread is None:
        missing.append(
            f"how much '{objective.metric}' varies between employees (its spread, the "
            "standard deviation)"
        )
    if missing or participants is None or objective.baseline is None:
        return None, tuple(missing)
    found = detectable_change(
        design=measure.design,
        participants=participants,
        comparison=measure.comparison_size,
        baseline=objective.baseline,
        rate=rate,
        spread=measure.spread,
        upward=not _downward(objective),
        power=power,
        significance=significance,
    )
    return found, ()


def _downward(objective: Objective) -> bool:
    return (
        objective.baseline is not None
        and objective.target is not None
        and objective.target < objective.baseline
    )


def _figure(value: float, target: float | None = None) -> str:
    """A figure as the sentences write it: whole numbers from 10 up, one decimal below,
    two below 1; more decimals when the rounded figure would read as ``target`` while the
    figure is not the target (10.3 against a target of 10 reads 10.3, not 10)."""
    digits = 0 if value >= 10 else 1 if value >= 1 else 2
    text = f"{value:.{digits}f}"
    while target is not None and value != target and float(text) == target and digits < 4:
        digits += 1
        text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _given(value: float) -> str:
    """A figure the designer gave (a baseline, a spread), as written: ``54.5``, ``78``."""
    return f"{value:.6g}"


def _amount(value: float, unit: str) -> str:
    unit = unit.strip()
    return f"{_given(value)} {unit}" if unit else _given(value)


def _and(items: Sequence[str]) -> str:
    """``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def percent(fraction: float) -> str:
    """``0.8`` -> ``80%`` (a power or a significance, as the page and the charter say it)."""
    return f"{fraction * 100:.4g}%"


def a_percent(fraction: float) -> str:
    """``0.8`` -> ``an 80%``, ``0.05`` -> ``a 5%``: the article a number is read with."""
    text = percent(fraction)
    whole = text.split("%")[0].split(".")[0]
    spoken_vowel = whole.startswith("8") or whole in ("11", "18")
    return f"{'an' if spoken_vowel else 'a'} {text}"


def covariate_words(covariates: Sequence[str]) -> str:
    """``department, level and tenure years``: the columns as a person reads them (the
    file's exact names are the design's and the evaluation step's business)."""
    return _and([" ".join(c.replace("_", " ").split()) for c in covariates])
