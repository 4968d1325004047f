"""The matching step's "How many more mentors would you need?" panel.

:class:`SupplyPanel` is a widget group the matching run is built with
(``step.roster_run.supply_panel``). It runs :func:`workbook.matching.supply.plan_supply`
on the roster picked in the step (a roster of mentees alone will do: the panel works
before any mentor is recruited, when a run cannot) with the settings on the page, and
shows the plan in words.

Privacy: the plan describes the mentors to recruit (skills, time zone, language, level,
capacity) and counts, and never lists mentees, though the coordinator sees their names
elsewhere in the step: it is the part a coordinator copies to whoever recruits, and
it should carry no one's name. The part about one more place with a current mentor
names those mentors, for the coordinator who asks them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from workbook.errors import WorkbookError
from workbook.ui.base import Step, bullet_list, escape

if TYPE_CHECKING:
    from workbook.matching.supply import CapacityEffect, SupplyPlan

Planner = Callable[[int | None], "SupplyPlan"]
"""Given a new mentor's capacity (``None``: the design's), the plan for the roster and
the settings the step holds now."""


def lines_html(lines: list[str], css: str = "wb-supply-lines") -> str:
    """Lines in words as HTML: a line starting ``- `` is an item of the list under the
    line before it."""
    out: list[str] = []
    items: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("- "):
            items.append(escape(line[2:]))
            continue
        if items:
            out.append(bullet_list(items, css))
            items = []
        if line:
            out.append(f"<p>{escape(line)}</p>")
    return "".join(out)


class SupplyPanel:
    """A capacity for the new mentors, a button, and the plan in words.

    Args:
        step: the step whose guard reports what breaks.
        planner: works the plan out (the matching run's :meth:`supply`).
        capacity: the design's mentees per mentor, the new mentors' capacity to start with.
    """

    def __init__(self, step: Step[Any], planner: Planner, capacity: int) -> None:
        self.step = step
        self.planner = planner
        self.plan: SupplyPlan | None = None
        self.capacity = w.BoundedIntText(
            value=max(1, min(capacity, 50)),
            min=1,
            max=50,
            description="Mentees per new mentor",
            style={"description_width": "160px"},
            layout=w.Layout(width="260px"),
        ).add_class("wb-supply-capacity")
        button = w.Button(
            description="Work it out",
            icon="users",
            tooltip="The fewest more mentors who would give every mentee a mentor, checked "
            "by matching again with them added",
        ).add_class("wb-supply-run")
        button.on_click(lambda _b: self.start())
        self.button = button
        self._worker: threading.Thread | None = None
        self.answer = w.HTML().add_class("wb-supply-answer")
        self.widgets: list[w.Widget] = [
            w.HTML(
                "<h3>How many more mentors would you need?</h3><p class='wb-help'>From the "
                "roster picked above (mentees alone will do) and the settings on this page: "
                "the fewest more mentors who would give every mentee a mentor at or above "
                "the minimum score, what each should offer, and what one more place with "
                "each current mentor would change. The mentors to recruit are described "
                "without naming anyone, so you can pass that part on to whoever recruits; "
                "the part about one more place names your current mentors, for you.</p>"
            ),
            w.HBox([self.capacity, button]).add_class("wb-supply-bar"),
            self.answer,
        ]

    def start(self) -> None:
        """What Work it out does: :meth:`run` in a background thread, so the page keeps
        answering while a large roster is planned (tens of seconds at 10,000 mentees)."""
        if self._worker is not None and self._worker.is_alive():
            return
        self.button.disabled = True
        self._worker = threading.Thread(target=self._work, name="workbook-supply", daemon=True)
        self._worker.start()

    def _work(self) -> None:
        try:
            self.run()
        finally:
            self.button.disabled = False

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a plan started with :meth:`start`; True when none is under way."""
        if self._worker is not None:
            self._worker.join(timeout)
        return self._worker is None or not self._worker.is_alive()

    def run(self) -> list[str]:
        """What Work it out does: the plan in words (also shown in the panel)."""
        from workbook.matching import supply

        lines: list[str] = []
        with self.step._guard():
            self.answer.value = "<p class='wb-help'>Working it out...</p>"
            try:
                self.plan = self.planner(int(self.capacity.value))
            except WorkbookError as exc:
                self.answer.value = bullet_list([escape(x) for x in exc.lines()], "wb-problems")
                return []

            def name(effect: CapacityEffect) -> str:
                return f"{effect.name} ({effect.mentor})"

            lines = supply.in_words(self.plan, name)
            self.answer.value = lines_html(lines)
        return lines
