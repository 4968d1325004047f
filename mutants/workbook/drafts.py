"""Unsaved edits kept on disk, so that nothing typed is lost before it is saved.

A step's widgets hold edits until Save. A page reloaded, a tab closed, a program left or
a kernel culled or killed would lose them; so every change that validates is kept as a
draft beside the design (``design.drafts/<step>.json``: the step's values, who typed
them and when), and a step opened again offers it back ("Restore" or "Discard"). Saving
the step removes its draft.

A draft holds the step's decisions only, never roster data. It is written without the
fsync a save gets (it is rewritten on every change, and a machine that loses power
loses only the last keystrokes, not the design).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbook import clock

SUFFIX = ".drafts"


@dataclass(frozen=True)
class Draft:
    """A step's unsaved values.

    Attributes:
        step: the step's key.
        values: the step's inputs as plain data (``model_dump(mode="json")``).
        author: who typed them, as they gave their name (``""`` if they did not).
        saved: when they were last changed.
        revision: the design's revision the edits started from.
    """

    step: str
    values: dict[str, Any]
    author: str
    saved: dt.datetime
    revision: int


def folder(design: Path) -> Path:
    """Where a design's drafts are kept (``design.yaml`` -> ``design.drafts/``)."""
    return design.with_name(f"{design.stem}{SUFFIX}")


def _path(design: Path, step: str) -> Path:
    return folder(design) / f"{step}.json"


def keep(design: Path, step: str, values: dict[str, Any], author: str, revision: int) -> Draft:
    """Keep a step's values as its draft (replacing the previous one).

    A draft that cannot be written (a read-only folder) is not an error: the edits are
    still on the page, and saving will say what is wrong with the folder.
    """
    draft = Draft(step, values, author, clock.now(), revision)
    body = {
        "step": step,
        "values": values,
        "author": author,
        "saved": draft.saved.isoformat(),
        "revision": revision,
    }
    target = _path(design, step)
    with contextlib.suppress(OSError):
        target.parent.mkdir(exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(json.dumps(body, indent=1, ensure_ascii=False), "utf-8")
        os.replace(tmp, target)
    return draft


def find(design: Path, step: str) -> Draft | None:
    """The step's draft, or ``None`` (also for a file that is not a draft)."""
    try:
        data = json.loads(_path(design, step).read_text("utf-8"))
        return Draft(
            step=str(data["step"]),
            values=dict(data["values"]),
            author=str(data.get("author", "")),
            saved=dt.datetime.fromisoformat(data["saved"]),
            revision=int(data.get("revision", 0)),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def discard(design: Path, step: str) -> None:
    """Remove the step's draft (saved, or thrown away); no draft is fine."""
    with contextlib.suppress(OSError):
        _path(design, step).unlink()
    with contextlib.suppress(OSError):
        folder(design).rmdir()  # only when empty


def pending(design: Path) -> set[str]:
    """The keys of the steps that have a draft."""
    try:
        return {p.stem for p in folder(design).glob("*.json")}
    except OSError:
        return set()
