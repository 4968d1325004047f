"""The charter in each format: one Jinja2 environment for Markdown and HTML, Word apart.

The templates ship inside the package (``workbook/charter/templates/``, read with
Jinja2's ``PackageLoader``), one per format extending ``base.j2`` and sharing macros,
the way Voila names its templates (``charter.md.j2``, ``charter.html.j2``). Templates
only loop and branch; every value they print was prepared by :mod:`workbook.charter.blocks`.
Word has no template language python-docx can fill: :mod:`workbook.charter.word` walks
the same blocks. A PDF is that Word document converted by LibreOffice
(:mod:`workbook.charter.pdf`), offered only where LibreOffice is installed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

import jinja2

from workbook.charter import pdf
from workbook.charter.blocks import TBD, Charter
from workbook.errors import CharterError, InputError, Problem

FORMATS = ("md", "html", "docx")
"""The formats a charter is written in when none are named, in the order the command line
lists them. ``pdf`` is asked for by name: it needs LibreOffice and takes seconds."""


def available_formats() -> tuple[str, ...]:
    """Every format this machine can write: :data:`FORMATS`, and ``pdf`` with LibreOffice."""
    return (*FORMATS, "pdf") if pdf.available() else FORMATS


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


# --------------------------------------------------------------------------- render


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment of every charter template.

    Autoescape is on for ``*.html.j2`` and off for Markdown, where the ``md`` filter
    escapes instead; ``StrictUndefined`` turns a misspelt name into an error in the
    tests rather than a silent gap in a signed document.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("workbook.charter", "templates"),
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
        CharterError: ``fmt`` is not one of :func:`available_formats`, or LibreOffice
            failed to make the PDF.
    """
    if fmt == "md":
        return render_markdown(charter).encode("utf-8")
    if fmt == "html":
        return render_html(charter).encode("utf-8")
    if fmt == "docx":
        from workbook.charter.word import render_docx  # python-docx: only when asked for

        return render_docx(charter)
    if fmt == "pdf":
        from workbook.charter.word import render_docx

        return pdf.docx_to_pdf(render_docx(charter))
    raise CharterError(
        Problem(
            f"unknown format {fmt!r}",
            f"use one or more of {', '.join(available_formats())}",
            field="format",
        )
    )


def parse_formats(formats: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"md,html"`` or ``["md", "html"]`` -> ``("md", "html")``; ``None`` is every format.

    The command line's ``--format``, the notebook's ``formats`` parameter and
    :func:`write` all read formats this way.

    Raises:
        InputError: a format the charter cannot be written in, or none at all; ``pdf``
            where LibreOffice is not installed (the fix says how to install it).
    """
    if formats is None:
        return FORMATS
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    wanted = tuple(dict.fromkeys(str(f).strip().lower() for f in items if str(f).strip()))
    bad = [f for f in wanted if f not in (*FORMATS, "pdf")]
    if bad or not wanted:
        raise InputError(
            Problem(
                f"unknown format {bad[0]!r}" if bad else "no format given",
                f"use one or more of {', '.join(available_formats())}",
                field="formats",
            )
        )
    if "pdf" in wanted and not pdf.available():
        raise InputError(replace(pdf.missing(), field="formats"))
    return wanted
