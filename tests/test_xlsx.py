"""The Excel writer: what a coordinator opening matches.xlsx gets, read back by openpyxl.

openpyxl (a test dependency here, no longer used to write) parses the file as Excel
would: sheets in order, values with their types, the header's style, the frozen row,
filters, widths, wrapping and number formats. Text is never a formula.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbook import xlsx
from workbook.exports import to_xlsx_bytes


def book_of(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_values_keep_their_types_and_text_is_never_a_formula() -> None:
    rows = [
        ["a", 1, 2.5, True, None],
        ["=SUM(A1)", np.int64(7), np.float64(81.25), np.bool_(False), float("nan")],
        ["  spaced  ", 0, -1.0, False, pd.NA],
        ["<b>&amp;</b>\x07bell", 10**12, 1e-3, True, "x"],
    ]
    data = xlsx.workbook_bytes({"Data": xlsx.Sheet(["t", "i", "f", "b", "m"], rows)})
    sheet = book_of(data)["Data"]
    got = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert got == [
        ["a", 1, 2.5, True, None],
        ["=SUM(A1)", 7, 81.25, False, None],
        ["  spaced  ", 0, -1, False, None],
        ["<b>&amp;</b>bell", 10**12, 0.001, True, "x"],
    ]
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)
    assert sheet["A3"].data_type == "s" and sheet["B3"].data_type == "n"


def test_header_filters_frozen_row_widths_wrapping_and_decimals() -> None:
    frame = pd.DataFrame(
        {"mentee_id": ["P1", "P2"], "score": [81.25, 70.0], "reasons": ["long " * 30, "x"]}
    )
    book = book_of(to_xlsx_bytes({"Matches": frame, "Empty": frame.iloc[:0]}, {"reasons": 80}))
    assert book.sheetnames == ["Matches", "Empty"]
    sheet = book["Matches"]
    assert [c.value for c in sheet[1]] == ["mentee_id", "score", "reasons"]
    header = sheet["A1"]
    assert header.font.b and header.font.color.rgb == "FFFFFFFF"
    assert header.fill.fill_type == "solid" and header.fill.fgColor.rgb == "FF305496"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"
    assert sheet.column_dimensions["C"].width == 80
    assert sheet.column_dimensions["A"].width == 11  # the name's length + 2, at least 10
    assert sheet["C2"].alignment.wrap_text and sheet["C2"].alignment.vertical == "top"
    assert sheet["B2"].number_format == "0.0" and sheet["B2"].value == 81.25
    assert book["Empty"].max_row == 1 and book["Empty"].freeze_panes == "A2"


def test_pandas_reads_it_back() -> None:
    frame = pd.DataFrame({"name": ["Zoë Ñ", "'+Eve"], "score": [1.5, 2.0], "n": [1, 2]})
    back = pd.read_excel(io.BytesIO(to_xlsx_bytes({"S": frame})), sheet_name="S")
    assert back.to_dict("list") == frame.to_dict("list")


def test_the_archive_is_well_formed_and_reproducible() -> None:
    sheets = {"A": xlsx.Sheet(["x"], [[1]]), "B's": xlsx.Sheet(["y"], [["z"]])}
    data = xlsx.workbook_bytes(sheets)
    assert data == xlsx.workbook_bytes(sheets)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names[0] == "[Content_Types].xml" and "xl/worksheets/sheet2.xml" in names
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
    assert book_of(data).sheetnames == ["A", "B's"]


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "what?"])
def test_a_sheet_name_excel_refuses_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="sheet name"):
        xlsx.workbook_bytes({name: xlsx.Sheet(["x"], [])})


def test_column_letters() -> None:
    assert [xlsx.column_letter(k) for k in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_writing_a_workbook_needs_no_openpyxl() -> None:
    code = (
        "import sys\n"
        "import pandas as pd\n"
        "from workbook.exports import to_xlsx_bytes\n"
        "to_xlsx_bytes({'S': pd.DataFrame({'a': [1.5]})})\n"
        "print(sorted(m for m in ('openpyxl', 'lxml', 'PIL') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
