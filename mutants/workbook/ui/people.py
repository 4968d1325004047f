"""Step 3's people: who takes part, what each party does, and what the mentee's line
manager may and may not hear.

The step has two halves. :mod:`workbook.ui.model` is the shape of every relationship
(format, intake, duration, meetings, milestones); this module is the people in it, the
design's ``participation``, ``roles`` and ``confidentiality`` parts. They form a group of
their own because they carry the program's safeguards rather than its schedule:
eligibility keeps the mentor outside the mentee's reporting line, every role is shown
with its description and source from the knowledge base, and the boundary's yes/no
decisions are the ones rules R1, R2, R3 and R5 check (the manager is never the mentor,
hears goals but no progress, does not direct the learning, and nothing feeds a
performance review).

:class:`People` is built by :class:`~workbook.ui.model.ModelStep`, which registers the
fields, shows the rules' notes under them and saves them with the rest of the step.
Stable CSS classes include ``wb-mentee-eligibility``, ``wb-voluntary``,
``wb-expected-mentees``, ``wb-role-<key>``, ``wb-confidentiality-statement`` and
``wb-manager-hears-goals``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from workbook import knowledge
from workbook.steps.model import ModelInputs
from workbook.ui.base import escape, lines, lines_field, plain
from workbook.ui.forms import Field, build_form

if TYPE_CHECKING:
    from workbook.ui.model import ModelStep


PARTICIPATION = (
    Field(
        "participation.mentee_eligibility",
        "Who can be a mentee",
        "wb-mentee-eligibility",
        "area",
        "e.g. graduates in their first two years, any department",
    ),
    Field(
        "participation.mentor_eligibility",
        "Who can be a mentor",
        "wb-mentor-eligibility",
        "area",
        "e.g. five years' experience, outside the mentee's reporting line",
    ),
    Field("participation.voluntary", "Voluntary for both", "wb-voluntary", "yes_no"),
    Field("participation.both_roles_allowed", "Can be both roles", "wb-both-roles", "yes_no"),
    Field("participation.expected_mentees", "Expected mentees", "wb-expected-mentees"),
    Field("participation.expected_mentors", "Expected mentors", "wb-expected-mentors"),
    Field(
        "participation.mentor_capacity",
        "Mentees per mentor",
        "wb-mentor-capacity",
        hint="default; a roster can set it per mentor",
    ),
    Field(
        "participation.mentor_recognition",
        "Mentor recognition",
        "wb-mentor-recognition",
        "area",
        "how mentors are thanked and recognised (they are hard to attract)",
    ),
)
"""Who takes part, as the form shows it."""

BOUNDARY = (
    Field(
        "confidentiality.manager_hears_goals",
        "Manager hears goals",
        "wb-manager-hears-goals",
        "yes_no",
    ),
    Field(
        "confidentiality.manager_receives_progress",
        "Manager gets progress",
        "wb-manager-receives-progress",
        "yes_no",
    ),
    Field(
        "confidentiality.manager_directs_learning",
        "Manager directs learning",
        "wb-manager-directs-learning",
        "yes_no",
    ),
    Field(
        "confidentiality.feeds_performance_review",
        "Feeds performance review",
        "wb-feeds-performance-review",
        "yes_no",
    ),
)
"""The boundary's yes/no decisions (rules R2, R3 and R5 check them)."""


class People:
    """Who takes part, the roles' responsibilities and the confidentiality boundary.

    Attributes:
        people: the participation fields (eligibility, numbers, recognition), by name.
        roles: role key -> its responsibilities, one per line.
        members: the roles represented on the steering group (never people's names).
        statement: the boundary statement.
        boundary: the boundary's yes/no decisions, by field name.
        widgets: everything above with its headings, help and notes, in page order.
    """

    def __init__(self, step: ModelStep) -> None:
        people = build_form(step, PARTICIPATION)
        self.people = people

        self.roles: dict[str, w.Textarea] = {}
        role_boxes: list[w.Widget] = []
        for role in knowledge.catalogue("roles"):
            area = lines_field(step, f"roles.{role.key}", role.title, f"wb-role-{role.key}")
            area.placeholder = "one responsibility per line"
            self.roles[role.key] = area
            role_boxes.append(
                w.HTML(
                    f'<div class="wb-help"><b>{escape(role.title)}</b>: '
                    f"{escape(' '.join(role.description.split()))} "
                    f"<i>({escape(role.source)})</i></div>"
                )
            )
            role_boxes.append(step.noted(f"roles.{role.key}", area))
        self.members = lines_field(
            step,
            "roles.steering_group_members",
            "Steering group members",
            "wb-role-steering_group_members",
        )
        self.members.placeholder = "roles represented, one per line (not people's names)"
        role_boxes.append(self.members)

        self.statement = Field(
            "confidentiality.statement",
            "Boundary statement",
            "wb-confidentiality-statement",
            "area",
            "what stays in the relationship and what the manager may hear",
        ).make(step)
        self.statement.layout.height = "90px"
        self.boundary = build_form(step, BOUNDARY)

        for widget in (self.members, *self.boundary.values()):
            widget.style.description_width = "200px"
            widget.layout.width = "640px"
        self.widgets: list[w.Widget] = [
            w.HTML("<h3>Who takes part</h3>"),
            people["mentee_eligibility"],
            people["mentor_eligibility"],
            step.noted("participation.voluntary", people["voluntary"]),
            step.noted("participation.both_roles_allowed", people["both_roles_allowed"]),
            step.noted("participation.expected_mentees", people["expected_mentees"]),
            people["expected_mentors"],
            people["mentor_capacity"],
            people["mentor_recognition"],
            w.HTML("<h3>Roles and responsibilities</h3>"),
            *role_boxes,
            w.HTML(
                "<h3>Confidentiality boundary</h3><div class='wb-help'>The mentee's manager "
                "may hear the mentee's goals but gets no details of their progress, has no "
                "link to the mentor, and is never the mentor; nothing from the relationship "
                "feeds a performance review (rules R1, R2, R3, R5).</div>"
            ),
            step.noted("confidentiality.statement", self.statement),
            *[
                step.noted(f"confidentiality.{name}", widget)
                for name, widget in self.boundary.items()
            ],
        ]

    def values(self) -> dict[str, Any]:
        """The widgets' values in the inputs' shape (``participation``, ``roles``,
        ``confidentiality``), before validation."""
        return {
            "participation": {name: widget.value for name, widget in self.people.items()},
            "roles": {
                **{key: lines(area.value) for key, area in self.roles.items()},
                "steering_group_members": lines(self.members.value),
            },
            "confidentiality": {
                "statement": self.statement.value,
                **{name: widget.value for name, widget in self.boundary.items()},
            },
        }

    def show(self, inputs: ModelInputs) -> None:
        """Show the inputs' participation, roles and boundary (inside the step's quiet
        ``write``)."""
        for name, widget in self.people.items():
            value = getattr(inputs.participation, name)
            widget.value = value if not isinstance(widget, w.Text) else plain(value)
        for key, area in self.roles.items():
            area.value = "\n".join(getattr(inputs.roles, key))
        self.members.value = "\n".join(inputs.roles.steering_group_members)
        self.statement.value = inputs.confidentiality.statement
        for name, widget in self.boundary.items():
            widget.value = getattr(inputs.confidentiality, name)
