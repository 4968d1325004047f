"""Where a roster uploaded in the browser goes: the program's folder, and nowhere else.

An uploaded roster is checked (size first, then every problem the matching would
find) before anything is written. A roster that passes is written atomically as
``roster.csv`` or ``roster.xlsx`` beside the design: a fixed name, so the uploaded
file's own name never becomes a path. A different roster already there is never
overwritten silently: it is first copied into ``roster.history/`` (as a design's
earlier revisions go into ``design.history/``), and the step says where. Keeping the
old file rather than asking is deliberate: a coordinator who uploads a roster means to
use it, a question would only stall the run, and nothing is lost either way.

Why a size limit: the browser sends an upload to the kernel in one websocket message,
and the server closes the connection on a message over 10 MiB (tornado's default
``websocket_max_message_size``), so a larger file never reaches the kernel and the page
cannot say why. :data:`MAX_UPLOAD_BYTES` stays under that, and the upload button says
so before anyone tries. Larger rosters are matched from the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbook.errors import Problem, RosterError
from workbook.store import atomic_write, keep

MAX_UPLOAD_BYTES = 10_000_000
"""The largest roster the page accepts: 10 MB, about 50,000 people (the benchmark's
roster of 10,000 mentees and 4,000 mentors is 3 MB). The websocket carrying the upload
refuses messages over 10 MiB."""

NAMES = ("roster.csv", "roster.xlsx")
"""The names an uploaded roster is kept under, in the program's folder."""

TOO_LARGE_FIX = (
    "remove the columns the matching does not use (the roster template lists them), or "
    "ask whoever installed the workbook to match a roster this large outside the page"
)
"""Said in words: the command line that matches any size is for whoever installed the
workbook, not syntax for the coordinator on the page (README, "Command line")."""


def size_text(size: int) -> str:
    """A byte count as a person reads it: ``12.3 MB``, ``850 KB``."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


def check_size(name: str, size: int, limit: int | None = None) -> None:
    """Refuse an upload over ``limit`` bytes (default :data:`MAX_UPLOAD_BYTES`).

    Raises:
        RosterError: naming the file, its size, the limit and what to do instead.
    """
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    if size > limit:
        raise RosterError(
            Problem(
                f"is {size_text(size)}; the page takes rosters up to {size_text(limit)}",
                TOO_LARGE_FIX,
                file=name,
            )
        )


def kind(name: str, content: bytes) -> str:
    """``xlsx`` for a workbook (by its bytes, or its name), else ``csv``."""
    if content[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


@dataclass(frozen=True)
class Stored:
    """Where an upload was kept, and where any roster it replaced went."""

    path: Path
    kept: tuple[Path, ...] = ()
    unchanged: bool = False


def store(folder: Path, content: bytes, suffix: str) -> Stored:
    """Keep ``content`` as ``roster.<suffix>`` in ``folder`` (the program's folder).

    Every other roster there that differs from ``content`` is first copied into
    ``folder/roster.history/``; the other-format file is then removed, so the folder
    holds one current roster. Writes are atomic: an interruption leaves the old files.

    Raises:
        StoreError: a file could not be written (nothing was replaced).
    """
    target = folder / f"roster.{suffix}"
    current = [folder / n for n in NAMES if (folder / n).is_file()]
    if current == [target] and target.read_bytes() == content:
        return Stored(target, unchanged=True)
    kept = []
    for path in current:
        data = path.read_bytes()
        if path == target and data == content:
            continue
        kept.append(keep(path, data, path.name))  # into roster.history/
    atomic_write(target, content)
    for path in current:
        if path != target:
            path.unlink()
    return Stored(target, tuple(kept))
