"""The matching step's plan as a coordinator edits it: column names chosen from the roster,
extra criteria as rows, validation next to the field, and weights and rules suggested from
the design with their reasons. Widgets without a kernel (the browser journey is
tests/test_browser_matching_plan.py)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import ipywidgets as w
import pytest
from helpers import EXAMPLE, renamed_roster

from workbook import knowledge, rules, store
from workbook.design import Design, Weights
from workbook.matching import tables
from workbook.steps import matching
from workbook.ui.matching import MatchingStep


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE / "design.yaml", tmp_path / "design.yaml")
    renamed_roster(tmp_path / "roster.csv")
    return tmp_path


def open_step(folder: Path, **params: object) -> MatchingStep:
    step = MatchingStep.from_params(
        folder / "design.yaml",
        roster_path=folder / "roster.csv",
        output_dir=folder / "out",
        **params,  # type: ignore[arg-type]
    )
    assert isinstance(step, MatchingStep)
    return step


def problems(step: MatchingStep) -> str:
    return html.unescape(step.problems.value)


def blank_design(path: Path, **decided: object) -> None:
    """A program created blank, with the design decisions the earlier steps made."""
    store.create(path, "Blank")
    snap = store.load(path)
    store.save(Design.model_validate({**snap.design.model_dump(), **decided}), snap)


# ---------------------------------------------------------------- the knowledge


def test_the_roster_columns_are_the_matchings_and_named_the_same_way() -> None:
    assert matching.COLUMNS == tables.CANONICAL
    for name in ("Manager ID", " skills-wanted ", "Time  Zone", "Staff number", "x"):
        assert matching._normal(name) == tables._normal(name)
    assert matching.column_title("manager_id") == "Manager's id"


def test_every_suggestion_names_a_decision_and_fills_real_fields() -> None:
    catalogues = {"purpose": "purposes", "focus_area": "focus_areas", "format": "models",
                  "mentee_say": "mentee_says"}  # fmt: skip
    for entry in knowledge.catalogue("match_suggestions"):
        ((kind, key),) = entry.extra("when").items()
        assert key in knowledge.keys(catalogues[kind]), entry.key
        extra = entry.model_extra or {}
        assert set(extra.get("weights") or {}) <= set(Weights.model_fields), entry.key
        assert set(extra.get("rules") or {}) <= {"department", "seniority_min_gap"}, entry.key
        assert extra.get("weights") or extra.get("rules"), entry.key
        # Every value is one the design takes.
        values = {"weights": extra.get("weights") or {}, **(extra.get("rules") or {})}
        matching.make_inputs(**values)


# ---------------------------------------------------------------- column names


def test_a_known_roster_offers_its_columns_and_a_renamed_one_is_chosen(folder: Path) -> None:
    step = open_step(folder)
    field = step.columns["id"]
    assert isinstance(field, w.Dropdown) and field.description == "Person's id"
    assert field.options[0] == ("(not in this roster)", "")
    assert ("Staff number", "Staff number") in field.options
    name = step.columns["name"]
    assert name.options[0] == ("name (found by its name)", "")
    assert ("name", "name") not in name.options  # offered once, as found
    # The id is required and missing: the column names are open, and the run says why.
    assert step.columns_section.selected_index == 0
    field.value = "Staff number"
    step.columns["department"].value = "Dept"
    assert problems(step) == ""
    assert step.save(raise_errors=True)
    saved = store.load(folder / "design.yaml").design.matching
    assert saved.column_map == {"Staff number": "id", "Dept": "department"}
    # The mapped roster is matched (the settings on screen).
    result = step.roster_run.run(raise_errors=True)
    assert result is not None and len(result.matches) == 64
    reopened = open_step(folder)
    assert reopened.columns["id"].value == "Staff number"


def test_one_header_for_two_columns_or_beside_its_own_name_is_refused_there(
    folder: Path,
) -> None:
    step = open_step(folder)
    step.columns["id"].value = "Staff number"
    step.columns["email"].value = "Staff number"
    said = problems(step)
    assert "Staff number is already read as Person's id" in said
    assert "wb-invalid" in step.columns["email"]._dom_classes
    assert "wb-invalid" not in step.columns["id"]._dom_classes
    assert step.save_button.disabled
    step.columns["email"].value = ""
    step.columns["level"].value = "Site"  # while the roster has its own "level" column
    said = problems(step)
    assert "your roster also has a column named level" in said
    assert "The column read as Level" in said  # the field by its name, not its path
    assert "column_map" not in said
    step.columns["level"].value = ""
    assert problems(step) == ""


def test_without_a_roster_each_name_is_typed_then_the_upload_offers_the_columns(
    folder: Path,
) -> None:
    (folder / "roster.csv").unlink()
    step = open_step(folder)
    field = step.columns["id"]
    assert isinstance(field, w.Text) and field.placeholder == "as named: id"
    field.value = "Staff number"
    row = step.add_extra()
    assert isinstance(row.column, w.Text)
    row.column.value = "Site"
    # What the roster's upload calls with the header it read.
    renamed_roster(folder / "roster.csv")
    step.roster_columns(["Staff number", "name", "role", "manager_id", "Dept", "level", "Site"])
    field = step.columns["id"]
    assert isinstance(field, w.Dropdown) and field.value == "Staff number"  # kept
    row = step.extras[0]
    assert isinstance(row.column, w.Dropdown) and row.column.value == "Site"
    offered = {v: label for label, v in row.column.options}
    # Each column as the matching reads it; never an id or a name.
    assert offered["Dept"] == "Dept" and "department" not in offered
    assert "id" not in offered and "name" not in offered and "manager_id" not in offered
    step.columns["department"].value = "Dept"
    offered = {v: label for label, v in step.extras[0].column.options}
    assert offered["department"] == "Dept (read as department)" and "Dept" not in offered
    step.roster_columns(None)
    assert isinstance(step.columns["id"], w.Text) and step.columns["id"].value == "Staff number"
    assert problems(step) == ""


def test_names_the_form_cannot_show_are_kept_and_can_be_forgotten(folder: Path) -> None:
    path = folder / "design.yaml"
    snap = store.load(path)
    plan = snap.design.matching.model_copy(update={"column_map": {"Staff number": "id",
                                                                    "Code": "badge"}})  # fmt: skip
    store.save(snap.design.model_copy(update={"matching": plan}), snap)
    step = open_step(folder)
    assert step.columns["id"].value == "Staff number"
    assert "reads Code as badge, which is not a column the matching knows" in html.unescape(
        step.columns_note.value
    )
    assert step.save(raise_errors=True)
    assert store.load(path).design.matching.column_map == {"Staff number": "id", "Code": "badge"}
    step.forget_button.click()
    assert step.columns_note.value == ""
    assert step.save(raise_errors=True)
    assert store.load(path).design.matching.column_map == {"Staff number": "id"}


# ---------------------------------------------------------------- extra criteria


def test_extra_criteria_are_rows_added_validated_and_removed(folder: Path) -> None:
    step = open_step(folder, column_map={"Staff number": "id", "Dept": "department"})
    assert problems(step) == ""
    row = step.add_extra()
    assert isinstance(row.column, w.Dropdown)
    assert [label for label, _ in row.column.options][:1] == ["(choose a column)"]
    assert "Site" in [v for _, v in row.column.options]
    assert "Other column 1, roster column: no roster column is chosen" in re.sub(
        "<[^>]+>", "", problems(step)
    )
    assert "wb-invalid" in row.column._dom_classes
    row.column.value = "Site"
    row.mode.value = "different"
    row.weight.value = 2
    assert problems(step) == ""
    assert "Roster column Site is" in step.effect.value
    either = step.add_extra({"column": "level", "mode": "either"})
    assert "Roster column level: either value will do, so it does not count" in html.unescape(
        step.effect.value
    )
    twice = step.add_extra({"column": "Site"})
    assert "Site is already an extra criterion above" in problems(step)
    assert "wb-invalid" in twice.column._dom_classes
    assert "extra_criteria" not in problems(step)
    step.remove_extra(twice)
    assert problems(step) == ""
    assert step.save(raise_errors=True)
    saved = store.load(folder / "design.yaml").design.matching.extra_criteria
    assert {c: (e.mode, e.weight) for c, e in saved.items()} == {"Site": ("different", 2.0)}
    assert step.extras[1] is either  # the "either" row stays on screen, unsaved
    result = step.roster_run.run(raise_errors=True)
    assert result is not None and len(result.matches) == 64


def test_the_form_never_shows_the_short_text_forms_or_field_paths(folder: Path) -> None:
    # The notebook's short forms are still accepted, and shown in the fields.
    step = open_step(folder, column_map="Staff number = id", extra_criteria="Site: same 2")
    assert step.columns["id"].value == "Staff number"
    assert [r.values() for r in step.extras] == [
        {"column": "Site", "mode": "same", "weight": 2.0, "must_have": False}
    ]
    step.suggest_button.click()
    shown = " ".join(_texts(step.view, skip=step.roster_run.widgets))
    for syntax in ("same|different", "your column =", "= id", ": same", "matching.weights",
                   "weights.", "column_map", "extra_criteria"):  # fmt: skip
        assert syntax not in shown, syntax
    for code in re.finditer(r"\bR\d+\b", shown):
        assert re.match(r"R\d+: [A-Z]", shown[code.start() :]), shown[code.start() - 40 :][:90]


def _texts(widget: w.Widget, skip: list[w.Widget]) -> list[str]:
    """Every text a widget shows: values, labels, placeholders, options (the run's
    widgets, another part of the page, left out)."""
    if any(widget is s for s in skip):
        return []
    out = []
    for name in ("value", "description", "placeholder", "tooltip"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            out.append(value)
    out += [str(label) for label in getattr(widget, "_options_labels", ())]
    out += [str(t) for t in getattr(widget, "titles", ()) or ()]
    for child in getattr(widget, "children", ()):
        out += _texts(child, skip)
    return out


# ---------------------------------------------------------------- suggestions


def test_a_blank_design_is_given_the_weights_its_decisions_imply(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    blank_design(
        path,
        purposes=[{"key": "knowledge_retention"}, {"key": "career_growth"}],
        focus_areas=[{"key": "networking", "purposes": ["career_growth"]}],
        model={"format": "reverse"},
    )
    step = MatchingStep.from_params(path)
    assert isinstance(step, MatchingStep)
    assert step.read().weights == Weights()  # skills 1, the rest 0: nothing says why
    step.plan["mentee_say"].value = "preferences"
    step.suggest_button.click()
    weights = {k: s.value for k, s in step.weights.items()}
    assert weights == {"skills": 3, "goals": 2, "seniority": 0, "department": 1,
                       "timezone": 0, "language": 0, "preferences": 2}  # fmt: skip
    assert step.department.value == "different"
    assert step.min_gap.value == ""  # reverse mentoring: no smallest gap
    said = html.unescape(re.sub("<[^>]+>", "", step.filled.value))
    assert (
        "Skills: weight 3 (from the purpose “Retention of expertise”: the expertise to keep "
        "is what mentors offer and mentees want)" in said
    )
    assert "Goals: weight 2 (from the purpose “Career growth and retention”" in said
    assert "Department: different departments, weight 1 (from the focus area “Networking " in said
    assert said.count("Department:") == 1
    assert "Seniority gap from: no smallest gap (from the model “Reverse”: reverse " in said
    assert "Mentee's preference: weight 2 (from the mentee's say" in said
    assert "weights." not in said and "R9)" not in said
    # A filled text is quoted by its first words, not by its field's name twice.
    review_label = step.field_label("review")
    items = [
        html.unescape(re.sub("<[^>]+>", "", li))
        for li in re.findall(r"<li[^>]*>(.*?)</li>", step.filled.value, re.S)
    ]
    line = next(x for x in items if x.startswith(f"{review_label}:"))
    assert line.startswith(f"{review_label}: The coordinator reviews the proposed matches")
    assert f"{review_label}: {review_label}" not in said
    assert "Rematching: Rematching" not in said and "Rematching: Either side may end" in said
    assert step.save(raise_errors=True)
    saved = store.load(path).design
    assert saved.matching.weights.skills == 3 and saved.matching.weights.preferences == 2
    assert saved.matching.department == "different"
    assert saved.matching.seniority_min_gap is None
    before = store.load(path).design.model_copy(update={"matching": Design().matching})
    assert "R9" in [f.rule for f in rules.for_step(before, "matching")]
    assert "R9" not in [f.rule for f in rules.for_step(saved, "matching")]  # no longer warns


def test_suggest_fills_only_what_the_coordinator_has_not_set() -> None:
    design = Design.model_validate(
        {
            "purposes": [{"key": "knowledge_retention"}, {"key": "career_growth"}],
            "focus_areas": [{"key": "networking"}, {"key": "leadership_development"}],
            "model": {"format": "reverse"},
        }
    )
    made = matching.make_inputs(
        method="algorithm", mentee_say="shortlist", review="r", rematching="r",
        weights={"skills": 5, "goals": 0.5}, department="same", seniority_min_gap=2,
    )  # fmt: skip
    after, filled = matching.suggest(design, made)
    assert after.weights.skills == 5 and after.weights.goals == 0.5
    # "Networking" wants different departments: the coordinator chose the same, so its
    # weight is not filled either; the seniority gap was set, so reverse leaves it.
    assert after.department == "same" and after.weights.department == 0
    assert after.seniority_min_gap == 2
    assert [(f.field, f.title) for f in filled] == [("weights.seniority", "weight 1")]
    assert "the focus area “Leadership development”" in filled[0].source


def test_the_roster_beside_the_design_gives_the_column_choices(tmp_path: Path) -> None:
    """A roster kept as roster.xlsx beside the design, with a renamed id column: the step
    picks it without any path given and offers its headers to map."""
    import pandas as pd

    shutil.copy(EXAMPLE / "design.yaml", tmp_path / "design.yaml")
    people = pd.read_csv(EXAMPLE / "roster.csv", dtype=str).fillna("")
    people.rename(columns={"id": "Staff number"}).to_excel(tmp_path / "roster.xlsx", index=False)
    step = MatchingStep.from_params(str(tmp_path / "design.yaml"))
    assert isinstance(step, MatchingStep)
    assert step.roster_run.roster_file == tmp_path / "roster.xlsx"
    assert step._roster_names is not None and "Staff number" in step._roster_names


# ---------------------------------------------------------------- must-haves


def test_ticking_must_have_is_saved_said_and_read_back(folder: Path) -> None:
    step = open_step(folder)
    step.weights["language"].value = 1
    step.must_haves["skills"].value = True
    step.must_haves["language"].value = True
    effect = html.unescape(step.effect.value)
    assert (
        "Must-have: the mentor offers at least one skill the mentee wants; a pair without it "
        "is never proposed, whatever it scores." in effect
    )
    assert "Must-have: the mentor shares a language with the mentee" in effect
    step.save_button.click()
    saved = store.load(folder / "design.yaml").design.matching
    assert saved.must_have == ["skills", "language"]
    again = open_step(folder)
    assert [k for k, box in again.must_haves.items() if box.value] == ["skills", "language"]


def test_an_extra_column_can_be_a_must_have(folder: Path) -> None:
    step = open_step(folder)
    row = step.add_extra({"column": "site", "mode": "same", "weight": 0, "must_have": True})
    assert row.must_have.value is True
    step.save_button.click()
    saved = store.load(folder / "design.yaml").design.matching
    assert saved.extra_criteria["site"].must_have is True
    assert saved.extra_criteria["site"].weight == 0
    assert "Must-have: the mentor has the same site" in html.unescape(
        open_step(folder).effect.value
    )


def test_a_time_zone_must_have_without_hours_is_refused_in_words(folder: Path) -> None:
    step = open_step(folder)
    step.max_tz.value = ""
    step.must_haves["timezone"].value = True
    step.save_button.click()
    assert "the time zone is a must-have but no limit in hours is set" in problems(step)
    assert "timezone" not in store.load(folder / "design.yaml").design.matching.must_have


def test_must_have_is_a_notebook_parameter(folder: Path) -> None:
    step = open_step(folder, must_have=["skills"], save=True)
    assert step.must_haves["skills"].value
    assert store.load(folder / "design.yaml").design.matching.must_have == ["skills"]


def test_the_criteria_shares_add_up_to_a_hundred() -> None:
    assert matching.whole_percents([3, 2, 1, 1, 1]) == [38, 25, 13, 12, 12]
    assert sum(matching.whole_percents([1, 1, 1])) == 100
    assert matching.whole_percents([1]) == [100]
    inputs = matching.make_inputs(weights={"skills": 3, "goals": 2, "seniority": 1,
                                           "timezone": 1, "language": 1})  # fmt: skip
    shares = [int(m.group(1)) for m in re.finditer(r"is (\d+)% of a score", " ".join(
        matching.effect(inputs)))]  # fmt: skip
    assert sum(shares) == 100
