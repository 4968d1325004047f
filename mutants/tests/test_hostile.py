"""Hostile and absurd input, generated: every command answers in words, in time.

Property tests (Hypothesis) over the three ways input enters the workbook. For every
generated input the command line exits 0 or 2 (never 1 with a traceback), and each
example finishes within the deadline below (30 s):

* designs: the example design with up to 6 of its values replaced, by values of their
  own kind pushed to extremes (long text, numbers up to 10**12, any date, a list of up to
  80 entries) or by arbitrary YAML values (huge and infinite numbers, nested sections),
  150 examples, through ``workbook validate`` and, for a valid one, ``workbook charter``;
* YAML files: arbitrary text up to 2,000 characters and arbitrary bytes up to 2,000,
  200 examples, through ``workbook validate``;
* rosters: up to 12 rows of up to 9 columns, headers drawn from the roster's columns and
  cells from ids, roles, numbers and text, 150 examples, through ``workbook match``;
  arbitrary bytes up to 2,000, 100 examples.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
from typing import Any

import yaml
from click.testing import CliRunner
from helpers import EXAMPLE_DESIGN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook.cli import cli
from workbook.matching.tables import CANONICAL

DEADLINE = dt.timedelta(seconds=30)
"""Per example, with room for a loaded CI machine: the slowest path (a valid design's
charter in three formats) takes about a second on an idle one."""
SETTINGS = settings(
    deadline=DEADLINE,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
EXAMPLE: dict[str, Any] = yaml.safe_load(EXAMPLE_DESIGN.read_text("utf-8"))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "1e309", ".inf", "9999-12-31", "0001-01-01", "NaN"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in the example design."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*prefix, i))
    return found


PATHS = _paths(EXAMPLE)


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _run(args: list[str]) -> Any:
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {result.exception!r}"
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result


def _like(original: Any) -> st.SearchStrategy[Any]:
    """A value of the original's kind, pushed to its extremes (most of a design's values
    keep their type, so the design often stays valid and reaches the charter)."""
    if isinstance(original, bool):
        return st.booleans()
    if isinstance(original, int):
        return st.integers(min_value=-(10**12), max_value=10**12)
    if isinstance(original, float):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if isinstance(original, dt.date):
        return st.dates()
    if isinstance(original, str):
        return st.text(max_size=400)
    if isinstance(original, list) and original:
        return st.lists(st.just(original[0]), max_size=80)  # many copies of an entry
    return values


@st.composite
def changed_designs(draw: st.DrawFn) -> dict[str, Any]:
    """The example design with up to 6 values replaced, most by one of their own kind."""
    data = copy.deepcopy(EXAMPLE)
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        path = draw(st.sampled_from(PATHS))
        with contextlib.suppress(KeyError, IndexError, TypeError):
            original = data
            for key in path:
                original = original[key]
            value = draw(
                st.one_of(_like(original), values) if draw(st.booleans()) else _like(original)
            )
            _replace(data, path, value)
    return data


@settings(SETTINGS, max_examples=150)
@given(data=changed_designs())
def test_a_design_with_absurd_values_is_refused_in_words_or_charted(
    tmp_path_factory: Any, data: dict[str, Any]
) -> None:
    folder = tmp_path_factory.mktemp("design")
    design = folder / "design.yaml"
    design.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = _run(["validate", str(design)])
    if result.exit_code == 0:
        _run(["charter", str(design), "-o", str(folder / "charter")])


@settings(SETTINGS, max_examples=200)
@given(text=st.text(max_size=2000))
def test_any_text_as_a_design_file(tmp_path_factory: Any, text: str) -> None:
    design = tmp_path_factory.mktemp("text") / "design.yaml"
    design.write_text(text, "utf-8", errors="surrogatepass")
    _run(["validate", str(design)])


@settings(SETTINGS, max_examples=200)
@given(raw=st.binary(max_size=2000))
def test_any_bytes_as_a_design_file(tmp_path_factory: Any, raw: bytes) -> None:
    design = tmp_path_factory.mktemp("bytes") / "design.yaml"
    design.write_bytes(raw)
    _run(["validate", str(design)])


cells = st.one_of(
    st.sampled_from(["", "p1", "p2", "p3", "mentor", "mentee", "both", "x;y", "p1;p2"]),
    st.sampled_from(["1", "-2", "1e300", "inf", "nan", "0.5", "Europe/London", "Mars/Base"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),
)
headers = st.lists(st.sampled_from([*CANONICAL, "site", "", "id"]), min_size=1, max_size=9)


@settings(SETTINGS, max_examples=150)
@given(header=headers, rows=st.lists(st.lists(cells, max_size=9), max_size=12))
def test_a_roster_with_absurd_cells_is_refused_in_words_or_matched(
    tmp_path_factory: Any, header: list[str], rows: list[list[str]]
) -> None:
    import csv
    import io

    folder = tmp_path_factory.mktemp("roster")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    (folder / "roster.csv").write_text(buffer.getvalue(), "utf-8")
    _run(["match", str(EXAMPLE_DESIGN), str(folder / "roster.csv"), "-o", str(folder / "out")])


@settings(SETTINGS, max_examples=100)
@given(raw=st.binary(max_size=2000))
def test_any_bytes_as_a_roster(tmp_path_factory: Any, raw: bytes) -> None:
    folder = tmp_path_factory.mktemp("raw")
    (folder / "roster.csv").write_bytes(raw)
    _run(["match", str(EXAMPLE_DESIGN), str(folder / "roster.csv"), "-o", str(folder / "out")])
