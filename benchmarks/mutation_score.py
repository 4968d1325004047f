"""The mutation score per module, from mutmut's results (run ``make mutation`` first).

mutmut names every mutant after the function it changes
(``workbook.fit.x__split__mutmut_3``); this script groups them by module and prints, for
each, how many mutants the tests killed, how many survived (behaviour the tests do not
pin down, or an equivalent mutant that changes nothing), and the score. It reads only
``mutmut results --all true``; it runs no test.

    .venv/bin/python benchmarks/mutation_score.py
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

LINE = re.compile(r"^\s*(?P<module>[\w.]+?)\.(?:x|xǁ\w+ǁ)\w*__mutmut_\d+: (?P<status>.+)$")
KILLED = {"killed", "timeout", "segfault"}
"""Outcomes that mean a test noticed the change."""


def scores(text: str) -> dict[str, Counter[str]]:
    """Module -> how many mutants ended in each status."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for line in text.splitlines():
        match = LINE.match(line)
        if match:
            found[match["module"]][match["status"].strip()] += 1
    return found


def main() -> int:
    mutmut = Path(sys.executable).with_name("mutmut")
    result = subprocess.run(
        [str(mutmut), "results", "--all", "true"], capture_output=True, text=True, check=False
    )
    found = scores(result.stdout)
    if not found:
        print("no mutmut results here: run `make mutation` first", file=sys.stderr)
        return 2
    print(f"{'module':<32}{'mutants':>8}{'killed':>8}{'survived':>10}{'other':>7}{'score':>8}")
    for module, counts in sorted(found.items()):
        total = sum(counts.values())
        killed = sum(counts[s] for s in KILLED)
        survived = counts["survived"]
        other = total - killed - survived
        checked = killed + survived
        score = f"{100 * killed / checked:.1f}%" if checked else "-"
        print(f"{module:<32}{total:>8}{killed:>8}{survived:>10}{other:>7}{score:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
