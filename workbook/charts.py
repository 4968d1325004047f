"""Charts as SVG: geometry computed here in plain Python, markup from a small escaped builder.

The charter's timeline and the matching step's charts used to be matplotlib PNGs, which
cost a session's kernel about 50 MB for a handful of bars. A chart here is a
:class:`Plot`: marks (bars and diamonds) and labelled ticks placed in pixel
coordinates, then :func:`svg` writes it as inline SVG. That keeps the HTML charter one
self-contained file (inline SVG loads nothing, so the charter's Content-Security-Policy
still forbids every fetch) and lets the app's charts follow the page's theme:

* text, axes and grid lines use ``currentColor``, so they read on light and dark
  backgrounds; the bar colours are mid tones that do too;
* every piece of text is escaped where it is written (:func:`_esc`), so a milestone
  named ``<script>`` is drawn as those characters;
* the ``<svg>`` has ``role="img"``, an ``aria-label`` (the chart's description) and a
  ``<title>``; each mark has its own ``<title>`` (a tooltip with its exact values).

No widgets and no third-party imports: the charter, the command line and the app share
it. The Word charter cannot hold SVG, so :mod:`workbook.charter.timeline` still draws a PNG for
it with matplotlib, only when a ``.docx`` is built.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from workbook.charter.timeline import Event, add_months

MarkKind = Literal["bar", "diamond"]

BLUE = "#4a7ab5"
"""Phases and first series: a mid blue, readable on white and on a dark theme."""
ORANGE = "#d9822b"
"""Milestones and contributions."""
GREEN = "#5b9a4a"
"""Second series."""

FONT = 12
"""Label size in pixels; widths below assume about 0.6 em per character."""
_CHAR = FONT * 0.6


@dataclass(frozen=True)
class Mark:
    """A bar (``x``, ``y``, ``width``, ``height``) or a diamond centred at (``x``, ``y``).

    Attributes:
        tip: the exact value, shown as the mark's tooltip (``<title>``).
    """

    kind: MarkKind
    x: float
    y: float
    width: float
    height: float
    colour: str
    tip: str


@dataclass(frozen=True)
class Label:
    """A piece of text at a point: ``anchor`` is SVG's ``text-anchor``."""

    x: float
    y: float
    text: str
    anchor: Literal["start", "middle", "end"] = "middle"


@dataclass(frozen=True)
class Line:
    """A polyline through ``points`` (pixels); ``dashed`` for a marker line, not data.

    Attributes:
        tip: what the line is, shown as its tooltip (``<title>``).
    """

    points: tuple[tuple[float, float], ...]
    colour: str
    tip: str
    dashed: bool = False


@dataclass(frozen=True)
class Plot:
    """Everything one chart draws, in pixels, with the origin at the top left.

    Attributes:
        description: the chart in words (its accessible name).
        grid: x positions of vertical grid lines (``grid_y`` for horizontal ones).
        area: the plotting area (left, top, right, bottom), framed by the axes.
    """

    title: str
    description: str
    width: float
    height: float
    area: tuple[float, float, float, float]
    marks: tuple[Mark, ...]
    labels: tuple[Label, ...]
    grid: tuple[float, ...] = ()
    grid_y: tuple[float, ...] = ()
    lines: tuple[Line, ...] = ()

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError("a chart needs a positive size")


# --------------------------------------------------------------------------- scales


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values covering ``low`` to ``high``: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _number(value: float) -> str:
    """A tick label: no trailing ``.0``."""
    return f"{value:g}"


def _scale(low: float, high: float, start: float, end: float) -> tuple[float, float]:
    """(factor, offset) mapping ``low..high`` onto ``start..end`` pixels."""
    span = high - low or 1.0
    factor = (end - start) / span
    return factor, start - low * factor


def month_ticks(first: dt.date, last: dt.date, most: int = 10) -> list[dt.date]:
    """The first days of months between two dates, every 1, 2, 3, 6 or 12 months."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in (1, 2, 3, 6, 12) if months / s <= most), 12 * math.ceil(months / 120))
    day = dt.date(first.year, first.month, 1)
    if day < first:
        day = add_months(day, 1)
    # align on calendar multiples (quarters start in January, April, ...)
    while (day.month - 1) % step and step <= 12:
        day = add_months(day, 1)
    ticks = []
    while day <= last:
        ticks.append(day)
        day = add_months(day, step)
    return ticks


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- charts


def timeline(events: Sequence[Event], title: str = "Program timeline") -> Plot:
    """A Gantt chart of the timeline: one row per event, phases as bars, milestones as diamonds.

    Raises:
        ValueError: ``events`` is empty (there is nothing to draw).
    """
    if not events:
        raise ValueError("the timeline has no events to draw")
    names = [_short(e.name, 40) for e in events]
    row = 26.0
    left = 16 + _CHAR * max(len(n) for n in names)
    top = 34.0 if title else 10.0
    width = max(720.0, left + 420)
    right = width - 20
    bottom = top + row * len(events)
    height = bottom + 30
    first = min(e.start for e in events)
    last = max(e.end for e in events) + dt.timedelta(days=1)
    pad = max((last - first).days * 0.02, 3)
    low, high = first.toordinal() - pad, last.toordinal() + pad
    factor, offset = _scale(low, high, left, right)

    def x(day: dt.date) -> float:
        return day.toordinal() * factor + offset

    marks: list[Mark] = []
    labels: list[Label] = [Label(8, top - 14, title, "start")] if title else []
    for index, event in enumerate(events):
        middle = top + row * index + row / 2
        labels.append(Label(left - 8, middle + FONT * 0.35, names[index], "end"))
        if event.kind == "phase":
            end = event.end + dt.timedelta(days=1)  # the last day is included
            marks.append(
                Mark(
                    "bar",
                    x(event.start),
                    middle - row * 0.3,
                    max(x(end) - x(event.start), 2.0),
                    row * 0.6,
                    BLUE,
                    f"{event.name}: {event.start.isoformat()} to {event.end.isoformat()}",
                )
            )
        else:
            marks.append(
                Mark(
                    "diamond",
                    x(event.start),
                    middle,
                    12,
                    12,
                    ORANGE,
                    f"{event.name}: {event.start.isoformat()}",
                )
            )
    ticks = month_ticks(first, last)
    year = None
    for day in ticks:
        text = day.strftime("%b") if day.year == year else day.strftime("%b %Y")
        year = day.year
        labels.append(Label(x(day), bottom + 18, text))
    description = f"{title or 'Timeline'}: " + "; ".join(
        f"{e.name} {e.start.isoformat()}"
        + (f" to {e.end.isoformat()}" if e.kind == "phase" else "")
        for e in events
    )
    return Plot(
        title,
        description,
        width,
        height,
        (left, top, right, bottom),
        tuple(marks),
        tuple(labels),
        grid=tuple(x(d) for d in ticks),
    )


def columns(
    items: Sequence[tuple[str, float]],
    title: str,
    x_label: str,
    y_label: str,
    colour: str = BLUE,
    width: float = 380,
    edges: Sequence[str] = (),
) -> Plot:
    """Vertical bars, one per (label, value) in the order given; values are counts (>= 0).

    Args:
        edges: for a histogram, the labels of the bins' edges (one more than the bars),
            written under the bars' sides instead of the bar labels under their middles.
    """
    height = 250.0
    left, top, right, bottom = 44.0, 30.0, width - 12, height - 44
    ticks = nice_ticks(0, max([v for _, v in items] + [1]), 5)
    factor, offset = _scale(0, ticks[-1], bottom, top)
    slot = (right - left) / max(len(items), 1)
    marks = []
    labels = [Label(8, 18, title, "start")]
    every = max(1, math.ceil(len(items) * 28 / (right - left)))  # labels that fit
    for index, (name, value) in enumerate(items):
        x0 = left + slot * index
        y = value * factor + offset
        marks.append(
            Mark("bar", x0 + slot * 0.1, y, slot * 0.8, bottom - y, colour, f"{name}: {value:g}")
        )
        if index % every == 0 and not edges:
            labels.append(Label(x0 + slot / 2, bottom + 15, name))
    if edges:
        step = 2 * every
        labels += [
            Label(left + slot * i, bottom + 15, text)
            for i, text in enumerate(edges)
            if i % step == 0 or i == len(edges) - 1
        ]
    labels += [Label(left - 6, t * factor + offset + 4, _number(t), "end") for t in ticks]
    labels += [Label((left + right) / 2, height - 8, x_label)]
    description = f"{title} ({y_label} per {x_label}): " + "; ".join(f"{n} {v:g}" for n, v in items)
    return Plot(
        title,
        description,
        width,
        height,
        (left, top, right, bottom),
        tuple(marks),
        tuple(labels),
        grid_y=tuple(t * factor + offset for t in ticks),
    )


def histogram(
    values: Sequence[float],
    title: str,
    x_label: str,
    y_label: str,
    bins: int = 20,
    low: float = 0,
    high: float = 100,
) -> Plot:
    """A histogram of ``values`` in ``bins`` equal bins from ``low`` to ``high`` (the last
    bin includes ``high``; values outside are not counted)."""
    counts = [0] * bins
    size = (high - low) / bins
    for value in values:
        if low <= value <= high:
            counts[min(int((value - low) / size), bins - 1)] += 1
    edges = [_number(low + size * i) for i in range(bins + 1)]
    items = [(f"{edges[i]} to {edges[i + 1]}", float(c)) for i, c in enumerate(counts)]
    return columns(items, title, x_label, y_label, edges=edges)


def bars(
    items: Sequence[tuple[str, float]],
    title: str,
    x_label: str,
    colour: str = ORANGE,
    limit: float | None = None,
    width: float = 380,
    value_format: str = "{:.1f}",
) -> Plot:
    """Horizontal bars, one row per (label, value), top to bottom in the order given.

    Args:
        limit: the scale's upper end (1 for a rate, 100 for a score); by default the
            largest value rounded up. Negative values extend the scale below zero.
    """
    names = [_short(n, 28) for n, _ in items]
    row = 22.0
    left = 14 + _CHAR * max([len(n) for n in names] + [4])
    top, right = 30.0, width - 14
    bottom = top + row * max(len(items), 1)
    height = bottom + 38
    smallest = min([v for _, v in items] + [0.0])
    ticks = nice_ticks(smallest, limit if limit is not None else max([v for _, v in items] + [1]))
    factor, offset = _scale(ticks[0], ticks[-1], left, right)
    zero = offset
    marks = []
    labels = [Label(8, 18, title, "start")]
    for index, ((name, value), short) in enumerate(zip(items, names, strict=True)):
        middle = top + row * index + row / 2
        end = value * factor + offset
        marks.append(
            Mark(
                "bar",
                min(zero, end),
                middle - row * 0.35,
                abs(end - zero),
                row * 0.7,
                colour,
                f"{name}: {value_format.format(value)}",
            )
        )
        labels.append(Label(left - 6, middle + FONT * 0.35, short, "end"))
    labels += [Label(t * factor + offset, bottom + 15, _number(t)) for t in ticks]
    labels.append(Label((left + right) / 2, height - 6, x_label))
    description = f"{title} ({x_label}): " + "; ".join(
        f"{n} {value_format.format(v)}" for n, v in items
    )
    return Plot(
        title,
        description,
        width,
        height,
        (left, top, right, bottom),
        tuple(marks),
        tuple(labels),
        grid=tuple(t * factor + offset for t in ticks),
    )


# --------------------------------------------------------------------------- SVG


def _esc(text: str) -> str:
    """Text made safe inside an SVG element or a double-quoted attribute."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _f(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}"/>'


def _mark(mark: Mark) -> str:
    tip = f"<title>{_esc(mark.tip)}</title>"
    if mark.kind == "diamond":
        x, y, h, v = mark.x, mark.y, mark.width / 2, mark.height / 2
        points = f"{_f(x)},{_f(y - v)} {_f(x + h)},{_f(y)} {_f(x)},{_f(y + v)} {_f(x - h)},{_f(y)}"
        return f'<polygon points="{points}" fill="{mark.colour}">{tip}</polygon>'
    return (
        f'<rect x="{_f(mark.x)}" y="{_f(mark.y)}" width="{_f(mark.width)}" '
        f'height="{_f(mark.height)}" fill="{mark.colour}">{tip}</rect>'
    )


def _polyline(line: Line) -> str:
    points = " ".join(f"{_f(x)},{_f(y)}" for x, y in line.points)
    dash = ' stroke-dasharray="5 4"' if line.dashed else ""
    return (
        f'<polyline points="{points}" fill="none" stroke="{line.colour}" stroke-width="2"'
        f"{dash}><title>{_esc(line.tip)}</title></polyline>"
    )


def svg(plot: Plot, css: str = "wb-chart") -> str:
    """The plot as an inline ``<svg>`` element; every text is escaped.

    It scales down to its container's width (``max-width: 100%``) and keeps its
    proportions; colours of text and axes follow the surrounding text colour.
    """
    left, top, right, bottom = plot.area
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_esc(css)}" role="img" '
        f'aria-label="{_esc(plot.description)}" viewBox="0 0 {_f(plot.width)} {_f(plot.height)}" '
        f'width="{_f(plot.width)}" height="{_f(plot.height)}" '
        f'style="max-width:100%;height:auto" font-family="sans-serif" font-size="{FONT}">',
        f"<title>{_esc(plot.title or plot.description)}</title>",
        '<g stroke="currentColor" stroke-opacity="0.18">'
        + "".join(_line(x, top, x, bottom) for x in plot.grid)
        + "".join(_line(left, y, right, y) for y in plot.grid_y)
        + "</g>",
        "".join(_polyline(line) for line in plot.lines),
        "".join(_mark(m) for m in plot.marks),
        '<g stroke="currentColor" stroke-opacity="0.6">'
        + _line(left, bottom, right, bottom)
        + _line(left, top, left, bottom)
        + "</g>",
        '<g fill="currentColor">'
        + "".join(
            f'<text x="{_f(t.x)}" y="{_f(t.y)}" text-anchor="{t.anchor}"'
            + (' font-weight="bold"' if i == 0 and plot.title and t.text == plot.title else "")
            + f">{_esc(t.text)}</text>"
            for i, t in enumerate(plot.labels)
        )
        + "</g>",
        "</svg>",
    ]
    return "".join(parts)


def intervals(
    items: Sequence[tuple[str, float, float, float, float | None]],
    title: str,
    x_label: str,
    width: float = 680,
) -> Plot:
    """Estimates with their intervals, one row per (label, estimate, low, high, target):
    the interval a blue line, the estimate a blue diamond, the target an orange tick.

    A reader sees at once whether an interval clears the target, misses it or spans it,
    which is what the evaluation's verdict says in words.
    """
    names = [_short(n, 44) for n, *_ in items]
    row = 30.0
    left = 14 + _CHAR * max([len(n) for n in names] + [4])
    top, right = 30.0, width - 14
    bottom = top + row * max(len(items), 1)
    height = bottom + 38
    values = [v for _, e, lo, hi, t in items for v in (e, lo, hi, t, 0.0) if v is not None]
    ticks = nice_ticks(min(values), max(values))
    factor, offset = _scale(ticks[0], ticks[-1], left, right)
    marks = []
    labels = [Label(8, 18, title, "start")]
    for index, ((name, effect, low, high, target), short) in enumerate(
        zip(items, names, strict=True)
    ):
        middle = top + row * index + row / 2
        x_low, x_high = low * factor + offset, high * factor + offset
        tip = f"{name}: {effect:.1f} ({low:.1f} to {high:.1f})"
        marks.append(Mark("bar", x_low, middle - 1.5, max(x_high - x_low, 1.0), 3, BLUE, tip))
        marks.append(Mark("diamond", effect * factor + offset, middle, 11, 11, BLUE, tip))
        if target is not None:
            x, tall = target * factor + offset, row * 0.7
            tip = f"target {target:g}"
            marks.append(Mark("bar", x - 1.5, middle - tall / 2, 3, tall, ORANGE, tip))
        labels.append(Label(left - 6, middle + FONT * 0.35, short, "end"))
    labels += [Label(t * factor + offset, bottom + 15, _number(t)) for t in ticks]
    labels.append(Label((left + right) / 2, height - 6, x_label))
    description = f"{title} ({x_label}): " + "; ".join(
        f"{n} {e:.1f} ({lo:.1f} to {hi:.1f})" + (f", target {t:g}" if t is not None else "")
        for n, e, lo, hi, t in items
    )
    return Plot(
        title,
        description,
        width,
        height,
        (left, top, right, bottom),
        tuple(marks),
        tuple(labels),
        grid=tuple(t * factor + offset for t in ticks),
    )


def lines(
    series: Sequence[tuple[str, str, Sequence[tuple[float, float | None]]]],
    title: str,
    x_label: str,
    y_label: str,
    *,
    x_range: tuple[float, float] = (0, 100),
    y_limit: float | None = None,
    marker: tuple[float, str] | None = None,
    width: float = 380,
    value_format: str = "{:g}",
) -> Plot:
    """Lines over a numeric x axis, one per (name, colour, [(x, y), ...]); a point with
    no y (``None``) breaks its line there. Each point is a small diamond whose tooltip
    holds its exact value; a legend names the series.

    Args:
        y_limit: the scale's upper end (100 for a score); by default the largest value.
        marker: (x, words): a dashed vertical line at x, labelled, such as the design's
            own setting on a curve of settings.
    """
    height = 250.0
    legend = 18.0 * len(series) + 8 if len(series) > 1 else 0.0
    left, top, right, bottom = 44.0, 30.0 + legend, width - 12, height - 44 + legend
    height += legend
    values = [y for _, _, points in series for _, y in points if y is not None]
    ticks = nice_ticks(0, y_limit if y_limit is not None else max([*values, 1]), 5)
    fy, oy = _scale(0, ticks[-1], bottom, top)
    fx, ox = _scale(x_range[0], x_range[1], left, right)
    drawn: list[Line] = []
    marks: list[Mark] = []
    labels = [Label(8, 18, title, "start")]
    for index, (name, colour, points) in enumerate(series):
        run: list[tuple[float, float]] = []
        for x, y in [*points, (math.nan, None)]:
            if y is None:
                if len(run) > 1:
                    drawn.append(Line(tuple(run), colour, name))
                run = []
                continue
            px, py = x * fx + ox, y * fy + oy
            run.append((px, py))
            tip = f"{name} at {x_label} {x:g}: {value_format.format(y)}"
            marks.append(Mark("diamond", px, py, 7, 7, colour, tip))
        if legend:
            y0 = 40.0 + 18 * index
            marks.append(Mark("bar", left, y0 - 8, 14, 4, colour, name))
            labels.append(Label(left + 20, y0 - 2, name, "start"))
    if marker is not None:
        x, words = marker
        px = x * fx + ox
        drawn.append(Line(((px, top), (px, bottom)), "currentColor", words, dashed=True))
        anchor: Literal["start", "end"] = "start" if px < (left + right) / 2 else "end"
        labels.append(Label(px + (4 if anchor == "start" else -4), top + 12, words, anchor))
    x_ticks = nice_ticks(x_range[0], x_range[1], 6)
    labels += [Label(t * fx + ox, bottom + 15, _number(t)) for t in x_ticks]
    labels += [Label(left - 6, t * fy + oy + 4, _number(t), "end") for t in ticks]
    labels.append(Label((left + right) / 2, height - 8, x_label))
    description = f"{title} ({y_label} by {x_label}): " + "; ".join(
        f"{name}: "
        + ", ".join(
            f"{x:g} {value_format.format(y) if y is not None else 'none'}" for x, y in points
        )
        for name, _, points in series
    )
    if marker is not None:
        description += f"; marked: {marker[1]}"
    return Plot(
        title,
        description,
        width,
        height,
        (left, top, right, bottom),
        tuple(marks),
        tuple(labels),
        grid=tuple(t * fx + ox for t in x_ticks),
        grid_y=tuple(t * fy + oy for t in ticks),
        lines=tuple(drawn),
    )
