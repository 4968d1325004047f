"""`workbook run`: batch runs of every step's notebook under papermill.

One batch (session-scoped, computed once even with several xdist workers) runs four
programs with ``--jobs 2``: two good ones, one that fails inside the matching notebook
and one whose design does not validate. A second run of the first good one, with
``--jobs 1`` and a kernel per notebook, must give the same bytes in every file (both
runs pin the clock with SOURCE_DATE_EPOCH). Kernel-less tests cover planning, refusals,
the failure line and the notebook normalisation.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE

from workbook import archive, store
from workbook.batch.normalise import WIDGET_STATE, normalise
from workbook.batch.runner import (
    MANIFEST,
    failure_line,
    pick_steps,
    plan,
    program_name,
)
from workbook.cli import cli
from workbook.errors import ExistsError, StoreError, WorkbookError
from workbook.steps import specs

WORKBOOK = str(Path(sys.executable).parent / "workbook")
EPOCH = "1800000000"
GOOD = ("graduate", "pilot")
BROKEN = "repeat-pairs"  # valid design; the matching notebook refuses it
INVALID = "bad-duration"  # does not validate: no notebook runs


def make_programs(root: Path) -> dict[str, Path]:
    """The designs of the batch, each in its own folder named after the program."""
    text = (EXAMPLE / "design.yaml").read_text("utf-8")
    variants = {
        "graduate": text,
        "pilot": text.replace("name: Northwind Graduate Mentoring", "name: Northwind Pilot", 1),
        BROKEN: text.replace("avoid_repeat_pairs: false", "avoid_repeat_pairs: true", 1),
        INVALID: "model:\n  duration_months: twelve\n",
    }
    designs = {}
    for name, body in variants.items():
        (root / name).mkdir(parents=True)
        designs[name] = root / name / "design.yaml"
        designs[name].write_text(body, "utf-8")
    return designs


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    outdir: Path


@dataclass
class Batch:
    designs: dict[str, Path]
    inputs: dict[str, bytes]
    first: Run  # --jobs 2, all four designs
    second: Run  # --jobs 1 --kernel-per-notebook, the first good design only


def workbook_run(*args: str, outdir: Path) -> Run:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    proc = subprocess.run(
        [WORKBOOK, "run", *args, "-o", str(outdir), "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, outdir)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def batch(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Batch:
    """The batch, run once per test session and shared by the xdist workers (the
    pattern pytest-xdist documents for expensive session fixtures)."""
    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / "workbook-run-batch"
    root.mkdir(exist_ok=True)
    with locked(root.with_suffix(".lock")):
        done = root / "done.json"
        if not done.exists():
            designs = make_programs(root / "programs")
            inputs = {n: p.read_bytes() for n, p in designs.items()}
            roster = str(EXAMPLE / "roster.csv")
            ordered = [str(designs[n]) for n in (*GOOD, BROKEN, INVALID)]
            first = workbook_run(*ordered, "--roster", roster, "--jobs", "2", outdir=root / "a")
            second = workbook_run(
                ordered[0], "--roster", roster, "--kernel-per-notebook", outdir=root / "b"
            )
            body = {"first": first.__dict__, "second": second.__dict__}
            done.write_text(json.dumps(body, default=str), "utf-8")
            (root / "inputs.json").write_text(
                json.dumps({n: b.decode("utf-8") for n, b in inputs.items()}), "utf-8"
            )
        data = json.loads(done.read_text("utf-8"))
        inputs = {
            n: t.encode("utf-8")
            for n, t in json.loads((root / "inputs.json").read_text("utf-8")).items()
        }
    designs = {n: root / "programs" / n / "design.yaml" for n in inputs}

    def load(run: dict[str, str]) -> Run:
        return Run(int(run["code"]), run["stdout"], run["stderr"], Path(run["outdir"]))

    return Batch(designs, inputs, load(data["first"]), load(data["second"]))


def charter_file(folder: Path, ext: str) -> Path:
    """The charter written in a program's output: named after the program and revision."""
    (found,) = (folder / "charter").glob(f"*-charter-r*.{ext}")
    return found


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --------------------------------------------------------------- the batch


@pytest.mark.notebook
def test_good_programs_get_every_output(batch: Batch) -> None:
    for name in GOOD:
        folder = batch.first.outdir / name
        names = set(files(folder))
        assert {f"notebooks/{s.notebook}" for s in specs() if not s.after_launch} <= names
        assert {"design.yaml", MANIFEST, "matching/matches.csv", "matching/matches.xlsx"} <= names
        assert all(charter_file(folder, ext).is_file() for ext in ("md", "html", "docx"))
        assert not (folder / "design.history").exists()
    # The matching step saved its aggregates in the working copy; the charter shows them.
    copy = store.load(batch.first.outdir / "graduate" / "design.yaml").design
    assert copy.matching.results is not None and copy.matching.results.matched > 0
    charter = charter_file(batch.first.outdir / "graduate", "md").read_text("utf-8")
    assert "The last matching" in charter and "totals only, no names" in charter
    assert f"| Matched | — | {copy.matching.results.matched} |\n" in charter
    pilot = charter_file(batch.first.outdir / "pilot", "md").read_text("utf-8")
    assert pilot.startswith("# Program charter: Northwind Pilot")


@pytest.mark.notebook
def test_inputs_are_never_modified(batch: Batch) -> None:
    for name, path in batch.designs.items():
        assert path.read_bytes() == batch.inputs[name], name
        assert not store.history_dir(path).exists()


@pytest.mark.notebook
def test_a_failing_notebook_is_one_line_and_kept(batch: Batch) -> None:
    lines = [line for line in batch.first.stderr.splitlines() if line.startswith(f"{BROKEN}:")]
    assert len(lines) == 1, batch.first.stderr
    assert lines[0].startswith(f"{BROKEN}: 05_matching.ipynb: cell 3: MatchingError: ")
    assert "matching.avoid_repeat_pairs" in lines[0] and "previous" in lines[0]
    kept = batch.first.outdir / BROKEN / "notebooks" / "05_matching.ipynb"
    nb = json.loads(kept.read_text("utf-8"))
    banner = "".join(nb["cells"][0]["source"])
    assert "An Exception was encountered" in banner and "In [3]" in banner
    assert any(o.get("ename") == "MatchingError" for c in nb["cells"] for o in c.get("outputs", []))
    # The steps before ran; the charter did not (it would show an unfinished run).
    done = {p.name for p in (batch.first.outdir / BROKEN / "notebooks").iterdir()}
    assert done == {s.notebook for s in specs() if s.key != "charter" and not s.after_launch}
    assert not (batch.first.outdir / BROKEN / "charter").exists()


@pytest.mark.notebook
def test_an_invalid_design_is_reported_before_any_notebook(batch: Batch) -> None:
    stderr = batch.first.stderr.splitlines()
    first = stderr[0]
    assert first.startswith(f"{INVALID}: invalid design: {batch.designs[INVALID]}: ")
    assert "model.duration_months" in first and "write a number" in first
    assert not (batch.first.outdir / INVALID).exists()


@pytest.mark.notebook
def test_exit_status_and_summary_table(batch: Batch) -> None:
    assert batch.first.code == 1
    rows = {line.split()[0]: line for line in batch.first.stdout.splitlines()}
    assert rows["program"].split() == ["program", "steps", "ok", "failed", "step", "outputs"]
    for name in GOOD:
        assert rows[name].split()[1:4] == ["7/7", "-", "notebooks,"]
    assert rows[BROKEN].split()[1:3] == ["5/7", "05_matching.ipynb"]
    assert rows[INVALID].split()[1:4] == ["0/7", "invalid", "design"]
    # The order of the table is the order the designs were given.
    assert [line.split()[0] for line in batch.first.stdout.splitlines()[1:]] == [
        *GOOD,
        BROKEN,
        INVALID,
    ]


@pytest.mark.notebook
def test_same_inputs_give_the_same_bytes(batch: Batch) -> None:
    """--jobs 2 with one kernel per program, and --jobs 1 with a kernel per notebook:
    every file byte for byte the same (also shows each notebook behaves as if alone)."""
    assert batch.second.code == 0, batch.second.stderr
    for name in GOOD[:1]:
        first, second = files(batch.first.outdir / name), files(batch.second.outdir / name)
        assert sorted(first) == sorted(second), name
        different = [f for f in first if first[f] != second[f]]
        assert not different, f"{name}: {different}"


@pytest.mark.notebook
def test_executed_notebooks_carry_no_timing_or_random_ids(batch: Batch) -> None:
    nb = json.loads(
        (batch.first.outdir / "graduate" / "notebooks" / "03_model.ipynb").read_text("utf-8")
    )
    assert "start_time" not in nb["metadata"]["papermill"]
    assert nb["metadata"]["papermill"]["parameters"] == {"design_path": "design.yaml"}
    for cell in nb["cells"]:
        assert "execution" not in cell["metadata"]
        assert "duration" not in cell["metadata"].get("papermill", {})
    state = nb["metadata"]["widgets"][WIDGET_STATE]["state"]
    assert sorted(state) == [f"{n:032x}" for n in range(1, len(state) + 1)]
    assert [c.get("execution_count") for c in nb["cells"]] == [1, 2, 3, 4]


@pytest.mark.notebook
def test_no_roster_data_outside_the_matching_outputs(batch: Batch) -> None:
    roster = (EXAMPLE / "roster.csv").read_text("utf-8").splitlines()[1:]
    people = [row.split(",")[:3] for row in roster]
    needles = [v for person in people for v in person if v]
    folder = batch.first.outdir / "graduate"
    private = {"matching", "notebooks/05_matching.ipynb"}
    for rel, data in files(folder).items():
        if any(rel.startswith(p) for p in private):
            continue
        text = data.decode("utf-8", "replace")
        if rel.endswith(".docx"):
            with zipfile.ZipFile(io.BytesIO(data)) as docx:
                text = docx.read("word/document.xml").decode("utf-8")
        leaked = [n for n in needles if n in text]
        assert not leaked, f"{rel} holds roster data: {leaked[:3]}"


# --------------------------------------------------------------- reruns and refusals


@pytest.mark.notebook
def test_rerun_replaces_its_own_output_and_steps_pick_a_subset(tmp_path: Path) -> None:
    design = make_programs(tmp_path / "in")["pilot"]
    out = tmp_path / "out"
    first = workbook_run(str(design), "--steps", "purpose,charter", outdir=out)
    assert first.code == 0, first.stderr
    notebooks = {n for n in files(out / "pilot") if n.startswith("notebooks/")}
    assert notebooks == {"notebooks/01_purpose.ipynb", "notebooks/06_charter.ipynb"}
    assert "2/2" in first.stdout and charter_file(out / "pilot", "md").exists()
    again = workbook_run(str(design), "--steps", "purpose", outdir=out)
    assert again.code == 0, again.stderr
    assert "1/1" in again.stdout
    # The earlier run's charter is gone: a folder never mixes two runs.
    assert sorted(files(out / "pilot")) == [MANIFEST, "design.yaml", "notebooks/01_purpose.ipynb"]


@pytest.mark.notebook
def test_a_kernel_that_cannot_start_fails_its_program_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbook.batch import runner as run

    real = run.notebooks.Kernel

    def kernel(folder: Path, env: dict[str, str]) -> object:
        if folder.name == "pilot":
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(folder, env)

    monkeypatch.setattr(run.notebooks, "Kernel", kernel)
    designs = make_programs(tmp_path / "in")
    args = [str(designs["graduate"]), str(designs["pilot"]), "--steps", "purpose,charter"]
    result = CliRunner().invoke(
        cli, ["run", *args, "-o", str(tmp_path / "out"), "--jobs", "1", "--no-progress"]
    )
    assert result.exit_code == 1
    assert (
        "pilot: 01_purpose.ipynb: kernel: RuntimeError: the kernel did not start: "
        "Kernel died before replying to kernel_info"
    ) in result.stderr
    assert "Traceback" not in result.output + result.stderr
    # The other program of the batch ran to the end.
    assert charter_file(tmp_path / "out" / "graduate", "md").is_file()
    assert not (tmp_path / "out" / "pilot" / "charter").exists()


def test_foreign_files_in_the_output_are_refused(tmp_path: Path) -> None:
    design = make_programs(tmp_path / "in")["graduate"]
    mine = tmp_path / "out" / "graduate" / "charter" / "charter.docx"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"someone's edited charter")
    result = CliRunner().invoke(cli, ["run", str(design), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{mine}: is in the output folder but was not written")
    assert mine.read_bytes() == b"someone's edited charter"
    assert sorted(p.name for p in mine.parent.parent.rglob("*")) == ["charter", "charter.docx"]


def test_an_edited_output_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "graduate"
    (folder / "notebooks").mkdir(parents=True)
    (folder / "design.yaml").write_text("written by the run\n", "utf-8")
    body = {"files": {"design.yaml": "0" * 64}}
    (folder / MANIFEST).write_text(json.dumps(body), "utf-8")
    design = make_programs(tmp_path / "in")["graduate"]
    with pytest.raises(ExistsError, match="was not written by `workbook run`"):
        plan([design], tmp_path / "out", None)


def test_clashing_program_names_are_refused(tmp_path: Path) -> None:
    a = make_programs(tmp_path / "a")["graduate"]
    b = make_programs(tmp_path / "b")["graduate"]
    result = CliRunner().invoke(cli, ["run", str(a), str(b), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.startswith("graduate: is the program name of 2 designs")
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    design = make_programs(tmp_path)["graduate"]
    for args in (
        ["--steps", "purpose,charters"],
        ["--jobs", "0"],
        ["--roster", str(tmp_path / "missing.csv")],
    ):
        result = CliRunner().invoke(cli, ["run", str(design), "-o", str(tmp_path / "o"), *args])
        assert result.exit_code == 2, args
    assert not (tmp_path / "o").exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is not a folder"):
        plan([design], tmp_path / "file", None)
    with pytest.raises(StoreError, match="inside its own output folder"):
        plan([design], tmp_path, None)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "graduate").write_text("a file where the program folder goes")
    with pytest.raises(StoreError, match="is a file, not a program folder"):
        plan([design], tmp_path / "out", None)


def test_program_names_and_steps() -> None:
    assert program_name(Path("/x/graduate/design.yaml")) == "graduate"
    assert program_name(Path("/x/pilot.yaml")) == "pilot"
    assert [s.key for s in pick_steps("charter, purpose")] == ["purpose", "charter"]
    assert pick_steps(None) == tuple(s for s in specs() if not s.after_launch)
    with pytest.raises(WorkbookError, match="unknown step charters"):
        pick_steps("charters")
    matching = next(s for s in specs() if s.key == "matching")
    assert matching.parameters("design.yaml", "/r.csv") == {
        "design_path": "design.yaml",
        "roster_path": "/r.csv",
        "output_dir": "matching",
        "run": True,
        "save": True,
    }


def test_failure_line_is_one_line() -> None:
    line = failure_line(
        "p", "05_matching.ipynb", 3, "MatchingError", "a; fix\nb; \x1b[31mfix\x1b[0m"
    )
    assert line == "p: 05_matching.ipynb: cell 3: MatchingError: a; fix | b; fix"


# --------------------------------------------------------------- normalisation


def widget_notebook(ids: list[str]) -> dict[str, object]:
    """A notebook whose output shows a box of two labels, plus an unshown label."""
    box, first, second, unshown = ids
    state = {
        unshown: {"model_name": "LabelModel", "state": {"value": "never shown"}},
        second: {"model_name": "LabelModel", "state": {"value": "b"}},
        box: {
            "model_name": "VBoxModel",
            "state": {"children": [f"IPY_MODEL_{first}", f"IPY_MODEL_{second}"]},
        },
        first: {"model_name": "LabelModel", "state": {"value": "a"}},
    }
    view = {"application/vnd.jupyter.widget-view+json": {"model_id": box}}
    return {
        "cells": [
            {
                "id": "random",
                "metadata": {"tags": ["injected-parameters"], "execution": {"x": 1}},
                "outputs": [{"output_type": "display_data", "data": view}],
            }
        ],
        "metadata": {
            "papermill": {"start_time": "t", "duration": 1.0, "input_path": "/a/b/x.ipynb"},
            "widgets": {WIDGET_STATE: {"state": state}},
        },
    }


def test_normalise_renumbers_widgets_in_the_order_shown() -> None:
    one = normalise(widget_notebook(["f3", "a1", "9c", "00"]), "x.ipynb", "notebooks/x.ipynb")
    two = normalise(widget_notebook(["11", "e2", "b7", "ff"]), "x.ipynb", "notebooks/x.ipynb")
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)
    state = one["metadata"]["widgets"][WIDGET_STATE]["state"]  # type: ignore[index]
    n = [f"{k:032x}" for k in range(1, 5)]
    assert state[n[0]]["state"]["children"] == [f"IPY_MODEL_{n[1]}", f"IPY_MODEL_{n[2]}"]
    assert [state[k]["state"].get("value") for k in n] == [None, "a", "b", "never shown"]
    cell = one["cells"][0]  # type: ignore[index]
    assert cell["id"] == "injected-parameters" and "execution" not in cell["metadata"]
    assert one["metadata"]["papermill"] == {"input_path": "x.ipynb"}  # type: ignore[index]


def test_office_files_are_pinned_to_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "docProps/core.xml",
            "<x><dcterms:created a='b'>2020-01-01T00:00:00Z</dcterms:created></x>",
        )
        z.writestr("word/document.xml", "<w/>")
    pinned = archive.pin(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(pinned)) as z:
        assert all(i.date_time == (2027, 1, 15, 8, 0, 0) for i in z.infolist())
        assert b">2027-01-15T08:00:00Z<" in z.read("docProps/core.xml")
        assert z.read("word/document.xml") == b"<w/>"
    assert archive.pin(pinned) == pinned


def test_a_program_named_like_a_windows_device_is_refused_before_anything_runs(
    tmp_path: Path,
) -> None:
    design = tmp_path / "con" / "design.yaml"
    store.create(design)
    with pytest.raises(WorkbookError, match="Windows keeps for a device"):
        plan([design], tmp_path / "out", None)
    assert not (tmp_path / "out").exists()


def test_hostile_designs_are_reported_in_one_line_and_the_others_planned(
    tmp_path: Path,
) -> None:
    import os

    good = tmp_path / "good" / "design.yaml"
    store.create(good)
    bomb = tmp_path / "bomb" / "design.yaml"
    bomb.parent.mkdir()
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a, *a, *a, *a]\n")
    pipe = tmp_path / "pipe" / "design.yaml"
    pipe.parent.mkdir()
    os.mkfifo(pipe)
    planned = plan([good, bomb, pipe], tmp_path / "out", None)
    assert [p.name for p in planned.programs] == ["good"]
    reasons = {i.name: i.lines[0] for i in planned.invalid}
    assert "uses a YAML anchor or alias" in reasons["bomb"]
    assert "is not a regular file" in reasons["pipe"]


def test_a_run_takes_the_design_phase_unless_the_evaluation_is_named() -> None:
    """The evaluation needs the outcomes of a program that has run: a batch run of
    designs does not open it unless --steps asks for it."""
    from workbook.batch.runner import pick_steps

    keys = [s.key for s in pick_steps(None)]
    assert "evaluation" not in keys and keys[-1] == "charter" and len(keys) == 7
    assert [s.key for s in pick_steps("evaluation,charter")] == ["charter", "evaluation"]
