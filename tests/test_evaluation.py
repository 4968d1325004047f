"""Evaluating a program that has run, end to end: the pipeline, evaluation.json, the
report in every format, the command line and the step's widgets; what a sponsor reads
and what must never be in any of it (a person's id or value, a figure about fewer than
five people)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from helpers import EXAMPLE

from workbook import store
from workbook.design import (
    Design,
    EffectivenessMeasure,
    Evaluation,
    Objective,
    Program,
    Purpose,
)
from workbook.errors import EvaluationError, ExistsError
from workbook.evaluation import pipeline, report

RETAINED = "graduates still employed 12 months after joining"
AGREE = 'engagement survey item "I can see a path for my career here"'
PLANTED = {RETAINED: 6.0, AGREE: 10.0}
"""The effects tests/make_example_outcomes.py plants in the example's outcomes.csv."""
OUTCOMES = EXAMPLE / "outcomes.csv"
STEM = "northwind-graduate-mentoring-evaluation-2026-12-01"
"""The report's files' name: the program and the run's date (the tests' clock)."""
SURVEY = EXAMPLE / "survey.csv"
JSON_OBJECTIVE_KEYS = {
    "metric", "column", "design", "n_participants", "n_comparison", "participants_value",
    "comparison_value", "baseline", "target", "naive_difference", "effect", "ci_low",
    "ci_high", "method", "verdict",
}  # fmt: skip


def example_design(**evaluation: object) -> Design:
    """The example program with its outcomes file's columns and covariates."""
    design = store.load(EXAMPLE / "design.yaml").design
    columns = {RETAINED: "retained_12m", AGREE: "career_path_agree"}
    measures = [
        m.model_copy(update={"column": columns[m.objective], "design": "comparison"})
        if m.objective in columns
        else m
        for m in design.evaluation.effectiveness
    ]
    changed = design.evaluation.model_copy(
        update={
            "effectiveness": measures,
            "covariates": ["department", "level", "tenure_years"],
            **evaluation,
        }
    )
    return design.model_copy(update={"evaluation": changed})


def small_design() -> Design:
    """One percentage objective measured in the column ``stayed``."""
    objective = Objective(
        description="Retention", metric="retention", unit="%", baseline=70, target=80
    )
    return Design(
        program=Program(name="Pilot"),
        purposes=[Purpose(key="career_growth", objectives=[objective])],
        evaluation=Evaluation(
            effectiveness=[
                EffectivenessMeasure(objective="retention", column="stayed", design="comparison")
            ],
            covariates=["department"],
        ),
    )


def outcomes_csv(participants: int, others: int) -> bytes:
    rows = ["id,participant,department,stayed"]
    for i in range(participants):
        rows.append(f"p{i},yes,{'AB'[i % 2]},{1 if i % 4 else 0}")
    for i in range(others):
        rows.append(f"n{i},no,{'AB'[i % 2]},{1 if i % 3 else 0}")
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture(scope="module")
def example_report() -> pipeline.EvaluationReport:
    return pipeline.evaluate(example_design(), OUTCOMES)


# ----------------------------------------------------------------------- the pipeline


def test_the_naive_figure_misleads_and_the_comparison_recovers_the_planted_effect(
    example_report: pipeline.EvaluationReport,
) -> None:
    """The example's volunteers would have stayed more anyway: everyone-else overstates
    the effect, the comparison with similar employees does not."""
    measured = {o.metric: o.estimate for o in example_report.objectives if o.estimate}
    assert set(measured) == {RETAINED, AGREE}
    for metric, truth in PLANTED.items():
        e = measured[metric]
        assert e is not None and e.effect is not None and e.naive_difference is not None
        assert e.ci_low is not None and e.ci_high is not None
        assert e.ci_low < truth < e.ci_high, metric
        assert abs(e.effect - truth) < abs(e.naive_difference - truth) - 3, metric
    # The objectives the file does not hold are said to be measured another way.
    others = [o for o in example_report.objectives if o.estimate is None]
    assert [o.column for o in others] == [None, None]
    assert all("not in the outcomes file" in report.sentence(o, 95) for o in others)


def test_a_verdict_is_read_from_the_interval_and_said_in_words(
    example_report: pipeline.EvaluationReport,
) -> None:
    retained = next(o for o in example_report.objectives if o.metric == RETAINED)
    e = retained.estimate
    assert e is not None and e.ci_low is not None and e.ci_high is not None
    assert e.ci_low < 10 < e.ci_high and e.verdict == "cannot_tell"  # target +10 inside
    said = report.sentence(retained, 95)
    assert said.startswith("First-year retention of graduates: cannot tell yet. Participants ")
    assert f"{e.ci_low:+.1f} points to {e.ci_high:+.1f} points" in said
    assert said.endswith("the target asked for +10.0 points.")
    naive = report.naive_sentence(retained)
    assert naive is not None and f"{e.naive_difference:+.1f} points" in naive
    assert "not the program's effect" in naive


def test_a_group_under_five_is_never_described() -> None:
    result = pipeline.evaluate(small_design(), outcomes_csv(4, 40), file="few.csv")
    (objective,) = result.objectives
    assert objective.estimate is not None and objective.estimate.verdict == "suppressed"
    data = pipeline.to_json(result)
    assert data["participants"] is None and data["people"] == 44
    (row,) = data["objectives"]
    for key in ("participants_value", "comparison_value", "effect", "ci_low", "ci_high"):
        assert row[key] is None, key
    assert row["verdict"] == "suppressed"
    assert "the number of participants" in data["suppressed"]
    assert "every figure for 'retention'" in data["suppressed"]
    assert "fewer than five" in report.sentence(objective, 95)


def test_five_participants_are_shown() -> None:
    result = pipeline.evaluate(small_design(), outcomes_csv(5, 40), file="five.csv")
    data = pipeline.to_json(result)
    assert data["participants"] == 5 and data["suppressed"] == []
    assert data["objectives"][0]["participants_value"] == pytest.approx(60.0)  # p1 to p3 of 5


def test_covariates_given_for_one_run_replace_the_designs() -> None:
    design = small_design()
    with pytest.raises(EvaluationError) as raised:
        pipeline.evaluate(design, outcomes_csv(8, 40), file="o.csv", covariates=["site"])
    assert any(p.field == "site" for p in raised.value.problems)
    plain = pipeline.evaluate(design, outcomes_csv(8, 40), file="o.csv", covariates=[])
    assert plain.covariates == ()


def test_a_survey_without_scales_is_not_read_and_the_report_says_so() -> None:
    """The outcomes are still measured: a survey nobody said how to score is a note, and
    the file is not even read (it could be anything)."""
    result = pipeline.evaluate(
        small_design(),
        outcomes_csv(8, 40),
        file="o.csv",
        survey=b"not a table at all",
        survey_file="s.csv",
    )
    assert result.scales == () and result.survey_file is None
    assert result.objectives[0].estimate is not None
    (note,) = result.notes
    assert note.startswith("The survey file s.csv is not scored: no survey scale is chosen.")
    summary = report.render(report.build(result), "md").decode()
    assert "Tick the scales your survey asked in the evaluation step" in summary


def test_the_survey_scales_are_scored_with_their_reliability() -> None:
    scales = ["career_support", "psychosocial_support", "role_modelling"]
    result = pipeline.evaluate(example_design(surveys=scales), OUTCOMES, survey=SURVEY)
    assert [s.scale for s in result.scales] == scales
    data = pipeline.to_json(result)
    for row in data["scales"]:
        assert (
            row["n"] >= 5 and row["alpha"] >= 0.7 and row["ci_low"] < row["mean"] < row["ci_high"]
        )
    assert result.survey_file == "survey.csv"


def test_recorded_results_hold_aggregates_only(
    example_report: pipeline.EvaluationReport, tmp_path: Path
) -> None:
    path = tmp_path / "design.yaml"
    snapshot = store.save(example_design(), store.create(path, "x"))
    saved = store.save(pipeline.record_results(snapshot.design, example_report), snapshot)
    results = store.load(path).design.evaluation.results
    assert results is not None and results.run_at == example_report.run_at
    assert [r.metric for r in results.objectives] == [RETAINED, AGREE]
    text = path.read_text()
    assert "E1001" not in text and "outcomes.csv" not in text
    assert saved.design.revision == snapshot.design.revision + 1


# ----------------------------------------------------------------------- the files


def test_every_file_holds_aggregates_and_no_person(
    example_report: pipeline.EvaluationReport, tmp_path: Path
) -> None:
    written = report.write(example_report, tmp_path / "out")
    names = sorted(p.name for p in written)
    assert set(names) == {
        "evaluation-effects.png",
        f"{STEM}.docx",
        f"{STEM}.html",
        f"{STEM}.md",
        "evaluation.json",
    }
    data = json.loads((tmp_path / "out" / "evaluation.json").read_text())
    assert {k for row in data["objectives"] for k in row} == JSON_OBJECTIVE_KEYS
    ids = [line.split(",")[0] for line in OUTCOMES.read_text().splitlines()[1:]]
    texts = [
        (tmp_path / "out" / n).read_text() for n in names if n.endswith((".json", ".md", ".html"))
    ]
    document = docx.Document(str(tmp_path / "out" / f"{STEM}.docx"))
    texts.append("\n".join(p.text for p in document.paragraphs))
    texts.append("\n".join(c.text for t in document.tables for row in t.rows for c in row.cells))
    for text in texts:
        assert not any(f"{i}," in text or f"{i}<" in text or f" {i} " in text for i in ids[:50])


def test_the_report_is_a_report_not_a_charter_to_sign(
    example_report: pipeline.EvaluationReport,
) -> None:
    document = report.build(example_report)
    html = report.render(document, "html").decode()
    assert "<title>Evaluation report: Northwind Graduate Mentoring</title>" in html
    for word in ("Program charter", "Ready to sign", "Not ready to sign", "Draft"):
        assert word not in html, word
    word = docx.Document(io.BytesIO(report.render(document, "docx")))
    assert word.paragraphs[0].text == "Evaluation report: Northwind Graduate Mentoring"
    assert word.core_properties.title == "Evaluation report: Northwind Graduate Mentoring"
    body = "\n".join(p.text for p in word.paragraphs)
    assert "Draft" not in body and "ready to sign" not in body.lower()
    assert "Figure: the effect on each objective" in body
    md = report.render(document, "md").decode()
    assert "![" in md and "(evaluation-effects.png)" in md
    assert "## 1\\. Effectiveness against the objectives" in md
    assert "| First-year retention of graduates |" in md


def test_a_report_someone_edited_is_never_overwritten(
    example_report: pipeline.EvaluationReport, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report.write(example_report, out, "md")
    edited = out / f"{STEM}.md"
    edited.write_text(edited.read_text() + "\nA sponsor's note.\n")
    with pytest.raises(ExistsError) as raised:
        report.write(example_report, out, "md")
    (problem,) = raised.value.problems
    assert problem.file is not None and problem.file.endswith(f"{STEM}.md")
    assert problem.fix  # says what to do
    assert edited.read_text().endswith("A sponsor's note.\n")


# ----------------------------------------------------------------------- command line


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbook", "evaluate", *map(str, args)],
        capture_output=True,
        text=True,
    )


def test_cli_evaluates_and_writes_the_report(tmp_path: Path) -> None:
    design = tmp_path / "design.yaml"
    store.save(example_design(), store.create(design, "x"))
    out = tmp_path / "out"
    done = _cli(design, OUTCOMES, "-o", out, "--formats", "md,html", "--record")
    assert done.returncode == 0, done.stderr
    assert "First-year retention of graduates: cannot tell yet" in done.stdout
    assert "Ready-now successors for critical engineering roles: not in the outcomes file" in (
        done.stdout
    )
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {
        "evaluation-effects.png",
        f"{STEM}.html",
        f"{STEM}.md",
        "evaluation.json",
    }
    assert store.load(design).design.evaluation.results is not None


def test_cli_refuses_a_bad_outcomes_file_and_writes_nothing(tmp_path: Path) -> None:
    design = tmp_path / "design.yaml"
    store.save(small_design(), store.create(design, "x"))
    bad = tmp_path / "bad.csv"
    bad.write_text("id,participant,department,stayed\np1,maybe,A,1\np1,yes,,2\n")
    out = tmp_path / "out"
    done = _cli(design, bad, "-o", out)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) >= 3 and all(line.startswith(f"{bad}:") for line in lines), lines
    assert any(":2: participant:" in line for line in lines)
    assert not out.exists()


def test_cli_covariates_override_the_designs(tmp_path: Path) -> None:
    design = tmp_path / "design.yaml"
    store.save(small_design(), store.create(design, "x"))
    data = tmp_path / "o.csv"
    data.write_bytes(outcomes_csv(8, 40))
    done = _cli(design, data, "-o", tmp_path / "out", "--covariates", "site")
    assert done.returncode == 2 and "site" in done.stderr
    done = _cli(design, data, "-o", tmp_path / "out", "--covariates", "", "--formats", "md")
    assert done.returncode == 0, done.stderr
    method = json.loads((tmp_path / "out" / "evaluation.json").read_text())["objectives"][0]
    assert method["verdict"] in {"met", "not_met", "cannot_tell"}
