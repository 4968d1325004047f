"""The charter's first page: the figures and sentences a sponsor reads before signing."""

from __future__ import annotations

import datetime as dt

import pytest

from workbook.charter import summary as sm
from workbook.charter.blocks import TBD, Bullets, Entry, Fields, Paragraph, RuleFinding, Section
from workbook.charter.timeline import Event
from workbook.design import Design, FitResult, Objective, Purpose, Risk, new_design

D = dt.date
CONFIDENTIALITY = (
    "The confidentiality boundary: the mentee's manager never mentors them and hears no "
    "details of their progress."
)
RESOURCES = "The resources above: the budget and the coordinator's time."


def _summary(
    d: Design, findings: list[RuleFinding] | None = None, events: list[Event] | None = None
) -> Section:
    return sm.summary(d, findings or [], events or [], "2026-12-01")


def _paragraph(d: Design) -> str:
    block = _summary(d).blocks[0]
    assert isinstance(block, Paragraph)
    return block.text


def _glance(d: Design, events: list[Event] | None = None) -> dict[str, str | None]:
    block = _summary(d, events=events).blocks[2]
    assert isinstance(block, Fields) and block.title == "The program at a glance"
    return {e.label: e.value for e in block.rows}


def _bullets(section: Section, title: str) -> tuple[str, ...]:
    block = next(b for b in section.blocks if isinstance(b, Bullets) and b.title == title)
    return block.items


def _objective(**fields: object) -> Objective:
    return Objective.model_validate(fields)


def _with_objectives(*objectives: Objective) -> Design:
    d = new_design("Objectives")
    d.purposes = [Purpose(key="career_growth", objectives=list(objectives))]
    return d


def _warning(message: str, severity: str = "warning") -> RuleFinding:
    return RuleFinding("R6", severity, "model", "model.duration_months", message, "", "")


def _milestone(name: str, day: dt.date) -> Event:
    return Event(name, day, day, "milestone")


# --------------------------------------------------------------------------- whole page


def test_a_decided_design_gives_the_whole_page() -> None:
    d = new_design("Graduate Mentoring")
    d.program.organisation = "Northwind"
    d.program.sponsor = "COO"
    d.program.owner = "HR"
    d.program.problem_statement = "Graduates leave in their second year.\n\nMore detail here."
    d.fit.result = FitResult(recommended=["mentoring", "role_modelling"])
    d.purposes = [
        Purpose(
            key="career_growth",
            objectives=[
                _objective(
                    description="Second-year retention",
                    unit="%",
                    baseline=70,
                    target=85,
                    due="2028-03-31",
                )
            ],
        )
    ]
    d.participation.expected_mentees = 40
    d.participation.expected_mentors = 20
    d.participation.mentor_capacity = 2
    d.participation.voluntary = True
    d.model.format = "one_to_one"
    d.model.duration_months = 12
    d.model.start_date = D(2027, 3, 1)
    d.model.cadence = "monthly"
    d.model.meeting_minutes = 60
    d.model.meeting_mode = "in_person"
    d.resources.budget = "£12,000"
    d.resources.coordinator_time = "one day a week"
    d.roles.sponsor = ["Opens the kick-off."]
    d.risks = [Risk(risk="Mentors drop out.", mitigation="Recruit reserves")]
    events = [
        _milestone("Kick-off", D(2027, 3, 1)),
        _milestone("Closure", D(2028, 3, 1)),
    ]
    section = _summary(d, [_warning("relationships are short")], events)
    assert (section.key, section.title, section.kind, section.number) == (
        "summary",
        "Summary for the sponsor",
        "summary",
        0,
    )
    assert section.open == ()
    assert section.blocks == (
        Paragraph(
            "Graduates leave in their second year. The fit check recommends mentoring and "
            "role modelling for this need, rather than coaching, training, a buddy system or "
            "sponsorship."
        ),
        Bullets(
            ("Second-year retention: from 70% to 85% by 2028-03-31",),
            "What it will achieve",
            TBD,
        ),
        Fields(
            (
                Entry(
                    "Who takes part",
                    "40 mentees and 20 mentors, up to 2 mentees each; voluntary on both sides",
                ),
                Entry(
                    "How long and how often",
                    "One-to-one, 12 months, from 2027-03-01; meetings monthly, 60 minutes, "
                    "in person",
                ),
                Entry("What it costs", "£12,000; coordinator: one day a week"),
                Entry("Key dates", "Kick-off 2027-03-01; Closure 2028-03-01"),
            ),
            "The program at a glance",
        ),
        Bullets(
            ("Mentors drop out: recruit reserves", "Relationships are short"),
            "Main risks",
            "None recorded",
        ),
        Bullets(
            (
                RESOURCES,
                "The sponsor's part: opens the kick-off.",
                CONFIDENTIALITY,
                "A review of the results against the objectives by 2028-03-31.",
            ),
            "What your signature commits to",
        ),
    )


def test_a_blank_design_gives_a_page_to_be_decided() -> None:
    """Name, organisation, sponsor and owner are decided nowhere else: open here."""
    section = _summary(new_design())
    assert [(d.section, d.label, d.field) for d in section.open] == [
        ("Summary for the sponsor", "Program name", "program.name"),
        ("Summary for the sponsor", "Organisation", "program.organisation"),
        ("Summary for the sponsor", "Sponsor", "program.sponsor"),
        ("Summary for the sponsor", "Owner", "program.owner"),
    ]
    assert {d.step for d in section.open} == {"Strategic purpose and objectives"}
    assert section.blocks == (
        Paragraph(TBD),
        Bullets((), "What it will achieve", TBD),
        Fields(
            (
                Entry("Who takes part", None),
                Entry("How long and how often", None),
                Entry("What it costs", None),
                Entry("Key dates", None),
            ),
            "The program at a glance",
        ),
        Bullets((), "Main risks", "None recorded"),
        Bullets((CONFIDENTIALITY,), "What your signature commits to"),
    )


# --------------------------------------------------------------------------- the problem


def test_without_a_problem_statement_the_fit_check_alone_says_why() -> None:
    d = new_design()
    d.fit.result = FitResult(recommended=["mentoring"])
    assert _paragraph(d) == (
        "The fit check recommends mentoring for this need, rather than coaching, training, "
        "a buddy system or sponsorship."
    )


def test_a_fit_check_that_recommends_nothing_adds_nothing() -> None:
    d = new_design()
    d.program.problem_statement = "Knowledge leaves with retiring engineers."
    d.fit.result = FitResult(recommended=[])
    assert _paragraph(d) == "Knowledge leaves with retiring engineers."


def _words(n: int, start: int = 0) -> list[str]:
    return [f"w{i}" for i in range(start, start + n)]


def test_a_problem_of_sixty_words_is_shown_whole() -> None:
    d = new_design()
    d.program.problem_statement = " ".join(_words(60)) + "\n\nSecond paragraph."
    assert _paragraph(d) == " ".join(_words(60))


def test_a_long_problem_is_cut_at_a_sentence_end_in_its_second_half() -> None:
    d = new_design()
    first = " ".join(_words(40)) + "."
    d.program.problem_statement = first + " " + " ".join(_words(30, 40)) + "."
    assert _paragraph(d) == first


@pytest.mark.parametrize("mark", ["?", "!"])
def test_a_question_or_exclamation_ends_a_sentence_too(mark: str) -> None:
    d = new_design()
    first = " ".join(_words(40)) + mark
    d.program.problem_statement = first + " " + " ".join(_words(30, 40)) + "."
    assert _paragraph(d) == first


@pytest.mark.parametrize("mark", [".", "?", "!"])
def test_a_long_problem_is_cut_at_its_last_sentence_end(mark: str) -> None:
    """Sentence ends early and late: the cut keeps as much as fits, up to the last."""
    d = new_design()
    words = _words(70)
    words[5] += mark
    words[39] += mark
    words[49] += mark
    d.program.problem_statement = " ".join(words)
    assert _paragraph(d) == " ".join(words[:50])


def test_a_cut_problem_and_the_fit_check_are_one_paragraph() -> None:
    d = new_design()
    first = " ".join(_words(40)) + "."
    d.program.problem_statement = first + " " + " ".join(_words(30, 40))
    d.fit.result = FitResult(recommended=["mentoring"])
    assert _paragraph(d) == (
        f"{first} The fit check recommends mentoring for this need, rather than coaching, "
        "training, a buddy system or sponsorship."
    )


def test_a_long_problem_without_a_late_sentence_end_is_cut_at_sixty_words() -> None:
    """A full stop in the first half would leave too little: cut at 60 words instead,
    with no dangling comma, and say that the text goes on."""
    d = new_design()
    words = _words(70)
    words[5] += "."
    words[59] = "UX,"
    d.program.problem_statement = " ".join(words)
    assert _paragraph(d) == " ".join(words[:59]) + " UX …"


def test_a_sentence_end_exactly_at_half_is_too_early() -> None:
    """60 words cut from a longer text, 181 characters with the full stop: one past
    half is where the stop must be, index 90 is not enough."""
    d = new_design()
    words = ["a0x"] + [f"{c}{n}" for c in "abcdef" for n in "0123456789"][1:] + ["z1"] * 10
    words[29] += "."
    d.program.problem_statement = " ".join(words)
    cut = " ".join(words[:60])
    assert (len(cut), cut.index(".")) == (181, 90)
    assert _paragraph(d) == cut + " …"
    words[29] = words[29].rstrip(".")
    words[30] += "."  # index 93: past half
    d.program.problem_statement = " ".join(words)
    assert _paragraph(d) == " ".join(words[:31])


# --------------------------------------------------------------------------- at a glance


@pytest.mark.parametrize(
    ("mentees", "mentors", "capacity", "voluntary", "expected"),
    [
        (30, None, None, None, "30 mentees"),
        (None, 12, None, None, "12 mentors"),
        (0, 0, None, None, "0 mentees and 0 mentors"),
        (10, 10, 1, False, "10 mentees and 10 mentors, up to 1 mentee each; not voluntary"),
        (10, 5, 0, None, "10 mentees and 5 mentors, up to 0 mentees each"),
        (10, 5, 3, True, "10 mentees and 5 mentors, up to 3 mentees each; voluntary on both sides"),
        (1, 1, 1, None, "1 mentee and 1 mentor, up to 1 mentee each"),  # read aloud: no "1 mentors"
    ],
)
def test_who_takes_part(
    mentees: int | None,
    mentors: int | None,
    capacity: int | None,
    voluntary: bool | None,
    expected: str,
) -> None:
    d = new_design()
    p = d.participation
    p.expected_mentees, p.expected_mentors = mentees, mentors
    p.mentor_capacity, p.voluntary = capacity, voluntary
    assert _glance(d)["Who takes part"] == expected


def test_who_takes_part_is_open_until_the_numbers_are_decided() -> None:
    """Capacity and voluntariness alone do not say who takes part."""
    d = new_design()
    d.participation.mentor_capacity = 2
    d.participation.voluntary = True
    assert _glance(d)["Who takes part"] is None


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ({"format": "group"}, "Group, length to be decided; how often to be decided"),
        ({"duration_months": 9}, "9 months; how often to be decided"),
        ({"duration_months": 1}, "1 month; how often to be decided"),
        (
            {"start_date": D(2027, 9, 1)},
            "length to be decided, from 2027-09-01; how often to be decided",
        ),
        (
            {"start_date": D(2027, 9, 1), "cadence": "as_needed", "meeting_mode": "virtual"},
            "length to be decided, from 2027-09-01; meetings as needed, virtual",
        ),
        (
            {"format": "peer", "meeting_minutes": 45},
            "Peer, length to be decided; meetings 45 minutes",
        ),
        (
            {"duration_months": 6, "cadence": "fortnightly", "meeting_mode": "in_person"},
            "6 months; meetings fortnightly, in person",
        ),
    ],
)
def test_how_long_and_how_often(model: dict[str, object], expected: str) -> None:
    d = new_design()
    d.model = d.model.model_copy(update=model)
    assert _glance(d)["How long and how often"] == expected


def test_how_long_is_open_until_the_format_length_or_start_is_decided() -> None:
    """Meetings alone do not say how long the program runs."""
    d = new_design()
    d.model.cadence = "weekly"
    d.model.meeting_minutes = 30
    assert _glance(d)["How long and how often"] is None


@pytest.mark.parametrize(
    ("budget", "coordinator", "expected"),
    [
        ("£5,000", "", "£5,000"),
        ("", "two days a month", "coordinator: two days a month"),
        ("", "", None),
    ],
)
def test_what_it_costs(budget: str, coordinator: str, expected: str | None) -> None:
    d = new_design()
    d.resources.budget, d.resources.coordinator_time = budget, coordinator
    assert _glance(d)["What it costs"] == expected


def test_key_dates_are_the_first_event_of_each_kind_a_sponsor_plans_around() -> None:
    events = [
        Event("Recruitment", D(2027, 1, 4), D(2027, 2, 1), "phase"),
        Event("Matching", D(2027, 2, 15), D(2027, 2, 28), "phase"),
        _milestone("Kick-off and agreement", D(2027, 3, 1)),
        _milestone("Matching again", D(2027, 6, 1)),
        _milestone("Closure and celebration", D(2028, 3, 1)),
        Event("Evaluation", D(2028, 3, 1), D(2028, 4, 12), "phase"),
    ]
    assert _glance(new_design(), events)["Key dates"] == (
        "Matching 2027-02-15; Kick-off and agreement 2027-03-01; "
        "Closure and celebration 2028-03-01; Evaluation 2028-03-01"
    )


def test_key_dates_without_a_timeline_are_to_be_decided() -> None:
    events = [Event("Recruitment", D(2027, 1, 4), D(2027, 2, 1), "phase")]
    assert _glance(new_design(), events)["Key dates"] is None


# --------------------------------------------------------------------------- objectives


@pytest.mark.parametrize(
    ("objective", "expected"),
    [
        (
            {"description": "Retention", "unit": "%", "baseline": 70, "target": 85},
            "Retention: from 70% to 85%",
        ),
        (
            {"metric": "Promotion rate", "unit": "% of cohort", "target": 20, "due": "2028-06-30"},
            "Promotion rate: to 20 % of cohort by 2028-06-30",
        ),
        ({"description": "Time to competence", "metric": "days", "target": 90}, None),
        ({"metric": "Mentor satisfaction", "baseline": 3.5}, "Mentor satisfaction"),
        (  # a baseline and a date but no target yet: one space before "by"
            {"metric": "Mentor satisfaction", "baseline": 3.5, "due": "2028-06-30"},
            "Mentor satisfaction: by 2028-06-30",
        ),
        ({"description": "Knowledge kept"}, "Knowledge kept"),
        ({"description": "Better onboarding UX"}, "Better onboarding UX"),
        ({"description": "Zero", "baseline": 0, "target": 0.5}, "Zero: from 0 to 0.5"),
    ],
)
def test_an_objective_reads_from_its_baseline_to_its_target_by_its_date(
    objective: dict[str, object], expected: str | None
) -> None:
    d = _with_objectives(_objective(**objective))
    line = expected or "Time to competence: to 90"  # the description wins over the metric
    assert _bullets(_summary(d), "What it will achieve") == (line,)


def test_an_objective_without_a_name_is_left_out() -> None:
    d = _with_objectives(_objective(target=5), _objective(metric="Retention", target=90))
    assert _bullets(_summary(d), "What it will achieve") == ("Retention: to 90",)


def test_four_objectives_are_shown_and_the_rest_counted() -> None:
    names = [f"Objective {i}" for i in range(1, 7)]
    d = _with_objectives(*(_objective(description=n) for n in names))
    assert _bullets(_summary(d), "What it will achieve") == (
        *names[:4],
        "and 2 more in the objectives section",
    )
    d = _with_objectives(*(_objective(description=n) for n in names[:4]))
    assert _bullets(_summary(d), "What it will achieve") == tuple(names[:4])


# --------------------------------------------------------------------------- risks


def test_main_risks_are_the_designs_then_the_warnings_three_at_most() -> None:
    d = new_design()
    d.risks = [
        Risk(risk="Mentors drop out.", mitigation="Recruit reserves"),
        Risk(risk="Relationships fade."),
    ]
    findings = [
        _warning("a purpose is unknown", "error"),
        _warning("relationships last 3 months"),
        _warning("managers hear progress"),
    ]
    assert _bullets(_summary(d, findings), "Main risks") == (
        "Mentors drop out: recruit reserves",
        "Relationships fade.",  # as written: no mitigation follows it
        "Relationships last 3 months",
    )


@pytest.mark.parametrize(
    ("mitigation", "expected"),
    [
        ("Brief mentors on UX", "Low uptake: brief mentors on UX"),
        ("Escalate to the sponsor:", "Low uptake: escalate to the sponsor"),
    ],
)
def test_a_risk_reads_as_one_sentence_with_its_mitigation(mitigation: str, expected: str) -> None:
    d = new_design()
    d.risks = [Risk(risk="Low uptake.", mitigation=mitigation)]
    assert _bullets(_summary(d), "Main risks") == (expected,)


def test_a_risk_keeps_its_own_last_letters() -> None:
    d = new_design()
    d.risks = [Risk(risk="Poor onboarding UX.", mitigation="Test with mentees")]
    assert _bullets(_summary(d), "Main risks") == ("Poor onboarding UX: test with mentees",)


def test_warnings_alone_are_risks() -> None:
    findings = [_warning("x"), _warning("y", "error")]
    assert _bullets(_summary(new_design(), findings), "Main risks") == ("X",)


# --------------------------------------------------------------------------- commitment


def test_the_sponsors_part_is_said_in_the_designs_words() -> None:
    d = new_design()
    d.roles.sponsor = ["  Chairs the steering group.  ", "   ", "Opens the kick-off", "A.b."]
    assert _bullets(_summary(d), "What your signature commits to") == (
        "The sponsor's part: chairs the steering group; opens the kick-off; a.b.",
        CONFIDENTIALITY,
    )


@pytest.mark.parametrize(("budget", "coordinator"), [("£5,000", ""), ("", "a day a week")])
def test_the_signature_commits_the_resources(budget: str, coordinator: str) -> None:
    d = new_design()
    d.resources.budget, d.resources.coordinator_time = budget, coordinator
    assert _bullets(_summary(d), "What your signature commits to") == (RESOURCES, CONFIDENTIALITY)


def test_the_review_is_due_when_the_last_objective_is() -> None:
    d = _with_objectives(
        _objective(description="A", due="2028-06-30"),
        _objective(description="B", due="2028-09-30"),
        _objective(description="C"),
        _objective(description="D", due="2027-12-31"),
    )
    assert _bullets(_summary(d), "What your signature commits to") == (
        CONFIDENTIALITY,
        "A review of the results against the objectives by 2028-09-30.",
    )
