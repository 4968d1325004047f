"""Design step 6: the charter's own decision, who signs it.

Everything else in the charter comes from the other steps; the sign-off lines are the
one decision that belongs to the charter step. Building and writing the charter is
:mod:`workbook.charter`.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from workbook.design import Approval, Design, validate_input


class ApprovalInputs(BaseModel):
    """What the charter step decides itself: who signs, and who has signed when.

    Everything else in the charter comes from the other steps; the sign-off lines are
    the one decision that belongs to the charter (``knowledge/steps.yaml``).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    approvals: list[Approval] = Field(default_factory=list)


def make_inputs(approvals: Iterable[object] = ()) -> ApprovalInputs:
    """Validate approval rows (from widgets or parameters).

    Raises:
        InputError: one problem per bad field (``approvals.1.date: must be a date``).
    """
    return validate_input(ApprovalInputs, {"approvals": list(approvals)})


def inputs_from(design: Design) -> ApprovalInputs:
    """What the charter step shows for an existing design."""
    return ApprovalInputs(approvals=[a.model_copy() for a in design.approvals])


def apply(design: Design, inputs: ApprovalInputs) -> Design:
    """The design with the charter step's approvals; nothing else is touched."""
    return design.model_copy(update={"approvals": list(inputs.approvals)})
