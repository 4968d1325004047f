"""Rematching and rolling intake (--keep): the running pairs still allowed are kept as
they are, every other one is listed with why, and only the mentees without a mentor are
matched into the places left, optimally; checked against brute forces on small rosters."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from helpers import matching_design as design
from helpers import objective_key, roster_bytes

from workbook.design import Matching, Weights
from workbook.errors import RosterError
from workbook.matching import match
from workbook.matching.explain import MatchResult, in_words
from workbook.matching.review import Review
from workbook.matching.scoring import SCALE


def running_file(tmp_path: Path, pairs: list[tuple[str, str]], name: str = "running.csv") -> Path:
    """A running program's matches.csv with these (mentee, mentor) pairs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["mentee_id", "mentee_name", "mentor_id", "mentor_name", "score"])
    for a, b in pairs:
        writer.writerow([a, f"Name of {a}", b, f"Name of {b}", "50"])
    path = tmp_path / name
    path.write_text(out.getvalue(), "utf-8")
    return path


def pairs_of(result: MatchResult, kept: bool | None = None) -> set[tuple[str, str]]:
    m = result.matches
    if kept is not None:
        m = m[m["kept"] == kept]
    return set(zip(m["mentee_id"], m["mentor_id"], strict=True))


def running_rows(result: MatchResult) -> dict[tuple[str, str], tuple[str, str]]:
    assert result.running is not None
    return {(r.mentee_id, r.mentor_id): (r.kept, r.why) for r in result.running.itertuples()}


# --------------------------------------------------------------------------- brute force


def random_case(seed: int) -> tuple[bytes, list[tuple[str, str]], dict[str, object]]:
    """A small roster (mentors with capacity 0 to 2, some mentees reporting to a mentor,
    some exclusions) and running pairs among them and people who left."""
    rng = np.random.default_rng(seed)
    skills = ["a", "b", "c", "d"]
    m, n = 3, 6
    rows = ["top,Top,,,9,X,UTC,,,,,,,,"]
    managers: dict[str, str] = {}
    capacity: dict[str, int] = {}
    excludes: dict[str, str] = {}
    for j in range(m):
        offered = ";".join(rng.choice(skills, size=rng.integers(1, 4), replace=False))
        capacity[f"r{j}"] = int(rng.integers(0, 3))
        boss = "top" if j == 0 or rng.random() < 0.6 else f"r{j - 1}"
        managers[f"r{j}"] = boss
        rows.append(f"r{j},R{j},mentor,{boss},{rng.integers(4, 8)},X,UTC,{offered},,,,"
                    f"{capacity[f'r{j}']},,,")  # fmt: skip
    for i in range(n):
        wanted = ";".join(rng.choice(skills, size=rng.integers(1, 3), replace=False))
        boss = f"r{rng.integers(m)}" if rng.random() < 0.3 else "top"
        managers[f"e{i}"] = boss
        exclude = f"r{rng.integers(m)}" if rng.random() < 0.15 else ""
        if exclude:
            excludes[f"e{i}"] = exclude
        rows.append(f"e{i},E{i},mentee,{boss},{rng.integers(1, 5)},X,UTC,,{wanted},,,,,{exclude},")
    mentees = [f"e{i}" for i in range(n)] + ["gone"]
    chosen = rng.choice(mentees, size=4, replace=False)
    # Mostly r0 and r1, so that a mentor often has more running pairs than places.
    mentors = ["r0", "r0", "r1", "r1", "r2", "left"]
    running = [(str(a), str(rng.choice(mentors))) for a in chosen]
    facts = {"managers": managers, "capacity": capacity, "excludes": excludes}
    return roster_bytes(rows), running, facts


def line_of(person: str, managers: dict[str, str]) -> set[str]:
    """Everyone above ``person`` in the reporting line."""
    above, at = set(), managers.get(person)
    while at:
        above.add(at)
        at = managers.get(at)
    return above


def d(objective: str = "coverage", **extra: object):  # type: ignore[no-untyped-def]
    return design(
        weights=Weights(skills=2, seniority=1),
        seniority_min_gap=1,
        min_score=20,
        objective=objective,
        **extra,
    )


@pytest.mark.parametrize("seed", range(16))
def test_the_kept_pairs_are_exactly_the_still_allowed_ones(seed: int, tmp_path: Path) -> None:
    data, running, facts = random_case(seed)
    result = match(d(), data, keep=running_file(tmp_path, running))
    managers: dict[str, str] = facts["managers"]  # type: ignore[assignment]
    capacity: dict[str, int] = facts["capacity"]  # type: ignore[assignment]
    excludes: dict[str, str] = facts["excludes"]  # type: ignore[assignment]
    c = result.scored.criteria
    p = result.scored.pools
    ids = list(p.roster.frame["id"])

    def score(a: str, b: str) -> int:
        i = int(np.flatnonzero(p.roster.frame["id"].to_numpy()[p.mentees] == a)[0])
        j = int(np.flatnonzero(p.roster.frame["id"].to_numpy()[p.mentors] == b)[0])
        return int(np.rint(c.scores(np.array([i]), np.array([j]))[0] * SCALE))

    allowed = [
        (k, a, b)
        for k, (a, b) in enumerate(running)
        if a in ids
        and b in ids
        and b not in line_of(a, managers)
        and a not in line_of(b, managers)
        and excludes.get(a) != b
        and capacity[b] > 0
    ]
    # Places: the running pairs that score highest first, then the file's order.
    expected, load = set(), dict.fromkeys(capacity, 0)
    for _, a, b in sorted(allowed, key=lambda t: (-score(t[1], t[2]), t[0])):
        if load[b] < capacity[b]:
            load[b] += 1
            expected.add((a, b))
    assert pairs_of(result, kept=True) == expected
    rows = running_rows(result)
    assert {k for k, (kept, _) in rows.items() if kept == "yes"} == expected
    assert all(why for k, (kept, why) in rows.items() if kept == "no")  # always a reason
    assert result.summary.kept == len(expected)
    assert result.summary.dropped == len(running) - len(expected)
    load_now = result.matches["mentor_id"].value_counts()
    assert all(load_now.get(b, 0) <= capacity[b] for b in capacity)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("objective", ["coverage", "quality", "fairness"])
def test_the_others_get_the_best_assignment_that_keeps_the_running_pairs(
    seed: int, objective: str, tmp_path: Path
) -> None:
    data, running, _ = random_case(seed)
    result = match(d(objective), data, keep=running_file(tmp_path, running))
    s, p = result.scored, result.scored.pools
    ids = p.roster.frame["id"].to_numpy(dtype=object)
    kept = pairs_of(result, kept=True)
    kept_mentees = {a for a, _ in kept}
    room = p.capacity.copy()
    for _, b in kept:
        room[int(np.flatnonzero(ids[p.mentors] == b)[0])] -= 1
    # Every assignment of the other mentees to allowed pairs within the places left.
    options: dict[int, list[tuple[int, int]]] = {
        i: [(-1, 0)] for i in range(p.n) if ids[p.mentees[i]] not in kept_mentees
    }
    for i, j, sc in zip(s.mentee, s.mentor, s.score, strict=True):
        if int(i) in options:
            options[int(i)].append((int(j), int(sc)))
    best = None
    for choice in itertools.product(*options.values()):
        load = np.bincount([j for j, _ in choice if j >= 0], minlength=p.m)
        if (load > room).any():
            continue
        scores = [sc for j, sc in choice if j >= 0]
        key = objective_key(scores, objective)
        best = key if best is None or key > best else best
    new = result.matches[~result.matches["kept"]]
    got_scores = [round(x * SCALE) for x in new["score"]]
    got = objective_key(got_scores, objective)
    assert got == best
    assert not (set(new["mentee_id"]) & kept_mentees)


# --------------------------------------------------------------------------- cases

ROWS = [
    "top,Top,,,9,D,UTC,,,,,,,,",
    "x,Xi,mentor,top,5,D,UTC,a;b,,,,2,,,",
    "y,Yu,mentor,top,5,D,UTC,a,,,,1,,,",
    "ann,Ann,mentee,x,2,D,UTC,,a;b,,,,,,",
    "bo,Bo,mentee,top,2,D,UTC,,a,,,,,,",
    "cy,Cy,mentee,top,2,D,UTC,,a;b,,,,,,",
]
"""Ann now reports to Xi; Bo and Cy do not."""


def small() -> object:
    return design(weights=Weights(skills=1), min_score=10)


def test_a_mentor_who_became_the_mentees_manager_is_dropped_with_the_reason(
    tmp_path: Path,
) -> None:
    keep = running_file(tmp_path, [("ann", "x"), ("bo", "y")])
    result = match(small(), roster_bytes(ROWS), keep=keep)  # type: ignore[arg-type]
    rows = running_rows(result)
    assert rows[("ann", "x")] == ("no", "the mentor is now in the mentee's reporting line")
    assert rows[("bo", "y")] == ("yes", "")
    # Ann is not matched again: Xi is her manager and Yu's one place is Bo's.
    assert pairs_of(result) == {("bo", "y"), ("cy", "x")}
    assert list(result.unmatched["mentee_id"]) == ["ann"]
    assert "1 running pair was kept. 1 running pair could not be kept" in in_words(result)


def test_a_mentors_remaining_capacity_is_respected(tmp_path: Path) -> None:
    rows = [
        "top,Top,,,9,D,UTC,,,,,,,,",
        "x,Xi,mentor,top,5,D,UTC,a;b,,,,2,,,",
        "y,Yu,mentor,top,5,D,UTC,c,,,,3,,,",
        *(f"n{k},N{k},mentee,top,2,D,UTC,,a;b,,,,,," for k in range(3)),
        "old,Old,mentee,top,2,D,UTC,,c,,,,,,",
    ]
    # Old's running pair with Xi scores 0 (they share nothing): kept, with a note; Xi
    # has one place left for the three newcomers who all score 100 with Xi.
    result = match(small(), roster_bytes(rows), keep=running_file(tmp_path, [("old", "x")]))
    assert (result.matches["mentor_id"] == "x").sum() == 2
    assert pairs_of(result, kept=True) == {("old", "x")}
    kept, why = running_rows(result)[("old", "x")]
    assert kept == "yes"
    assert why == (
        "scores 0/100, under today's minimum score of 10; running pair: kept, since the "
        "minimum is for new pairs"
    )


def test_running_pairs_beyond_a_mentors_capacity_keep_the_best_first(tmp_path: Path) -> None:
    keep = running_file(tmp_path, [("cy", "y"), ("bo", "y")])  # Yu has one place
    result = match(small(), roster_bytes(ROWS), keep=keep)  # type: ignore[arg-type]
    rows = running_rows(result)
    assert rows[("bo", "y")] == ("yes", "")  # Bo wants only a (100); Cy a and b (50)
    kept, why = rows[("cy", "y")]
    assert kept == "no" and why == (
        "the mentor has no capacity left: their only place goes to running pairs that score "
        "as high or higher (pin this pair to keep it instead)"
    )


def test_a_running_pair_whose_place_a_pin_takes_says_so(tmp_path: Path) -> None:
    keep = running_file(tmp_path, [("bo", "y")])  # Yu has one place
    review = Review(pins=(("cy", "y"),))
    result = match(small(), roster_bytes(ROWS), keep=keep, review=review)  # type: ignore[arg-type]
    assert running_rows(result)[("bo", "y")] == (
        "no",
        "the mentor has no capacity left: their only place goes to a mentee the coordinator "
        "pinned to them",
    )


def test_people_who_left_or_changed_role_end_their_pairs(tmp_path: Path) -> None:
    rows = [*ROWS[:3], "ann,Ann,mentor,top,2,D,UTC,a,,,,1,,,", *ROWS[4:]]
    keep = running_file(tmp_path, [("ann", "x"), ("dee", "y"), ("bo", "zed")])
    result = match(small(), roster_bytes(rows), keep=keep)  # type: ignore[arg-type]
    assert running_rows(result) == {
        ("ann", "x"): ("no", "the mentee is in the roster but no longer takes part as a mentee"),
        ("dee", "y"): ("no", "the mentee is no longer in the roster"),
        ("bo", "zed"): ("no", "the mentor is no longer in the roster"),
    }
    assert result.running is not None
    gone = result.running.set_index("mentee_id").loc["dee"]
    assert gone["mentee_name"] == "Name of dee"  # from the file: the roster has no Dee
    assert result.summary.kept == 0 and result.summary.dropped == 3


def test_the_coordinators_review_comes_first(tmp_path: Path) -> None:
    keep = running_file(tmp_path, [("bo", "y"), ("cy", "x")])
    review = Review(pins=(("cy", "y"),), forbids=(("bo", "y"),))
    result = match(small(), roster_bytes(ROWS), keep=keep, review=review)  # type: ignore[arg-type]
    rows = running_rows(result)
    assert rows[("bo", "y")] == ("no", "the coordinator forbade the pair")
    assert rows[("cy", "x")] == ("no", "the coordinator pinned the mentee to another mentor (y)")
    assert ("cy", "y") in pairs_of(result)


def test_a_running_pair_also_pinned_is_kept_once(tmp_path: Path) -> None:
    keep = running_file(tmp_path, [("bo", "y")])
    review = Review(pins=(("bo", "y"),))
    result = match(small(), roster_bytes(ROWS), keep=keep, review=review)  # type: ignore[arg-type]
    m = result.matches.set_index("mentee_id")
    assert list(result.matches["mentee_id"]).count("bo") == 1
    assert bool(m.loc["bo", "kept"]) and not bool(m.loc["bo", "pinned"])
    assert result.summary.kept == 1


def test_a_running_pair_from_the_previous_cohort_too_is_kept_with_a_note(tmp_path: Path) -> None:
    keep = running_file(tmp_path, [("bo", "y")])
    result = match(small(), roster_bytes(ROWS), keep=keep, previous=keep)  # type: ignore[arg-type]
    kept, why = running_rows(result)[("bo", "y")]
    assert kept == "yes" and "previous cohort" in why and "not a repeat" in why


@pytest.mark.skipif(
    "must_have" not in Matching.model_fields, reason="must-have criteria are not in this tree"
)
def test_a_running_pair_failing_a_must_have_is_kept_with_a_note(tmp_path: Path) -> None:
    rows = [*ROWS, "dee,Dee,mentee,top,2,D,UTC,,z,,,,,,"]  # Dee wants what nobody offers
    keep = running_file(tmp_path, [("dee", "x")])
    settings = design(weights=Weights(skills=1), min_score=0, must_have=["skills"])
    result = match(settings, roster_bytes(rows), keep=keep)
    kept, why = running_rows(result)[("dee", "x")]
    assert kept == "yes"
    assert "a must-have rules out for new pairs" in why
    assert ("dee", "x") in pairs_of(result, kept=True)


def test_without_running_pairs_nothing_changes(tmp_path: Path) -> None:
    result = match(small(), roster_bytes(ROWS), tmp_path / "out")  # type: ignore[arg-type]
    assert "kept" not in result.matches and result.running is None
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["kept"] is None and summary["dropped"] is None
    assert not (tmp_path / "out" / "running_pairs.csv").exists()
    header = (tmp_path / "out" / "matches.csv").read_text("utf-8-sig").splitlines()[0]
    assert "kept" not in header.split(",")


def test_the_exports_mark_kept_pairs_and_list_the_running_ones(tmp_path: Path) -> None:
    keep = running_file(tmp_path, [("ann", "x"), ("bo", "y")])
    out = tmp_path / "out"
    match(small(), roster_bytes(ROWS), out, keep=keep)  # type: ignore[arg-type]
    matches = list(csv.DictReader(io.StringIO((out / "matches.csv").read_text("utf-8-sig"))))
    assert {r["mentee_id"]: r["kept"] for r in matches} == {"bo": "yes", "cy": ""}
    running = list(csv.DictReader(io.StringIO((out / "running_pairs.csv").read_text("utf-8-sig"))))
    assert [(r["mentee_id"], r["kept"], r["why"]) for r in running] == [
        ("ann", "no", "the mentor is now in the mentee's reporting line"),
        ("bo", "yes", ""),
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["kept"], summary["dropped"]) == (1, 1)
    from openpyxl import load_workbook

    book = load_workbook(out / "matches.xlsx")
    sheet = book["Running pairs"]
    assert [c.value for c in sheet[1]][-2:] == ["Running pair kept", "Why not kept, or a note"]
    # The next run can keep this run's pairs: its matches.csv is a running pairs file.
    again = match(small(), roster_bytes(ROWS), keep=out / "matches.csv")  # type: ignore[arg-type]
    assert pairs_of(again, kept=True) == {("bo", "y"), ("cy", "x")}


def test_ids_a_spreadsheet_would_read_as_formulas_survive_the_round_trip(tmp_path: Path) -> None:
    # The exports write "-17" as "'-17" so a spreadsheet does not compute it; reading the
    # file back (running pairs, a previous cohort) must find -17 again.
    rows = [
        "=m1,Mo,mentor,,6,D,UTC,a,,,,1,,,",
        "-17,Ann,mentee,,2,D,UTC,,a,,,,,,",
    ]
    d = design(weights=Weights(skills=1))
    first = tmp_path / "first"
    match(d, roster_bytes(rows), first)
    assert "'-17" in (first / "matches.csv").read_text("utf-8-sig")
    again = match(d, roster_bytes(rows), keep=first / "matches.csv")
    assert pairs_of(again, kept=True) == {("-17", "=m1")}
    repeat = design(weights=Weights(skills=1), avoid_repeat_pairs=True)
    fresh = match(repeat, roster_bytes(rows), previous=first / "matches.csv")
    assert fresh.matches.empty  # the only pair is the previous cohort's


# --------------------------------------------------------------------------- the file


def test_a_file_without_the_columns_is_refused_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "running.csv"
    path.write_text("mentee,mentor_id\nann,x\n")
    with pytest.raises(RosterError) as caught:
        match(small(), roster_bytes(ROWS), keep=path)  # type: ignore[arg-type]
    assert caught.value.lines() == [
        f"{path}:1: mentee_id: required column 'mentee_id' is missing; give the matches.csv "
        "that the running program's matching wrote"
    ]


def test_a_mentee_listed_twice_or_an_empty_id_is_refused_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "running.csv"
    path.write_text("mentee_id,mentor_id\nbo,y\ncy,\nbo,x\n")
    with pytest.raises(RosterError) as caught:
        match(small(), roster_bytes(ROWS), tmp_path / "out", keep=path)  # type: ignore[arg-type]
    assert caught.value.lines() == [
        f"{path}:3: mentor_id: is empty; write the mentor's id as the roster writes it, or "
        "remove the row",
        f"{path}:4: mentee_id: the mentee is listed twice (first in row 2) (value 'bo'); keep "
        "one running pair per mentee: remove the row of the pair that ended",
    ]
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- the step


def test_the_step_keeps_an_uploaded_running_pairs_file_and_lists_what_ended(
    tmp_path: Path,
) -> None:
    import datetime as dt
    import shutil

    from helpers import EXAMPLE

    from workbook.ui.matching import MatchingStep

    for name in ("design.yaml", "roster.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)

    def open_step() -> MatchingStep:
        step = MatchingStep.from_params(tmp_path / "design.yaml", output_dir=tmp_path / "out")
        assert isinstance(step, MatchingStep)
        return step

    step = open_step()
    assert step.roster_run.running_file is None  # nothing kept unless asked
    first = step.roster_run.run(raise_errors=True)
    assert first is not None and first.running is None
    running = (tmp_path / "out" / "matches.csv").read_bytes()
    # One mentee's mentor becomes their manager: that running pair must end.
    mentee, mentor = first.matches.iloc[0][["mentee_id", "mentor_id"]]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "roster.csv").read_text("utf-8"))))
    for row in rows:
        if row["id"] == mentee:
            row["manager_id"] = mentor
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (tmp_path / "roster.csv").write_text(out.getvalue(), "utf-8")

    run = open_step().roster_run
    run.running_upload.value = (
        {
            "name": "matches.csv",
            "type": "text/csv",
            "size": len(running),
            "content": memoryview(running),
            "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    assert run.running_file == tmp_path / "running-pairs.csv"
    assert f"the next run keeps its {len(first.matches)} running pairs" in run.running_status.value
    again = run.run(raise_errors=True)
    assert again is not None
    assert again.summary.kept == len(first.matches) - 1 and again.summary.dropped == 1
    shown = run.running_pairs.value
    assert f"{len(first.matches) - 1} of {len(first.matches)} running pairs kept" in shown
    assert "the mentor is now in the mentee&#x27;s reporting line" in shown or (
        "the mentor is now in the mentee's reporting line" in shown
    )
    assert "running pairs were kept" in run.results_view.sentence.value
    assert (tmp_path / "out" / "running_pairs.csv").exists()
    # Coming back: the kept run shows what became of the running pairs, and the file
    # is offered again.
    back = open_step().roster_run
    assert back.running_file == tmp_path / "running-pairs.csv"
    assert "could not be kept" in back.running_pairs.value
    assert "running pair(s) kept" in back.summary.value
    assert "running_pairs.csv" in back.downloads.value


def test_a_bad_running_pairs_upload_is_refused_in_words(tmp_path: Path) -> None:
    import datetime as dt
    import shutil

    from helpers import EXAMPLE

    from workbook.ui.matching import MatchingStep

    for name in ("design.yaml", "roster.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    step = MatchingStep.from_params(tmp_path / "design.yaml", output_dir=tmp_path / "out")
    assert isinstance(step, MatchingStep)
    bad = b"mentee_id,mentor_id\nP1,P2\nP1,P3\n"
    step.roster_run.running_upload.value = (
        {
            "name": "running.csv",
            "type": "text/csv",
            "size": len(bad),
            "content": memoryview(bad),
            "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    status = step.roster_run.running_status.value
    assert "running.csv was not used." in status
    assert "running.csv:3: mentee_id: the mentee is listed twice (first in row 2)" in status
    assert step.roster_run.running_file is None
    assert not (tmp_path / "running-pairs.csv").exists()


def test_the_notebook_takes_a_keep_path(tmp_path: Path, run_notebook) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from helpers import EXAMPLE

    for name in ("design.yaml", "roster.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    keep = running_file(tmp_path, [("P000054", "P000041"), ("nobody", "P000041")])
    run_notebook(
        "05_matching.ipynb",
        {
            "design_path": str(tmp_path / "design.yaml"),
            "roster_path": str(tmp_path / "roster.csv"),
            "output_dir": str(tmp_path / "out"),
            "keep_path": str(keep),
            "run": True,
        },
    )
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (summary["kept"], summary["dropped"]) == (1, 1)
    matches = list(
        csv.DictReader(io.StringIO((tmp_path / "out" / "matches.csv").read_text("utf-8-sig")))
    )
    assert {r["mentee_id"]: r["mentor_id"] for r in matches}["P000054"] == "P000041"


def test_why_not_answers_about_the_run_that_kept_the_running_pairs(tmp_path: Path) -> None:
    from workbook.matching.whynot import in_words as in_words_why
    from workbook.matching.whynot import why_not

    rows = [
        "x,Xi,mentor,,6,D,UTC,a;b,,,,1,,,",
        "y,Yu,mentor,,6,D,UTC,a,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a;b,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,a,,,,,,",
    ]
    plain = design(weights=Weights(skills=1))
    # Without running pairs Ann has Xi (100) and Bo Yu (100); Bo's running pair is Xi.
    assert why_not(plain, roster_bytes(rows), "bo", "x").current == "y"
    running = running_file(tmp_path, [("bo", "x")])
    answer = why_not(plain, roster_bytes(rows), "ann", "x", running=running)
    assert answer.current == "y" and answer.blocked == ()
    forced = answer.forced
    assert forced is not None
    # Forcing Ann with Xi ends Bo's running pair: Bo moves to Yu's place, which Ann leaves.
    assert forced.moved == ("bo",) and forced.lost == () and forced.ended == ("bo",)
    assert in_words_why(answer)[-1] == "- the running pairs of these mentees would end: bo"


def test_a_mentee_whose_mentors_places_are_held_hears_by_whom(tmp_path: Path) -> None:
    rows = [
        "x,Xi,mentor,,6,D,UTC,a,,,,1,,,",
        "ann,Ann,mentee,,2,D,UTC,,a,,,,,,",
        "bo,Bo,mentee,,2,D,UTC,,a,,,,,,",
    ]
    d = design(weights=Weights(skills=1))
    pinned = match(d, roster_bytes(rows), review=Review(pins=(("ann", "x"),)))
    assert pinned.unmatched.reason.tolist() == [
        "the one mentor who fits has no place left: it is taken by mentees the coordinator "
        "pinned to them"
    ]
    running = match(d, roster_bytes(rows), keep=running_file(tmp_path, [("bo", "x")]))
    assert running.unmatched.reason.tolist() == [
        "the one mentor who fits has no place left: it is taken by running pairs the run kept"
    ]
    # Without either, the place goes where the best assignment puts it.
    plain = match(d, roster_bytes(rows))
    assert plain.unmatched.reason.iloc[0].startswith("the one mentor who fits is at capacity")
