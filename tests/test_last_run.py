"""The matching step's roster and last run, without a kernel: no server paths, messages
that describe the current state, and the last run found again when the step opens."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import shutil
from pathlib import Path

import ipywidgets as w
import pytest
from helpers import EXAMPLE

from workbook.ui.matching import MatchingStep


@pytest.fixture
def program(tmp_path: Path) -> Path:
    """A program folder as the app has it: the design, the roster on file, no run yet."""
    folder = tmp_path / "harbour"
    folder.mkdir()
    for name in ("design.yaml", "roster.csv"):
        shutil.copy(EXAMPLE / name, folder / name)
    return folder


def open_step(folder: Path) -> MatchingStep:
    """The step as the app builds it: the program's roster.csv and output/ named."""
    step = MatchingStep.from_params(
        folder / "design.yaml", roster_path=folder / "roster.csv", output_dir=folder / "output"
    )
    assert isinstance(step, MatchingStep)
    step.in_app()
    return step


def upload(step: MatchingStep, name: str, data: bytes) -> str:
    step.roster_run.upload.value = (
        {
            "name": name,
            "type": "text/csv",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    assert step.roster_run.upload.value == ()
    return html.unescape(step.roster_run.upload_status.value)


def everything_shown(widget: w.Widget) -> list[str]:
    """Every text a widget tree shows or holds: values, labels, options, descriptions."""
    out: list[str] = []
    for name in ("value", "description", "placeholder", "tooltip", "label"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            out.append(value)
    out += [str(label) for label in getattr(widget, "_options_labels", ())]
    for child in getattr(widget, "children", ()):
        out += everything_shown(child)
    return out


def assert_no_server_path(step: MatchingStep, *folders: Path) -> None:
    shown = "\n".join(everything_shown(step.view))
    for folder in folders:
        assert str(folder) not in shown, f"the step shows {folder}"
    assert "/tmp/" not in shown


def test_the_step_shows_no_server_path_and_picks_the_roster_on_file(program: Path) -> None:
    step = open_step(program)
    run = step.roster_run
    assert run.roster_file == program / "roster.csv"
    assert run.roster_pick.label.startswith("roster.csv of ")
    assert "Roster: roster.csv." in html.unescape(run.upload_status.value)
    assert "command line" not in html.unescape(run.upload_status.value)
    assert "output" in run.output_note.value
    assert not hasattr(run, "roster_path") and not hasattr(run, "output")  # no path boxes
    assert_no_server_path(step, program, program.parent)
    assert run.run(raise_errors=True) is not None
    assert "Files written to output." in run.run_status.value
    assert_no_server_path(step, program, program.parent)


def test_no_roster_says_upload_one_first_and_a_refused_upload_says_none_is_on_file(
    program: Path,
) -> None:
    (program / "roster.csv").unlink()
    step = open_step(program)
    run = step.roster_run
    assert run.roster_file is None
    assert "No roster is on file yet" in run.upload_status.value
    assert run.run() is None
    said = html.unescape(run.run_status.value)
    assert "no roster is on file yet; upload a roster first" in said
    assert "check the path" not in said
    refused = upload(step, "people.csv", b"id,name,role,manager_id\na,A,boss,\n")
    assert "people.csv was not used; no roster is on file yet." in refused
    assert "roster on file is unchanged" not in refused
    assert "people.csv:2: role: unknown role" in refused
    # A good upload: the refusal and the run's error are gone, the summary says what
    # was read.
    accepted = upload(step, "cohort.csv", (EXAMPLE / "roster.csv").read_bytes())
    assert "cohort.csv checked and kept as roster.csv in the program's folder" in accepted
    assert "was not used" not in accepted
    assert run.run_status.value == ""
    assert (
        "259 people: 64 mentees, 34 mentors (2 people are both), 163 people not taking "
        "part; 12 departments." in accepted
    )
    assert "Columns recognised: id, name, email, role, department, manager_id" in accepted
    assert "No column is ignored." in accepted
    assert run.roster_file == program / "roster.csv"
    assert run.run(raise_errors=True) is not None
    assert_no_server_path(step, program)


def test_the_upload_button_reads_upload_roster_not_a_count(program: Path) -> None:
    step = open_step(program)
    upload(step, "cohort.csv", (EXAMPLE / "roster.csv").read_bytes())
    # ipywidgets writes "<description> (<files held>)" in the button: the kernel holds
    # none after an upload, and the step's style draws the words without the count.
    assert step.roster_run.upload.description == "Upload roster"
    style = step.roster_run.widgets[0].value
    assert '.wb-upload::after { content: "Upload roster"; }' in style
    assert ".widget-upload { font-size: 0; }" in style


def test_an_older_roster_can_be_picked_by_name_and_date(program: Path) -> None:
    step = open_step(program)
    run = step.roster_run
    old = (program / "roster.csv").read_bytes()
    upload(step, "renamed.csv", old.replace(b"Taylor Imaginov", b"Taylor Renamed"))
    labels = [label for label, _ in run.roster_pick.options]
    assert labels[0].startswith("roster.csv of ") and labels[0].endswith("(on file)")
    assert labels[1].startswith("roster.csv, replaced ") and labels[1].endswith("(earlier roster)")
    run.roster_pick.index = 1
    picked = html.unescape(run.upload_status.value)
    assert "Picked roster.csv, replaced " in picked and "64 mentees" in picked
    assert "roster.history" not in picked
    assert run.run(raise_errors=True) is not None
    summary = json.loads((program / "output" / "summary.json").read_text())
    assert summary["roster_file"].startswith("roster.history/")
    assert summary["roster_sha256"] == hashlib.sha256(old).hexdigest()  # the older one
    assert_no_server_path(step, program)


def test_a_refused_upload_keeps_the_roster_on_file(program: Path) -> None:
    step = open_step(program)
    refused = upload(step, "x.csv", b"who,what\nx,y\n")
    assert "x.csv was not used; the roster on file is unchanged." in refused


def test_the_last_run_is_shown_when_the_step_opens_again(program: Path) -> None:
    step = open_step(program)
    run = step.roster_run
    result = run.run(raise_errors=True)
    assert result is not None
    first = result.matches.iloc[0]
    assert run.review_panel.add(first.mentee_id, first.mentor_id, "forbid")
    summary = json.loads((program / "output" / "summary.json").read_text())
    data = (program / "roster.csv").read_bytes()
    assert summary["roster_sha256"] == hashlib.sha256(data).hexdigest()
    assert summary["roster_file"] == "roster.csv"
    assert "run_at" in summary and "roster_modified" in summary
    assert "P000" not in json.dumps(summary)  # no personal data

    again = open_step(program).roster_run  # a later session: nothing run yet
    assert again.result is None
    info = html.unescape(again.run_info.value)
    assert info.startswith("<span class='wb-help'>The last run: ")
    assert "on roster.csv of " in info and "changed" not in info
    assert again.matches.value.count("<tr") == len(result.matches) + 1  # and the header
    assert first.mentee_id in again.matches.value
    assert "Every mentee has a mentor." in again.unmatched.value
    assert "wb-download-matches-csv" in again.downloads.value
    assert "wb-download-summary-json" in again.downloads.value
    assert "64 of 64 mentees have a mentor" in again.summary.value
    review = html.unescape(
        again.review_panel.listing.value + str(everything_shown(again.review_panel.entries))
    )
    assert first.mentee_id in review and first.mentor_id in review
    assert again.excel_button.layout.display == "none"  # no result to build it from

    # The roster changes: the kept run says so until a run on the new roster.
    changed = data.replace(b"Taylor Imaginov", b"Taylor Renamed")
    (program / "roster.csv").write_bytes(changed)
    later = open_step(program).roster_run
    assert "The roster changed since this run: run again." in later.run_info.value
    assert later.run(raise_errors=True) is not None
    assert "changed" not in later.run_info.value
    assert html.unescape(later.run_info.value).startswith("<span class='wb-help'>This run: ")


def test_an_upload_flags_the_run_it_no_longer_matches(program: Path) -> None:
    step = open_step(program)
    run = step.roster_run
    assert run.run(raise_errors=True) is not None
    assert "changed" not in run.run_info.value
    old = (program / "roster.csv").read_bytes()
    upload(step, "new.csv", old.replace(b"Taylor Imaginov", b"Taylor Renamed"))
    assert "The roster changed since this run: run again." in run.run_info.value
    run.roster_pick.index = 1  # the earlier roster, the one the run used
    assert "changed" not in run.run_info.value


def test_a_run_without_a_record_is_still_shown(program: Path) -> None:
    # A folder written by `workbook match` on the command line: no roster recorded.
    from workbook import matching, store

    design = store.load(program / "design.yaml").design
    matching.match(design, program / "roster.csv", program / "output", excel=False)
    run = open_step(program).roster_run
    assert "which roster it used was not recorded" in run.run_info.value
    assert "64 of 64 mentees have a mentor" in run.summary.value


def test_a_notebook_given_roster_is_shown_by_name_not_path(tmp_path: Path, program: Path) -> None:
    elsewhere = tmp_path / "exports" / "cohort.csv"
    elsewhere.parent.mkdir()
    shutil.copy(EXAMPLE / "roster.csv", elsewhere)
    step = MatchingStep.from_params(
        program / "design.yaml", roster_path=elsewhere, output_dir=tmp_path / "exports" / "out"
    )
    assert isinstance(step, MatchingStep)
    run = step.roster_run
    assert run.roster_file == elsewhere
    assert run.roster_pick.label.startswith("exports/cohort.csv of ")
    assert run.run(raise_errors=True) is not None
    assert_no_server_path(step, program, tmp_path)
    missing = MatchingStep.from_params(program / "design.yaml", roster_path=tmp_path / "no.csv")
    assert isinstance(missing, MatchingStep)
    assert missing.roster_run.roster_file == program / "roster.csv"  # the one on file


def test_a_kept_run_draws_its_scores_and_mentor_load(program: Path) -> None:
    import re

    result = open_step(program).roster_run.run(raise_errors=True)
    assert result is not None
    again = open_step(program).roster_run  # a later session: from the files only
    assert again.result is None
    # Rows to pin from need the run: the kept view says how to get them back.
    assert "To pin, forbid or choose a mentor from the rows, run again" in again.run_info.value
    svgs = " ".join(c.value for c in again.charts.children)
    assert "Match scores" in svgs and "Mentor load" in svgs
    # The load chart counts every mentor, the idle ones too: bars of mentors per load.
    load = result.matches["mentor_id"].value_counts()
    idle = result.summary.mentors - len(load)
    assert idle > 0  # the example has mentors without a mentee: they must be counted
    titles = re.findall(r"<title>([^<]*)</title>", svgs)
    assert any(t.startswith("0:") and t.endswith(str(idle)) for t in titles), titles


def test_the_review_names_people_when_the_step_opens_again(program: Path) -> None:
    step = open_step(program)
    result = step.roster_run.run(raise_errors=True)
    assert result is not None
    first = result.matches.iloc[0]
    panel = step.roster_run.review_panel
    assert panel.add(str(first["mentee_id"]), str(first["mentor_id"]), "pin")
    # The coordinator comes back: the page opens on the last run, before any new run.
    again = open_step(program).roster_run.review_panel
    assert again.people is None
    shown = " ".join(everything_shown(again.entries))
    assert (
        f"Pinned: {first['mentee_name']} ({first['mentee_id']}) with "
        f"{first['mentor_name']} ({first['mentor_id']})" in html.unescape(shown)
    )
