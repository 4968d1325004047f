"""Step 7 (evaluation): the widgets without a kernel, and ``07_evaluation.ipynb`` under
papermill, the way a batch run evaluates a program; the same code path either way."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest
from test_evaluation import OUTCOMES, STEM, SURVEY, example_design

from workbook import store
from workbook.errors import EvaluationError, InputError
from workbook.ui.base import Failed
from workbook.ui.evaluation import EvaluationStep

SCALES = ["career_support", "relationship_quality"]


def upload(name: str, content: bytes) -> dict[str, object]:
    """What the browser hands the upload widget for one file."""
    return {
        "name": name,
        "type": "text/csv",
        "size": len(content),
        "content": memoryview(content),
        "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    }


@pytest.fixture
def design(tmp_path: Path) -> Path:
    path = tmp_path / "program" / "design.yaml"
    store.save(example_design(), store.create(path, "x"))
    return path


def test_the_step_measures_writes_and_records_like_a_person(design: Path) -> None:
    step = EvaluationStep.from_params(str(design))
    assert isinstance(step, EvaluationStep)
    assert step.run_button.disabled  # nothing to measure yet
    step.run()
    assert "Upload the outcomes file first" in step.run_status.value
    # What the upload widget hands over: the file's name and bytes, in memory only.
    step.outcomes_upload.value = (upload("outcomes.csv", OUTCOMES.read_bytes()),)
    assert step.outcomes_upload.value == ()  # the widget keeps no second copy
    assert "Outcomes: outcomes.csv" in step.loaded.value
    assert not step.run_button.disabled
    assert step.run() is not None
    verdicts = step.verdicts.value
    assert "First-year retention of graduates: cannot tell yet." in verdicts
    assert "<iframe" in step.preview.value and 'sandbox=""' in step.preview.value
    links = step.downloads.value
    assert f'download="{STEM}.md"' in links and f'download="{STEM}.html"' in links
    md = links.split(f'download="{STEM}.md" href="data:text/markdown;base64,')[1]
    assert "# Evaluation report:" in base64.b64decode(md.split('"')[0]).decode()
    written = step.write_files()
    assert {p.name for p in written} >= {
        "evaluation.json",
        f"{STEM}.docx",
    }
    assert all(p.parent == design.parent / "evaluation" for p in written)
    assert step.record()
    assert store.load(design).design.evaluation.results is not None
    # Nothing of the outcomes file was kept in the program's folder.
    kept = [
        p for p in design.parent.rglob("*") if p.is_file() and "E1001" in p.read_text("latin-1")
    ]
    assert kept == []


def test_a_refused_upload_is_shown_and_nothing_is_measured(design: Path) -> None:
    step = EvaluationStep.from_params(str(design))
    assert isinstance(step, EvaluationStep)
    bad = b"id,participant,department,level,tenure_years,retained_12m\nE1,maybe,A,1,1,1\n"
    step.outcomes_upload.value = (upload("bad.csv", bad),)
    assert step.run() is None
    assert "bad.csv" in step.run_status.value and "participant" in step.run_status.value
    assert step.preview.value == "" and step.write_button.disabled


def test_scales_set_as_parameters_or_ticked_save_the_same_design(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "design.yaml", tmp_path / "b" / "design.yaml"
    for path in (a, b):
        store.save(example_design(), store.create(path, "x"))
    by_parameter = EvaluationStep.from_params(str(a), surveys=SCALES, save=True)
    assert isinstance(by_parameter, EvaluationStep)
    by_hand = EvaluationStep.from_params(str(b))
    assert isinstance(by_hand, EvaluationStep)
    for key in SCALES:
        by_hand.scales[key].value = True
    assert by_hand.save()
    assert store.load(a).design.evaluation == store.load(b).design.evaluation
    assert store.load(a).design.evaluation.surveys == SCALES


def test_an_unknown_scale_is_refused_by_name(design: Path) -> None:
    with pytest.raises(InputError) as raised:
        EvaluationStep.from_params(str(design), surveys=["grit"], save=True)
    (problem,) = raised.value.problems
    assert "grit is not a survey scale the workbook knows" in problem.message
    shown = EvaluationStep.from_params(str(design), surveys=["grit"])
    assert isinstance(shown, EvaluationStep)
    assert "grit" in shown.problems.value


def test_a_missing_outcomes_file_fails_a_headless_run_and_is_shown_interactively(
    design: Path,
) -> None:
    with pytest.raises(EvaluationError):
        EvaluationStep.from_params(str(design), outcomes_path="nowhere.csv", run=True)
    shown = EvaluationStep.from_params(str(design), outcomes_path="nowhere.csv")
    assert not isinstance(shown, Failed)
    assert "nowhere.csv" in shown.run_status.value and "cannot be read" in shown.run_status.value


@pytest.mark.notebook
def test_the_notebook_evaluates_headlessly(run_notebook, design: Path) -> None:  # type: ignore[no-untyped-def]
    out = design.parent / "out"
    run_notebook(
        "07_evaluation.ipynb",
        {
            "design_path": str(design),
            "surveys": SCALES,
            "save": True,
            "outcomes_path": str(OUTCOMES),
            "survey_path": str(SURVEY),
            "output_dir": str(out),
            "formats": "md,html",
            "run": True,
            "write": True,
            "record": True,
        },
    )
    data = json.loads((out / "evaluation.json").read_text())
    assert [s["scale"] for s in data["scales"]] == SCALES
    assert {o["verdict"] for o in data["objectives"]} <= {
        "met", "not_met", "cannot_tell", "not_measured"
    }  # fmt: skip
    saved = store.load(design).design.evaluation
    assert saved.surveys == SCALES and saved.results is not None
    assert (out / f"{STEM}.md").is_file()
    assert not (out / f"{STEM}.docx").exists()  # the formats asked for


def test_measure_uses_the_scales_as_ticked_and_a_new_file_clears_the_old_report(
    design: Path,
) -> None:
    """A person who ticks a scale and presses Measure means that scale, saved or not;
    after another file is uploaded, the report of the first one is no longer offered."""
    step = EvaluationStep.from_params(str(design))
    assert isinstance(step, EvaluationStep)
    step.scales["career_support"].value = True  # ticked, not saved
    step.outcomes_upload.value = (upload("outcomes.csv", OUTCOMES.read_bytes()),)
    step.survey_upload.value = (upload("survey.csv", SURVEY.read_bytes()),)
    found = step.run()
    assert found is not None and [s.scale for s in found.scales] == ["career_support"]
    assert store.load(design).design.evaluation.surveys == []  # Save has not been pressed
    assert not step.write_button.disabled and step.downloads.value
    step.outcomes_upload.value = (upload("later.csv", OUTCOMES.read_bytes()),)
    assert step.result is None and step.write_button.disabled and step.record_button.disabled
    assert step.verdicts.value == step.preview.value == step.downloads.value == ""
    assert "later.csv is ready" in step.run_status.value


def test_a_missing_column_the_plan_expects_says_where_to_name_it(design: Path) -> None:
    renamed = OUTCOMES.read_text().replace("retained_12m", "Retained after 12 months")
    step = EvaluationStep.from_params(str(design))
    assert isinstance(step, EvaluationStep)
    step.outcomes_upload.value = (upload("renamed.csv", renamed.encode()),)
    assert step.run() is not None
    assert "Measured 1 of 4 objectives from renamed.csv." in step.run_status.value
    assert "1 the plan measures per employee is not in the file" in step.run_status.value
    assert step.run_status.value.startswith('<span class="wb-status-error"')  # not green
    assert (
        "First-year retention of graduates: not measured: the outcomes file has no column "
        "&#x27;retained_12m&#x27;" in step.verdicts.value
    )
    assert "outcomes column in the evaluation plan (step 4)" in step.verdicts.value


def test_the_uploads_survive_a_save_in_another_step(tmp_path: Path) -> None:
    """The app rebuilds a step when the design changed since it was built; the files
    uploaded to the evaluation are the session's and must not have to be uploaded again."""
    from workbook.ui.app import App

    root = tmp_path / "programs"
    path = root / "year-one" / "design.yaml"
    store.save(example_design(), store.create(path, "x"))
    view = App(root, "year-one").program
    assert view is not None
    keys = [s.key for s in view.specs]
    view.go(keys.index("evaluation"))
    first = view.steps["evaluation"]
    assert isinstance(first, EvaluationStep)
    first.outcomes_upload.value = (upload("outcomes.csv", OUTCOMES.read_bytes()),)
    snapshot = store.load(path)  # someone saves another step meanwhile
    program = snapshot.design.program.model_copy(update={"sponsor": "COO"})
    store.save(snapshot.design.model_copy(update={"program": program}), snapshot)
    view.go(keys.index("purpose"))
    view.go(keys.index("evaluation"))
    again = view.steps["evaluation"]
    assert again is not first  # rebuilt on the newer design
    assert isinstance(again, EvaluationStep) and again.outcomes is not None
    assert "Outcomes: outcomes.csv" in again.loaded.value and not again.run_button.disabled
    assert again.run() is not None
