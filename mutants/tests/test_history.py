"""A design's history: who saved what and when, and restoring a revision as a new one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workbook import history, store
from workbook.cli import cli
from workbook.errors import ConflictError, InputError


def _saved_three_times(tmp_path: Path) -> Path:
    path = tmp_path / "design.yaml"
    first = store.create(path, "Graduates")
    program = first.design.program.model_copy(update={"sponsor": "COO"})
    second = store.save(first.design.model_copy(update={"program": program}), first, author="Sam")
    model = second.design.model.model_copy(update={"duration_months": 12})
    store.save(second.design.model_copy(update={"model": model}), second, author="Dana")
    return path


def test_every_revision_says_who_when_and_what_changed(tmp_path: Path) -> None:
    path = _saved_three_times(tmp_path)
    (store.history_dir(path) / "20990101T000000000000Z-conflict.yaml").write_text("junk: [")
    found = history.revisions(path)
    assert [(r.number, r.by, r.changed, r.current) for r in found] == [
        (1, found[0].by, (), False),
        (2, "Sam", ("Strategic purpose and objectives",), False),
        (3, "Dana", ("Mentoring model, roles and boundaries",), True),
    ]
    assert found[-1].file == path and all(r.when is not None for r in found)


def test_restoring_saves_an_old_revision_as_a_new_one(tmp_path: Path) -> None:
    path = _saved_three_times(tmp_path)
    saved = history.restore(path, 2, author="Alex")
    assert saved.design.revision == 4 and saved.design.updated_by == "Alex"
    assert saved.design.model.duration_months is None  # as in revision 2
    assert saved.design.program.sponsor == "COO"
    assert [r.number for r in history.revisions(path)] == [1, 2, 3, 4]  # 3 is still there
    with pytest.raises(InputError, match="no revision 7"):
        history.restore(path, 7)


def test_a_restore_never_overwrites_a_save_it_did_not_see(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _saved_three_times(tmp_path)
    real_save = store.save

    def someone_saves_first(*args: object, **kwargs: object) -> store.Snapshot:
        path.write_text(path.read_text().replace("sponsor: COO", "sponsor: CEO"))
        return real_save(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "save", someone_saves_first)
    with pytest.raises(
        ConflictError,
        match=r"design\.yaml: was changed by someone else after you opened it; .*yours was kept",
    ):
        history.restore(path, 1)
    monkeypatch.undo()
    assert store.load(path).design.program.sponsor == "CEO"  # their edit stands


def test_the_command_line_lists_shows_and_restores(tmp_path: Path) -> None:
    path = _saved_three_times(tmp_path)
    runner = CliRunner()
    listed = runner.invoke(cli, ["history", str(path)])
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[0].split() == ["revision", "saved", "by", "changed"]
    assert lines[2].startswith("2 ") and "Sam" in lines[2] and "Strategic purpose" in lines[2]
    assert lines[3].startswith("3 (current)")
    shown = runner.invoke(cli, ["history", str(path), "--show", "2"])
    assert "sponsor: COO" in shown.output and "duration_months: null" in shown.output
    restored = runner.invoke(cli, ["history", str(path), "--restore", "1", "--author", "Kim"])
    assert restored.output.strip() == f"{path}: revision 1 restored as revision 4"
    assert store.load(path).design.program.sponsor == ""
    missing = runner.invoke(cli, ["history", str(path), "--show", "9"])
    assert (
        missing.exit_code == 2 and "choose one of the revisions kept: 1, 2, 3, 4" in missing.output
    )


def test_the_app_lists_the_history_and_restores_a_revision(tmp_path: Path) -> None:
    from workbook.ui.app import App

    root = tmp_path / "programs"
    _saved_three_times(root / "graduates")
    app = App(root, "graduates")
    view = app.program
    assert view is not None
    view.go(1)
    view.show_history()
    panel = view._history
    assert panel is not None and view.body.children == (panel.view,)
    texts = [row.children[0].value for row in panel.rows.children]
    assert texts[0].startswith("<b>Revision 3</b> (current): Dana")
    assert "Changed: Strategic purpose and objectives" in texts[1]
    panel.open(1)
    assert "Revision 1, read-only" in panel.preview.value and "sandbox" in panel.preview.value
    assert panel.restore(2)
    assert "Restored revision 2 as revision 4" in panel.message.value
    assert "revision 4," in view.head.value
    view.next.click()  # back to the step the history was opened from, read again
    assert view.index == 1 and view.steps["purpose"].snapshot.design.revision == 4
