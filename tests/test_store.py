"""The store: atomic saves, history, and no silent overwrite of anyone's work."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from workbook import knowledge, store
from workbook.design import Design, MatchingResults
from workbook.errors import ConflictError, DesignError, ExistsError, StoreError


def test_create_writes_revision_one_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Pilot")
    assert snap.design.revision == 1
    assert store.load(path).design.program.name == "Pilot"
    before = path.read_bytes()
    with pytest.raises(ExistsError, match="already exists"):
        store.create(path, "Other")
    assert path.read_bytes() == before


def test_each_save_keeps_the_previous_revision(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    snap = store.create(path, "v1")
    for name in ("v2", "v3"):
        design = snap.design.model_copy(
            update={"program": snap.design.program.model_copy(update={"name": name})}
        )
        snap = store.save(design, snap)
    assert snap.design.revision == 3
    kept = [store.parse_bytes(p.read_bytes(), str(p)).program.name for p in store.revisions(path)]
    assert kept == ["v1", "v2"]


def test_saving_unchanged_design_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Pilot")
    again = store.save(snap.design, snap)
    assert again == snap and store.revisions(path) == []


def test_interrupted_save_leaves_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Original")
    before = path.read_bytes()

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    changed = snap.design.model_copy(
        update={"program": snap.design.program.model_copy(update={"name": "New"})}
    )
    with pytest.raises(StoreError) as info:
        store.save(changed, snap)
    monkeypatch.undo()
    assert "previous version is intact" in str(info.value)
    assert path.read_bytes() == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_interrupted_rename_leaves_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Original")
    before = path.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise KeyboardInterrupt  # the process dies between write and rename

    monkeypatch.setattr(os, "replace", crash)
    changed = snap.design.model_copy(
        update={"program": snap.design.program.model_copy(update={"name": "New"})}
    )
    with pytest.raises(KeyboardInterrupt):
        store.save(changed, snap)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert store.load(path).design.program.name == "Original"


def test_two_writers_one_conflict_both_revisions_recoverable(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    store.create(path, "Start")
    alice = store.load(path)
    bob = store.load(path)
    store.save(
        alice.design.model_copy(
            update={"program": alice.design.program.model_copy(update={"sponsor": "Alice"})}
        ),
        alice,
    )
    bob_design = bob.design.model_copy(
        update={"program": bob.design.program.model_copy(update={"sponsor": "Bob"})}
    )
    with pytest.raises(ConflictError) as info:
        store.save(bob_design, bob)
    error = info.value
    assert str(path) in str(error) and "reload" in str(error)
    assert store.load(path).design.program.sponsor == "Alice"  # nobody overwritten
    kept = store.parse_bytes(error.kept.read_bytes(), str(error.kept))
    assert kept.program.sponsor == "Bob"  # and Bob's work is not lost
    assert error.kept in store.revisions(path)


def test_hand_edit_after_load_is_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Start")
    path.write_text(path.read_text().replace("name: Start", "name: Edited by hand"))
    with pytest.raises(
        ConflictError,
        match=r"design\.yaml: was changed by someone else after you opened it; .*yours was kept",
    ):
        store.save(
            snap.design.model_copy(update={"revision": 5}).model_copy(
                update={"program": snap.design.program.model_copy(update={"owner": "me"})}
            ),
            snap,
        )
    assert store.load(path).design.program.name == "Edited by hand"


def test_new_design_saved_over_a_file_that_appeared_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    fresh = store.load_or_new(path, "Mine")
    store.create(path, "Theirs")
    with pytest.raises(ExistsError) as info:
        store.save(fresh.design, fresh)
    assert store.load(path).design.program.name == "Theirs"
    assert "kept" in str(info.value)


def test_missing_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="workbook new"):
        store.load(tmp_path / "nope.yaml")


def test_save_into_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    snap = store.load_or_new(tmp_path / "missing" / "design.yaml")
    with pytest.raises(StoreError, match="folder does not exist"):
        store.save(snap.design, snap)


def test_saves_keep_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Pilot")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
    path.chmod(0o640)
    snap = store.load(path)
    changed = snap.design.model_copy(
        update={"program": snap.design.program.model_copy(update={"name": "New"})}
    )
    store.save(changed, snap)
    assert path.stat().st_mode & 0o777 == 0o640


def _with_sponsor(snap: store.Snapshot, sponsor: str) -> Design:
    program = snap.design.program.model_copy(update={"sponsor": sponsor})
    return snap.design.model_copy(update={"program": program})


def test_each_revision_records_who_saved_it_and_when(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    monkeypatch.setenv("JUPYTERHUB_USER", "hub-login")
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Pilot")
    assert snap.design.updated_by == "hub-login"  # nobody gave a name: the hub's login
    saved = store.save(_with_sponsor(snap, "COO"), snap, author="  Sam Lee ")
    on_disk = store.load(path).design
    assert (on_disk.revision, on_disk.updated_by) == (2, "Sam Lee")
    assert on_disk.updated == dt.datetime.fromtimestamp(1795000000, dt.UTC)
    assert "updated_by: Sam Lee" in path.read_text()
    # the revision it replaced is in the history folder, with who saved that one
    assert saved.replaced is not None and saved.replaced in store.revisions(path)
    assert store.parse_bytes(saved.replaced.read_bytes(), "r1").updated_by == "hub-login"


def test_without_a_name_or_a_hub_the_login_name_is_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("LOGNAME", "sam")  # getpass.getuser() reads it first
    assert store.who("") == "sam" and store.who("Sam Lee") == "Sam Lee"


def test_only_the_saver_changing_is_not_a_new_revision(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Pilot")
    assert store.save(snap.design, snap, author="Someone Else") == snap
    assert store.revisions(path) == []


def test_old_designs_without_who_saved_them_load_and_save(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    path.write_text("schema_version: 1\nrevision: 4\nprogram:\n  name: Old pilot\n")
    snap = store.load(path)
    assert snap.design.updated_by is None and snap.design.revision == 4
    saved = store.save(_with_sponsor(snap, "COO"), snap, author="Sam")
    assert (saved.design.revision, saved.design.updated_by) == (5, "Sam")


def test_a_conflict_says_who_saved_which_revision_when_and_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18 11:06:40 UTC
    path = tmp_path / "design.yaml"
    store.create(path, "Start")
    sam, alex = store.load(path), store.load(path)
    model = sam.design.model.model_copy(update={"duration_months": 10})
    store.save(_with_sponsor(sam, "CEO").model_copy(update={"model": model}), sam, author="Sam")
    with pytest.raises(ConflictError) as info:
        store.save(_with_sponsor(alex, "CFO"), alex, author="Alex")
    conflict = store.describe_conflict(alex, info.value.kept)
    assert conflict.summary() == (
        "Sam saved revision 2 at 11:06 UTC, changing: Strategic purpose and objectives; "
        "Mentoring model, roles and boundaries."
    )
    assert conflict.theirs.design.program.sponsor == "CEO"
    mine = store.parse_bytes(conflict.kept.read_bytes(), "kept")
    assert (mine.program.sponsor, mine.updated_by) == ("CFO", "Alex")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795200000")  # two days later
    assert "Sam saved revision 2 on 2026-11-18 at 11:06 UTC" in conflict.summary()


def test_a_hand_edit_is_not_blamed_on_the_last_saver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # a hand edit has the file's real time
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Start")
    store.save(_with_sponsor(snap, "COO"), snap, author="Sam")
    mine = store.load(path)
    path.write_text(path.read_text().replace("sponsor: COO", "sponsor: Board"))
    with pytest.raises(ConflictError) as info:
        store.save(_with_sponsor(mine, "CFO"), mine, author="Alex")
    summary = store.describe_conflict(mine, info.value.kept).summary()
    assert summary.startswith("The design file was changed outside the workbook at ")
    assert "Sam" not in summary and summary.endswith("Strategic purpose and objectives.")


# ------------------------------------------------------------ generated files, hostile


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_a_crafted_manifest_never_removes_a_file_outside_the_folder(tmp_path: Path) -> None:
    import json

    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"someone's notes")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(b"more notes")
    out = tmp_path / "out"
    out.mkdir()
    manifest = {
        "files": {
            "../victim.txt": _sha(b"someone's notes"),
            str(elsewhere): _sha(b"more notes"),
            "..": "x",
        }
    }
    (out / ".m.json").write_text(json.dumps(manifest))
    store.write_outputs(out, {"a.csv": b"1"}, ".m.json")
    assert victim.read_bytes() == b"someone's notes"
    assert elsewhere.read_bytes() == b"more notes"
    assert (out / "a.csv").read_bytes() == b"1"
    assert list(json.loads((out / ".m.json").read_text())["files"]) == ["a.csv"]


def test_a_full_disk_mid_set_leaves_the_previous_set_and_its_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    out = tmp_path / "out"
    store.write_outputs(out, {"a.csv": b"old a", "b.csv": b"old b"}, ".m.json")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = store._stage
    calls = []

    def filling(path: Path, data: bytes) -> Path:
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(store, "_stage", filling)
    with pytest.raises(StoreError) as raised:
        store.write_outputs(out, {"a.csv": b"new a", "b.csv": b"new b"}, ".m.json")
    assert "No space left on device" in str(raised.value)
    assert "nothing was written and the previous files are unchanged" in str(raised.value)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary left
    monkeypatch.setattr(store, "_stage", real)
    store.write_outputs(out, {"a.csv": b"new a", "b.csv": b"new b"}, ".m.json")  # a rerun works
    assert (out / "b.csv").read_bytes() == b"new b"


def test_a_folder_the_user_cannot_write_to_is_one_line_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    out = tmp_path / "shared-output"
    out.mkdir()
    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(StoreError) as raised:
        store.write_outputs(out, {"a.csv": b"1"}, ".m.json")
    [line] = raised.value.lines()
    assert "could not be written (Permission denied)" in line
    assert "check that you may write to the folder shared-output" in line
    with pytest.raises(StoreError, match="previous version is intact"):
        store.atomic_write(out / "design.yaml", b"x")


def test_a_symlink_in_the_folder_is_never_written_through(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_bytes(b"keep")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").symlink_to(target)
    with pytest.raises(
        ExistsError,
        match=r"a\.csv: already exists and was not written by the workbook .*nothing was written",
    ):
        store.write_outputs(out, {"a.csv": b"1"}, ".m.json")
    assert target.read_bytes() == b"keep"


def test_saving_where_the_history_cannot_be_kept_is_one_line(tmp_path: Path) -> None:
    snap = store.load_or_new(tmp_path / "design.yaml")
    (tmp_path / "design.history").write_text("a file where the history folder goes")
    with pytest.raises(StoreError) as raised:
        store.save(snap.design, snap)
    [line] = raised.value.lines()
    assert "design.history: cannot be created" in line and "nothing was saved" in line
    assert not (tmp_path / "design.yaml").exists()


def test_a_change_is_told_by_the_step_that_owns_it() -> None:
    from helpers import example

    before = example()
    paper = before.model_copy(deep=True)
    paper.program.page_size = "Letter"  # decided in the charter step, though under program
    assert store.changed_steps(before, paper) == ("Program charter",)
    both = paper.model_copy(deep=True)
    both.program.sponsor = "COO"
    both.matching.review = "The steering group reviews the matches."
    assert store.changed_steps(before, both) == (
        "Strategic purpose and objectives",
        "Matching",
        "Program charter",
    )
    assert store.changed_steps(before, before.model_copy(deep=True)) == ()


# ------------------------------------------------------------ reading: what a person reads


def test_a_design_that_is_not_utf8_names_the_byte_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    path.write_bytes(b"program:\n  name: caf\xe9\n")  # saved as Latin-1 by an old editor
    with pytest.raises(DesignError) as raised:
        store.load(path)
    assert raised.value.lines() == [
        f"{path}: is not UTF-8 text (byte 20); save the file as UTF-8 in your editor"
    ]


def test_broken_yaml_names_the_line_to_look_at(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    path.write_bytes(b'program:\n  name: "Pilot\n')  # a quote never closed
    with pytest.raises(DesignError) as raised:
        store.load(path)
    assert raised.value.lines() == [
        f"{path}:3: is not valid YAML: found unexpected end of stream; "
        "check the indentation and quotes on this line and the one before"
    ]


def test_a_control_character_is_refused_with_a_way_back(tmp_path: Path) -> None:
    """PyYAML refuses it before parsing (no line to point at): the fix offers the history."""
    path = tmp_path / "design.yaml"
    path.write_bytes(b"program:\n  name: Pi\x07lot\n")
    with pytest.raises(DesignError) as raised:
        store.load(path)
    [problem] = raised.value.problems
    assert problem.file == str(path) and problem.row is None
    assert problem.message.startswith("is not valid YAML: unacceptable character #x0007")
    assert problem.fix == (
        "fix it in a text editor, or restore an earlier revision from the history folder"
    )


def test_a_key_given_twice_names_the_file_both_lines_and_the_fix(tmp_path: Path) -> None:
    """YAML would silently keep the second value; the design is refused instead."""
    path = tmp_path / "design.yaml"
    path.write_text("program:\n  name: Pilot\n  name: Pilot 2\n")
    with pytest.raises(DesignError) as raised:
        store.load(path)
    assert raised.value.lines() == [
        f"{path}:3: program.name: 'name' is given twice in one section (lines 2 and 3); the "
        "second would silently replace the first; keep one of them, merging what each says"
    ]


def test_an_invalid_design_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    path.write_text("revision: -3\n")
    with pytest.raises(DesignError) as raised:
        store.load(str(path))
    assert raised.value.lines() == [
        f"{path}: revision: is too small (value '-3'); it must be greater than or equal to 0"
    ]


def test_a_missing_design_says_the_command_that_creates_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(DesignError) as raised:
        store.load(str(path))
    assert raised.value.lines() == [f"{path}: does not exist; create it with `workbook new {path}`"]


def test_a_new_path_starts_a_blank_design_that_is_not_written_yet(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    fresh = store.load_or_new(path, "Pilot")
    assert (fresh.design.program.name, fresh.path, fresh.fingerprint) == ("Pilot", path, None)
    assert store.load_or_new(str(path)).design.program.name == ""  # no name given: blank
    assert not path.exists()
    store.create(path, "Saved")
    assert store.load_or_new(str(path), "Ignored") == store.load(path)


# ------------------------------------------------------------ the file as it is written


def test_the_file_reads_like_the_design_with_a_header_and_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    store.create(path, "Zoë's café mentoring")
    text = path.read_text("utf-8")
    assert text.startswith(
        "# Mentoring program design, written by the mentoring workbook.\n"
        "# Edit it in the workbook's notebooks or by hand; `workbook validate FILE` checks it.\n"
        "schema_version: "
    )
    assert "  name: Zoë's café mentoring\n" in text  # as typed, not \\xeb escapes
    top = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert top == list(Design.model_fields)  # in the design's order, not alphabetical


def test_only_the_save_record_changing_is_not_a_new_revision(tmp_path: Path) -> None:
    """Who and when are bookkeeping: a design that differs from the file only there
    (a step re-saving what it read) writes nothing."""
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Pilot")
    before = path.read_bytes()
    touched = snap.design.model_copy(
        update={"revision": 7, "updated": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}
    )
    assert store.save(touched.model_copy(update={"updated_by": "Kim"}), snap) == snap
    assert path.read_bytes() == before and store.revisions(path) == []


def test_the_hub_login_is_used_when_no_name_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", " alex.k ")
    assert store.who() == store.who("   ") == "alex.k"
    assert store.who(" Sam ") == "Sam"


def test_with_no_name_known_the_save_records_nobody(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some containers have no login name: the file says so (null), never a made-up one."""

    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setattr(store.getpass, "getuser", no_login)
    assert store.who() == ""
    path = tmp_path / "design.yaml"
    assert store.create(path, "Pilot").design.updated_by is None
    assert "\nupdated_by: null\n" in path.read_text()


# ------------------------------------------------------------ writing: atomic, one line


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's local time zone is UTC+14 (a POSIX rule: no time zone data needed)."""
    monkeypatch.setenv("TZ", "KIT-14")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_new_bytes_are_staged_in_a_hidden_file_beside_the_design(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside it, so the rename is on one disk (atomic); hidden and named after it, so
    nobody opens it as a design while it is written."""
    path = tmp_path / "design.yaml"
    path.write_bytes(b"old")
    seen: list[list[str]] = []
    real_fsync = os.fsync

    def watching(fd: int) -> None:
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", watching)
    store.atomic_write(path, b"new")
    monkeypatch.undo()
    staged = [name for name in seen[0] if name != "design.yaml"]
    assert len(staged) == 1 and re.fullmatch(r"\.design\.yaml\.\w+\.tmp", staged[0]), seen
    assert [p.name for p in tmp_path.iterdir()] == ["design.yaml"]
    assert path.read_bytes() == b"new"


def test_a_full_disk_is_one_line_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "design.yaml"
    path.write_bytes(b"old")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(StoreError) as raised:
        store.atomic_write(path, b"new")
    monkeypatch.undo()
    assert raised.value.lines() == [
        f"{path}: could not be written (No space left on device); the previous version is "
        "intact; check free disk space and permissions, then try again"
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["design.yaml"]
    assert path.read_bytes() == b"old"


def test_a_refused_rename_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "design.yaml"
    path.write_bytes(b"old")

    def refused(src: str, dst: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(StoreError) as raised:
        store.atomic_write(path, b"new")
    monkeypatch.undo()
    assert raised.value.lines() == [
        f"{path}: could not be written (Permission denied); the previous version is intact; "
        f"check that you may write to the folder {tmp_path.name}"
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["design.yaml"]
    assert path.read_bytes() == b"old"


def test_a_temporary_removed_before_the_rename_is_still_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clean-up job may delete the temporary file between the write and the rename."""
    path = tmp_path / "design.yaml"
    path.write_bytes(b"old")
    real_replace = os.replace

    def cleaned_up_first(src: str, dst: str) -> None:
        os.unlink(src)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", cleaned_up_first)
    with pytest.raises(StoreError) as raised:
        store.atomic_write(path, b"new")
    monkeypatch.undo()
    assert raised.value.lines() == [
        f"{path}: could not be written (No such file or directory); the previous version is "
        "intact; check free disk space and permissions, then try again"
    ]
    assert path.read_bytes() == b"old"


def test_a_disk_that_cannot_sync_folders_still_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some network file systems refuse fsync on a folder; the file itself is synced."""
    real_fsync = os.fsync

    def files_only(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", files_only)
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Pilot")
    store.save(_with_sponsor(snap, "COO"), snap)
    monkeypatch.undo()
    assert store.load(path).design.program.sponsor == "COO"


def test_a_save_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "design.yaml"
    snap = store.load_or_new(path)
    with pytest.raises(StoreError) as raised:
        store.save(snap.design, snap)
    assert raised.value.lines() == [
        f"{path}: cannot be saved: its folder does not exist; create the folder first"
    ]


def test_a_history_folder_that_cannot_be_made_is_one_line_with_the_fix(tmp_path: Path) -> None:
    snap = store.load_or_new(tmp_path / "design.yaml")
    (tmp_path / "design.history").write_text("a file where the history folder goes")
    with pytest.raises(StoreError) as raised:
        store.save(snap.design, snap)
    assert raised.value.lines() == [
        f"{tmp_path / 'design.history'}: cannot be created (File exists), so nothing was "
        f"saved; check that you may write to the folder {tmp_path.name}"
    ]


# ------------------------------------------------------------ refused saves


def test_a_refused_save_says_where_your_version_is_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    path = tmp_path / "design.yaml"
    store.create(path, "Start")
    sam, alex = store.load(path), store.load(path)
    store.save(_with_sponsor(sam, "CEO"), sam, author="Sam")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795003600")  # Alex saves an hour later
    with pytest.raises(ConflictError) as raised:
        store.save(_with_sponsor(alex, "CFO"), alex, author="Alex")
    kept = raised.value.kept
    assert raised.value.lines() == [
        f"{path}: was changed by someone else after you opened it; their version is on disk "
        f"and yours was kept as {kept}; reload the design, re-apply your changes (or copy "
        "them from the kept file) and save again"
    ]
    assert kept.parent == tmp_path / "design.history" and kept.name.endswith("-conflict.yaml")
    mine = store.parse_bytes(kept.read_bytes(), str(kept))
    assert (mine.program.sponsor, mine.updated_by) == ("CFO", "Alex")
    assert mine.updated == dt.datetime.fromtimestamp(1795003600, dt.UTC)  # when it was made


def test_a_new_design_over_a_file_that_appeared_says_where_yours_is(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    fresh = store.load_or_new(path, "Mine")
    store.create(path, "Theirs")
    with pytest.raises(ExistsError) as raised:
        store.save(fresh.design, fresh, author="Alex")
    [kept] = store.revisions(path)
    assert kept.name.endswith("-mine.yaml")
    assert raised.value.lines() == [
        f"{path}: already exists and was not written by this session; nothing was overwritten "
        f"and your version was kept as {kept}; open the existing design instead, or choose "
        "another file name"
    ]
    mine = store.parse_bytes(kept.read_bytes(), str(kept))
    assert (mine.program.name, mine.updated_by) == ("Mine", "Alex")


# ------------------------------------------------------------ creating a design


def test_create_starts_a_blank_program_folder(tmp_path: Path) -> None:
    path = tmp_path / "programs" / "graduates" / "design.yaml"
    snap = store.create(str(path))
    assert (snap.path, snap.replaced, snap.design.program.name) == (path, None, "")
    assert store.load(path) == store.Snapshot(snap.design, path, snap.fingerprint)
    assert store.revisions(path) == []


def test_create_refuses_an_existing_file_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "design.yaml"
    path.write_text("someone's notes\n")
    with pytest.raises(ExistsError) as raised:
        store.create(path, "Pilot")
    assert raised.value.lines() == [
        f"{path}: already exists; nothing was changed; "
        "choose another path, or open this design instead"
    ]
    assert path.read_text() == "someone's notes\n"


def test_create_where_a_file_blocks_the_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "graduates").write_text("a file, not a folder")
    path = tmp_path / "graduates" / "design.yaml"
    with pytest.raises(StoreError) as raised:
        store.create(path, "Pilot")
    assert raised.value.lines() == [
        f"{path}: its folder cannot be created (File exists); choose a folder you can write to"
    ]


# ------------------------------------------------------------ the history folder


def test_copies_kept_at_the_same_instant_never_overwrite_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "_stamp", lambda: "20261123T101500000000Z")
    path = tmp_path / "design.yaml"
    kept = [store.keep(path, f"copy {n}".encode(), "r0001.yaml") for n in range(3)]
    assert [p.name for p in kept] == [
        "20261123T101500000000Z-r0001.yaml",
        "20261123T101500000000Z-1-r0001.yaml",
        "20261123T101500000000Z-2-r0001.yaml",
    ]
    assert {p.parent for p in kept} == {tmp_path / "design.history"}
    assert [p.read_bytes() for p in kept] == [b"copy 0", b"copy 1", b"copy 2"]


@pytest.mark.usefixtures("far_from_utc")
def test_history_files_are_stamped_in_utc_to_the_microsecond(tmp_path: Path) -> None:
    """The stamp is UTC whatever the server's zone, so names sort the same everywhere."""
    before = dt.datetime.now(dt.UTC)
    kept = store.keep(tmp_path / "design.yaml", b"x", "r0001.yaml")
    after = dt.datetime.now(dt.UTC)
    match = re.fullmatch(r"(\d{8}T\d{12})Z-r0001\.yaml", kept.name)
    assert match, kept.name
    stamped = dt.datetime.strptime(match[1], "%Y%m%dT%H%M%S%f").replace(tzinfo=dt.UTC)
    assert before <= stamped <= after


# ------------------------------------------------------------ what a conflict says


@pytest.mark.usefixtures("far_from_utc")
def test_a_hand_edit_of_only_comments_says_when_and_that_no_decision_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand edit is dated by the file's time, not by the last save it kept, and the
    time is said in UTC whatever the server's zone."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # saved 2026-11-18 11:06 UTC
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Start")
    path.write_text(path.read_text() + "# a note added by hand\n")
    edited = 1795003600  # an hour later: 12:06 UTC
    os.utime(path, (edited, edited))
    with pytest.raises(ConflictError) as raised:
        store.save(_with_sponsor(snap, "CFO"), snap)
    conflict = store.describe_conflict(snap, raised.value.kept)
    assert (conflict.by_hand, conflict.changed, conflict.kept) == (True, (), raised.value.kept)
    assert conflict.when == dt.datetime.fromtimestamp(edited, dt.UTC)
    assert conflict.summary() == (
        "The design file was changed outside the workbook at 12:06 UTC, changing: "
        "no decisions (only the file's layout or comments)."
    )


def test_a_save_by_an_older_workbook_is_told_by_the_file_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files written before who and when were recorded: "Someone", at the file's time."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    path = tmp_path / "design.yaml"
    path.write_text("schema_version: 1\nrevision: 4\nprogram:\n  name: Pilot\n")
    mine = store.load(path)
    path.write_text("schema_version: 1\nrevision: 5\nprogram:\n  name: Pilot\n  owner: HR\n")
    os.utime(path, (1795003600, 1795003600))
    with pytest.raises(ConflictError) as raised:
        store.save(_with_sponsor(mine, "CFO"), mine)
    conflict = store.describe_conflict(mine, raised.value.kept)
    assert not conflict.by_hand and conflict.author == "Someone"
    assert conflict.summary() == (
        "Someone saved revision 5 at 12:06 UTC, changing: Strategic purpose and objectives."
    )


def test_a_conflict_with_no_known_time_leaves_the_time_out(tmp_path: Path) -> None:
    theirs = store.Snapshot(
        Design(revision=3, updated_by="Sam"), tmp_path / "design.yaml", "f" * 64
    )
    conflict = store.Conflict(theirs, tmp_path / "kept.yaml", ("Matching",), False, None)
    assert conflict.summary() == "Sam saved revision 3, changing: Matching."


def test_every_kind_of_decision_is_told_by_its_step() -> None:
    """Lists (risks, approvals) as well as sections; the schema version is no decision."""
    from helpers import example

    before = example()
    after = before.model_copy(deep=True)
    after.risks = after.risks[1:]
    assert store.changed_steps(before, after) == ("Program components and evaluation",)
    after.approvals = []
    after.schema_version += 1
    assert store.changed_steps(before, after) == (
        "Program components and evaluation",
        "Program charter",
    )


def test_fields_no_step_owns_are_named_by_their_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A registry without the focus-areas and components steps ($WORKBOOK_STEPS): their
    fields are named in words, after the steps' titles."""
    from helpers import example

    registry = yaml.safe_load(Path(str(knowledge.path("steps"))).read_text("utf-8"))
    fewer = [s for s in registry if s["key"] not in ("focus_areas", "components")]
    (tmp_path / "steps.yaml").write_text(yaml.safe_dump(fewer))
    monkeypatch.setenv("WORKBOOK_STEPS", str(tmp_path / "steps.yaml"))
    before = example()
    after = before.model_copy(deep=True)
    after.resources.notes = "Ask finance in May."
    after.focus_areas = after.focus_areas[:1]
    after.program.sponsor = "COO"
    assert store.changed_steps(before, after) == (
        "Strategic purpose and objectives",
        "focus areas",
        "resources",
    )


# ------------------------------------------------------------ generated files


def test_generated_files_are_written_with_a_manifest_a_person_can_read(tmp_path: Path) -> None:
    out = tmp_path / "program" / "output"  # a new folder, and its parent too
    written = store.write_outputs(out, {"a.csv": b"1", "b.csv": b"2"}, ".m.json")
    assert written == [out / "a.csv", out / "b.csv"]  # the manifest is not one of them
    assert (out / "a.csv").read_bytes() == b"1" and (out / "b.csv").read_bytes() == b"2"
    assert (out / ".m.json").read_text("utf-8") == (
        "{\n"
        '  "written_by": "mentoring-workbook",\n'
        '  "files": {\n'
        f'    "a.csv": "{_sha(b"1")}",\n'
        f'    "b.csv": "{_sha(b"2")}"\n'
        "  }\n"
        "}\n"
    )


def test_a_rerun_removes_its_own_stale_files_but_never_an_edited_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    store.write_outputs(out, {"a.csv": b"1", "b.csv": b"2", "c.csv": b"3"}, ".m.json")
    (out / "c.csv").write_bytes(b"3, with a colleague's note")
    store.write_outputs(out, {"a.csv": b"new"}, ".m.json")
    assert sorted(p.name for p in out.iterdir()) == [".m.json", "a.csv", "c.csv"]
    assert (out / "c.csv").read_bytes() == b"3, with a colleague's note"
    assert store.read_manifest(out, ".m.json") == {"a.csv": _sha(b"new")}


def test_files_someone_else_wrote_are_refused_one_line_each(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_bytes(b"hand-tuned")
    (out / "b.csv").write_bytes(b"notes")
    with pytest.raises(ExistsError) as raised:
        store.write_outputs(out, {"a.csv": b"1", "b.csv": b"2", "c.csv": b"3"}, ".m.json")
    assert raised.value.lines() == [
        f"{out / name}: already exists and was not written by the workbook (or was edited "
        "since); nothing was written; move or rename it, or choose an empty output folder"
        for name in ("a.csv", "b.csv")
    ]
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "b.csv"]
    assert (out / "a.csv").read_bytes() == b"hand-tuned"


def test_a_folder_where_a_recorded_output_was_is_refused_not_read(tmp_path: Path) -> None:
    out = tmp_path / "out"
    store.write_outputs(out, {"a.csv": b"1"}, ".m.json")
    (out / "a.csv").unlink()
    (out / "a.csv").mkdir()  # someone made a folder of that name since
    with pytest.raises(ExistsError, match=r"a\.csv: already exists"):
        store.write_outputs(out, {"a.csv": b"2"}, ".m.json")
    assert (out / "a.csv").is_dir()


def test_an_output_folder_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder")
    with pytest.raises(StoreError) as raised:
        store.write_outputs(out, {"a.csv": b"1"}, ".m.json")
    assert raised.value.lines() == [
        f"{out}: cannot be used as the output folder (File exists); give a folder path that "
        "can be created, or an existing folder"
    ]


def test_an_output_that_cannot_be_read_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    store.write_outputs(out, {"a.csv": b"1"}, ".m.json")
    real_read = Path.read_bytes

    def refused(self: Path) -> bytes:
        if self.name == "a.csv":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", refused)
    with pytest.raises(StoreError) as raised:
        store.write_outputs(out, {"a.csv": b"2"}, ".m.json")
    assert raised.value.lines() == [
        f"{out / 'a.csv'}: cannot be read (Permission denied); check the output folder's "
        "permissions"
    ]


def test_a_manifest_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".m.json").mkdir(parents=True)
    with pytest.raises(StoreError) as raised:
        store.write_outputs(out, {"a.csv": b"1"}, ".m.json")
    assert raised.value.lines() == [
        f"{out / '.m.json'}: cannot be read (Is a directory); check the output folder's permissions"
    ]
    assert not (out / "a.csv").exists()


def test_a_manifest_is_trusted_only_for_names_inside_its_folder(tmp_path: Path) -> None:
    listed = {
        "a.csv": "sha-a",
        "charter/charter.md": "sha-c",
        "../notes.txt": "sha-n",
        "/etc/passwd": "sha-p",
        "charter/../../x": "sha-x",
    }
    (tmp_path / ".m.json").write_text(json.dumps({"files": listed}))
    assert store.read_manifest(tmp_path, ".m.json") == {"a.csv": "sha-a"}
    assert store.read_manifest(tmp_path, ".m.json", nested=True) == {
        "a.csv": "sha-a",
        "charter/charter.md": "sha-c",
    }
    (tmp_path / ".m.json").write_text('["not", "a", "manifest"]')
    assert store.read_manifest(tmp_path, ".m.json") == {}
    assert store.read_manifest(tmp_path, ".missing.json") == {}


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ("matches.csv", True),
        (".manifest.json", True),
        ("XLS export.xlsx", True),
        ("", False),
        (".", False),
        ("..", False),
        ("out/matches.csv", False),
        ("out\\matches.csv", False),
        ("matches\x00.csv", False),
        ("/etc/passwd", False),
    ],
)
def test_a_plain_name_has_no_folder_in_it(name: str, plain: bool) -> None:
    assert store.plain_name(name) is plain


@pytest.mark.parametrize(
    ("name", "inside"),
    [
        ("charter/charter.md", True),
        ("matches.csv", True),
        ("", False),
        ("charter/../../notes", False),
        ("/etc/passwd", False),
        ("charter//charter.md", False),
    ],
)
def test_an_inside_name_stays_in_its_folder(name: str, inside: bool) -> None:
    assert store.inside_name(name) is inside


def test_generated_file_names_must_be_plain(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"must be plain names, not \['\.\./a\.csv'\]"):
        store.write_outputs(tmp_path, {"../a.csv": b"1", "b.csv": b"2"}, ".m.json")
    assert list(tmp_path.iterdir()) == []


def test_saving_the_example_reflows_none_of_its_lines(tmp_path: Path) -> None:
    """A save rewrites the whole file: every line of the example program (its header,
    its order, its accents, its long paragraphs folded at 88 columns) comes back as it
    was, so a design kept in version control shows only what really changed."""
    from helpers import EXAMPLE_DESIGN

    lines = EXAMPLE_DESIGN.read_text("utf-8").splitlines()
    saved = iter(store.dump(store.load(EXAMPLE_DESIGN).design).decode("utf-8").splitlines())
    missing = [line for line in lines if line not in saved]  # `in` moves the iterator on
    assert missing == []  # each line found, in the same order


def test_a_copy_can_be_kept_for_a_file_whose_folder_is_not_there_yet(tmp_path: Path) -> None:
    """The history folder is created if needed, with the folders above it."""
    kept = store.keep(tmp_path / "program" / "roster.csv", b"old roster", "roster.csv")
    assert kept.parent == tmp_path / "program" / "roster.history"
    assert kept.read_bytes() == b"old roster"


def test_a_file_gone_while_its_conflict_is_described_still_gets_a_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync tool may move the file away between reading it and asking its time: the
    summary then gives the time the file itself records."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # saved at 11:06 UTC
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Start")
    path.write_text(path.read_text().replace("name: Start", "name: Edited by hand"))
    with pytest.raises(ConflictError) as raised:
        store.save(_with_sponsor(snap, "CFO"), snap)
    real_load = store.load

    def read_then_gone(where: str | os.PathLike[str]) -> store.Snapshot:
        theirs = real_load(where)
        Path(where).unlink()
        return theirs

    monkeypatch.setattr(store, "load", read_then_gone)
    conflict = store.describe_conflict(snap, raised.value.kept)
    assert conflict.summary() == (
        "The design file was changed outside the workbook at 11:06 UTC, "
        "changing: Strategic purpose and objectives."
    )


def test_a_failed_write_whose_temporary_was_already_removed_is_still_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clean-up job may remove the temporary file before the write fails: nothing is
    left to remove, and the person still reads one line."""
    path = tmp_path / "design.yaml"
    path.write_bytes(b"old")

    def removed_then_full(fd: int) -> None:
        for staged in tmp_path.glob(".design.yaml.*.tmp"):
            staged.unlink()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", removed_then_full)
    with pytest.raises(StoreError, match=r"could not be written \(No space left on device\)"):
        store.atomic_write(path, b"new")
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["design.yaml"]


def test_a_failed_set_whose_temporaries_were_already_removed_is_still_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    real_stage = store._stage

    def removed_then_full(path: Path, data: bytes) -> Path:
        if path.name == "b.csv":  # the clean-up job removed a.csv's temporary first
            for staged in out.glob(".*.tmp"):
                staged.unlink()
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_stage(path, data)

    monkeypatch.setattr(store, "_stage", removed_then_full)
    with pytest.raises(StoreError) as raised:
        store.write_outputs(out, {"a.csv": b"1", "b.csv": b"2"}, ".m.json")
    monkeypatch.undo()
    assert raised.value.lines() == [
        f"{out / 'b.csv'}: could not be written (No space left on device); nothing was "
        "written and the previous files are unchanged; check free disk space and "
        "permissions, then try again"
    ]
    assert list(out.iterdir()) == []


def test_a_hand_edit_that_only_rewrites_a_time_in_another_zone_changes_no_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """10:00 UTC written as 12:00+02:00 is the same moment: the conflict report must not
    send the coordinator to look for a change to the matching that nobody made."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    path = tmp_path / "design.yaml"
    snap = store.create(path, "Start")
    run_at = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)
    results = MatchingResults(run_at=run_at, mentees=3, mentors=2, matched=3)
    matching = snap.design.matching.model_copy(update={"results": results})
    snap = store.save(snap.design.model_copy(update={"matching": matching}), snap)
    text = path.read_text()
    assert "2026-11-18T10:00:00Z" in text
    path.write_text(text.replace("2026-11-18T10:00:00Z", "2026-11-18T12:00:00+02:00"))
    with pytest.raises(ConflictError) as raised:
        store.save(_with_sponsor(snap, "CFO"), snap)
    conflict = store.describe_conflict(snap, raised.value.kept)
    assert conflict.by_hand and conflict.changed == ()
    edited = store.load(path).design.matching.results
    assert edited is not None and edited.run_at == run_at
    assert store.changed_steps(snap.design, store.load(path).design) == ()
