"""Who may open, change and sign a program (workbook.permissions), enforced where files
are written and shown in the app: owners and editors change a program, sponsors read it
and sign its approvals, readers read it, anyone else sees its folder name and who to
ask. Without an access list, everyone may do everything, as before."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from workbook import permissions, programs, store
from workbook.design import Approval, Design
from workbook.permissions import AccessError
from workbook.steps import specs
from workbook.ui.app import App
from workbook.ui.base import Step

ACCESS = """\
# Who may open, change and sign this program.
owner: Dana
editors: [sam]
sponsors: [lee]
readers: [rob]
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A programs folder with two copies of the example: one with an access list."""
    folder = tmp_path / "programs"
    folder.mkdir()
    shutil.copytree(programs.EXAMPLE, folder / "graduate-program")
    shutil.copytree(programs.EXAMPLE, folder / "open-program")
    (folder / "graduate-program" / permissions.ACCESS).write_text(ACCESS)
    return folder


@pytest.fixture
def as_user(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Sign in to the 'hub' as someone (``$JUPYTERHUB_USER``, as the hub sets it)."""

    def sign_in(name: str) -> None:
        monkeypatch.setenv("JUPYTERHUB_USER", name)

    return sign_in


def _renamed(snap: store.Snapshot, name: str) -> Design:
    program = snap.design.program.model_copy(update={"name": name})
    return snap.design.model_copy(update={"program": program})


def _signed(snap: store.Snapshot, name: str) -> Design:
    approvals = [Approval(role="Executive sponsor", name=name, date=dt.date(2027, 1, 15))]
    return snap.design.model_copy(update={"approvals": approvals})


# ------------------------------------------------------------------ the access list


def test_roles_and_their_rights_names_compared_without_case(root: Path) -> None:
    access = permissions.read(root / "graduate-program")
    assert access.managed
    assert [access.role(n) for n in ("dana", " DANA ", "Sam", "lee", "rob", "eve", "")] == [
        "owner",
        "owner",
        "editor",
        "sponsor",
        "reader",
        None,
        None,
    ]
    assert access.may("sam", "edit") and access.may("sam", "approve")
    assert access.may("lee", "approve") and not access.may("lee", "edit")
    assert access.may("rob", "open") and not access.may("rob", "approve")
    assert access.rights("eve") == frozenset()


def test_without_an_access_list_everyone_may_do_everything(root: Path) -> None:
    access = permissions.read(root / "open-program")
    assert not access.managed and access.rights("anyone") == permissions.EVERY_RIGHT
    assert permissions.describe(access, "anyone") == ""


def test_everyone_signed_in_can_be_a_reader(root: Path) -> None:
    (root / "open-program" / permissions.ACCESS).write_text("owner: dana\nreaders: ['*']\n")
    access = permissions.read(root / "open-program")
    assert access.role("whoever") == "reader" and access.role("") is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("owner: [a, b]\n", "must be one sign-in name"),
        ("owner: dana\nwriters: [sam]\n", "is not a role the workbook knows"),
        ("owner: dana\neditors: {sam: 1}\n", "must be a list of sign-in names"),
        ("owner: dana\neditors: [sam\n", "is not valid YAML"),
        ("- dana\n", "is not a list of roles"),
    ],
)
def test_a_broken_access_list_closes_the_program_and_says_what_to_write(
    root: Path, text: str, words: str
) -> None:
    folder = root / "open-program"
    (folder / permissions.ACCESS).write_text(text)
    with pytest.raises(AccessError, match=words) as caught:
        permissions.require(folder, "open", "dana")
    assert caught.value.problems[0].fix
    listed = programs.entry(folder, "dana")
    assert listed.error is not None and listed.steps == ()
    with pytest.raises(AccessError):  # closed, not opened to everyone
        store.save(
            _renamed(store.load(folder / "design.yaml"), "X"), store.load(folder / "design.yaml")
        )


def test_the_person_is_who_signed_in_to_the_hub_else_the_login(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", " dana ")
    assert permissions.person() == permissions.signed_in() == "dana"
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setenv("LOGNAME", "sam")
    assert permissions.person() == "sam" and permissions.signed_in() == ""


# ------------------------------------------------------------------ enforced by the store


def test_owner_and_editors_save_readers_and_strangers_cannot(root: Path, as_user) -> None:  # type: ignore[no-untyped-def]
    design = root / "graduate-program" / "design.yaml"
    for name in ("dana", "sam"):
        as_user(name)
        snap = store.load(design)
        saved = store.save(_renamed(snap, f"By {name}"), snap)
        assert saved.design.updated_by == name
    before = design.read_bytes()
    history = sorted(store.history_dir(design).iterdir())
    for name, words in (("rob", "can read this program but not change it"), ("eve", "no access")):
        as_user(name)
        snap = store.load(design)
        with pytest.raises(AccessError, match=words) as caught:
            store.save(_renamed(snap, "Not mine"), snap)
        assert "ask its owner, Dana" in caught.value.problems[0].fix
        assert f"signed in as {name}" in caught.value.problems[0].message
    assert design.read_bytes() == before  # nothing written, nothing kept
    assert sorted(store.history_dir(design).iterdir()) == history


def test_a_sponsor_signs_the_approvals_and_changes_nothing_else(root: Path, as_user) -> None:  # type: ignore[no-untyped-def]
    design = root / "graduate-program" / "design.yaml"
    as_user("lee")
    snap = store.load(design)
    signed = store.save(_signed(snap, "Lee Park"), snap)
    assert signed.design.approvals[0].name == "Lee Park" and signed.design.updated_by == "lee"
    assert signed.replaced is not None  # the revision it replaced is kept, as for anyone
    with pytest.raises(AccessError, match="other than the charter's approvals") as caught:
        store.save(_renamed(_signed_snapshot(signed, "Lee"), "Renamed"), signed)
    assert "program" in caught.value.problems[0].message


def _signed_snapshot(snap: store.Snapshot, name: str) -> store.Snapshot:
    return store.Snapshot(_signed(snap, name), snap.path, snap.fingerprint)


def test_a_reader_may_press_save_on_an_unchanged_design(root: Path, as_user) -> None:  # type: ignore[no-untyped-def]
    as_user("rob")
    snap = store.load(root / "graduate-program" / "design.yaml")
    assert store.save(snap.design, snap) == snap  # nothing to write, nothing refused


def test_other_files_of_the_program_need_the_right_to_change_it(root: Path, as_user) -> None:  # type: ignore[no-untyped-def]
    folder = root / "graduate-program"
    roster = folder / "roster.csv"
    before = roster.read_bytes()
    as_user("lee")  # a sponsor signs; a roster or an export is not theirs to replace
    with pytest.raises(AccessError):
        store.atomic_write(roster, b"id\n")
    with pytest.raises(AccessError):
        store.keep(roster, before, "roster.csv")
    with pytest.raises(AccessError):
        store.write_outputs(folder / "output", {"matches.csv": b"x"}, ".manifest.json")
    assert roster.read_bytes() == before and not (folder / "output" / "matches.csv").exists()
    as_user("sam")
    store.write_outputs(folder / "output", {"matches.csv": b"x"}, ".manifest.json")
    store.atomic_write(roster, before)


# ------------------------------------------------------------------ the picker and the app


def test_the_list_names_a_closed_program_by_its_folder_only(root: Path) -> None:
    (root / "graduate-program" / "design.yaml").write_text(
        (root / "graduate-program" / "design.yaml")
        .read_text()
        .replace("Northwind Graduate Mentoring", "Secret Merger Mentoring")
    )
    listed = {e.key: e for e in programs.list_programs(root, "eve")}
    closed = listed["graduate-program"]
    assert closed.name == "graduate-program" and closed.revision == 0 and closed.steps == ()
    assert "open" not in closed.rights
    assert closed.role == "You have no access to this program; ask its owner, Dana."
    assert listed["open-program"].rights == permissions.EVERY_RIGHT
    readable = programs.find(root, "graduate-program", "rob")
    assert readable.role == "You can read it." and readable.name == "Secret Merger Mentoring"


def test_the_picker_shows_each_program_with_the_persons_place_in_it(root: Path, as_user) -> None:  # type: ignore[no-untyped-def]
    as_user("eve")
    app = App(root)
    rows = {r._dom_classes[-1]: r for r in app.picker.list.children}
    closed = rows["wb-program-graduate-program"]
    button, info = closed.children
    assert button.disabled and "ask its owner, Dana" in info.value
    assert "revision" not in info.value  # nothing of its content
    assert not rows["wb-program-open-program"].children[0].disabled
    as_user("lee")
    app.picker.show()
    rows = {r._dom_classes[-1]: r for r in app.picker.list.children}
    info = rows["wb-program-graduate-program"].children[1].value
    assert "You can read it and sign its approvals." in info


def test_a_person_without_rights_gets_a_page_saying_who_to_ask(root: Path, as_user) -> None:  # type: ignore[no-untyped-def]
    as_user("eve")
    app = App(root, "graduate-program")  # as a link someone shared would open it
    assert app.program is None
    page = app.body.children[0]
    text = page.children[0].value
    assert "You cannot open this program" in text and "ask its owner, Dana" in text
    assert "Northwind" not in text and "revision" not in text
    page.children[1].click()  # back to the list
    assert list(app.body.children) == [app.picker.view]


def test_a_reader_sees_every_step_read_only_and_a_sponsor_may_sign(root: Path, as_user) -> None:  # type: ignore[no-untyped-def]
    design = root / "graduate-program" / "design.yaml"
    keys = [s.key for s in specs()]
    as_user("rob")
    app = App(root, "graduate-program")
    view = app.program
    assert view is not None
    assert view.author_field.value == "rob" and view.author_field.disabled
    view.go(keys.index("purpose"))
    step = view.steps["purpose"]
    assert isinstance(step, Step) and step.save_button.disabled and step.locked
    step.sponsor.value = "Someone"  # type: ignore[attr-defined]
    assert step.save_button.disabled  # typing does not turn Save back on
    before = design.read_bytes()
    assert not step.save()  # and pressing it anyway is refused by the store
    assert "ask its owner, Dana" in step.status.value
    assert design.read_bytes() == before
    assert not (design.parent / "design.drafts" / "purpose.json").exists()
    as_user("lee")
    app = App(root, "graduate-program", step="charter")
    view = app.program
    assert view is not None
    assert not view.steps["charter"].locked  # type: ignore[union-attr]
    view.go(keys.index("model"))
    assert view.steps["model"].locked  # type: ignore[union-attr]


def test_in_a_hub_saves_are_recorded_under_the_signed_in_name(root: Path, as_user) -> None:  # type: ignore[no-untyped-def]
    as_user("sam")
    app = App(root)
    assert app.picker.author.value == "sam" and app.picker.author.disabled
    assert app.picker.author.description == "Signed in as"
    app.open("graduate-program")
    view = app.program
    assert view is not None and view.author == "sam"
    view.go(1)
    step = view.steps["purpose"]
    step.sponsor.value = "Chief Operating Officer"  # type: ignore[union-attr]
    assert step.save()  # type: ignore[union-attr]
    assert store.load(root / "graduate-program" / "design.yaml").design.updated_by == "sam"
