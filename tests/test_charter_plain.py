"""The charter a sponsor reads: plain words in every format, one truth, plan against roster.

Every format is parsed back and searched for what a sponsor cannot read: design field
paths (``matching.method``), rule ids (``R7``, ``W-...``), key spellings
(``one_to_one``), file names, and source numbers that the reference list does not
explain. A decision the design states in one place is never "to be decided" in another;
a recorded matching run that disagrees with the plan becomes a warning in the matching
step and a risk in the charter, in words.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import mistune
import pytest
from bs4 import BeautifulSoup
from docx import Document
from helpers import EXAMPLE_DESIGN, complete, example, unready

from workbook import charter as ch
from workbook import rules, store
from workbook.design import Design, MatchingResults, new_design

TODAY = dt.date(2026, 11, 21)
TOP_FIELDS = (
    "program|fit|purposes|focus_areas|model|participation|roles|confidentiality|components"
    "|evaluation|matching|policies|resources|risks|approvals"
)
FIELD_PATH = re.compile(rf"\b({TOP_FIELDS})\.[a-z_0-9]+")
RULE_ID = re.compile(r"\b(R\d{1,2}|[EW]-[a-z][a-z-]+)\b")
KEY_SPELLING = re.compile(r"\b[a-z]+_[a-z_]+\b")
FILE_NAME = re.compile(r"\b[\w-]+\.(yaml|csv|json|ipynb|py)\b")
RAW_SOURCE = re.compile(r"(?<![\d,.])\b00\d\b")  # "000", not "18,000"
CITATION = re.compile(r"\[(\d+(?:, \d+)*)\]")


def texts(design: Design, findings: Any = None) -> dict[str, str]:
    """What a reader sees of each format: the text, not the markup."""
    built = ch.build(design, findings=findings, today=TODAY)
    markdown = ch.render_markdown(built)
    md_html = str(mistune.create_markdown(escape=False, plugins=["table"])(markdown))
    doc = Document(io.BytesIO(ch.render(built, "docx")))
    word = [p.text for p in doc.paragraphs]
    word += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for section in doc.sections:
        word += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return {
        "md": BeautifulSoup(md_html, "html.parser").get_text(" "),
        "html": BeautifulSoup(ch.render_html(built), "html.parser").get_text(" "),
        "docx": "\n".join(word),
    }


def _with_warnings() -> Design:
    """The example with decisions that break rules, so warnings reach the charter."""
    d = example()
    d.model.duration_months = 4
    d.confidentiality.manager_receives_progress = True
    d.participation.both_roles_allowed = False
    return d


def _with_evaluation() -> Design:
    """The example with every evaluation design in use, outcomes-file columns spelled as
    files spell them, and a target the evaluation cannot detect (a warning)."""
    d = example()
    designs = ("comparison", "before_after", "waitlist", "randomised")
    for measure, design in zip(d.evaluation.effectiveness, designs, strict=True):
        measure.design, measure.comparison_size, measure.spread = design, 480, 1.5
        measure.column = f"{design}_outcome_col"
    d.evaluation.covariates = ["department", "tenure_years", "pay_band"]
    return d


DESIGNS = {
    "example": lambda: example(),
    "with warnings": _with_warnings,
    "with an evaluation plan": _with_evaluation,
    "unready": lambda: unready(),
    "blank": lambda: new_design("Blank"),
}


@pytest.fixture(scope="module", params=list(DESIGNS))
def rendered(request: pytest.FixtureRequest) -> dict[str, str]:
    return texts(DESIGNS[request.param]())


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_no_field_path_rule_id_key_or_file_name(rendered: dict[str, str], fmt: str) -> None:
    text = rendered[fmt]
    assert not FIELD_PATH.findall(text), FIELD_PATH.findall(text)[:5]
    assert not RULE_ID.findall(text), RULE_ID.findall(text)[:5]
    assert not KEY_SPELLING.findall(text), KEY_SPELLING.findall(text)[:5]
    assert not FILE_NAME.findall(text), FILE_NAME.findall(text)[:5]


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_every_citation_is_in_the_reference_list(rendered: dict[str, str], fmt: str) -> None:
    text = rendered[fmt]
    assert not RAW_SOURCE.findall(text)
    listed = {int(n) for n in re.findall(r"^\s*\[(\d+)\] \S", text, re.M)}
    listed |= {int(n) for n in re.findall(r"(?:^|\s)\[(\d+)\] [A-Z]", text)}
    cited = {int(n) for group in CITATION.findall(text) for n in group.split(", ")}
    assert listed, "no reference list"
    assert cited <= listed, sorted(cited - listed)


def test_the_example_cites_its_sources() -> None:
    text = texts(example())["html"]
    assert CITATION.search(text)
    assert "References" in text
    assert "How mentoring differs from other professional relationships" in text


def test_warnings_are_stated_in_words() -> None:
    built = ch.build(_with_warnings(), today=TODAY)
    assert {f.rule for f in built.findings} >= {"R2", "R6", "R8"}
    text = texts(_with_warnings())["html"]
    for finding in built.findings:
        assert finding.title in text  # named in words, in the risks and the checklist


# --------------------------------------------------------------------------- summary


def test_the_summary_comes_first_and_says_what_a_sponsor_needs() -> None:
    built = ch.build(complete(), findings=[], today=TODAY)
    first = built.sections[0]
    assert (first.kind, first.title) == ("summary", "Summary for the sponsor")
    html = ch.render_html(built)
    soup = BeautifulSoup(html, "html.parser")
    summary = soup.find(id="summary").get_text(" ")
    d = complete()
    objective = d.purposes[0].objectives[0]
    for needed in (
        "What it will achieve",
        objective.description or objective.metric,
        "Who takes part",
        "How long and how often",
        "What it costs",
        d.resources.budget,
        "Key dates",
        "Main risks",
        "What your signature commits to",
    ):
        assert needed in summary, needed
    # Before the contents and every numbered section.
    assert html.index('id="summary"') < html.index('class="contents"') < html.index('id="s1-')


def test_reference_material_moves_to_appendices_with_a_sentence_where_it_was() -> None:
    soup = BeautifulSoup(ch.render_html(ch.build(example(), today=TODAY)), "html.parser")
    evaluation = soup.find(id="s12-evaluation")
    assert evaluation.select_one("table.quality") is None
    assert "required benchmarks" in evaluation.get_text(" ")
    assert soup.find(id="appendix-b-quality").select_one("table.quality") is not None
    matching = soup.find(id="s8-matching")
    assert matching.select_one("table.criteria") is None
    assert "appendix on the matching criteria" in matching.get_text(" ")
    scope = soup.find(id="s3-scope")
    assert scope.select_one("table.fit-ranking") is None


def test_decided_sections_carry_no_status_line() -> None:
    markdown = ch.render_markdown(ch.build(complete(), findings=[], today=TODAY))
    assert "Status:" not in markdown and "decided**" not in markdown


# --------------------------------------------------------------------------- one truth


def _open_fields(design: Design) -> set[str]:
    return {d.field for d in ch.build(design, findings=[], chart=False).open_decisions}


def _matching_text(design: Design) -> str:
    soup = BeautifulSoup(ch.render_html(ch.build(design, findings=[], chart=False)), "html.parser")
    return " ".join(soup.find(id=re.compile(r"s\d+-matching")).get_text(" ").split())


def _undecided_matching(**changes: Any) -> Design:
    d = example()
    d.matching.method = None
    d.matching.mentee_say = None
    d.matching.review = ""
    d.matching.rematching = ""
    d.matching.weights.preferences = 0
    for path, value in changes.items():
        part, name = path.split("__")
        setattr(getattr(d, part), name, value)
    return d


def _recorded_run(mentees: int = 60, mentors: int = 30, most: int = 2) -> MatchingResults:
    return MatchingResults(
        run_at=dt.datetime(2027, 2, 20, 10, 0, tzinfo=dt.UTC),
        objective="coverage",
        mentees=mentees,
        mentors=mentors,
        matched=mentees,
        unmatched=0,
        optimal=True,
        most_per_mentor=most,
        own_capacity_mentors=0,
    )


def test_the_method_is_the_recorded_run() -> None:
    d = _undecided_matching()
    assert "matching.method" in _open_fields(d)
    d.matching.results = _recorded_run()
    assert "matching.method" not in _open_fields(d)
    assert "An algorithm proposes the matches (as the recorded matching run says)" in (
        _matching_text(d)
    )


def test_rematching_is_what_the_no_fault_exit_policy_promises() -> None:
    d = _undecided_matching()
    assert "matching.rematching" in _open_fields(d)
    d.policies.no_fault_exit = (
        "Either side can end the match at any time without a reason. The coordinator then "
        "finds the mentee a new mentor within two weeks."
    )
    assert "matching.rematching" not in _open_fields(d)
    assert "finds the mentee a new mentor within two weeks" in _matching_text(d)
    assert "as the no-fault-exit policy says" in _matching_text(d)


def test_rematching_is_what_the_closure_plan_says() -> None:
    d = _undecided_matching()
    d.components.closure.plan = "Ended pairs are rematched with a new mentor where possible."
    assert "matching.rematching" not in _open_fields(d)
    assert "as the closure plan says" in _matching_text(d)


def test_review_is_what_the_matching_plan_says() -> None:
    d = _undecided_matching()
    assert "matching.review" in _open_fields(d)
    d.components.matching_initiating.plan = (
        "The coordinator runs the matching. The steering group reviews the proposed matches "
        "before they are announced."
    )
    assert "matching.review" not in _open_fields(d)
    text = _matching_text(d)
    assert "The steering group reviews the proposed matches before they are announced." in text


def test_review_of_the_matching_criteria_is_not_a_review_of_the_matches() -> None:
    d = _undecided_matching()
    d.roles.steering_group = ["Approves the charter, matching criteria and evaluation plan."]
    assert "matching.review" in _open_fields(d)


def test_the_mentees_say_is_the_weight_given_to_their_preferences() -> None:
    d = _undecided_matching()
    assert "matching.mentee_say" in _open_fields(d)
    d.matching.weights.preferences = 2
    assert "matching.mentee_say" not in _open_fields(d)
    assert "The mentees' preferences count in the match score" in _matching_text(d)


def test_a_decision_made_in_the_step_wins_over_what_is_implied() -> None:
    d = example()
    d.policies.no_fault_exit = "The coordinator finds the mentee a new mentor."
    assert d.matching.rematching and d.matching.rematching in _matching_text(d)
    assert "no-fault-exit policy says" not in _matching_text(d)


def test_a_method_that_contradicts_the_recorded_run_is_said_in_the_step_and_the_charter() -> None:
    d = example()
    d.matching.method = "coordinator"
    d.matching.results = _recorded_run()
    found = [f for f in rules.for_step(d, "matching") if f.rule == "W-method-and-run"]
    assert len(found) == 1 and "A coordinator matches" in found[0].message
    risks = BeautifulSoup(ch.render_html(ch.build(d, today=TODAY)), "html.parser")
    text = risks.select_one("table.risks").get_text(" ")
    assert "A coordinator matches" in text and found[0].title in text


# --------------------------------------------------------------------------- plan and roster


def test_a_roster_far_larger_than_the_plan_is_a_warning_and_a_risk() -> None:
    d = example()
    d.participation.expected_mentees, d.participation.expected_mentors = 40, 30
    d.matching.results = _recorded_run(mentees=305, mentors=173)
    found = [f.message for f in rules.for_step(d, "matching") if f.rule == "W-roster-numbers"]
    assert found == [
        "the roster holds 305 mentees; the plan expects 40",
        "the roster holds 173 mentors; the plan expects 30",
    ]
    risks = BeautifulSoup(ch.render_html(ch.build(d, today=TODAY)), "html.parser")
    text = " ".join(risks.select_one("table.risks").get_text(" ").split())
    assert "The roster holds 305 mentees; the plan expects 40." in text
    assert "The roster holds 173 mentors; the plan expects 30." in text
    assert "Update the expected number in the model step, or check the roster." in text


def test_a_roster_within_the_tolerance_is_no_warning() -> None:
    d = example()
    d.matching.results = _recorded_run(mentees=64, mentors=34)
    assert not [f for f in rules.check(d) if f.rule == "W-roster-numbers"]


def test_a_roster_capacity_over_the_plan_is_shown_not_silent(tmp_path: Any) -> None:
    from workbook import matching

    design = store.load(EXAMPLE_DESIGN).design
    design.participation.mentor_capacity = 1
    result = matching.match(design, EXAMPLE_DESIGN.parent / "roster.csv")
    recorded = matching.record_results(design, result)
    results = recorded.matching.results
    assert results is not None
    # The example roster gives one mentor a capacity of 4: the run used it.
    assert results.own_capacity_mentors == 1 and results.most_per_mentor == 4
    found = [f for f in rules.for_step(recorded, "matching") if f.rule == "W-roster-capacity"]
    assert len(found) == 1
    assert "up to 4 mentees, while the plan says 1 per mentor" in found[0].message
    assert "1 mentor(s) had their own capacity in the roster" in found[0].message
    soup = BeautifulSoup(ch.render_html(ch.build(recorded, today=TODAY)), "html.parser")
    section = soup.find(id="s8-matching").select_one("table.matching-results")
    assert "Most mentees for one mentor 1 4" in " ".join(section.get_text(" ").split())
    # Nothing from the roster reaches the charter but totals.
    names = (EXAMPLE_DESIGN.parent / "roster.csv").read_text("utf-8")
    person = names.splitlines()[1].split(",")[1]
    assert person not in str(soup)


# --------------------------------------------------------------------------- one page


def _pdf_pages(pdf: bytes, tmp_path: Any) -> list[str]:
    """The text of each page of a PDF, read with poppler's pdftotext."""
    import subprocess

    path = tmp_path / "charter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return out.stdout.split("\f")


@pytest.mark.parametrize("design", ["example", "with warnings"])
def test_the_summary_fits_the_first_a4_page_of_the_word_file(design: str, tmp_path: Any) -> None:
    """Measured from the document: the Word file, laid out by LibreOffice (fonts with
    Word's metrics), and the summary's first and last lines found on page 1 only."""
    from workbook.charter import pdf

    assert pdf.available(), "LibreOffice is needed for this test: run `make test`"
    built = ch.build(DESIGNS[design](), today=TODAY)
    assert built.page_size == "A4"
    docx = ch.render(built, "docx")
    pages = _pdf_pages(pdf.docx_to_pdf(docx), tmp_path)
    summary = built.sections[0]
    last = summary.blocks[-1]
    assert isinstance(last, ch.blocks.Bullets)  # what the signature commits to
    first_page = " ".join(pages[0].split())
    assert "Summary for the sponsor" in first_page
    assert " ".join(last.items[-1].split()) in first_page, "the summary runs onto page 2"
    assert "Summary for the sponsor" not in " ".join(pages[1].split())
    assert "Contents" in pages[1]
    if design == "example":
        from helpers import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "charter-summary.docx").write_bytes(docx)
        (ARTIFACTS / "charter-summary-page.pdf").write_bytes(pdf.docx_to_pdf(docx))


def test_a_control_character_in_an_open_decision_still_makes_a_word_file() -> None:
    # Found by the property tests: an objective's metric quoted in an open decision.
    d = example()
    d.purposes[0].objectives[0].metric = "retention\x08 rate"
    d.evaluation.effectiveness = []
    built = ch.build(d, today=TODAY)
    labels = [o.label for o in built.open_decisions]
    assert "How 'retention rate' is measured" in labels
    assert Document(io.BytesIO(ch.render(built, "docx"))).paragraphs
