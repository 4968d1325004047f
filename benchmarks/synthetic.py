"""Seeded synthetic rosters with a real org tree, for the benchmark, tests and the example.

Everything here is fake: names are built from made-up surnames ("Sampleton",
"Mockford", ...), emails are ``@example.com``. The shape follows what the matching
notes measured on: 12 departments, 9 time zones, levels 1 to 8, 60 skills, a pyramid
org chart whose reporting lines stay inside a department up to its head and then the
CEO, and about one person in four who does not take part (kept so that reporting lines
can be followed to the top).

Usage::

    python -m benchmarks.synthetic --example            # examples/graduate-program/roster.csv
    python -m benchmarks.synthetic --mentees 10000 --mentors 4000 -o /tmp/roster.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

DEPARTMENTS = (
    "Engineering", "Data", "Product", "Design", "Sales", "Marketing",
    "Finance", "People", "Legal", "Operations", "Support", "Research",
)  # fmt: skip
TIMEZONES = (
    "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
)  # fmt: skip
LANGUAGE_OF_ZONE = ("en", "de", "es", "es", "es", "hi", "zh", "ja", "en")
SKILLS = tuple(
    f"{d.lower()}-{s}"
    for d in DEPARTMENTS
    for s in ("strategy", "craft", "tools", "stakeholders", "analysis")
)
GOALS = (
    "career development", "leadership", "knowledge transfer", "confidence",
    "networking", "work-life balance",
)  # fmt: skip
FIRST = (
    "Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan", "Kai", "Logan",
    "Morgan", "Noa", "Parker", "Quinn", "Riley", "Rowan", "Sage", "Skyler", "Taylor", "Zoë",
)  # fmt: skip
LAST = (
    "Sampleton", "Mockford", "Testwood", "Placeholder", "Fakeley", "Dummington", "Fictus",
    "Notreal", "Exampleby", "Madeupson", "Pretendra", "Imaginov",
)  # fmt: skip
COLUMNS = (
    "id", "name", "email", "role", "department", "manager_id", "level", "timezone",
    "skills_offered", "skills_wanted", "goals", "languages", "capacity", "preferences", "exclude",
)  # fmt: skip
LEVEL_SHARE = np.array([0.30, 0.25, 0.18, 0.12, 0.09, 0.06])  # levels 1..6; 7 heads, 8 CEO


def _pick(rng: np.random.Generator, pool: np.ndarray, k_min: int, k_max: int) -> str:
    k = int(rng.integers(k_min, k_max + 1))
    return ";".join(rng.choice(pool, size=min(k, len(pool)), replace=False))


def org_tree(people: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Levels, departments and managers of a pyramid org chart (row 0 is the CEO)."""
    heads = len(DEPARTMENTS)
    rest = people - 1 - heads
    counts = np.floor(LEVEL_SHARE / LEVEL_SHARE.sum() * rest).astype(int)
    counts[0] += rest - counts.sum()
    level = np.concatenate([[8], np.full(heads, 7), np.repeat(np.arange(6, 0, -1), counts[::-1])])
    dept = np.concatenate([[-1], np.arange(heads), rng.integers(0, heads, rest)])
    manager = np.full(people, -1)
    manager[1 : heads + 1] = 0
    for lv in range(6, 0, -1):
        for d in range(heads):
            members = np.flatnonzero((level == lv) & (dept == d))
            above = np.flatnonzero((level == lv + 1) & (dept == d))
            if not len(above):
                above = np.array([1 + d])  # the department head
            manager[members] = rng.choice(above, size=len(members))
    dept[0] = 0
    return level, dept, manager


def generate(
    mentees: int,
    mentors: int,
    seed: int = 0,
    non_participants: float = 0.25,
    preferences: float = 0.0,
    excludes: float = 0.0,
) -> pd.DataFrame:
    """A roster with exactly ``mentees`` mentees and ``mentors`` mentors (some are both).

    Args:
        non_participants: extra people, as a share of participants, who take no part.
        preferences: share of mentees who rank two or three mentors.
        excludes: share of mentees with one person they never want to be paired with.
    """
    rng = np.random.default_rng(seed)
    people = max(int((mentees + mentors) * (1 + non_participants)), 40)
    level, dept, manager = org_tree(people, rng)
    w_mentee = np.select([level == 1, level == 2, level == 3, level == 4], [4.0, 3.0, 2.0, 1.0], 0)
    w_mentor = np.select([level >= 6, level == 5, level == 4, level == 3], [3.0, 3.0, 2.0, 0.5], 0)
    is_mentee = np.zeros(people, bool)
    is_mentee[rng.choice(people, mentees, replace=False, p=w_mentee / w_mentee.sum())] = True
    is_mentor = np.zeros(people, bool)
    is_mentor[rng.choice(people, mentors, replace=False, p=w_mentor / w_mentor.sum())] = True
    role = np.select(
        [is_mentee & is_mentor, is_mentee, is_mentor], ["both", "mentee", "mentor"], ""
    )
    zone = np.where(rng.random(people) < 0.7, dept % len(TIMEZONES), rng.integers(0, 9, people))
    skills = np.array(SKILLS)
    goals = np.array(GOALS)
    ids = np.array([f"P{i:06d}" for i in range(people)])
    first = rng.integers(0, len(FIRST), people)
    last = rng.integers(0, len(LAST), people)
    rows = []
    mentor_ids = ids[is_mentor]
    for i in range(people):
        own = skills[dept[i] * 5 : dept[i] * 5 + 5]
        offered = wanted = person_goals = prefs = excl = cap = ""
        if is_mentor[i]:
            pool = own if rng.random() < 0.6 else skills
            offered = _pick(rng, np.union1d(pool, rng.choice(skills, 3)), 3, 6)
            person_goals = _pick(rng, goals, 2, 3)
            if rng.random() < 0.1:
                cap = str(int(rng.integers(1, 6)))
        if is_mentee[i]:
            pool = own if rng.random() < 0.5 else skills
            wanted = _pick(rng, pool, 2, 4)
            person_goals = ";".join(
                dict.fromkeys([*person_goals.split(";"), _pick(rng, goals, 1, 2)])
            )
            person_goals = person_goals.strip(";")
            if rng.random() < preferences:
                prefs = ";".join(rng.choice(mentor_ids[mentor_ids != ids[i]], 3, replace=False))
            if rng.random() < excludes:
                excl = str(rng.choice(ids[ids != ids[i]]))
        zone_lang = LANGUAGE_OF_ZONE[zone[i]]
        languages = "en" if zone_lang == "en" or rng.random() < 0.4 else f"en;{zone_lang}"
        name = f"{FIRST[first[i]]} {LAST[last[i]]}"
        email = (
            f"{FIRST[first[i]].lower().replace('ë', 'e')}.{LAST[last[i]].lower()}.{i}@example.com"
        )
        rows.append(
            (
                ids[i],
                name,
                email,
                role[i],
                DEPARTMENTS[dept[i]],
                ids[manager[i]] if manager[i] >= 0 else "",
                int(level[i]),
                TIMEZONES[zone[i]],
                offered,
                wanted,
                person_goals,
                languages,
                cap,
                prefs,
                excl,
            )
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def write_example(path: Path) -> pd.DataFrame:
    """The graduate program's example roster: 64 graduates, 34 mentors, 260 people."""
    frame = generate(64, 34, seed=2027, non_participants=1.65, preferences=0.5, excludes=0.05)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    return frame


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--example", action="store_true", help="write the example roster")
    parser.add_argument("--mentees", type=int, default=1000)
    parser.add_argument("--mentors", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    if args.example:
        path = args.output or Path(__file__).parents[1] / "examples/graduate-program/roster.csv"
        frame = write_example(path)
    else:
        path = args.output or Path(f"roster-{args.mentees}x{args.mentors}.csv")
        frame = generate(args.mentees, args.mentors, args.seed)
        frame.to_csv(path, index=False, lineterminator="\n")
    print(f"{path}: {len(frame)} people, {frame.role.isin(['mentee', 'both']).sum()} mentees, "
          f"{frame.role.isin(['mentor', 'both']).sum()} mentors")  # fmt: skip


if __name__ == "__main__":
    main()
