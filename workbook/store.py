"""Load and save design files without ever losing anyone's work.

Three promises, each tested:

* **Atomic saves.** A save writes a temporary file beside the design, fsyncs it and
  renames it over the old one, so a crash or a full disk mid-write leaves the previous
  file intact.
* **History.** The file being replaced is first copied to ``<stem>.history/`` next to
  the design (``design.yaml`` -> ``design.history/r0003-20261123T101500Z.yaml``), so
  every earlier revision can be recovered by hand.
* **Conflict detection.** :func:`load` returns a :class:`Snapshot` that remembers the
  bytes it read. :func:`save` refuses to replace a file whose bytes changed since
  (someone else saved, or it was edited by hand): it keeps your version in the history
  folder and raises :class:`~workbook.errors.ConflictError` naming both files.
  :func:`describe_conflict` then says who saved the newer file, when, and which steps'
  decisions it changed, so a person can choose between the two versions.

Every save records who made it (``updated_by``: the name the person gave, else
``$JUPYTERHUB_USER``, else their login) and when (``updated``, from :mod:`workbook.clock`).

Checking and replacing happen under an advisory lock on the history folder, so two
processes on one machine cannot both pass the check.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from workbook import clock, files, permissions, steps
from workbook.design import Design, design_to_data, new_design, parse_design
from workbook.errors import ConflictError, DesignError, ExistsError, Problem, StoreError

try:  # POSIX only; on Windows the check-and-replace is not protected across processes.
    import fcntl
except ImportError:  # pragma: no cover - exercised on Windows only
    fcntl = None  # type: ignore[assignment]

HEADER = (
    "# Mentoring program design, written by the mentoring workbook.\n"
    "# Edit it in the workbook's notebooks or by hand; `workbook validate FILE` checks it.\n"
)


@dataclass(frozen=True)
class Snapshot:
    """A design as it was read from (or written to) disk.

    Attributes:
        design: the validated design.
        path: the file it came from.
        fingerprint: SHA-256 of the file's bytes, or ``None`` if the file did not exist.
            :func:`save` compares it with the file on disk to detect concurrent edits.
        replaced: for a snapshot returned by :func:`save`, where the revision it
            replaced was kept in the history folder (``None`` if nothing was replaced).
    """

    design: Design
    path: Path
    fingerprint: str | None
    replaced: Path | None = None


def history_dir(path: Path) -> Path:
    """Where earlier revisions of ``path`` are kept."""
    return path.with_name(f"{path.stem}.history")


def revisions(path: str | os.PathLike[str]) -> list[Path]:
    """Earlier revisions of a design, oldest first."""
    folder = history_dir(Path(path))
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


DESIGN_FILE = files.Kind(
    "a design", 2 * files.MB, DesignError, "give the path of a design .yaml file"
)
"""What a design file may be: a regular file of at most 2 MB (the example is 30 KB)."""


def _read_bytes(path: Path) -> bytes | None:
    return files.read(path, DESIGN_FILE)


def parse_bytes(raw: bytes, file: str) -> Design:
    """Parse the bytes of a design file.

    Raises:
        DesignError: the bytes are not UTF-8 YAML or not a valid design.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DesignError(
            Problem(
                f"is not UTF-8 text (byte {exc.start})",
                "save the file as UTF-8 in your editor",
                file,
            )
        ) from None
    try:
        data = files.load_yaml(text, file, DesignError)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise DesignError(
            Problem(
                f"is not valid YAML: {exc.problem or exc.context}",
                "check the indentation and quotes on this line and the one before",
                file,
                row=mark.line + 1 if mark else None,
            )
        ) from None
    except yaml.YAMLError as exc:
        raise DesignError(
            Problem(
                f"is not valid YAML: {exc}",
                "fix it in a text editor, or restore an earlier revision from the history folder",
                file,
            )
        ) from None
    return parse_design(data, file)


def load(path: str | os.PathLike[str]) -> Snapshot:
    """Read and validate a design file.

    Raises:
        DesignError: the file is missing, unreadable or not a valid design.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if raw is None:
        raise DesignError(
            Problem("does not exist", f"create it with `workbook new {path}`", str(path))
        )
    return Snapshot(parse_bytes(raw, str(path)), path, _fingerprint(raw))


def load_or_new(path: str | os.PathLike[str], name: str = "") -> Snapshot:
    """Read a design, or start a blank one (not yet written) if the file does not exist.

    This is what a notebook step does when it is pointed at a new path.
    """
    path = Path(path)
    if not path.exists():
        return Snapshot(new_design(name), path, None)
    return load(path)


def dump(design: Design) -> bytes:
    """The exact bytes a design is saved as."""
    body = yaml.safe_dump(design_to_data(design), sort_keys=False, allow_unicode=True, width=88)
    return (HEADER + body).encode("utf-8")


SAVE_RECORD = frozenset({"revision", "updated", "updated_by"})
"""The design's fields that record a save (which, when, who) rather than a decision."""


def _content(design: Design) -> dict[str, object]:
    """A design's decisions, without the bookkeeping that every save changes.

    Compared as values, not as the text they are written in: a moment written in another
    time zone (``12:00+02:00`` for ``10:00Z``, as a hand edit may leave it) is the same
    decision, so it is neither a new revision nor a "change" in a conflict's report.
    """
    return design.model_dump(exclude=set(SAVE_RECORD))


def who(name: str = "") -> str:
    """The name a save is recorded under: ``name`` if given, else ``$JUPYTERHUB_USER``
    (the person signed in to a JupyterHub), else the login name; ``""`` if none is known.
    """
    for candidate in (name, os.environ.get("JUPYTERHUB_USER", "")):
        if candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser().strip()
    except (OSError, KeyError):  # no login name in this environment (some containers)
        return ""


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    _history_folder(folder)
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _history_folder(folder: Path) -> Path:
    """The history folder, created if needed.

    Raises:
        StoreError: it cannot be created (permissions, a file in its place); nothing
            was saved.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            Problem(
                f"cannot be created ({exc.strerror or exc}), so nothing was saved",
                f"check that you may write to the folder {folder.parent.name}",
                str(folder),
            )
        ) from None
    return folder


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _unwritable(path: Path, exc: OSError, intact: str) -> StoreError:
    """The one-line problem for a write the disk or the permissions refused."""
    if isinstance(exc, PermissionError):
        fix = f"check that you may write to the folder {path.parent.name or path.parent}"
    else:
        fix = "check free disk space and permissions, then try again"
    return StoreError(
        Problem(f"could not be written ({exc.strerror or exc}); {intact}", fix, str(path))
    )


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a new temporary file beside ``path``, flushed to disk, with the mode
    ``path`` has (or a new file gets). The caller renames it into place or removes it.

    Raises:
        OSError: the disk or the permissions refused; nothing is left behind.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode the file had, or the
        # mode a newly created file gets, so colleagues who could read it still can.
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # make renames durable where supported
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half.

    Raises:
        StoreError: the file could not be written; the old file is untouched.
        AccessError: ``path`` is a file of a program folder (a roster) whose access list
            does not let this person change the program.
    """
    if path.name != permissions.DESIGN:  # the design is checked field by field by save
        permissions.check_folder(path.parent)
    try:
        tmp = _stage(path, data)
    except OSError as exc:
        raise _unwritable(path, exc, "the previous version is intact") from None
    try:
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _unwritable(path, exc, "the previous version is intact") from None
    _sync_folder(path.parent)


def save(design: Design, base: Snapshot, *, author: str = "") -> Snapshot:
    """Save ``design`` over the file that ``base`` was read from.

    ``base`` is the snapshot the edit started from: :func:`load`, :func:`load_or_new`
    or the result of the previous save. Saving a design whose decisions are unchanged
    writes nothing and returns ``base``. The saved revision records who saved it
    (:func:`who` of ``author``) and when.

    Raises:
        AccessError: the program's access list does not let this person make this save
            (:func:`workbook.permissions.check_save`); nothing was written.
        ExistsError: ``base`` was a new design but the file has appeared since.
        ConflictError: the file changed since ``base`` was read; your version is kept
            in the history folder (``error.kept``) and the file on disk is untouched.
        StoreError: the disk refused the write; the previous file is intact.
    """
    path = base.path
    if not path.parent.is_dir():
        raise StoreError(
            Problem(
                "cannot be saved: its folder does not exist", "create the folder first", str(path)
            )
        )
    # Who may change what (a program's access.yaml): checked before anything is written.
    changed = None if base.fingerprint is None else _changed_fields(base.design, design)
    permissions.check_save(path.parent, changed)
    name = who(author) or None
    with _locked(history_dir(path)):
        current = _read_bytes(path)
        current_fp = None if current is None else _fingerprint(current)
        if current_fp != base.fingerprint:
            mine = dump(design.model_copy(update={"updated": clock.now(), "updated_by": name}))
            if base.fingerprint is None:
                kept = keep(path, mine, "mine.yaml")
                raise ExistsError(
                    Problem(
                        "already exists and was not written by this session; nothing was "
                        f"overwritten and your version was kept as {kept}",
                        "open the existing design instead, or choose another file name",
                        str(path),
                    )
                )
            kept = keep(path, mine, "conflict.yaml")
            raise ConflictError(
                Problem(
                    "was changed by someone else after you opened it; their version is on "
                    f"disk and yours was kept as {kept}",
                    "reload the design, re-apply your changes (or copy them from the kept "
                    "file) and save again",
                    str(path),
                ),
                kept=kept,
            )
        if current is not None and _content(base.design) == _content(design):
            return base
        replaced = None
        if current is not None:
            replaced = keep(path, current, f"r{base.design.revision:04d}.yaml")
        saved = design.model_copy(
            update={
                "revision": base.design.revision + 1,
                "updated": clock.now(),
                "updated_by": name,
            }
        )
        data = dump(saved)
        atomic_write(path, data)
    return Snapshot(saved, path, _fingerprint(data), replaced)


def keep(path: Path, data: bytes, name: str) -> Path:
    """Copy ``data`` into the history folder of ``path`` (``<stem>.history/``) as
    ``<UTC stamp>-<name>``: sortable, and never over an earlier copy. Designs keep
    their replaced revisions this way, and the program's folder its replaced rosters.

    Raises:
        AccessError: ``path`` is a program's file other than its design (a roster) and
            the program's access list does not let this person change the program.
    """
    if path.name != permissions.DESIGN:
        permissions.check_folder(path.parent)
    folder = _history_folder(history_dir(path))
    stamp = _stamp()
    target = folder / f"{stamp}-{name}"
    n = 1
    while target.exists():
        target = folder / f"{stamp}-{n}-{name}"
        n += 1
    atomic_write(target, data)
    return target


def create(path: str | os.PathLike[str], name: str = "") -> Snapshot:
    """Write a new blank design, refusing to overwrite an existing file. Its folder is
    created if needed: ``workbook new my-program/design.yaml`` starts a program folder.

    Raises:
        ExistsError: the file already exists.
        StoreError: the folder cannot be created or the file written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            Problem(
                f"its folder cannot be created ({exc.strerror or exc})",
                "choose a folder you can write to",
                str(path),
            )
        ) from None
    if path.exists():
        raise ExistsError(
            Problem(
                "already exists; nothing was changed",
                "choose another path, or open this design instead",
                str(path),
            )
        )
    return save(new_design(name), Snapshot(new_design(name), path, None))


# --------------------------------------------------------------------------- conflicts


@dataclass(frozen=True)
class Conflict:
    """A save refused because the file changed after it was read: what a person needs
    to choose between their version and the newer one.

    Attributes:
        theirs: the design file as it is on disk now.
        kept: where the refused version was kept (in the history folder).
        changed: titles of the steps whose decisions differ between the version the
            edit started from and theirs, in step order.
        by_hand: the file changed outside the workbook (its revision did not go up:
            edited by hand, or an older revision copied back).
        when: when theirs was saved (its ``updated``; the file's time for a hand edit).
    """

    theirs: Snapshot
    kept: Path
    changed: tuple[str, ...]
    by_hand: bool
    when: dt.datetime | None

    @property
    def author(self) -> str:
        """Who saved theirs, or ``"Someone"`` when the file does not say."""
        return self.theirs.design.updated_by or "Someone"

    def summary(self) -> str:
        """One sentence: "Sam saved revision 7 at 14:02 UTC, changing: Matching."."""
        when = f" {_when(self.when)}" if self.when else ""
        changes = "; ".join(self.changed) or "no decisions (only the file's layout or comments)"
        if self.by_hand:
            return f"The design file was changed outside the workbook{when}, changing: {changes}."
        revision = self.theirs.design.revision
        return f"{self.author} saved revision {revision}{when}, changing: {changes}."


def _when(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    time = f"at {moment:%H:%M} UTC"
    return time if moment.date() == clock.today() else f"on {moment:%Y-%m-%d} {time}"


def _changed_fields(before: Design, after: Design) -> set[str]:
    """The fields whose decisions differ between two designs (``program.sponsor``,
    ``approvals``): what a save changes, for the access check."""
    old, new = _flat(_content(before)), _flat(_content(after))
    return {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}


def changed_steps(before: Design, after: Design) -> tuple[str, ...]:
    """The titles of the steps whose decisions differ between two designs, in step
    order (fields no step owns are named by their field name)."""
    changed = _changed_fields(before, after)
    changed.discard("schema_version")
    titles: list[str] = []
    unowned: set[str] = set()
    for path in changed:
        step = steps.owner(path)
        if step is None:
            unowned.add(path.split(".", 1)[0])
        elif step.title not in titles:
            titles.append(step.title)
    order = [s.title for s in steps.specs()]
    return (*sorted(titles, key=order.index), *sorted(n.replace("_", " ") for n in unowned))


def _flat(content: dict[str, object]) -> dict[str, object]:
    """Top-level fields, with each object's fields one level down (``program.name``), so
    a part of a field another step owns is told apart."""
    flat: dict[str, object] = {}
    for name, value in content.items():
        if isinstance(value, dict) and value:
            flat.update({f"{name}.{key}": sub for key, sub in value.items()})
        else:
            flat[name] = value
    return flat


def describe_conflict(base: Snapshot, kept: Path) -> Conflict:
    """Say what a refused save ran into, from the snapshot the edit started from and
    where the refused version was kept (:attr:`ConflictError.kept`).

    Raises:
        DesignError: the file on disk now cannot be read (missing, or not a design).
    """
    theirs = load(base.path)
    by_hand = theirs.design.revision <= base.design.revision
    when = theirs.design.updated
    if by_hand or when is None:
        with contextlib.suppress(OSError):
            when = dt.datetime.fromtimestamp(base.path.stat().st_mtime, dt.UTC)
    return Conflict(theirs, kept, changed_steps(base.design, theirs.design), by_hand, when)


# --------------------------------------------------------------------------- outputs


def plain_name(name: str) -> bool:
    """A file name with no folder in it (``matches.csv``), as generated files have: a
    manifest is data from disk, and a name such as ``../notes`` or ``/etc/x`` in it must
    never make the workbook touch a file outside its folder."""
    return (
        bool(name)
        and name not in (".", "..")
        and not any(c in name for c in "/\\\x00")
        and Path(name).name == name
        and not Path(name).is_absolute()
    )


def inside_name(name: str) -> bool:
    """A relative path that stays inside its folder (``charter/charter.md``): every part
    a plain name (:func:`plain_name`)."""
    return bool(name) and all(plain_name(part) for part in name.split("/"))


def read_manifest(outdir: Path, manifest: str, *, nested: bool = False) -> dict[str, str]:
    """File name -> SHA-256 of what the workbook last wrote in ``outdir`` (empty if none).

    Only plain file names are kept (:func:`plain_name`), or with ``nested`` relative
    paths that stay inside the folder (:func:`inside_name`): the rest is ignored, never
    acted on.

    Raises:
        StoreError: the manifest exists but cannot be read (permissions).
    """
    try:
        data = json.loads((outdir / manifest).read_text("utf-8"))
        listed = data.get("files", {}).items()
    except (FileNotFoundError, ValueError, AttributeError, TypeError):
        return {}
    except OSError as exc:
        raise StoreError(
            Problem(
                f"cannot be read ({exc.strerror or exc})",
                "check the output folder's permissions",
                str(outdir / manifest),
            )
        ) from None
    safe = inside_name if nested else plain_name
    return {str(k): str(v) for k, v in listed if isinstance(k, str) and safe(k)}


def _ours_unchanged(path: Path, recorded: dict[str, str]) -> bool:
    """The file is a regular file the workbook wrote and nobody changed since."""
    if path.name not in recorded or path.is_symlink() or not path.is_file():
        return False
    try:
        return _fingerprint(path.read_bytes()) == recorded[path.name]
    except OSError as exc:
        raise StoreError(
            Problem(
                f"cannot be read ({exc.strerror or exc})",
                "check the output folder's permissions",
                str(path),
            )
        ) from None


def write_outputs(outdir: Path, files: Mapping[str, bytes], manifest: str) -> list[Path]:
    """Write generated files (exports, a charter) into a folder without ever replacing
    a file someone else wrote or edited, and all of them or none.

    ``manifest`` (a hidden file in the folder, one per kind of output, so matching and
    the charter can share a folder) records the SHA-256 of each file written. A file we
    would write that is not in the manifest, or was edited since (a charter.docx with a
    stakeholder's comments, a hand-tuned matches.xlsx), is refused and nothing is
    written. Files of ours from the previous run that this run does not produce are
    removed unless edited, so a folder never mixes two runs; only plain names inside
    the folder are ever removed. Other files are untouched.

    Every file is first written beside its target (flushed to disk), the new manifest
    too; only when all are written are they renamed into place, so a full disk or a
    refused write leaves the previous set and its manifest as they were.

    Raises:
        ExistsError: one problem per file that would be overwritten; nothing written.
        StoreError: the folder cannot be created or written; nothing changed.
        AccessError: the folder is a program's (or its ``output/``) and its access list
            does not let this person change the program; nothing written.
    """
    bad = [name for name in [*files, manifest] if not plain_name(name)]
    if bad:
        raise ValueError(f"generated file names must be plain names, not {bad}")
    for program in (outdir, outdir.parent):  # a program's output/ (or the folder itself)
        permissions.check_folder(program)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            Problem(
                f"cannot be used as the output folder ({exc.strerror or exc})",
                "give a folder path that can be created, or an existing folder",
                str(outdir),
            )
        ) from None
    if not outdir.is_dir():
        raise StoreError(Problem("is not a folder", "choose a folder for the files", str(outdir)))
    recorded = read_manifest(outdir, manifest)
    foreign = [
        outdir / name
        for name in files
        if (outdir / name).is_symlink()
        or ((outdir / name).exists() and not _ours_unchanged(outdir / name, recorded))
    ]
    if foreign:
        raise ExistsError(
            [
                Problem(
                    "already exists and was not written by the workbook (or was edited since); "
                    "nothing was written",
                    "move or rename it, or choose an empty output folder",
                    str(path),
                )
                for path in foreign
            ]
        )
    body = {
        "written_by": "mentoring-workbook",
        "files": {n: _fingerprint(d) for n, d in files.items()},
    }
    every = {**files, manifest: (json.dumps(body, indent=2) + "\n").encode("utf-8")}
    staged: dict[str, Path] = {}
    try:
        for name, data in every.items():
            staged[name] = _stage(outdir / name, data)
    except OSError as exc:
        for tmp in staged.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise _unwritable(
            outdir / name, exc, "nothing was written and the previous files are unchanged"
        ) from None
    written = []
    for name in files:
        os.replace(staged[name], outdir / name)
        written.append(outdir / name)
    for stale in set(recorded) - set(files):
        path = outdir / stale
        if path.exists() and _ours_unchanged(path, recorded):
            path.unlink()
    os.replace(staged[manifest], outdir / manifest)
    _sync_folder(outdir)
    return written
