"""The program charter: the document a sponsor reads and signs, built from a design.

The charter is data first, text second. :func:`build` turns a design into a
:class:`Charter`: its sections in the order a reader needs them
(:mod:`workbook.charter.sections`, with :mod:`workbook.charter.program`), each a tuple of
format-neutral blocks (:mod:`workbook.charter.blocks`) and the decisions it still lacks,
drafted with :mod:`workbook.charter.drafting`. The renderers only lay the blocks out
(:mod:`workbook.charter.render` for Markdown and HTML from the package's Jinja2
templates, :mod:`workbook.charter.word` for Word); :mod:`workbook.charter.timeline`
dates the program. :func:`write` is the pipeline the command line and the step call.

Three promises, each tested:

* An unfinished design still renders: what is undecided shows as *to be decided*, and a
  readiness checklist at the top lists the open decisions and the broken rules.
* Text typed by a user is text in every format: autoescaped in HTML, escaped for
  Markdown, stripped of characters Word cannot store.
* No roster data: the charter is built from the design alone, and the design keeps only
  aggregates of a matching run (``MatchingResults``).
"""

from workbook.charter.blocks import TBD, Charter, OpenDecision, Section
from workbook.charter.document import MANIFEST, build, file_stem, write
from workbook.charter.render import (
    FORMATS,
    environment,
    md_escape,
    parse_formats,
    render,
    render_html,
    render_markdown,
)

__all__ = [
    "FORMATS",
    "MANIFEST",
    "TBD",
    "Charter",
    "OpenDecision",
    "Section",
    "build",
    "environment",
    "file_stem",
    "md_escape",
    "parse_formats",
    "render",
    "render_html",
    "render_markdown",
    "write",
]
