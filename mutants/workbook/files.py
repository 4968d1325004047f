"""Reading a file a person names: checked before it is parsed.

A design, a roster or an answers file comes from a person, a script or an export, and
may be anything: a pipe or a device (reading it would wait forever), a file far larger
than any program needs, or YAML whose aliases expand a few kilobytes into gigabytes.
Every such file is read here:

* :func:`read` takes regular files only, up to a size cap per kind (named in the
  message), and says in words why anything else is refused;
* :func:`load_yaml` refuses anchors and aliases (the workbook never writes them and a
  hand-written design does not need them) and a key given twice in one mapping (the
  second would silently replace the first), naming both lines; only then is the text
  turned into data, with PyYAML's safe loader.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workbook import knowledge
from workbook.errors import Problem, WorkbookError

MB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    """A kind of file a person gives the workbook, and how large it may be."""

    noun: str
    """What the file is, in a message ("a design", "a roster")."""
    cap: int
    """Bytes; a real file of this kind is far smaller."""
    error: type[WorkbookError]
    fix: str
    """What to give instead of something that is not a file of this kind."""


def cap_text(cap: int) -> str:
    """``2 MB``, ``200 MB``: a cap as a message says it."""
    return f"{cap // MB} MB" if cap >= MB else f"{cap // 1024} KB"


def read(path: Path, kind: Kind) -> bytes | None:
    """The bytes of the file at ``path``, or ``None`` when there is no file there.

    Raises:
        the kind's error: a folder, a pipe, a device or another special file; a file
            larger than the cap; a file that cannot be read (permissions).
    """
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise kind.error(
            Problem(
                f"cannot be read ({exc.strerror or exc})", "check the path and permissions", name
            )
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise kind.error(Problem(f"is a folder, not {kind.noun} file", kind.fix, name))
    if not stat.S_ISREG(info.st_mode):
        raise kind.error(
            Problem(
                "is not a regular file (a pipe, a socket or a device), so it is not read",
                kind.fix,
                name,
            )
        )
    if info.st_size > kind.cap:
        raise kind.error(
            Problem(
                f"is larger than {cap_text(kind.cap)}, far more than {kind.noun} needs",
                f"check it is the right file; {kind.noun} file stays under {cap_text(kind.cap)}",
                name,
            )
        )
    try:
        # O_NONBLOCK: if the file was swapped for a pipe since the check, do not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            # A megabyte at a time: read(cap + 1) would reserve the whole cap (200 MB for a
            # roster) for a file of a few kilobytes.
            chunks: list[bytes] = []
            size = 0
            while size <= kind.cap and (chunk := fh.read(MB)):
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
    except OSError as exc:
        raise kind.error(
            Problem(
                f"cannot be read ({exc.strerror or exc})", "check the path and permissions", name
            )
        ) from None
    if len(data) > kind.cap:
        raise kind.error(Problem(f"is larger than {cap_text(kind.cap)}", kind.fix, name))
    return data


def load_yaml(text: str, file: str, error: type[WorkbookError]) -> Any:
    """YAML text as data, once it is known to hold no alias and no repeated key.

    Raises:
        yaml.YAMLError: the text is not YAML (the caller words it, with the line).
        error: an anchor or alias (one problem per use, with its line), or a key given
            twice in one mapping (naming both lines).
    """
    problems = _check(text, file)
    if problems:
        raise error(problems)
    return knowledge.safe_load(text)


class _Frame:
    """A mapping or a sequence being read: where it is, and what comes next in it."""

    def __init__(self, path: str, mapping: bool) -> None:
        self.path = path
        self.mapping = mapping
        self.keys: dict[str, int] = {}
        """A mapping's keys so far, with their lines."""
        self.want_key = True
        self.key = ""
        self.index = 0
        """A sequence's next item."""

    def child(self) -> str:
        """The dotted path of the node that starts now (as the design's fields read)."""
        name = self.key if self.mapping else str(self.index)
        return f"{self.path}.{name}" if self.path else name


def _check(text: str, file: str) -> list[Problem]:
    problems: list[Problem] = []
    frames: list[_Frame] = []

    def node_done(key: str | None, line: int) -> None:
        """A node ended inside the innermost collection: a key, a value or an item."""
        if not frames:
            return
        frame = frames[-1]
        if not frame.mapping:
            frame.index += 1
        elif not frame.want_key:
            frame.want_key = True
        else:
            frame.want_key = False
            frame.key = key if key is not None else "?"
            if key is None:
                return
            if key in frame.keys:
                problems.append(
                    Problem(
                        f"{key!r} is given twice in one section (lines {frame.keys[key]} and "
                        f"{line}); the second would silently replace the first",
                        "keep one of them, merging what each says",
                        file,
                        row=line,
                        field=frame.child(),
                    )
                )
            else:
                frame.keys[key] = line

    for event in yaml.parse(text, Loader=knowledge.Loader):
        line = event.start_mark.line + 1 if event.start_mark else 0
        said = bool(problems) and problems[-1].row == line and "anchor" in problems[-1].message
        if (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)) and not said:
            problems.append(
                Problem(
                    "uses a YAML anchor or alias (&name or *name), which the workbook does not "
                    "read",
                    "write the values out where they are used",
                    file,
                    row=line,
                )
            )
        if isinstance(event, yaml.AliasEvent):
            node_done(None, line)
        elif isinstance(event, yaml.ScalarEvent):
            node_done(str(event.value), line)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            path = frames[-1].child() if frames else ""
            frames.append(_Frame(path, isinstance(event, yaml.MappingStartEvent)))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frames.pop()
            node_done(None, line)
        if len(problems) >= 50:
            break  # enough to act on; the rest follow the same fix
    return problems
