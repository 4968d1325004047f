"""What a roster's cells mean beyond their text: lists of items and time zones.

Shared by the roster's validation (:mod:`workbook.matching.roster`), the criteria that
score pairs (:mod:`workbook.matching.criteria`) and the constraints, so a list or a time
zone means the same wherever it is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REFERENCE_DAY = dt.date(2026, 1, 15)
"""Offsets are taken on this day when a design has no start date (a winter day: most
zones keep standard time then)."""


DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a text cell starting with one of these as a formula: the exports
write such a cell with a leading apostrophe ("CSV injection")."""


def restore_ids(values: Iterable[object]) -> list[str]:
    """Ids read back from the workbook's own exports, as the roster writes them: the
    apostrophe the exports put before an id like ``-17`` or ``=A1`` is taken off, so a
    previous cohort's or a running program's ``matches.csv`` finds its people again."""
    out = []
    for value in values:
        text = str(value)
        out.append(text[1:] if text.startswith("'") and text[1:].startswith(DANGEROUS) else text)
    return out


def split_list(values: Iterable[str]) -> list[list[str]]:
    """Split ``;``-separated cells into trimmed, de-duplicated, non-empty items."""
    out = []
    for v in values:
        items = [s.strip() for s in v.split(";")] if v else []
        out.append(list(dict.fromkeys(s for s in items if s)))
    return out


@lru_cache(maxsize=4096)
def utc_offset_hours(name: str, on: dt.date = REFERENCE_DAY) -> float | None:
    """The UTC offset of an IANA time zone on a date, or ``None`` if the name is unknown."""
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        return None
    offset = dt.datetime.combine(on, dt.time(12), zone).utcoffset()
    return None if offset is None else offset.total_seconds() / 3600
