"""The coordinator's review in the matching step: pin a pair to keep it, forbid one to
rule it out, then run again.

:class:`ReviewPanel` is a widget group the matching run is built with
(``step.roster_run.review_panel``). The review itself is a file in the output folder
(:mod:`workbook.matching.review`, where its rules are), never the design: roster ids are
personal data.

Pairs are chosen, never typed: from a result's rows (Pin, Forbid, Choose a mentor:
:class:`~workbook.ui.match_results.ResultsView` calls :meth:`ReviewPanel.add`), or from
two dropdowns of the last run's mentees and mentors. So an id that is not in the roster
cannot be entered. Each pin or forbidden pair is listed with its own Remove button.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from workbook.errors import WorkbookError
from workbook.matching import review as review_file
from workbook.ui.base import Step, bullet_list, escape
from workbook.ui.match_results import close_tree

if TYPE_CHECKING:
    from workbook.matching.explain import MatchResult

WORDS = {"pin": "Pinned", "forbid": "Forbidden"}
"""How each action reads in the review list."""


def count(rows: list[dict[str, str]]) -> str:
    """The review in words: "2 pins and 1 forbidden pair." or "No pins or forbidden pairs." """
    pins = sum(r["action"] == "pin" for r in rows)
    forbids = len(rows) - pins
    parts = [
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in ((pins, "pin"), (forbids, "forbidden pair"))
        if n
    ]
    return (" and ".join(parts) + ".") if parts else "No pins or forbidden pairs."


class People:
    """The mentees and mentors of a run's roster, by id, with their names."""

    def __init__(self, mentees: dict[str, str], mentors: dict[str, str]) -> None:
        self.mentees = mentees
        self.mentors = mentors

    @classmethod
    def of(cls, result: MatchResult) -> People:
        """The people a run matched from (its pools), in roster order."""
        pools = result.scored.pools
        frame = pools.roster.frame
        ids = frame["id"].astype(str).to_numpy()
        names = frame["name"].astype(str).to_numpy()
        return cls(
            {ids[k]: names[k] for k in pools.mentees},
            {ids[k]: names[k] for k in pools.mentors},
        )

    def name(self, person: str) -> str:
        """A person as the review list shows them: "Name (id)", or the id alone when
        the roster no longer has them."""
        known = self.mentees.get(person) or self.mentors.get(person)
        return f"{known} ({person})" if known else person


class ReviewPanel:
    """The review as it stands (each pin or forbidden pair with Remove), a pair chosen
    from the roster's people, and Clear review.

    Args:
        step: the step whose guard reports what breaks.
        folder: gives the output folder the review file is kept in (it can change).
    """

    def __init__(self, step: Step[Any], folder: Callable[[], Path]) -> None:
        self.step = step
        self._folder = folder
        self.people: People | None = None
        """The last run's mentees and mentors; ``None`` until there was a run."""
        self.known: dict[str, str] = {}
        """Names of people the last run's files name (id -> name), for the review list
        before a run in this session: "Pinned: Ada Lovelace (E0109) with ..." rather
        than the ids alone after a reload."""
        self._listeners: list[Callable[[], None]] = []
        self.mentee = w.Dropdown(description="Mentee", options=[]).add_class("wb-review-mentee")
        self.mentor = w.Dropdown(description="Mentor", options=[]).add_class("wb-review-mentor")
        pin = w.Button(description="Pin pair", icon="thumb-tack").add_class("wb-pin")
        forbid = w.Button(description="Forbid pair", icon="ban").add_class("wb-forbid")
        self.clear_button = w.Button(description="Clear review", icon="eraser").add_class(
            "wb-clear-review"
        )
        why = w.Button(
            description="Why not?",
            icon="question",
            tooltip="Why this mentee did not get this mentor, and what forcing it would cost",
        ).add_class("wb-why-not")
        pin.on_click(lambda _b: self.review("pin"))
        forbid.on_click(lambda _b: self.review("forbid"))
        why.on_click(lambda _b: self.why_not())
        self.explain: Callable[[str, str], list[str]] | None = None
        """Set by the matching run: the answer for a mentee and a mentor, in lines."""
        self.answer = w.HTML().add_class("wb-why-not-answer")
        # An answer is about the pair asked: choosing another clears it, so it is never
        # read as the answer for the pair now in the dropdowns.
        for dropdown in (self.mentee, self.mentor):
            dropdown.observe(lambda _change: setattr(self.answer, "value", ""), names="value")
        self.clear_button.on_click(lambda _b: self.clear())
        self.chooser = w.HBox([self.mentee, self.mentor, pin, forbid, why]).add_class(
            "wb-review-pick"
        )
        self.chooser.layout.display = "none"
        self.listing = w.HTML().add_class("wb-review-summary")
        """The review in one line: how many pins and forbidden pairs."""
        self.entries = w.VBox().add_class("wb-review-list")
        """Each pin or forbidden pair, with its Remove button."""
        self.note = w.HTML().add_class("wb-review-note-box")
        self.widgets: list[w.Widget] = [
            w.HTML(
                "<h3>Review</h3><p class='wb-help'>Pin a pair to keep it, forbid one to "
                "rule it out: with the buttons on each row of the results, or by choosing "
                "a mentee and a mentor here. Then run again. The review is kept beside the "
                "results, never in the design.</p>"
            ),
            self.chooser,
            self.answer,
            self.listing,
            self.entries,
            self.note,
            self.clear_button,
        ]

    @property
    def path(self) -> Path:
        return self._folder() / review_file.FILE

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every change to the review (rows show their state)."""
        self._listeners.append(callback)

    def rows(self) -> list[dict[str, str]]:
        """The review as it is on disk: ``mentee_id``, ``mentor_id``, ``action``."""
        return review_file.read_rows(self.path)

    def use(self, result: MatchResult) -> None:
        """Take a run's people: only they can be chosen for a pin or a forbidden pair."""
        self.people = People.of(result)
        self.mentee.options = [(self.people.name(i), i) for i in self.people.mentees]
        self.mentor.options = [(self.people.name(i), i) for i in self.people.mentors]
        self.chooser.layout.display = ""
        self.show()

    def review(self, action: str) -> None:
        """What Pin pair / Forbid pair do with the two dropdowns."""
        if self.mentee.value is None or self.mentor.value is None:
            self.show("Run matching first: then choose a mentee and a mentor.")
            return
        self.add(str(self.mentee.value), str(self.mentor.value), action)

    def why_not(self) -> list[str]:
        """What Why not? does: the answer for the two dropdowns' mentee and mentor."""
        if self.mentee.value is None or self.mentor.value is None or self.explain is None:
            self.show("Run matching first: then choose a mentee and a mentor.")
            return []
        lines: list[str] = []
        with self.step._guard():
            try:
                lines = self.explain(str(self.mentee.value), str(self.mentor.value))
            except WorkbookError as exc:
                self.answer.value = bullet_list([escape(x) for x in exc.lines()], "wb-problems")
                return []
            head, *rest = lines
            self.answer.value = f"<p>{escape(head)}</p>" + bullet_list(
                [escape(line.removeprefix("- ")) for line in rest], "wb-why-not-lines"
            )
        return lines

    def add(self, mentee: str, mentor: str, action: str) -> bool:
        """Pin or forbid a pair of the last run's roster; it applies on the next run.

        Returns:
            True when the review took it (otherwise the note says why).
        """
        with self.step._guard():
            people = self.people
            try:
                review_file.add(
                    self.path,
                    mentee,
                    mentor,
                    action,
                    mentees=people.mentees if people else (),
                    mentors=people.mentors if people else (),
                )
            except WorkbookError as exc:
                self.note.value = bullet_list([escape(x) for x in exc.lines()], "wb-problems")
                return False
            self._changed("Run again to apply the review.")
            return True
        return False

    def remove(self, mentee: str, mentor: str) -> None:
        """What a row's Remove does: that pin or forbidden pair goes, the others stay."""
        with self.step._guard():
            review_file.remove(self.path, mentee, mentor)
            self._changed("Removed. Run again to apply the review.")

    def clear(self) -> None:
        """What Clear review does: no pins, no forbidden pairs."""
        with self.step._guard():
            review_file.clear(self.path)
            self._changed()

    def _changed(self, note: str = "") -> None:
        self.show(note)
        for callback in self._listeners:
            callback()

    def show(self, note: str = "") -> None:
        """Show the review as it is on disk, each entry with Remove, and a note under it."""
        rows = self.rows()
        old = list(self.entries.children)
        self.entries.children = [self._row(r) for r in rows]
        for child in old:
            close_tree(child)
        self.listing.value = f"<p class='wb-help'>{escape(count(rows))}</p>"
        self.note.value = f"<p class='wb-help wb-review-note'>{escape(note)}</p>" if note else ""
        self.clear_button.disabled = not self.path.exists()

    def _row(self, row: dict[str, str]) -> w.Widget:
        mentee, mentor, action = row["mentee_id"], row["mentor_id"], row["action"]

        def name(person: str) -> str:
            if self.people is not None:
                return self.people.name(person)
            known = self.known.get(person)
            return f"{known} ({person})" if known else person

        text = w.HTML(
            f"<span class='wb-review-item'>{escape(WORDS.get(action, action))}: "
            f"{escape(name(mentee))} with {escape(name(mentor))}</span>"
        )
        remove = w.Button(
            description="Remove",
            icon="times",
            tooltip=f"Take this {action} out of the review",
            layout=w.Layout(width="auto"),
        ).add_class("wb-remove-review")
        remove.on_click(lambda _b: self.remove(mentee, mentor))
        return w.HBox([text, remove]).add_class("wb-review-row")
