"""Matching mentees with mentors from a roster: exact, explained, exported.

The face of the matching pipeline. :func:`match` runs it::

    roster       read the file (tables) and judge its rows (roster)
    constraints  the run's settings, the pools and every pair a hard rule forbids
    review       the coordinator's pins and forbidden pairs (review.csv)
    criteria     score every allowed pair, one object per criterion
    solver       the exact min-cost flow for the objective
    explain      a reason for every match and every unmatched mentee
    exports      the files a coordinator downloads

The rest of the product (the matching step, the command line, the app) uses the names
exported here; the modules behind them are the pipeline's own.
"""

from workbook.matching.constraints import Mode, Settings
from workbook.matching.explain import MatchResult
from workbook.matching.pipeline import aggregates, match, record_results
from workbook.matching.review import Review, read_review
from workbook.matching.roster import Roster, load_roster

__all__ = [
    "MatchResult",
    "Mode",
    "Review",
    "Roster",
    "Settings",
    "aggregates",
    "load_roster",
    "match",
    "read_review",
    "record_results",
]
