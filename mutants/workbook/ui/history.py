"""The app's history of a program: every revision, who saved it, when and what changed;
open one read-only as its charter, or restore it as a new revision.

:class:`HistoryPanel` is shown by the app's program view (its *History* button). It
reads :mod:`workbook.history` and restores through it, so a restore is checked like any
save and is itself kept in the history.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ipywidgets as w

from workbook import clock, history
from workbook.errors import WorkbookError
from workbook.ui.page import escape, guarded, shown_lines, status


class HistoryPanel:
    """The revisions of one design, newest first.

    Args:
        design: the program's design file.
        author: who is restoring (the app's "Your name").
        restored: called after a restore, so the app reads the design again.
    """

    def __init__(
        self, design: Path, author: Callable[[], str], restored: Callable[[], object]
    ) -> None:
        self.design = design
        self._author = author
        self._restored = restored
        self.message = w.HTML().add_class("wb-history-message")
        self.rows = w.VBox().add_class("wb-history-rows")
        self.preview = w.HTML().add_class("wb-history-preview")
        self.view = w.VBox(
            [
                w.HTML(
                    "<h2>History</h2><div class='wb-help'>Every saved revision of this "
                    "program, newest first: who saved it, when, and which steps it "
                    "changed. Open one to read its charter; restore one to make its "
                    "decisions the current ones again (as a new revision: nothing is "
                    "lost, and the restore can itself be undone here).</div>"
                ),
                self.message,
                self.rows,
                self.preview,
            ]
        ).add_class("wb-history")

    def show(self) -> None:
        """Read the history again and list it."""
        with guarded(self.message, "reading the history", folders=(self.design.parent,)):
            every = history.revisions(self.design)
            self.rows.children = [self._row(r) for r in reversed(every)]

    def _row(self, revision: history.Revision) -> w.Widget:
        changed = "; ".join(revision.changed) or "the first revision"
        who = revision.by or "someone"
        text = (
            f"<b>Revision {revision.number}</b>{' (current)' if revision.current else ''}: "
            f"{escape(who)}, {escape(clock.utc_text(revision.when) or 'time unknown')}. "
            f"<span class='wb-help'>Changed: {escape(changed)}</span>"
        )
        open_button = w.Button(
            description="Open", tooltip=f"Read revision {revision.number}'s charter"
        ).add_class("wb-history-open")
        open_button.on_click(lambda _b: self.open(revision.number))
        parts: list[w.Widget] = [w.HTML(text), open_button]
        if not revision.current:
            restore = w.Button(
                description="Restore as a new revision",
                tooltip=f"Make revision {revision.number}'s decisions the current ones",
                layout=w.Layout(width="auto"),
            ).add_class("wb-history-restore")
            restore.on_click(lambda _b: self.restore(revision.number))
            parts.append(restore)
        row = w.HBox(parts).add_class("wb-history-row")
        row.add_class(f"wb-history-r{revision.number}")
        return row

    def open(self, number: int) -> None:
        """Show revision ``number``'s charter, read-only."""
        from workbook import charter  # Jinja2: only when a revision is opened
        from workbook.ui.charter import preview_document

        with guarded(self.message, "opening the revision", folders=(self.design.parent,)):
            revision = history.find(self.design, number)
            page = preview_document(
                charter.render_html(charter.build(revision.design, chart=False))
            )
            self.preview.value = (
                f"<h3>Revision {number}, read-only</h3>"
                f'<iframe title="Revision {number}" sandbox="" srcdoc="{escape(page)}">'
                "</iframe>"
            )

    def restore(self, number: int) -> bool:
        """Save revision ``number``'s decisions as a new revision; True when saved."""
        with guarded(self.message, "restoring the revision", folders=(self.design.parent,)):
            try:
                saved = history.restore(self.design, number, author=self._author())
            except WorkbookError as exc:
                self.message.value = status(shown_lines(exc, self.design.parent), ok=False)
                return False
            self.message.value = status(
                [
                    f"Restored revision {number} as revision {saved.design.revision}; the "
                    "revision it replaced is kept in the history."
                ],
                ok=True,
            )
            self._restored()
            self.show()
            return True
        return False
