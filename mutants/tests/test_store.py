"""The store: atomic saves, history, and no silent overwrite of anyone's work."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from workbook import store
from workbook.design import Design
from workbook.errors import ConflictError, ExistsError, StoreError


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
