"""The drafting helpers: how numbers, citations and undecided values read in the charter."""

from __future__ import annotations

import pytest

from workbook import knowledge
from workbook.charter import drafting as dr
from workbook.charter.blocks import Bullets, Entry, Fields, OpenDecision
from workbook.design import ComponentPlan, new_design


def _step(key: str) -> tuple[str, str]:
    """A workbook step's title and notebook, as the steps catalogue names them."""
    entry = knowledge.entry("steps", key)
    assert entry is not None
    return entry.title, str(entry.extra("notebook"))


# --------------------------------------------------------------------------- text


def test_paragraphs_split_at_blank_lines_only() -> None:
    """A line break inside a paragraph stays; a blank line (even one holding spaces)
    starts a new paragraph; empty paragraphs and control characters are dropped."""
    text = "  First line\nsecond line\n \t\nSecond\x07 paragraph  \n\n\n\n\x0c\n\nThird"
    assert dr.paragraphs(text) == ["First line\nsecond line", "Second paragraph", "Third"]


@pytest.mark.parametrize("text", ["", "  \n\n \n", "\x07"])
def test_blank_text_has_no_paragraphs(text: str) -> None:
    assert dr.paragraphs(text) == []


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("one_to_one", "One to one"),
        ("_written_in_", "Written in"),
        ("a", "A"),
        ("", ""),
        ("Already Readable", "Already Readable"),
    ],
)
def test_readable(key: str, expected: str) -> None:
    assert dr.readable(key) == expected


@pytest.mark.parametrize(
    ("catalogue", "key", "expected"),
    [
        ("components", "matching_initiating", "Matching and initiating"),
        ("models", "one_to_one", "One-to-one"),
        # A written-in choice has no catalogue entry: its key, made readable.
        ("models", "peer_circle", "Peer circle"),
    ],
)
def test_catalogue_title(catalogue: str, key: str, expected: str) -> None:
    assert dr.catalogue_title(catalogue, key) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (12.0, "", "12"),
        (12.5, "", "12.5"),
        (0, "", "0"),
        (80.0, "%", "80%"),
        (40, "% of staff", "40 % of staff"),
        (3, "h", "3 h"),
        (2.5, "days", "2.5 days"),
    ],
)
def test_number_text(value: float, unit: str, expected: str) -> None:
    """A percentage sign is joined to its number, every other unit spaced."""
    assert dr.number_text(value, unit) == expected


def test_a_number_without_a_unit() -> None:
    assert dr.number_text(78.5) == "78.5"


@pytest.mark.parametrize("unit", ["", "%", "days"])
def test_an_undecided_number_stays_undecided(unit: str) -> None:
    assert dr.number_text(None, unit) is None


@pytest.mark.parametrize(("value", "expected"), [(True, "Yes"), (False, "No"), (None, None)])
def test_yes_no(value: bool | None, expected: str | None) -> None:
    assert dr.yes_no(value) == expected


# --------------------------------------------------------------------------- citations


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("000", "[1]"),
        ("000, 002 (notes)", "[1, 3]"),
        ("004, 001", "[2, 5]"),
        ("002 and 002 again", "[3]"),
        ("000, 001, 002, 003, 004", "[1, 2, 3, 4, 5]"),
        # Not a source text's number: a longer number, an unknown one, words.
        ("999, 001, 1000, 20023", "[2]"),
        ("workbook guidance", ""),
        ("", ""),
    ],
)
def test_cite(source: str, expected: str) -> None:
    assert dr.cite(source) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [("mentor_eep_4", "[6]"), ("mentor_eep_5", "[7]"), ("ima_program_standards", "[8]")],
)
def test_standards_are_numbered_after_the_five_sources(key: str, expected: str) -> None:
    assert dr.cite_standard(key) == expected


def test_an_unknown_standard_is_not_cited() -> None:
    assert dr.cite_standard("iso_9001") == ""


def test_every_citation_points_at_its_entry_in_the_reference_list() -> None:
    """A reader looks [3] up in the list: the line numbered [3] is source 002's title,
    a full stop and its description on one line; the standards follow the sources."""
    references = dr.references()
    sources = knowledge.sources()
    standards = knowledge.catalogue("standards")
    assert len(references) == len(sources) + len(standards) == 8
    for source in sources:
        number = dr.cite(source.key)
        description = " ".join(source.description.split())
        assert f"{number} {source.title}. {description}" in references
    for standard in standards:
        assert f"{dr.cite_standard(standard.key)} {standard.title}" in references
    assert references[0].startswith(
        "[1] How mentoring differs from other professional relationships. A professional "
        "body's guide for its members"
    )
    assert references[-1] == "[8] International Mentoring Association program standards"
    assert all("  " not in r and "\n" not in r for r in references)


# --------------------------------------------------------------------------- SectionDraft


def test_a_new_draft_is_an_empty_section_numbered_later() -> None:
    section = dr.SectionDraft("roles", "Roles and responsibilities").done()
    assert section.number == 0
    assert (section.key, section.title, section.kind) == (
        "roles",
        "Roles and responsibilities",
        "section",
    )
    assert section.blocks == () and section.open == ()
    assert section.decided


def test_a_draft_keeps_its_kind_blocks_and_open_decisions_in_order() -> None:
    s = dr.SectionDraft("summary", "Summary for the sponsor", "summary")
    first, second = Bullets(("a",)), Bullets(("b",))
    s.add(first)
    s.add(second, first)
    s.need("Program name", "program.name", "")
    s.need("Owner", "program.owner", None)
    section = s.done()
    assert section.kind == "summary"
    assert section.blocks == (first, second, first)
    assert [d.label for d in section.open] == ["Program name", "Owner"]
    assert section.status == "to be decided"


@pytest.mark.parametrize("value", [None, "", [], ()])
def test_an_undecided_value_is_recorded_with_the_step_that_decides_it(value: object) -> None:
    s = dr.SectionDraft("purpose", "Purpose and problem statement")
    assert s.need("Program name", "program.name", value) is None
    title, notebook = _step("purpose")
    assert s.open == [
        OpenDecision(
            "Purpose and problem statement", "Program name", "program.name", title, notebook
        )
    ]


@pytest.mark.parametrize(
    ("value", "expected"), [("Northwind", "Northwind"), (12, "12"), (0, "0"), (False, "False")]
)
def test_a_decided_value_is_shown_and_not_open(value: object, expected: str) -> None:
    """Zero and ``False`` are decisions, not gaps."""
    s = dr.SectionDraft("purpose", "Purpose and problem statement")
    assert s.need("Program name", "program.name", value) == expected
    assert s.open == []


def test_a_field_no_step_decides_names_no_step() -> None:
    s = dr.SectionDraft("x", "Extra")
    s.need("Something", "nowhere.at_all", None)
    assert s.open == [OpenDecision("Extra", "Something", "nowhere.at_all", "", "")]


def test_fields_show_decided_values_and_record_the_rest() -> None:
    s = dr.SectionDraft("resources", "Resources")
    s.fields(
        [
            ("Budget", "resources.budget", "£12,000"),
            ("Coordinator time", "resources.coordinator_time", ""),
        ],
        "What it costs",
    )
    s.fields([("Start date", "model.start_date", None)])
    assert s.blocks == [
        Fields((Entry("Budget", "£12,000"), Entry("Coordinator time", None)), "What it costs"),
        Fields((Entry("Start date", None),), ""),
    ]
    resources, model = _step("components"), _step("model")
    assert s.open == [
        OpenDecision("Resources", "Coordinator time", "resources.coordinator_time", *resources),
        OpenDecision("Resources", "Start date", "model.start_date", *model),
    ]


# --------------------------------------------------------------------------- components


def test_a_component_shows_its_plan_owner_timing_and_activities() -> None:
    d = new_design()
    d.components.matching_initiating = ComponentPlan(
        plan="Match by skills, then a first meeting.",
        activities=["Run the matching", "Agreement meeting"],
        owner="Coordinator",
        timing="February",
    )
    s = dr.SectionDraft("components", "Support and training")
    dr.add_component(s, d, "matching_initiating")
    assert s.blocks == [
        Fields(
            (
                Entry("Plan", "Match by skills, then a first meeting."),
                Entry("Owner", "Coordinator"),
                Entry("Timing", "February"),
            ),
            "Matching and initiating",
        ),
        Bullets(("Run the matching", "Agreement meeting"), "Matching and initiating: activities"),
    ]
    assert s.open == []


def test_a_component_without_a_plan_is_open_and_shows_no_activities() -> None:
    """Owner and timing are optional (empty, not open); the plan is required."""
    d = new_design()
    s = dr.SectionDraft("components", "Support and training")
    dr.add_component(s, d, "training")
    assert s.blocks == [
        Fields((Entry("Plan", None), Entry("Owner", ""), Entry("Timing", "")), "Training")
    ]
    title, notebook = _step("components")
    assert s.open == [
        OpenDecision(
            "Support and training", "Training: plan", "components.training.plan", title, notebook
        )
    ]
