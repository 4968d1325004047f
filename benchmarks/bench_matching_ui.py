"""How responsive the matching step stays while it matches a large roster.

The step's Run button matches in a background thread, so the kernel's main thread,
which handles the page's widget messages, keeps running. Python threads share one
interpreter lock, so "keeps running" is a number: this script presses Run on a seeded
synthetic roster (the same generator as ``bench_matching.py``) and, while the run is
under way, does what the kernel does for a keystroke: sets a field, which validates
the settings and refreshes the step's messages. It prints how long the run took, how
many keystrokes were answered during it, and the slowest and typical answer; and, to
compare, the same run in the kernel's own thread (during which nothing is answered).

Usage::

    python -m benchmarks.bench_matching_ui                  # 10,000 x 4,000
    python -m benchmarks.bench_matching_ui --size 20000x8000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_matching import bench_design
from benchmarks.synthetic import generate
from workbook import store
from workbook.ui.matching import MatchingStep


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10000x4000", help="mentees x mentors")
    args = parser.parse_args(argv)
    mentees, mentors = (int(x) for x in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        roster = folder / "roster.csv"
        generate(mentees, mentors).to_csv(roster, index=False)
        store.save(bench_design(), store.load_or_new(folder / "design.yaml"))
        step = MatchingStep.from_params(
            folder / "design.yaml", roster_path=roster, output_dir=folder / "out"
        )
        assert isinstance(step, MatchingStep)
        started = time.perf_counter()
        assert step.roster_run.run() is not None, (
            step.roster_run.run_status.value
        )  # the same run, in this thread
        alone = time.perf_counter() - started
        answers: list[float] = []
        started = time.perf_counter()
        step.roster_run.start()
        i = 0
        while step.roster_run.running:
            i += 1
            t = time.perf_counter()
            step.max_tz.value = str(i % 12)  # a keystroke: validate and refresh
            answers.append(time.perf_counter() - t)
            time.sleep(0.05)  # a person types a few characters a second
        seconds = time.perf_counter() - started
        assert step.roster_run.result is not None, step.roster_run.run_status.value
    answers.sort()
    print(
        f"roster {mentees} x {mentors}: run {alone:.1f} s in the kernel's thread, "
        f"{seconds:.1f} s in the background while a person types"
    )
    print(
        f"keystrokes answered during the run: {len(answers)}; "
        f"median {statistics.median(answers) * 1000:.0f} ms, "
        f"95th percentile {answers[int(0.95 * (len(answers) - 1))] * 1000:.0f} ms, "
        f"slowest {answers[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
