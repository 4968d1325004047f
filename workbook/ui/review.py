"""The coordinator's review in the matching step: pin a pair to keep it, forbid one to
rule it out, then run again.

:class:`ReviewPanel` is a widget group the matching run is built with
(``step.roster_run.review_panel``). The review itself is a file in the output folder
(:mod:`workbook.matching.review`), never the design: roster ids are personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook.errors import WorkbookError
from workbook.matching import review as review_file
from workbook.ui.base import Step, bullet_list, escape


class ReviewPanel:
    """Two ids, Pin / Forbid / Clear, and the review as it stands.

    Args:
        step: the step whose guard reports what breaks.
        folder: gives the output folder the review file is kept in (it can change).
    """

    def __init__(self, step: Step[Any], folder: Callable[[], Path]) -> None:
        self.step = step
        self._folder = folder
        self.mentee = w.Text(description="Mentee id").add_class("wb-review-mentee")
        self.mentor = w.Text(description="Mentor id").add_class("wb-review-mentor")
        pin = w.Button(description="Pin pair", icon="thumb-tack").add_class("wb-pin")
        forbid = w.Button(description="Forbid pair", icon="ban").add_class("wb-forbid")
        clear = w.Button(description="Clear review", icon="eraser").add_class("wb-clear-review")
        pin.on_click(lambda _b: self.review("pin"))
        forbid.on_click(lambda _b: self.review("forbid"))
        clear.on_click(lambda _b: self.clear())
        self.listing = w.HTML().add_class("wb-review-list")
        self.widgets: list[w.Widget] = [
            w.HTML(
                "<h3>Review</h3><p class='wb-help'>Pin a pair to keep it, forbid one to "
                "rule it out; then run again. Kept in review.csv in the output folder.</p>"
            ),
            w.HBox([self.mentee, self.mentor, pin, forbid, clear]),
            self.listing,
        ]

    @property
    def path(self) -> Path:
        return self._folder() / review_file.FILE

    def review(self, action: str) -> None:
        """Add a pin or a forbidden pair to the review; it applies on the next run."""
        with self.step._guard():
            mentee, mentor = self.mentee.value.strip(), self.mentor.value.strip()
            if not mentee or not mentor:
                self.listing.value = bullet_list(
                    ["Type a mentee id and a mentor id first."], "wb-problems"
                )
                return
            try:
                review_file.add(self.path, mentee, mentor, action)
            except WorkbookError as exc:
                self.listing.value = bullet_list([escape(x) for x in exc.lines()], "wb-problems")
                return
            self.show("Run again to apply the review.")

    def clear(self) -> None:
        """What Clear review does: no pins, no forbidden pairs."""
        with self.step._guard():
            review_file.clear(self.path)
            self.show()

    def show(self, note: str = "") -> None:
        """Show the review as it is on disk, with a note under it."""
        rows = review_file.read_rows(self.path)
        items = [
            f"{escape(r['action'])}: {escape(r['mentee_id'])} with {escape(r['mentor_id'])}"
            for r in rows
        ]
        text = (
            bullet_list(items, "wb-review-items")
            if items
            else "<p class='wb-help'>No pins or forbidden pairs.</p>"
        )
        if note:
            text += f"<p class='wb-help wb-review-note'>{escape(note)}</p>"
        self.listing.value = text
