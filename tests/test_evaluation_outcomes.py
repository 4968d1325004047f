"""Reading the outcomes file of a program that has run: the columns found as the design
names them, every cell typed, every problem reported at once with row, column, value
and fix; and the example program's synthetic outcomes, whose truth is known."""

from __future__ import annotations

import importlib.util
import io
import math
from pathlib import Path
from types import ModuleType

import openpyxl
import pandas as pd
import pytest
from helpers import EXAMPLE

from workbook.design import (
    Design,
    EffectivenessMeasure,
    Evaluation,
    Objective,
    Purpose,
)
from workbook.errors import EvaluationError, Problem
from workbook.evaluation.outcomes import MAX_PROBLEMS, load_outcomes, objective_column
from workbook.store import load

RETAINED = "graduates still employed 12 months after joining"
PROMOTION = "months to first promotion"
SURVEY = "talent review rating"

EXAMPLE_COLUMNS = {
    RETAINED: "retained_12m",
    'engagement survey item "I can see a path for my career here"': "career_path_agree",
}
"""The columns the example design is given (make_example_outcomes.py's MAPPING)."""
EXAMPLE_COVARIATES = ["department", "level", "tenure_years"]


def _design(
    *,
    covariates: tuple[str, ...] = ("department", "level"),
    columns: dict[str, str] | None = None,
    extra: tuple[Objective, ...] = (),
) -> Design:
    """A design with a percentage objective (retention), a number (months to promotion,
    measured in the column ``months_to_promotion``) and the given covariates."""
    objectives = [
        Objective(metric=RETAINED, unit="%", baseline=78, target=88),
        Objective(metric=PROMOTION, unit="months", baseline=30, target=24),
        *extra,
    ]
    columns = {PROMOTION: "months_to_promotion"} if columns is None else columns
    return Design(
        purposes=[Purpose(key="career_growth", objectives=objectives)],
        evaluation=Evaluation(
            effectiveness=[
                EffectivenessMeasure(objective=o.metric, column=columns.get(o.metric, ""))
                for o in objectives
                if o.metric
            ],
            covariates=list(covariates),
        ),
    )


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


HEADER = f"id,participant,department,level,{RETAINED},months_to_promotion"


def _problems(source: bytes, design: Design, **kwargs: object) -> list[Problem]:
    with pytest.raises(EvaluationError) as caught:
        load_outcomes(source, design, file="outcomes.csv", **kwargs)  # type: ignore[arg-type]
    return caught.value.problems


# --------------------------------------------------------------------------- a good file


def test_a_good_file_reads_with_its_types_and_the_design_s_column_names() -> None:
    data = _csv(
        # Headers as an export writes them: case, spaces, hyphens and underscores differ.
        "ID,Participant,Department, LEVEL ,Graduates still-employed 12_months after joining,"
        "Months-To-Promotion",
        "E1,yes,Data,2,yes,18.5",
        "E2,no,Sales,1,no,",
        "007,no,Data,3,,31",
    )
    got = load_outcomes(data, _design(), file="hris.csv")
    assert got.file == "hris.csv"
    assert got.columns == {RETAINED: RETAINED, PROMOTION: "months_to_promotion"}
    assert got.missing == ()
    assert got.covariates == ("department", "level")
    frame = got.frame
    assert list(frame.columns) == [
        "id",
        "participant",
        "department",
        "level",
        RETAINED,
        "months_to_promotion",
    ]
    assert frame["id"].tolist() == ["E1", "E2", "007"]  # text: the leading zeros stay
    assert pd.api.types.is_string_dtype(frame["id"])
    assert frame["participant"].dtype == bool
    assert frame["participant"].tolist() == [True, False, False]
    assert frame["department"].tolist() == ["Data", "Sales", "Data"]
    assert frame["level"].dtype == float
    assert frame["level"].tolist() == [2.0, 1.0, 3.0]
    assert frame[RETAINED].dtype == float
    assert frame[RETAINED].tolist()[:2] == [1.0, 0.0]
    assert math.isnan(frame[RETAINED].iloc[2])
    assert frame["months_to_promotion"].iloc[0] == 18.5
    assert math.isnan(frame["months_to_promotion"].iloc[1])
    assert frame["months_to_promotion"].iloc[2] == 31.0


def test_the_same_file_reads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_bytes(_csv(HEADER, "E1,yes,Data,2,1,12"))
    got = load_outcomes(path, _design())
    assert got.file == str(path)
    assert got.frame["months_to_promotion"].tolist() == [12.0]


def test_an_objective_s_column_is_the_design_s_column_else_its_metric() -> None:
    design = _design()
    assert objective_column(design, PROMOTION) == "months_to_promotion"
    # Found as the design finds a measure's objective: case and spacing do not matter.
    assert objective_column(design, "Months  to first PROMOTION") == "months_to_promotion"
    assert objective_column(design, RETAINED) == RETAINED
    assert objective_column(design, "not in the design") == "not in the design"


def test_a_covariate_is_text_unless_every_value_is_a_number() -> None:
    data = _csv(HEADER, "E1,yes,Data,2,1,12", "E2,no,Data,senior,0,12")
    got = load_outcomes(data, _design())
    assert got.frame["level"].tolist() == ["2", "senior"]


def test_the_covariates_argument_replaces_the_design_s() -> None:
    data = _csv(HEADER, "E1,yes,Data,2,1,12")
    got = load_outcomes(data, _design(), covariates=["level"])
    assert got.covariates == ("level",)
    assert "department" not in got.frame.columns
    none = load_outcomes(data, _design(), covariates=[])
    assert none.covariates == ()


@pytest.mark.parametrize(
    ("written", "taking_part"),
    [
        ("yes", True),
        ("YES", True),
        ("Y", True),
        ("true", True),
        ("True", True),
        ("1", True),
        ("no", False),
        ("No", False),
        ("n", False),
        ("FALSE", False),
        ("0", False),
    ],
)
def test_participant_is_yes_or_no_however_it_is_written(written: str, taking_part: bool) -> None:
    got = load_outcomes(_csv(HEADER, f"E1,{written},Data,2,1,12"), _design())
    assert got.frame["participant"].tolist() == [taking_part]


@pytest.mark.parametrize(
    ("written", "value"),
    [("yes", 1.0), ("No", 0.0), ("TRUE", 1.0), ("false", 0.0), ("1", 1.0), ("0", 0.0)],
)
def test_a_percentage_metric_is_yes_or_no_per_person(written: str, value: float) -> None:
    got = load_outcomes(_csv(HEADER, f"E1,yes,Data,2,{written},12"), _design())
    assert got.frame[RETAINED].tolist() == [value]


@pytest.mark.parametrize(
    ("written", "value"),
    [("12", 12.0), ("3.5", 3.5), ("-2", -2.0), (".5", 0.5), ("1e3", 1000.0), ("0", 0.0)],
)
def test_any_other_metric_is_a_number(written: str, value: float) -> None:
    got = load_outcomes(_csv(HEADER, f"E1,yes,Data,2,1,{written}"), _design())
    assert got.frame["months_to_promotion"].tolist() == [value]


def test_a_blank_outcome_is_a_value_not_measured() -> None:
    got = load_outcomes(_csv(HEADER, "E1,yes,Data,2,,", "E2,no,Data,2,1,4"), _design())
    assert got.frame[RETAINED].isna().tolist() == [True, False]
    assert got.frame["months_to_promotion"].isna().tolist() == [True, False]


def test_an_objective_without_a_column_is_measured_another_way() -> None:
    design = _design(
        extra=(
            Objective(metric=SURVEY, unit="points"),
            Objective(metric=""),  # not written yet: nothing to measure
        )
    )
    got = load_outcomes(_csv("id,participant,department,level", "E1,yes,Data,2"), design)
    assert got.missing == (RETAINED, PROMOTION, SURVEY)
    assert got.columns == {}
    assert list(got.frame.columns) == ["id", "participant", "department", "level"]


def test_two_objectives_may_share_a_column() -> None:
    design = _design(
        columns={RETAINED: "stayed", PROMOTION: "months_to_promotion", SURVEY: "stayed"},
        extra=(Objective(metric=SURVEY, unit="%"),),
    )
    got = load_outcomes(_csv("id,participant,department,level,stayed", "E1,y,D,1,1"), design)
    assert got.columns == {RETAINED: "stayed", SURVEY: "stayed"}
    assert got.missing == (PROMOTION,)


# --------------------------------------------------------------------------- problems


def test_every_problem_is_reported_at_once_with_row_field_value_and_fix() -> None:
    design = _design(covariates=("department", "level", "site"))
    data = _csv(
        HEADER,
        "E1,yes,Data,2,1,12",  # row 2: fine
        "E1,no,Data,2,1,12",  # row 3: the id again
        ",no,Data,2,1,12",  # row 4: no id
        "E4,maybe,Data,2,1,12",  # row 5: participant neither yes nor no
        "E5,,Data,2,1,12",  # row 6: participant blank
        "E6,no,Data,2,1,twelve",  # row 7: not a number
        'E7,no,Data,2,1,"1,200"',  # row 8: a thousands separator
        "E8,no,Data,2,stayed,12",  # row 9: not yes or no
        "E9,no,,2,1,12",  # row 10: a covariate blank
        "E10,no,Data,2,100,12",  # row 11: a percentage, not a yes or no
    )
    problems = _problems(data, design)
    found = [(p.row, p.field, p.value) for p in problems]
    assert found == [
        (1, "site", None),
        (3, "id", "E1"),
        (4, "id", ""),
        (5, "participant", "maybe"),
        (6, "participant", ""),
        (7, "months_to_promotion", "twelve"),
        (8, "months_to_promotion", "1,200"),
        (9, RETAINED, "stayed"),
        (10, "department", ""),
        (11, RETAINED, "100"),
    ]
    assert all(p.file == "outcomes.csv" and p.fix for p in problems)
    by_row = {p.row: p for p in problems}
    assert "also on row 2" in by_row[3].message
    assert "'site' is missing" in by_row[1].message
    assert "the evaluation plan compares like with like on it" in by_row[1].message
    assert "write 1200" in by_row[8].fix
    assert "yes" in by_row[9].fix and "no" in by_row[9].fix
    assert "empty" in by_row[10].message


def test_a_problem_s_row_is_the_file_s_line_past_blank_lines() -> None:
    [problem] = _problems(
        _csv(HEADER, "E1,yes,Data,2,1,12", "", ",,", "E2,no,Data,2,1,x"), _design()
    )
    assert (problem.row, problem.field, problem.value) == (5, "months_to_promotion", "x")


@pytest.mark.parametrize(
    ("value", "advice"),
    [
        ("12,500,000", "write 12500000: numbers are written without thousands separators"),
        ("1,234,567.5", "write 1234567.5"),
        ("12,5", "write 12.5: numbers are written with a decimal point"),
        ("1,234", "write 1234 if the comma separates thousands, or 1.234 if it is a decimal"),
        ("n/a", "leave it empty where it was not measured"),
        ("inf", "write a number"),
        ("nan", "write a number"),
        ("1e999", "write a number"),
    ],
)
def test_a_number_written_otherwise_says_what_to_write(value: str, advice: str) -> None:
    [problem] = _problems(_csv(HEADER, f'E1,yes,Data,2,1,"{value}"'), _design())
    assert problem.value == value
    assert advice in problem.fix


def test_a_missing_covariate_named_by_the_argument_says_so() -> None:
    [problem] = _problems(_csv(HEADER, "E1,yes,Data,2,1,12"), _design(), covariates=["site"])
    assert problem.field == "site"
    assert "--covariates asks for it" in problem.message
    assert "--covariates" in problem.fix


def test_the_required_columns_are_named_when_missing() -> None:
    problems = _problems(_csv("department,level", "Data,2"), _design())
    assert [(p.row, p.field) for p in problems] == [(1, "id"), (1, "participant")]
    assert all("required column" in p.message for p in problems)


def test_two_headers_read_as_one_column_are_refused() -> None:
    data = _csv(HEADER + ",Months To Promotion", "E1,yes,Data,2,1,12,12")
    [problem] = _problems(data, _design())
    assert problem.field == "months_to_promotion"
    assert "'months_to_promotion' and 'Months To Promotion'" in problem.message


def test_a_column_cannot_be_a_covariate_and_an_outcome() -> None:
    design = _design(covariates=("department", "months_to_promotion"))
    [problem] = _problems(_csv(HEADER, "E1,yes,Data,2,1,12"), design)
    assert problem.field == "months_to_promotion"
    assert "as the column of objective" in problem.message


def test_a_header_without_people_is_refused() -> None:
    [problem] = _problems(_csv(HEADER), _design())
    assert problem.message == "has a header but no people"


def test_a_file_with_many_problems_lists_some_and_counts_the_rest() -> None:
    bad = [f"E{i},perhaps,Data,2,1,12" for i in range(MAX_PROBLEMS + 50)]
    problems = _problems(_csv(HEADER, *bad, "E1,yes,Data,2,1,x"), _design())
    assert len(problems) == MAX_PROBLEMS + 1
    assert all(p.field == "participant" for p in problems[:MAX_PROBLEMS])
    last = problems[-1]
    assert last.message == (
        "and 52 more problems (50 in participant, 1 in id, 1 in months_to_promotion)"
    )
    assert last.file == "outcomes.csv" and last.fix


# --------------------------------------------------------------------------- the file


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_file_reads_as_its_csv_would() -> None:
    data = _xlsx(
        [
            ["id", "participant", "Department", "level", RETAINED, "Months to promotion"],
            [1001, True, "Data", 2, "yes", 18.5],
            [1002, False, "Sales", 1, 0, None],
        ]
    )
    got = load_outcomes(data, _design(), file="outcomes.xlsx")
    assert got.frame["id"].tolist() == ["1001", "1002"]
    assert got.frame["participant"].tolist() == [True, False]
    assert got.frame["level"].tolist() == [2.0, 1.0]
    assert got.frame[RETAINED].tolist() == [1.0, 0.0]
    assert got.frame["months_to_promotion"].iloc[0] == 18.5
    assert math.isnan(got.frame["months_to_promotion"].iloc[1])


def test_a_binary_file_is_refused_in_words_for_an_outcomes_file() -> None:
    [problem] = _problems(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", _design())
    assert problem.file == "outcomes.csv"
    assert "binary file" in problem.message
    assert problem.fix == "export the outcomes file as CSV (UTF-8) or XLSX"


def test_a_one_column_file_is_refused_in_words_for_an_outcomes_file() -> None:
    [problem] = _problems(_csv("id", "E1"), _design())
    assert "(id,participant,...)" in problem.fix
    assert "roster" not in problem.format()


def test_a_path_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError) as missing:
        load_outcomes(tmp_path / "none.csv", _design())
    assert missing.value.problems[0].message == "does not exist"
    with pytest.raises(EvaluationError) as folder:
        load_outcomes(tmp_path, _design())
    assert folder.value.problems[0].message == "is a folder, not an outcomes file"


# --------------------------------------------------------------------------- the example


def _generator() -> ModuleType:
    path = Path(__file__).with_name("make_example_outcomes.py")
    spec = importlib.util.spec_from_file_location("make_outcomes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _example_design() -> Design:
    """The example design with the outcomes file's columns and covariates."""
    design = load(EXAMPLE / "design.yaml").design
    measures = [
        m.model_copy(update={"column": EXAMPLE_COLUMNS.get(m.objective, m.column)})
        for m in design.evaluation.effectiveness
    ]
    evaluation = design.evaluation.model_copy(
        update={"effectiveness": measures, "covariates": EXAMPLE_COVARIATES}
    )
    return design.model_copy(update={"evaluation": evaluation})


def test_the_example_outcomes_load_against_the_example_design() -> None:
    got = load_outcomes(EXAMPLE / "outcomes.csv", _example_design())
    frame = got.frame
    assert len(frame) == 600
    assert int(frame["participant"].sum()) == 120
    assert got.columns == EXAMPLE_COLUMNS
    assert got.missing == (
        "critical roles with a ready-now successor",
        "senior engineers near retirement who mentor at least one graduate",
    )
    assert got.covariates == tuple(EXAMPLE_COVARIATES)
    assert pd.api.types.is_string_dtype(frame["department"])
    assert pd.api.types.is_string_dtype(frame["id"])
    assert frame["level"].dtype == float and frame["tenure_years"].dtype == float
    assert frame["retained_12m"].notna().all()
    assert set(frame["career_path_agree"].dropna()) == {0.0, 1.0}
    # Everyone who left has no survey answer.
    assert frame.loc[frame["retained_12m"] == 0, "career_path_agree"].isna().all()


def test_the_example_s_naive_difference_is_the_one_its_generator_documents() -> None:
    frame = load_outcomes(EXAMPLE / "outcomes.csv", _example_design()).frame
    means = frame.groupby("participant")[["retained_12m", "career_path_agree"]].mean() * 100
    naive = means.loc[True] - means.loc[False]
    assert round(naive["retained_12m"], 1) == 14.6
    assert round(naive["career_path_agree"], 1) == 19.6
    generator = _generator()
    assert generator.EFFECT == {"retained_12m": 0.06, "career_path_agree": 0.10}
    doc = generator.__doc__
    assert "naive +14.6 points" in doc and "naive +19.6 points" in doc


def test_the_example_outcomes_are_what_the_generator_writes() -> None:
    generator = _generator()
    assert generator.MAPPING == EXAMPLE_COLUMNS
    assert list(generator.COVARIATES) == EXAMPLE_COVARIATES
    written = (EXAMPLE / "outcomes.csv").read_text("utf-8")
    assert generator.csv_text() == written
    assert pd.read_csv(io.StringIO(written)).columns.tolist() == [
        "id",
        "participant",
        *EXAMPLE_COVARIATES,
        *EXAMPLE_COLUMNS.values(),
    ]
