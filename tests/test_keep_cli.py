"""workbook match --keep MATCHES.csv: the running pairs still allowed stay, the others
are listed with why, the exports say which pairs were kept; a bad file exits 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from helpers import matching_design, roster_bytes

from workbook import store
from workbook.cli import cli
from workbook.design import Weights

ROWS = [
    "top,Top,,,9,D,UTC,,,,,,,,",
    "x,Xi,mentor,top,5,D,UTC,a;b,,,,2,,,",
    "y,Yu,mentor,top,5,D,UTC,a,,,,1,,,",
    "ann,Ann,mentee,x,2,D,UTC,,a;b,,,,,,",
    "bo,Bo,mentee,top,2,D,UTC,,a,,,,,,",
    "cy,Cy,mentee,top,2,D,UTC,,a;b,,,,,,",
]
"""Ann now reports to Xi (her running pair with Xi must end); Cy is a newcomer."""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def setup(tmp_path: Path, running: str) -> tuple[Path, Path, Path]:
    design = tmp_path / "design.yaml"
    store.create(design, "Keep")
    loaded = store.load(design)
    settings = matching_design(weights=Weights(skills=1), min_score=10)
    store.save(
        loaded.design.model_copy(
            update={
                "matching": settings.matching,
                "participation": settings.participation,
            }
        ),
        loaded,
    )
    roster = tmp_path / "roster.csv"
    roster.write_bytes(roster_bytes(ROWS))
    keep = tmp_path / "running.csv"
    keep.write_text(running)
    return design, roster, keep


def read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))


def test_keep_keeps_the_allowed_pairs_and_says_why_the_others_end(tmp_path: Path) -> None:
    design, roster, keep = setup(tmp_path, "mentee_id,mentor_id\nann,x\nbo,y\n")
    out = tmp_path / "out"
    code, stdout, stderr = run(
        "match", str(design), str(roster), "-o", str(out), "--keep", str(keep)
    )
    assert code == 0, stderr
    assert f"{out}: kept 1 running pair(s); 1 could not be kept" in stdout
    assert "not kept: ann with x: the mentor is now in the mentee's reporting line" in stdout
    matches = {r["mentee_id"]: (r["mentor_id"], r["kept"]) for r in read(out / "matches.csv")}
    assert matches == {"bo": ("y", "yes"), "cy": ("x", "")}
    assert [(r["mentee_id"], r["kept"], r["why"]) for r in read(out / "running_pairs.csv")] == [
        ("ann", "no", "the mentor is now in the mentee's reporting line"),
        ("bo", "yes", ""),
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["kept"], summary["dropped"], summary["matched"]) == (1, 1, 2)


def test_keep_with_its_own_output_keeps_every_pair(tmp_path: Path) -> None:
    """A rolling intake: the next run keeps this run's matches.csv as it stands."""
    design, roster, keep = setup(tmp_path, "mentee_id,mentor_id\nbo,y\n")
    first, second = tmp_path / "first", tmp_path / "second"
    assert run("match", str(design), str(roster), "-o", str(first), "--keep", str(keep))[0] == 0
    code, stdout, _ = run(
        "match", str(design), str(roster), "-o", str(second), "--keep", str(first / "matches.csv")
    )
    assert code == 0
    assert "kept 2 running pair(s); 0 could not be kept" in stdout
    pairs = [[(r["mentee_id"], r["mentor_id"]) for r in read(o / "matches.csv")]
             for o in (first, second)]  # fmt: skip
    assert pairs[0] == pairs[1] == [("bo", "y"), ("cy", "x")]
    assert [r["kept"] for r in read(second / "matches.csv")] == ["yes", "yes"]


def test_keep_differs_from_previous(tmp_path: Path) -> None:
    """--previous forbids the pairs: Bo cannot have Yu again; --keep keeps Bo with Yu."""
    design, roster, keep = setup(tmp_path, "mentee_id,mentor_id\nbo,y\n")
    code, _, _ = run("match", str(design), str(roster), "-o", str(tmp_path / "p"), "--previous",
                     str(keep))  # fmt: skip
    assert code == 0
    previous = {r["mentee_id"]: r["mentor_id"] for r in read(tmp_path / "p" / "matches.csv")}
    assert previous.get("bo") != "y"
    code, _, _ = run("match", str(design), str(roster), "-o", str(tmp_path / "k"), "--keep",
                     str(keep))  # fmt: skip
    kept = {r["mentee_id"]: r["mentor_id"] for r in read(tmp_path / "k" / "matches.csv")}
    assert code == 0 and kept["bo"] == "y"
    help_text = run("match", "--help")[1]
    assert "--keep" in help_text and "Unlike --previous" in help_text


def test_a_bad_running_file_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    design, roster, keep = setup(tmp_path, "mentee_id,mentor_id\nbo,\nbo,x\n")
    out = tmp_path / "out"
    code, _, stderr = run("match", str(design), str(roster), "-o", str(out), "--keep", str(keep))
    assert code == 2
    assert stderr.splitlines() == [
        f"{keep}:2: mentor_id: is empty; write the mentor's id as the roster writes it, or "
        "remove the row",
        f"{keep}:3: mentee_id: the mentee is listed twice (first in row 2) (value 'bo'); "
        "keep one running pair per mentee: remove the row of the pair that ended",
    ]
    assert not out.exists()


def test_a_missing_running_file_exits_2(tmp_path: Path) -> None:
    design, roster, _ = setup(tmp_path, "")
    missing = tmp_path / "nowhere.csv"
    code, _, stderr = run("match", str(design), str(roster), "-o", str(tmp_path / "o"), "--keep",
                          str(missing))  # fmt: skip
    assert code == 2
    assert stderr.strip() == f"{missing}: does not exist; check the path"


def test_match_prints_the_must_haves_and_the_close_calls(tmp_path: Path) -> None:
    design, roster, _ = setup(tmp_path, "mentee_id,mentor_id\n")
    snap = store.load(design)
    must = snap.design.matching.model_copy(update={"must_have": ["skills"]})
    store.save(snap.design.model_copy(update={"matching": must}), snap)
    out = tmp_path / "out"
    code, stdout, _ = run("match", str(design), str(roster), "-o", str(out))
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert f"{out}: must-haves: the mentor offers at least one skill the mentee wants" in stdout
    assert (
        f"{out}: {summary['close_calls']} close call(s) (matches.csv says which and why), "
        f"{summary['blocking_pairs']} blocking pair(s)" in stdout
    )
