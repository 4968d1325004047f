"""The program charter: content, readiness, the three formats parsed back, safety, privacy.

Every output is read back the way a reader's tool would read it (HTML with an HTML
parser, Markdown rendered by a CommonMark renderer, Word with python-docx) rather than
searched as a string, so a test fails when a section, a table or the timeline is
missing from what a sponsor would actually see.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mistune
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from docx import Document
from helpers import EXAMPLE, complete, example, hostile, unready

from workbook import charter as ch
from workbook import knowledge, store
from workbook.charter import timeline as tl
from workbook.design import (
    Design,
    MatchingResults,
    new_design,
)
from workbook.errors import CharterError, ExistsError, InputError, StoreError
from workbook.rules import Finding
from workbook.steps import charter as charter_step

TODAY = dt.date(2026, 11, 23)

SECTION_TITLES = [
    "Purpose and problem statement",
    "Strategic alignment and measurable objectives",
    "Scope: why mentoring, and what this program is not",
    "Who takes part and how",
    "Focus areas",
    "Mentoring model",
    "Roles and responsibilities",
    "Matching",
    "Participant journey and timeline",
    "Support and training",
    "Policies",
    "Evaluation plan",
    "Resources",
    "Risks and mitigations",
    "Sign-off",
]
OBJECTIVE_COLUMNS = ["Objective", "Metric", "Baseline", "Target", "Date", "Data source", "Owner"]
WARNING = Finding(
    "R6",
    "warning",
    "model",
    "model.duration_months",
    "relationships last 3 months",
    "short relationships are coaching-like",
    "plan 9 to 12 months",
    "001, 002",
    "Relationships last 9 to 12 months",
)
ERROR = Finding(
    "E-unknown-purpose",
    "error",
    "purpose",
    "purposes.0.key",
    "purpose 'x' is unknown",
    "nobody can look it up",
    "choose a catalogue purpose",
    "",
    "A purpose nobody can look up",
)


def outputs(design: Design, **kwargs: Any) -> dict[str, Any]:
    """Every format of a design's charter, parsed back as a reader's tool would."""
    charter = ch.build(design, today=TODAY, **kwargs)
    markdown = ch.render_markdown(charter)
    html = ch.render_html(charter)
    md_html = mistune.create_markdown(escape=False, plugins=["table"])(markdown)
    return {
        "charter": charter,
        "md": markdown,
        "html": html,
        "soup": BeautifulSoup(html, "html.parser"),
        "md_soup": BeautifulSoup(str(md_html), "html.parser"),
        "docx": Document(io.BytesIO(ch.render(charter, "docx"))),
    }


@pytest.fixture(scope="module")
def example_out() -> dict[str, Any]:
    return outputs(complete(), findings=[WARNING])


@pytest.fixture(scope="module")
def empty_out() -> dict[str, Any]:
    return outputs(new_design(), findings=[])


@pytest.fixture(scope="module")
def hostile_out() -> dict[str, Any]:
    return outputs(hostile(), findings=[])


def docx_text(doc: Any) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def docx_headings(doc: Any, level: int) -> list[str]:
    """Paragraphs in Word's built-in heading style (level 0 is the ``Title`` style)."""
    style = "Title" if level == 0 else f"Heading {level}"
    return [p.text for p in doc.paragraphs if p.style.name == style]


def html_sections(soup: BeautifulSoup) -> list[Any]:
    return soup.select("section.charter-section")


def table_rows(table: Any) -> list[list[str]]:
    return [
        [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
        for tr in table.find_all("tr")
    ]


# --------------------------------------------------------------------------- content


def numbered(charter: Any) -> list[Any]:
    return [s for s in charter.sections if s.kind == "section"]


def test_sections_follow_the_issue_order_in_every_format(example_out: dict[str, Any]) -> None:
    charter = example_out["charter"]
    # The sponsor's summary first, the numbered sections, the appendices, the sources.
    kinds = [s.kind for s in charter.sections]
    assert kinds == ["summary", *["section"] * 15, *["appendix"] * 3, "references"]
    assert [s.title for s in numbered(charter)] == SECTION_TITLES
    headings = [f"{i}. {t}" for i, t in enumerate(SECTION_TITLES, 1)]
    assert [s.heading for s in charter.sections if s.kind == "appendix"] == [
        "Appendix A. The fit check in detail",
        "Appendix B. Quality benchmarks",
        "Appendix C. The matching criteria",
    ]
    h2 = [" ".join(s.find("h2").get_text(" ").split()) for s in html_sections(example_out["soup"])]
    assert h2 == [s.heading for s in charter.sections]
    md_h2 = [h.get_text() for h in example_out["md_soup"].find_all("h2")]
    assert [h for h in md_h2 if h[0].isdigit()] == headings
    assert md_h2.index("Summary for the sponsor") < md_h2.index(headings[0])
    assert md_h2[-1] == "References"
    assert [h for h in docx_headings(example_out["docx"], 1) if h[0].isdigit()] == headings
    name = example().program.name
    assert docx_headings(example_out["docx"], 0) == [f"Program charter: {name}"]


def test_word_tables_never_touch(example_out: dict[str, Any]) -> None:
    """Word merges tables with nothing between them into one table."""
    tags = [child.tag.rsplit("}", 1)[1] for child in example_out["docx"].element.body]
    assert all(not (a == b == "tbl") for a, b in itertools.pairwise(tags))
    assert tags.count("tbl") >= 16


def test_objectives_table_holds_every_objective(example_out: dict[str, Any]) -> None:
    design = complete()
    expected = [
        [
            o.metric,
            f"{o.baseline:g}{'' if o.unit == '%' else ' '}{o.unit}",
            f"{o.target:g}{'' if o.unit == '%' else ' '}{o.unit}",
            o.due.isoformat(),
            o.data_source,
            o.owner,
        ]
        for _, o in design.objectives()
    ]
    assert expected
    html_table = example_out["soup"].select_one("table.objectives")
    rows = table_rows(html_table)
    assert rows[0] == OBJECTIVE_COLUMNS
    assert [r[1:] for r in rows[1:]] == expected

    md_tables = example_out["md_soup"].find_all("table")
    md_rows = next(table_rows(t) for t in md_tables if table_rows(t)[0] == OBJECTIVE_COLUMNS)
    assert [r[1:] for r in md_rows[1:]] == expected

    doc = example_out["docx"]
    word = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == OBJECTIVE_COLUMNS)
    assert [[c.text for c in r.cells][1:] for r in word.rows[1:]] == expected


def test_timeline_dates_are_derived_from_the_design(example_out: dict[str, Any]) -> None:
    events = {e.name: e for e in example_out["charter"].events}
    start = dt.date(2027, 3, 1)
    assert events["Relationships: meetings and check-ins"].start == start
    assert events["Relationships: meetings and check-ins"].end == dt.date(2028, 3, 1)
    assert events["Midpoint review"].start == dt.date(2027, 9, 1)  # the design's month 6
    assert events["Goals refined"].start == dt.date(2027, 4, 1)
    assert events["Recruitment"].end < start
    assert {"Recruitment", "Screening", "Training", "Matching", "Evaluation"} <= set(events)
    dates = [e.start for e in example_out["charter"].events]
    assert dates == sorted(dates)
    order = [e.name for e in example_out["charter"].events]
    assert order.index("Closure and celebration") < order.index("Evaluation")

    timeline = table_rows(example_out["soup"].select_one("table.timeline"))
    midpoint = next(r for r in timeline if r[0] == "Midpoint review")
    assert midpoint[:2] == ["Midpoint review", "2027-09-01"]
    # The HTML draws the chart as inline SVG (no image to fetch, no matplotlib):
    # a bar per phase, a diamond per milestone, each with its dates as a tooltip.
    svg = example_out["soup"].select_one("figure.chart svg")
    assert svg["role"] == "img" and svg.find("title").get_text() == "Program timeline"
    assert "Midpoint review 2027-09-01" in svg["aria-label"]
    phases = [e for e in example_out["charter"].events if e.kind == "phase"]
    assert [r.find("title").get_text() for r in svg.select("rect")] == [
        f"{e.name}: {e.start.isoformat()} to {e.end.isoformat()}" for e in phases
    ]
    tips = [d.find("title").get_text() for d in svg.select("polygon")]
    assert "Midpoint review: 2027-09-01" in tips and len(tips) == len(events) - len(phases)
    assert not example_out["soup"].select("figure.chart img")
    assert "(northwind-graduate-mentoring-charter-r1-timeline.png)" in example_out["md"]
    assert "2027-09-01" in docx_text(example_out["docx"])
    assert len(example_out["docx"].inline_shapes) == 1


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2027, 11, 15), 3, dt.date(2028, 2, 15)),
        (dt.date(2027, 3, 1), 12, dt.date(2028, 3, 1)),
        (dt.date(2027, 3, 1), 4.5, dt.date(2027, 7, 16)),
        (dt.date(2027, 3, 1), 0, dt.date(2027, 3, 1)),
    ],
)
def test_add_months(start: dt.date, months: float, expected: dt.date) -> None:
    assert tl.add_months(start, months) == expected


def test_default_milestones_fill_in_what_the_design_leaves_out() -> None:
    d = new_design()
    d.model.start_date = dt.date(2027, 1, 10)
    d.model.duration_months = 9
    names = {e.name: e.start for e in tl.build(d)}
    assert names["Kick-off"] == dt.date(2027, 1, 10)
    assert names["Midpoint review"] == dt.date(2027, 5, 25)  # month 4.5
    assert names["Closure"] == dt.date(2027, 10, 10)


def test_matching_results_appear_as_totals() -> None:
    d = complete()
    d.matching.results = MatchingResults(
        mentees=60,
        mentors=30,
        matched=57,
        unmatched=3,
        mean_score=71.042,
        min_score=20.0,
        score_quartiles=[50.4, 70.5, 85.25],
        optimal=True,
        run_at=dt.datetime(2027, 2, 20, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    )
    soup = outputs(d, findings=[])["soup"]
    section = soup.find(id="s8-matching")
    table = table_rows(section.select_one("table.matching-results"))
    # Plan and last run side by side, totals only.
    assert table[0] == ["", "Planned", "Last matching"]
    assert table[1] == ["Mentees", "60", "60"] and table[2] == ["Mentors", "30", "30"]
    assert ["Matched", "—", "57"] in table and ["Unmatched", "—", "3"] in table
    text = section.get_text(" ")
    assert "2027-02-20 09:30 UTC" in text
    # Whole numbers, as the matching step shows scores (a sponsor reads 71, not 71.042).
    assert "mean 71, lowest 20, quartiles 50, 71, 85;" in " ".join(text.split())


def test_a_matching_of_fewer_than_five_shows_no_scores_and_says_why() -> None:
    """Even a design file saved by an older version with the scores of three people in
    it: the charter shows the counts, and says why the scores are not there."""
    d = complete()
    d.matching.results = MatchingResults(
        mentees=4, mentors=2, matched=3, unmatched=1, mean_score=64.5, min_score=41.25,
        score_quartiles=[50, 60, 70], optimal=True,
    )  # fmt: skip
    section = outputs(d, findings=[])["soup"].find(id="s8-matching")
    table = table_rows(section.select_one("table.matching-results"))
    assert ["Matched", "—", "3"] in table and ["Unmatched", "—", "1"] in table
    text = " ".join(section.get_text(" ").split())
    assert (
        "Match scores are not shown for fewer than 5 matched mentees, so that nobody's "
        "score can be worked out; the matching is the best possible under the rules."
    ) in text
    for figure in ("64.5", "41.25", "Match scores (0 to 100)"):
        assert figure not in text


def test_confidentiality_boundary_is_stated_plainly(example_out: dict[str, Any]) -> None:
    text = example_out["soup"].find(id="s7-roles").get_text(" ")
    assert "The mentee's manager may be told the mentee's goals." in text
    assert "no details of the mentee's progress" in text
    assert "Nothing from the mentoring relationship feeds a performance review" in text
    assert "never the mentee's mentor" in text


def test_scope_says_why_mentoring_and_what_the_program_is_not(
    example_out: dict[str, Any],
) -> None:
    section = example_out["soup"].find(id="s3-scope")
    text = section.get_text(" ")
    for other in ("Coaching", "Training", "Buddy system", "Sponsorship", "Supervision"):
        assert f"{other}:" in text
    assert "Coaching fixes one skill" not in text
    assert "appendix on the fit check" in text
    # The full reasoning is reference material: an appendix, sources cited as [n].
    appendix = example_out["soup"].find(id="appendix-a-fit")
    ranking, why, against = (table_rows(t) for t in appendix.find_all("table"))
    assert ranking[1:] == [["Mentoring", "92"], ["Coaching", "31"]]
    assert why[1:] == [
        ["What needs to be developed?", "Career growth", "The goal is career growth", "[3]"]
    ]
    assert [r[2] for r in against[1:]] == ["The manager directs it"]


# --------------------------------------------------------------------------- readiness


def test_empty_design_renders_with_every_section_to_be_decided(empty_out: dict[str, Any]) -> None:
    charter = empty_out["charter"]
    undecided = [s for s in charter.sections if s.kind in ("summary", "section")]
    assert len(undecided) == 16 and [s.status for s in undecided] == ["to be decided"] * 16
    assert not charter.ready

    sections = {s["id"]: s for s in html_sections(empty_out["soup"])}
    for s in undecided:
        assert sections[s.anchor]["data-status"] == "to be decided"
        assert sections[s.anchor].find(class_="badge").get_text() == "to be decided"

    md = empty_out["md"]
    for s in undecided:
        after = md.split(f"## {ch.md_escape(s.heading)}\n", 1)[1]
        assert after.lstrip().startswith(f"*To be decided: {len(s.open)} decision(s) open*"), s

    paragraphs = [p.text for p in empty_out["docx"].paragraphs]
    for s in undecided:
        status = paragraphs[paragraphs.index(s.heading) + 1]
        assert status.startswith("To be decided"), s.heading


def test_readiness_checklist_lists_open_decisions_and_broken_rules() -> None:
    out = outputs(unready(), findings=[WARNING, ERROR])
    charter = out["charter"]
    fields = [d.field for d in charter.open_decisions]
    assert fields == ["program.owner", "fit.result"]
    # Each open decision names the workbook step (and notebook) that makes it.
    steps = [knowledge.entry("steps", key) for key in ("purpose", "fit_check")]
    assert [(d.step, d.notebook) for d in charter.open_decisions] == [
        (s.title, s.extra("notebook")) for s in steps
    ]
    # One line under the title; the list after the summary, which keeps the first page.
    verdict = out["soup"].find(id="readiness")
    assert "2 decision(s) to make, 2 problem(s) to resolve" in verdict.get_text(" ")
    readiness = out["soup"].find(id="before-signing")
    assert len(readiness.select("ul.open-decisions li")) == len(fields)
    # Rules in words: their names, never their ids.
    rules = [li.find("strong").get_text() for li in readiness.select("ul.broken-rules li")]
    assert rules == ["Relationships last 9 to 12 months", "A purpose nobody can look up"]
    assert "R6" not in readiness.get_text(" ")
    html = out["html"]
    assert html.index('id="readiness"') < html.index('id="summary"')
    assert html.index('id="summary"') < html.index('id="before-signing"') < html.index('id="s1-')
    assert "relationships last 3 months" in docx_text(out["docx"])


def test_warnings_become_risks_and_errors_do_not(example_out: dict[str, Any]) -> None:
    rows = table_rows(example_out["soup"].select_one("table.risks"))
    assert rows[0] == ["Risk", "Mitigation", "Owner", "Source"]
    sources = [r[3] for r in rows[1:]]
    assert sources == ["design", "design", "Design check: Relationships last 9 to 12 months"]
    out = outputs(complete(), findings=[ERROR])
    assert [r[3] for r in table_rows(out["soup"].select_one("table.risks"))[1:]] == ["design"] * 2


def test_a_blank_designs_checklist_names_each_decision_once() -> None:
    """A blank design: every open decision once, however many sections mention it (the
    model and the timeline both need the start date and the duration), and the list
    covers the decisions a blank design leaves open."""
    from workbook.charter import build

    charter = build(Design())
    fields = [d.field for d in charter.open_decisions]
    labels = [d.label for d in charter.open_decisions]
    assert len(labels) == len(set(labels))
    # A blank design has no objectives, so each field is one decision here.
    assert len(fields) == len(set(fields))
    for needed in ("model.start_date", "model.duration_months", "approvals", "program.name"):
        assert fields.count(needed) == 1, needed
    assert not charter.ready


def test_complete_design_is_ready() -> None:
    charter = ch.build(complete(), findings=[], today=TODAY)
    assert charter.open_decisions == ()
    assert charter.ready
    assert all(s.decided for s in charter.sections)


def test_the_real_rules_are_used_when_no_findings_are_given() -> None:
    d = complete()
    d.model.duration_months = 3
    charter = ch.build(d, today=TODAY)
    assert any(f.rule == "R6" for f in charter.findings)
    assert not charter.ready


# --------------------------------------------------------------------------- write


def test_write_all_formats_atomically(tmp_path: Path) -> None:
    paths = ch.write(example(), tmp_path / "out", findings=[], today=TODAY)
    names = sorted(p.name for p in paths)
    # Named after the program and its revision, the same stem for every format.
    stem = "northwind-graduate-mentoring-charter-r1"
    assert names == [f"{stem}-timeline.png", f"{stem}.docx", f"{stem}.html", f"{stem}.md"]
    assert all(p.stat().st_size > 0 for p in paths)
    assert not list((tmp_path / "out").glob(".*.tmp"))
    Document(str(tmp_path / "out" / f"{stem}.docx"))


def test_the_file_name_follows_the_program_and_its_revision(tmp_path: Path) -> None:
    d = example()
    d.program.name = "Plant Engineering Mentoring 2027"
    d.revision = 14
    paths = ch.write(d, tmp_path, formats=["md", "html"], findings=[])
    assert sorted(p.name for p in paths) == [
        "plant-engineering-mentoring-2027-charter-r14-timeline.png",
        "plant-engineering-mentoring-2027-charter-r14.html",
        "plant-engineering-mentoring-2027-charter-r14.md",
    ]
    d.program.name = "!!!"
    assert ch.write(d, tmp_path / "x", formats=["html"])[0].name == (
        "mentoring-program-charter-r14.html"
    )


def test_write_one_format(tmp_path: Path) -> None:
    assert [p.name for p in ch.write(example(), tmp_path, formats=["html"])] == [
        "northwind-graduate-mentoring-charter-r1.html"
    ]


def test_strict_refuses_an_unready_design_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(CharterError) as info:
        ch.write(new_design(), tmp_path / "out", strict=True, findings=[WARNING])
    fields = [p.field for p in info.value.problems]
    assert "program.name" in fields and "model.duration_months" in fields
    assert any("rule R6 is broken" in p.message for p in info.value.problems)
    assert not (tmp_path / "out").exists()


def test_strict_writes_a_ready_design(tmp_path: Path) -> None:
    assert len(ch.write(complete(), tmp_path, strict=True, findings=[])) == 4


def test_an_output_path_that_is_a_file_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="output folder"):
        ch.write(example(), blocker / "out", findings=[])


@pytest.mark.parametrize("formats", [["odt"], []])
def test_unknown_format_is_refused(tmp_path: Path, formats: list[str]) -> None:
    with pytest.raises(
        CharterError,
        match=r"formats: (unknown format 'odt'|no format given); use one or more of md",
    ):
        ch.write(example(), tmp_path, formats=formats)


def test_cli_charter_command(tmp_path: Path) -> None:
    from workbook.cli import cli

    runner = CliRunner()
    out = tmp_path / "out"
    design = tmp_path / "design.yaml"
    design.write_bytes(store.dump(unready()))
    result = runner.invoke(cli, ["charter", str(design), "-o", str(out), "--format", "md,html"])
    assert result.exit_code == 0, result.output
    assert "not ready to sign (2 decision(s) open" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".workbook-charter.json",  # what the workbook wrote, so it never overwrites an edit
        "northwind-graduate-mentoring-charter-r1-timeline.png",
        "northwind-graduate-mentoring-charter-r1.html",
        "northwind-graduate-mentoring-charter-r1.md",
    ]
    strict = runner.invoke(cli, ["charter", str(design), "-o", str(tmp_path / "s"), "--strict"])
    assert strict.exit_code == 2
    assert "fit.result: The fit check" in strict.output
    assert not (tmp_path / "s").exists()
    wrong = runner.invoke(cli, ["charter", str(design), "-o", str(out), "--format", "odt"])
    assert wrong.exit_code == 2 and "unknown format 'odt'" in wrong.output


# --------------------------------------------------------------------------- safety


def visible_hostile_text(soup: BeautifulSoup) -> bool:
    return "<script>window.pwned=1</script>" in soup.get_text()


def test_hostile_text_is_text_in_html(hostile_out: dict[str, Any]) -> None:
    soup = hostile_out["soup"]
    assert soup.find_all("script") == []
    assert soup.find_all("img", src="x") == []
    for tag in soup.find_all(True):
        assert not any(a.startswith("on") for a in tag.attrs), tag
        assert not str(tag.get("href", "")).startswith("javascript"), tag
    assert visible_hostile_text(soup)
    assert len(html_sections(soup)) == len(hostile_out["charter"].sections)
    assert len(soup.find_all("h1")) == 1
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "script-src 'none'" in csp and "default-src 'none'" in csp


def test_hostile_text_cannot_break_the_markdown(hostile_out: dict[str, Any]) -> None:
    soup = hostile_out["md_soup"]
    assert soup.find_all("script") == [] and soup.find_all("img", src="x") == []
    assert [a for a in soup.find_all("a")] == []
    assert len(soup.find_all("h1")) == 1
    assert "Injected heading" not in [h.get_text() for h in soup.find_all(["h1", "h2", "h3"])]
    assert visible_hostile_text(soup)
    # Tables keep their shape: every row has as many cells as the header.
    for table in soup.find_all("table"):
        rows = table_rows(table)
        assert {len(r) for r in rows} == {len(rows[0])}
    objectives = next(t for t in soup.find_all("table") if table_rows(t)[0] == OBJECTIVE_COLUMNS)
    assert "| pipes |" in table_rows(objectives)[1][1]


def test_hostile_text_is_text_in_word(hostile_out: dict[str, Any]) -> None:
    assert "<script>window.pwned=1</script>" in docx_text(hostile_out["docx"])


def test_control_characters_are_dropped_for_word() -> None:
    d = complete()
    d.program.name = "Bell\x07 and form\x0c feed"
    doc = outputs(d, findings=[])["docx"]
    assert docx_headings(doc, 0) == ["Program charter: Bell and form feed"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", "a \\| b"),
        ("# title", "\\# title"),
        ("1. first", "1\\. first"),
        ("- item", "\\- item"),
        ("[x](javascript:y)", "\\[x\\](javascript:y)"),
        ("<b>&amp;", "\\<b\\>\\&amp;"),
        ("$x^2$", "\\$x^2\\$"),
        ("two\n\nlines", "two lines"),
        ("plain text, e.g. this.", "plain text, e.g. this."),
        ("0.5", "0.5"),
        ("2024. A year", "2024\\. A year"),
    ],
)
def test_md_escape(text: str, expected: str) -> None:
    assert ch.md_escape(text) == expected


def test_templates_are_strict() -> None:
    import jinja2

    env = ch.environment()
    assert env.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing }}").render()


# --------------------------------------------------------------------------- privacy


def roster_rows(tmp_path: Path) -> Iterator[dict[str, str]]:
    path = EXAMPLE / "roster.csv"
    if not path.exists():
        path = tmp_path / "roster.csv"
        path.write_text(
            "id,name,email,role,level,manager_id,skills_offered,skills_wanted\n"
            "E1042,Aurelia Quintfield,aurelia.quintfield@example.com,mentor,5,,Kubernetes,\n"
            "E2077,Bartholomew Ng,bart.ng@example.com,mentee,1,E1042,,Kubernetes\n",
            encoding="utf-8",
        )
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def test_no_roster_data_in_any_output(tmp_path: Path) -> None:
    rows = list(roster_rows(tmp_path))
    personal = {
        value.strip()
        for row in rows
        for column, value in row.items()
        if column
        and any(k in column.lower() for k in ("name", "email", "id"))
        and value
        and len(value.strip()) >= 4
    }
    assert personal
    d = complete()
    d.matching.column_map = {c: c for c in rows[0] if c}
    d.matching.results = MatchingResults(mentees=len(rows), mentors=1, matched=1, unmatched=0)
    paths = ch.write(d, tmp_path / "out", findings=[])
    texts = [
        docx_text(Document(str(p))) if p.suffix == ".docx" else p.read_text("utf-8")
        for p in paths
        if p.suffix != ".png"
    ]
    for text in texts:
        for value in personal:
            assert value not in text


# --------------------------------------------------------------------------- layering


def test_charter_does_not_import_widgets() -> None:
    code = "import sys, workbook.charter, workbook.charter.word; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- approvals


def test_approvals_are_the_charter_steps_own_decision() -> None:
    design = complete()
    inputs = charter_step.make_inputs(
        [{"role": "Sponsor", "name": "A. Signer", "date": "2027-02-01"}]
    )
    after = charter_step.apply(design, inputs)
    assert [(a.role, a.date) for a in after.approvals] == [("Sponsor", dt.date(2027, 2, 1))]
    assert after.model_copy(update={"approvals": design.approvals}) == design
    assert charter_step.inputs_from(after) == inputs


@pytest.mark.parametrize(
    ("row", "field"),
    [({"role": ""}, "approvals.0.role"), ({"role": "Sponsor", "date": "soon"}, "approvals.0.date")],
)
def test_bad_approvals_name_the_field(row: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as info:
        charter_step.make_inputs([row])
    assert [p.field for p in info.value.problems] == [field]


def test_a_charter_edited_in_word_is_never_overwritten(tmp_path: Path) -> None:
    """Stakeholders comment in Word: regenerating must not silently replace their copy."""
    design = store.load(EXAMPLE / "design.yaml").design
    out = tmp_path / "charter"
    ch.write(design, out, formats=("html", "docx"))
    ch.write(design, out, formats=("html", "docx"))  # our own files: replaced
    stem = ch.file_stem(design)
    commented = out / f"{stem}.docx"
    commented.write_bytes(commented.read_bytes() + b"comments")
    html_before = (out / f"{stem}.html").read_bytes()
    with pytest.raises(ExistsError) as info:
        ch.write(design, out, formats=("html", "docx"))
    assert str(commented) in str(info.value) and "nothing was written" in str(info.value)
    assert commented.read_bytes().endswith(b"comments")
    assert (out / f"{stem}.html").read_bytes() == html_before
    from workbook.cli import cli

    result = CliRunner().invoke(cli, ["charter", str(EXAMPLE / "design.yaml"), "-o", str(out)])
    assert result.exit_code == 2 and f"{stem}.docx: already exists" in result.stderr


# --------------------------------------------------------------------------- evaluation plan

RETENTION_METRIC = "graduates still employed 12 months after joining"
SURVEY_METRIC = 'engagement survey item "I can see a path for my career here"'


def evaluated() -> Design:
    """The finished example with two objectives compared against similar employees: one
    with the comparison group's size (so the smallest detectable change is known, and
    larger than the target), one without."""
    d = complete()
    d.participation.expected_mentees = 60
    d.evaluation.covariates = ["department", "tenure_years"]
    measures = {m.objective: m for m in d.evaluation.effectiveness}
    measures[RETENTION_METRIC].design = "comparison"
    measures[RETENTION_METRIC].comparison_size = 480
    measures[SURVEY_METRIC].design = "comparison"
    return d


def evaluation_fields(charter: Any) -> dict[str, dict[str, str | None]]:
    """The evaluation plan's blocks of labelled values, by title."""
    section = next(s for s in charter.sections if s.key == "evaluation")
    return {
        b.title: {e.label: e.value for e in b.rows}
        for b in section.blocks
        if isinstance(b, ch.blocks.Fields) and b.title != "Quality"
    }


def test_the_evaluation_plan_says_per_objective_how_its_effect_is_told_apart() -> None:
    from workbook.evaluation.power import detectable_change

    found = detectable_change(
        design="comparison", participants=60, comparison=480, baseline=78, rate=True
    )
    assert found is not None
    out = outputs(evaluated())
    fields = evaluation_fields(out["charter"])
    assert list(fields) == [o.description for _, o in evaluated().objectives()]
    comparison = knowledge.evaluation_design("comparison")
    assert comparison is not None
    smallest = (
        "With 60 mentees against 480 comparable employees and a 78% baseline, this evaluation "
        f"can detect a change of about {round(found.change)} points or more; the target asks "
        "for 10."
    )
    assert fields["First-year retention of graduates"] == {
        "Evaluation design": "A comparison group of similar employees who do not take part",
        "Its main weakness": comparison.weakness,
        "Smallest change it can detect": smallest,
        "The data owner provides": "One row per employee in the comparison, participants and "
        "non-participants alike, saying whether they took part, with department and tenure "
        f"years to compare like with like; the outcome is '{RETENTION_METRIC}'.",
        "Provided by": "People",
        "When": "Yearly",
    }
    assert "NBER working paper 29148" in comparison.weakness
    survey = fields["Graduates who agree they see a career path at Northwind"]
    assert survey["Its main weakness"] == "As for 'First-year retention of graduates' above."
    assert survey["Smallest change it can detect"] == (
        "The smallest change this evaluation could detect cannot be worked out yet: give how "
        "many comparable employees the mentees are compared with."
    )
    successors = fields["Ready-now successors for critical engineering roles"]
    assert successors["Evaluation design"] == "Not chosen yet"
    assert successors["Smallest change it can detect"].startswith(  # type: ignore[union-attr]
        "No evaluation design is chosen yet"
    )
    assert "The data owner provides" not in successors
    # Every format carries the same words (Word walks the same blocks).
    for text in (
        out["md_soup"].get_text(" "),
        out["soup"].get_text(" "),
        docx_text(out["docx"]),
    ):
        flat = " ".join(text.split())
        assert smallest in flat
        assert (
            "an 80% chance of detecting a change that size and a 5% risk of a false alarm" in flat
        )
        assert "compared like with like on department and tenure years." in flat
        assert "tenure_years" not in flat


def test_a_target_the_evaluation_cannot_see_is_a_risk_in_words_and_blocks_signing() -> None:
    charter = ch.build(evaluated(), today=TODAY)
    assert not charter.ready
    [finding] = charter.findings
    assert finding.title == knowledge.rule("R7").title
    section = next(s for s in charter.sections if s.key == "risks")
    [table] = [b for b in section.blocks if isinstance(b, ch.blocks.Table)]
    [row] = [r for r in table.rows if (r[3] or "").startswith("Design check")]
    assert row[0] is not None and row[0].startswith(
        "First-year retention of graduates: with 60 mentees and a 78% baseline, the smallest "
        "change this evaluation can detect is about "
    )
    assert row[1] == "Pool two cohorts, widen eligibility, or choose a metric that moves more."


def test_the_evaluation_plan_states_the_chances_the_design_chose() -> None:
    design = evaluated()
    design.evaluation.power, design.evaluation.significance = 0.9, 0.11
    section = next(s for s in ch.build(design, today=TODAY).sections if s.key == "evaluation")
    said = " ".join(b.text for b in section.blocks if isinstance(b, ch.blocks.Paragraph))
    assert "a 90% chance of detecting a change that size and an 11% risk of a false alarm" in said


def test_must_haves_are_rules_and_score_settings_are_preferences() -> None:
    d = complete()
    m = d.matching.model_copy(
        update={
            "weights": d.matching.weights.model_copy(update={"language": 1.0, "department": 1.0}),
            "department": "different",
            "max_timezone_hours": 4.0,
            "must_have": ["language"],
        }
    )
    markdown = ch.render_markdown(ch.build(d.model_copy(update={"matching": m}), today=TODAY))
    never = markdown.split("Never matched")[1].split("\n\n")[1]
    assert "Only when the mentor shares a language with the mentee (a must-have)." in never
    assert "different departments" not in never and "hours apart" not in never
    preferred = markdown.split("Preferred: these raise a pair's score and rule no pair out")[1]
    assert "Mentor and mentee work in different departments." in preferred.split("\n\n")[1]
    assert "| Language | 1 | Yes: the mentor shares a language with the mentee |" in markdown
