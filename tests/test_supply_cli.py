"""`workbook plan-supply`: the plan in words or JSON; a bad roster is one line per
problem and exit 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner
from helpers import matching_design, roster_bytes

from workbook import store
from workbook.cli import cli
from workbook.design import Weights

ROWS = [
    "top,Top,,,9,X,UTC,,,,,,,,",
    "x,Xi,mentor,top,5,X,Europe/London,a;b,,,,1,,,",
    "ann,Ann,mentee,top,2,X,Europe/London,,a;b,,,,,,",
    "bo,Bo,mentee,top,2,X,Asia/Tokyo,,c,,,,,,",
    "cy,Cy,mentee,top,2,X,Asia/Tokyo,,c;d,,,,,,",
    "di,Di,mentee,top,2,X,Europe/London,,a,,,,,,",
]
"""Xi (one place) takes one of the two mentees in London; two mentees in Tokyo and one
in London are left: with two mentees per new mentor, two new mentors, one a zone. One
more place with Xi would match the other Londoner."""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def files(tmp_path: Path, rows: list[str]) -> tuple[Path, Path]:
    design = tmp_path / "design.yaml"
    d = matching_design(
        weights=Weights(skills=1, timezone=1), max_timezone_hours=2, min_score=60, capacity=2
    )
    store.save(d, store.create(design, "Pilot"))
    roster = tmp_path / "roster.csv"
    roster.write_bytes(roster_bytes(rows))
    return design, roster


def test_plan_supply_prints_the_plan_in_words(tmp_path: Path) -> None:
    design, roster = files(tmp_path, ROWS)
    code, out, err = run("plan-supply", str(design), str(roster))
    assert code == 0, err
    lines = out.splitlines()
    assert (
        lines[0]
        == "The roster has 4 mentees and 1 mentor; its mentors match 1 of the 4 mentees now."
    )
    assert lines[1].startswith(
        "2 more mentors would match every mentee at or above the minimum score of 60"
    )
    profiles = [line for line in lines if line.startswith("- New mentor")]
    assert len(profiles) == 2
    assert any("Asia/Tokyo" in p and "offering c, d" in p for p in profiles)
    assert any("Europe/London" in p and "offering a" in p for p in profiles)
    assert "That is the fewest possible" in out
    assert "outside every mentee's reporting line" in out
    assert "Checked: matching the roster again with them added gives 4 of 4 mentees a mentor" in out
    assert "- x: 1 more mentee would have a mentor; the total of the match scores would rise" in out
    named = set(re.findall(r"\w+", out.casefold())) & {"ann", "bo", "cy", "di"}
    assert not named  # the plan is for recruiters: no mentee named
    assert not list(tmp_path.glob("*.json"))  # nothing written


def test_plan_supply_json_for_machines(tmp_path: Path) -> None:
    design, roster = files(tmp_path, ROWS)
    code, out, _ = run("plan-supply", str(design), str(roster), "--json", "--capacity", "3")
    assert code == 0
    plan = json.loads(out)
    assert plan["new_mentor_capacity"] == 3
    assert plan["new_mentors"] == len(plan["profiles"]) == 2  # one per zone still
    assert plan["matched_with_plan"] == plan["mentees"] == 4
    assert plan["fewest"] is True and plan["recruits_outside_reporting_lines"] is True
    assert {p["timezone"] for p in plan["profiles"]} == {"Europe/London", "Asia/Tokyo"}
    assert [e["mentor_id"] for e in plan["capacity_effects"]] == ["x"]


def test_plan_supply_on_mentees_alone(tmp_path: Path) -> None:
    design, roster = files(tmp_path, [r for r in ROWS if ",mentor," not in r])
    code, out, err = run("plan-supply", str(design), str(roster))
    assert code == 0, err
    assert "no mentor is recruited yet" in out
    assert "2 more mentors would match every mentee" in out


def test_a_bad_roster_is_one_line_per_problem_and_exit_2(tmp_path: Path) -> None:
    design, roster = files(tmp_path, [*ROWS, "eve,Eve,mentee,top,two,X,UTC,,a,,,,,,"])
    code, out, err = run("plan-supply", str(design), str(roster))
    assert code == 2 and not out
    assert err.strip().splitlines() == [
        f"{roster}:8: level: level is not a whole number (value 'two'); "
        "write the seniority as 1, 2, 3 ..."
    ]


def test_a_capacity_of_zero_is_refused_by_the_option(tmp_path: Path) -> None:
    design, roster = files(tmp_path, ROWS)
    code, _, err = run("plan-supply", str(design), str(roster), "--capacity", "0")
    assert code == 2 and "--capacity" in err


def test_a_previous_cohort_is_needed_only_once_there_are_mentors(tmp_path: Path) -> None:
    """A design that avoids repeating pairs needs the previous cohort's matches to plan
    around its mentors; before any mentor is recruited there is nothing to repeat."""
    design, roster = files(tmp_path, ROWS)
    snapshot = store.load(design)
    matching = snapshot.design.matching.model_copy(update={"avoid_repeat_pairs": True})
    store.save(snapshot.design.model_copy(update={"matching": matching}), snapshot)
    code, out, err = run("plan-supply", str(design), str(roster))
    assert code == 2 and not out
    assert len(err.strip().splitlines()) == 1 and "previous matches file" in err
    alone = tmp_path / "alone.csv"
    alone.write_bytes(roster_bytes([r for r in ROWS if ",mentor," not in r]))
    code, out, err = run("plan-supply", str(design), str(alone))
    assert code == 0, err
    assert "2 more mentors would match every mentee" in out
