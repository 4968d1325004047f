"""From a blank design to a charter ready to sign, in the browser, as a person would.

An HR manager who does not program opens the app on an empty programs folder, types
their name, creates a program from a blank design and goes through every step with
clicks and typing only: the fit check, the purpose, the focus areas, the model, the
components, matching and the charter. After each step's Save the step's "Still open on
this step" list says nothing is open; the charter step then says the charter is ready to
sign, and ``workbook charter --strict`` accepts the design the app saved.

The values are what such a person would type, in the spirit of the bundled example
program; the test reads no file to decide what to do and writes none itself.
``tests/test_blank_to_ready.py`` proves the same at widget level for every decision.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ARTIFACTS, ROOT
from playwright.sync_api import Locator, Page
from playwright.sync_api import expect as _expect

import workbook.cli
from workbook import NOTEBOOKS, store
from workbook.server import LANDING, free_port, running

pytestmark = pytest.mark.browser

expect = type(_expect)()
"""Playwright's ``expect`` with a longer wait of its own (the global one is left as it
is): every check here waits for a kernel round trip, slow on a loaded machine."""
expect.set_options(timeout=20_000)

NAME = "Harbour Graduate Mentoring 2027"
FOLDER = "harbour-graduate-mentoring-2027"
STEPS = ["fit_check", "purpose", "focus_areas", "model", "components", "matching", "charter"]
NOTHING_OPEN = "Nothing is open on this step."
SAVE = re.compile(r"\bSave$")  # the name starts with the icon's glyph
DONE = re.compile(r"\bwb-state-done\b")


class Walk:
    """The page and where the person is: the step on screen and the revisions saved."""

    def __init__(self, page: Page, *private: str) -> None:
        self.page = page
        self.private = private
        """Server paths the page must never show (the programs folder)."""
        self.revision = 1  # creating the program saved revision 1

    def step(self, key: str) -> Locator:
        """Arrive on step ``key`` (with Next) and check that something is open on it."""
        page = self.page
        if key != STEPS[0]:
            page.get_by_role("button", name=re.compile(r"^Next: ")).click()
        step = page.locator(f".wb-step-{key}")
        expect(step).to_be_visible(timeout=60_000)
        # Of 8: the evaluation, for once the program has run, comes after the charter.
        expect(page.locator(".wb-where")).to_contain_text(f"Step {STEPS.index(key) + 1} of 8")
        expect(step.locator(".wb-still-open")).to_contain_text("Still open on this step:")
        return step

    def save(self, step: Locator, key: str) -> None:
        """Press Save: the step says which revision it saved, nothing is open on it,
        nothing is left unsaved, and the progress indicator marks it complete."""
        page = self.page
        step.get_by_role("button", name=SAVE).click()
        self.revision += 1
        expect(step.locator(".wb-status")).to_contain_text(f"Saved revision {self.revision}")
        still = step.locator(".wb-still-open")
        expect(still).to_have_text(NOTHING_OPEN)
        expect(still.locator(".wb-open-item")).to_have_count(0)
        expect(step.locator(".wb-problems-box")).to_have_text("")
        expect(step.locator(".wb-draft-state")).to_have_text("")
        expect(page.locator(".wb-program-head")).to_contain_text(f"revision {self.revision},")
        expect(page.locator(f".wb-progress-{key}")).to_have_class(DONE)
        self.assert_clean()

    def assert_clean(self) -> None:
        """Nothing on the page looks like a traceback or names a folder of the server."""
        text = self.page.inner_text("body")
        for marker in ("Traceback", 'File "/', "site-packages", str(ROOT), *self.private):
            assert marker not in text, f"the page shows {marker!r}:\n{text[:3000]}"


def choose(scope: Locator, label: str, option: str) -> None:
    """Pick ``option`` in the dropdown labelled ``label``."""
    scope.get_by_label(label, exact=True).select_option(label=option)


def fit_check(walk: Walk) -> None:
    step = walk.step("fit_check")
    choose(step, "Situation", "Leaders and a talent pool for succession")
    expect(step.locator(".wb-fit-summary")).to_contain_text("Mentoring fits")
    walk.save(step, "fit_check")


def purpose(walk: Walk) -> None:
    step = walk.step("purpose")
    expect(step.get_by_label("Program name", exact=True)).to_have_value(NAME)
    # The "Still open" list takes the cursor to the field it names.
    step.locator(".wb-still-open").get_by_role("button", name="Organisation", exact=True).click()
    organisation = step.get_by_label("Organisation", exact=True)
    expect(organisation).to_be_focused()
    organisation.fill("Harbour Logistics")
    step.get_by_label("Sponsor", exact=True).fill("Chief People Officer")
    step.get_by_label("Owner", exact=True).fill("Early Careers team (People)")
    step.get_by_label("Problem", exact=True).fill(
        "One graduate in five leaves within a year, most citing slow career progress and "
        "few connections outside their own team; the bench for critical operations roles "
        "is thin."
    )
    step.get_by_role("checkbox", name="Career growth and retention").check()
    step.get_by_role("checkbox", name="Succession and talent pool").check()
    objectives = [
        (
            "Career growth and retention",
            "First-year retention of graduates",
            "graduates still employed 12 months after joining",
            "%",
            "78",
            "88",
            "2027-12-31",
            "HRIS",
            "People analytics",
        ),
        (
            "Succession and talent pool",
            "Ready-now successors for critical operations roles",
            "critical roles with a ready-now successor",
            "roles",
            "2",
            "6",
            "2028-06-30",
            "Talent review",
            "Operations leadership team",
        ),
    ]
    rows = step.locator(".wb-objective")
    for i, (serves, description, metric, unit, baseline, target, due, source, owner) in enumerate(
        objectives
    ):
        step.get_by_role("button", name="Add objective").click()
        expect(rows).to_have_count(i + 1)
        row = rows.nth(i)
        choose(row, "Purpose", serves)
        row.get_by_label("Description", exact=True).fill(description)
        row.get_by_label("Metric", exact=True).fill(metric)
        row.get_by_label("Unit", exact=True).fill(unit)
        row.get_by_label("Baseline", exact=True).fill(baseline)
        row.get_by_label("Target", exact=True).fill(target)
        row.get_by_label("Due", exact=True).fill(due)
        row.get_by_label("Data source", exact=True).fill(source)
        row.get_by_label("Owner", exact=True).fill(owner)
    walk.save(step, "purpose")


def focus_areas(walk: Walk) -> None:
    step = walk.step("focus_areas")
    step.get_by_role("button", name="Suggest focus areas").click()
    expect(step.locator(".wb-status")).to_contain_text("Included:")
    career = step.locator(".wb-focus-career_development")
    expect(career.get_by_role("checkbox", name="Career development")).to_be_checked()
    choose(career, "Priority", "High")
    career.get_by_label("Note", exact=True).fill(
        "Career conversations in every relationship; mentees own their development plan."
    )
    walk.save(step, "focus_areas")


def model(walk: Walk) -> None:
    step = walk.step("model")
    still = step.locator(".wb-still-open")
    answering = ("Start date", "Who can be a mentee", "Who can be a mentor")
    for item in answering:
        expect(still.get_by_role("button", name=item, exact=True)).to_be_visible()
    step.get_by_role("button", name="Suggest defaults").click()
    expect(step.locator(".wb-filled")).to_contain_text("Filled")
    step.get_by_label("Start date", exact=True).fill("2027-03-01")
    choose(step, "Meeting mode", "Hybrid")
    step.get_by_label("Who can be a mentee", exact=True).fill(
        "Graduates in their first two years at Harbour, any department."
    )
    step.get_by_label("Who can be a mentor", exact=True).fill(
        "Employees with at least five years of experience, outside the mentee's reporting "
        "line, who complete the mentor training."
    )
    # The list is redrawn as each answer reaches the kernel: wait until it has caught up
    # with the last one, or the click may land on a button that is being replaced.
    for item in answering:
        expect(still.get_by_role("button", name=item, exact=True)).to_have_count(0)
    still.get_by_role("button", name="Expected mentees", exact=True).click()
    mentees = step.get_by_label("Expected mentees", exact=True)
    expect(mentees).to_be_focused()
    mentees.fill("40")
    step.get_by_label("Expected mentors", exact=True).fill("20")
    step.get_by_label("Mentees per mentor", exact=True).fill("2")
    walk.save(step, "model")


COMPONENT_PLANS = {
    "recruitment": "Invite all eligible graduates and experienced staff with a realistic "
    "picture of the time asked (one hour a month plus training).",
    "screening": "Applicants confirm their availability and commitment for twelve months.",
    "training": "Both sides are trained before matching.",
    "matching-initiating": "The coordinator runs the matching on skills wanted and offered; "
    "each match begins with a mentoring agreement.",
    "monitoring-support": "Monthly check-ins with each pair and quarterly peer support for "
    "mentors.",
    "closure": "A planned ending at month twelve, and a no-fault exit at any time.",
}
POLICIES = {
    "Confidentiality": "What is said in the relationship stays in it.",
    "Code of conduct": "Harbour's code of conduct applies to every mentoring meeting.",
    "Data privacy": "Roster data is used only for matching and deleted at closure.",
    "No-fault exit": "Either side can end the match at any time without giving a reason.",
}


def components(walk: Walk) -> None:
    step = walk.step("components")
    for key, plan in COMPONENT_PLANS.items():
        box = step.locator(f".wb-component-{key}")
        box.get_by_label("Plan", exact=True).fill(plan)
        box.get_by_role("button", name="Suggest activities").click()
        expect(box.get_by_label("Activities", exact=True)).not_to_have_value("")
        box.get_by_label("Owner", exact=True).fill("Coordinator")
    expect(step.locator(".wb-measure")).to_have_count(2)
    step.get_by_role("button", name="Pre-fill from objectives").click()
    for field in ("Method", "When", "Who"):
        for cell in step.locator(".wb-measure").get_by_label(field, exact=True).all():
            expect(cell).not_to_have_value("")
    choose(
        step, "Quality standard", "MENTOR Elements of Effective Practice for Mentoring, 4th edition"
    )
    step.get_by_role("button", name="Tick what the design shows").click()
    for label, text in POLICIES.items():
        step.get_by_label(label, exact=True).fill(text)
    step.get_by_label("Budget", exact=True).fill("EUR 12,000: training, events and materials")
    step.get_by_label("Coordinator time", exact=True).fill("0.3 FTE for the program year")
    step.get_by_role("button", name="Add risk").click()
    risk = step.locator(".wb-risk").first
    risk.get_by_label("Risk", exact=True).fill("Not enough mentors volunteer")
    risk.get_by_label("Mitigation", exact=True).fill(
        "Recognition in annual objectives; the sponsor invites senior staff personally."
    )
    risk.get_by_label("Owner", exact=True).fill("Sponsor")
    walk.save(step, "components")


def matching(walk: Walk) -> None:
    step = walk.step("matching")
    choose(step, "Who decides", "An algorithm proposes the matches (this step)")
    step.get_by_role("button", name="Suggest from the design").click()
    expect(step.locator(".wb-filled")).to_contain_text("Filled from the design")
    expect(step.get_by_label("Review", exact=True)).not_to_have_value("")
    expect(step.get_by_label("Rematching", exact=True)).not_to_have_value("")
    walk.save(step, "matching")


def charter(walk: Walk) -> Locator:
    step = walk.step("charter")
    expect(step.locator(".wb-charter-readiness")).to_contain_text("Not ready to sign")
    step.get_by_role("button", name="Add approver").click()
    step.locator(".wb-approval").first.get_by_label("Role", exact=True).fill("Executive sponsor")
    walk.save(step, "charter")
    ready = step.locator(".wb-charter-readiness")
    expect(ready).to_contain_text("Ready to sign.")
    return ready


def test_a_person_takes_a_blank_program_to_a_charter_ready_to_sign(
    page: Page, tmp_path: Path
) -> None:
    programs = tmp_path / "programs"
    programs.mkdir()
    port = free_port()
    env = {**os.environ, "WORKBOOK_PROGRAMS": str(programs)}
    with running(NOTEBOOKS / LANDING, port, env=env):
        page.goto(f"http://127.0.0.1:{port}/")
        expect(page.locator(".wb-picker .wb-no-programs")).to_be_visible(timeout=60_000)
        page.get_by_label("Your name").fill("Dana Whitfield")
        page.get_by_label("Program name").fill(NAME)
        expect(page.get_by_label("a blank design")).to_be_checked()
        page.get_by_role("button", name="Create program").click()
        expect(page).to_have_url(re.compile(rf"\?program={FOLDER}&step=fit_check$"), timeout=60_000)

        walk = Walk(page, str(tmp_path))
        for do in (fit_check, purpose, focus_areas, model, components, matching):
            do(walk)
        ready = charter(walk)
        ARTIFACTS.mkdir(exist_ok=True)
        ready.screenshot(path=str(ARTIFACTS / "blank-to-ready.png"))
        expect(page.locator(".wb-program-head")).to_contain_text("7 of 7 design steps complete")
        expect(page.locator(".wb-program-head")).to_contain_text("by Dana Whitfield")

    # What was typed is what was saved, under the name typed on the first page.
    design = programs / FOLDER / "design.yaml"
    saved = store.load(design).design
    assert saved.updated_by == "Dana Whitfield"
    assert saved.program.organisation == "Harbour Logistics"
    assert saved.participation.expected_mentees == 40
    assert [a.role for a in saved.approvals] == ["Executive sponsor"]
    result = CliRunner().invoke(
        workbook.cli.cli, ["charter", "--strict", str(design), "-o", str(tmp_path / "charter")]
    )
    assert result.exit_code == 0, result.output
    assert "ready to sign" in result.output
