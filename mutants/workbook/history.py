"""A design's history: every revision, who saved it, when and what changed, and a way back.

Every save keeps the revision it replaces in the design's history folder
(:func:`workbook.store.keep`), and a refused save keeps the version it would have
written. :func:`revisions` reads them back as a list a person can follow: each saved
revision with its number, its author and time, and the steps whose decisions it
changed; :func:`restore` saves an earlier revision's decisions as a new revision,
checked like any save, so restoring never overwrites someone's newer work and is itself
undoable.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from workbook import store
from workbook.design import Design
from workbook.errors import InputError, Problem, WorkbookError


@dataclass(frozen=True)
class Revision:
    """One saved revision of a design.

    Attributes:
        number: the design's revision number.
        design: its decisions.
        when: when it was saved (``None`` in files older than the field).
        by: who saved it (``None`` when the file does not say).
        changed: titles of the steps whose decisions differ from the revision before.
        file: where it is kept (the design file itself for the current revision).
        current: it is the design on disk now.
    """

    number: int
    design: Design
    when: dt.datetime | None
    by: str | None
    changed: tuple[str, ...]
    file: Path
    current: bool = False


def revisions(path: str | os.PathLike[str]) -> list[Revision]:
    """Every saved revision of the design at ``path``, oldest first, the current last.

    Kept files that cannot be read (edited by hand into something else) and the versions
    a refused save kept (they were never a revision) are left out.

    Raises:
        DesignError: the design itself cannot be read.
    """
    path = Path(path)
    current = store.load(path)
    found: dict[int, tuple[Design, Path]] = {}
    for kept in store.revisions(path):
        if not kept.name.split("-")[-1].startswith("r"):
            continue  # mine.yaml, conflict.yaml: versions that were not saved
        try:
            design = store.parse_bytes(kept.read_bytes(), str(kept))
        except (WorkbookError, OSError):
            continue
        found[design.revision] = (design, kept)
    found[current.design.revision] = (current.design, path)
    out: list[Revision] = []
    previous: Design | None = None
    for number in sorted(found):
        design, file = found[number]
        changed = store.changed_steps(previous, design) if previous is not None else ()
        out.append(
            Revision(
                number=number,
                design=design,
                when=design.updated,
                by=design.updated_by,
                changed=changed,
                file=file,
                current=file == path,
            )
        )
        previous = design
    return out


def find(path: str | os.PathLike[str], number: int) -> Revision:
    """Revision ``number`` of the design at ``path``.

    Raises:
        InputError: the history holds no such revision.
        DesignError: the design itself cannot be read.
    """
    every = revisions(path)
    for revision in every:
        if revision.number == number:
            return revision
    known = ", ".join(str(r.number) for r in every)
    raise InputError(
        Problem(
            f"the history holds no revision {number}",
            f"choose one of the revisions kept: {known}",
            str(path),
            field="revision",
            value=str(number),
        )
    )


def restore(path: str | os.PathLike[str], number: int, *, author: str = "") -> store.Snapshot:
    """Save revision ``number``'s decisions as a new revision of the design.

    The design on disk is first kept in the history folder, as by any save, so a
    restore is itself undone by restoring the revision it replaced.

    Raises:
        InputError: no such revision.
        ConflictError: the design changed while this ran; nothing was overwritten.
        StoreError: the disk refused the write.
    """
    revision = find(path, number)
    return store.save(revision.design, store.load(path), author=author)
