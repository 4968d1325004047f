"""Equity of a matching run: match rate and mean score per group of a roster column,
nothing about fewer than five people, and the four-fifths warning."""

from __future__ import annotations

import pytest
from helpers import matching_design as design
from helpers import roster_bytes

from workbook.design import Weights
from workbook.matching import match
from workbook.matching.equity import POOLED, equity


def roster(groups: dict[str, tuple[int, int]], mentors: int) -> bytes:
    """Mentees per site: (how many want the skill a mentor offers, how many want one
    nobody offers, so they cannot be matched); ``mentors`` mentors of capacity 3."""
    rows = [f"m{j},M{j},mentor,,6,D,UTC,a,,,,3,,,X" for j in range(mentors)]
    for site, (can, cannot) in groups.items():
        for i in range(can):
            rows.append(f"{site}{i},{site}{i},mentee,,2,D,UTC,,a,,,,,,{site}")
        for i in range(cannot):
            rows.append(f"{site}x{i},{site}x{i},mentee,,2,D,UTC,,z,,,,,,{site}")
    return roster_bytes(rows)


def run(groups: dict[str, tuple[int, int]], mentors: int = 20):  # type: ignore[no-untyped-def]
    d = design(weights=Weights(skills=1), min_score=10)
    return match(d, roster(groups, mentors))


def test_each_group_of_five_or_more_with_its_rate_and_mean() -> None:
    found = equity(run({"north": (8, 2), "south": (5, 0)}), "site")
    assert found is not None and found.column == "site" and found.hidden == 0
    rows = {g.group: (g.mentees, g.matched, g.match_rate, g.mean_score) for g in found.groups}
    assert rows == {"north": (10, 8, 0.8, 100.0), "south": (5, 5, 1.0, 100.0)}
    assert found.warnings == ()  # 80% is exactly four fifths of 100%: not under it


def test_a_group_under_four_fifths_of_the_best_is_named() -> None:
    found = equity(run({"north": (7, 3), "south": (6, 0)}), "site")
    assert found is not None
    (warning,) = found.warnings
    assert warning.startswith(
        "north (site): 70% of its mentees were matched, under four fifths of south's 100%"
    )


def test_small_groups_are_pooled_or_hidden_never_shown_alone() -> None:
    found = equity(run({"north": (6, 0), "east": (2, 1), "west": (3, 0)}), "site")
    assert found is not None
    assert [g.group for g in found.groups] == ["north", POOLED]
    pooled = found.groups[1]
    assert (pooled.mentees, pooled.matched) == (6, 5)
    alone = equity(run({"north": (6, 0), "east": (3, 0)}), "site")
    assert alone is not None
    assert [g.group for g in alone.groups] == ["north"] and alone.hidden == 3


def test_a_mean_score_needs_five_matched() -> None:
    found = equity(run({"north": (4, 4), "south": (6, 0)}), "site")
    assert found is not None
    north = next(g for g in found.groups if g.group == "north")
    assert (north.mentees, north.matched, north.mean_score) == (8, 4, None)


@pytest.mark.parametrize("column", [None, "", "no_such_column"])
def test_no_column_no_view(column: str | None) -> None:
    assert equity(run({"north": (5, 0)}), column) is None
