"""Design step 0: is mentoring the right tool? The answers, and the result they give.

The questionnaire and its scoring are :mod:`workbook.fit`; this module is the step's
part, what is read from and written to a design.
"""

from __future__ import annotations

from collections.abc import Mapping

from workbook import knowledge
from workbook.design import Design, FitCheck
from workbook.fit import Answer, FitAnswers, assess


def make_inputs(
    answers: Mapping[str, Answer | None] | None = None,
    preset: str | None = None,
    partly: Mapping[str, str] | None = None,
) -> FitAnswers:
    """Validate answers (from the widgets or the notebook's parameters).

    Raises:
        InputError: an unknown question, answer or preset, named with the fix.
    """
    return FitAnswers(answers, preset=preset, partly=partly)


def inputs_from(design: Design) -> FitAnswers:
    """The answers saved in a design, as the fit-check step shows them.

    Answers the questionnaire no longer has (a hand edit, an older workbook) are left
    out rather than refused, so the step still opens; ``workbook.rules`` reports them as
    errors (E-fit-answer) until the step is saved with valid answers. A design saved
    before answers could be partial has none, and loads unchanged.
    """
    questionnaire = knowledge.fit_questions()

    def known(given: Mapping[str, str]) -> dict[str, str]:
        kept = {}
        for question_key, option_key in given.items():
            question = questionnaire.question(question_key)
            if question is not None and question.option(option_key) is not None:
                kept[question_key] = option_key
        return kept

    answers = known(design.fit.answers)
    partly = {k: v for k, v in known(design.fit.partly).items() if k in answers and answers[k] != v}
    preset = design.fit.preset
    if preset is not None and knowledge.entry("situations", preset) is None:
        preset = None
    return FitAnswers(answers, preset=preset, partly=partly)


def apply(design: Design, answers: FitAnswers) -> Design:
    """The design with these answers and their result stored as its fit check.

    Only ``design.fit`` changes; the charter's "why mentoring" section reads it. With no
    answer there is no result to keep: the fit check is still open, and saving an
    untouched step changes nothing.
    """
    result = assess(answers) if answers.answers else None
    check = FitCheck(
        answers=dict(answers.answers),
        partly=dict(answers.partly),
        preset=answers.preset,
        result=result,
    )
    return design.model_copy(update={"fit": check})
