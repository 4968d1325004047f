"""Headless batch runs: every step's notebook, for each program, with papermill.

``workbook run DESIGN ... -o OUTDIR`` reads as a pipeline, like papermill's own
``execute_notebook``:

1. **plan** (:func:`plan`): load every design (an invalid one is reported now, before
   any notebook runs, and the others still run), name each program after its folder,
   refuse clashing names and output folders holding files the workbook did not write;
2. **execute** (:func:`execute`): each program in its own process (``--jobs``), its
   steps in order, in one kernel (see below), on a working copy of the design;
3. **normalise** (:mod:`workbook.batch.normalise`): strip timing metadata and renumber widget
   ids so that the same inputs give the same bytes;
4. **summarise** (:func:`summary_table`): one row per program.

Each program gets ``OUTDIR/<program>/`` with ``design.yaml`` (a working copy: the
input is never modified; the matching step records the run's aggregates in it),
``notebooks/`` (the executed notebooks, a failing one with papermill's error banner)
and the folder of each step that writes files (``charter/`` and, with a roster,
``matching/``; the step registry names them). A hidden manifest
(``.workbook-run.json``) records every file written, so a rerun replaces its own
output and refuses anything else.

One kernel per program: each notebook still gets a fresh namespace (the kernel's user
namespace is reset and its widgets closed between notebooks; cell counts restart at 1),
but the modules stay imported, which saves the import of the workbook in every
notebook. ``tests/test_run.py`` checks that the outputs equal those of a kernel per
notebook.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from workbook import NOTEBOOKS, places, store
from workbook import steps as registry
from workbook.batch import kernel as notebooks
from workbook.batch.normalise import normalise_file
from workbook.errors import DesignError, ExistsError, Problem, StoreError, WorkbookError
from workbook.programs import reserved
from workbook.steps import StepSpec

MANIFEST = ".workbook-run.json"
DESIGN = "design.yaml"
"""The working copy's name in the program folder (the kernel runs in that folder)."""


def design_phase() -> tuple[StepSpec, ...]:
    """The steps a run takes by default: the design phase. A step for after the launch
    (the evaluation, which needs the outcomes of a program that has run) runs only when
    ``--steps`` names it."""
    return tuple(s for s in registry.specs() if not s.after_launch)


def pick_steps(names: str | None) -> tuple[StepSpec, ...]:
    """The steps named in ``--steps`` (comma-separated, any order), in the design order.

    Raises:
        WorkbookError: an unknown step name.
    """
    every = registry.specs()
    if not names:
        return design_phase()
    wanted = [n.strip().lower() for n in names.split(",") if n.strip()]
    known = {s.key for s in every}
    unknown = [n for n in wanted if n not in known]
    if unknown or not wanted:
        raise WorkbookError(
            Problem(
                "names no step" if not wanted else f"unknown step {', '.join(unknown)!s}",
                f"choose from {', '.join(registry.all_keys())}",
                field="--steps",
                value=names,
            )
        )
    return tuple(s for s in every if s.key in wanted)


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Program:
    """A design to run and where its outputs go."""

    name: str
    design: Path
    folder: Path


@dataclass(frozen=True)
class Invalid:
    """A design that did not load: its program name and the problems, one line each."""

    name: str
    design: Path
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """Everything decided before the first notebook runs."""

    programs: tuple[Program, ...]
    invalid: tuple[Invalid, ...]
    steps: tuple[StepSpec, ...]
    roster: Path | None
    reuse_kernel: bool = True


def program_name(design: Path) -> str:
    """``.../graduate/design.yaml`` -> ``graduate``; ``pilot.yaml`` -> ``pilot``."""
    resolved = design.resolve()
    if resolved.stem == "design" and resolved.parent.name:
        return resolved.parent.name
    return resolved.stem


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (relative paths, sorted), the manifest excluded."""
    if not folder.is_dir():
        return []
    found = (p.relative_to(folder) for p in folder.rglob("*") if p.is_file() or p.is_symlink())
    return sorted(p for p in found if p.as_posix() != MANIFEST)


def foreign_files(folder: Path) -> list[Path]:
    """Files in a program folder that the last run did not write, or that were edited."""
    recorded = store.read_manifest(folder, MANIFEST, nested=True)
    return [
        folder / rel
        for rel in _files(folder)
        if recorded.get(rel.as_posix()) is None
        or (folder / rel).is_symlink()
        or _fingerprint(folder / rel) != recorded[rel.as_posix()]
    ]


def plan(
    designs: Sequence[Path],
    outdir: Path,
    roster: Path | None,
    steps: tuple[StepSpec, ...] | None = None,
    reuse_kernel: bool = True,
) -> Plan:
    """Validate every design and check every output folder before anything runs.

    Raises:
        WorkbookError: clashing program names, a design inside its own output folder,
            an output folder holding files the workbook did not write, or an OUTDIR
            that is a file; nothing has been written.
    """
    if outdir.exists() and not outdir.is_dir():
        raise StoreError(Problem("is not a folder", "choose a folder for the outputs", str(outdir)))
    named: dict[str, list[Path]] = {}
    for design in designs:
        named.setdefault(program_name(design), []).append(design)
    problems = [
        Problem(
            "is a name Windows keeps for a device, so the program's output folder could not "
            "be opened there",
            "rename the design's folder (or file) and run again",
            field=name,
        )
        for name in named
        if reserved(name)
    ]
    problems += [
        Problem(
            f"is the program name of {len(paths)} designs ({', '.join(map(str, paths))})",
            "run them into separate output folders, or rename a design's folder",
            field=name,
        )
        for name, paths in named.items()
        if len(paths) > 1
    ]
    if problems:
        raise WorkbookError(problems)
    programs, invalid = [], []
    for design in designs:
        name = program_name(design)
        folder = outdir / name
        try:
            store.load(design)
        except DesignError as exc:
            invalid.append(Invalid(name, design, tuple(exc.lines())))
            continue
        if folder.exists() and not folder.is_dir():
            problems.append(Problem("is a file, not a program folder", "move it away", str(folder)))
        elif folder.resolve() in design.resolve().parents:
            problems.append(
                Problem(
                    f"is inside its own output folder {folder}",
                    "give another output folder (-o)",
                    str(design),
                )
            )
        else:
            problems += [
                Problem(
                    "is in the output folder but was not written by `workbook run` (or was "
                    "edited since); nothing was run",
                    "move it away, or choose another output folder",
                    str(path),
                )
                for path in foreign_files(folder)
            ]
        programs.append(Program(name, design, folder))
    if problems:
        raise ExistsError(problems)
    chosen = design_phase() if steps is None else steps
    return Plan(tuple(programs), tuple(invalid), chosen, roster, reuse_kernel)


# --------------------------------------------------------------------------- execute

Status = Literal["ok", "failed", "skipped", "not run"]


@dataclass(frozen=True)
class StepResult:
    """What became of one step of one program."""

    step: str
    notebook: str
    status: Status
    message: str = ""


@dataclass
class ProgramResult:
    """A program's steps, and the one-line failure if any."""

    name: str
    folder: Path | None
    steps: list[StepResult] = field(default_factory=list)
    failure: str = ""

    @property
    def ok(self) -> bool:
        return not self.failure

    def outputs(self) -> list[str]:
        """The output folders written (relative to the program folder)."""
        if self.folder is None:
            return []
        written = ["notebooks", *(s.output for s in registry.specs() if s.output)]
        return [d for d in written if (self.folder / d).is_dir()]


Report = Callable[[str, StepResult], None]
"""Called after each step with the program's name (drives the progress bar)."""


def failure_line(program: str, notebook: str, cell: int | None, ename: str, evalue: str) -> str:
    """``PROGRAM: NOTEBOOK: cell N: ErrorName: message`` on one line."""
    message = " | ".join(line.strip() for line in _plain(evalue).splitlines() if line.strip())
    where = f"cell {cell}" if cell is not None else "kernel"
    return f"{program}: {notebook}: {where}: {ename}: {message}"


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _plain(text: str) -> str:
    return _ANSI.sub("", text)


def _clear(folder: Path) -> None:
    """Remove the previous run's files (all recorded in the manifest, checked by plan)."""
    for rel in _files(folder):
        (folder / rel).unlink()
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            sub.rmdir()  # only empty folders go


def _write_manifest(folder: Path) -> None:
    files = {rel.as_posix(): _fingerprint(folder / rel) for rel in _files(folder)}
    body = {"written_by": "mentoring-workbook run", "files": files}
    store.atomic_write(folder / MANIFEST, (json.dumps(body, indent=2) + "\n").encode("utf-8"))


def _kernel_environment() -> dict[str, str]:
    """The kernel's environment: ours without the variables that point notebooks at
    other files (every path is passed as a parameter; the step registry stays), and
    with a fixed hash seed
    unless one is set: the order in which Python iterates a set of strings changes with
    the seed, and widget code that does so would otherwise store its state differently
    from run to run."""
    env = {k: v for k, v in os.environ.items() if k not in places.FILES}
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def run_program(program: Program, plan: Plan, report: Report) -> ProgramResult:
    """Execute the planned steps of one program, in order, in one kernel.

    The first failing step stops the program (later steps would work on an unfinished
    design); its notebook is kept with papermill's error banner.
    """
    folder = program.folder
    result = ProgramResult(program.name, folder)
    folder.mkdir(parents=True, exist_ok=True)
    _clear(folder)
    try:
        store.atomic_write(folder / DESIGN, program.design.read_bytes())
        (folder / "notebooks").mkdir(exist_ok=True)
        with contextlib.ExitStack() as stack:
            kernel = None
            for step in plan.steps:
                if not result.failure and (kernel is None or not plan.reuse_kernel):
                    stack.close()  # the previous notebook's kernel, if it had its own
                    kernel = _start_kernel(stack, program.name, folder, step, result)
                    if kernel is None:
                        outcome = StepResult(step.key, _name(step), "failed", result.failure)
                        result.steps.append(outcome)
                        report(program.name, outcome)
                        continue
                outcome = _run_step(kernel, program.name, folder, step, plan.roster, result)
                result.steps.append(outcome)
                report(program.name, outcome)
    finally:
        # The working copy's history only holds the input design (kept where it was).
        shutil.rmtree(store.history_dir(folder / DESIGN), ignore_errors=True)
        _write_manifest(folder)
    return result


def _start_kernel(
    stack: contextlib.ExitStack[Any],
    name: str,
    folder: Path,
    step: StepSpec,
    result: ProgramResult,
) -> notebooks.Kernel | None:
    """A kernel for the program, or ``None`` with the program's failure recorded: a
    kernel that cannot start (missing kernelspec, a crash at start, a timeout) is one
    program's failure, reported in one line like any other, not the end of the batch."""
    try:
        return stack.enter_context(notebooks.Kernel(folder, _kernel_environment()))
    except Exception as exc:
        result.failure = failure_line(
            name, _name(step), None, type(exc).__name__, f"the kernel did not start: {exc}"
        )
        return None


def _run_step(
    kernel: notebooks.Kernel | None,
    name: str,
    folder: Path,
    step: StepSpec,
    roster: Path | None,
    result: ProgramResult,
) -> StepResult:
    if result.failure or kernel is None:
        return StepResult(step.key, _name(step), "not run", "an earlier step failed")
    if step.roster and roster is None:
        return StepResult(step.key, _name(step), "skipped", "no roster (--roster)")
    output = folder / "notebooks" / _name(step)
    parameters = step.parameters(DESIGN, str(roster) if roster else None)
    error = kernel.execute(step.notebook_path(NOTEBOOKS), output, parameters)
    if output.exists():  # papermill may fail before writing anything
        normalise_file(output, relative_to=folder)
    if error is None:
        return StepResult(step.key, _name(step), "ok")
    result.failure = failure_line(name, _name(step), error.cell, error.ename, error.evalue)
    return StepResult(step.key, _name(step), "failed", result.failure)


def _name(step: StepSpec) -> str:
    """The file name of a step's notebook (where the executed copy is kept)."""
    return Path(step.notebook).name


_events: Any = None
"""In a worker process: the queue progress events go to."""


def _init_worker(events: Any) -> None:
    global _events
    _events = events


def _worker(program: Program, plan: Plan) -> ProgramResult:
    return run_program(program, plan, lambda name, step: _events.put((name, step)))


def execute(plan: Plan, jobs: int = 1, report: Report | None = None) -> list[ProgramResult]:
    """Run every valid program of the plan, ``jobs`` at a time (processes).

    Results come back in the order of the plan, whatever order they finish in.
    """
    report = report or (lambda name, step: None)
    if jobs <= 1 or len(plan.programs) <= 1:
        return [run_program(p, plan, report) for p in plan.programs]
    import concurrent.futures as cf
    import multiprocessing as mp

    import papermill  # type: ignore[import-untyped]  # noqa: F401 - inherited by the forked workers

    # fork: the workers inherit papermill and the workbook already imported (spawn would
    # import them again in each worker); nothing but the main thread runs yet.
    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else None)
    events = context.Queue()
    with cf.ProcessPoolExecutor(
        max_workers=min(jobs, len(plan.programs)),
        mp_context=context,
        initializer=_init_worker,
        initargs=(events,),
    ) as pool:
        futures = [pool.submit(_worker, p, plan) for p in plan.programs]
        pending = set(futures)
        while pending:
            _, pending = cf.wait(pending, timeout=0.1)
            for name, step in _drain(events):
                report(name, step)
        for name, step in _drain(events):
            report(name, step)
        return [f.result() for f in futures]


def _drain(events: Any) -> Iterator[tuple[str, StepResult]]:
    while True:
        try:
            yield events.get_nowait()
        except queue.Empty:
            return


# --------------------------------------------------------------------------- summarise


def results_for(plan: Plan, ran: list[ProgramResult]) -> list[ProgramResult]:
    """Every program's result in the order given: the invalid designs as failures."""
    by_design = {p.design: r for p, r in zip(plan.programs, ran, strict=True)}
    bad = {i.design: i for i in plan.invalid}
    out = []
    for design in [*by_design, *bad]:
        if design in bad:
            invalid = bad[design]
            failure = f"{invalid.name}: invalid design: {invalid.lines[0]}"
            out.append(ProgramResult(invalid.name, None, failure=failure))
        else:
            out.append(by_design[design])
    return out


def summary_table(results: Sequence[ProgramResult], chosen: Sequence[StepSpec]) -> str:
    """One row per program: steps ok, the failed step, the outputs written."""
    rows = [("program", "steps ok", "failed step", "outputs")]
    for r in results:
        ok = sum(s.status == "ok" for s in r.steps)
        failed = next((s.notebook for s in r.steps if s.status == "failed"), "")
        if r.folder is None:
            failed = "invalid design"
        notes = [f"{s.step} skipped: {s.message}" for s in r.steps if s.status == "skipped"]
        outputs = ", ".join(r.outputs()) or "-"
        if notes:
            outputs += f" ({'; '.join(notes)})"
        rows.append((r.name, f"{ok}/{len(chosen)}", failed or "-", outputs))
    widths = [max(len(row[k]) for row in rows) for k in range(3)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)), row[3]]).rstrip()
        for row in rows
    ]
    return "\n".join(lines)
