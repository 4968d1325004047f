"""The coordinator's review file: pins and forbidden pairs, kept beside the exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook.errors import RosterError
from workbook.matching import review


def test_a_new_pin_replaces_the_mentees_old_one_and_a_pair_keeps_its_last_action(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out" / review.FILE
    review.add(path, "e1", "m1", "pin")
    review.add(path, "e1", "m2", "pin")  # e1 now pinned to m2 only
    review.add(path, "e2", "m1", "forbid")
    review.add(path, "e2", "m1", "pin")  # the same pair: pinned now, not forbidden
    review.add(path, "e1", "m3", "forbid")  # forbidding leaves e1's pin alone
    assert review.read_rows(path) == [
        {"mentee_id": "e1", "mentor_id": "m2", "action": "pin"},
        {"mentee_id": "e2", "mentor_id": "m1", "action": "pin"},
        {"mentee_id": "e1", "mentor_id": "m3", "action": "forbid"},
    ]
    read = review.read_review(path)
    assert read.pins == (("e1", "m2"), ("e2", "m1"))
    assert read.forbids == (("e1", "m3"),)
    review.clear(path)
    assert not path.exists() and review.read_rows(path) == []
    review.clear(path)  # clearing nothing is fine


def test_an_unknown_action_is_refused_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / review.FILE
    path.write_text("mentee_id,mentor_id,action\ne1,m1,pin\ne2,m2,keep\n")
    with pytest.raises(RosterError) as raised:
        review.read_review(path)
    [problem] = raised.value.problems
    assert (problem.row, problem.field, problem.value) == (3, "action", "keep")
    assert problem.fix == "write pin or forbid"
