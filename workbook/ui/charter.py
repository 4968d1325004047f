"""Widgets for step 6: preview the charter, download it, write it to a folder.

The charter step edits nothing in the design, so it is not a :class:`~workbook.ui.base.Step`
(which saves inputs); it reads the design, builds the :class:`~workbook.charter.Charter`
and shows:

* the readiness checklist's verdict, so a designer sees at once what is left;
* the HTML charter itself, in a sandboxed ``<iframe srcdoc>``: its style sheet cannot
  restyle the notebook, and no script could run in it even if one got in;
* a download link per format, carrying the file as a data URI (works in JupyterLab and
  in Voila, needs no server route and no file on disk);
* a button that writes every format into the output folder, which a headless papermill
  run presses with ``write=True``.

Callbacks never let an exception escape (Voila would hide it or show a traceback): the
workbook's own errors are shown as lines, anything else is logged and reported as a bug.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import ipywidgets as w

from workbook import charter, store
from workbook.errors import InputError, Problem, WorkbookError
from workbook.ui.base import STYLE, Failed, bullet_list, escape, open_design

log = logging.getLogger(__name__)

MIME = {
    "md": "text/markdown",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
LABELS = {"md": "Markdown", "html": "HTML", "docx": "Word"}

CHARTER_STYLE = """<style>
.wb-charter-downloads a.wb-download {
  display: inline-block; margin: 0 .5em .4em 0; padding: .35em .9em; border-radius: 4px;
  background: #3b6ea5; color: #fff !important; text-decoration: none; font-weight: 600;
}
.wb-charter-downloads a.wb-download:focus { outline: 3px solid #f2b134; }
.wb-charter-preview iframe {
  width: 100%; height: 760px; border: 1px solid #ccc; border-radius: 4px;
}
.wb-charter-ready { color: #1b5e20; font-weight: 600; }
.wb-charter-not-ready { color: #a94412; font-weight: 600; }
</style>"""


def resolve_output_dir(output_dir: str | Path, design_path: Path) -> Path:
    """Where written charters go: the parameter, else ``$WORKBOOK_OUTPUT``, else a
    ``charter`` folder beside the design (so a run never writes into the notebooks)."""
    text = str(output_dir).strip() or os.environ.get("WORKBOOK_OUTPUT", "").strip()
    return Path(text).expanduser() if text else design_path.parent / "charter"


def parse_formats(formats: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"md,html"`` or ``["md", "html"]`` -> ``("md", "html")``; ``None`` is every format.

    Raises:
        InputError: a format the charter cannot be written in.
    """
    if formats is None:
        return charter.FORMATS
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    wanted = tuple(dict.fromkeys(str(f).strip().lower() for f in items if str(f).strip()))
    bad = [f for f in wanted if f not in charter.FORMATS]
    if bad or not wanted:
        raise InputError(
            Problem(
                f"{bad[0]!r} is not a charter format" if bad else "no format was given",
                f"use one or more of {', '.join(charter.FORMATS)}",
                field="formats",
            )
        )
    return wanted


class CharterStep:
    """Step 6: the charter of the design, previewed, downloadable and written to disk."""

    step = "charter"
    title = "6. Program charter"
    help = (
        "The document a sponsor reads and signs, built from every decision in the design. "
        "Undecided sections are marked to be decided; the checklist at the top of the "
        "charter lists what remains."
    )

    def __init__(
        self,
        snapshot: store.Snapshot,
        output_dir: Path,
        formats: tuple[str, ...] = charter.FORMATS,
        strict: bool = False,
    ) -> None:
        self.snapshot = snapshot
        self.output_dir = output_dir
        self.formats = formats
        self.strict = strict
        self.built: charter.Charter | None = None
        self.files: dict[str, bytes] = {}
        self.header = w.HTML().add_class("wb-title")
        self.readiness = w.HTML().add_class("wb-charter-readiness")
        self.downloads = w.HTML().add_class("wb-charter-downloads")
        self.preview = w.HTML().add_class("wb-charter-preview")
        self.status = w.HTML().add_class("wb-status")
        self.reload_button = w.Button(
            description="Reload design", icon="refresh", tooltip="Read the design file again"
        ).add_class("wb-charter-reload")
        self.write_button = w.Button(
            description="Write files",
            button_style="primary",
            icon="save",
            tooltip=f"Write the charter into {output_dir}",
        ).add_class("wb-charter-write")
        self.reload_button.on_click(lambda _b: self.reload())
        self.write_button.on_click(lambda _b: self.write())
        self.view = w.VBox(
            [
                w.HTML(STYLE + CHARTER_STYLE),
                self.header,
                self.readiness,
                w.HBox([self.reload_button, self.write_button, self.status]),
                self.downloads,
                self.preview,
            ]
        ).add_class("wb-step")
        self.view.add_class("wb-step-charter")
        self.refresh()

    # ------------------------------------------------------------ behaviour

    def refresh(self) -> None:
        """Build the charter from the design in memory and show it."""
        try:
            self.built = charter.build(self.snapshot.design)
            self.files = {fmt: charter.render(self.built, fmt) for fmt in self.formats}
        except WorkbookError as exc:
            self._set_status(exc.lines(), ok=False)
            return
        except Exception as exc:
            self._bug(exc)
            return
        self._show()

    def reload(self) -> bool:
        """Read the design file again (another step may have saved) and rebuild."""
        try:
            self.snapshot = store.load(self.snapshot.path)
        except WorkbookError as exc:
            self._set_status(exc.lines(), ok=False)
            return False
        self.refresh()
        self._set_status([f"Reloaded revision {self.snapshot.design.revision}."], ok=True)
        return True

    def write(self, *, raise_errors: bool = False) -> list[Path]:
        """Write the charter files into the output folder; the paths written.

        Args:
            raise_errors: re-raise the workbook's errors after showing them (a headless
                run must fail when ``strict`` refuses the design or the disk is full).
        """
        try:
            paths = charter.write(
                self.snapshot.design, self.output_dir, self.formats, strict=self.strict
            )
        except WorkbookError as exc:
            self._set_status(exc.lines(), ok=False)
            if raise_errors:
                raise
            return []
        except Exception as exc:
            self._bug(exc)
            if raise_errors:
                raise
            return []
        self._set_status([f"Wrote {p}" for p in paths], ok=True)
        return paths

    # ------------------------------------------------------------ display

    def _show(self) -> None:
        built = self.built
        assert built is not None
        snap = self.snapshot
        state = f"revision {snap.design.revision}" if snap.fingerprint else "not saved yet"
        self.header.value = (
            f"<h2>{escape(self.title)}</h2>"
            f'<div class="wb-help">{escape(self.help)}</div>'
            f'<div class="wb-help">Design file: <code>{escape(snap.path)}</code> ({state}); '
            f"files are written to <code>{escape(self.output_dir)}</code></div>"
        )
        if built.ready:
            verdict = '<p class="wb-charter-ready">Ready to sign.</p>'
        else:
            verdict = (
                f'<p class="wb-charter-not-ready">Not ready to sign: '
                f"{len(built.open_decisions)} decision(s) open, "
                f"{len(built.findings)} rule(s) broken.</p>"
            )
        undecided = [f"{s.number}. {escape(s.title)}" for s in built.sections if not s.decided]
        self.readiness.value = verdict + bullet_list(undecided, "wb-charter-undecided")
        links = "".join(
            f'<a class="wb-download wb-download-{fmt}" download="charter.{fmt}" '
            f'href="data:{MIME[fmt]};base64,{base64.b64encode(data).decode("ascii")}">'
            f"Download {LABELS[fmt]}</a>"
            for fmt, data in self.files.items()
        )
        self.downloads.value = links
        html = self.files["html"].decode("utf-8") if "html" in self.files else None
        # sandbox="" with no allow-* token: no script, no form, no navigation of the
        # notebook page; srcdoc keeps the charter's own CSS inside the frame.
        self.preview.value = (
            '<iframe title="Charter preview" sandbox="" '
            f'srcdoc="{escape(html or charter.render_html(built))}"></iframe>'
        )

    def _set_status(self, lines: Sequence[str], *, ok: bool) -> None:
        css = "wb-status-ok" if ok else "wb-status-error"
        self.status.value = f'<span class="{css}">{"<br>".join(escape(x) for x in lines)}</span>'

    def _bug(self, exc: Exception) -> None:
        log.exception("unexpected error in the charter step")
        self._set_status(
            [
                f"Something went wrong inside the workbook ({type(exc).__name__}). "
                "Nothing was written. Please report this as a bug."
            ],
            ok=False,
        )

    # ------------------------------------------------------------ entry point

    @classmethod
    def from_params(
        cls,
        design_path: str | Path = "",
        *,
        output_dir: str | Path = "",
        formats: str | Sequence[str] | None = None,
        strict: bool = False,
        write: bool = False,
    ) -> CharterStep | Failed:
        """Open the design and build its charter; with ``write=True`` press Write files.

        Raises:
            WorkbookError: only when ``write`` is true (a headless run must fail loudly);
                interactively the problem is shown in the step instead.
        """
        try:
            wanted = parse_formats(formats)
            snapshot = open_design(design_path)
            step = cls(snapshot, resolve_output_dir(output_dir, snapshot.path), wanted, strict)
        except WorkbookError as exc:
            if write:
                raise
            return Failed(exc, cls.title)
        if write:
            step.write(raise_errors=True)
        return step
