"""Survey scales: the instrument library, reading a survey file (every problem at once),
Cronbach's alpha against a published example, scoring with reverse coding, the
reliability warning and small-group suppression, and the example program's survey.

The example survey (``examples/graduate-program/survey.csv``) is written by
:func:`example_survey` below, deterministic with a fixed seed. It lives here rather than
in the example's folder because that folder is inside the package, where every ``.py``
file is taken for a module (``tests/test_layers.py`` imports them all). To write it
again after changing the instrument library::

    .venv/bin/python tests/test_evaluation_survey.py
"""

from __future__ import annotations

import csv
import io
import math
import random
from pathlib import Path
from statistics import NormalDist

import openpyxl
import pandas as pd
import pytest
from helpers import EXAMPLE
from pydantic import ValidationError

from workbook import knowledge
from workbook.design import SMALLEST_GROUP
from workbook.errors import EvaluationError, Problem
from workbook.evaluation.survey import (
    RELIABILITY_FLOOR,
    cronbach_alpha,
    read_survey,
    score_scales,
)

CAREER = ["career_support_1", "career_support_2", "career_support_3"]
QUALITY = [f"relationship_quality_{n}" for n in range(1, 11)]
RANGE_FIX = (
    "write a whole number from 1 (Strongly disagree) to 5 (Strongly agree), or leave the "
    "cell empty if the question was not answered"
)


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _career(answers: list[list[int]], **columns: list[str]) -> pd.DataFrame:
    """A read survey of the career support scale, one row of three answers per person."""
    extra = list(columns)
    rows = [[f"p{i + 1}", *a, *(columns[c][i] for c in extra)] for i, a in enumerate(answers)]
    return read_survey(_csv(["id", *CAREER, *extra], rows), "survey.csv", ["career_support"])


def _refused(data: bytes, scales: list[str]) -> list[Problem]:
    with pytest.raises(EvaluationError) as info:
        read_survey(data, "survey.csv", scales)
    return info.value.problems


# --------------------------------------------------------------------------- the library


def test_the_mfq_9_is_three_scales_of_three_items_with_no_wording_shipped() -> None:
    scales = {s.key: s for s in knowledge.instruments()}
    for key in ("career_support", "psychosocial_support", "role_modelling"):
        mfq = scales[key]
        assert [i.key for i in mfq.items] == [f"{key}_{n}" for n in (1, 2, 3)]
        assert "Castro" in mfq.source and "Scandura" in mfq.source and "2004" in mfq.source
        assert not mfq.licence.wording_shipped
        assert all(i.wording is None and not i.reverse for i in mfq.items)
        assert (mfq.response.min, mfq.response.max) == (1, 5)


def test_relationship_quality_has_its_negative_items_reverse_coded_and_no_wording() -> None:
    quality = next(s for s in knowledge.instruments() if s.key == "relationship_quality")
    assert [i.key for i in quality.items] == QUALITY
    assert [i.reverse for i in quality.items] == [False] * 6 + [True] * 4
    assert not quality.licence.wording_shipped and "Rhodes" in quality.source
    assert all(i.wording is None for i in quality.items)


def test_wording_is_refused_where_the_licence_does_not_allow_shipping_it() -> None:
    data = knowledge.instruments()[0].model_dump()
    data["items"][0]["wording"] = "a copyrighted question"
    with pytest.raises(ValidationError, match="not licensed"):
        knowledge.Scale.model_validate(data)
    data["licence"]["wording_shipped"] = True  # then every item needs its wording
    with pytest.raises(ValidationError, match="missing"):
        knowledge.Scale.model_validate(data)


def test_an_item_column_belongs_to_one_scale_only() -> None:
    scales = [s.model_dump() for s in knowledge.instruments()]
    scales[1]["items"][0]["key"] = scales[0]["items"][0]["key"]
    with pytest.raises(ValidationError, match="item keys used twice"):
        knowledge.InstrumentLibrary.model_validate({"scales": scales})


def test_an_unknown_scale_is_refused_naming_the_known_ones() -> None:
    survey = _career([[4, 4, 4]] * 5)
    with pytest.raises(EvaluationError) as info:
        score_scales(survey, ["career_support", "mentoring_vibes"])
    [problem] = info.value.problems
    assert problem.value == "mentoring_vibes"
    for key in ("career_support", "psychosocial_support", "role_modelling", "relationship_quality"):
        assert key in problem.fix
    with pytest.raises(EvaluationError, match="mentoring_vibes"):
        read_survey(b"id,x\n1,2\n", "survey.csv", ["mentoring_vibes"])


# --------------------------------------------------------------------------- alpha

# pingouin's dataset ``cronbach_alpha`` (pingouin/datasets/cronbach_alpha.csv, a long
# table Subj, Items, Scores), here in wide form: 15 respondents (rows) by 10 items
# Q1..Q10 (columns), answers 1 to 7.
PINGOUIN_CRONBACH = [
    [3, 2, 4, 1, 4, 5, 1, 4, 3, 2],
    [5, 4, 6, 3, 5, 1, 2, 5, 5, 5],
    [7, 3, 5, 5, 6, 4, 3, 3, 6, 5],
    [2, 4, 3, 3, 2, 2, 2, 6, 6, 3],
    [6, 5, 6, 5, 4, 4, 4, 6, 7, 5],
    [1, 2, 3, 4, 2, 5, 2, 3, 5, 2],
    [4, 3, 5, 3, 5, 2, 1, 2, 4, 3],
    [2, 4, 4, 3, 7, 2, 2, 4, 6, 5],
    [6, 5, 5, 5, 1, 6, 5, 2, 3, 2],
    [5, 4, 6, 4, 3, 5, 3, 1, 7, 2],
    [4, 3, 5, 2, 5, 3, 2, 3, 4, 1],
    [4, 2, 3, 2, 5, 3, 4, 2, 3, 4],
    [5, 5, 6, 2, 3, 3, 2, 4, 4, 5],
    [6, 5, 5, 4, 2, 2, 1, 4, 6, 5],
    [4, 3, 5, 5, 3, 1, 3, 2, 3, 4],
]


def test_cronbach_alpha_matches_pingouins_published_example() -> None:
    """pingouin's documentation of ``pingouin.cronbach_alpha``
    (https://pingouin-stats.org/generated/pingouin.cronbach_alpha.html, "Likert-type
    long-format dataframe"): ``pg.cronbach_alpha(data=pg.read_dataset('cronbach_alpha'),
    items='Items', scores='Scores', subject='Subj')`` gives
    ``(0.5917188485995826, array([0.195, 0.84]))``; the docstring says the results were
    tested against R's psych package, and pingouin's tests compare the dataset with
    real-statistics.com's Cronbach's alpha example (0.592)."""
    items = pd.DataFrame(PINGOUIN_CRONBACH, columns=[f"Q{n}" for n in range(1, 11)])
    assert cronbach_alpha(items) == pytest.approx(0.5917188485995826, abs=1e-12)


def test_cronbach_alpha_of_identical_items_is_one_and_undefined_without_spread() -> None:
    assert cronbach_alpha(pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 3]})) == pytest.approx(1.0)
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3], "b": [3, 2, 1]})))
    with pytest.raises(ValueError, match="complete cases"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2, None], "b": [1, 2, 3]}))
    with pytest.raises(ValueError, match="two items"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]}))


def test_reverse_coding_makes_a_consistent_relationship_quality_scale_reliable() -> None:
    """Six people whose answers all say the same: a level L on the six positive items and
    6 - L on the four negative ones. Recoded, every item is L: alpha 1 and mean L. Left
    as answered, the total is 24 + 2L, so alpha = 10/9 * (1 - 10 var L / 4 var L) = -5/3."""
    levels = [1, 2, 3, 4, 5, 3]
    rows = [[f"p{i}", *[L] * 6, *[6 - L] * 4] for i, L in enumerate(levels)]
    survey = read_survey(_csv(["id", *QUALITY], rows), "s.csv", ["relationship_quality"])
    assert cronbach_alpha(survey[QUALITY]) == pytest.approx(-5 / 3)
    [score] = score_scales(survey, ["relationship_quality"])
    assert score.alpha == pytest.approx(1.0)
    assert score.mean == pytest.approx(sum(levels) / len(levels))  # 3, not 3 - 0.4
    assert score.warning == ""


# --------------------------------------------------------------------------- scoring


def test_alpha_under_the_floor_gives_the_warning() -> None:
    # Items that only half agree: alpha 0.59 (the formula, worked below).
    survey = _career([[1, 2, 3], [2, 1, 2], [3, 3, 1], [4, 5, 3], [5, 3, 4], [2, 4, 5]])
    [score] = score_scales(survey, ["career_support"])
    items = survey[CAREER].to_numpy(float)
    k = 3
    expected = k / (k - 1) * (1 - items.var(0, ddof=1).sum() / items.sum(1).var(ddof=1))
    assert score.alpha == pytest.approx(expected)
    assert score.alpha is not None and score.alpha < RELIABILITY_FLOOR
    assert score.alpha == pytest.approx(0.5901639, abs=1e-6)
    assert "Cronbach's alpha is 0.59, under 0.7" in score.warning
    assert not score.suppressed and score.mean is not None


def test_reliable_answers_give_no_warning() -> None:
    survey = _career([[1, 1, 2], [2, 2, 2], [3, 3, 4], [4, 4, 4], [5, 5, 5]])
    [score] = score_scales(survey, ["career_support"])
    assert score.alpha is not None and score.alpha >= RELIABILITY_FLOOR
    assert score.warning == ""


@pytest.mark.parametrize("people", [SMALLEST_GROUP - 1, SMALLEST_GROUP])
def test_fewer_than_five_respondents_are_suppressed_five_are_shown(people: int) -> None:
    answers = [[1, 1, 1], [2, 2, 3], [3, 4, 3], [4, 5, 4], [5, 5, 5]][:people]
    [score] = score_scales(_career(answers), ["career_support"])
    assert score.n == people
    assert score.scale == "career_support" and score.title == "Career support"
    if people < 5:
        assert score.suppressed
        assert (score.mean, score.ci_low, score.ci_high, score.alpha) == (None,) * 4
        assert "fewer than 5 respondents" in score.warning
    else:
        # Person means 1, 7/3, 10/3, 13/3, 5: mean 3.2; t(0.975, 4) = 2.776 (tables).
        means = [1, 7 / 3, 10 / 3, 13 / 3, 5]
        sd = math.sqrt(sum((m - 3.2) ** 2 for m in means) / 4)
        half = 2.7764451 * sd / math.sqrt(5)
        assert not score.suppressed and score.warning == ""
        assert score.mean == pytest.approx(3.2)
        assert score.ci_low == pytest.approx(3.2 - half, abs=1e-6)
        assert score.ci_high == pytest.approx(3.2 + half, abs=1e-6)
        assert score.alpha is not None and score.alpha > 0.9


def test_a_suppressed_score_cannot_carry_a_figure() -> None:
    from workbook.evaluation.survey import ScaleScore

    with pytest.raises(ValueError, match="suppressed"):
        ScaleScore("career_support", "Career support", 3, 4.0, None, None, None, "", True)
    with pytest.raises(ValueError, match="must be suppressed"):
        ScaleScore("career_support", "Career support", 4, 4.0, 3.0, 5.0, 0.8, "", False)


def test_a_respondent_with_a_blank_item_is_not_counted_for_that_scale() -> None:
    rows = [[f"p{i}", v, v, v] for i, v in enumerate([1, 2, 3, 4, 5])] + [["p9", 5, "", 5]]
    survey = read_survey(_csv(["id", *CAREER], rows), "s.csv", ["career_support"])
    assert math.isnan(survey.loc[7, "career_support_2"])  # row 7 of the file
    [score] = score_scales(survey, ["career_support"])
    assert score.n == 5 and score.mean == pytest.approx(3.0)
    assert score.warning == "1 respondent left a question of this scale blank and is not counted."


def test_only_participants_are_scored_unless_asked_otherwise() -> None:
    answers = [[4, 4, 5], [5, 5, 5], [4, 5, 4], [3, 4, 4], [5, 4, 5], [1, 1, 1], [2, 1, 1]]
    flags = ["yes", "Yes", "TRUE", "1", "true", "no", "0"]
    survey = _career(answers, participant=flags)
    assert survey["participant"].tolist() == [True] * 5 + [False] * 2
    [mentees] = score_scales(survey, ["career_support"])
    [everyone] = score_scales(survey, ["career_support"], participants_only=False)
    assert (mentees.n, everyone.n) == (5, 7)
    assert mentees.mean == pytest.approx(sum(map(sum, answers[:5])) / 15)
    assert everyone.mean == pytest.approx(sum(map(sum, answers)) / 21)


def test_scales_are_scored_in_the_order_asked() -> None:
    header = ["id", *CAREER, "role_modelling_1", "role_modelling_2", "role_modelling_3"]
    rows = [[f"p{i}", v, v, v, v, v, 1] for i, v in enumerate([1, 2, 3, 4, 5])]
    survey = read_survey(_csv(header, rows), "s.csv", ["role_modelling", "career_support"])
    scores = score_scales(survey, ["role_modelling", "career_support"])
    assert [s.scale for s in scores] == ["role_modelling", "career_support"]
    assert scores[0].mean == pytest.approx((3 + 3 + 1) / 3)
    assert scores[1].mean == pytest.approx(3.0)


# --------------------------------------------------------------------------- reading


def test_every_problem_in_a_bad_survey_is_reported_at_once() -> None:
    # No id column, no career_support_3 column, and three bad answers.
    data = _csv(
        ["respondent", "career_support_1", "Career Support 2", "department"],
        [["a", "4", "5", "Sales"], ["b", "6", "2", "Ops"], ["c", "four", "0", "Ops"]],
    )
    problems = _refused(data, ["career_support"])
    found = [(p.row, p.field, p.value, p.message) for p in problems]
    assert found == [
        (1, "id", None, "required column 'id' is missing (every survey needs it)"),
        (
            1,
            "career_support_3",
            None,
            "required column 'career_support_3' is missing (item 3 of Career support)",
        ),
        (3, "career_support_1", "6", "career_support_1 is outside the scale's range 1 to 5"),
        (4, "career_support_1", "four", "career_support_1 is not a whole number"),
        (4, "career_support_2", "0", "career_support_2 is outside the scale's range 1 to 5"),
    ]
    assert all(p.file == "survey.csv" for p in problems)
    assert problems[0].fix.startswith("add a column named 'id'")
    assert problems[1].fix == (
        "add a column named 'career_support_3' holding the answers to that question"
    )
    assert all(p.fix == RANGE_FIX for p in problems[2:])


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("3.5", "is not a whole number"),
        ("nan", "is not a whole number"),
        ("inf", "is not a whole number"),
        ("-1", "is outside the scale's range 1 to 5"),
        ("5.0000001", "is not a whole number"),
    ],
)
def test_an_answer_must_be_a_whole_number_on_the_range(cell: str, message: str) -> None:
    data = _csv(["id", *CAREER], [["a", "1", "5", "3"], ["b", cell, "2", "2"]])
    [problem] = _refused(data, ["career_support"])
    assert (problem.row, problem.field, problem.value) == (3, "career_support_1", cell)
    assert problem.message == f"career_support_1 {message}"


def test_both_ends_of_the_range_and_a_whole_number_written_as_decimal_are_answers() -> None:
    data = _csv(["id", *CAREER], [["a", "1", "5", "3.0"], ["b", " 2 ", "", "4"]])
    survey = read_survey(data, "survey.csv", ["career_support"])
    assert survey.loc[2, CAREER].tolist() == [1.0, 5.0, 3.0]
    assert survey.loc[3, "career_support_1"] == 2.0
    assert math.isnan(survey.loc[3, "career_support_2"])


def test_ids_and_participant_flags_are_checked() -> None:
    data = _csv(
        ["id", *CAREER, "participant"],
        [["a", 1, 1, 1, "yes"], ["", 2, 2, 2, "no"], ["a", 3, 3, 3, "maybe"], ["d", 4, 4, 4, ""]],
    )
    found = [(p.row, p.field, p.value, p.message) for p in _refused(data, ["career_support"])]
    assert found == [
        (3, "id", "", "id is empty"),
        (4, "id", "a", "duplicate id: also on row 2"),
        (4, "participant", "maybe", "participant is not yes or no"),
        (5, "participant", "", "participant is not yes or no"),
    ]


def test_a_column_given_twice_is_refused_not_guessed() -> None:
    data = _csv(["id", "career_support_1", "Career support 1", *CAREER[1:]], [["a", 1, 5, 1, 1]])
    [problem] = _refused(data, ["career_support"])
    assert (problem.row, problem.field) == (1, "career_support_1")
    assert "'career_support_1', 'Career support 1'" in problem.message


def test_headers_forgive_case_spaces_and_hyphens_and_other_columns_are_kept() -> None:
    data = _csv(["ID", "Career Support 1", "career-support-2", "CAREER_SUPPORT_3", "team"], [])
    data += b"a,1,2,3,Sales\r\n"
    survey = read_survey(data, "survey.csv", ["career_support"])
    assert list(survey.columns) == ["id", *CAREER, "team"]
    assert survey.loc[2, "team"] == "Sales"


def test_a_file_that_is_not_a_table_is_refused_in_a_surveys_words(tmp_path: Path) -> None:
    [problem] = _refused(b"", ["career_support"])
    assert problem.message == "is empty" and "survey" in problem.fix
    assert "roster" not in problem.fix
    with pytest.raises(EvaluationError, match="does not exist"):
        read_survey(tmp_path / "missing.csv", None, ["career_support"])
    [problem] = _refused(_csv(["id", *CAREER], []), ["career_support"])
    assert (problem.row, problem.message) == (2, "has a header but no respondents")


def test_an_xlsx_survey_is_read_with_its_numbers_and_booleans(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", *CAREER, "participant"])
    for i, (v, took_part) in enumerate([(1, True), (2, True), (3, True), (4, True), (5, True)]):
        sheet.append([f"p{i}", v, v, float(v), took_part])
    sheet.append(["p9", 5, 5, 5, False])
    path = tmp_path / "survey.xlsx"
    book.save(path)
    survey = read_survey(path, None, ["career_support"])
    assert survey["participant"].tolist() == [True] * 5 + [False]
    assert survey.loc[2, CAREER].tolist() == [1.0, 1.0, 1.0]
    [score] = score_scales(survey, ["career_support"])
    assert (score.n, score.mean, score.alpha) == (5, pytest.approx(3.0), pytest.approx(1.0))
    sheet.append(["p10", 7, 5, 5, True])  # an out-of-range answer: row 8 of the sheet
    book.save(path)
    with pytest.raises(EvaluationError) as info:
        read_survey(path.read_bytes(), "survey.xlsx", ["career_support"])
    [problem] = info.value.problems
    assert (problem.file, problem.row, problem.field, problem.value) == (
        "survey.xlsx",
        8,
        "career_support_1",
        "7",
    )


# --------------------------------------------------------------------------- the example

EXAMPLE_SEED = 20260901
ALL_SCALES = [s.key for s in knowledge.instruments()]


def example_survey(seed: int = EXAMPLE_SEED) -> str:
    """The example program's survey: every mentee of its roster (participant yes) and
    sixteen people outside the program who named an informal mentor (participant no),
    answering every scale of the library; about one answer in fifty is left blank.

    Each person has an overall sense of the relationship, each scale a part of that plus
    its own, and each answer the scale's part plus noise, rounded to the range, so the
    items of a scale agree as real answers do. Only ``random.Random.random`` is drawn
    from (its sequence for a seed is stable across Python versions) and turned into
    normal draws with ``NormalDist.inv_cdf``, so the file is the same on every machine.
    """
    rng = random.Random(seed)
    normal = NormalDist()

    def draw() -> float:
        return normal.inv_cdf(min(max(rng.random(), 1e-12), 1 - 1e-12))

    roster = list(csv.DictReader(io.StringIO((EXAMPLE / "roster.csv").read_text("utf-8"))))
    people = [(p["id"], True) for p in roster if p["role"] in ("mentee", "both")]
    people += [(p["id"], False) for p in roster if p["role"] == ""][:16]
    scales = knowledge.instruments()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "participant", *[i.key for s in scales for i in s.items]])
    for person, took_part in people:
        overall = draw() + (0.4 if took_part else -0.4)
        row = [person, "yes" if took_part else "no"]
        for s in scales:
            low, high = s.response.min, s.response.max
            part = 0.6 * overall + 0.8 * draw()
            for item in s.items:
                value = min(max(round(3.6 + 0.9 * part + 0.5 * draw()), low), high)
                answer = low + high - value if item.reverse else value
                row.append("" if rng.random() < 0.02 else str(answer))
        writer.writerow(row)
    return out.getvalue()


def test_the_example_survey_is_what_its_generator_writes() -> None:
    written = (EXAMPLE / "survey.csv").read_text("utf-8")
    assert written == example_survey(), "run: .venv/bin/python tests/test_evaluation_survey.py"


def test_the_example_survey_scores_every_scale_reliably() -> None:
    survey = read_survey(EXAMPLE / "survey.csv", None, ALL_SCALES)
    assert survey["participant"].sum() == 64 and (~survey["participant"]).sum() == 16
    scores = score_scales(survey, ALL_SCALES)
    assert [s.scale for s in scores] == ALL_SCALES
    for score in scores:
        assert not score.suppressed and score.n >= 50, score
        assert score.alpha is not None and score.alpha >= RELIABILITY_FLOOR, score
        assert score.mean is not None and score.ci_low is not None and score.ci_high is not None
        assert 1 <= score.ci_low < score.mean < score.ci_high <= 5, score
        assert "under 0.7" not in score.warning


if __name__ == "__main__":
    (EXAMPLE / "survey.csv").write_text(example_survey(), "utf-8", newline="\n")
    print(f"wrote {EXAMPLE / 'survey.csv'}")
