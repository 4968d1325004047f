"""05_matching: the step's widgets without a kernel, and the notebook run by papermill."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLE
from papermill.exceptions import PapermillExecutionError

from workbook import store
from workbook.errors import InputError
from workbook.matching import pipeline as matching_module
from workbook.matching.explain import whole
from workbook.ui import roster_upload
from workbook.ui.base import Failed
from workbook.ui.matching import MatchingStep


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


def test_the_whole_reporting_line_is_a_selected_choice_not_a_blank(workdir: Path) -> None:
    # A Dropdown holding None has no selection: the page would show an empty box.
    step = open_step(workdir)
    step.depth.value = 2
    assert step.save(raise_errors=True)
    assert store.load(workdir / "design.yaml").design.matching.reporting_line_depth == 2
    step.depth.label = "The whole line above the mentee"
    assert step.save(raise_errors=True)
    assert store.load(workdir / "design.yaml").design.matching.reporting_line_depth is None
    reopened = open_step(workdir)
    assert reopened.depth.index == 0
    assert reopened.depth.label == "The whole line above the mentee"


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
    result = step.roster_run.run(raise_errors=True)
    assert result is not None
    assert "Matched 64 of 64 mentees" in step.roster_run.run_status.value
    assert len(step.roster_run.charts.children) == 4
    assert "matches.xlsx" in step.roster_run.downloads.value
    assert (workdir / "out" / "matches.csv").exists()
    # Forbid the first match, run again: that pair is gone.
    first = result.matches.iloc[0]
    step.roster_run.review_panel.mentee.value, step.roster_run.review_panel.mentor.value = (
        first.mentee_id,
        first.mentor_id,
    )
    step.roster_run.review_panel.review("forbid")
    assert "forbid" in step.roster_run.review_panel.listing.value
    again = step.roster_run.run(raise_errors=True)
    assert again is not None
    pairs = set(zip(again.matches.mentee_id, again.matches.mentor_id, strict=True))
    assert (first.mentee_id, first.mentor_id) not in pairs
    # Pin a pair the optimiser did not choose.
    other = again.matches[again.matches.mentor_id != first.mentor_id].iloc[0].mentor_id
    step.roster_run.review_panel.mentee.value, step.roster_run.review_panel.mentor.value = (
        first.mentee_id,
        other,
    )
    step.roster_run.review_panel.review("pin")
    pinned = step.roster_run.run(raise_errors=True)
    assert pinned is not None
    assert pinned.matches.set_index("mentee_id").loc[first.mentee_id, "mentor_id"] == other
    assert step.save(raise_errors=True)
    design = store.load(workdir / "design.yaml").design
    assert design.matching.results is not None and design.matching.results.matched == 64
    assert "P000" not in (workdir / "design.yaml").read_text()  # no roster ids in the design


def test_refused_roster_lists_the_problems_and_writes_nothing(workdir: Path) -> None:
    (workdir / "roster.csv").write_text("id,name,role,manager_id\na,A,boss,\na,B,mentee,zz\n")
    step = open_step(workdir)
    assert step.roster_run.run() is None
    text = step.roster_run.run_status.value
    assert "nothing was written" in text
    assert "unknown role" in text and "duplicate id" in text
    assert not (workdir / "out").exists()


def test_upload_is_used_instead_of_the_path(workdir: Path) -> None:
    # A notebook given another roster file: an upload becomes the roster the run uses.
    data = (workdir / "roster.csv").read_bytes()
    (workdir / "roster.csv").rename(workdir / "given.csv")
    step = MatchingStep.from_params(
        workdir / "design.yaml", roster_path=workdir / "given.csv", output_dir=workdir / "out"
    )
    assert isinstance(step, MatchingStep)
    assert step.roster_run.roster_file == workdir / "given.csv"
    step.roster_run.upload.value = (
        {
            "name": "up.csv",
            "type": "text/csv",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    assert step.roster_run.roster_file == workdir / "roster.csv"
    assert step.roster_run.run(raise_errors=True) is not None
    summary = json.loads((workdir / "out" / "summary.json").read_text())
    assert summary["roster_file"] == "roster.csv"


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


def test_extra_criteria_and_column_names_are_set_in_their_own_fields(workdir: Path) -> None:
    # No roster on file: the column names are typed, one field per roster column (the
    # dropdowns of a known roster are tests/test_matching_step.py's).
    (workdir / "roster.csv").unlink()
    step = open_step(workdir)
    first = step.add_extra()
    first.column.value = "department"
    first.weight.value = 2
    second = step.add_extra()
    second.column.value = "timezone"
    second.mode.value = "different"
    step.columns["id"].value = "Staff No"
    assert step.problems.value == ""
    assert "Roster column department is" in step.effect.value
    assert step.save(raise_errors=True)
    design = store.load(workdir / "design.yaml").design
    assert design.matching.extra_criteria["department"].weight == 2
    assert design.matching.extra_criteria["timezone"].mode == "different"
    assert design.matching.column_map == {"Staff No": "id"}
    reopened = open_step(workdir)
    assert [row.values() for row in reopened.extras] == [
        {"column": "department", "mode": "same", "weight": 2.0, "must_have": False},
        {"column": "timezone", "mode": "different", "weight": 1.0, "must_have": False},
    ]
    assert reopened.columns["id"].value == "Staff No"
    step.extras[1].column.value = "department"
    assert "department is already an extra criterion above" in html.unescape(step.problems.value)
    assert "wb-invalid" in step.extras[1].column._dom_classes
    assert step.save_button.disabled


def test_fairness_chart_follows_the_chosen_column(workdir: Path) -> None:
    step = open_step(workdir)
    assert step.roster_run.run(raise_errors=True) is not None
    assert (
        "level" in step.roster_run.group_by.options
        and "email" not in step.roster_run.group_by.options
    )
    first = step.roster_run.charts.children[-1].value
    step.roster_run.group_by.value = "level"
    assert len(step.roster_run.charts.children) == 4
    by_level = step.roster_run.charts.children[-1].value
    assert by_level != first
    # Levels with fewer than five mentees are not drawn on their own (privacy).
    assert "in groups of fewer than five are not shown" in by_level


def test_previous_cohort_pairs_are_not_repeated(workdir: Path) -> None:
    step = open_step(workdir)
    first = step.roster_run.run(raise_errors=True)
    assert first is not None
    previous = workdir / "previous.csv"
    shutil.copy(workdir / "out" / "matches.csv", previous)
    step.avoid_repeat.value = True
    assert step.roster_run.run() is None
    assert "Previous matches" in html.unescape(step.roster_run.run_status.value)
    step.roster_run.previous_upload.value = (
        {
            "name": "previous.csv",
            "type": "text/csv",
            "size": previous.stat().st_size,
            "content": memoryview(previous.read_bytes()),
            "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    assert step.roster_run.previous_file == workdir / "previous-matches.csv"
    again = step.roster_run.run(raise_errors=True)
    assert again is not None
    before = set(zip(first.matches.mentee_id, first.matches.mentor_id, strict=True))
    after = set(zip(again.matches.mentee_id, again.matches.mentor_id, strict=True))
    assert not before & after


def test_mode_follows_the_design_and_can_be_changed(workdir: Path) -> None:
    step = open_step(workdir)
    assert step.roster_run.mode.value == "assign"
    step.roster_run.mode.value = "shortlist"
    result = step.roster_run.run(raise_errors=True)
    assert result is not None and result.shortlist is not None
    assert "Shortlists for mentees" in step.roster_run.mode_table.value


def test_group_format_shows_the_groups(workdir: Path) -> None:
    path = workdir / "design.yaml"
    snap = store.load(path)
    model = snap.design.model.model_copy(update={"format": "group", "group_size": 4})
    store.save(snap.design.model_copy(update={"model": model}), snap)
    step = open_step(workdir)
    result = step.roster_run.run(raise_errors=True)
    assert result is not None and result.groups is not None
    assert "<h4>Groups</h4>" in step.roster_run.mode_table.value
    assert (workdir / "out" / "groups.csv").exists()
    assert "groups.csv" in step.roster_run.downloads.value


def test_a_bad_mode_parameter_names_the_field(workdir: Path) -> None:
    # As every step: shown next to the form in a page, raised in a headless run.
    before = (workdir / "design.yaml").read_bytes()
    step = MatchingStep.from_params(workdir / "design.yaml", mode="pairs")
    assert isinstance(step, MatchingStep)
    assert "mode</b>: is not one of the modes" in step.problems.value
    assert "A parameter was not accepted" in step.status.value
    with pytest.raises(InputError, match="mode: is not one of the modes"):
        MatchingStep.from_params(workdir / "design.yaml", mode="pairs", save=True)
    assert (workdir / "design.yaml").read_bytes() == before


# ---------------------------------------------------------------- run in the background


def test_the_app_prepares_the_excel_file_only_when_asked(workdir: Path) -> None:
    import openpyxl

    notebook = open_step(workdir)  # a notebook writes every file with every run
    assert notebook.roster_run.run(raise_errors=True) is not None
    assert (workdir / "out" / "matches.xlsx").exists()
    assert notebook.roster_run.excel_button.layout.display == "none"

    step = open_step(workdir)
    step.roster_run.excel_on_demand = True  # as the app sets it
    assert step.roster_run.run(raise_errors=True) is not None
    out = workdir / "out"
    assert (out / "matches.csv").exists() and not (out / "matches.xlsx").exists()
    assert "matches.xlsx" not in step.roster_run.downloads.value  # no link to the last run's file
    assert step.roster_run.excel_button.layout.display != "none"
    assert step.roster_run.prepare_excel()
    assert "matches.xlsx" in step.roster_run.downloads.value
    assert step.roster_run.excel_button.layout.display == "none"
    book = openpyxl.load_workbook(out / "matches.xlsx")
    assert book["Matches"].max_row == 65  # the header and the run's 64 matches
    # The folder holds one run's files, all recorded: a next run replaces them all.
    assert step.roster_run.run(raise_errors=True) is not None
    assert not (out / "matches.xlsx").exists()


def test_run_button_matches_in_the_background(workdir: Path) -> None:
    step = open_step(workdir)
    step.roster_run.run_button.click()
    assert step.roster_run.run_button.disabled  # pressed again, it does nothing until the run ends
    assert step.roster_run.wait(60)
    assert "Matched 64 of 64 mentees" in step.roster_run.run_status.value
    assert not step.roster_run.run_button.disabled and step.roster_run.cancel_button.disabled
    assert step.roster_run.progress.value == 1.0 and "Done" in step.roster_run.stage.value
    assert (workdir / "out" / "matches.csv").exists()


def test_cancel_stops_the_run_before_anything_is_written(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()
    real = matching_module.build_pools

    def slow_build_pools(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(matching_module, "build_pools", slow_build_pools)
    step = open_step(workdir)
    step.roster_run.run_button.click()
    assert entered.wait(30) and step.roster_run.running
    step.roster_run.cancel_button.click()  # handled while the run is under way
    release.set()
    assert step.roster_run.wait(30)
    assert "Cancelled; nothing was written" in step.roster_run.run_status.value
    assert step.roster_run.result is None and not (workdir / "out").exists()
    assert not step.roster_run.run_button.disabled


def test_run_errors_name_files_without_server_paths(workdir: Path) -> None:
    (workdir / "roster.csv").write_text("id,name,role,manager_id\na,A,boss,\n")
    step = open_step(workdir)
    assert step.roster_run.run() is None
    text = html.unescape(step.roster_run.run_status.value)
    assert "roster.csv:2: role: unknown role" in text
    assert str(workdir) not in text


# ---------------------------------------------------------------- uploads


def upload(step: MatchingStep, name: str, data: bytes) -> str:
    """Upload ``data`` as the browser would, and return what the page says about it."""
    step.roster_run.upload.value = (
        {
            "name": name,
            "type": "text/csv",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    assert step.roster_run.upload.value == ()  # the kernel keeps no second copy of the file
    return html.unescape(step.roster_run.upload_status.value)


def test_an_upload_is_kept_in_the_program_folder_and_the_old_roster_in_history(
    workdir: Path,
) -> None:
    step = open_step(workdir)
    old = (workdir / "roster.csv").read_bytes()
    new = old.replace(b"Taylor Imaginov", b"Taylor Renamed")  # a corrected name
    assert new != old
    text = upload(step, "cohort-2027.csv", new)
    assert "cohort-2027.csv checked and kept as roster.csv in the program's folder" in text
    (kept,) = (workdir / "roster.history").iterdir()
    assert "the roster it replaces is kept, listed as roster.csv, replaced " in text
    assert "(earlier roster) among the rosters to choose from" in text
    assert "roster.history" not in text  # the folder's layout is not the coordinator's
    assert kept.read_bytes() == old and (workdir / "roster.csv").read_bytes() == new
    assert step.roster_run.roster_file == workdir / "roster.csv"
    assert step.roster_run.roster_pick.label.startswith("roster.csv of ")
    assert sorted(p.name for p in workdir.iterdir()) == [
        "design.yaml", "roster.csv", "roster.history"]  # fmt: skip
    assert str(workdir) not in text
    assert "; it is the same as the roster already there." in upload(step, "again.csv", new)
    assert len(list((workdir / "roster.history").iterdir())) == 1
    assert step.roster_run.run(raise_errors=True) is not None


def test_an_xlsx_upload_replaces_the_csv_which_is_kept(workdir: Path) -> None:
    import openpyxl

    rows = list(csv.reader((workdir / "roster.csv").read_text().splitlines()))
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    step = open_step(workdir)
    assert "kept as roster.xlsx" in upload(step, "Roster.XLSX", buffer.getvalue())
    assert not (workdir / "roster.csv").exists()
    assert [p.name.endswith("-roster.csv") for p in (workdir / "roster.history").iterdir()] == [
        True
    ]
    result = step.roster_run.run(raise_errors=True)
    assert result is not None and result.summary.mentees == 64


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50,
            "roster.csv: is not a table: it is a binary file",
        ),
        (b"who,what\nx,y\n", "roster.csv:1: id: required column 'id' is missing"),
        (b"id,name,role,manager_id\na,A,boss,\n", "roster.csv:2: role: unknown role"),
    ],
    ids=["binary", "wrong columns", "bad value"],
)
def test_a_refused_upload_shows_its_problems_and_keeps_the_roster(
    workdir: Path, data: bytes, expected: str
) -> None:
    step = open_step(workdir)
    before = (workdir / "roster.csv").read_bytes()
    text = upload(step, "roster.csv", data)
    assert "roster.csv was not used; the roster on file is unchanged." in text
    assert expected in text
    assert "Traceback" not in text and str(workdir) not in text
    assert (workdir / "roster.csv").read_bytes() == before
    assert not (workdir / "roster.history").exists()


def test_an_upload_over_the_limit_says_what_to_do(workdir: Path) -> None:
    step = open_step(workdir)
    before = (workdir / "roster.csv").read_bytes()
    text = upload(step, "everyone.csv", b"x" * (roster_upload.MAX_UPLOAD_BYTES + 500_000))
    assert "everyone.csv: is 10.5 MB; the page takes rosters up to 10.0 MB" in text
    assert "remove the columns the matching does not use" in text
    assert "workbook match" not in text and "OUTDIR" not in text  # no syntax on the page
    assert (workdir / "roster.csv").read_bytes() == before


def test_a_bug_during_a_background_run_is_reported_in_words(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(matching_module, "solve", broken)
    step = open_step(workdir)
    step.roster_run.run_button.click()
    assert step.roster_run.wait(60)
    assert "Not matched" in step.roster_run.run_status.value
    assert "Something went wrong inside the workbook (ZeroDivisionError)" in step.status.value
    assert "Traceback" not in step.status.value + step.roster_run.run_status.value
    assert not step.roster_run.run_button.disabled and not (workdir / "out").exists()


@pytest.mark.notebook
def test_column_names_and_extra_criteria_as_parameters_go_through_the_fields(
    workdir: Path, run_notebook
) -> None:  # type: ignore[no-untyped-def]
    # The roster calls its id column "Staff number": a person maps it with the dropdown,
    # a batch run with the parameter; both reach the same fields and the same design.
    roster = (workdir / "roster.csv").read_text("utf-8")
    (workdir / "roster.csv").write_text(roster.replace("id,", "Staff number,", 1), "utf-8")
    run_notebook(
        "05_matching.ipynb",
        {
            "design_path": str(workdir / "design.yaml"),
            "roster_path": str(workdir / "roster.csv"),
            "output_dir": str(workdir / "out"),
            "column_map": {"Staff number": "id"},
            "extra_criteria": {"department": {"mode": "different", "weight": 2}},
            "run": True,
            "save": True,
        },
    )
    saved = store.load(workdir / "design.yaml").design.matching
    assert saved.column_map == {"Staff number": "id"}
    assert saved.extra_criteria["department"].mode == "different"
    assert saved.extra_criteria["department"].weight == 2
    assert saved.results is not None and saved.results.matched == 64


def test_with_only_the_design_given_the_roster_beside_it_is_matched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_notebook: Any
) -> None:
    """The README's way to work on one's own program: only ``WORKBOOK_DESIGN`` set, the
    roster kept beside the design. The notebook matches that roster."""
    program = tmp_path / "sales"
    program.mkdir()
    shutil.copy(EXAMPLE / "design.yaml", program / "design.yaml")
    shutil.copy(EXAMPLE / "roster.csv", program / "roster.csv")
    monkeypatch.setenv("WORKBOOK_DESIGN", str(program / "design.yaml"))
    monkeypatch.delenv("WORKBOOK_ROSTER", raising=False)
    monkeypatch.delenv("WORKBOOK_OUTPUT", raising=False)
    run_notebook("05_matching.ipynb", {"run": True})
    summary = json.loads((program / "matching-output" / "summary.json").read_text())
    with (EXAMPLE / "roster.csv").open(newline="", encoding="utf-8") as handle:
        mentees = sum(row["role"] in ("mentee", "both") for row in csv.DictReader(handle))
    assert summary["roster_file"] == "roster.csv"
    assert summary["mentees"] == mentees


def test_why_not_answers_for_the_chosen_mentee_and_mentor_by_name(workdir: Path) -> None:
    """The coordinator picks a mentee and a mentor the run did not pair and asks why:
    the answer names people as the page's dropdowns do, and says what forcing costs."""
    step = open_step(workdir)
    result = step.roster_run.run(raise_errors=True)
    assert result is not None
    panel = step.roster_run.review_panel
    assert panel.people is not None
    first = result.matches.iloc[0]
    other = next(m for m in result.matches["mentor_id"] if m != first["mentor_id"])
    panel.mentee.value, panel.mentor.value = first["mentee_id"], other
    lines = panel.why_not()
    mentee, mentor = panel.people.name(first["mentee_id"]), panel.people.name(other)
    assert lines[0].startswith(f"{mentee} and {mentor} score ")
    assert f"{mentee} has {panel.people.name(first['mentor_id'])} instead" in lines[0]
    answer = html.unescape(panel.answer.value)
    assert "If the pair were forced" in answer and "<li>" in panel.answer.value
    # The same question for the pair the run chose; choosing it clears the answer
    # about the other pair.
    panel.mentor.value = first["mentor_id"]
    assert panel.answer.value == ""
    chosen = panel.people.name(first["mentor_id"])
    assert panel.why_not() == [
        f"{mentee} and {chosen} are matched in this run (score {whole(first['score'])}/100)."
    ]
