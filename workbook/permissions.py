"""Who may open, change and sign a program: its access list, beside its design.

A program folder may hold ``access.yaml``, a short file a person edits by hand::

    # Who may open, change and sign this program (their sign-in names).
    owner: dana
    editors: [sam, priya]
    sponsors: [lee]        # read the program and sign the charter's approvals
    readers: ["*"]         # read only; "*" is everyone who signs in

Four roles, and what each may do:

==========  ====  ======  ======================================
role        open  change  sign (the charter's approval lines)
==========  ====  ======  ======================================
owner       yes   yes     yes
editor      yes   yes     yes
sponsor     yes   no      yes (the approvals, nothing else)
reader      yes   no      no
==========  ====  ======  ======================================

Anyone else may not open the program: the picker names it by its folder only, and
opening it shows who to ask. A program **without** ``access.yaml`` is open to everyone
who can reach the app, as it always was (one trusted group), so a folder of programs
works as before until someone writes an access list.

The person is whoever signed in to the JupyterHub (``$JUPYTERHUB_USER``), else the
login name running the workbook (the command line). A name typed into the app's "Your
name" box is what a save is *recorded* under outside a hub; it never grants a right.

The rules are enforced where files are written, not only by hiding buttons:
:func:`workbook.store.save` calls :func:`check_save` with the decisions a save changes
(a sponsor's save may change the approvals only), and :func:`check_write` guards the
other files written into a program's folder (a roster, the exports, a written charter).
An access list that cannot be read closes the program to everyone until it is fixed,
rather than opening it to everyone.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from workbook import files
from workbook.errors import Problem, StoreError

ACCESS = "access.yaml"
"""The access list's file name, beside the program's ``design.yaml``."""
DESIGN = "design.yaml"
HUB_USER = "JUPYTERHUB_USER"
EVERYONE = "*"

Right = Literal["open", "edit", "approve"]
Role = Literal["owner", "editor", "sponsor", "reader"]

RIGHTS: dict[Role, frozenset[Right]] = {
    "owner": frozenset({"open", "edit", "approve"}),
    "editor": frozenset({"open", "edit", "approve"}),
    "sponsor": frozenset({"open", "approve"}),
    "reader": frozenset({"open"}),
}
EVERY_RIGHT: frozenset[Right] = frozenset({"open", "edit", "approve"})

SIGNING = frozenset({"approvals"})
"""The design's fields a sponsor may change: the charter's sign-off lines."""

ROLE_WORDS: dict[Role, str] = {
    "owner": "you own it",
    "editor": "you can change it",
    "sponsor": "you can read it and sign its approvals",
    "reader": "you can read it",
}
"""What the picker says beside a program about the person's role."""

KEYS = ("owner", "editors", "sponsors", "readers")

ACCESS_FILE = files.Kind(
    "an access list", 256 * 1024, StoreError, "write the program's access list as YAML"
)


class AccessError(StoreError):
    """The person may not do this with this program (open it, change it, sign it).

    A :class:`~workbook.errors.StoreError`, so every save path that reports a refused
    write already shows it; nothing was written.
    """


@dataclass(frozen=True)
class Access:
    """A program's access list.

    Attributes:
        owner: the owner's sign-in name (``""`` when the list names none).
        editors, sponsors, readers: sign-in names; ``"*"`` is everyone.
        file: where the list was read from; ``None`` when the program has none (then
            everyone may do everything, as before access lists existed).
    """

    owner: str = ""
    editors: tuple[str, ...] = ()
    sponsors: tuple[str, ...] = ()
    readers: tuple[str, ...] = ()
    file: Path | None = None

    @property
    def managed(self) -> bool:
        """True when the program has an access list."""
        return self.file is not None

    def role(self, person: str) -> Role | None:
        """The person's strongest role, or ``None`` (no access, or no list at all)."""
        if not self.managed:
            return None
        name = _key(person)
        if not name:
            return None
        if name == _key(self.owner):
            return "owner"
        for role, names in (
            ("editor", self.editors),
            ("sponsor", self.sponsors),
            ("reader", self.readers),
        ):
            if any(n == EVERYONE or _key(n) == name for n in names):
                return role  # type: ignore[return-value]
        return None

    def rights(self, person: str) -> frozenset[Right]:
        """What the person may do: everything without a list, else their role's rights."""
        if not self.managed:
            return EVERY_RIGHT
        role = self.role(person)
        return RIGHTS[role] if role is not None else frozenset()

    def may(self, person: str, right: Right) -> bool:
        return right in self.rights(person)

    def ask(self) -> str:
        """Who to ask for access, in words: "its owner, dana" or "its owner"."""
        return f"its owner, {self.owner}" if self.owner else "its owner"


def _key(name: str) -> str:
    """Names are compared without case or surrounding spaces (sign-in names are
    case-insensitive in most identity providers: ``Dana@Example.org`` is ``dana@...``)."""
    return name.strip().casefold()


def signed_in() -> str:
    """The name the person signed in to the JupyterHub with; ``""`` outside a hub. In a
    hub the app records every save under it, and offers no name box to type another."""
    return os.environ.get(HUB_USER, "").strip()


def person() -> str:
    """Who is using the workbook: the hub's signed-in name, else the login name; ``""``
    when neither is known. (A typed name never counts here: anyone can type any name.)"""
    hub = signed_in()
    if hub:
        return hub
    try:
        return getpass.getuser().strip()
    except (OSError, KeyError):  # no login name in this environment (some containers)
        return ""


def read(folder: Path) -> Access:
    """The access list of the program in ``folder`` (everyone-may-do-everything when it
    has none).

    Raises:
        AccessError: the list exists but cannot be read or is not a valid list: the
            program stays closed until it is fixed (the problem says the line and what
            to write).
    """
    path = folder / ACCESS
    try:
        raw = files.read(path, ACCESS_FILE)
    except StoreError as exc:
        raise AccessError(exc.problems) from None
    if raw is None:
        return Access()
    name = str(path)
    try:
        data = files.load_yaml(raw.decode("utf-8-sig"), name, AccessError)
    except UnicodeDecodeError:
        raise AccessError(
            Problem("is not UTF-8 text", "save the access list as UTF-8 in your editor", name)
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AccessError(
            Problem(
                "is not valid YAML",
                "check the indentation and quotes on this line and the one before",
                name,
                row=mark.line + 1 if mark is not None else None,
            )
        ) from None
    return _parse(data if data is not None else {}, path)


def _parse(data: object, path: Path) -> Access:
    name = str(path)
    example = (
        "write it as 'owner: NAME', 'editors: [NAME, ...]', 'sponsors: [...]', 'readers: [...]'"
    )
    if not isinstance(data, dict):
        raise AccessError(Problem("is not a list of roles", example, name))
    unknown = sorted(str(k) for k in data if k not in KEYS)
    if unknown:
        raise AccessError(
            [
                Problem(
                    "is not a role the workbook knows",
                    "use owner, editors, sponsors or readers",
                    name,
                    field=key,
                )
                for key in unknown
            ]
        )
    owner = data.get("owner") or ""
    if not isinstance(owner, str) or owner.strip() == EVERYONE:
        raise AccessError(
            Problem("must be one sign-in name", "write one name, e.g. 'owner: dana'", name, "owner")
        )
    lists = {key: _names(data.get(key), key, name) for key in KEYS[1:]}
    return Access(owner.strip(), lists["editors"], lists["sponsors"], lists["readers"], path)


def _names(value: object, key: str, file: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise AccessError(
            Problem(
                "must be a list of sign-in names",
                f"write it as '{key}: [name, name]'",
                file,
                field=key,
            )
        )
    return tuple(v.strip() for v in value)


def describe(access: Access, who: str) -> str:
    """The person's place in a program, for the picker ("you can read it"); ``""`` for a
    program without an access list (nothing to say: everyone may do everything)."""
    if not access.managed:
        return ""
    role = access.role(who)
    if role is None:
        return f"You have no access to this program; ask {access.ask()}."
    return ROLE_WORDS[role][:1].upper() + ROLE_WORDS[role][1:] + "."


def require(folder: Path, right: Right, who: str | None = None) -> Access:
    """The program's access list, once the person may do ``right`` with it.

    Raises:
        AccessError: they may not (the message says who to ask), or the list is broken.
    """
    access = read(folder)
    name = person() if who is None else who
    if access.may(name, right):
        return access
    raise AccessError(_refusal(access, name, right))


def _refusal(access: Access, name: str, right: Right, changed: Collection[str] = ()) -> Problem:
    signed = f"signed in as {name}" if name else "not signed in"
    ask = access.ask()
    if right == "open" or access.role(name) is None:
        return Problem(
            f"You ({signed}) have no access to this program, so it was not opened",
            f"ask {ask} to add you to its access list",
            field="access",
        )
    if right == "approve":
        return Problem(
            f"You ({signed}) can read this program but not sign it; nothing was saved",
            f"ask {ask} to add you as a sponsor",
            field="access",
        )
    what = (
        "change decisions other than the charter's approvals"
        if access.may(name, "approve")
        else "change it"
    )
    also = f" (this save changed: {', '.join(_words(changed))})" if changed else ""
    return Problem(
        f"You ({signed}) can read this program but not {what}{also}; nothing was saved",
        f"ask {ask} to add you as an editor",
        field="access",
    )


def _words(fields: Iterable[str]) -> list[str]:
    return sorted({f.split(".", 1)[0].replace("_", " ") for f in fields})


def check_save(folder: Path, changed: Collection[str] | None, who: str | None = None) -> None:
    """Refuse a save of the design in ``folder`` the person may not make.

    Args:
        changed: the design's fields the save changes (``program.sponsor``,
            ``approvals``); ``None`` for a design not written before (a new program).
            Editors may change anything; sponsors the approvals only.

    Raises:
        AccessError: the save is not theirs to make; nothing was written.
    """
    access = read(folder)
    if not access.managed:
        return
    name = person() if who is None else who
    if access.may(name, "edit") or (changed is not None and not changed):
        return  # an editor's save, or one that changes nothing (nothing is written)
    fields = set(changed) if changed is not None else {"program"}
    signing = {f for f in fields if f.split(".", 1)[0] in SIGNING}
    if fields and signing == fields and access.may(name, "approve"):
        return
    right: Right = "approve" if signing == fields and fields else "edit"
    raise AccessError(_refusal(access, name, right, fields - signing))


def check_folder(folder: Path, who: str | None = None) -> None:
    """Refuse writing a file into ``folder`` when it is a program's folder (it holds a
    design) with an access list and the person may not change the program: a roster, or
    (given the folder above ``output/``) the exports and a written charter. The design
    itself is checked by :func:`check_save`, field by field; history folders are not
    program folders, so a sponsor's signed save still keeps the revision it replaces.

    Raises:
        AccessError: they may not change the program; nothing was written.
    """
    if (folder / ACCESS).exists() and (folder / DESIGN).is_file():
        require(folder, "edit", who)
