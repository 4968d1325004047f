"""The coordinator's review file: pins and forbidden pairs, kept beside the exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook.errors import InputError, RosterError
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


def test_one_pin_or_forbid_is_removed_and_the_others_stay(tmp_path: Path) -> None:
    path = tmp_path / "out" / review.FILE
    review.add(path, "e1", "m1", "pin")
    review.add(path, "e2", "m1", "forbid")
    assert review.remove(path, "e1", "m1")
    assert review.read_rows(path) == [{"mentee_id": "e2", "mentor_id": "m1", "action": "forbid"}]
    assert not review.remove(path, "e1", "m1")  # not there: nothing changes
    assert review.pinned(path) == {}
    assert review.remove(path, "e2", "m1")
    assert not path.exists()  # the last one gone: no review at all, as after clear


def test_only_the_rosters_mentees_and_mentors_can_be_entered(tmp_path: Path) -> None:
    path = tmp_path / review.FILE
    people = {"mentees": {"e1", "e2"}, "mentors": {"m1"}}
    with pytest.raises(InputError) as raised:
        review.add(path, "m1", "e1", "pin", **people)  # the wrong way round
    assert [p.message for p in raised.value.problems] == [
        "m1 is not a mentee of the roster",
        "e1 is not a mentor of the roster",
    ]
    with pytest.raises(InputError, match="unknown action 'keep'"):
        review.add(path, "e1", "m1", "keep", **people)
    assert not path.exists()
    review.add(path, "e1", "m1", "pin", **people)
    assert review.pinned(path) == {"e1": "m1"}
