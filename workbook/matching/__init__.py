"""Matching mentees with mentors from a roster: exact, explained, exported.

The face of the matching pipeline. :func:`match` runs it::

    roster       read the file (tables) and judge its rows (roster, values)
    constraints  the run's settings, the pools and every pair a hard rule forbids
    review       the coordinator's pins and forbidden pairs (review.csv)
    criteria     what each criterion is, needs and rewards (no numpy: the charter and
                 the step describe criteria without loading the rest)
    scoring      every allowed pair scored, each criterion prepared on the pools
    solver       the exact min-cost flow for the objective
    explain      a reason for every match and every unmatched mentee
    exports      the files a coordinator downloads
    pipeline     match(), and the aggregates a design may keep
    plan         the matching decisions the rest of a design already states
    template     the roster templates a coordinator downloads (CSV, XLSX)

and beside the pipeline, what a coordinator asks of a run:

    equity       match rate and score by any roster column (small groups pooled)
    stability    blocking pairs, and what the stable assignment would give
    robustness   each pair's margin, weights nudged, close calls
    tradeoff     coverage against quality as the minimum score moves
    whynot       why a mentee did not get a mentor, and what forcing it would cost
    keep         running pairs kept while newcomers are matched (rolling intake)
    supply       how many more mentors, with which profiles, would match everyone

The rest of the product (the matching step, the command line, the app, the charter)
uses the names exported here; the modules behind them are the pipeline's own. Names are
imported when first used, so describing criteria does not load numpy, pandas and the
solver.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbook.matching.constraints import Mode, Settings
    from workbook.matching.criteria import BUILT_IN, Criterion, active, every, label, required
    from workbook.matching.explain import MatchResult, Summary
    from workbook.matching.pipeline import aggregates, match, record_results
    from workbook.matching.plan import Implied, implied
    from workbook.matching.review import Review, read_review
    from workbook.matching.roster import Roster, RosterSummary, load_roster, summarise
    from workbook.matching.template import (
        TemplateColumn,
        template_columns,
        template_csv,
        template_xlsx,
    )

_WHERE = {
    "Mode": "constraints",
    "Settings": "constraints",
    "BUILT_IN": "criteria",
    "Criterion": "criteria",
    "active": "criteria",
    "every": "criteria",
    "label": "criteria",
    "required": "criteria",
    "MatchResult": "explain",
    "Summary": "explain",
    "aggregates": "pipeline",
    "match": "pipeline",
    "record_results": "pipeline",
    "Implied": "plan",
    "implied": "plan",
    "Review": "review",
    "read_review": "review",
    "Roster": "roster",
    "RosterSummary": "roster",
    "load_roster": "roster",
    "summarise": "roster",
    "TemplateColumn": "template",
    "template_columns": "template",
    "template_csv": "template",
    "template_xlsx": "template",
}

__all__ = [  # what _WHERE serves, spelled out for type checkers and linters
    "BUILT_IN",
    "Criterion",
    "Implied",
    "MatchResult",
    "Mode",
    "Review",
    "Roster",
    "RosterSummary",
    "Settings",
    "Summary",
    "TemplateColumn",
    "active",
    "aggregates",
    "every",
    "implied",
    "label",
    "load_roster",
    "match",
    "read_review",
    "record_results",
    "required",
    "summarise",
    "template_columns",
    "template_csv",
    "template_xlsx",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
