"""The workbook's one notion of "now", so that runs can be made reproducible.

Every timestamp the workbook writes into a file (a design's ``updated``, a matching
run's ``run_at``, a charter's date) comes from :func:`now`. When the environment sets
``SOURCE_DATE_EPOCH`` (the reproducible-builds convention: seconds since 1970 UTC),
that moment is used instead of the clock, so the same inputs give byte-identical
outputs; batch runs and tests rely on it.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from workbook.errors import InputError, Problem


def now() -> dt.datetime:
    """The current time in UTC to the second, or ``$SOURCE_DATE_EPOCH`` when it is set.

    Raises:
        InputError: ``SOURCE_DATE_EPOCH`` is set but is not a whole number of seconds.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError):
            raise InputError(
                Problem(
                    "is not a whole number of seconds since 1970",
                    "unset it, or set it to e.g. the output of `date +%s`",
                    field="SOURCE_DATE_EPOCH",
                    value=epoch,
                )
            ) from None
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def today() -> dt.date:
    """Today's date (UTC), or the date of ``$SOURCE_DATE_EPOCH``."""
    return now().date()


def elapsed(started: float) -> float:
    """Seconds since ``started`` (a :func:`time.perf_counter` reading), to the millisecond.

    ``0.0`` when ``SOURCE_DATE_EPOCH`` is set: a measured duration written into a file
    (a matching run's ``seconds``) would otherwise make two identical runs differ.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return 0.0
    return round(time.perf_counter() - started, 3)


def utc_text(moment: dt.datetime | None) -> str:
    """A timestamp as people read it, in UTC to the minute (``2026-11-23 10:15 UTC``);
    ``""`` for none. A naive timestamp is taken to be UTC already."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
