"""A programs folder (workbook.programs) and the app shell's widgets, without a kernel:
the picker lists and creates programs, the app walks the steps with a progress
indicator, and nothing a stakeholder sees names a server path."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbook import programs, store
from workbook.design import MatchingResults
from workbook.errors import ExistsError, InputError
from workbook.steps import specs
from workbook.ui.app import App, Unavailable, build_step, query_program, unsaved
from workbook.ui.base import Step
from workbook.ui.page import shown_lines

EXAMPLE = programs.EXAMPLE


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A programs folder holding a copy of the example program (with its roster)."""
    folder = tmp_path / "programs"
    folder.mkdir()
    shutil.copytree(EXAMPLE, folder / "graduate-program")
    return folder


# ------------------------------------------------------------------ folder names


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Sales onboarding 2027!", "sales-onboarding-2027"),
        ("  Éclair programme  ", "eclair-programme"),
        ("../../etc/passwd", "etc-passwd"),
        ("Women in Engineering / Leadership", "women-in-engineering-leadership"),
        ("x" * 80 + " y", "x" * 60),
    ],
)
def test_folder_name_is_safe(name: str, key: str) -> None:
    assert programs.folder_name(name) == key


@pytest.mark.parametrize("name", ["", "   ", "!!!", "日本語"])
def test_a_name_without_letters_is_refused_with_what_to_do(name: str) -> None:
    with pytest.raises(InputError) as info:
        programs.folder_name(name)
    assert info.value.problems[0].fix


# ------------------------------------------------------------------ create and list


def test_create_blank_writes_a_first_revision_with_every_step_open(root: Path) -> None:
    entry = programs.create(root, "Sales onboarding", "blank")
    assert entry.key == "sales-onboarding"
    snap = store.load(root / "sales-onboarding" / "design.yaml")
    assert snap.design.program.name == "Sales onboarding"
    assert snap.design.revision == 1 and snap.design.updated is not None
    assert entry.revision == 1 and entry.saved == snap.design.updated
    assert [s.key for s in entry.steps] == [s.key for s in specs()]
    assert entry.done == 0
    assert not (root / "sales-onboarding" / "roster.csv").exists()


def test_create_from_the_example_copies_decisions_not_its_roster_or_results(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an example whose matching was run on its roster: the aggregates stay behind
    example_dir = tmp_path / "example"
    shutil.copytree(EXAMPLE, example_dir)
    snap = store.load(example_dir / "design.yaml")
    ran = snap.design.matching.model_copy(
        update={"results": MatchingResults(mentees=64, mentors=30, matched=64)}
    )
    store.save(snap.design.model_copy(update={"matching": ran}), snap)
    monkeypatch.setattr(programs, "EXAMPLE", example_dir)
    example = store.load(example_dir / "design.yaml").design
    programs.create(root, "Sales mentoring", "example")
    design = store.load(root / "sales-mentoring" / "design.yaml").design
    assert design.program.name == "Sales mentoring"
    assert design.program.sponsor == example.program.sponsor
    assert design.purposes == example.purposes and design.model == example.model
    assert design.matching.results is None
    assert design.revision == 1
    assert sorted(p.name for p in (root / "sales-mentoring").iterdir()) == [
        "design.history",
        "design.yaml",
    ]


def test_create_refuses_a_clash_and_changes_nothing(root: Path) -> None:
    before = (root / "graduate-program" / "design.yaml").read_bytes()
    with pytest.raises(ExistsError, match="already exists"):
        programs.create(root, "Graduate program", "blank")
    assert (root / "graduate-program" / "design.yaml").read_bytes() == before
    # a folder of that name without a design is someone's too
    (root / "notes").mkdir()
    (root / "notes" / "todo.txt").write_text("mine")
    with pytest.raises(
        ExistsError,
        match=r"a program with the folder name 'notes' already exists; nothing was changed",
    ):
        programs.create(root, "Notes", "example")
    assert sorted(p.name for p in (root / "notes").iterdir()) == ["todo.txt"]


def test_list_shows_programs_by_name_and_skips_other_folders(root: Path) -> None:
    programs.create(root, "Apprentice buddies", "blank")
    (root / "empty").mkdir()
    (root / ".hidden").mkdir()
    shutil.copy(EXAMPLE / "design.yaml", root / ".hidden" / "design.yaml")
    (root / "stray.yaml").write_text("a: 1\n")
    entries = programs.list_programs(root)
    assert [e.name for e in entries] == ["Apprentice buddies", "Northwind Graduate Mentoring"]
    example = entries[1]
    assert example.key == "graduate-program" and example.revision == 1
    assert example.done == example.design_steps == len(specs()) - 1  # the evaluation is later
    assert example.roster == root / "graduate-program" / "roster.csv"
    assert example.output == root / "graduate-program" / "output"


def test_an_unreadable_design_is_listed_with_the_problem_and_no_server_path(root: Path) -> None:
    (root / "broken").mkdir()
    (root / "broken" / "design.yaml").write_text("model:\n  duration_months: twelve\n")
    broken = programs.find(root, "broken")
    assert broken.error is not None and broken.steps == ()
    lines = shown_lines(broken.error, root)
    assert lines == [
        "broken/design.yaml: model.duration_months: must be a whole number (value 'twelve'); "
        "write a number such as 12"
    ]


@pytest.mark.parametrize("key", ["nope", "../programs", ".", "", "graduate-program/design.yaml"])
def test_find_refuses_anything_but_a_program_folder(root: Path, key: str) -> None:
    with pytest.raises(InputError, match="no program of this name"):
        programs.find(root, key)


def test_programs_dir_comes_from_the_parameter_or_the_environment(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(programs.ENV, raising=False)
    with pytest.raises(InputError, match="no programs folder"):
        programs.programs_dir("")
    monkeypatch.setenv(programs.ENV, str(root))
    assert programs.programs_dir("") == root
    with pytest.raises(InputError, match="does not exist"):
        programs.programs_dir(root / "missing")


# ------------------------------------------------------------------ the picker


def test_picker_lists_programs_and_creates_one_that_opens(root: Path) -> None:
    app = App(root)
    assert app.body.children == (app.picker.view,)
    rows = app.picker.list.children
    assert len(rows) == 1 and "wb-program-graduate-program" in rows[0]._dom_classes
    details = rows[0].children[1].value
    assert "revision 1" in details and "7 of 7 design steps complete" in details
    app.picker.new_name.value = "Sales onboarding"
    app.picker.new_source.value = "example"
    app.picker.create_button.click()
    assert (root / "sales-onboarding" / "design.yaml").exists()
    assert app.program is not None and app.program.folder.name == "sales-onboarding"
    assert app.body.children == (app.program.view,)


def test_picker_refuses_a_clash_in_plain_words(root: Path) -> None:
    app = App(root)
    app.picker.new_name.value = "Graduate Program"
    app.picker.create_button.click()
    text = app.picker.message.value
    assert "already exists" in text and "nothing was changed" in text
    assert "choose another name" in text and str(root) not in text
    assert app.program is None
    assert "wb-invalid" in app.picker.new_name._dom_classes


def test_every_input_of_the_shell_has_a_label(root: Path) -> None:
    app = App(root)
    for widget in (app.picker.author, app.picker.new_name, app.picker.new_source):
        assert widget.description
    app.open("graduate-program")
    assert app.program is not None
    for button in [*app.program.marks, app.program.back, app.program.next]:
        assert button.description.strip()


# ------------------------------------------------------------------ the guided steps


def test_open_walks_every_step_with_next_and_back(root: Path) -> None:
    app = App(root, "graduate-program")
    view = app.program
    assert view is not None
    assert view.back.disabled and not view.next.disabled
    names = []
    for i, spec in enumerate(specs()):
        step = view.steps[spec.key]
        assert isinstance(step, Step) and step.step == spec.key
        assert view.body.children == (step.view,)
        assert "wb-current" in view.marks[i]._dom_classes
        names.append(type(step).__name__)
        if i < len(specs()) - 1:
            view.next.click()
    assert names == [
        "FitCheckStep",
        "PurposeStep",
        "FocusAreasStep",
        "ModelStep",
        "ComponentsStep",
        "MatchingStep",
        "CharterStep",
        "EvaluationStep",
    ]
    # On the last step the disabled button names no step to go to.
    assert view.next.disabled and view.next.description == "Last step"
    folder = root / "graduate-program"
    matching = view.steps["matching"]
    assert matching.roster_run.outdir == folder / "output"  # type: ignore[union-attr]
    assert view.steps["charter"].output_dir == folder / "output"  # type: ignore[union-attr]
    view.back.click()
    assert view.index == len(specs()) - 2
    view.marks[1].click()
    assert view.body.children == (view.steps["purpose"].view,)
    assert view.message.value == ""


def test_progress_marks_follow_a_save(root: Path) -> None:
    app = App(root, "graduate-program")
    view = app.program
    assert view is not None
    model = view.marks[3]
    assert "wb-state-done" in model._dom_classes and model.description.startswith("✓")
    view.marks[3].click()
    step = view.steps["model"]
    step.duration.value = "4"  # type: ignore[union-attr]
    step.save_button.click()  # type: ignore[union-attr]
    assert store.load(root / "graduate-program" / "design.yaml").design.revision == 2
    assert "wb-state-attention" in model._dom_classes and model.description.startswith("⚠")
    assert "R6" in model.tooltip
    assert "revision 2" in view.head.value


def test_a_step_is_rebuilt_when_the_file_changed_and_it_holds_no_edits(root: Path) -> None:
    design = root / "graduate-program" / "design.yaml"
    app = App(root, "graduate-program")
    view = app.program
    assert view is not None
    view.go(1)
    purpose = view.steps["purpose"]
    assert isinstance(purpose, Step) and not unsaved(purpose)
    snap = store.load(design)
    program = snap.design.program.model_copy(update={"name": "Renamed elsewhere"})
    store.save(snap.design.model_copy(update={"program": program}), snap)
    view.go(0)
    view.go(1)
    rebuilt = view.steps["purpose"]
    assert rebuilt is not purpose and rebuilt.name.value == "Renamed elsewhere"  # type: ignore[union-attr]
    # edits of one's own are kept, never silently replaced by the file
    rebuilt.sponsor.value = "Chief Operating Officer"  # type: ignore[union-attr]
    snap = store.load(design)
    program = snap.design.program.model_copy(update={"owner": "Someone else"})
    store.save(snap.design.model_copy(update={"program": program}), snap)
    view.go(0)
    view.go(1)
    assert view.steps["purpose"] is rebuilt
    assert rebuilt.sponsor.value == "Chief Operating Officer"  # type: ignore[union-attr]


def test_the_author_named_goes_to_every_step_and_back_home(root: Path) -> None:
    assert hasattr(Step, "author")  # who saves: recorded in the design, named in conflicts
    app = App(root)
    app.picker.author.value = "Ada Lovelace"
    app.open("graduate-program")
    view = app.program
    assert view is not None and view.author_field.value == "Ada Lovelace"
    assert view.steps["fit_check"].author == "Ada Lovelace"  # type: ignore[union-attr]
    view.author_field.value = "Grace Hopper "
    assert view.steps["fit_check"].author == "Grace Hopper"  # type: ignore[union-attr]
    view.go(1)
    step = view.steps["purpose"]
    assert step.author == "Grace Hopper"  # type: ignore[union-attr]
    step.sponsor.value = "Chief Operating Officer"  # type: ignore[union-attr]
    step.save_button.click()  # type: ignore[union-attr]
    saved = store.load(root / "graduate-program" / "design.yaml").design
    assert saved.updated_by == "Grace Hopper"
    assert "by Grace Hopper" in view.head.value
    app.home()
    assert app.picker.author.value == "Grace Hopper"
    assert "by Grace Hopper" in app.picker.list.children[0].children[1].value


def test_back_to_the_picker_frees_the_program(root: Path) -> None:
    app = App(root, "graduate-program")
    view = app.program
    assert view is not None
    fit = view.steps["fit_check"]
    app.home()
    assert app.program is None and app.body.children == (app.picker.view,)
    assert fit.view.comm is None  # closed: freed in the kernel and the page


# ------------------------------------------------------------------ friendly errors


def test_unknown_program_in_the_address_shows_the_picker_with_a_message(root: Path) -> None:
    app = App(root, "../../etc")
    assert app.program is None and app.body.children == (app.picker.view,)
    assert "There is no program called" in app.picker.message.value


def test_unreadable_program_is_explained_not_opened(root: Path) -> None:
    (root / "graduate-program" / "design.yaml").write_text("model: [\n")
    app = App(root, "graduate-program")
    assert app.program is None
    text = app.picker.message.value
    assert "cannot be opened" in text and "graduate-program/design.yaml" in text
    assert str(root) not in text
    assert app.picker.list.children[0].children[0].disabled


def test_a_design_broken_while_open_shows_a_friendly_step(root: Path) -> None:
    app = App(root, "graduate-program")
    view = app.program
    assert view is not None
    (root / "graduate-program" / "design.yaml").write_text("model:\n  duration_months: x\n")
    view.go(1)
    shown = view.body.children[0]
    text = "".join(getattr(c, "value", "") for c in shown.children)
    assert "cannot open the program" in text and "must be a whole number" in text
    assert str(root) not in text and "Traceback" not in text
    assert "graduate-program/design.yaml" in view.message.value


def test_no_programs_folder_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(programs.ENV, raising=False)
    shown = App.from_params("", "")
    assert isinstance(shown, Unavailable)
    assert "No programs folder was given" in shown.view.children[1].value


def test_program_comes_from_the_page_address(monkeypatch: pytest.MonkeyPatch) -> None:
    assert query_program("program=graduate-program&theme=dark") == "graduate-program"
    assert query_program("theme=dark") == ""
    monkeypatch.setenv("QUERY_STRING", "program=sales%20team")
    assert query_program() == "sales team"


def test_importing_the_app_loads_no_step_until_it_is_opened(root: Path) -> None:
    code = (
        "import sys\n"
        "from workbook.ui.app import App\n"
        "heavy = ['pandas', 'matplotlib', 'ortools', 'workbook.ui.matching', 'docx']\n"
        "print(sorted(m for m in [*heavy, 'workbook.charter'] if m in sys.modules))\n"
        f"App({str(root)!r}.__class__({str(root)!r}), 'graduate-program')\n"
        "print(sorted(m for m in heavy[1:] if m in sys.modules))\n"
    )
    code = code.replace(f"{str(root)!r}.__class__", "__import__('pathlib').Path")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "[]"  # the shell alone: no pandas, no solver, no charts, no charter
    assert out[1] == "[]"  # the first step open: still no matching, solver or charts


def test_the_page_load_marks_progress_in_the_background(root: Path) -> None:
    app = App(root, "graduate-program", defer_progress=True)
    view = app.program
    assert view is not None and view.progress_thread is not None
    assert view.body.children == (view.steps["fit_check"].view,)  # the step is there at once
    view.progress_thread.join(timeout=30)
    *design, evaluation = view.marks
    assert all("wb-state-done" in mark._dom_classes for mark in design)
    assert "wb-state-later" in evaluation._dom_classes  # the program has not run yet
    assert "7 of 7 design steps complete" in view.head.value


@pytest.mark.parametrize("source", ["example", "blank"])
def test_a_step_just_built_holds_no_edits(root: Path, source: programs.Source) -> None:
    folder = programs.create(root, f"Fresh {source}", source).folder
    for spec in specs():
        step = build_step(spec, folder)
        assert isinstance(step, Step) and not unsaved(step), spec.key


@pytest.mark.parametrize("name", ["CON", "nul", "Com1", "LPT9", "aux"])
def test_a_name_windows_keeps_for_a_device_is_refused(root: Path, name: str) -> None:
    with pytest.raises(InputError) as raised:
        programs.create(root, name)
    assert "Windows keeps for a device" in raised.value.problems[0].message
    assert not any(p.name.lower() == name.lower() for p in root.iterdir())
    assert programs.create(root, f"{name} mentoring").key == f"{name.lower()}-mentoring"


def test_the_address_opens_a_program_at_a_step(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUERY_STRING", "program=graduate-program&step=matching")
    app = App.from_params(str(root))
    assert isinstance(app, App) and app.program is not None
    assert app.program.specs[app.program.index].key == "matching"
    monkeypatch.setenv("QUERY_STRING", "program=graduate-program&step=nowhere")
    app = App.from_params(str(root))
    assert isinstance(app, App) and app.program is not None and app.program.index == 0


def test_the_first_revision_is_saved_under_the_name_given(root: Path) -> None:
    entry = programs.create(root, "Sales onboarding", author="Dana Reyes")
    assert store.load(entry.design).design.updated_by == "Dana Reyes"
    picker_app = App(root)
    picker_app.picker.author.value = "Sam Lee"
    picker_app.picker.new_name.value = "Plant engineers"
    picker_app.picker.create_button.click()
    design = store.load(root / "plant-engineers" / "design.yaml").design
    assert design.updated_by == "Sam Lee"


def test_the_header_follows_keep_mine(root: Path) -> None:
    app = App(root, "graduate-program")
    view = app.program
    assert view is not None
    view.go(1)
    step = view.steps["purpose"]
    theirs = store.load(root / "graduate-program" / "design.yaml")
    store.save(
        theirs.design.model_copy(
            update={"program": theirs.design.program.model_copy(update={"sponsor": "COO"})}
        ),
        theirs,
        author="Sam",
    )
    step.sponsor.value = "Chief People Officer"  # type: ignore[attr-defined]
    assert not step.save() and step.conflict.visible
    step.conflict.keep_button.click()
    revision = store.load(root / "graduate-program" / "design.yaml").design.revision
    assert f"revision {revision}," in view.head.value
