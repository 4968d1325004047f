"""SVG charts: geometry a reader relies on, escaping, accessibility, and no matplotlib.

The SVG is parsed back (BeautifulSoup's XML parser) rather than searched as a string, so
a test fails when a bar, a label or a title is missing or in the wrong place.
"""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from workbook import charts
from workbook.charter.timeline import Event

HOSTILE = "<script>alert(1)</script> & \"quotes\" 'too'"
D = dt.date


def parse(svg: str) -> BeautifulSoup:
    return BeautifulSoup(svg, "xml")


def events() -> list[Event]:
    return [
        Event("Recruitment", D(2027, 1, 4), D(2027, 2, 1), "phase"),
        Event("Kick-off", D(2027, 3, 1), D(2027, 3, 1), "milestone"),
        Event("Meetings", D(2027, 3, 1), D(2028, 3, 1), "phase"),
        Event("Closure", D(2028, 3, 1), D(2028, 3, 1), "milestone"),
    ]


def test_timeline_places_phases_as_bars_and_milestones_as_diamonds_in_date_order() -> None:
    plot = charts.timeline(events())
    bars = [m for m in plot.marks if m.kind == "bar"]
    diamonds = [m for m in plot.marks if m.kind == "diamond"]
    assert [m.tip for m in bars] == [
        "Recruitment: 2027-01-04 to 2027-02-01",
        "Meetings: 2027-03-01 to 2028-03-01",
    ]
    assert [m.tip for m in diamonds] == ["Kick-off: 2027-03-01", "Closure: 2028-03-01"]
    left, top, right, bottom = plot.area
    assert all(left <= m.x and m.x + m.width <= right for m in bars)
    # one row per event, top to bottom
    rows = [m.y + (m.height / 2 if m.kind == "bar" else 0) for m in plot.marks]
    assert rows == sorted(rows) and top < rows[0] and rows[-1] < bottom
    # the kick-off diamond sits where the meetings bar starts; the year's bar is longest
    assert diamonds[0].x == pytest.approx(bars[1].x)
    assert bars[1].width > 10 * bars[0].width
    # month ticks: the year is written on the first tick and on each January
    texts = [label.text for label in plot.labels]
    assert "Mar 2027" in texts and "Jan 2028" in texts and "May" in texts


def test_timeline_refuses_nothing_to_draw() -> None:
    with pytest.raises(ValueError, match="no events"):
        charts.timeline([])


@pytest.mark.parametrize(
    ("first", "last", "step"),
    [
        (D(2027, 1, 15), D(2027, 6, 1), 1),
        (D(2027, 1, 4), D(2028, 4, 13), 2),
        (D(2027, 1, 1), D(2029, 12, 31), 6),
    ],
)
def test_month_ticks_are_first_days_at_a_regular_step(
    first: dt.date, last: dt.date, step: int
) -> None:
    ticks = charts.month_ticks(first, last)
    assert 2 <= len(ticks) <= 10
    assert all(t.day == 1 and first <= t <= last for t in ticks)
    gaps = {(b.year - a.year) * 12 + b.month - a.month for a, b in itertools.pairwise(ticks)}
    assert gaps == {step}


def test_nice_ticks_cover_the_range_with_round_steps() -> None:
    assert charts.nice_ticks(0, 20, 5) == [0, 5, 10, 15, 20]
    assert charts.nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    assert charts.nice_ticks(0, 13.2)[-1] >= 13.2


def test_histogram_counts_every_value_once_including_the_top_edge() -> None:
    plot = charts.histogram([0, 4.9, 5, 99, 100, 100, 150], "Scores", "score", "matches")
    tips = [m.tip for m in plot.marks]
    assert len(tips) == 20
    assert tips[0] == "0 to 5: 2" and tips[1] == "5 to 10: 1" and tips[-1] == "95 to 100: 3"
    heights = [m.height for m in plot.marks]
    assert heights[-1] > heights[0] > heights[1] > 0 == heights[2]


def test_bars_scale_to_the_limit_given() -> None:
    plot = charts.bars([("A", 0.5), ("B", 1.0)], "Rate", "share", limit=1, value_format="{:.0%}")
    a, b = plot.marks
    assert b.width == pytest.approx(2 * a.width)
    assert b.x + b.width == pytest.approx(plot.area[2])
    assert [m.tip for m in plot.marks] == ["A: 50%", "B: 100%"]


def test_svg_escapes_every_text_and_is_accessible() -> None:
    hostile = [Event(HOSTILE, D(2027, 1, 1), D(2027, 6, 1), "phase")]
    for plot in (
        charts.timeline(hostile, title=HOSTILE),
        charts.bars([(HOSTILE, 3.0)], HOSTILE, HOSTILE),
        charts.columns([(HOSTILE, 3.0)], HOSTILE, HOSTILE, HOSTILE),
    ):
        markup = charts.svg(plot)
        assert "<script" not in markup
        svg = parse(markup).find("svg")
        assert svg["role"] == "img" and HOSTILE in svg["aria-label"]
        assert svg.find("title", recursive=False).get_text() == HOSTILE
        assert svg.find_all("script") == []
        assert HOSTILE in [t.get_text() for t in svg.find_all("text")] + [
            t.get_text() for t in svg.find_all("title")
        ]
        assert {tag.name for tag in svg.find_all(True)} <= {
            "title", "g", "line", "rect", "polygon", "text",
        }  # fmt: skip


def test_svg_text_and_axes_follow_the_page_colour() -> None:
    svg = parse(charts.svg(charts.timeline(events()))).find("svg")
    assert {g.get("fill") for g in svg.find_all("g") if g.find("text")} == {"currentColor"}
    assert all(g["stroke"] == "currentColor" for g in svg.find_all("g") if g.find("line"))
    assert svg["viewBox"].startswith("0 0 ") and "max-width:100%" in svg["style"]


def test_charts_need_no_matplotlib() -> None:
    code = (
        "import sys\n"
        "from workbook import charts\n"
        "from workbook.charter.timeline import Event\n"
        "import datetime as dt\n"
        "d = dt.date(2027, 1, 1)\n"
        "charts.svg(charts.timeline([Event('x', d, d, 'milestone')]))\n"
        "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
