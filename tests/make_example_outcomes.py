"""Write ``outcomes.csv``: synthetic outcomes of the example graduate program, a year on.

Nobody in this file exists. It is generated, deterministically (``SEED``), so that the
evaluation step has a file to read whose truth is known: run
``python tests/make_example_outcomes.py`` and the same bytes come out (it lives
beside the tests, not in the example's folder: that folder is inside the package, where
every ``.py`` is imported as a module).

Who is in it: 600 graduates of the intakes the program was open to (ids E1001 to
E1600, not the roster's ids), 120 of whom took part (``participant`` yes).

Columns, and the objectives of ``design.yaml`` they measure (the design's
``evaluation.effectiveness`` gives each its ``column:``)::

    metric (as design.yaml writes it)                                  column
    graduates still employed 12 months after joining                   retained_12m
    engagement survey item "I can see a path for my career here"       career_path_agree

    critical roles with a ready-now successor                          (none: talent review)
    senior engineers near retirement who mentor at least one graduate  (none: program records)

Covariates (``evaluation.covariates``), all known before the program started:
``department``, ``level`` (1 to 4), ``tenure_years`` (0.1 to 2.0 at the start).

Values: ``participant`` yes/no; ``retained_12m`` 1/0 (HRIS, never blank);
``career_path_agree`` yes/no, blank for everyone who had left by the survey and for a
random 12% of the others who did not answer.

The truth planted in the file
-----------------------------
Each person has a chance of staying that depends only on their covariates (``_p_stay``:
higher with level, tenure, and in Engineering, Data and Research; lower in Sales and
Support), and a chance of agreeing (``_p_agree``, alike). Taking part adds exactly
6 points to the chance of staying and 10 points to the chance of agreeing, for every
participant (``EFFECT``): that is the program's effect, and all of it.

Self-selection: who takes part is drawn with weights that grow with level and tenure and
are higher in Engineering, Data and Research (``_weights``), the same people who stay
and agree more anyway. So the naive comparison, participants against everyone else,
adds who volunteered to what the program did. With ``SEED`` the file gives:

    retained_12m        participants 85.8%, others 71.2%: naive +14.6 points
                        (planted +6; the participants' own chances, before the
                        program, were 10.9 points above the others')
    career_path_agree   participants 73.6%, others 54.0% of those who answered:
                        naive +19.6 points (planted +10; own chances 10.5 points above)

Comparing participants with similar non-participants (the covariates) is what gets
back to the planted figures: a linear adjustment for department, level and tenure gives
+6.1 points on retention and +10.4 on agreement in this file (120 participants: one
standard error is about 4 points on retention).
``python tests/make_example_outcomes.py --check`` prints these figures from the file.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

SEED = 154
"""The same file on every run. Chosen among seeds 1 to 300 as one whose file shows what
the model gives on average (naive near +15 points, adjusted near +6 and +10): with 120
participants another seed's figures can land 4 points away either way."""
PEOPLE = 600
PARTICIPANTS = 120
MAPPING = {
    "graduates still employed 12 months after joining": "retained_12m",
    'engagement survey item "I can see a path for my career here"': "career_path_agree",
}
"""Objective metric (as design.yaml writes it) -> the column that measures it."""
COVARIATES = ("department", "level", "tenure_years")
EFFECT = {"retained_12m": 0.06, "career_path_agree": 0.10}
"""The planted effect of taking part on the chance of each outcome (6 and 10 points)."""
NO_ANSWER = 0.12
"""Share of the graduates still employed who did not answer the survey."""

DEPARTMENTS = {
    # department: (how much more likely to stay, agree and volunteer: +1, 0 or -1)
    "Engineering": 1,
    "Data": 1,
    "Research": 1,
    "Product": 0,
    "Design": 0,
    "Finance": 0,
    "Operations": 0,
    "Marketing": 0,
    "People": 0,
    "Legal": 0,
    "Sales": -1,
    "Support": -1,
}
LEVELS = (1, 2, 3, 4)
LEVEL_SHARE = (0.40, 0.30, 0.20, 0.10)
COLUMNS = ("id", "participant", *COVARIATES, *MAPPING.values())

Floats = npt.NDArray[np.float64]


def _p_stay(level: Floats, pull: Floats, tenure: Floats) -> Floats:
    """The chance of still being employed a year on, without the program (0.56 to 0.94)."""
    return 0.66 + 0.06 * (level - 1) + 0.08 * pull + 0.02 * (tenure - 1)


def _p_agree(level: Floats, pull: Floats, tenure: Floats) -> Floats:
    """The chance of agreeing with the survey item, without the program (0.35 to 0.73)."""
    return 0.45 + 0.06 * (level - 1) + 0.08 * pull + 0.02 * (tenure - 1)


def _weights(level: Floats, pull: Floats, tenure: Floats) -> Floats:
    """How likely each graduate is to volunteer, relative to the others."""
    return np.exp(0.9 * (level - 1) + 1.0 * pull + 0.4 * tenure)


def rows() -> list[dict[str, str]]:
    """The file's rows, as text."""
    rng = np.random.default_rng(SEED)
    names = list(DEPARTMENTS)
    department = rng.choice(names, size=PEOPLE)
    pull = np.array([DEPARTMENTS[d] for d in department], dtype=float)
    level = rng.choice(LEVELS, size=PEOPLE, p=LEVEL_SHARE).astype(float)
    tenure = np.round(rng.uniform(0.1, 2.0, size=PEOPLE), 1)
    weights = _weights(level, pull, tenure)
    chosen = rng.choice(PEOPLE, size=PARTICIPANTS, replace=False, p=weights / weights.sum())
    took_part = np.zeros(PEOPLE, dtype=bool)
    took_part[chosen] = True
    # One uniform draw per person and outcome, shared by both potential outcomes: a
    # participant stays "because of the program" when the draw falls in the added 6 points.
    p_stay = _p_stay(level, pull, tenure) + EFFECT["retained_12m"] * took_part
    p_agree = _p_agree(level, pull, tenure) + EFFECT["career_path_agree"] * took_part
    stay = rng.uniform(size=PEOPLE) < p_stay
    agree = rng.uniform(size=PEOPLE) < p_agree
    answered = stay & (rng.uniform(size=PEOPLE) >= NO_ANSWER)
    return [
        {
            "id": f"E{1001 + i}",
            "participant": "yes" if took_part[i] else "no",
            "department": str(department[i]),
            "level": str(int(level[i])),
            "tenure_years": f"{tenure[i]:.1f}",
            "retained_12m": "1" if stay[i] else "0",
            "career_path_agree": ("yes" if agree[i] else "no") if answered[i] else "",
        }
        for i in range(PEOPLE)
    ]


def csv_text() -> str:
    """The whole file, as written."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())
    return out.getvalue()


def figures(path: Path) -> dict[str, float]:
    """The naive and the covariate-adjusted differences in ``path``, in points: what the
    header above quotes."""
    import pandas as pd

    frame = pd.read_csv(path, keep_default_na=False)
    took_part = (frame["participant"] == "yes").to_numpy(dtype=float)
    design = np.column_stack(
        [
            np.ones(len(frame)),
            took_part,
            frame["level"].to_numpy(float),
            frame["tenure_years"].to_numpy(float),
            pd.get_dummies(frame["department"], drop_first=True).to_numpy(float),
        ]
    )
    pull = np.array([DEPARTMENTS[d] for d in frame["department"]], dtype=float)
    level, tenure = design[:, 2], design[:, 3]
    before = {"retained_12m": _p_stay, "career_path_agree": _p_agree}
    out = {}
    for column in MAPPING.values():
        text = frame[column].astype(str)
        known = (text != "").to_numpy()
        y = text.isin(["1", "yes"]).to_numpy(float)
        part, rest = known & (took_part == 1), known & (took_part == 0)
        out[f"{column} participants"] = 100 * y[part].mean()
        out[f"{column} others"] = 100 * y[rest].mean()
        out[f"{column} naive"] = 100 * (y[part].mean() - y[rest].mean())
        chance = before[column](level, pull, tenure)
        out[f"{column} selection"] = 100 * (chance[part].mean() - chance[rest].mean())
        coef, *_ = np.linalg.lstsq(design[known], y[known], rcond=None)
        out[f"{column} adjusted"] = 100 * coef[1]
    return out


def main() -> None:
    target = (
        Path(__file__).resolve().parent.parent / "examples" / "graduate-program" / "outcomes.csv"
    )
    if "--check" not in sys.argv[1:]:
        target.write_text(csv_text(), encoding="utf-8", newline="")
    for name, value in figures(target).items():
        print(f"{name:32} {value:6.1f}")


if __name__ == "__main__":
    main()
