"""05_matching: the step's widgets without a kernel, and the notebook run by papermill."""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from pathlib import Path

import pytest
from papermill.exceptions import PapermillExecutionError

from workbook import store
from workbook.errors import InputError
from workbook.ui.base import Failed
from workbook.ui.matching import MatchingStep

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "graduate-program"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    for name in ("design.yaml", "roster.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path


def open_step(workdir: Path) -> MatchingStep:
    step = MatchingStep.from_params(
        workdir / "design.yaml", roster_path=workdir / "roster.csv", output_dir=workdir / "out"
    )
    assert isinstance(step, MatchingStep)
    return step


# ---------------------------------------------------------------- widgets, no kernel


def test_settings_show_their_effect_and_save_only_matching(workdir: Path) -> None:
    step = open_step(workdir)
    before = store.load(workdir / "design.yaml").design
    assert "Skills is 35% of a score" in step.effect.value
    step.weights["skills"].value = 5
    step.objective.value = "fairness"
    assert "Objective fairness" in step.effect.value
    assert step.save(raise_errors=True)
    after = store.load(workdir / "design.yaml").design
    assert after.matching.weights.skills == 5 and after.matching.objective == "fairness"
    assert after.model == before.model and after.purposes == before.purposes
    assert after.matching.results is None  # no run yet: nothing to record


def test_bad_value_is_shown_next_to_its_field(workdir: Path) -> None:
    step = open_step(workdir)
    step.min_gap.value = "3"
    step.max_gap.value = "1"
    assert "seniority gap range is empty" in step.problems.value
    assert step.save_button.disabled
    step.max_gap.value = "two"
    assert "seniority max gap" in step.problems.value
    assert "wb-invalid" in step.max_gap._dom_classes


def test_run_review_and_save_aggregates(workdir: Path) -> None:
    step = open_step(workdir)
    result = step.run(raise_errors=True)
    assert result is not None
    assert "Matched 64 of 64 mentees" in step.run_status.value
    assert len(step.charts.children) == 4
    assert "matches.xlsx" in step.downloads.value
    assert (workdir / "out" / "matches.csv").exists()
    # Forbid the first match, run again: that pair is gone.
    first = result.matches.iloc[0]
    step.review_mentee.value, step.review_mentor.value = first.mentee_id, first.mentor_id
    step.review("forbid")
    assert "forbid" in step.review_list.value
    again = step.run(raise_errors=True)
    assert again is not None
    pairs = set(zip(again.matches.mentee_id, again.matches.mentor_id, strict=True))
    assert (first.mentee_id, first.mentor_id) not in pairs
    # Pin a pair the optimiser did not choose.
    other = again.matches[again.matches.mentor_id != first.mentor_id].iloc[0].mentor_id
    step.review_mentee.value, step.review_mentor.value = first.mentee_id, other
    step.review("pin")
    pinned = step.run(raise_errors=True)
    assert pinned is not None
    assert pinned.matches.set_index("mentee_id").loc[first.mentee_id, "mentor_id"] == other
    assert step.save(raise_errors=True)
    design = store.load(workdir / "design.yaml").design
    assert design.matching.results is not None and design.matching.results.matched == 64
    assert "P000" not in (workdir / "design.yaml").read_text()  # no roster ids in the design


def test_refused_roster_lists_the_problems_and_writes_nothing(workdir: Path) -> None:
    (workdir / "roster.csv").write_text("id,name,role,manager_id\na,A,boss,\na,B,mentee,zz\n")
    step = open_step(workdir)
    assert step.run() is None
    text = step.run_status.value
    assert "nothing was written" in text
    assert "unknown role" in text and "duplicate id" in text
    assert not (workdir / "out").exists()


def test_upload_is_used_instead_of_the_path(workdir: Path) -> None:
    step = open_step(workdir)
    step.roster_path.value = ""
    data = (workdir / "roster.csv").read_bytes()
    step.upload.value = (
        {
            "name": "up.csv",
            "type": "text/csv",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    assert step.run(raise_errors=True) is not None


def test_missing_design_shows_a_message_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "design.yaml").write_text("matching:\n  objective: best\n")
    assert isinstance(MatchingStep.from_params(tmp_path / "design.yaml"), Failed)


# ---------------------------------------------------------------- papermill


@pytest.mark.notebook
def test_notebook_runs_matches_and_saves(workdir: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    run_notebook(
        "05_matching.ipynb",
        {
            "design_path": str(workdir / "design.yaml"),
            "roster_path": str(workdir / "roster.csv"),
            "output_dir": str(workdir / "out"),
            "objective": "quality",
            "weights": {"skills": 4},
            "mode": "shortlist",
            "run": True,
            "save": True,
        },
    )
    summary = json.loads((workdir / "out" / "summary.json").read_text())
    assert summary["objective"] == "quality" and summary["optimal"] is True
    assert summary["mode"] == "shortlist" and (workdir / "out" / "shortlist.csv").exists()
    design = store.load(workdir / "design.yaml").design
    assert design.matching.weights.skills == 4
    assert design.matching.results is not None
    assert design.matching.results.matched == summary["matched"]


@pytest.mark.notebook
def test_notebook_fails_on_a_refused_roster(workdir: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    (workdir / "roster.csv").write_text("id,name,role,manager_id\na,A,mentor,a\n")
    with pytest.raises(PapermillExecutionError) as info:
        run_notebook(
            "05_matching.ipynb",
            {
                "design_path": str(workdir / "design.yaml"),
                "roster_path": str(workdir / "roster.csv"),
                "output_dir": str(workdir / "out"),
                "run": True,
            },
        )
    assert "manager cycle: a -> a" in str(info.value)
    assert not (workdir / "out").exists()


def test_extra_criteria_and_column_map_are_typed_as_text(workdir: Path) -> None:
    step = open_step(workdir)
    step.extra.value = "department: same 2; timezone: different"
    step.column_map.value = "Staff No = id"
    assert step.problems.value == ""
    assert "Roster column department is" in step.effect.value
    assert step.save(raise_errors=True)
    design = store.load(workdir / "design.yaml").design
    assert design.matching.extra_criteria["department"].weight == 2
    assert design.matching.extra_criteria["timezone"].mode == "different"
    assert design.matching.column_map == {"Staff No": "id"}
    reopened = open_step(workdir)
    assert reopened.extra.value == "department: same 2; timezone: different 1"
    step.extra.value = "site: maybe"
    assert "site: maybe must read 'column: same'" in html.unescape(step.problems.value)
    assert "wb-invalid" in step.extra._dom_classes


def test_fairness_chart_follows_the_chosen_column(workdir: Path) -> None:
    step = open_step(workdir)
    assert step.run(raise_errors=True) is not None
    assert "level" in step.group_by.options and "email" not in step.group_by.options
    first = step.charts.children[-1].value
    step.group_by.value = "level"
    assert len(step.charts.children) == 4
    assert step.charts.children[-1].value != first


def test_previous_cohort_pairs_are_not_repeated(workdir: Path) -> None:
    step = open_step(workdir)
    first = step.run(raise_errors=True)
    assert first is not None
    previous = workdir / "previous.csv"
    shutil.copy(workdir / "out" / "matches.csv", previous)
    step.avoid_repeat.value = True
    assert step.run() is None
    assert "Previous matches" in html.unescape(step.run_status.value)
    step.previous.value = str(previous)
    again = step.run(raise_errors=True)
    assert again is not None
    before = set(zip(first.matches.mentee_id, first.matches.mentor_id, strict=True))
    after = set(zip(again.matches.mentee_id, again.matches.mentor_id, strict=True))
    assert not before & after


def test_mode_follows_the_design_and_can_be_changed(workdir: Path) -> None:
    step = open_step(workdir)
    assert step.mode.value == "assign"
    step.mode.value = "shortlist"
    result = step.run(raise_errors=True)
    assert result is not None and result.shortlist is not None
    assert "Shortlists for mentees" in step.mode_table.value


def test_group_format_shows_the_groups(workdir: Path) -> None:
    path = workdir / "design.yaml"
    snap = store.load(path)
    model = snap.design.model.model_copy(update={"format": "group", "group_size": 4})
    store.save(snap.design.model_copy(update={"model": model}), snap)
    step = open_step(workdir)
    result = step.run(raise_errors=True)
    assert result is not None and result.groups is not None
    assert "<h4>Groups</h4>" in step.mode_table.value
    assert (workdir / "out" / "groups.csv").exists()
    assert "groups.csv" in step.downloads.value


def test_a_bad_mode_parameter_names_the_field(workdir: Path) -> None:
    with pytest.raises(InputError, match="mode: is not one of the modes"):
        MatchingStep.from_params(workdir / "design.yaml", mode="pairs")
