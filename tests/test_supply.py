"""Supply planning: the fewest more mentors, checked against trying every small
combination of profiles; one more place per mentor, checked against solving each by
brute force; a roster of mentees alone; no mentee named in the plan."""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import EXAMPLE, roster_bytes
from helpers import matching_design as design
from test_matching import brute_force, random_instance

from workbook.design import Design, Weights
from workbook.errors import MatchingError, RosterError
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.review import Review
from workbook.matching.roster import load_roster
from workbook.matching.scoring import score_pairs
from workbook.matching.solver import solve
from workbook.matching.supply import in_words, plan_supply, to_json

ZONES = ["Europe/London", "Asia/Tokyo", "America/New_York"]
SKILLS = ["a", "b", "c"]


def matched_with(d: Design, rows: list[str], added: list[str]) -> int:
    """Mentees the roster matches (coverage) with these mentor rows added, solved by
    enumerating every assignment."""
    data = roster_bytes([*rows, *added])
    roster = load_roster(data, d.matching)
    if not roster.is_mentor.any():
        return 0
    scored = score_pairs(build_pools(roster, Settings.from_design(d)))
    return brute_force(scored, "coverage")[0]


def fewest(d: Design, rows: list[str], profiles: list[str], cap: int, n: int) -> tuple[int, int]:
    """(the most mentees new mentors can get matched, the fewest new mentors that do it),
    trying every combination of ``profiles`` (a row's tail after id, name, role and
    manager) of growing size."""

    def row(k: int, tail: str) -> str:
        return f"new{k},New {k},mentor,,{tail}"

    plenty = [row(k, p) for k, p in enumerate(profiles * math.ceil(n / cap))]
    target = matched_with(d, rows, plenty)
    for size in range(n + 1):
        for combo in itertools.combinations_with_replacement(profiles, size):
            added = [row(k, p) for k, p in enumerate(combo)]
            if matched_with(d, rows, added) >= target:
                return target, size
    raise AssertionError("unreachable: the plenty of profiles reaches the target")


def zoned(seed: int, with_mentors: bool = True) -> tuple[Design, list[str], int]:
    """Mentees and a few mentors in three far-apart time zones; a pair needs the same
    zone and half the skills wanted (time zone and skills weigh the same, minimum 60);
    some mentees report to a mentor (never matched with them)."""
    rng = np.random.default_rng(seed)
    cap = int(rng.integers(1, 3))
    rows = ["top,Top,,,9,X,UTC,,,,,,,,"]
    mentors = int(rng.integers(1, 3)) if with_mentors else 0
    for j in range(mentors):
        offered = ";".join(rng.choice(SKILLS, size=rng.integers(1, 3), replace=False))
        zone = ZONES[rng.integers(3)]
        rows.append(f"r{j},R{j},mentor,top,5,X,{zone},{offered},,,,{rng.integers(1, 3)},,,")
    n = int(rng.integers(3, 6))
    for i in range(n):
        wanted = ";".join(rng.choice(SKILLS, size=rng.integers(1, 3), replace=False))
        boss = f"r{rng.integers(mentors)}" if mentors and rng.random() < 0.3 else "top"
        rows.append(f"e{i},E{i},mentee,{boss},2,X,{ZONES[rng.integers(3)]},,{wanted},,,,,,")
    d = design(
        weights=Weights(skills=1, timezone=1), max_timezone_hours=2, min_score=60, capacity=cap
    )
    return d, rows, cap


@pytest.mark.parametrize("seed", range(10))
def test_the_plan_has_the_fewest_mentors_of_every_combination_of_profiles(seed: int) -> None:
    d, rows, cap = zoned(seed)
    n = sum(",mentee," in r for r in rows)
    profiles = [f"5,X,{zone},a;b;c,,,,{cap},,," for zone in ZONES]
    target, size = fewest(d, rows, profiles, cap, n)
    plan = plan_supply(d, roster_bytes(rows))
    assert (plan.target, len(plan.profiles)) == (target, size)
    assert plan.fewest
    assert plan.matched_after == target  # solved again with the planned mentors added
    for profile in plan.profiles:
        assert profile.timezone in ZONES and profile.capacity == cap
        assert 1 <= profile.mentees <= cap


@pytest.mark.parametrize("seed", range(4))
def test_a_roster_of_mentees_alone_gets_the_fewest_mentors(seed: int) -> None:
    d, rows, cap = zoned(seed, with_mentors=False)
    n = len(rows) - 1
    profiles = [f"5,X,{zone},a;b;c,,,,{cap},,," for zone in ZONES]
    target, size = fewest(d, rows, profiles, cap, n)
    assert target == n  # a tailored mentor reaches anyone here
    plan = plan_supply(d, roster_bytes(rows))
    assert (plan.mentors, plan.matched_now, len(plan.profiles)) == (0, 0, size)
    assert plan.matched_after == n and plan.fewest


def seniority_rows(seed: int) -> tuple[Design, list[str]]:
    """Levels matter in full: a mentor one or two levels above (minimum 80 with skills
    and seniority weighing the same, so half the seniority is never enough)."""
    rng = np.random.default_rng(100 + seed)
    rows = ["top,Top,,,9,X,UTC,,,,,,,,"]
    for j in range(int(rng.integers(0, 2))):
        rows.append(f"r{j},R{j},mentor,top,{rng.integers(2, 8)},X,UTC,a;b,,,,1,,,")
    for i in range(int(rng.integers(3, 6))):
        rows.append(f"e{i},E{i},mentee,top,{rng.integers(1, 7)},X,UTC,,a,,,,,,")
    d = design(
        weights=Weights(skills=1, seniority=1),
        seniority_min_gap=1,
        seniority_max_gap=2,
        min_score=80,
        capacity=2,
    )
    return d, rows


@pytest.mark.parametrize("seed", range(4))
def test_the_planned_levels_need_no_more_mentors_than_any_levels_would(seed: int) -> None:
    d, rows = seniority_rows(seed)
    n = sum(",mentee," in r for r in rows)
    profiles = [f"{level},X,UTC,a;b,,,,2,,," for level in range(1, 10)]
    target, size = fewest(d, rows, profiles, 2, n)
    plan = plan_supply(d, roster_bytes(rows))
    assert (plan.target, len(plan.profiles), plan.fewest) == (target, size, True)
    assert all(p.level is not None for p in plan.profiles)


def test_one_mentor_in_the_middle_zone_serves_a_chain_of_zones() -> None:
    """Three mentees in zones an hour apart: one mentor of capacity 3 in the middle zone
    is within an hour of all three; a mentor in either end zone is not."""
    rows = [
        "a,A,mentee,,2,X,Europe/London,,s,,,,,,",
        "b,B,mentee,,2,X,Europe/Paris,,s,,,,,,",
        "c,C,mentee,,2,X,Europe/Helsinki,,s,,,,,,",
    ]
    d = design(
        weights=Weights(skills=1, timezone=1), max_timezone_hours=1, min_score=60, capacity=3
    )
    plan = plan_supply(d, roster_bytes(rows))
    assert len(plan.profiles) == 1 and plan.fewest and plan.matched_after == 3
    assert plan.profiles[0].timezone == "Europe/Paris"


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("objective", ["coverage", "quality", "fairness"])
def test_one_more_place_is_what_solving_again_by_brute_force_gives(
    seed: int, objective: str
) -> None:
    d, data = random_instance(seed, n=6, m=3)
    plan = plan_supply(d, data, objective=objective)  # type: ignore[arg-type]
    roster = load_roster(data, d.matching)
    settings = Settings.from_design(d)

    def best(capacity: np.ndarray) -> tuple[int, int]:
        pools = build_pools(roster, settings)
        pools.capacity = capacity
        key = brute_force(score_pairs(pools), objective)  # the objective's order
        return (key[1], key[0]) if objective == "quality" else (key[0], key[-1])

    base_pools = build_pools(roster, settings)
    before = best(base_pools.capacity.copy())
    ids = roster.frame["id"].to_numpy(dtype=object)[base_pools.mentors]
    expected = set()
    for j in range(base_pools.m):
        if base_pools.capacity[j] <= 0:
            continue  # a mentor who takes nobody this time is not asked
        capacity = base_pools.capacity.copy()
        capacity[j] += 1
        after = best(capacity)
        if after != before:
            expected.add((ids[j], after[0] - before[0], round((after[1] - before[1]) / 1000, 3)))
    got = {(e.mentor, e.matched, e.total) for e in plan.capacity_effects}
    assert got == expected
    order = [(-e.matched, -e.total) for e in plan.capacity_effects]
    assert order == sorted(order)


def test_mentees_no_new_mentor_could_match_are_counted_with_why() -> None:
    """A new mentor is nobody's own choice: with the mentee's choices weighing three
    times the skills, the best a new mentor reaches is 25, under the minimum of 30."""
    rows = [
        "x,Xi,mentor,,5,X,UTC,a,,,,1,,,",
        "ann,Ann,mentee,,2,X,UTC,,a,,,,x,,",
        "bo,Bo,mentee,,2,X,UTC,,a,,,,x,,",
        "cy,Cy,mentee,,2,X,UTC,,b,,,,,,",
    ]
    d = design(weights=Weights(skills=1, preferences=3), min_score=30)
    plan = plan_supply(d, roster_bytes(rows))
    assert plan.matched_now == 1 and plan.target == 1 and not plan.profiles
    assert [n for _, n in plan.out_of_reach] == [2]
    words = "\n".join(in_words(plan))
    assert "No new mentor would match more mentees" in words
    assert "2 mentees could not be matched by any new mentor" in words
    assert "25/100, under the minimum score of 30" in words


def test_the_plan_names_no_mentee_and_says_recruits_are_outside_reporting_lines() -> None:
    d, rows, _ = zoned(3)
    plan = plan_supply(d, roster_bytes(rows))
    assert plan.profiles
    words = "\n".join(in_words(plan))
    text = words + json.dumps(to_json(plan))
    for person in ("e0", "E0", "e1", "E1", "e2", "E2"):
        assert f" {person}" not in text and f'"{person}"' not in text
    assert "outside every mentee's reporting line" in words
    assert to_json(plan)["recruits_outside_reporting_lines"] is True


def test_a_mentee_only_roster_may_leave_out_the_skills_offered_column() -> None:
    data = b"id,name,role,manager_id,skills_wanted\na,A,mentee,,x\nb,B,mentee,,y\n"
    plan = plan_supply(design(weights=Weights(skills=1), capacity=2), data)
    assert len(plan.profiles) == 1 and plan.matched_after == 2
    assert set(plan.profiles[0].skills) == {"x", "y"}
    with_mentor = data + b"c,C,mentor,,\n"
    with pytest.raises(RosterError, match="skills_offered"):
        plan_supply(design(weights=Weights(skills=1)), with_mentor)


def test_a_roster_without_mentees_and_a_capacity_under_one_are_refused() -> None:
    d = design(weights=Weights(skills=1))
    with pytest.raises(MatchingError, match="no mentees"):
        plan_supply(d, roster_bytes(["x,Xi,mentor,,5,X,UTC,a,,,,1,,,"]))
    with pytest.raises(MatchingError, match="at least 1"):
        plan_supply(d, roster_bytes(["a,A,mentee,,2,X,UTC,,a,,,,,,"]), capacity=0)


def test_a_must_have_time_zone_places_every_new_mentor_near_their_mentees() -> None:
    """The time zone weighs nothing but is a must-have (within 2 hours): each new mentor
    takes a zone, and the check solves with the must-have in force."""
    rows = [
        "a,A,mentee,,2,X,Europe/London,,s,,,,,,",
        "b,B,mentee,,2,X,Asia/Tokyo,,s,,,,,,",
        "c,C,mentee,,2,X,Asia/Tokyo,,t,,,,,,",
    ]
    d = design(weights=Weights(skills=1), must_have=["timezone"], max_timezone_hours=2, capacity=3)
    plan = plan_supply(d, roster_bytes(rows))
    zones = sorted((p.timezone, p.mentees) for p in plan.profiles)
    assert zones == [("Asia/Tokyo", 2), ("Europe/London", 1)]
    assert plan.matched_after == 3 and plan.fewest and plan.proof == "search"


def test_a_must_have_no_new_mentor_can_meet_leaves_mentees_out_of_reach() -> None:
    """The mentee's own choice as a must-have: nobody has chosen a mentor not yet
    recruited."""
    rows = [
        "x,Xi,mentor,,5,X,UTC,a,,,,1,,,",
        "ann,Ann,mentee,,2,X,UTC,,a,,,,x,,",
        "bo,Bo,mentee,,2,X,UTC,,a,,,,,,",
    ]
    d = design(weights=Weights(skills=1), must_have=["preferences"])
    plan = plan_supply(d, roster_bytes(rows))
    assert (plan.matched_now, plan.target, len(plan.profiles)) == (1, 1, 0)
    assert plan.out_of_reach == (
        ("a must-have a new mentor cannot meet (such as being the mentee's own choice)", 1),
    )


# ---------------------------------------------------------------- the step's panel


def example_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((EXAMPLE / "roster.csv").read_text("utf-8"))))


def mentees_alone() -> str:
    """The example roster before mentors are recruited: its mentors take no part (they
    stay for the reporting lines), and whoever was both is a mentee."""
    rows = example_rows()
    for row in rows:
        row["role"] = {"mentor": "", "both": "mentee"}.get(row["role"], row["role"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_the_steps_panel_plans_for_the_roster_picked_with_its_capacity(tmp_path: Path) -> None:
    """Widgets without a kernel: the example's mentees alone, 4 then 8 per new mentor."""
    from workbook.ui.matching import MatchingStep

    shutil.copy(EXAMPLE / "design.yaml", tmp_path / "design.yaml")
    (tmp_path / "roster.csv").write_text(mentees_alone(), encoding="utf-8")
    step = MatchingStep.from_params(
        tmp_path / "design.yaml", roster_path=tmp_path / "roster.csv", output_dir=tmp_path / "out"
    )
    panel = step.roster_run.supply_panel  # type: ignore[attr-defined]
    for capacity, needed in ((4, 16), (8, 8)):
        panel.capacity.value = capacity
        panel.button.click()  # works in the background, as the page keeps answering
        assert panel.wait(60)
        answer = html.unescape(panel.answer.value)
        assert f"{needed} more mentors would match every mentee" in answer
        assert answer.count("<li>") == needed
    assert not (tmp_path / "out").exists()  # nothing written


def test_the_steps_panel_shows_a_refused_roster_in_words(tmp_path: Path) -> None:
    from workbook.ui.matching import MatchingStep

    shutil.copy(EXAMPLE / "design.yaml", tmp_path / "design.yaml")
    (tmp_path / "roster.csv").write_text("id,name,role,manager_id\na,A,boss,\n", encoding="utf-8")
    step = MatchingStep.from_params(
        tmp_path / "design.yaml", roster_path=tmp_path / "roster.csv", output_dir=tmp_path / "out"
    )
    panel = step.roster_run.supply_panel  # type: ignore[attr-defined]
    assert panel.run() == []
    answer = html.unescape(panel.answer.value)
    assert "unknown role" in answer and "Traceback" not in answer


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("objective", ["coverage", "quality"])
def test_one_more_place_with_pins_and_forbids_is_what_solving_again_gives(
    seed: int, objective: str
) -> None:
    """The coordinator's review holds: a pinned mentee stays, a forbidden pair is never
    made; each mentor's extra place against the exact solver run once per mentor."""
    d, data = random_instance(seed, n=12, m=5)
    roster = load_roster(data, d.matching)
    settings = Settings.from_design(d)
    scored = score_pairs(build_pools(roster, settings))
    ids = roster.frame["id"].to_numpy(dtype=object)
    p = scored.pools
    first, second = 0, len(scored) // 2
    review = Review(
        pins=((ids[p.mentees[scored.mentee[first]]], ids[p.mentors[scored.mentor[first]]]),),
        forbids=((ids[p.mentees[scored.mentee[second]]], ids[p.mentors[scored.mentor[second]]]),),
    )
    plan = plan_supply(d, data, objective=objective, review=review)  # type: ignore[arg-type]
    reviewed = score_pairs(build_pools(roster, settings, review))
    before = solve(reviewed, objective)  # type: ignore[arg-type]
    expected = set()
    for j in range(reviewed.pools.m):
        if reviewed.pools.capacity[j] <= 0:
            continue
        capacity = reviewed.pools.capacity.copy()
        capacity[j] += 1
        pools = build_pools(roster, settings, review)
        pools.capacity = capacity
        after = solve(score_pairs(pools), objective)  # type: ignore[arg-type]
        change = (
            len(after.mentee) - len(before.mentee),
            int(after.score.sum() - before.score.sum()),
        )
        if change != (0, 0):
            expected.add((ids[p.mentors[j]], change[0], round(change[1] / 1000, 3)))
    assert {(e.mentor, e.matched, e.total) for e in plan.capacity_effects} == expected


def test_every_smaller_combination_is_tried_when_the_first_cover_is_not_the_fewest() -> None:
    """Zones an hour apart in a row (London, Paris, Helsinki, Moscow, Dubai), a pair
    within an hour: taking the most mentees first (three near Helsinki) leaves London and
    Dubai apart, three mentors; Paris and Moscow take all six with two."""
    zones = ["Asia/Dubai", "Europe/Helsinki", "Europe/Moscow", "Europe/London"]
    zones += ["Europe/Helsinki", "Europe/Paris"]
    rows = [f"e{i},E{i},mentee,,2,X,{zone},,s,,,,,," for i, zone in enumerate(zones)]
    d = design(
        weights=Weights(skills=1, timezone=1), max_timezone_hours=1, min_score=60, capacity=3
    )
    every_zone = sorted(set(zones))
    profiles = [f"5,X,{zone},s,,,,3,,," for zone in every_zone]
    target, size = fewest(d, rows, profiles, 3, len(rows))
    assert (target, size) == (6, 2)
    plan = plan_supply(d, roster_bytes(rows))
    assert (len(plan.profiles), plan.proof, plan.matched_after) == (2, "search", 6)
    assert sorted(p.timezone or "" for p in plan.profiles) == ["Europe/Moscow", "Europe/Paris"]


def test_a_weighed_time_zone_puts_each_new_mentor_in_their_mentees_zone() -> None:
    """Time zone is weighed, not required, and the minimum score lets any candidate serve
    anyone: candidates then serve the same mentees, and each new mentor must still take
    the zone of the mentees they are for (they all took the first mentee's)."""
    rows = [
        "a,A,mentee,,2,X,America/Chicago,,s,,en,,,,",
        "b,B,mentee,,2,X,Europe/Warsaw,,s,,pl,,,,",
        "c,C,mentee,,2,X,Asia/Tokyo,,s,,ja,,,,",
    ]
    d = design(weights=Weights(skills=1, timezone=1, language=1), capacity=1)
    plan = plan_supply(d, roster_bytes(rows))
    assert sorted((p.timezone, p.languages) for p in plan.profiles) == [
        ("America/Chicago", ("en",)),
        ("Asia/Tokyo", ("ja",)),
        ("Europe/Warsaw", ("pl",)),
    ]
    assert plan.matched_after == 3 and plan.lowest_after == 100.0


def test_a_new_mentor_for_two_mentees_speaks_a_language_of_each() -> None:
    rows = [
        "a,A,mentee,,2,X,UTC,,s,,pl,,,,",
        "b,B,mentee,,2,X,UTC,,s,,es,,,,",
    ]
    d = design(weights=Weights(skills=1), must_have=["language"], capacity=2)
    plan = plan_supply(d, roster_bytes(rows))
    (profile,) = plan.profiles
    assert set(profile.languages) == {"pl", "es"}
    assert "speaking es and pl" in profile.describe() or "speaking pl and es" in profile.describe()
