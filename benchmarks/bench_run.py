"""Benchmark ``workbook run`` against the floor of papermill itself.

The floor is papermill executing an **empty notebook** (one parameters cell) the same
number of times as the run executes notebooks, in the same process, each in a fresh
kernel: what any papermill batch pays per notebook (kernel start, client, parameters,
writing the output) before the notebook does anything.

Measured, each the best of ``--repeat`` rounds (the machine is shared, and the best
round is the least disturbed one), rounds interleaved so that a burst of load hits
every variant alike:

* ``floor``: the empty notebook, 7 times (one per step);
* ``run``: ``workbook run`` on the example program with its roster (7 notebooks, one
  kernel for the program), in-process (plan, execute, normalise);
* ``run, kernel per notebook``: the same with ``--kernel-per-notebook``;
* ``run, command line``: the same as a user types it, as a child process, so including
  the interpreter start and the imports of papermill and the workbook;
* ``batch --jobs 1`` and ``--jobs 2``: ``--programs`` copies of the example (default
  4), to give the speed-up of running programs in parallel.

Target: the run within 1.5 times the floor per notebook.

Usage::

    python -m benchmarks.bench_run                 # best of 3
    python -m benchmarks.bench_run --repeat 5 --programs 4
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import papermill as pm

from workbook import batch as run
from workbook.steps import specs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "graduate-program"
WORKBOOK = str(Path(sys.executable).parent / "workbook")


def empty_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('x = ""', metadata={"tags": ["parameters"]})]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def floor(work: Path, times: int) -> float:
    source = empty_notebook(work / "empty.ipynb")
    started = time.perf_counter()
    for n in range(times):
        pm.execute_notebook(
            str(source),
            str(work / f"empty-{n}.ipynb"),
            parameters={"x": "y"},
            progress_bar=False,
            kernel_name="python3",
        )
    return time.perf_counter() - started


def programs(work: Path, count: int) -> list[Path]:
    designs = []
    for n in range(count):
        folder = work / "programs" / f"program-{n + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLE / "design.yaml", folder / "design.yaml")
        designs.append(folder / "design.yaml")
    return designs


def in_process(designs: list[Path], out: Path, jobs: int = 1, reuse: bool = True) -> float:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    plan = run.plan(designs, out, EXAMPLE / "roster.csv", reuse_kernel=reuse)
    results = run.execute(plan, jobs)
    seconds = time.perf_counter() - started
    failed = [r.failure for r in results if not r.ok]
    if failed:
        raise SystemExit(f"the benchmark's run failed: {failed}")
    return seconds


def command_line(design: Path, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    roster = str(EXAMPLE / "roster.csv")
    subprocess.run(
        [WORKBOOK, "run", str(design), "--roster", roster, "-o", str(out), "--no-progress"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--programs", type=int, default=4, help="programs in the batch")
    args = parser.parse_args()
    steps = len(specs())
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        work = Path(tmp)
        designs = programs(work, max(args.programs, 1))
        one = designs[:1]
        variants: dict[str, Callable[[], float]] = {
            "floor (empty notebook)": lambda: floor(work, steps),
            "run": lambda: in_process(one, work / "out"),
            "run, kernel per notebook": lambda: in_process(one, work / "out", reuse=False),
            "run, command line": lambda: command_line(one[0], work / "out"),
            "batch --jobs 1": lambda: in_process(designs, work / "batch", jobs=1),
            "batch --jobs 2": lambda: in_process(designs, work / "batch", jobs=2),
        }
        best: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, measure in variants.items():
                best[name] = min(best.get(name, float("inf")), measure())
    per = {name: seconds / steps for name, seconds in best.items()}
    base = per["floor (empty notebook)"]
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, best of {args.repeat}")
    print(f"{'variant':<28} {'seconds':>8} {'per notebook':>13} {'x floor':>8}")
    for name, seconds in best.items():
        if name.startswith("batch"):
            print(f"{name:<28} {seconds:>8.2f} {'':>13} {'':>8}")
        else:
            print(f"{name:<28} {seconds:>8.2f} {per[name]:>13.2f} {per[name] / base:>8.2f}")
    speedup = best["batch --jobs 1"] / best["batch --jobs 2"]
    print(f"batch of {len(designs)} programs: --jobs 2 is {speedup:.2f} times as fast as --jobs 1")


if __name__ == "__main__":
    main()
