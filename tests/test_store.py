"""The store: atomic saves, history, and no silent overwrite of anyone's work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbook import store
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
    with pytest.raises(ConflictError):
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
