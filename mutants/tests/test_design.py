"""The design model: what a valid design is, and what a bad file is told."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EXAMPLE_DESIGN

from workbook import store
from workbook.design import SCHEMA_VERSION, Design, new_design, parse_design
from workbook.errors import DesignError, SchemaVersionError

EXAMPLE = EXAMPLE_DESIGN


def test_new_design_is_valid_and_undecided() -> None:
    design = new_design("Pilot")
    assert design.program.name == "Pilot"
    assert design.schema_version == SCHEMA_VERSION
    assert design.model.duration_months is None
    assert design.purposes == []


def test_example_design_loads_and_covers_every_decision() -> None:
    design = store.load(EXAMPLE).design
    assert design.program.name
    assert design.purposes and all(p.objectives for p in design.purposes)
    assert all(not o.missing() for _, o in design.objectives())
    assert design.focus_areas and design.model.format == "one_to_one"
    assert design.model.duration_months == 12
    assert design.participation.voluntary is True
    assert design.confidentiality.manager_receives_progress is False
    for name in type(design.components).model_fields:
        assert getattr(design.components, name).plan, name
    assert design.evaluation.effectiveness and design.matching.method == "algorithm"
    assert design.approvals


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "design.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DesignError) as info:
        store.load(path)
    return info.value.lines()


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    lines = _problems(tmp_path, "program:\n  name: [unclosed\nmodel: {}\n")
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / 'design.yaml'}:")
    assert "not valid YAML" in lines[0] and "indentation" in lines[0]


def test_wrong_type_names_field_value_and_fix(tmp_path: Path) -> None:
    (line,) = _problems(tmp_path, "model:\n  duration_months: twelve\n")
    assert "model.duration_months: must be a whole number (value 'twelve')" in line
    assert "write a number" in line


def test_unknown_field_is_reported_not_dropped(tmp_path: Path) -> None:
    (line,) = _problems(tmp_path, "program:\n  nmae: Pilot\n")
    assert "program.nmae: unknown field" in line and "spelling" in line


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    lines = _problems(
        tmp_path,
        "model:\n  format: hexagonal\n  duration_months: -3\n"
        "participation:\n  voluntary: perhaps\n",
    )
    fields = sorted(line.split(": ")[1] for line in lines)
    assert fields == ["model.duration_months", "model.format", "participation.voluntary"]
    assert any("one_to_one" in line for line in lines)  # says which values are allowed


def test_future_schema_version_asks_for_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    path.write_text(f"schema_version: {SCHEMA_VERSION + 1}\n", encoding="utf-8")
    with pytest.raises(SchemaVersionError) as info:
        store.load(path)
    (line,) = info.value.lines()
    assert str(path) in line and "schema_version" in line and "upgrade" in line


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(DesignError, match="top level"):
        parse_design(["a", "list"], "d.yaml")


def test_focus_area_must_serve_a_chosen_purpose() -> None:
    with pytest.raises(DesignError, match="not one of the design's purposes"):
        parse_design({"focus_areas": [{"key": "networking", "purposes": ["succession"]}]})


def test_duplicate_purpose_is_refused() -> None:
    with pytest.raises(DesignError, match="listed twice"):
        parse_design({"purposes": [{"key": "succession"}, {"key": "succession"}]})


def test_objective_reports_what_keeps_it_from_being_measurable() -> None:
    design = Design.model_validate(
        {"purposes": [{"key": "succession", "objectives": [{"metric": "successors", "target": 6}]}]}
    )
    (_, objective) = design.objectives()[0]
    assert objective.missing() == ["baseline", "due"]


def test_yaml_round_trip_is_lossless(tmp_path: Path) -> None:
    design = store.load(EXAMPLE).design
    assert parse_design(__import__("yaml").safe_load(store.dump(design))) == design


def test_who_saved_is_optional_and_a_misspelling_is_still_refused(tmp_path: Path) -> None:
    old = store.load(EXAMPLE).design  # written before designs recorded who saved them
    assert "updated_by" not in EXAMPLE.read_text() and old.updated_by is None
    assert parse_design({"revision": 3, "updated_by": "Sam"}).updated_by == "Sam"
    (line,) = _problems(tmp_path, "revision: 3\nupdated_bye: Sam\n")
    assert "updated_bye: unknown field" in line


# ------------------------------------------------------------------ sensible ranges


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"matching": {"min_score": ".inf"}}, "matching.min_score", "ordinary number"),
        ({"matching": {"min_score": 101}}, "matching.min_score", "less than or equal to 100"),
        ({"matching": {"weights": {"skills": ".inf"}}}, "matching.weights.skills", "ordinary"),
        ({"matching": {"weights": {"goals": 1e6}}}, "matching.weights.goals", "1000"),
        (
            {"model": {"milestones": [{"name": "Close", "month": ".inf"}]}},
            "model.milestones.0.month",
            "ordinary number",
        ),
        (
            {"model": {"milestones": [{"name": "Close", "month": 10_000_000}]}},
            "model.milestones.0.month",
            "less than or equal to 60",
        ),
        ({"model": {"start_date": "9999-01-01"}}, "model.start_date", "2000 to 2100"),
        ({"model": {"start_date": "0001-01-01"}}, "model.start_date", "2000 to 2100"),
        (
            {"approvals": [{"role": "Sponsor", "date": "2999-05-01"}]},
            "approvals.0.date",
            "2000 to 2100",
        ),
        ({"participation": {"expected_mentees": -3}}, "participation.expected_mentees", "0"),
        ({"risks": [{"risk": f"r{i}"} for i in range(201)]}, "risks", "keep at most 200"),
        (
            {"model": {"milestones": [{"name": f"m{i}", "month": 1} for i in range(61)]}},
            "model.milestones",
            "keep at most 60",
        ),
    ],
)
def test_numbers_dates_and_lists_out_of_range_are_refused_when_the_design_loads(
    data: dict[str, object], field: str, words: str
) -> None:
    import yaml

    text = yaml.safe_dump(data).replace("'.inf'", ".inf")
    with pytest.raises(DesignError) as raised:
        store.parse_bytes(text.encode(), "d.yaml")
    [problem] = raised.value.problems
    assert problem.field == field
    assert words in f"{problem.message}; {problem.fix}"


def test_validate_reports_a_milestone_after_the_end_and_exits_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from workbook.cli import cli

    path = tmp_path / "design.yaml"
    path.write_text(
        "model:\n  duration_months: 10\n  milestones:\n"
        "  - {name: Midpoint, month: 5}\n  - {name: Closure, month: 12}\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert (
        "model.milestones.1.month: [E-milestone-after-end] the milestone 'Closure' is at month "
        "12, after the relationship ends (10 months); move it within the relationship"
    ) in result.stderr
    assert "Traceback" not in result.output
