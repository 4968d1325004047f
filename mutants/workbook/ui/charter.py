"""Widgets for step 6: the approvers and the paper size, then the charter itself,
previewed and downloadable.

The charter is built from every other step's decisions; the decisions this step makes
are who signs it (``approvals``) and the paper its Word and PDF files are laid out on
(``program.page_size``), edited and saved like any step's inputs through
:class:`~workbook.ui.base.Step`. Below the save bar the step shows, for the design as
saved:

* the readiness checklist's verdict and the sections still to be decided;
* a download link per format, carrying the file as a data URI (works in JupyterLab and
  in Voila, needs no server route and no file on disk); Markdown and HTML at once, Word
  after "Prepare the Word file" is pressed, because building a ``.docx`` loads
  python-docx and matplotlib (the timeline picture), about 47 MB a session's kernel
  should not hold for a file nobody asked for;
* a button that writes every format into the output folder, which a headless papermill
  run presses with ``write=True``;
* the HTML charter in a sandboxed ``<iframe srcdoc>`` as tall as the window: its style
  sheet cannot restyle the notebook, no script could run in it even if one got in, and
  its links cannot take the frame anywhere but inside the charter
  (:func:`preview_document`).

Callbacks never let an exception escape (Voila would hide it or show a traceback): the
workbook's own errors are shown as lines, anything else is logged and reported as a bug.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook import charter, places, store
from workbook.design import PageSize
from workbook.errors import WorkbookError
from workbook.steps import charter as signoff
from workbook.steps.charter import ApprovalInputs
from workbook.ui.base import Failed, RowList, Step, bullet_list, escape
from workbook.ui.page import guarded, shown_lines, shown_path, status

log = logging.getLogger(__name__)

MIME = {
    "md": "text/markdown",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
LABELS = {"md": "Markdown", "html": "HTML", "docx": "Word"}
AT_ONCE = ("md", "html")
"""The formats built, and offered for download, every time the charter is shown: text,
cheap to make. Word waits for "Prepare the Word file"; a PDF is only written."""
PAPER: list[tuple[str, PageSize]] = [("A4", "A4"), ("US Letter", "Letter")]
"""The paper size dropdown's options: (what a person reads, the design's value)."""
PREVIEW_HEIGHT = "height: calc(100vh - 32px); min-height: 480px"
"""The preview frame's height: the window's, less a margin for its border, so a sponsor
reads the charter a screenful at a time instead of through a letterbox; never so short
on a small window that a section does not fit. Inline, because ``style.css`` gives
every frame a fixed height."""

_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!doctype[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""\shref\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def preview_document(html: str) -> str:
    """The charter's HTML as the preview frame holds it, so that its links keep the
    reader inside the charter.

    A ``srcdoc`` document resolves its links against the page that holds the frame: the
    contents' ``#s3-objectives`` became the app's own address, and a click loaded the
    app inside the sandboxed frame, where it waited forever for scripts that may not
    run. Two changes, for the preview only (the files people download are unchanged):

    * ``<base href="about:srcdoc">`` first in the head: a ``#section`` link then names
      a place in this document and the frame scrolls to it. It must come before the
      charter's Content-Security-Policy, whose ``base-uri 'none'`` would refuse it.
    * every link that is not a ``#section`` link loses its ``href``: resolved against
      ``about:srcdoc`` it would blank the frame, and an absolute one would load another
      page (the app included) in it. The charter has none today; should one appear, its
      text stays readable and the downloaded file keeps the link.
    """

    def inert(match: re.Match[str]) -> str:
        tag = match.group(0)
        href = _HREF.search(tag)
        if href is None:
            return tag
        value = href.group(0).split("=", 1)[1].strip().strip("\"'")
        return tag if value.startswith("#") else tag[: href.start()] + tag[href.end() :]

    html = _LINK.sub(inert, html)
    base = '<base href="about:srcdoc">'
    head = _HEAD.search(html) or _DOCTYPE.search(html)  # no head: it starts the document
    at = head.end() if head is not None else 0
    return html[:at] + base + html[at:]


def resolve_output_dir(output_dir: str | Path, design_path: Path) -> Path:
    """Where written charters go: the parameter, else ``$WORKBOOK_OUTPUT``, else a
    ``charter`` folder beside the design (so a run never writes into the notebooks)."""
    return places.given(output_dir, places.OUTPUT) or design_path.parent / "charter"


def _link(fmt: str, data: bytes, stem: str) -> str:
    """A link that downloads ``<stem>.<fmt>`` (the program's name and revision) from a
    data URI (a stable class per format)."""
    return (
        f'<a class="wb-download wb-download-{fmt}" download="{escape(stem)}.{fmt}" '
        f'href="data:{MIME[fmt]};base64,{base64.b64encode(data).decode("ascii")}">'
        f"Download {LABELS[fmt]}</a>"
    )


class ApprovalRow:
    """The widgets of one sign-off line: role, name and date."""

    def __init__(self, step: CharterStep) -> None:
        self.role = w.Text(
            description="Role", placeholder="e.g. Executive sponsor", layout=w.Layout(width="320px")
        ).add_class("wb-approval-role")
        self.name = w.Text(
            description="Name", placeholder="filled in when signed", layout=w.Layout(width="300px")
        ).add_class("wb-approval-name")
        self.date = w.DatePicker(description="Signed").add_class("wb-approval-date")
        self.remove = w.Button(description="Remove", icon="trash").add_class("wb-approval-remove")
        self.remove.on_click(lambda _b: step.remove_approval(self))
        for widget in self.widgets().values():
            widget.observe(step.refresh, names="value")
        self.box = w.HBox([self.role, self.name, self.date, self.remove]).add_class("wb-approval")

    def widgets(self) -> dict[str, w.Widget]:
        """Input field name -> widget, for this row."""
        return {"role": self.role, "name": self.name, "date": self.date}

    def values(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.widgets().items()}

    def set(self, values: dict[str, Any]) -> None:
        self.role.value = values.get("role") or ""
        self.name.value = values.get("name") or ""
        self.date.value = values.get("date")


class CharterStep(Step[ApprovalInputs]):
    """Step 6: who signs the charter and its paper size, and the charter itself."""

    step = "charter"
    help = (
        "The document a sponsor reads and signs, built from every decision in the design. "
        "Name who approves it here and save; undecided sections are marked to be decided "
        "and the charter lists what remains after its one-page summary."
    )

    def __init__(
        self,
        snapshot: store.Snapshot,
        output_dir: Path,
        formats: tuple[str, ...] = charter.FORMATS,
        strict: bool = False,
    ) -> None:
        self.output_dir = output_dir
        self.formats = formats
        self.strict = strict
        self.built: charter.Charter | None = None
        self.files: dict[str, bytes] = {}
        self.readiness = w.HTML().add_class("wb-charter-readiness")
        self.downloads = w.HTML().add_class("wb-charter-downloads")
        self.preview = w.HTML().add_class("wb-charter-preview")
        self.files_status = w.HTML().add_class("wb-charter-files-status")
        self.reload_button = w.Button(
            description="Reload design", icon="refresh", tooltip="Read the design file again"
        ).add_class("wb-charter-reload")
        self.write_button = w.Button(
            description="Write files",
            button_style="primary",
            icon="file",
            # Named from the program's folder ("output"), never as a server path.
            tooltip=f"Write the charter into {shown_path(output_dir, snapshot.path.parent)}",
        ).add_class("wb-charter-write")
        self.prepare_docx = w.Button(
            description="Prepare the Word file",
            icon="file-word-o",
            tooltip="Build the Word file of the charter, then download it",
            layout=w.Layout(width="auto"),
        ).add_class("wb-charter-prepare-docx")
        self.docx_link = w.HTML().add_class("wb-charter-docx")
        self.reload_button.on_click(lambda _b: self.reload())
        self.write_button.on_click(lambda _b: self.write_files())
        self.prepare_docx.on_click(lambda _b: self.prepare_word())
        super().__init__(snapshot, signoff.inputs_from, signoff.apply)
        # The charter of the saved design goes below the base's save bar.
        self.view.children = (
            *self.view.children,
            w.HTML("<h3>The charter</h3>"),
            self.readiness,
            w.HBox([self.reload_button, self.write_button, self.files_status]),
            w.HBox([self.downloads, self.prepare_docx, self.docx_link]).add_class(
                "wb-charter-download-bar"
            ),
            self.preview,
        )
        self.show_charter()

    # ------------------------------------------------------------ the approvals

    def build(self) -> list[w.Widget]:
        self.rows: RowList[ApprovalRow] = RowList(self, "approvals", "wb-approvals")
        add = w.Button(description="Add approver", icon="plus").add_class("wb-add-approval")
        add.on_click(lambda _b: self.add_approval())
        self.page_size = self.field(
            "page_size",
            w.Dropdown(
                description="Paper size",
                options=PAPER,
                value="A4",
                layout=w.Layout(width="260px"),
                style={"description_width": "initial"},
            ).add_class("wb-page-size"),
        )
        return [
            w.HTML(
                "<h3>Approvals</h3><p class='wb-help'>The roles that sign the charter. "
                "Names and dates are filled in as each approver signs.</p>"
            ),
            self.rows.box,
            add,
            w.HBox(
                [
                    self.page_size,
                    w.HTML(
                        "<span class='wb-help'>The charter's Word and PDF files use it.</span>",
                        layout=w.Layout(margin="0 0 0 12px"),
                    ),
                ],
                layout=w.Layout(align_items="center", margin="12px 0 0 0"),
            ).add_class("wb-paper"),
        ]

    def add_approval(self, values: dict[str, Any] | None = None) -> ApprovalRow:
        """Append a sign-off line."""
        return self.rows.add(self._approval(values or {}))

    def remove_approval(self, row: ApprovalRow) -> None:
        self.rows.remove(row)

    def _approval(self, values: dict[str, Any]) -> ApprovalRow:
        row = ApprovalRow(self)
        row.set(values)
        return row

    def label(self, field: str) -> str:
        if field == "page_size":
            return "Paper size"  # as the dropdown says, in a refused parameter's problem
        parts = field.split(".")
        if parts[0] == "approvals" and len(parts) >= 2 and parts[1].isdigit():
            return f"Approver {int(parts[1]) + 1} {' '.join(parts[2:])}".strip()
        return super().label(field)

    def read(self) -> ApprovalInputs:
        return signoff.make_inputs(
            (row.values() for row in self.rows), page_size=self.page_size.value
        )

    def write(self, inputs: ApprovalInputs) -> None:
        with self.quietly():
            self.rows.replace(self._approval(a.model_dump()) for a in inputs.approvals)
            self.page_size.value = inputs.page_size

    def save(self, *, raise_errors: bool = False) -> bool:
        """Save the approvals, then show the charter of the saved design."""
        saved = super().save(raise_errors=raise_errors)
        if saved:
            self.show_charter()
        return saved

    # ------------------------------------------------------------ the charter

    def show_charter(self) -> None:
        """Build the charter of the design as saved and show it."""
        built = None
        with self._files_guard("building the charter"):
            built = charter.build(self.snapshot.design)
            # Word is built on demand (prepare_word): see the module's docstring. A PDF
            # (LibreOffice, seconds per charter) is written by "Write files" only.
            self.files = {fmt: charter.render(built, fmt) for fmt in self.formats if fmt in AT_ONCE}
            self.built = built
        if built is None:
            return
        if built.ready:
            verdict = '<p class="wb-charter-ready">Ready to sign.</p>'
        else:
            verdict = (
                f'<p class="wb-charter-not-ready">Not ready to sign: '
                f"{len(built.open_decisions)} decision(s) to make, "
                f"{len(built.findings)} problem(s) to resolve.</p>"
            )
        undecided = [escape(s.heading) for s in built.sections if not s.decided]
        self.readiness.value = verdict + bullet_list(undecided, "wb-charter-undecided")
        self.downloads.value = "".join(
            _link(fmt, data, built.stem) for fmt, data in self.files.items()
        )
        # A new charter: a Word file prepared for the previous one is gone.
        self.docx_link.value = ""
        self.prepare_docx.layout.display = None if "docx" in self.formats else "none"
        self.prepare_docx.disabled = False
        html = self.files["html"].decode("utf-8") if "html" in self.files else None
        # sandbox="" with no allow-* token: no script, no form, no popup, no navigation
        # of the notebook page; srcdoc keeps the charter's own CSS inside the frame, and
        # preview_document keeps its links inside the charter.
        document = preview_document(html or charter.render_html(built))
        self.preview.value = (
            f'<iframe title="Charter preview" sandbox="" style="{PREVIEW_HEIGHT}" '
            f'srcdoc="{escape(document)}"></iframe>'
        )

    def prepare_word(self) -> bytes | None:
        """Build the Word file of the charter shown, and show its download link."""
        if self.built is None or "docx" not in self.formats:
            return None
        self.prepare_docx.disabled = True
        data = None
        with self._files_guard("preparing the Word file"):
            data = charter.render(self.built, "docx")
        if data is None:
            self.prepare_docx.disabled = False
            return None
        self.files["docx"] = data
        self.docx_link.value = _link("docx", data, self.built.stem)
        self.prepare_docx.layout.display = "none"
        return data

    def reload(self) -> bool:
        """Read the design file again (another step may have saved) and show it."""
        try:
            self.snapshot = store.load(self.snapshot.path)
        except WorkbookError as exc:
            self._files_status(shown_lines(exc, self.snapshot.path.parent), ok=False)
            return False
        self.write(signoff.inputs_from(self.snapshot.design))
        self._update_header()
        self.refresh()
        self.show_charter()
        self._files_status([f"Reloaded revision {self.snapshot.design.revision}."], ok=True)
        return True

    def write_files(self, *, raise_errors: bool = False) -> list[Path]:
        """Write the charter of the saved design into the output folder.

        Args:
            raise_errors: re-raise the workbook's errors after showing them (a headless
                run must fail when ``strict`` refuses the design or the disk is full).
        """
        paths: list[Path] = []
        with self._files_guard("writing the charter", headless=raise_errors):
            paths = charter.write(
                self.snapshot.design, self.output_dir, self.formats, strict=self.strict
            )
            folder = self.snapshot.path.parent
            self._files_status([f"Wrote {shown_path(p, folder)}" for p in paths], ok=True)
        return paths

    def _files_status(self, lines: Sequence[str], *, ok: bool) -> None:
        self.files_status.value = status(lines, ok=ok)

    def _files_guard(
        self, what: str, *, headless: bool = False
    ) -> contextlib.AbstractContextManager[None]:
        """The page's guard, reporting into the files' status line."""
        return guarded(
            self.files_status,
            what,
            headless=headless,
            nothing="Nothing was written.",
            folders=(self.snapshot.path.parent,),
        )

    # ------------------------------------------------------------ entry point

    @classmethod
    def from_params(
        cls,
        design_path: str | Path = "",
        *,
        approvals: list[dict[str, Any]] | None = None,
        page_size: str | None = None,
        save: bool = False,
        output_dir: str | Path = "",
        formats: str | Sequence[str] | None = None,
        strict: bool = False,
        write: bool = False,
    ) -> CharterStep | Failed:
        """Open the design, set the approvers and the paper size from the parameters
        (``None`` keeps the design's), press Save with ``save=True`` and Write files with
        ``write=True``, exactly as a person would.

        Raises:
            WorkbookError: only when ``save`` or ``write`` is true (a headless run must
                fail loudly); interactively the problem is shown in the step instead.
        """
        headless = save or write
        try:
            wanted = charter.parse_formats(formats)
        except WorkbookError as exc:
            if headless:
                raise
            return Failed(exc, cls.heading())

        def configure(step: CharterStep) -> None:
            if approvals is None and page_size is None:
                return
            shown = step.read()
            # Validate first, so a bad parameter is reported by field; then set the
            # widgets, which the Save that follows reads like a person's edits.
            step.write(
                signoff.make_inputs(
                    shown.approvals if approvals is None else approvals,
                    page_size=shown.page_size if page_size is None else page_size,
                )
            )
            step.refresh()

        step = cls.launch(
            design_path,
            configure,
            save=save,
            headless=headless,
            build=lambda snap: cls(snap, resolve_output_dir(output_dir, snap.path), wanted, strict),
        )
        if write and isinstance(step, CharterStep):
            step.write_files(raise_errors=True)
        return step
