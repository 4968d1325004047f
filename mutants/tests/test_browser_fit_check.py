"""The fit-check step in the Voila app, driven in Debian's chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from workbook import fit, store

pytestmark = pytest.mark.browser


def test_choose_a_situation_change_an_answer_and_save(browse) -> None:  # type: ignore[no-untyped-def]
    page = browse.open("00_fit_check.ipynb")
    page.click(".wb-fit-clear")  # start from a blank questionnaire, whatever the example holds
    page.wait_for_selector(".wb-fit-summary >> text=Answer at least one question")
    page.select_option(
        ".wb-fit-preset select", label="Keeping the expertise of employees near retirement"
    )
    page.wait_for_selector(".wb-fit-summary >> text=Mentoring fits these answers best")
    expect(page.locator(".wb-fit-ranking tr.wb-fit-recommended")).to_have_count(1)
    assert "Why mentoring" in page.inner_text(".wb-fit-reasons")
    assert "Key goal" in page.inner_text(".wb-fit-comparison")

    # Mixed answers give a mixed result, live, without saving.
    for question, label in [
        ("develop", "One specific job skill or behaviour"),
        ("helper-role", "Give skills to practise, feedback and correction"),
        ("outcomes", "Against measures agreed in advance, within a set time"),
        ("audience", "A small group (5 to 8) needing the same competency"),
    ]:
        page.select_option(f".wb-fit-{question} select", label=label)
    page.wait_for_selector(".wb-fit-summary >> text=Mentoring with skill coaching inside it")
    expect(page.locator(".wb-fit-ranking tr.wb-fit-recommended")).to_have_count(2)

    page.click(".wb-save")
    page.wait_for_selector(".wb-status >> text=Saved revision 2")
    design = store.load(browse.app.design).design
    assert design.fit.preset == "retiring_expertise"
    assert design.fit.answers["develop"] == "one_skill"
    assert design.fit.answers["audience"] == "small_group"
    assert design.fit.result == fit.assess(fit.FitAnswers(design.fit.answers, "retiring_expertise"))
    assert design.fit.result.recommended == ["mentoring", "coaching"]
    assert design.model.duration_months == 12  # untouched decisions survive
    browse.assert_no_traceback()


def test_a_need_for_training_warns_next_to_the_questions(browse) -> None:  # type: ignore[no-untyped-def]
    before = browse.app.design.read_bytes()
    page = browse.open("00_fit_check.ipynb")
    page.select_option(".wb-fit-preset select", label="Everyone must learn the same new system")
    page.wait_for_selector(".wb-fit-summary >> text=not the best tool")
    page.wait_for_selector(".wb-warnings >> text=R10")
    assert "the fit check recommends training, not mentoring" in page.inner_text(".wb-warnings")
    browse.assert_no_traceback()
    assert browse.app.design.read_bytes() == before  # nothing saved without Save


def test_a_mixed_need_said_with_partly_also_gives_the_mix_and_how_sure_it_is(browse) -> None:  # type: ignore[no-untyped-def]
    """ "A year-long relationship for new managers, including some practice on giving
    feedback": the coaching part is said with "Partly, also", from a blank page."""
    page = browse.open("00_fit_check.ipynb")
    page.click(".wb-fit-clear")
    page.wait_for_selector(".wb-fit-summary >> text=Answer at least one question")
    expect(page.locator(".wb-fit-helper-role-partly select")).to_be_hidden()  # no main yet
    for question, label in [
        ("develop", "Career, leadership and personal growth beyond one skill"),
        ("duration", "Nine to twelve months or longer"),
        ("helper-role", "Listen, advise, make connections and be a role model"),
    ]:
        page.select_option(f".wb-fit-{question} select", label=label)
    page.wait_for_selector(".wb-fit-summary >> text=Mentoring fits these answers best")
    expect(page.locator(".wb-fit-confidence")).to_contain_text("only weakly: 3 of 12")
    # The questions that could still change it are marked, and named in the result.
    deciding = page.locator(".wb-fit-deciding")
    assert deciding.count() >= 1
    assert (
        "Answer next" in deciding.first.inner_text()
        or deciding.first.evaluate(
            "el => getComputedStyle(el.querySelector('.wb-fit-question'), '::after').content"
        )
        == '"Answer next"'
    )
    page.select_option(
        ".wb-fit-helper-role-partly select",
        label="Give skills to practise, feedback and correction",
    )
    page.wait_for_selector(".wb-fit-summary >> text=Mentoring with skill coaching inside it")
    assert "(partly)" in page.inner_text(".wb-fit-reasons")
    page.click(".wb-save")
    page.wait_for_selector(".wb-status >> text=Saved")
    design = store.load(browse.app.design).design
    assert design.fit.partly == {"helper_role": "feedback_practice"}
    assert design.fit.result is not None
    assert design.fit.result.recommended == ["mentoring", "coaching"]
    browse.assert_no_traceback()
