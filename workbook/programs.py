"""A programs folder: the app's home, one folder per mentoring program.

::

    work/                      the programs folder ($WORKBOOK_PROGRAMS, `workbook app PATH`)
    ├── graduate-program/      one program; the folder name is its key in the app's URL
    │   ├── design.yaml        every decision (workbook.store reads and writes it)
    │   ├── design.history/    earlier revisions
    │   ├── roster.csv         optional: the people to match (personal data, stays here)
    │   ├── output/            optional: matching exports and the written charter
    │   └── access.yaml        optional: who may open, change and sign it (permissions)
    └── sales-onboarding/
        └── design.yaml

This module lists the programs with what a picker shows (name, revision, when last
saved, each step's state from :mod:`workbook.overview`) and creates new ones, from a
blank design or from the bundled example, in a folder named safely after the program.
It never overwrites: a name whose folder exists is refused with nothing written.

A program with an access list (:mod:`workbook.permissions`) is listed for everyone, but
only its folder name is shown to a person it does not let in: its design is not read
for them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from workbook import EXAMPLE as EXAMPLE  # re-exported: the example a program can start from
from workbook import permissions, places, store
from workbook.design import Design, new_design
from workbook.errors import ExistsError, InputError, Problem, WorkbookError

if TYPE_CHECKING:  # the overview needs the charter and the rules: imported when used
    from workbook import overview

DESIGN = "design.yaml"
ROSTER = "roster.csv"
OUTPUT = "output"
ENV = places.PROGRAMS

Source = Literal["blank", "example"]
MAX_KEY = 60
OPEN = permissions.Access()
"""A program without an access list: everyone may open, change and sign it."""


@dataclass(frozen=True)
class ProgramEntry:
    """One program of a programs folder, as the picker lists it.

    Attributes:
        key: the folder's name, which identifies the program in the folder and the URL.
        folder: the program's folder.
        name: the program's name from its design (the key when the design has none).
        revision: the design's revision (0 when it cannot be read).
        saved: when the design was last saved (its ``updated``, else the file's time).
        steps: each design step's state, in order; empty when the design is unreadable.
        error: why the design cannot be opened, or ``None``.
        saved_by: who made the last save, when the design records it.
        access: the program's access list (everyone may do everything without one).
        person: who the entry was listed for (:func:`workbook.permissions.person`).
    """

    key: str
    folder: Path
    name: str
    revision: int
    saved: dt.datetime | None
    steps: tuple[overview.StepStatus, ...]
    error: WorkbookError | None = None
    saved_by: str | None = None
    access: permissions.Access = OPEN
    person: str = ""

    @property
    def rights(self) -> frozenset[permissions.Right]:
        """What the person it was listed for may do with the program."""
        return self.access.rights(self.person)

    @property
    def role(self) -> str:
        """The person's place in the program in words ("You can read it."); ``""``
        without an access list."""
        return permissions.describe(self.access, self.person)

    @property
    def design(self) -> Path:
        return self.folder / DESIGN

    @property
    def roster(self) -> Path:
        """Where the program's roster is kept (it may not exist yet)."""
        return self.folder / ROSTER

    @property
    def output(self) -> Path:
        """Where the program's generated files go."""
        return self.folder / OUTPUT

    @property
    def design_steps(self) -> int:
        """How many steps the design phase has (the evaluation comes after the launch)."""
        return sum(not s.after_launch for s in self.steps)

    @property
    def done(self) -> int:
        """How many design steps are complete (decided, no rule broken)."""
        return sum(s.state == "done" and not s.after_launch for s in self.steps)

    @property
    def attention(self) -> int:
        """How many steps break a rule."""
        return sum(s.state == "attention" for s in self.steps)


def programs_dir(path: str | os.PathLike[str] = "") -> Path:
    """The programs folder: ``path``, else ``$WORKBOOK_PROGRAMS``.

    Raises:
        InputError: neither names a folder, or the folder does not exist.
    """
    folder = places.given(path, ENV)
    if folder is None:
        raise InputError(
            Problem(
                "no programs folder was given",
                f"start the app with `workbook app FOLDER` or set {ENV}",
                field="programs_dir",
            )
        )
    if not folder.is_dir():
        raise InputError(
            Problem(
                "the programs folder does not exist",
                "create it, or start the app on another folder",
                field="programs_dir",
            )
        )
    return folder


def entry(folder: Path, person: str | None = None) -> ProgramEntry:
    """What the picker shows about one program folder to ``person`` (default: who is
    signed in). Never raises for a bad design or access list; a program the person may
    not open is named by its folder only, its design not read."""
    path = folder / DESIGN
    who = permissions.person() if person is None else person
    try:
        access = permissions.read(folder)
    except WorkbookError as exc:
        return ProgramEntry(folder.name, folder, folder.name, 0, None, (), exc, person=who)
    if not access.may(who, "open"):
        return ProgramEntry(
            folder.name, folder, folder.name, 0, None, (), access=access, person=who
        )
    try:
        snap = store.load(path)
    except WorkbookError as exc:
        return ProgramEntry(
            folder.name, folder, folder.name, 0, _mtime(path), (), exc, access=access, person=who
        )
    return summarise(folder, snap.design, access, who)


def summarise(
    folder: Path,
    design: Design,
    access: permissions.Access | None = None,
    person: str = "",
) -> ProgramEntry:
    """A program's entry from a design already read (and its access list, if read)."""
    from workbook import overview

    return ProgramEntry(
        key=folder.name,
        folder=folder,
        name=design.program.name.strip() or folder.name,
        revision=design.revision,
        saved=design.updated or _mtime(folder / DESIGN),
        steps=tuple(overview.status(design)),
        saved_by=getattr(design, "updated_by", None),  # recorded by newer saves only
        access=access if access is not None else OPEN,
        person=person,
    )


def _mtime(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
    except OSError:
        return None


def list_programs(root: Path, person: str | None = None) -> list[ProgramEntry]:
    """Every program in ``root`` (folders holding a ``design.yaml``), by name, as
    ``person`` (default: who is signed in) may see it."""
    who = permissions.person() if person is None else person
    folders = [p for p in root.iterdir() if p.is_dir() and (p / DESIGN).is_file()]
    entries = [entry(p, who) for p in folders if not p.name.startswith(".")]
    return sorted(entries, key=lambda e: (e.name.casefold(), e.key))


def folder_name(name: str) -> str:
    """A safe folder name for a program: ``"Sales onboarding 2027!"`` ->
    ``"sales-onboarding-2027"`` (ASCII letters, digits and dashes, at most 60).

    Raises:
        InputError: the name is empty or has no letter or digit to name a folder by.
    """
    if not name.strip():
        raise InputError(
            Problem("the program needs a name", "type its name", field="name", value=name)
        )
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    key = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:MAX_KEY].strip("-")
    if reserved(key):
        raise InputError(
            Problem(
                f"{key!r} is a name Windows keeps for a device, so a folder of that name "
                "cannot be opened there or on a shared drive",
                "add a word to the name, such as 'con-mentoring'",
                field="name",
                value=name,
            )
        )
    if not key:
        raise InputError(
            Problem(
                "the name has no letter or digit to name its folder by",
                "use a name with at least one plain letter or digit",
                field="name",
                value=name,
            )
        )
    return key


WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
"""Names Windows keeps for devices, with or without an extension (``con.txt`` too)."""


def reserved(name: str) -> bool:
    """A folder name Windows and SMB shares cannot use (``CON``, ``nul.yaml``, ``COM1``)."""
    return name.split(".", 1)[0].strip().lower() in WINDOWS_RESERVED


def locate(root: Path, key: str) -> Path:
    """The folder of program ``key`` in ``root`` (without reading its design).

    Raises:
        InputError: there is no such program in the folder (or ``key`` is not a plain
            folder name, such as ``../elsewhere``).
    """
    folder = root / key
    if key != Path(key).name or key.startswith(".") or not (folder / DESIGN).is_file():
        raise InputError(
            Problem(
                "there is no program of this name in the programs folder",
                "choose one from the list of programs",
                field="program",
                value=key,
            )
        )
    return folder


def find(root: Path, key: str, person: str | None = None) -> ProgramEntry:
    """The program ``key`` of ``root`` (its design may be unreadable: see ``error``).

    Raises:
        InputError: there is no such program in the folder.
    """
    return entry(locate(root, key), person)


def open_program(root: Path, key: str, person: str | None = None) -> store.Snapshot:
    """The design of program ``key``, read for a person its access list lets in (what
    the app does when a program is opened; nothing of it is read otherwise).

    Raises:
        InputError: there is no such program in the folder.
        AccessError: the person may not open it (the message says who to ask).
        DesignError: its design cannot be read.
    """
    folder = locate(root, key)
    permissions.require(folder, "open", person)
    return store.load(folder / DESIGN)


def create(root: Path, name: str, source: Source = "blank", author: str = "") -> ProgramEntry:
    """Create a program called ``name`` in a new folder of ``root``, its first revision
    saved under ``author`` (:func:`workbook.store.who`).

    ``"blank"`` starts with every decision open; ``"example"`` starts from the bundled
    example's decisions (renamed, without its matching results: those came from the
    example's roster, and a program's roster is its own).

    Raises:
        InputError: the name cannot name a folder, or ``source`` is unknown.
        ExistsError: a folder of that name exists; nothing was changed.
        StoreError: the disk refused the write; nothing is left behind.
    """
    key = folder_name(name)
    if source not in ("blank", "example"):
        raise InputError(
            Problem("is not a way to start", "choose blank or example", field="source")
        )
    design = _starting_design(name.strip(), source)
    folder = root / key
    try:
        folder.mkdir()  # atomic: of two people creating the same name, one gets an error
    except FileExistsError:
        raise ExistsError(
            Problem(
                f"a program with the folder name {key!r} already exists; nothing was changed",
                "open that program from the list, or choose another name",
                field="name",
                value=name,
            )
        ) from None
    try:
        snap = store.save(design, store.Snapshot(design, folder / DESIGN, None), author=author)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return summarise(folder, snap.design)


def _starting_design(name: str, source: Source) -> Design:
    if source == "blank":
        return new_design(name)
    design = store.load(EXAMPLE / DESIGN).design
    program = design.program.model_copy(update={"name": name})
    matching = design.matching.model_copy(update={"results": None})
    fresh: dict[str, object] = {"revision": 0, "updated": None}
    if "updated_by" in Design.model_fields:
        fresh["updated_by"] = None
    return design.model_copy(update={"program": program, "matching": matching, **fresh})
