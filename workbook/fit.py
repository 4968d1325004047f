"""The fit check: is mentoring the right tool for the need, or is something else?

Mentoring is one development relationship among several (coaching, training, role
modelling, the buddy system, sponsorship, supervision; ``knowledge/relationships.yaml``),
and a designer who describes a performance fix should hear that coaching or training
serves it better (rule R10). The questionnaire, the points each answer gives each
relationship, the mixes that combine well and the summary sentences are all data in
``workbook/knowledge/fit_questions.yaml``; this module only computes.

:func:`assess` reads as a pipeline: score every relationship on the answered questions,
normalise each score to 0..100, rank, recommend (one, or a mix such as mentoring with
skill coaching inside it when two fit nearly as well), explain each score by the answers
that moved it, and summarise. It is plain typed Python with no widgets, so the notebook,
the command line and the tests share it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from workbook import files, knowledge
from workbook.design import FitReason, FitResult, RankedOption
from workbook.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd


class FitAnswers(BaseModel):
    """Answers to the fit questionnaire, checked against the questions when created.

    A pydantic model so that the fit-check step can use it as its inputs record, like
    every other step's; frozen, and the mapping is copied, so later edits to the
    caller's dict change nothing here.

    Attributes:
        answers: question key -> option key; unanswered questions are simply absent.
        preset: the situation preset the answers started from, if any.

    Raises:
        InputError: a question, option or preset that the questionnaire does not have;
            one problem per bad entry, each listing the valid choices.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    answers: dict[str, str] = Field(default_factory=dict)
    preset: str | None = None

    def __init__(self, answers: Mapping[str, str] | None = None, preset: str | None = None) -> None:
        super().__init__(answers=dict(answers or {}), preset=preset)

    @model_validator(mode="after")
    def _known(self) -> FitAnswers:
        # InputError is not a ValueError, so pydantic lets it through unchanged.
        questionnaire = knowledge.fit_questions()
        problems = []
        for question_key, option_key in self.answers.items():
            question = questionnaire.question(question_key)
            if question is None:
                known = ", ".join(q.key for q in questionnaire.questions)
                problems.append(
                    Problem(
                        "is not a fit-check question", f"use one of: {known}", field=question_key
                    )
                )
            elif question.option(option_key) is None:
                known = ", ".join(o.key for o in question.options)
                problems.append(
                    Problem(
                        f"is not an answer to {question.text!r}",
                        f"use one of: {known}",
                        field=question_key,
                        value=option_key,
                    )
                )
        if self.preset is not None and knowledge.entry("situations", self.preset) is None:
            problems.append(
                Problem(
                    "is not a situation preset",
                    f"use one of: {', '.join(knowledge.keys('situations'))}",
                    field="preset",
                    value=self.preset,
                )
            )
        if problems:
            raise InputError(problems)
        return self

    @classmethod
    def from_preset(cls, key: str, overrides: Mapping[str, str | None] | None = None) -> FitAnswers:
        """The answers of a situation preset, with some answers changed or cleared.

        Raises:
            InputError: unknown preset, question or option.
        """
        situation = knowledge.entry("situations", key)
        if situation is None:
            # Let __post_init__ word the error, with the list of presets.
            return cls({}, preset=key)
        answers: dict[str, str | None] = {**situation.extra("answers"), **(overrides or {})}
        return cls({q: a for q, a in answers.items() if a}, preset=key)

    @classmethod
    def from_data(cls, data: Any, file: str | None = None) -> FitAnswers:
        """Answers from plain data, as written in an answers file.

        Either ``{question: option, ...}`` or ``{preset: KEY, answers: {...}}``; with a
        preset, the listed answers change the preset's. Empty answers are unanswered.

        Raises:
            InputError: the data is not shaped like answers, or names unknown keys.
        """
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise InputError(
                Problem(
                    "is not a set of answers",
                    "write one 'question: answer' per line, or 'preset:' and 'answers:'",
                    file=file,
                )
            )
        if "preset" in data or "answers" in data:
            extra = sorted(set(data) - {"preset", "answers"})
            if extra:
                raise InputError(
                    Problem(
                        "unknown field",
                        "keep only 'preset:' and 'answers:' at the top level",
                        file=file,
                        field=str(extra[0]),
                    )
                )
            preset, answers = data.get("preset"), data.get("answers") or {}
        else:
            preset, answers = None, data
        if not isinstance(answers, dict):
            raise InputError(
                Problem(
                    "must be a section of 'question: answer' lines",
                    "indent the answers under 'answers:'",
                    file=file,
                    field="answers",
                )
            )
        given = {str(q): (None if a in (None, "") else str(a)) for q, a in answers.items()}
        try:
            if preset is not None:
                return cls.from_preset(str(preset), given)
            return cls({q: a for q, a in given.items() if a})
        except InputError as exc:
            raise InputError([replace(p, file=file) for p in exc.problems]) from None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> FitAnswers:
        """Answers read from a YAML file (see :meth:`from_data` for its shape).

        Raises:
            InputError: the file is missing, not YAML, or names unknown keys.
        """
        path = Path(path)
        fix = "give the path of an answers .yaml file"
        raw = files.read(path, files.Kind("an answers", files.MB, InputError, fix))
        if raw is None:
            raise InputError(Problem("does not exist", fix, str(path)))
        try:
            data = files.load_yaml(raw.decode("utf-8"), str(path), InputError)
        except UnicodeDecodeError as exc:
            raise InputError(
                Problem(f"cannot be read ({exc})", "save it as UTF-8", str(path))
            ) from None
        except yaml.YAMLError as exc:
            raise InputError(
                Problem(f"is not valid YAML: {exc}", "check the indentation", str(path))
            ) from None
        return cls.from_data(data, str(path))


# --------------------------------------------------------------------------- assess


def _score(answers: FitAnswers) -> dict[str, float]:
    """Each relationship's points on the answered questions, scaled to 0..100.

    A relationship's score is where its points fall between the lowest and the highest
    it could have got on the same questions, so a question that says nothing about it
    neither helps nor hurts it, and scores are comparable across relationships.
    """
    questionnaire = knowledge.fit_questions()
    scores = {}
    for relationship in knowledge.keys("relationships"):
        got = low = high = 0
        for question_key, option_key in answers.answers.items():
            question = questionnaire.question(question_key)
            assert question is not None  # FitAnswers checked it
            possible = [o.points.get(relationship, 0) for o in question.options]
            chosen = question.option(option_key)
            assert chosen is not None
            got += chosen.points.get(relationship, 0)
            low += min(possible)
            high += max(possible)
        scores[relationship] = 0.0 if high == low else round(100 * (got - low) / (high - low), 1)
    return scores


def _rank(scores: Mapping[str, float]) -> list[RankedOption]:
    order = knowledge.keys("relationships")  # ties keep the file's order
    ranked = sorted(scores, key=lambda k: (-scores[k], order.index(k)))
    return [RankedOption(relationship=k, score=scores[k]) for k in ranked]


def _recommend(ranking: Sequence[RankedOption]) -> list[str]:
    """The best relationship, plus the next ones that fit nearly as well (a mixed result)."""
    scoring = knowledge.fit_questions().scoring
    best = ranking[0]

    def close(other: RankedOption) -> bool:
        gap = best.score - other.score
        if other.score >= scoring.min_score and gap <= scoring.margin:
            return True
        known = mix([best.relationship, other.relationship]) is not None
        return known and other.score >= scoring.mix_min_score and gap <= scoring.mix_margin

    seconds = [r.relationship for r in ranking[1:] if close(r)]
    return [best.relationship, *seconds][: scoring.max_recommended]


def _explain(answers: FitAnswers, ranking: Sequence[RankedOption]) -> list[FitReason]:
    """One reason per (answer, relationship) that moved its score, best-ranked first."""
    questionnaire = knowledge.fit_questions()
    template = questionnaire.texts["reason"]
    reasons = []
    for ranked in ranking:
        relationship = knowledge.entry("relationships", ranked.relationship)
        assert relationship is not None
        values = relationship.extra("values")
        for question in questionnaire.questions:
            option = question.option(answers.answers.get(question.key, ""))
            points = option.points.get(ranked.relationship, 0) if option else 0
            if option is None or points == 0:
                continue
            dimension = knowledge.entry("dimensions", question.dimension)
            assert dimension is not None
            text = option.reasons.get(ranked.relationship) or template.format(
                dimension=dimension.title,
                relationship=relationship.title.lower(),
                value=values[question.dimension],
            )
            reasons.append(
                FitReason(
                    relationship=ranked.relationship,
                    text=text,
                    question=question.text,
                    answer=option.label,
                    source=option.source or question.source or dimension.source,
                    points=points,
                )
            )
    return reasons


def mix(recommended: Sequence[str]) -> knowledge.FitMix | None:
    """The known combination these recommendations form (mentoring with coaching), if any."""
    wanted = set(recommended)
    return next((m for m in knowledge.fit_questions().mixes if set(m.keys) == wanted), None)


def _summarise(ranking: Sequence[RankedOption], recommended: Sequence[str]) -> str:
    texts = knowledge.fit_questions().texts
    scores = {r.relationship: round(r.score) for r in ranking}
    first = recommended[0]
    values: dict[str, Any] = {
        "first": knowledge.title("relationships", first),
        "score": scores[first],
    }
    if len(recommended) > 1:
        second = recommended[1]
        values |= {
            "second": knowledge.title("relationships", second),
            "second_score": scores[second],
        }
        combined = mix(recommended)
        if combined:
            values |= {"title": combined.title, "description": combined.description.strip()}
            summary = texts["mix"].format(**values)
        else:
            summary = texts["pair"].format(**values)
    else:
        summary = texts["single"].format(**values)
    if "mentoring" not in recommended:
        values["first"] = " or ".join(
            knowledge.title("relationships", k).lower() for k in recommended
        )
        best = knowledge.entry("relationships", recommended[0])
        values["instead"] = best.extra("instead") if best else ""
        summary += " " + texts["not_mentoring"].format(**values)
    return " ".join(summary.split())


def assess(answers: FitAnswers) -> FitResult:
    """Rank every relationship type on the answers and recommend one or a mix.

    With no answers every score is 0, nothing is recommended, and the summary asks for
    answers: an empty questionnaire must not look like advice.
    """
    scores = _score(answers)
    ranking = _rank(scores)
    if not answers.answers:
        return FitResult(ranking=ranking, summary=knowledge.fit_questions().texts["none"])
    recommended = _recommend(ranking)
    return FitResult(
        ranking=ranking,
        recommended=recommended,
        reasons=_explain(answers, ranking),
        summary=_summarise(ranking, recommended),
    )


# --------------------------------------------------------------------------- helpers


def presets() -> tuple[knowledge.CatalogueEntry, ...]:
    """Situation presets (the sources' "when to consider" lists) the questionnaire offers."""
    return knowledge.situations()


def comparison(keys: Sequence[str]) -> pd.DataFrame:
    """The chosen relationships side by side on every dimension the sources use.

    Rows are dimensions (in dimensions.yaml order), columns are relationships (in the
    order given, typically the top of a ranking).

    Raises:
        InputError: a key that is not a relationship type.
    """
    import pandas as pd  # not at import: the app's first step needs no pandas (50 MB)

    columns, rows = comparison_rows(keys)
    frame = pd.DataFrame(
        {title: [values[i] for _, values in rows] for i, title in enumerate(columns)},
        index=[dimension for dimension, _ in rows],
    )
    frame.index.name = "Dimension"
    return frame


def comparison_rows(keys: Sequence[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """:func:`comparison` as plain data: (relationship titles, (dimension, values) rows).

    Raises:
        InputError: a key that is not a relationship type.
    """
    known = knowledge.keys("relationships")
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise InputError(
            Problem(
                f"{unknown[0]!r} is not a relationship type",
                f"use one of: {', '.join(known)}",
                field="relationships",
            )
        )
    relationships = [knowledge.entry("relationships", key) for key in keys]
    columns = [r.title for r in relationships if r is not None]
    rows = [
        (d.title, [str(r.extra("values")[d.key]) for r in relationships if r is not None])
        for d in knowledge.dimensions()
    ]
    return columns, rows


def top(result: FitResult, count: int = 3) -> list[str]:
    """The keys a comparison should show: the recommended ones, then the next best."""
    keys = list(result.recommended)
    for ranked in result.ranking:
        if len(keys) >= max(count, len(result.recommended)):
            break
        if ranked.relationship not in keys:
            keys.append(ranked.relationship)
    return keys


def report(result: FitResult) -> str:
    """The result as plain text: ranking, summary, then the reasons for the recommended.

    This is what ``workbook fit`` prints.
    """
    lines = []
    for number, ranked in enumerate(result.ranking, 1):
        mark = "  <- recommended" if ranked.relationship in result.recommended else ""
        name = knowledge.title("relationships", ranked.relationship)
        lines.append(f"{number}. {name:<16}{ranked.score:5.0f}/100{mark}")
    lines += ["", result.summary]
    for key in result.recommended:
        lines += ["", f"{knowledge.title('relationships', key)}:"]
        for reason in result.reasons:
            if reason.relationship == key:
                sign = "+" if reason.points > 0 else "-"
                lines.append(
                    f"  {sign} {reason.answer} ({reason.question}) - {reason.text} "
                    f"[{reason.source}]"
                )
    return "\n".join(lines)
