"""The program timeline: dated phases and milestones derived from the design, and its chart.

A sponsor signs dates, not month offsets, so every date is computed here in Python from
the design's ``model.start_date`` (the day the relationships start), its
``duration_months`` and its milestones; the templates only print them. The phases
before the start (recruitment, screening, training, matching) have no dates in the
design, only free-text timings, so they get planning lead times counted back from the
start; the charter says so next to the table. The journey follows Zachary's four phases
of a relationship (preparing, negotiating, enabling growth, coming to closure) and the
six components of MENTOR's Elements of Effective Practice.

The HTML charter and the app draw the chart as inline SVG (:mod:`workbook.charts`).
:func:`chart_png` draws it for the formats that cannot hold SVG (the Word document, the
picture beside the Markdown file) with matplotlib's Agg renderer without pyplot (no
display needed, safe in a server or a test run), returned as bytes so Word can insert it
without a temporary file. matplotlib costs a kernel about 50 MB, so it is imported
inside that function only, never when this module is.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from dataclasses import dataclass
from typing import Literal

from workbook.design import Design

EventKind = Literal["phase", "milestone"]


@dataclass(frozen=True)
class Event:
    """One row of the timeline: a phase with a start and an end, or a one-day milestone.

    Attributes:
        name: what happens ("Recruitment", "Midpoint review").
        start: first day.
        end: last day (equal to ``start`` for a milestone).
        kind: ``phase`` or ``milestone``.
        note: where the date comes from or what the design says about it.
    """

    name: str
    start: dt.date
    end: dt.date
    kind: EventKind
    note: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"timeline event {self.name!r} ends before it starts")


# Lead times before the relationships start, in days: (name, component, from, to).
# They are planning defaults, not decisions: the design records free-text timings only.
_LEAD_TIMES: tuple[tuple[str, str, int, int], ...] = (
    ("Recruitment", "recruitment", -56, -28),
    ("Screening", "screening", -35, -21),
    ("Training", "training", -21, -1),
    ("Matching", "matching_initiating", -14, -1),
)


def add_months(start: dt.date, months: float) -> dt.date:
    """``start`` plus a (possibly fractional) number of months.

    Whole months keep the day of the month, clamped to the month's length (31 January
    plus one month is 28 or 29 February); the fraction is counted as days of a 30-day
    month, which is as precise as "month 4.5" in a design is meant to be.
    """
    whole = int(months)
    days = round((months - whole) * 30)
    month_index = start.month - 1 + whole
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day) + dt.timedelta(days=days)


def build(design: Design) -> list[Event]:
    """The dated timeline, in date order; empty while the start date or duration is open.

    Why empty rather than guessed: a charter with invented dates would be signed as if
    they had been decided. The charter marks the timeline to be decided instead.
    """
    model = design.model
    if model.start_date is None or model.duration_months is None:
        return []
    start = model.start_date
    end = add_months(start, model.duration_months)
    components = design.components
    events: list[Event] = []
    for name, component, first, last in _LEAD_TIMES:
        timing = getattr(components, component).timing
        note = "planned lead time" + (f" (the design says: {timing})" if timing else "")
        events.append(
            Event(name, start + dt.timedelta(first), start + dt.timedelta(last), "phase", note)
        )
    cadence = model.cadence.replace("_", " ") if model.cadence else "cadence to be decided"
    events.append(Event("Relationships: meetings and check-ins", start, end, "phase", cadence))

    milestones = [(m.name, m.month, m.description) for m in model.milestones]
    names = " ".join(m[0].lower() for m in milestones)
    if not any(month == 0 for _, month, _ in milestones):
        milestones.append(("Kick-off", 0, "first meeting and mentoring agreement"))
    if "mid" not in names:
        milestones.append(("Midpoint review", model.duration_months / 2, "default milestone"))
    if not any(month >= model.duration_months for _, month, _ in milestones):
        milestones.append(("Closure", model.duration_months, "planned ending"))
    for name, month, description in milestones:
        day = add_months(start, month)
        events.append(Event(name, day, day, "milestone", description))

    events.append(
        Event("Evaluation", end, end + dt.timedelta(days=42), "phase", "six weeks after the end")
    )
    # On the same day a milestone comes first: kick-off before the meetings, closure
    # before the evaluation that follows it.
    events.sort(key=lambda e: (e.start, e.kind == "phase", e.end))
    return events


def _short(name: str, limit: int = 40) -> str:
    """A label that fits beside the chart; the table under it has the full name."""
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def chart_png(events: list[Event], title: str = "") -> bytes:
    """A Gantt-style chart of the timeline as PNG bytes.

    Text from the design is drawn with ``parse_math=False`` so that a ``$`` in a
    milestone's name is shown as typed instead of being parsed as mathtext.

    Raises:
        ValueError: ``events`` is empty (there is nothing to draw).
    """
    if not events:
        raise ValueError("the timeline has no events to draw")
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    # A Figure without pyplot renders with Agg and leaves the caller's backend alone (a
    # notebook keeps its inline backend); no global state, nothing left open.
    fig = Figure(figsize=(9, 0.42 * len(events) + 1.4), dpi=110)
    ax = fig.add_subplot()
    for row, event in enumerate(events):
        start = mdates.date2num(event.start)
        if event.kind == "phase":
            width = max(mdates.date2num(event.end) - start, 1.0)
            ax.barh(row, width, left=start, height=0.55, color="#3b6ea5")
        else:
            ax.plot([start], [row], marker="D", markersize=8, color="#c4572a")
    ax.set_yticks(range(len(events)))
    ax.set_yticklabels([_short(e.name) for e in events], parse_math=False)
    ax.invert_yaxis()
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, loc="left", parse_math=False)
    fig.tight_layout()
    buffer = io.BytesIO()
    # No Software/date metadata: the same design gives the same bytes.
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
