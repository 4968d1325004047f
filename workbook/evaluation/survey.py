"""Survey scales: read the answers, score each scale, and say how far to trust the score.

A mentoring program's relationships are judged by the people in them: the mentees'
answers to the scales of ``knowledge/instruments.yaml`` (the mentoring functions after
the MFQ-9, relationship quality after the NMRC's recommended scale). A sponsor reads one
line per scale: how many answered, the mean on the scale's own range with a 95%
interval, and Cronbach's alpha, because a mean of items that do not hang together (alpha
under 0.7, the usual floor) is not a measure of one thing. Fewer than
:data:`~workbook.design.SMALLEST_GROUP` respondents give no figures at all: with four,
anyone who knows who answered can work out a person's answers.

:func:`read_survey` reads the file (CSV or XLSX, whatever encoding Excel wrote, through
:func:`workbook.matching.tables.read_table`) and refuses it with every problem at once,
as the roster reader does; :func:`score_scales` scores a survey it returned. The survey
file has an ``id`` column, one column per item (``career_support_1`` ...; blank when the
question was not answered) and, optionally, ``participant`` (yes/no) when people outside
the program answered too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from workbook import knowledge
from workbook.design import SMALLEST_GROUP
from workbook.errors import EvaluationError, Problem, RosterError
from workbook.matching.tables import read_table

__all__ = [
    "PARTICIPANT",
    "RELIABILITY_FLOOR",
    "ScaleScore",
    "cronbach_alpha",
    "read_survey",
    "scale",
    "score_scales",
]

RELIABILITY_FLOOR = 0.7
"""Cronbach's alpha under which a scale's items are not taken to measure one thing
(the usual floor; Nunnally's rule of thumb for research use)."""
PARTICIPANT = "participant"
"""The optional column saying who took part in the program."""
PARTICIPANT_VALUES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
"""How a spreadsheet says yes or no (XLSX booleans arrive as ``true``/``false``)."""


@dataclass(frozen=True)
class ScaleScore:
    """One scale's result, as a sponsor may read it: aggregates only.

    Attributes:
        scale: the scale's key in ``instruments.yaml``.
        title: its title there.
        n: respondents who answered every item of the scale (shown even when suppressed:
            a count says nothing about anyone's answers).
        mean: the mean of the respondents' scale means (reverse-coded items recoded),
            on the scale's response range.
        ci_low, ci_high: the 95% t interval of that mean (Student's t with n - 1 degrees
            of freedom); near an end of the range it may pass the end, which says how
            little a small group pins the mean down.
        alpha: Cronbach's alpha of the items among those respondents; None when it cannot
            be worked out (one item, or every respondent gave the same total).
        warning: "" or plain words about what to be careful of.
        suppressed: fewer than :data:`~workbook.design.SMALLEST_GROUP` respondents, so
            every figure is None.
    """

    scale: str
    title: str
    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    alpha: float | None
    warning: str
    suppressed: bool

    def __post_init__(self) -> None:
        figures = (self.mean, self.ci_low, self.ci_high, self.alpha)
        if self.n < 0:
            raise ValueError(f"{self.scale}: n is negative")
        if self.suppressed and any(f is not None for f in figures):
            raise ValueError(f"{self.scale}: a suppressed score shows no figure")
        if not self.suppressed and self.n < SMALLEST_GROUP:
            raise ValueError(f"{self.scale}: {self.n} respondents must be suppressed")


# --------------------------------------------------------------------------- the scales


def scale(key: str) -> knowledge.Scale:
    """The scale with this key in the instrument library.

    Raises:
        EvaluationError: no such scale; the message names the known ones.
    """
    return _scales([key])[0]


def _scales(keys: Sequence[str]) -> list[knowledge.Scale]:
    known = {s.key: s for s in knowledge.instruments()}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise EvaluationError(
            [
                Problem(
                    f"unknown survey scale {k!r}",
                    f"use one of the scales the workbook knows: {', '.join(known)}",
                    field="evaluation.surveys",
                    value=k,
                )
                for k in unknown
            ]
        )
    return [known[k] for k in keys]


def _range_text(s: knowledge.Scale) -> str:
    r = s.response
    return f"{r.min} ({r.low}) to {r.max} ({r.high})"


# --------------------------------------------------------------------------- reading


def read_survey(
    source: str | Path | bytes, file: str | None, scales: Sequence[str]
) -> pd.DataFrame:
    """Read a survey file and check it against the chosen scales.

    Every problem is found before anything is refused (a coordinator fixing an export
    wants the whole list): a missing ``id`` column, a missing item column, an answer that
    is not a whole number or lies outside its scale's range, an empty or repeated id, a
    ``participant`` value that is not yes or no. Rows are numbered as the file's lines,
    the header being row 1. Other columns are kept as text and otherwise ignored.

    Args:
        source: a path, or the raw bytes of an uploaded file (CSV or XLSX).
        file: the name to use in messages (defaults to the path, or "survey").
        scales: keys of ``instruments.yaml`` whose items the file must have.

    Returns:
        One row per respondent, indexed by file row: ``id`` (text), ``participant``
        (bool, only when the file has the column), every item column as a float with
        ``nan`` for an unanswered question, answers as given (reverse coding is
        :func:`score_scales`' job), then the file's other columns.

    Raises:
        EvaluationError: an unknown scale, a file that cannot be read as a table, or the
            list of every problem in it.
    """
    chosen = _scales(scales)
    name = file or (str(source) if not isinstance(source, bytes) else "survey")
    try:
        frame, _ = read_table(source, name)
    except RosterError as exc:
        raise EvaluationError([_about_a_survey(p) for p in exc.problems]) from None
    frame, problems = _columns(frame, chosen, name)
    rows = frame.index.to_numpy(dtype=np.int64)
    if frame.empty:
        problems.append(
            Problem("has a header but no respondents", "add one row per respondent", name, row=2)
        )
    survey = pd.DataFrame(index=frame.index)
    if "id" in frame.columns:
        survey["id"] = frame["id"]
        problems += _ids(frame["id"], rows, name)
    if PARTICIPANT in frame.columns:
        flags, bad = _participants(frame[PARTICIPANT], rows, name)
        survey[PARTICIPANT] = flags
        problems += bad
    for s in chosen:
        for item in s.items:
            if item.key in frame.columns:
                answers, bad = _answers(frame[item.key], s, rows, name)
                survey[item.key] = answers
                problems += bad
    if problems:
        raise EvaluationError(sorted(problems, key=lambda p: p.row or 0))
    others = [c for c in frame.columns if c not in survey.columns]
    return pd.concat([survey, frame[others]], axis=1)


def _about_a_survey(problem: Problem) -> Problem:
    """A problem of the shared table reader, worded for a survey rather than a roster."""
    return Problem(
        re.sub(r"\broster\b", "survey", problem.message),
        re.sub(r"\broster\b", "survey", problem.fix),
        problem.file,
        problem.field,
        problem.row,
        problem.value,
    )


def _normal(header: str) -> str:
    """A header as a column key: case, spaces and hyphens forgiven (``Career support 1``)."""
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _columns(
    frame: pd.DataFrame, chosen: Sequence[knowledge.Scale], name: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """The table with the wanted columns under their keys, and the missing ones."""
    wanted: dict[str, str] = {"id": "every survey needs it", PARTICIPANT: ""}
    for s in chosen:
        for number, item in enumerate(s.items, start=1):
            wanted[item.key] = f"item {number} of {s.title}"
    found: dict[str, list[str]] = {}
    for header in frame.columns:
        key = header if header in wanted else _normal(header)
        if key in wanted:
            found.setdefault(key, []).append(header)
    repeated = {key: headers for key, headers in found.items() if len(headers) > 1}
    problems = [
        Problem(
            f"{len(headers)} columns are {key!r}: {', '.join(repr(h) for h in headers)}",
            "keep one of them",
            name,
            key,
            row=1,
        )
        for key, headers in repeated.items()
    ]
    problems += [
        Problem(
            f"required column {key!r} is missing ({why})",
            (
                "add a column named 'id' with one id per respondent (an anonymous "
                "respondent number will do)"
                if key == "id"
                else f"add a column named {key!r} holding the answers to that question"
            ),
            name,
            key,
            row=1,
        )
        for key, why in wanted.items()
        if why and key not in found
    ]
    # A repeated column is reported, not read: which of them holds the answers is unknown.
    ambiguous = {h for headers in repeated.values() for h in headers}
    frame = frame.loc[:, [h not in ambiguous for h in frame.columns]]
    renamed = {h[0]: key for key, h in found.items() if len(h) == 1 and h[0] != key}
    return frame.rename(columns=renamed), problems


def _ids(ids: pd.Series, rows: npt.NDArray[np.int64], name: str) -> list[Problem]:
    """Every respondent has an id, and no one is counted twice."""
    problems = []
    first: dict[str, int] = {}
    for value, row in zip(ids.to_numpy(dtype=object), rows, strict=True):
        if value == "":
            problems.append(
                Problem(
                    "id is empty",
                    "give every respondent an id (an anonymous respondent number will do)",
                    name,
                    "id",
                    int(row),
                    value,
                )
            )
        elif value in first:
            problems.append(
                Problem(
                    f"duplicate id: also on row {first[value]}",
                    "keep one answer per respondent",
                    name,
                    "id",
                    int(row),
                    value,
                )
            )
        else:
            first[value] = int(row)
    return problems


def _participants(
    column: pd.Series, rows: npt.NDArray[np.int64], name: str
) -> tuple[pd.Series, list[Problem]]:
    """The participant flags (yes/no, true/false, 1/0) and the values that are neither;
    an empty cell is one of those, not a no: nobody is left out on a guess."""
    flags = [PARTICIPANT_VALUES.get(str(v).lower()) for v in column]
    problems = [
        Problem(
            "participant is not yes or no",
            "write yes for someone who took part in the program and no for someone who did not",
            name,
            PARTICIPANT,
            int(row),
            value,
        )
        for value, flag, row in zip(column, flags, rows, strict=True)
        if flag is None
    ]
    return pd.Series([f is True for f in flags], index=column.index, dtype=bool), problems


def _answers(
    column: pd.Series, s: knowledge.Scale, rows: npt.NDArray[np.int64], name: str
) -> tuple[pd.Series, list[Problem]]:
    """An item's answers as numbers (``nan`` where blank) and the cells that are not an
    answer on the scale's range."""
    low, high = s.response.min, s.response.max
    fix = (
        f"write a whole number from {_range_text(s)}, or leave the cell empty if the "
        "question was not answered"
    )
    key = str(column.name)
    values = np.full(len(column), np.nan)
    problems = []
    for i, (text, row) in enumerate(zip(column, rows, strict=True)):
        if text == "":
            continue
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not number.is_integer():
            problems.append(Problem(f"{key} is not a whole number", fix, name, key, int(row), text))
        elif not low <= number <= high:
            problems.append(
                Problem(
                    f"{key} is outside the scale's range {low} to {high}",
                    fix,
                    name,
                    key,
                    int(row),
                    text,
                )
            )
        else:
            values[i] = number
    return pd.Series(values, index=column.index, name=key), problems


# --------------------------------------------------------------------------- scoring


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha: ``k / (k - 1) * (1 - sum of item variances / variance of totals)``.

    How much of the spread of the respondents' totals is shared by the items rather than
    peculiar to each; sample variances (``ddof=1``), as SPSS, R's psych and pingouin
    compute it.

    Args:
        items: rows respondents, columns items, every answer present (complete cases).

    Returns:
        Alpha (at most 1, negative when the items disagree), or ``nan`` when every
        respondent has the same total (the formula divides by zero).

    Raises:
        ValueError: fewer than two items or two respondents, or a missing answer (the
            caller's bug: :func:`score_scales` keeps complete cases).
    """
    n, k = items.shape
    if k < 2 or n < 2:
        raise ValueError(f"alpha needs two items and two respondents, not {k} and {n}")
    values = items.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError("alpha is computed on complete cases: drop rows with a missing answer")
    total_variance = float(values.sum(axis=1).var(ddof=1))
    if total_variance == 0:
        return math.nan
    item_variance = float(values.var(axis=0, ddof=1).sum())
    return k / (k - 1) * (1 - item_variance / total_variance)


def score_scales(
    survey: pd.DataFrame, scales: Sequence[str], *, participants_only: bool = True
) -> list[ScaleScore]:
    """Score each scale of a survey :func:`read_survey` returned.

    Each respondent's scale score is the mean of their answers to its items, reverse-coded
    items recoded as ``min + max - answer`` first; respondents who left an item of the
    scale blank are not counted for that scale (their mean would be of other questions).

    Args:
        survey: the answers, as :func:`read_survey` returns them.
        scales: keys of ``instruments.yaml``, in the order the scores are wanted.
        participants_only: keep only rows whose ``participant`` is yes. A survey without
            that column is taken to have been answered by participants only.

    Raises:
        EvaluationError: an unknown scale (naming the known ones), or a scale whose item
            columns the survey lacks.
    """
    chosen = _scales(scales)
    missing = [
        Problem(
            f"the survey has no column {item.key!r} for {s.title}",
            "read the survey with read_survey for the same scales",
            field=item.key,
        )
        for s in chosen
        for item in s.items
        if item.key not in survey.columns
    ]
    if missing:
        raise EvaluationError(missing)
    if participants_only and PARTICIPANT in survey.columns:
        survey = survey[survey[PARTICIPANT].astype(bool)]
    return [_score(survey, s) for s in chosen]


def _score(survey: pd.DataFrame, s: knowledge.Scale) -> ScaleScore:
    low, high = s.response.min, s.response.max
    answers = survey[[i.key for i in s.items]].astype(float)
    for item in s.items:
        if item.reverse:
            answers[item.key] = low + high - answers[item.key]
    complete = answers.dropna(how="any")
    n = len(complete)
    left_out = int(answers.notna().any(axis=1).sum()) - n
    notes = []
    if left_out == 1:
        notes.append("1 respondent left a question of this scale blank and is not counted.")
    elif left_out:
        notes.append(
            f"{left_out} respondents left a question of this scale blank and are not counted."
        )
    if n < SMALLEST_GROUP:
        notes.insert(
            0,
            f"Not shown: fewer than {SMALLEST_GROUP} respondents answered every question "
            "of this scale, and figures about so few could identify a person's answers.",
        )
        return ScaleScore(s.key, s.title, n, None, None, None, None, " ".join(notes), True)
    # imported here: only scoring a survey needs it (scipy ships no type hints)
    from scipy import stats  # type: ignore[import-untyped, unused-ignore]

    means = complete.mean(axis=1).to_numpy()
    mean = float(means.mean())
    half = float(stats.t.ppf(0.975, n - 1) * means.std(ddof=1) / math.sqrt(n))
    alpha: float | None = None
    if len(s.items) > 1:
        alpha = cronbach_alpha(complete)
        if math.isnan(alpha):
            alpha = None
            notes.insert(
                0,
                "Reliability cannot be worked out: every respondent gave the same total.",
            )
        elif alpha < RELIABILITY_FLOOR:
            notes.insert(
                0,
                f"Low reliability: Cronbach's alpha is {alpha:.2f}, under "
                f"{RELIABILITY_FLOOR}, so these questions do not measure one thing well "
                "in this group; read the mean with care.",
            )
    return ScaleScore(
        s.key, s.title, n, mean, mean - half, mean + half, alpha, " ".join(notes), False
    )
