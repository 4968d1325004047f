"""The results of a matching run for an HR coordinator: in words, scores out of 100,
review by row (pin, forbid, choose a mentor, remove one), and stale results greyed out.

Widgets without a kernel: a :class:`ResultsView` with its :class:`ReviewPanel`, fed by
real runs of :func:`workbook.matching.match`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as w
import pytest
from helpers import EXAMPLE
from traitlets import TraitError

from workbook.design import Design, Matching, Participation, Weights
from workbook.matching import match
from workbook.matching import review as review_file
from workbook.matching.explain import MatchResult, in_words, whole
from workbook.matching.review import read_review
from workbook.ui.match_results import ResultsView
from workbook.ui.matching import MatchingStep
from workbook.ui.review import ReviewPanel

HEADER = "id,name,role,manager_id,level,capacity,skills_offered,skills_wanted"
# mgr is the only mentor offering python, and e1 reports to mgr: e1 cannot be matched.
ROWS = [
    "top,Top Person,,,9,,,",
    "mgr,Mona Manager,mentor,top,6,1,python,",
    "r2,Rui Mentor,mentor,top,5,2,cloud;sql,",
    "e1,Eve Mentee,mentee,mgr,1,,,python",
    "e2,Eli Mentee,mentee,top,1,,,cloud;go",
    "e3,Ida Mentee,mentee,top,1,,,sql",
]


def design() -> Design:
    return Design(
        participation=Participation(mentor_capacity=1), matching=Matching(weights=Weights(skills=1))
    )


def roster(tmp_path: Path, rows: list[str] = ROWS) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def find(widget: w.Widget, css: str) -> Iterator[w.Widget]:
    """Every widget under ``widget`` (itself included) with the class ``css``."""
    if css in getattr(widget, "_dom_classes", ()):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from find(child, css)


def text(widget: w.Widget) -> str:
    """Everything an HTML widget under ``widget`` shows, and every button's words."""
    out = []
    if isinstance(widget, w.HTML):
        out.append(widget.value)
    if isinstance(widget, w.Button):
        out.append(widget.description)
    for child in getattr(widget, "children", ()):
        out.append(text(child))
    return "\n".join(out)


def row_of(view: ResultsView, mentee: str) -> w.Widget:
    [row] = [r for r in find(view.rows, "wb-result-row") if f"<small>{mentee}</small>" in text(r)]
    return row


def button(widget: w.Widget, css: str) -> w.Button:
    [found] = list(find(widget, css))
    assert isinstance(found, w.Button)
    return found


class Views:
    """A results view and its review panel, on a step's guard, as the matching step
    places them; ``run`` matches with the review as it stands and shows the result."""

    def __init__(self, tmp_path: Path) -> None:
        for name in ("design.yaml",):
            shutil.copy(EXAMPLE / name, tmp_path / name)
        self.step = MatchingStep.from_params(tmp_path / "design.yaml")
        self.out = tmp_path / "out"
        self.roster = roster(tmp_path)
        self.review = ReviewPanel(self.step, lambda: self.out)  # type: ignore[arg-type]
        self.view = ResultsView(self.review)

    def run(self) -> MatchResult:
        path = self.review.path
        result = match(design(), self.roster, self.out, review=path if path.exists() else None)
        self.view.show(result)
        return result


@pytest.fixture
def views(tmp_path: Path) -> Views:
    return Views(tmp_path)


# ---------------------------------------------------------------- in words


def test_the_results_begin_with_a_sentence_grouping_why_mentees_are_unmatched(
    tmp_path: Path,
) -> None:
    result = match(design(), roster(tmp_path), tmp_path / "out")
    assert in_words(result) == (
        "2 of 3 mentees have a mentor. 1 could not be matched: every mentor offering the "
        "skills they want is in their reporting line."
    )
    # Several reasons: grouped, the commonest first, each with how many it concerns.
    rows = [*ROWS, "e4,Ola Mentee,mentee,mgr,1,,,python", "e5,Uma Mentee,mentee,top,1,,,rust"]
    result = match(design(), roster(tmp_path, rows), tmp_path / "out")
    assert in_words(result) == (
        "2 of 5 mentees have a mentor. 3 could not be matched: 2 because every mentor "
        "offering the skills they want is in their reporting line; 1 because no mentor "
        "offers any of the skills they want."
    )
    # unmatched.csv says the same, for the coordinator (no "you", no field names).
    reasons = set(result.unmatched.reason)
    assert "every mentor offering the skills they want is in their reporting line" in reasons
    assert "no mentor offers any of the skills they want (rust)" in reasons
    assert not any("you" in r.split() or "_" in r for r in reasons)


def test_scores_are_whole_numbers_out_of_100_under_headers_in_words(views: Views) -> None:
    result = views.run()
    [head] = list(find(views.view.rows, "wb-result-head"))
    assert [c.value for c in head.children] == ["Mentee", "Mentor", "Match score (0-100)", "Why"]
    shown = text(views.view.matches_box) + text(views.view.unmatched_box)
    assert "mentee_id" not in shown and "mentor_name" not in shown
    # e2 wants cloud and go, r2 offers cloud: 1 of 2 skills, 50 out of 100.
    e2 = result.matches.set_index("mentee_id").loc["e2"]
    assert e2.score == 50.0
    assert "<b>50</b>" in text(row_of(views.view, "e2"))
    assert "skills +50.0" in text(row_of(views.view, "e2"))
    # The solver's details are there, collapsed.
    details = views.view.details
    assert details.get_title(0) == "How this was computed" and details.selected_index is None
    assert "Pairs the rules allow" in views.view.computed.value
    assert "provably the best for this aim (optimal)" in views.view.computed.value
    assert views.view.sentence.value == (
        "<p class='wb-results-sentence'>2 of 3 mentees have a mentor. 1 could not be matched: "
        "every mentor offering the skills they want is in their reporting line.</p>"
    )


@pytest.mark.parametrize(("score", "shown"), [(0.4, 0), (0.5, 1), (42.5, 43), (99.5, 100)])
def test_whole_rounds_half_up(score: float, shown: int) -> None:
    assert whole(score) == shown


# ---------------------------------------------------------------- review by row


def test_pin_and_forbid_from_rows_then_remove_one(views: Views) -> None:
    views.run()
    button(row_of(views.view, "e2"), "wb-row-pin").click()
    button(row_of(views.view, "e3"), "wb-row-forbid").click()
    assert review_file.read_rows(views.review.path) == [
        {"mentee_id": "e2", "mentor_id": "r2", "action": "pin"},
        {"mentee_id": "e3", "mentor_id": "r2", "action": "forbid"},
    ]
    # The rows say what the review holds, and the review lists both in words.
    assert button(row_of(views.view, "e2"), "wb-row-pin").description == "Pinned"
    assert button(row_of(views.view, "e3"), "wb-row-forbid").description == "Forbidden"
    listed = text(views.review.entries)
    assert "Pinned: Eli Mentee (e2) with Rui Mentor (r2)" in listed
    assert "Forbidden: Ida Mentee (e3) with Rui Mentor (r2)" in listed
    assert "1 pin and 1 forbidden pair." in views.review.listing.value
    # Remove the forbidden pair alone: the pin stays.
    [forbidden] = [r for r in views.review.entries.children if "Forbidden" in text(r)]
    button(forbidden, "wb-remove-review").click()
    assert read_review(views.review.path).pins == (("e2", "r2"),)
    assert read_review(views.review.path).forbids == ()
    assert button(row_of(views.view, "e3"), "wb-row-forbid").description == "Forbid"
    assert "Forbidden" not in text(views.review.entries)


def test_an_id_not_in_the_roster_cannot_be_entered(views: Views) -> None:
    # Before any run there is nobody to choose: nothing can be pinned.
    assert views.review.chooser.layout.display == "none"
    assert not views.review.add("e2", "r2", "pin")
    assert not views.review.path.exists()
    views.run()
    # The dropdowns hold the roster's mentees and mentors, and nothing else.
    assert views.review.mentee.options == (
        ("Eve Mentee (e1)", "e1"),
        ("Eli Mentee (e2)", "e2"),
        ("Ida Mentee (e3)", "e3"),
    )
    assert [v for _, v in views.review.mentor.options] == ["mgr", "r2"]
    with pytest.raises(TraitError):
        views.review.mentee.value = "nobody"
    # Typed past the widgets (a mentor as a mentee, an unknown id), it is refused.
    assert not views.review.add("r2", "mgr", "pin")
    assert not views.review.add("e1", "ghost", "forbid")
    assert "ghost is not a mentor of the roster" in views.review.note.value
    assert not views.review.path.exists()
    views.review.mentee.value, views.review.mentor.value = "e3", "r2"
    views.review.review("forbid")
    assert read_review(views.review.path).forbids == (("e3", "r2"),)


def test_a_pinned_pair_is_marked_with_why_its_score_is_what_it_is(views: Views) -> None:
    views.run()
    # Pin e2 to a mentor offering nothing e2 wants: kept, and scored 0 by the criteria.
    views.review.mentee.value, views.review.mentor.value = "e2", "mgr"
    views.review.review("pin")
    result = views.run()
    assert result.matches.set_index("mentee_id").loc["e2", ["mentor_id", "pinned"]].tolist() == [
        "mgr",
        True,
    ]
    row = row_of(views.view, "e2")
    assert "wb-pinned-row" in row._dom_classes
    shown = text(row)
    assert "Pinned" in shown and "pinned by the coordinator; score 0/100 on the criteria" in shown
    assert "1 pair was pinned by the coordinator." in views.view.sentence.value
    assert "wb-pinned-row" not in row_of(views.view, "e3")._dom_classes


def test_an_unmatched_mentee_can_be_given_a_mentor_the_rules_allow(tmp_path: Path) -> None:
    views = Views(tmp_path)
    # Three mentees want cloud, two mentors offer it with a place each: one is unmatched.
    views.roster = roster(
        tmp_path,
        [
            "top,Top Person,,,9,,,",
            "r1,Rui Mentor,mentor,top,5,1,cloud,",
            "r2,Ria Mentor,mentor,top,5,1,cloud;sql,",
            "e1,Eve Mentee,mentee,top,1,,,cloud",
            "e2,Eli Mentee,mentee,top,1,,,cloud",
            "e3,Ida Mentee,mentee,top,1,,,cloud",
        ],
    )
    result = views.run()
    [unmatched] = list(result.unmatched.mentee_id)
    [row] = list(find(views.view.unmatched_rows, "wb-unmatched-row"))
    assert "at capacity" in text(row)
    [choose] = list(find(row, "wb-choose-mentor"))
    assert isinstance(choose, w.Dropdown)
    allowed = result.pair_scores().query("mentee_id == @unmatched")
    expected = sorted(zip(-allowed.score, allowed.mentor_id, strict=True))
    assert [v for _, v in choose.options] == [m for _, m in expected]
    assert all(", score " in label for label, _ in choose.options)
    choose.value = "r1"
    button(row, "wb-choose-pin").click()
    assert read_review(views.review.path).pins == ((unmatched, "r1"),)
    again = views.run()
    assert again.matches.set_index("mentee_id").loc[unmatched, "mentor_id"] == "r1"


def test_a_failed_run_greys_out_the_results_it_leaves_behind(views: Views) -> None:
    views.view.mark_stale("The last run failed.")  # no results yet: nothing to mark
    assert views.view.sentence.value == ""
    views.run()
    other = w.HTML("charts")
    views.view.mark_stale("The last run failed; these results are from the run before.", [other])
    assert views.view.stale
    assert "The last run failed; these results are from the run before." in (
        views.view.sentence.value
    )
    for widget in (*views.view.tables, views.view.details, other):
        assert "wb-stale" in widget._dom_classes
    buttons = [b for b in find(views.view.rows, "wb-row-pin")]
    assert buttons and all(b.disabled for b in buttons)
    # A new run shows fresh results, nothing greyed.
    views.run()
    assert not views.view.stale
    assert "wb-stale" not in views.view.matches_box._dom_classes
    assert "wb-stale" not in other._dom_classes
    assert not any(b.disabled for b in find(views.view.rows, "wb-row-pin"))
    views.view.clear()
    assert views.view.sentence.value == "" and views.view.matches_box.layout.display == "none"


def test_find_and_pages_reach_every_match(tmp_path: Path) -> None:
    views = Views(tmp_path)
    shutil.copy(EXAMPLE / "roster.csv", tmp_path / "roster.csv")
    views.roster = tmp_path / "roster.csv"
    result = match(
        MatchingStep.from_params(tmp_path / "design.yaml").snapshot.design,
        views.roster,
        views.out,
    )
    views.view.show(result)
    assert len(list(find(views.view.rows, "wb-result-row"))) == 25
    assert "Rows 1-25 of 64" in views.view.where.value
    views.view.next_page.click()
    views.view.next_page.click()
    assert "Rows 51-64 of 64" in views.view.where.value and views.view.next_page.disabled
    last = result.matches.iloc[-1]
    views.view.find.value = str(last.mentee_name).upper()  # found whatever the case
    rows = [text(r) for r in find(views.view.rows, "wb-result-row")]
    assert rows and all(str(last.mentee_name) in r for r in rows)
    assert any(f"<small>{last.mentee_id}</small>" in r for r in rows)
    views.view.find.value = "nobody has this name"
    assert "No match has that name or ID." in text(views.view.rows)
