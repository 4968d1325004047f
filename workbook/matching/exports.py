"""Write a matching run's files for the coordinator, safely.

Files (in the output folder)::

    matches.csv      mentee_id, mentee_name, mentor_id, mentor_name, score, reasons,
                     margin (points ahead of the mentee's next best mentor, empty when
                     there is none), close_call (yes or no; workbook.matching.robustness),
                     close_because (why, in words)
    unmatched.csv    mentee_id, mentee_name, reason, alternatives
    matches.xlsx     the same for people: headers in words (Mentee, Mentor, Match score
                     (0-100), Why), scores shown as whole numbers, a Pinned column, Groups
                     / Shortlist sheets, and a Summary sheet saying how it was computed
    summary.json     counts, scores, objective, optimal, solver, seconds
    groups.csv       group mode only;  shortlist.csv  shortlist mode only
    pair_scores.csv  with all_scores: every allowed pair and its score, for audits
    running_pairs.csv  with running pairs (--keep): each one, kept or not, and why; the
                     matches then have a ``kept`` column (yes for a running pair kept)

The CSV files keep their machine column names (``mentee_id`` ...): scripts, the
``--previous`` option and the review read them. The Excel file is the one people open,
so its headers are words (:data:`HEADERS`); a reason reads the same in both.

Three promises:

* **Safe to open in Excel.** A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or
  carriage return is prefixed with ``'`` so Excel shows it instead of running it (OWASP
  "CSV injection"); numbers stay numbers. CSVs are UTF-8 with a byte-order mark, which
  is what makes Excel read accented names correctly.
* **Atomic, and never over someone else's file.** Every file is built in memory and
  written by :func:`workbook.store.write_outputs`: the folder may be new, or one this
  workbook wrote before (``.workbook-exports.json`` records what it wrote); a file that
  was not written by the workbook, or was edited since, is refused with
  :class:`~workbook.errors.ExistsError` and nothing is written. ``review.csv`` and other
  files in the folder are never touched.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from workbook import archive
from workbook.matching.explain import computation, in_words
from workbook.matching.values import DANGEROUS
from workbook.store import write_outputs

if TYPE_CHECKING:
    from workbook.matching.explain import MatchResult

MANIFEST = ".workbook-exports.json"
HEADERS = {
    "mentee_id": "Mentee ID",
    "mentee_name": "Mentee",
    "mentor_id": "Mentor ID",
    "mentor_name": "Mentor",
    "score": "Match score (0-100)",
    "reasons": "Why",
    "pinned": "Pinned by the coordinator",
    "kept": "Running pair kept",
    "why": "Why not kept, or a note",
    "reason": "Why not matched",
    "alternatives": "Nearest mentors",
    "rank": "Choice",
    "size": "Mentees in the group",
    "mean_score": "Mean match score (0-100)",
    "mentee_ids": "Mentee IDs",
    "mentee_names": "Mentees",
    "margin": "Ahead of the next best mentor (points)",
    "close_call": "Close call",
    "close_because": "Why a close call",
}
"""The Excel file's header for each column of a result's tables."""
SCORES = ("Match score (0-100)", "Mean match score (0-100)")
"""Columns shown as whole numbers (the cell keeps the exact score, for audits)."""
WRAPPED = ("Why", "Why not matched", "Nearest mentors", "Value", "Why not kept, or a note")
WIDTHS = {
    "Why": 80,
    "Why not matched": 60,
    "Why not kept, or a note": 60,
    "Nearest mentors": 60,
    "Mentee": 24,
    "Mentor": 24,
    "Mentees": 40,
    "What": 36,
    "Value": 60,
}
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """Make a text cell inert in a spreadsheet; leave numbers and other values alone."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised (vectorised per column)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            text = out[column].astype(str)
            bad = text.str.startswith(DANGEROUS)
            out[column] = text.where(~bad, "'" + text)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM, text cells neutralised."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame], widths: dict[str, int] | None = None) -> bytes:
    """A formatted workbook: bold shaded header, frozen header row, filters, widths, wrapping."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    widths = widths or {}
    book = Workbook(write_only=True)
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="305496")
    wrap = Alignment(wrap_text=True, vertical="top")
    for title, frame in sheets.items():
        sheet = book.create_sheet(title)
        for k, column in enumerate(frame.columns, start=1):
            sheet.column_dimensions[get_column_letter(k)].width = widths.get(
                column, min(60, max(10, len(column) + 2))
            )
        sheet.freeze_panes = "A2"
        if len(frame.columns):
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
        header = []
        for column in frame.columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font, cell.fill = bold, fill
            header.append(cell)
        sheet.append(header)
        # One styled cell per column, filled again for each row: a write-only sheet
        # writes a row as it is appended, so the cell is free again for the next one
        # (a new cell per value, with its style looked up again, cost most of the time).
        wrapped: dict[int, WriteOnlyCell] = {}
        numbers: dict[int, WriteOnlyCell] = {}
        for k, c in enumerate(frame.columns):
            if c in WRAPPED:
                wrapped[k] = WriteOnlyCell(sheet)
                wrapped[k].alignment = wrap
            else:
                numbers[k] = WriteOnlyCell(sheet)
                numbers[k].number_format = "0" if c in SCORES else "0.0"
        for row in frame.itertuples(index=False):
            cells: list[object] = []
            for k, value in enumerate(row):
                if isinstance(value, str):
                    value = _ILLEGAL_XML.sub("", str(neutralise(value)))
                if k in wrapped:
                    cell = wrapped[k]
                    cell.value = value
                    cells.append(cell)
                elif isinstance(value, float):
                    cell = numbers[k]
                    cell.value = value
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return archive.pin(buffer.getvalue())


def excel_sheets(result: MatchResult) -> dict[str, pd.DataFrame]:
    """The Excel file's sheets, headers in words: Matches (with a Pinned column),
    Unmatched, Groups or Shortlist in those modes, and Summary (how it was computed)."""
    matches = result.matches.copy()
    matches["pinned"] = matches["pinned"].map({True: "yes", False: ""})
    if "close_call" in matches:  # robustness: a margin cell is empty without another mentor
        matches["close_call"] = matches["close_call"].map({True: "yes", False: ""})
        matches["margin"] = matches["margin"].astype(object).where(matches["margin"].notna(), None)
    if "kept" in matches:
        matches["kept"] = matches["kept"].map({True: "yes", False: ""})
    sheets = {"Matches": matches, "Unmatched": result.unmatched}
    if result.running is not None:
        sheets["Running pairs"] = result.running
    if result.groups is not None:
        sheets["Groups"] = result.groups
    if result.shortlist is not None:
        sheets["Shortlist"] = result.shortlist
    sheets = {k: v.rename(columns=HEADERS) for k, v in sheets.items()}
    rows = [("In short", in_words(result)), *computation(result.summary)]
    sheets["Summary"] = pd.DataFrame(rows, columns=["What", "Value"])
    return sheets


def build_files(
    result: MatchResult, all_scores: bool = False, excel: bool = True
) -> dict[str, bytes]:
    """Every export's bytes, keyed by file name (nothing touches the disk here).

    Args:
        excel: include matches.xlsx. The app leaves it out until someone asks for it:
            building it loads openpyxl, about 11 MB in every session's kernel.
    """
    matches = result.matches.drop(columns=["pinned"])
    if "close_call" in matches:
        matches["close_call"] = matches["close_call"].map({True: "yes", False: "no"})
    if "kept" in matches:  # a plain column, as people and the next --keep read it
        matches["kept"] = matches["kept"].map({True: "yes", False: ""})
    files = {
        "matches.csv": to_csv_bytes(matches),
        "unmatched.csv": to_csv_bytes(result.unmatched),
    }
    if result.running is not None:
        files["running_pairs.csv"] = to_csv_bytes(result.running)
    if result.groups is not None:
        files["groups.csv"] = to_csv_bytes(result.groups)
    if result.shortlist is not None:
        files["shortlist.csv"] = to_csv_bytes(result.shortlist)
    if excel:
        files["matches.xlsx"] = to_xlsx_bytes(excel_sheets(result), WIDTHS)
    body = json.dumps(result.summary.as_dict(), indent=2) + "\n"
    files["summary.json"] = body.encode("utf-8")
    if all_scores:
        files["pair_scores.csv"] = to_csv_bytes(result.pair_scores())
    return files


def write_exports(
    result: MatchResult, outdir: Path, all_scores: bool = False, excel: bool = True
) -> list[Path]:
    """Write the exports into ``outdir`` (created if missing) and return their paths.

    Writing again with ``excel=True`` after a run without it adds matches.xlsx (the
    other files are rewritten with the same bytes).

    Raises:
        ExistsError: a file we would write is already there and was not written by the
            workbook, or was edited since; nothing is written.
        StoreError: the folder cannot be created or written.
    """
    return write_outputs(outdir, build_files(result, all_scores, excel), MANIFEST)
