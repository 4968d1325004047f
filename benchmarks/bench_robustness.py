"""Benchmark how robust each pair is, and the coverage-against-quality sweep.

For each size (mentees x mentors, capacity 3, the matching benchmark's design: five
weighted criteria, a minimum score of 50) a seeded synthetic roster is scored and
solved once, then timed:

* ``margins``: each pair's margin over the mentee's next best mentor (every run);
* ``halved and doubled``: every weight halved, doubled and 10% either way, each a
  re-score and an exact re-solve (every run up to ``WEIGHTS_LIMIT`` allowed pairs);
* ``ranges``: the above plus each weight's range keeping every pair, by bisection
  (every run up to ``RANGES_LIMIT`` allowed pairs; forced here at every size);
* ``sweep``: the minimum score from 0 to 95 in steps of 5, an exact solve each.

Printed: allowed pairs, the one solve, the seconds of each, the re-solves they made,
what a run of that size does by default, and the close calls found. The issue's target
is a robustness analysis of a 1,000 x 400 roster under 10 s.

Usage::

    python -m benchmarks.bench_robustness                    # 1,000 x 400
    python -m benchmarks.bench_robustness --sizes 1000x400 2000x800 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.bench_matching import bench_design
from benchmarks.synthetic import generate
from workbook.matching import robustness, tradeoff
from workbook.matching.constraints import Settings, build_pools
from workbook.matching.roster import load_roster
from workbook.matching.scoring import score_pairs
from workbook.matching.solver import solve


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` runs, and the last run's result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def counting_solves() -> list[int]:
    """Count the solves robustness and the sweep make (wrapping the solver they call)."""
    count = [0]
    original = robustness.solve

    def counted(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return original(*args, **kwargs)

    robustness.solve = counted  # type: ignore[assignment]
    tradeoff.solve = counted  # type: ignore[assignment]
    return count


def bench(size: str, repeat: int, seed: int) -> None:
    n, m = (int(x) for x in size.split("x"))
    design = bench_design()
    data = generate(n, m, seed=seed).to_csv(index=False).encode()
    settings = Settings.from_design(design)
    pools = build_pools(load_roster(data, design.matching), settings)
    scored = score_pairs(pools)
    one, solution = timed(lambda: solve(scored, settings.objective), repeat)
    solves = counting_solves()
    print(
        f"\n{n:,} x {m:,}: {len(scored):,} allowed pairs, {len(scored.criteria.weights)} "
        f"weights, one solve {one:.3f} s; a run does {robustness.plan(len(scored))!r}"
    )
    print(f"{'what':<20} {'seconds':>8} {'solves':>7} {'close calls':>12}")
    for level in ("margins only", "halved and doubled", "ranges"):
        solves[0] = 0
        seconds, found = timed(
            lambda level=level: robustness.analyse(scored, solution, settings.objective, level),
            repeat,
        )
        print(f"{level:<20} {seconds:>8.3f} {solves[0] // repeat:>7} {found.close_calls:>12,}")
    solves[0] = 0
    seconds, curve = timed(lambda: tradeoff.sweep(scored, settings.objective, limit=10**9), repeat)
    print(f"{'sweep':<20} {seconds:>8.3f} {solves[0] // repeat:>7} {'':>12}")
    if curve is not None:
        print(
            "  minimum score -> matched: "
            + ", ".join(f"{p.min_score:g}: {p.matched}" for p in curve.points)
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["1000x400"])
    parser.add_argument("--repeat", type=int, default=1, help="median of this many runs")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for size in args.sizes:
        bench(size, args.repeat, args.seed)


if __name__ == "__main__":
    main()
