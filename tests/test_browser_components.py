"""The components step in the Voila app, driven in Debian's chromium."""

from __future__ import annotations

import pytest
import yaml
from playwright.sync_api import expect

from workbook import store
from workbook.steps import components

pytestmark = pytest.mark.browser


def test_fill_the_components_step_and_save(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("04_components.ipynb")
    closure = page.locator(".wb-component-closure")
    closure.locator(".wb-component-timing input").fill("Month 11")
    screening = page.locator(".wb-component-screening")
    screening.locator(".wb-component-activities textarea").fill("")
    screening.locator(".wb-suggest").click()
    page.wait_for_selector(".wb-component-screening .wb-suggest-note >> text=Filled from")
    measure = page.locator(".wb-measure").nth(1)
    measure.locator(".wb-measure-when input").fill("After each annual survey")
    page.locator(".wb-quality-standard select").select_option(
        label="MENTOR Elements of Effective Practice for Mentoring, 5th edition"
    )
    page.wait_for_selector(".wb-benchmark-values-ethics")
    page.check(".wb-benchmark-values-ethics input[type=checkbox]")
    page.wait_for_selector(".wb-quality-score >> text=1 of 34 benchmarks met")
    page.fill(".wb-resource-budget input", "EUR 20,000")
    rows = page.locator(".wb-risk")
    before = rows.count()
    page.click(".wb-add-risk")
    page.wait_for_function(f"document.querySelectorAll('.wb-risk').length === {before + 1}")
    rows.nth(before).locator(".wb-risk-risk input").fill("Sponsor changes role")
    rows.nth(before).locator(".wb-risk-owner input").fill("Steering group")
    page.click(".wb-save")
    page.wait_for_selector(".wb-status >> text=Saved revision 2")

    design = store.load(browse.app.design).design
    assert design.components.closure.timing == "Month 11"
    assert design.components.screening.activities == components.suggested_activities("screening")
    assert design.evaluation.effectiveness[2].when == "After each annual survey"
    assert design.evaluation.quality_standard == "mentor_eep_5"
    assert design.evaluation.quality_checklist == {"values_ethics": True}
    assert design.resources.budget == "EUR 20,000"
    assert design.risks[-1].risk == "Sponsor changes role"
    assert design.risks[-1].owner == "Steering group"
    assert design.model.duration_months == 12  # untouched decisions survive
    browse.assert_no_traceback()


def test_problems_and_flags_are_shown_in_the_page(browse) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(browse.app.design.read_text())
    data["evaluation"]["effectiveness"].append({"objective": "headcount", "method": "count"})
    browse.app.design.write_text(yaml.safe_dump(data, sort_keys=False))
    before = browse.app.design.read_bytes()
    page = browse.open("04_components.ipynb")
    page.wait_for_selector(".wb-measure-orphan >> text=no longer in the design")
    page.wait_for_selector(".wb-evaluation-notes >> text=no longer an objective")
    before_rows = page.locator(".wb-risk").count()
    page.click(".wb-add-risk")
    page.wait_for_function(f"document.querySelectorAll('.wb-risk').length === {before_rows + 1}")
    page.locator(".wb-risk").last.locator(".wb-risk-mitigation input").fill("Ask twice")
    message = page.wait_for_selector(".wb-problems >> text=must not be empty")
    assert "Risk 3 risk" in message.inner_text()
    expect(page.locator(".wb-risk").last.locator(".wb-risk-risk.wb-invalid")).to_have_count(1)
    expect(page.locator(".wb-save")).to_be_disabled()
    browse.assert_no_traceback()
    assert browse.app.design.read_bytes() == before
    page.locator(".wb-measure-orphan .wb-measure-remove").click()
    page.wait_for_selector(".wb-measure-orphan", state="detached")


def test_choose_how_each_objective_is_evaluated_and_see_what_it_can_detect(browse) -> None:  # type: ignore[no-untyped-def]
    from workbook.evaluation.power import detectable_change

    page = browse.open("04_components.ipynb")
    retention = page.locator(".wb-measure").nth(0)  # the example: a comparison group, size unknown
    expect(retention.locator(".wb-measure-detectable")).to_contain_text(
        "give how many comparable employees the mentees are compared with"
    )
    size = retention.locator(".wb-measure-comparison-size input")
    size.fill("-5")
    expect(retention.locator(".wb-measure-problems")).to_contain_text(
        "Comparison group for graduates still employed 12 months after joining: "
        "must not be negative"
    )
    expect(page.locator(".wb-save")).to_be_disabled()
    size.fill("480")
    found = detectable_change(
        design="comparison", participants=60, comparison=480, baseline=78, rate=True
    )
    assert found is not None
    expect(retention.locator(".wb-measure-detectable")).to_contain_text(
        "With 60 mentees against 480 comparable employees and a 78% baseline, this evaluation "
        f"can detect a change of about {round(found.change)} points or more; the target asks "
        "for 10."
    )
    expect(retention.locator(".wb-measure-problems")).to_have_text("")
    expect(page.locator(".wb-warnings-box")).to_contain_text("the target asks for 10")

    successors = page.locator(".wb-measure").nth(2)  # a count of roles: no design yet
    expect(successors.locator(".wb-measure-spread")).to_be_hidden()
    successors.locator(".wb-measure-design select").select_option(label="Before and after only")
    expect(successors.locator(".wb-measure-comparison-size")).to_be_hidden()
    successors.locator(".wb-measure-spread input").fill("1.5")

    page.fill(".wb-covariates input", "department, level")
    page.fill(".wb-power input", "90")
    page.click(".wb-save")
    page.wait_for_selector(".wb-status >> text=Saved revision 2")

    evaluation = store.load(browse.app.design).design.evaluation
    assert (evaluation.effectiveness[0].design, evaluation.effectiveness[0].comparison_size) == (
        "comparison",
        480,
    )
    measures = {m.objective: m for m in evaluation.effectiveness}
    successors_saved = measures["critical roles with a ready-now successor"]
    assert (successors_saved.design, successors_saved.spread) == (
        "before_after",
        1.5,
    )
    assert (evaluation.covariates, evaluation.power) == (["department", "level"], 0.9)
    browse.assert_no_traceback()
