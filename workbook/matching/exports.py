"""Write a matching run's files for the coordinator, safely.

Files (in the output folder)::

    matches.csv      mentee_id, mentee_name, mentor_id, mentor_name, score, reasons
    unmatched.csv    mentee_id, mentee_name, reason, alternatives
    matches.xlsx     the same, formatted (plus Groups / Shortlist and Summary sheets)
    summary.json     counts, scores, objective, optimal, solver, seconds
    groups.csv       group mode only;  shortlist.csv  shortlist mode only
    pair_scores.csv  with all_scores: every allowed pair and its score, for audits

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
from workbook.store import write_outputs

if TYPE_CHECKING:
    from workbook.matching.explain import MatchResult

MANIFEST = ".workbook-exports.json"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """Make a text cell inert in a spreadsheet; leave numbers and other values alone."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised (vectorised per column)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            text = out[column].astype(str)
            bad = text.str.startswith(_DANGEROUS)
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
        wrapped = {
            k for k, c in enumerate(frame.columns) if c in ("reasons", "reason", "alternatives")
        }
        for row in frame.itertuples(index=False):
            cells: list[object] = []
            for k, value in enumerate(row):
                if isinstance(value, str):
                    value = _ILLEGAL_XML.sub("", str(neutralise(value)))
                if k in wrapped:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.alignment = wrap
                    cells.append(cell)
                elif isinstance(value, float):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "0.0"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return archive.pin(buffer.getvalue())


def build_files(
    result: MatchResult, all_scores: bool = False, excel: bool = True
) -> dict[str, bytes]:
    """Every export's bytes, keyed by file name (nothing touches the disk here).

    Args:
        excel: include matches.xlsx. The app leaves it out until someone asks for it:
            building it loads openpyxl, about 11 MB in every session's kernel.
    """
    matches = result.matches.drop(columns=["pinned"])
    files = {
        "matches.csv": to_csv_bytes(matches),
        "unmatched.csv": to_csv_bytes(result.unmatched),
    }
    sheets = {"Matches": matches, "Unmatched": result.unmatched}
    if result.groups is not None:
        files["groups.csv"] = to_csv_bytes(result.groups)
        sheets["Groups"] = result.groups
    if result.shortlist is not None:
        files["shortlist.csv"] = to_csv_bytes(result.shortlist)
        sheets["Shortlist"] = result.shortlist
    summary = {k: v for k, v in result.summary.as_dict().items() if k != "weights"}
    sheets["Summary"] = pd.DataFrame(
        {"item": list(summary), "value": [str(v) for v in summary.values()]}
    )
    if excel:
        files["matches.xlsx"] = to_xlsx_bytes(
            sheets,
            {
                "reasons": 80,
                "reason": 60,
                "alternatives": 60,
                "mentee_name": 24,
                "mentor_name": 24,
                "item": 20,
                "value": 30,
            },
        )
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
