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


Answer = str | Sequence[str] | Mapping[str, str]
"""One question's answer as a person gives it: an option key; or a list of one or two,
the main answer first and then one that is partly true as well; or a mapping of option
keys to "mainly" and "partly"."""

WEIGHTS = ("mainly", "partly")


def _split(
    given: Mapping[str, Answer | None], partly: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str], list[Problem]]:
    """The main answers and the partial ones, and a problem for every answer whose
    shape is not one of :data:`Answer`'s."""
    main: dict[str, str] = {}
    second: dict[str, str] = dict(partly)
    problems: list[Problem] = []
    fix = (
        "give one answer, or two: the main one first, then one that is partly true "
        "(or 'answer: mainly' and 'other answer: partly')"
    )
    for key, answer in given.items():
        if answer is None or answer == "":
            continue
        if isinstance(answer, str):
            main[key] = answer
            continue
        if isinstance(answer, Mapping):
            weights = {str(k): str(v) for k, v in answer.items()}
            mainly = [k for k, v in weights.items() if v == "mainly"]
            partial = [k for k, v in weights.items() if v == "partly"]
            odd = [v for v in weights.values() if v not in WEIGHTS]
            if odd or len(mainly) != 1 or len(partial) > 1:
                problems.append(
                    Problem(
                        "is not one main answer and at most one partial one",
                        fix,
                        field=key,
                        value=str(dict(answer)),
                    )
                )
                continue
            main[key] = mainly[0]
            if partial:
                second[key] = partial[0]
            continue
        items = list(answer) if isinstance(answer, Sequence) else None
        if items is None or not 1 <= len(items) <= 2 or not all(isinstance(i, str) for i in items):
            problems.append(Problem("is not one answer or two", fix, field=key, value=str(answer)))
            continue
        main[key] = items[0]
        if len(items) == 2:
            second[key] = items[1]
    for key, option in second.items():
        if key not in main:
            problems.append(
                Problem(
                    "has a partial answer but no main one",
                    "choose the main answer first",
                    field=key,
                    value=option,
                )
            )
        elif main[key] == option:
            problems.append(
                Problem(
                    "gives the same answer as main and partial",
                    "choose a different partial answer, or none",
                    field=key,
                    value=option,
                )
            )
    return main, second, problems


class FitAnswers(BaseModel):
    """Answers to the fit questionnaire, checked against the questions when created.

    A pydantic model so that the fit-check step can use it as its inputs record, like
    every other step's; frozen, and the mappings are copied, so later edits to the
    caller's dict change nothing here.

    Real needs are mixed ("a year-long relationship, with some practice on giving
    feedback"), so a question may have a second answer that is partly true: it counts
    half (``scoring.weights``), never rules anything out, and can bring in a
    relationship that combines well with the best one.

    Attributes:
        answers: question key -> the main answer's option key; unanswered questions are
            simply absent.
        partly: question key -> a second option key that is partly true as well.
        preset: the situation preset the answers started from, if any.

    Raises:
        InputError: a question, option or preset that the questionnaire does not have,
            or an answer of the wrong shape; one problem per bad entry, each listing the
            valid choices.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    answers: dict[str, str] = Field(default_factory=dict)
    partly: dict[str, str] = Field(default_factory=dict)
    preset: str | None = None

    def __init__(
        self,
        answers: Mapping[str, Answer | None] | None = None,
        preset: str | None = None,
        partly: Mapping[str, str] | None = None,
    ) -> None:
        main, second, problems = _split(answers or {}, partly or {})
        if problems:
            raise InputError(problems)
        super().__init__(answers=main, partly=second, preset=preset)

    @model_validator(mode="after")
    def _known(self) -> FitAnswers:
        # InputError is not a ValueError, so pydantic lets it through unchanged.
        questionnaire = knowledge.fit_questions()
        problems = []
        given = [*self.answers.items(), *self.partly.items()]
        for question_key, option_key in given:
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
            # A question named twice (main and partly) is reported once.
            raise InputError(list(dict.fromkeys(problems)))
        return self

    def chosen(self) -> list[tuple[knowledge.FitQuestion, knowledge.FitOption, bool]]:
        """Every answer given, in the questionnaire's order: (question, option, partly)."""
        picked = []
        for question in knowledge.fit_questions().questions:
            for options, partial in ((self.answers, False), (self.partly, True)):
                option = question.option(options.get(question.key, ""))
                if option is not None:
                    picked.append((question, option, partial))
        return picked

    def with_answer(self, question: str, option: str) -> FitAnswers:
        """These answers with one more main answer (the confidence check's "what if")."""
        return FitAnswers({**self.answers, question: option}, self.preset, self.partly)

    @classmethod
    def from_preset(
        cls, key: str, overrides: Mapping[str, Answer | None] | None = None
    ) -> FitAnswers:
        """The answers of a situation preset, with some answers changed or cleared.

        Raises:
            InputError: unknown preset, question or option.
        """
        situation = knowledge.entry("situations", key)
        if situation is None:
            # Let the validator word the error, with the list of presets.
            return cls({}, preset=key)
        answers: dict[str, Answer | None] = {**situation.extra("answers"), **(overrides or {})}
        return cls(answers, preset=key)

    @classmethod
    def from_data(cls, data: Any, file: str | None = None) -> FitAnswers:
        """Answers from plain data, as written in an answers file.

        Either ``{question: answer, ...}`` or ``{preset: KEY, answers: {...}}``; with a
        preset, the listed answers change the preset's. Empty answers are unanswered; an
        answer is an option key, a list of two (the main one, then one partly true), or
        ``{option: mainly, other: partly}``.

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
        given: dict[str, Answer | None] = {
            str(q): a if isinstance(a, (list, dict)) or a is None else str(a)
            for q, a in answers.items()
        }
        try:
            if preset is not None:
                return cls.from_preset(str(preset), given)
            return cls(given)
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


def _ruled_out(answers: FitAnswers) -> list[str]:
    """Relationships a main answer rules out, in the file's order (a partial answer
    never rules anything out: it is only partly true)."""
    excluded = {
        k for _q, option, partly in answers.chosen() if not partly for k in option.rules_out
    }
    return [k for k in knowledge.keys("relationships") if k in excluded]


def _score(answers: FitAnswers) -> dict[str, float]:
    """Each relationship's points on the answered questions, scaled to 0..100.

    A relationship's score is where its points fall between the lowest and the highest
    it could have got on the same questions, so a question that says nothing about it
    neither helps nor hurts it, and scores are comparable across relationships; a few
    points of range answered halfway (``scoring.evidence_prior``) are added, so a
    relationship the answers barely touch stays near the middle instead of looking like
    a perfect fit on two answers. A
    question answered twice gives the weighted mean of its two answers' points (the
    partial one counts half), so it stays within the same bounds. A relationship an
    answer rules out scores no more than ``scoring.ruled_out_cap``.
    """
    questionnaire = knowledge.fit_questions()
    if not answers.answers:  # nothing said: nothing scores (no prior without evidence)
        return dict.fromkeys(knowledge.keys("relationships"), 0.0)
    weights = questionnaire.scoring.weights
    excluded = set(_ruled_out(answers))
    scores = {}
    for relationship in knowledge.keys("relationships"):
        got = low = high = 0.0
        for question_key in answers.answers:
            question = questionnaire.question(question_key)
            assert question is not None  # FitAnswers checked it
            possible = [o.points.get(relationship, 0) for o in question.options]
            given = [(answers.answers[question_key], weights["mainly"])]
            if question_key in answers.partly:
                given.append((answers.partly[question_key], weights["partly"]))
            total = sum(weight for _key, weight in given)
            for key, weight in given:
                option = question.option(key)
                assert option is not None
                got += option.points.get(relationship, 0) * weight / total
            low += min(possible)
            high += max(possible)
        prior = questionnaire.scoring.evidence_prior
        span = high - low + prior
        score = 0.0 if span == 0 else round(100 * (got - low + prior / 2) / span, 1)
        if relationship in excluded:
            score = min(score, questionnaire.scoring.ruled_out_cap)
        scores[relationship] = score
    return scores


def _rank(scores: Mapping[str, float]) -> list[RankedOption]:
    order = knowledge.keys("relationships")  # ties keep the file's order
    ranked = sorted(scores, key=lambda k: (-scores[k], order.index(k)))
    return [RankedOption(relationship=k, score=scores[k]) for k in ranked]


def _partly_points(answers: FitAnswers, relationship: str) -> int:
    """The points the partial answers give a relationship (only those in its favour)."""
    return sum(
        max(option.points.get(relationship, 0), 0)
        for _q, option, partly in answers.chosen()
        if partly
    )


def _recommend(answers: FitAnswers, ranking: Sequence[RankedOption]) -> list[str]:
    """The best relationship, plus the next ones that fit nearly as well (a mixed
    result), plus a relationship the partial answers point to clearly when the two
    form a mix the sources describe. Nothing an answer rules out is recommended."""
    scoring = knowledge.fit_questions().scoring
    excluded = set(_ruled_out(answers))
    allowed = [r for r in ranking if r.relationship not in excluded] or list(ranking[:1])
    best = allowed[0]

    def close(other: RankedOption) -> bool:
        # A second needs answers that are typical of it, not merely no answer against it.
        typical = sum(
            option.points.get(other.relationship, 0) >= scoring.typical_points
            for _q, option, partly in answers.chosen()
            if not partly
        )
        if typical < scoring.min_typical:
            return False
        gap = best.score - other.score
        if other.score >= scoring.min_score and gap <= scoring.margin:
            return True
        known = mix([best.relationship, other.relationship]) is not None
        return known and other.score >= scoring.mix_min_score and gap <= scoring.mix_margin

    def wanted_in_part(other: RankedOption) -> bool:
        known = mix([best.relationship, other.relationship]) is not None
        return known and _partly_points(answers, other.relationship) >= scoring.partly_mix_points

    # What the person said in part comes before what the scores alone suggest.
    seconds = [r.relationship for r in allowed[1:] if wanted_in_part(r)]
    seconds += [r.relationship for r in allowed[1:] if r.relationship not in seconds and close(r)]
    return [best.relationship, *seconds][: scoring.max_recommended]


def _explain(answers: FitAnswers, ranking: Sequence[RankedOption]) -> list[FitReason]:
    """One reason per (answer given, relationship) that moved its score or ruled it out,
    best-ranked first. Every reason names the answer it comes from."""
    questionnaire = knowledge.fit_questions()
    template = questionnaire.texts["reason"]
    reasons = []
    for ranked in ranking:
        relationship = knowledge.entry("relationships", ranked.relationship)
        assert relationship is not None
        values = relationship.extra("values")
        for question, option, partly in answers.chosen():
            points = option.points.get(ranked.relationship, 0)
            excludes = not partly and ranked.relationship in option.rules_out
            if points == 0 and not excludes:
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
                    partly=partly,
                    rules_out=excludes,
                )
            )
    return reasons


def _confidence(answers: FitAnswers, recommended: Sequence[str]) -> dict[str, Any]:
    """How much the answers support the recommendation, and which unanswered
    questions could change it (those that could change it in more ways first)."""
    questionnaire = knowledge.fit_questions()
    scoring, texts = questionnaire.scoring, questionnaire.texts
    deciding: list[tuple[int, int, str]] = []
    for order, question in enumerate(questionnaire.questions):
        if question.key in answers.answers:
            continue
        changes = 0
        for option in question.options:
            other = answers.with_answer(question.key, option.key)
            if _recommend(other, _rank(_score(other))) != list(recommended):
                changes += 1
        if changes:
            deciding.append((-changes, order, question.key))
    keys = [key for _c, _o, key in sorted(deciding)]
    answered, total = len(answers.answers), len(questionnaire.questions)
    if answered >= scoring.high_answered and not keys:
        level = "high"
    elif answered < scoring.low_answered or len(keys) > scoring.low_deciding:
        level = "low"
    else:
        level = "medium"
    text = texts[f"confidence_{level}"].format(answered=answered, total=total)
    if keys:
        asked = [f"“{_question_text(k)}”" for k in keys]
        named = asked[0] if len(asked) == 1 else ", ".join(asked[:-1]) + " or " + asked[-1]
        text += " " + texts["deciding"].format(questions=named, first=asked[0])
    return {
        "answered": answered,
        "questions": total,
        "confidence": level,
        "confidence_text": text,
        "deciding": keys,
    }


def _question_text(key: str) -> str:
    question = knowledge.fit_questions().question(key)
    return question.text if question else key


def mix(recommended: Sequence[str]) -> knowledge.FitMix | None:
    """The known combination these recommendations form (mentoring with coaching), if any."""
    wanted = set(recommended)
    return next((m for m in knowledge.fit_questions().mixes if set(m.keys) == wanted), None)


def _summarise(
    answers: FitAnswers, ranking: Sequence[RankedOption], recommended: Sequence[str]
) -> str:
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
        # Brought in by what was said to be partly true, not by its own score: say so.
        partial = [
            option.label.lower()
            for _q, option, partly in answers.chosen()
            if partly and option.points.get(second, 0) > 0
        ]
        if combined:
            values |= {"title": combined.title, "description": combined.description.strip()}
            if partial and scores[second] < knowledge.fit_questions().scoring.mix_min_score:
                values["partly"] = "; ".join(partial)
                values["second_lower"] = values["second"].lower()
                summary = texts["mix_partly"].format(**values)
            else:
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
    """Rank every relationship type on the answers and recommend one or a mix, with how
    much the answers support it.

    With no answers every score is 0, nothing is recommended, and the summary asks for
    answers: an empty questionnaire must not look like advice.
    """
    scores = _score(answers)
    ranking = _rank(scores)
    if not answers.answers:
        return FitResult(ranking=ranking, summary=knowledge.fit_questions().texts["none"])
    recommended = _recommend(answers, ranking)
    return FitResult(
        ranking=ranking,
        recommended=recommended,
        reasons=_explain(answers, ranking),
        summary=_summarise(answers, ranking, recommended),
        ruled_out=_ruled_out(answers),
        **_confidence(answers, recommended),
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
        if ranked.relationship in result.ruled_out:
            mark = "  (ruled out by an answer)"
        name = knowledge.title("relationships", ranked.relationship)
        lines.append(f"{number}. {name:<16}{ranked.score:5.0f}/100{mark}")
    lines += ["", result.summary]
    if result.confidence_text:
        lines += ["", result.confidence_text]
    for key in result.recommended:
        lines += ["", f"{knowledge.title('relationships', key)}:"]
        for reason in result.reasons:
            if reason.relationship == key:
                sign = "+" if reason.points > 0 else "-"
                partly = " (partly)" if reason.partly else ""
                lines.append(
                    f"  {sign} {reason.answer}{partly} ({reason.question}) - {reason.text} "
                    f"[{reason.source}]"
                )
    return "\n".join(lines)
