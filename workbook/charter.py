"""The program charter: the document a sponsor reads and signs, built from a design.

The charter is data first, text second. :func:`build` turns a
:class:`~workbook.design.Design` into a :class:`Charter`: sixteen sections in the order a
reader needs them (issue 6, built in :mod:`workbook.charter_sections`), each a tuple of
format-neutral blocks (:mod:`workbook.charter_blocks`: paragraphs, labelled fields,
lists, tables, the timeline chart) and the decisions it still lacks. The renderers only
lay the blocks out: one Jinja2 environment with a template per format
(``templates/charter.md.j2``, ``templates/charter.html.j2``) and the Word writer in
:mod:`workbook.charter_docx`. :func:`write` is the pipeline the command line and the
notebook call::

    build -> check readiness (strict) -> render each format -> write atomically

Three promises, each tested:

* An unfinished design still renders: what is undecided shows as *to be decided*, and a
  readiness checklist at the top lists the open decisions and the broken rules.
* Text typed by a user is text in every format: autoescaped in HTML, escaped for
  Markdown, stripped of characters Word cannot store.
* No roster data: the charter is built from the design alone, and the design keeps only
  aggregates of a matching run (``MatchingResults``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import jinja2
from pydantic import BaseModel, ConfigDict, Field

from workbook import TEMPLATES, clock, rules
from workbook import timeline as tl
from workbook.charter_blocks import (
    TBD,
    Block,
    Bullets,
    Chart,
    Charter,
    Entry,
    Fields,
    OpenDecision,
    Paragraph,
    RuleFinding,
    Section,
    Status,
    Table,
    clean,
)
from workbook.charter_sections import sections
from workbook.design import Approval, Design, validate_input
from workbook.errors import CharterError, InputError, Problem
from workbook.store import write_outputs

__all__ = [
    "FORMATS",
    "TBD",
    "ApprovalInputs",
    "Block",
    "Bullets",
    "Chart",
    "Charter",
    "Entry",
    "Fields",
    "OpenDecision",
    "Paragraph",
    "RuleFinding",
    "Section",
    "Status",
    "Table",
    "apply_approvals",
    "approvals_from",
    "build",
    "clean",
    "environment",
    "make_approvals",
    "md_escape",
    "render",
    "render_html",
    "render_markdown",
    "write",
]

"""Where the Jinja2 templates live (the repository's top-level ``templates/``)."""

FORMATS = ("md", "html", "docx")
MANIFEST = ".workbook-charter.json"
"""Records what the workbook wrote in an output folder, so it never overwrites an edit."""


# --------------------------------------------------------------------------- text


_MD_INLINE = re.compile(r"([\\`*_\[\]<>#|~&!{}$])")
_MD_LINE_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^([-+=>:])")


def md_escape(text: object) -> str:
    """Escape text so that Markdown shows it literally, on one line.

    Every character that can open markup (emphasis, code, links, images, raw HTML,
    entities, headings, table pipes, GitHub's ``$`` maths) is backslash-escaped, which
    CommonMark and GitHub Markdown both honour; whitespace, newlines included, collapses
    to single spaces so a value cannot start a new block or break a table row; a leading
    ``1.``, ``-``, ``+``, ``=``, ``:`` or ``>`` is escaped so it cannot start a list, a
    heading underline, a definition or a quote.
    """
    flat = " ".join(str(text).split())
    escaped = _MD_INLINE.sub(r"\\\1", flat)
    return _MD_LINE_START.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", escaped
    )


# --------------------------------------------------------------------------- build


def _check(design: Design) -> list[RuleFinding]:
    """The design's broken rules, from :mod:`workbook.rules` (the same list as everywhere)."""
    return [RuleFinding.of(f) for f in rules.check(design)]


def build(
    design: Design,
    findings: Iterable[rules.Finding] | None = None,
    today: dt.date | None = None,
    chart: bool = True,
) -> Charter:
    """Build the charter of a design.

    Args:
        design: any design, finished or not.
        findings: the design's broken rules; ``None`` runs :func:`workbook.rules.check`.
        today: the charter's date when the design has never been saved (tests pin it).
        chart: draw the timeline chart (the only slow part; a quick preview may skip it).
    """
    found = _check(design) if findings is None else [RuleFinding.of(f) for f in findings]
    updated = design.updated.date() if design.updated else (today or clock.today())
    events = tl.build(design)
    p = design.program
    return Charter(
        title=clean(p.name) or "Mentoring program",
        organisation=clean(p.organisation),
        version=f"revision {design.revision}",
        owner=clean(p.owner) or None,
        sponsor=clean(p.sponsor) or None,
        date=updated.isoformat(),
        sections=sections(design, found, events, updated.isoformat(), chart),
        findings=tuple(found),
        events=tuple(events),
    )


# --------------------------------------------------------------------------- render


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment of every charter template.

    Autoescape is on for ``*.html.j2`` and off for Markdown, where the ``md`` filter
    escapes instead; ``StrictUndefined`` turns a misspelt name into an error in the
    tests rather than a silent gap in a signed document.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=True, default=False
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.globals["TBD"] = TBD
    return env


def render_markdown(charter: Charter) -> str:
    """The charter as GitHub-flavoured Markdown (the timeline chart is a linked PNG)."""
    return environment().get_template("charter.md.j2").render(charter=charter)


def render_html(charter: Charter) -> str:
    """The charter as one self-contained HTML page (no scripts, print and phone styles)."""
    return environment().get_template("charter.html.j2").render(charter=charter)


def render(charter: Charter, fmt: str) -> bytes:
    """The bytes of one format.

    Raises:
        CharterError: ``fmt`` is not one of :data:`FORMATS`.
    """
    if fmt == "md":
        return render_markdown(charter).encode("utf-8")
    if fmt == "html":
        return render_html(charter).encode("utf-8")
    if fmt == "docx":
        from workbook.charter_docx import render_docx

        return render_docx(charter)
    raise CharterError(
        Problem(
            f"unknown format {fmt!r}", f"use one or more of {', '.join(FORMATS)}", field="format"
        )
    )


def parse_formats(formats: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"md,html"`` or ``["md", "html"]`` -> ``("md", "html")``; ``None`` is every format.

    The command line's ``--format``, the notebook's ``formats`` parameter and
    :func:`write` all read formats this way.

    Raises:
        InputError: a format the charter cannot be written in, or none at all.
    """
    if formats is None:
        return FORMATS
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    wanted = tuple(dict.fromkeys(str(f).strip().lower() for f in items if str(f).strip()))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise InputError(
            Problem(
                f"unknown format {bad[0]!r}" if bad else "no format given",
                f"use one or more of {', '.join(FORMATS)}",
                field="formats",
            )
        )
    return wanted


def write(
    design: Design,
    outdir: str | Path,
    formats: str | Sequence[str] = FORMATS,
    strict: bool = False,
    findings: Iterable[rules.Finding] | None = None,
    today: dt.date | None = None,
) -> list[Path]:
    """Write ``charter.<fmt>`` for each format into ``outdir``; return the paths written.

    Each file is written atomically, so a reader never sees half a charter, and never
    over a charter someone edited (a Word copy with a stakeholder's comments): the
    folder's ``.workbook-charter.json`` records what the workbook wrote, and any other
    file of the same name is refused with nothing written. Markdown
    cannot hold an image, so with ``md`` the timeline chart is written beside it as
    ``charter-timeline.png`` (and returned too).

    Raises:
        CharterError: ``strict`` and the design has open decisions or broken rules
            (one problem each), or an unknown format (:func:`parse_formats`); nothing
            is written then.
        ExistsError: a charter file in ``outdir`` was not written by the workbook, or
            was edited since; nothing is written.
        StoreError: the folder cannot be created or a file could not be written.
    """
    try:
        formats = parse_formats(formats)
    except InputError as exc:
        raise CharterError(exc.problems) from None
    charter = build(design, findings, today=today)
    if strict and not charter.ready:
        raise CharterError(charter.problems())
    # Render everything before writing anything, so a failure leaves no mixed set.
    files: dict[str, bytes] = {}
    for fmt in dict.fromkeys(formats):
        files[f"charter.{fmt}"] = render(charter, fmt)
        if fmt == "md" and charter.chart is not None:
            files[charter.chart.filename] = charter.chart.png
    return write_outputs(Path(outdir), files, MANIFEST)


# --------------------------------------------------------------------------- approvals


class ApprovalInputs(BaseModel):
    """What the charter step decides itself: who signs, and who has signed when.

    Everything else in the charter comes from the other steps; the sign-off lines are
    the one decision that belongs to the charter (``knowledge/steps.yaml``).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    approvals: list[Approval] = Field(default_factory=list)


def make_approvals(approvals: Iterable[object] = ()) -> ApprovalInputs:
    """Validate approval rows (from widgets or parameters).

    Raises:
        InputError: one problem per bad field (``approvals.1.date: must be a date``).
    """
    return validate_input(ApprovalInputs, {"approvals": list(approvals)})


def approvals_from(design: Design) -> ApprovalInputs:
    """What the charter step shows for an existing design."""
    return ApprovalInputs(approvals=[a.model_copy() for a in design.approvals])


def apply_approvals(design: Design, inputs: ApprovalInputs) -> Design:
    """The design with the charter step's approvals; nothing else is touched."""
    return design.model_copy(update={"approvals": list(inputs.approvals)})
