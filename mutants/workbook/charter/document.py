"""Build a design's charter and write it: the pipeline the command line and the step call.

::

    build -> check readiness (strict) -> render each format -> write atomically

:func:`build` turns a :class:`~workbook.design.Design` into a
:class:`~workbook.charter.blocks.Charter` (the sections, from
:mod:`workbook.charter.sections`); :func:`write` renders the formats asked for
(:mod:`workbook.charter.render`) and writes them through the guarded writer of
:mod:`workbook.store`, so a charter someone edited is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from workbook import clock, programs, rules
from workbook.charter import timeline as tl
from workbook.charter.blocks import Charter, RuleFinding, clean
from workbook.charter.render import FORMATS, parse_formats, render
from workbook.charter.sections import sections
from workbook.design import Design
from workbook.errors import CharterError, InputError
from workbook.store import write_outputs

MANIFEST = ".workbook-charter.json"
"""Records what the workbook wrote in an output folder, so it never overwrites an edit."""


# --------------------------------------------------------------------------- build


def _check(design: Design) -> list[RuleFinding]:
    """The design's broken rules, from :mod:`workbook.rules` (the same list as everywhere)."""
    return [RuleFinding.of(f) for f in rules.check(design)]


def file_stem(design: Design) -> str:
    """The charter's file name without extension, the same for every format:
    ``northwind-graduate-mentoring-charter-r14``. Named after the program and its
    revision, so a download folder of charters says whose each is and which version."""
    try:
        name = programs.folder_name(design.program.name)
    except InputError:
        name = "mentoring-program"
    return f"{name}-charter-r{design.revision}"


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
    stem = file_stem(design)
    return Charter(
        title=clean(p.name) or "Mentoring program",
        organisation=clean(p.organisation),
        version=f"revision {design.revision}",
        owner=clean(p.owner) or None,
        sponsor=clean(p.sponsor) or None,
        date=updated.isoformat(),
        sections=sections(design, found, events, updated.isoformat(), chart, stem),
        findings=tuple(found),
        events=tuple(events),
        revision=design.revision,
        page_size=p.page_size,
        signed=bool(design.approvals) and all(a.name and a.date for a in design.approvals),
        stem=stem,
    )


def write(
    design: Design,
    outdir: str | Path,
    formats: str | Sequence[str] = FORMATS,
    strict: bool = False,
    findings: Iterable[rules.Finding] | None = None,
    today: dt.date | None = None,
) -> list[Path]:
    """Write the charter in each format into ``outdir`` as ``<stem>.<fmt>`` (the
    program's name and revision, :func:`file_stem`); return the paths written.

    Each file is written atomically, so a reader never sees half a charter, and never
    over a charter someone edited (a Word copy with a stakeholder's comments): the
    folder's ``.workbook-charter.json`` records what the workbook wrote, and any other
    file of the same name is refused with nothing written. Markdown
    cannot hold an image, so with ``md`` the timeline chart is written beside it as
    ``<stem>-timeline.png`` (and returned too).

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
        files[f"{charter.stem}.{fmt}"] = render(charter, fmt)
        if fmt == "md" and charter.chart is not None:
            files[charter.chart.filename] = charter.chart.png
    return write_outputs(Path(outdir), files, MANIFEST)
