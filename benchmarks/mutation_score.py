"""The mutation score per module, from mutmut's results (run ``make mutation`` first).

mutmut names every mutant after the function it changes
(``workbook.fit.x__split__mutmut_3``); this script groups them by module and prints, for
each, how many mutants the tests killed, how many survived, how many of those are listed
as equivalent in ``benchmarks/equivalent_mutants.txt`` (changes no behaviour, with the
reason), and the score with the equivalent ones left out. A survivor that is neither
killed nor listed is behaviour the tests do not pin down: ``--survivors`` lists them by
name, for ``mutmut show NAME``. It reads only ``mutmut results --all true``; it runs no
test.

    .venv/bin/python benchmarks/mutation_score.py [--survivors]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

LINE = re.compile(
    r"^\s*(?P<name>(?P<module>[\w.]+?)\.(?:x|xǁ\w+ǁ)\w*__mutmut_\d+): (?P<status>.+)$"
)
KILLED = {"killed", "timeout", "segfault", "suspicious"}
"""What counts as killed: the tests failed, ran out of time, or the mutant crashed the
test process (mutmut's "segfault"; "suspicious" is its name for another fatal signal,
such as the SIGABRT OR-Tools raises on a negative node id: the run broke either way)."""
EQUIVALENT = Path(__file__).with_name("equivalent_mutants.txt")
"""One mutant per line, ``name  # why it changes nothing``."""


def scores(text: str) -> tuple[dict[str, Counter[str]], dict[str, str]]:
    """Module -> how many mutants ended in each status, and mutant name -> status."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    status_of: dict[str, str] = {}
    for line in text.splitlines():
        match = LINE.match(line)
        if match:
            status = match["status"].strip()
            found[match["module"]][status] += 1
            status_of[match["name"]] = status
    return found, status_of


def equivalent(path: Path = EQUIVALENT) -> dict[str, str]:
    """Mutant name -> the reason it changes no behaviour."""
    listed: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, why = line.partition("#")
            if name.strip():
                listed[name.strip()] = why.strip()
    return listed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survivors", action="store_true", help="list unexplained survivors")
    args = parser.parse_args(argv)
    mutmut = Path(sys.executable).with_name("mutmut")
    result = subprocess.run(
        [str(mutmut), "results", "--all", "true"], capture_output=True, text=True, check=False
    )
    found, status_of = scores(result.stdout)
    if not found:
        print("no mutmut results here: run `make mutation` first", file=sys.stderr)
        return 2
    listed = equivalent()
    print(
        f"{'module':<32}{'mutants':>8}{'killed':>8}{'survived':>10}{'equiv.':>8}"
        f"{'unexpl.':>9}{'other':>7}{'score':>8}"
    )
    unexplained: list[str] = []
    for module, counts in sorted(found.items()):
        total = sum(counts.values())
        killed = sum(counts[s] for s in KILLED)
        survived = counts["survived"]
        survivors = [
            n for n, s in status_of.items() if s == "survived" and n.startswith(module + ".")
        ]
        same = [n for n in survivors if n in listed]
        unexplained += [n for n in survivors if n not in listed]
        other = total - killed - survived
        checked = killed + survived - len(same)
        score = f"{100 * killed / checked:.1f}%" if checked else "-"
        print(
            f"{module:<32}{total:>8}{killed:>8}{survived:>10}{len(same):>8}"
            f"{survived - len(same):>9}{other:>7}{score:>8}"
        )
    print("score = killed / (killed + survived - equivalent); other = not run or no tests")
    stale = sorted(
        n for n in listed if status_of.get(n, "survived") not in ("survived", "not checked")
    )
    if stale:
        print(f"{len(stale)} listed as equivalent but not surviving now (killed or renamed):")
        print("\n".join(f"  {n}" for n in stale))
    if args.survivors:
        print("\n".join(unexplained))
    return 0


if __name__ == "__main__":
    sys.exit(main())
