"""The program timeline: the dates a sponsor signs, derived from the design's start date,
duration, milestones and component timings."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from PIL import Image

from workbook.charter import timeline as tl
from workbook.charter.timeline import Event
from workbook.design import Design, Milestone, new_design

D = dt.date
START = D(2027, 4, 1)


def _design(
    start: dt.date | None = START,
    months: int | None = 6,
    milestones: list[Milestone] | None = None,
) -> Design:
    d = new_design("Timeline")
    d.model.start_date = start
    d.model.duration_months = months
    d.model.milestones = milestones or []
    return d


def _milestones(design: Design) -> dict[str, tuple[dt.date, str]]:
    return {e.name: (e.start, e.note) for e in tl.build(design) if e.kind == "milestone"}


# --------------------------------------------------------------------------- events


def test_an_event_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^timeline event 'Training' ends before it starts$"):
        Event("Training", D(2027, 3, 2), D(2027, 3, 1), "phase")


def test_a_one_day_event_is_a_milestone() -> None:
    event = Event("Kick-off", D(2027, 3, 1), D(2027, 3, 1), "milestone")
    assert event.start == event.end and event.note == ""


# --------------------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2027, 12, 10), 0, D(2027, 12, 10)),  # December is month 12, not month 0
        (D(2027, 11, 30), 1, D(2027, 12, 30)),
        (D(2027, 12, 31), 1, D(2028, 1, 31)),  # into the next year
        (D(2027, 3, 31), 1, D(2027, 4, 30)),  # clamped to a 30-day month
        (D(2027, 1, 15), 24, D(2029, 1, 15)),
        (D(2027, 1, 15), 23, D(2028, 12, 15)),
        (D(2027, 11, 15), 2.5, D(2028, 1, 30)),  # half a month is 15 days
        (D(2027, 3, 1), 0.1, D(2027, 3, 4)),  # 0.1 of 30 days
        (D(2027, 3, 1), 1.99, D(2027, 4, 1) + dt.timedelta(days=30)),
    ],
)
def test_add_months(start: dt.date, months: float, expected: dt.date) -> None:
    assert tl.add_months(start, months) == expected


# --------------------------------------------------------------------------- build


@pytest.mark.parametrize(("start", "months"), [(None, 6), (D(2027, 4, 1), None), (None, None)])
def test_no_dates_are_invented_while_the_start_or_duration_is_open(
    start: dt.date | None, months: int | None
) -> None:
    assert tl.build(_design(start, months)) == []


def test_the_whole_timeline_of_a_design_without_milestones() -> None:
    """Start 1 April 2027, six months: the lead times count back from the start, the
    default milestones fall on months 0, 3 and 6, the evaluation takes six weeks."""
    d = _design()
    d.model.cadence = "as_needed"
    d.components.recruitment.timing = "from January"
    d.components.matching_initiating.timing = "in March"
    lead = "planned lead time"
    assert tl.build(d) == [
        Event(
            "Recruitment",
            D(2027, 2, 4),
            D(2027, 3, 4),
            "phase",
            "planned lead time (the design says: from January)",
        ),
        Event("Screening", D(2027, 2, 25), D(2027, 3, 11), "phase", lead),
        Event("Training", D(2027, 3, 11), D(2027, 3, 31), "phase", lead),
        Event(
            "Matching",
            D(2027, 3, 18),
            D(2027, 3, 31),
            "phase",
            "planned lead time (the design says: in March)",
        ),
        # The kick-off is on the first day of the meetings, and is listed before them.
        Event(
            "Kick-off",
            D(2027, 4, 1),
            D(2027, 4, 1),
            "milestone",
            "first meeting and mentoring agreement",
        ),
        Event(
            "Relationships: meetings and check-ins",
            D(2027, 4, 1),
            D(2027, 10, 1),
            "phase",
            "as needed",
        ),
        Event("Midpoint review", D(2027, 7, 1), D(2027, 7, 1), "milestone", "default milestone"),
        Event("Closure", D(2027, 10, 1), D(2027, 10, 1), "milestone", "planned ending"),
        Event("Evaluation", D(2027, 10, 1), D(2027, 11, 12), "phase", "six weeks after the end"),
    ]


def test_an_undecided_cadence_is_said_to_be_decided() -> None:
    meetings = next(e for e in tl.build(_design()) if e.name.startswith("Relationships"))
    assert meetings.note == "cadence to be decided"


def test_the_designs_milestones_replace_the_defaults() -> None:
    """A milestone on month 0, one whose name says "mid" (in any case) and one on the
    last month stand for the kick-off, the midpoint review and the closure."""
    d = _design(
        months=9,
        milestones=[
            Milestone(name="Agreement signed", month=0, description="both sign"),
            Milestone(name="Midway Check-in", month=5),
            Milestone(name="Celebration", month=9, description="party"),
        ],
    )
    assert _milestones(d) == {
        "Agreement signed": (D(2027, 4, 1), "both sign"),
        "Midway Check-in": (D(2027, 9, 1), ""),
        "Celebration": (D(2028, 1, 1), "party"),
    }


def test_milestones_that_are_not_on_the_first_or_last_month_keep_the_defaults() -> None:
    """A milestone on month 1 is no kick-off, one before the end is no closure, and a
    name that merely contains "m", "i" and "d" apart is no midpoint."""
    d = _design(
        months=9,
        milestones=[
            Milestone(name="First month", month=1),
            Milestone(name="Almost done", month=8.5),
        ],
    )
    assert _milestones(d) == {
        "First month": (D(2027, 5, 1), ""),
        "Almost done": (D(2027, 12, 16), ""),
        "Kick-off": (D(2027, 4, 1), "first meeting and mentoring agreement"),
        "Midpoint review": (D(2027, 8, 16), "default milestone"),  # month 4.5
        "Closure": (D(2028, 1, 1), "planned ending"),
    }


def test_a_milestone_after_the_end_stands_for_the_closure() -> None:
    d = _design(months=6, milestones=[Milestone(name="Alumni lunch", month=7)])
    milestones = _milestones(d)
    assert "Closure" not in milestones
    assert milestones["Alumni lunch"] == (D(2027, 11, 1), "")


def test_on_the_same_day_a_milestone_comes_before_the_phase() -> None:
    """The closure is listed before the evaluation that starts that day."""
    events = tl.build(_design(months=3))
    names = [e.name for e in events]
    assert names[-2:] == ["Closure", "Evaluation"]
    assert events[-1].start == events[-2].start == D(2027, 7, 1)


# --------------------------------------------------------------------------- chart


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Midpoint review", "Midpoint review"),
        ("  Goals \n refined  ", "Goals refined"),
        ("x" * 40, "x" * 40),
        ("x" * 41, "x" * 39 + "…"),
        ("A" * 38 + " and more", "A" * 38 + "…"),  # no space before the ellipsis
    ],
)
def test_a_chart_label_fits_beside_the_chart(name: str, expected: str) -> None:
    assert tl._short(name) == expected


def test_a_chart_label_can_be_shorter() -> None:
    assert tl._short("Relationships: meetings", limit=10) == "Relations…"  # ten characters


def test_an_empty_timeline_has_no_chart() -> None:
    with pytest.raises(ValueError, match=r"^the timeline has no events to draw$"):
        tl.chart_png([])


# --------------------------------------------------------------------------- the picture
# The chart is read as a person sees it: the PNG's pixels. Phases are bars in the
# charter's blue, milestones diamonds in its orange, the first event at the top, the
# date grid light grey behind the bars; 110 dots per inch on a 9-inch-wide figure.

BLUE, ORANGE, GRID = (0x3B, 0x6E, 0xA5), (0xC4, 0x57, 0x2A), (0xDD, 0xDD, 0xDD)
DPI = 110


def _image(png: bytes) -> np.ndarray:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive indices as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for i in indices.tolist():
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _shapes(img: np.ndarray, colour: tuple[int, int, int]) -> list[tuple[int, int, int, int]]:
    """Each shape of one colour, top to bottom, as (top, bottom, left, right) pixels."""
    mask = np.all(img == colour, axis=-1)
    shapes = []
    for top, bottom in _runs(np.where(mask.any(axis=1))[0]):
        columns = np.where(mask[top : bottom + 1].any(axis=0))[0]
        shapes.append((top, bottom, int(columns.min()), int(columns.max())))
    return shapes


def _grid_lines(img: np.ndarray) -> list[int]:
    """The x of each vertical grid line (a grey column over a third of the picture)."""
    grey = np.all(img == GRID, axis=-1)
    columns = np.where(grey.sum(axis=0) > img.shape[0] / 3)[0]
    return [(a + b) // 2 for a, b in _runs(columns)]


def _kick_off() -> Event:
    return Event("Kick-off", D(2027, 2, 1), D(2027, 2, 1), "milestone")


def _events() -> list[Event]:
    """30 days of phase, a milestone, 60 days of phase, a phase of no days.

    Built in each test, not at import: an Event that cannot be built must fail the
    tests that need it, not stop the whole run at collection."""
    return [
        Event("Recruitment", D(2027, 1, 1), D(2027, 1, 31), "phase"),
        _kick_off(),
        Event("Relationships", D(2027, 2, 1), D(2027, 4, 2), "phase"),
        Event("Same-day phase", D(2027, 3, 1), D(2027, 3, 1), "phase"),
    ]


@pytest.fixture(scope="module")
def chart() -> bytes:
    return tl.chart_png(_events())


def test_the_chart_is_nine_inches_wide_and_grows_with_its_rows(chart: bytes) -> None:
    """9 x 110 = 990 dots wide; (0.42 x 4 rows + 1.4) x 110 = 338.8 high, one event
    (0.42 + 1.4) x 110 = 200.2."""
    assert _image(chart).shape[:2] == (338, 990)
    assert _image(tl.chart_png([_kick_off()])).shape[:2] == (200, 990)


def test_phases_are_bars_as_long_as_their_dates_in_event_order(chart: bytes) -> None:
    bars = _shapes(_image(chart), BLUE)
    assert len(bars) == 3
    (top0, bottom0, left0, right0), (top1, bottom1, left1, right1), (top2, _, left2, right2) = bars
    assert top0 < top1 < top2  # the first event at the top
    per_day = (right1 - left1 + 1) / 60
    assert abs((right0 - left0 + 1) - 30 * per_day) <= 2  # 30 days against 60
    assert abs((right2 - left2 + 1) - per_day) <= 1  # a phase of no days is drawn a day wide
    assert abs((left2 - left1) - 28 * per_day) <= 2  # 1 March is 28 days after 1 February
    assert abs((left1 - left0) - 31 * per_day) <= 2
    # Each bar fills 0.55 of its row; the rows are (top1 - top0) / 2 apart.
    row = ((top1 + bottom1) - (top0 + bottom0)) / 4
    assert abs((bottom0 - top0 + 1) / row - 0.55) < 0.03


def test_milestones_are_diamonds_on_their_day(chart: bytes) -> None:
    img = _image(chart)
    (top, bottom, left, right), *others = _shapes(img, ORANGE)
    assert others == []
    bars = _shapes(img, BLUE)
    assert bars[0][1] < top and bottom < bars[1][0]  # its own row, between the bars
    centre = (left + right) / 2
    assert abs(centre - bars[1][2]) <= 2  # on 1 February, where the 60-day phase starts
    # A diamond 8 points across its sides: 8/72 x 110 x 1.414 = 17.3 dots tip to tip.
    size = 8 / 72 * DPI * 2**0.5
    assert abs((bottom - top + 1) - size) <= 1.5
    assert abs((right - left + 1) - size) <= 1.5


def test_a_chart_of_milestones_only_has_no_bars() -> None:
    img = _image(
        tl.chart_png([_kick_off(), Event("Closure", D(2027, 9, 1), D(2027, 9, 1), "milestone")])
    )
    assert _shapes(img, BLUE) == []
    assert len(_shapes(img, ORANGE)) == 2


def test_the_date_grid_is_vertical_light_and_behind_the_bars(chart: bytes) -> None:
    img = _image(chart)
    lines = _grid_lines(img)
    assert lines
    grey = np.all(img == GRID, axis=-1)
    assert not any(n > img.shape[1] / 3 for n in grey.sum(axis=1))  # no horizontal lines
    for top, bottom, left, right in _shapes(img, BLUE):
        inside = [x for x in lines if left < x < right]
        assert all(np.all(img[top : bottom + 1, x] == BLUE) for x in inside)


def test_only_the_left_and_bottom_frame_lines_are_drawn(chart: bytes) -> None:
    dark = np.all(_image(chart) < 60, axis=-1)
    height, width = dark.shape
    assert len(_runs(np.where(dark.sum(axis=0) > height / 2)[0])) == 1
    assert len(_runs(np.where(dark.sum(axis=1) > width / 2)[0])) == 1


def _frame(img: np.ndarray) -> tuple[int, int]:
    """The chart's frame: the x of its left line and the y where that line starts."""
    dark = np.all(img < 60, axis=-1)
    (left, right), *_ = _runs(np.where(dark.sum(axis=0) > img.shape[0] / 2)[0])
    return left, int(np.where(dark[:, left : right + 1].any(axis=1))[0].min())


def _title_ink(img: np.ndarray) -> tuple[int, int] | None:
    """Leftmost and rightmost dark dot above the chart's frame."""
    _, top = _frame(img)
    columns = np.where(np.all(img[: top - 1] < 100, axis=-1).any(axis=0))[0]
    return (int(columns.min()), int(columns.max())) if len(columns) else None


def test_the_title_is_above_the_chart_on_the_left_and_only_when_given(chart: bytes) -> None:
    assert _title_ink(_image(chart)) is None
    img = _image(tl.chart_png(_events(), "Program timeline"))
    ink = _title_ink(img)
    assert ink is not None
    assert abs(ink[0] - _frame(img)[0]) <= 3  # starts where the chart's frame does


def test_dollar_signs_are_drawn_as_typed() -> None:
    """A name or title with ``$`` is text, never mathtext: this name would not even
    parse, and "$5 and $" keeps its dollar signs, so it is wider than without them."""
    name = Event("Costs $\\frac{$", D(2027, 1, 1), D(2027, 1, 1), "milestone")
    typed = _title_ink(_image(tl.chart_png([name], "Costs $5 and $")))
    plain = _title_ink(_image(tl.chart_png([_kick_off()], "Costs 5 and ")))
    assert plain is not None and typed is not None
    assert typed[1] - typed[0] > plain[1] - plain[0] + 10


def test_the_picture_names_no_software_and_is_the_same_every_time(chart: bytes) -> None:
    """No Software or date chunk: the same design gives the same bytes."""
    assert b"Software" not in chart and b"atplotlib" not in chart
    assert Image.open(io.BytesIO(chart)).info.keys() <= {"dpi"}
    assert tl.chart_png(_events()) == chart


def test_the_picture_is_a_png_whatever_matplotlib_is_set_to_save() -> None:
    """Word takes the PNG: a matplotlibrc that saves SVG by default must not change it."""
    import matplotlib

    with matplotlib.rc_context({"savefig.format": "svg"}):
        png = tl.chart_png([_kick_off()])
    assert len(_shapes(_image(png), ORANGE)) == 1


def _marks(months: int) -> list[dt.date]:
    """The dates of a program's grid lines, read off the picture against its
    relationships bar (start to end)."""
    design = _design(D(2027, 3, 1), months)
    events = tl.build(design)
    img = _image(tl.chart_png(events))
    row = [e.name for e in events].index("Relationships: meetings and check-ins")
    _, _, left, right = _shapes(img, BLUE)[row - 1]  # the kick-off is not a bar
    end = tl.add_months(D(2027, 3, 1), months)
    per_day = (right - left + 1) / (end - D(2027, 3, 1)).days
    return [
        D(2027, 3, 1) + dt.timedelta(days=round((x - left) / per_day)) for x in _grid_lines(img)
    ]


def _near(marks: list[dt.date], expected: list[dt.date]) -> bool:
    return len(marks) == len(expected) and all(
        abs((a - b).days) <= 2 for a, b in zip(marks, expected, strict=True)
    )


def test_a_one_month_program_is_marked_every_month() -> None:
    """Its timeline runs from 4 January (recruitment) to 13 May (evaluation)."""
    assert _near(_marks(1), [D(2027, 2, 1), D(2027, 3, 1), D(2027, 4, 1), D(2027, 5, 1)])


def test_a_seven_month_program_is_marked_every_other_month() -> None:
    """4 January to 12 November: monthly marks would crowd the axis, so every other
    month is marked, counting from January."""
    expected = [D(2027, m, 1) for m in (3, 5, 7, 9, 11)]
    assert _near(_marks(7), expected)
