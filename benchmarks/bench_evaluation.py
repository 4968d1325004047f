"""Benchmark ``workbook evaluate`` on synthetic outcomes files of growing size.

Each size runs in its own process (so peak memory is that size's): write a seeded
outcomes CSV (``--people`` employees, a fifth of them participants who self-select on
level and department; twelve departments, levels 1 to 8, tenure in years; two
percentage objectives and one number), then time

* ``floor``: pandas reading the CSV and the participants' and others' means per
  objective (what any evaluation pays before it compares like with like);
* ``evaluate``: :func:`workbook.evaluation.pipeline.evaluate` (read and check every
  cell, coarsened exact matching on the three covariates, the weighted regression with
  robust errors, per objective);
* ``report``: the report in Markdown, HTML and Word, and evaluation.json;
* ``imports``: the first evaluation and report of a process (a 200-row file), which
  import statsmodels, scipy, python-docx and matplotlib; not in the two above.

Usage::

    python -m benchmarks.bench_evaluation                      # 1,000, 10,000, 100,000
    python -m benchmarks.bench_evaluation --people 1000 50000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from workbook.design import (
    Design,
    EffectivenessMeasure,
    Evaluation,
    Objective,
    Program,
    Purpose,
)

OBJECTIVES = [
    Objective(description="Retention", metric="retained", unit="%", baseline=78, target=88),
    Objective(description="Career path", metric="agree", unit="% agree", baseline=54, target=70),
    Objective(
        description="Engagement", metric="engagement", unit="points", baseline=3.6, target=3.9
    ),
]


def design() -> Design:
    return Design(
        program=Program(name="Benchmark"),
        purposes=[Purpose(key="career_growth", objectives=OBJECTIVES)],
        evaluation=Evaluation(
            effectiveness=[
                EffectivenessMeasure(objective=o.metric, design="comparison") for o in OBJECTIVES
            ],
            covariates=["department", "level", "tenure_years"],
        ),
    )


def write_outcomes(path: Path, people: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    department = rng.integers(0, 12, people)
    level = rng.integers(1, 9, people)
    tenure = rng.uniform(0.1, 12, people).round(1)
    lean = -2.2 + 0.25 * level + 0.1 * (department % 3)
    participant = rng.random(people) < 1 / (1 + np.exp(-lean))
    stay = 0.6 + 0.03 * level + 0.06 * participant
    retained = rng.random(people) < np.clip(stay, 0, 1)
    agree = rng.random(people) < np.clip(0.4 + 0.02 * level + 0.1 * participant, 0, 1)
    engagement = (3.2 + 0.05 * level + 0.3 * participant + rng.normal(0, 0.6, people)).round(2)
    lines = ["id,participant,department,level,tenure_years,retained,agree,engagement"]
    yes = np.where(participant, "yes", "no")
    for i in range(people):
        lines.append(
            f"E{i},{yes[i]},D{department[i]},{level[i]},{tenure[i]},"
            f"{int(retained[i])},{int(agree[i])},{engagement[i]}"
        )
    path.write_text("\n".join(lines) + "\n")


def child(people: int) -> dict[str, float]:
    """One size, measured in this process."""
    import pandas as pd

    from workbook.evaluation import pipeline, report

    folder = Path(tempfile.mkdtemp())
    path = folder / "outcomes.csv"
    write_outcomes(path, people)
    d = design()
    # The first evaluation of a session imports statsmodels and scipy and the first
    # report python-docx and matplotlib: measured once, on a small file, apart.
    start = time.perf_counter()
    warm = folder / "warm.csv"
    write_outcomes(warm, 200, seed=2)
    report.write(pipeline.evaluate(d, warm), folder / "warm")
    first = time.perf_counter() - start
    start = time.perf_counter()
    frame = pd.read_csv(path)
    for column in ("retained", "agree", "engagement"):
        frame.groupby("participant")[column].mean()
    floor = time.perf_counter() - start
    start = time.perf_counter()
    result = pipeline.evaluate(d, path)
    evaluated = time.perf_counter() - start
    start = time.perf_counter()
    report.write(result, folder / "out")
    written = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "people": people,
        "first": first,
        "floor": floor,
        "evaluate": evaluated,
        "report": written,
        "peak_mb": peak,
        "dropped": sum(o.estimate.dropped for o in result.objectives if o.estimate),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    print(
        f"{'people':>8} {'imports s':>10} {'floor s':>8} {'evaluate s':>11} {'report s':>9} "
        f"{'peak MB':>8}"
    )
    for people in args.people:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_evaluation", "--child", str(people)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['people']:>8,} {r['first']:>10.2f} {r['floor']:>8.2f} {r['evaluate']:>11.2f} "
            f"{r['report']:>9.2f} {r['peak_mb']:>8.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
