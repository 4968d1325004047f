"""Read a roster file into a table of text and give its columns their canonical names.

This is the part of reading a roster that is about the file, not the people in it: HR
exports arrive as CSV in UTF-8, UTF-8 with a byte-order mark, Windows-1252 (what Excel
writes by default on Windows), UTF-16 ("Unicode text"), with commas, semicolons or tabs,
or as an XLSX workbook (first sheet). :func:`read_table` turns any of them into a table
whose every cell is a ``str`` and whose index is the row number in the file, so every
later message points at the right row; :func:`map_columns` renames the headers to
:data:`CANONICAL`. Judging the rows is :mod:`workbook.matching.roster`'s job.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from workbook import files
from workbook.errors import Problem, RosterError

CANONICAL = (
    "id",
    "name",
    "email",
    "role",
    "department",
    "manager_id",
    "level",
    "timezone",
    "skills_offered",
    "skills_wanted",
    "goals",
    "languages",
    "capacity",
    "preferences",
    "exclude",
)
"""The roster's columns, in the order a validated roster has them."""

ROSTER_FILE = files.Kind(
    "a roster", 200 * files.MB, RosterError, "give the path of a .csv or .xlsx file"
)
"""What a roster file may be: a regular file of at most 200 MB (20,000 people and their
columns take a few MB)."""


# --------------------------------------------------------------------------- reading


def read_table(source: str | Path | bytes, file: str | None = None) -> tuple[pd.DataFrame, str]:
    """Read a CSV or XLSX file into a table of text, without judging its content.

    Args:
        source: a path, or the raw bytes of an uploaded file.
        file: the name to use in messages (defaults to the path).

    Returns:
        The table (every cell a ``str``, header cleaned of BOM and spaces) and the
        encoding that was used.

    Raises:
        RosterError: the file is missing, empty, binary, ragged or otherwise not a table;
            every ragged row is listed.
    """
    if isinstance(source, bytes):
        raw, name = source, file or "roster"
        if len(raw) > ROSTER_FILE.cap:
            raise RosterError(
                Problem(
                    f"is larger than {files.cap_text(ROSTER_FILE.cap)}",
                    "split the roster or remove columns",
                    name,
                )
            )
    else:
        path = Path(source)
        name = file or str(path)
        read = files.read(path, ROSTER_FILE)
        if read is None:
            raise RosterError(Problem("does not exist", "check the path", name))
        raw = read
    if not raw.strip():
        raise RosterError(
            Problem(
                "is empty", "export the roster again with a header row and one row per person", name
            )
        )
    if raw[:4] == b"PK\x03\x04":
        return _read_xlsx(raw, name), "xlsx"
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterError(
            Problem(
                "is an old Excel .xls file",
                "open it in Excel and save it as .xlsx or as CSV UTF-8",
                name,
            )
        )
    text, encoding = _decode(raw, name)
    return _read_csv_text(text, name), encoding


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    """Decode the bytes the way the file was most probably saved."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw[:8192]:
        raise RosterError(
            Problem(
                "is not a table: it is a binary file",
                "export the roster as CSV (UTF-8) or XLSX",
                name,
            )
        )
    if raw[:3] == b"\xef\xbb\xbf":
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Excel on Windows saves "CSV (Comma delimited)" as Windows-1252. Five byte values are
    # undefined there; Latin-1 maps them to control characters instead of failing.
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _sniff_delimiter(header: str) -> str:
    """The delimiter of the header row: comma, or semicolon/tab as some locales save."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _read_csv_text(text: str, name: str) -> pd.DataFrame:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise RosterError(
            Problem(f"is not a table: {exc}", "export the roster again as CSV", name)
        ) from None
    return _rows_to_frame(rows, name)


MAX_ROWS = 200_000
"""Rows a roster sheet may have (the header included): ten times the largest roster the
benchmarks match, whatever size the sheet claims to be."""
MAX_COLUMNS = 200
"""Columns a roster sheet may use; empty cells further right are ignored."""
MAX_UNZIPPED = 1024 * files.MB
"""What the parts of an XLSX file may unpack to, together (a zip bomb unpacks to more)."""
ERROR_VALUES = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)
"""What a spreadsheet shows in a cell whose formula failed."""


def _open_book(raw: bytes, name: str, *, data_only: bool) -> Any:
    import openpyxl  # imported here: only XLSX rosters need it

    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RosterError(
            Problem(
                f"is not a table: the XLSX file cannot be opened ({exc})",
                "open it in Excel and save it again as .xlsx or CSV UTF-8",
                name,
            )
        ) from None


def _read_xlsx(raw: bytes, name: str) -> pd.DataFrame:
    """The first sheet of an XLSX file, read as a stream whatever size it claims.

    openpyxl pads every row to the sheet's declared dimension; a 5 KB file claiming
    column XFD and row 1,048,576 would take gigabytes. The dimension is ignored, rows
    and columns are bounded, and a cell that holds no value a person could read (a
    formula nobody calculated, an error such as ``#REF!``) is a problem with its row and
    column, never an empty value: an uncalculated manager_id must not read as "no
    manager" (rule R1).

    Raises:
        RosterError: not an XLSX file, too large, or cells without a value.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            has_formulas = unzipped <= MAX_UNZIPPED and any(
                _holds(archive, info, b"<f")
                for info in archive.infolist()
                if info.filename.startswith("xl/worksheets/")
            )
    except zipfile.BadZipFile as exc:
        raise RosterError(
            Problem(
                f"is not a table: the XLSX file cannot be opened ({exc})",
                "open it in Excel and save it again as .xlsx or CSV UTF-8",
                name,
            )
        ) from None
    if unzipped > MAX_UNZIPPED:
        raise RosterError(
            Problem(
                f"unpacks to more than {files.cap_text(MAX_UNZIPPED)}, far more than a roster",
                "open it in Excel and save it again as .xlsx or CSV UTF-8",
                name,
            )
        )
    rows = _sheet_rows(_open_book(raw, name, data_only=True), name)
    problems = [
        Problem(
            f"the cell holds the spreadsheet error {value}",
            "correct the formula or type the value, then export the roster again",
            name,
            _column_name(rows, j),
            i + 1,
            value,
        )
        for i, row in enumerate(rows)
        for j, value in enumerate(row)
        if value in ERROR_VALUES
    ]
    if has_formulas:
        problems += _uncalculated(raw, rows, name)
    if problems:
        raise RosterError(sorted(problems, key=lambda p: p.row or 0)[:500])
    return _rows_to_frame(rows, name)


def _holds(archive: zipfile.ZipFile, info: zipfile.ZipInfo, needle: bytes) -> bool:
    """Whether a member of the archive contains ``needle``, read a megabyte at a time."""
    tail = b""
    with archive.open(info) as member:
        while chunk := member.read(files.MB):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


def _sheet_rows(book: Any, name: str) -> list[list[str]]:
    """The first sheet's cells as text, bounded in rows and columns."""
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # read what is there, not what the file claims
        rows: list[list[str]] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise RosterError(
                    Problem(
                        f"has more than {MAX_ROWS:,} rows",
                        "remove empty or unused rows, or split the roster",
                        name,
                    )
                )
            cells = [_cell_text(v) for v in row]
            if any(c.strip() for c in cells[MAX_COLUMNS:]):
                raise RosterError(
                    Problem(
                        f"uses more than {MAX_COLUMNS} columns",
                        "keep the roster's columns and remove the others",
                        name,
                        row=number,
                    )
                )
            rows.append(cells[:MAX_COLUMNS])
        return rows
    finally:
        book.close()


def _uncalculated(raw: bytes, rows: list[list[str]], name: str) -> list[Problem]:
    """Formula cells with no saved result (scripts and some exporters write them so)."""
    book = _open_book(raw, name, data_only=False)
    problems = []
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        for i, row in enumerate(sheet.iter_rows(max_row=MAX_ROWS)):
            for j, cell in enumerate(row[:MAX_COLUMNS]):
                if getattr(cell, "data_type", None) != "f":
                    continue
                if i < len(rows) and j < len(rows[i]) and rows[i][j] != "":
                    continue  # the file kept the formula's result: that is the value
                problems.append(
                    Problem(
                        "the cell holds a formula whose result was never saved, so its value "
                        "is unknown",
                        "open the file in Excel (which calculates and saves the results) or "
                        "type the values, then export the roster again",
                        name,
                        _column_name(rows, j),
                        i + 1,
                        str(cell.value)[:60],
                    )
                )
    finally:
        book.close()
    return problems


def _column_name(rows: list[list[str]], j: int) -> str:
    """The header of column ``j`` (its letter when the header cell is empty)."""
    header = rows[0] if rows else []
    if j < len(header) and header[j].strip():
        return header[j].strip()
    from openpyxl.utils import get_column_letter

    return f"column {get_column_letter(j + 1)}"


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value)


def _rows_to_frame(rows: list[list[str]], name: str) -> pd.DataFrame:
    # Drop fully blank rows at the end (spreadsheets leave them) but keep row numbers.
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise RosterError(Problem("is empty", "export the roster again with a header row", name))
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    while header and header[-1] == "":
        header.pop()  # trailing empty header cells, as spreadsheets write them
    if len(header) < 2:
        raise RosterError(
            Problem(
                "is not a table: the first row has a single column",
                "the first row must name the columns (id,name,role,...) separated by commas",
                name,
                row=1,
                value=(rows[0][0] if rows[0] else "")[:60],
            )
        )
    problems = []
    width = len(header)
    body, numbers = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue  # a blank line or an empty spreadsheet row: not a person
        if len(row) > width and any(c.strip() for c in row[width:]):
            problems.append(
                Problem(
                    f"has {len(row)} values but the header has {width} columns",
                    "quote values that contain the delimiter, or remove the extra values",
                    name,
                    row=number,
                )
            )
            continue
        body.append((row + [""] * width)[:width])
        numbers.append(number)
    if problems:
        raise RosterError(problems)
    # The index is the row number in the file, so every message points at the right row.
    frame = pd.DataFrame(body, columns=header, dtype=object, index=pd.Index(numbers, name="row"))
    return frame.map(lambda v: v.strip()) if len(frame) else frame


# --------------------------------------------------------------------------- columns


def _normal(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def map_columns(frame: pd.DataFrame, column_map: dict[str, str], name: str) -> pd.DataFrame:
    """Rename the file's columns to canonical names.

    ``column_map`` (roster column -> canonical column) wins; otherwise a header that is
    a canonical name up to case, spaces and hyphens is taken as that name.

    Raises:
        RosterError: two columns end up with one name, or a mapping targets an unknown name.
    """
    problems = []
    by_normal = {_normal(k): v for k, v in column_map.items()}
    for source, target in column_map.items():
        if target not in CANONICAL:
            problems.append(
                Problem(
                    f"the column names read {source!r} as {target!r}, which is not a roster column",
                    f"read it as one of {', '.join(CANONICAL)}",
                    name,
                    field=source,
                )
            )
    renamed: list[str] = []
    for column in frame.columns:
        mapped = by_normal.get(_normal(column))
        if mapped is None:
            mapped = _normal(column) if _normal(column) in CANONICAL else column
        renamed.append(mapped)
    seen: dict[str, str] = {}
    for original, target in zip(frame.columns, renamed, strict=True):
        if target in seen:
            problems.append(
                Problem(
                    f"column {original!r} and column {seen[target]!r} are both {target!r}",
                    "remove or rename one of them",
                    name,
                    row=1,
                    field=target,
                )
            )
        seen[target] = original
    if problems:
        raise RosterError(problems)
    out = frame.copy()
    out.columns = renamed
    return out
