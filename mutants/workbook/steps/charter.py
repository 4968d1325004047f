"""Design step 6: the charter's own decisions, who signs it and the paper it is laid out on.

Everything else in the charter comes from the other steps; the sign-off lines and the
paper size are the decisions made on the charter step. Building and writing the charter
is :mod:`workbook.charter`.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from workbook.design import Approval, Design, PageSize, validate_input


class ApprovalInputs(BaseModel):
    """What the charter step decides itself: who signs, who has signed when, and the
    paper size of the charter's Word and PDF files.

    Everything else in the charter comes from the other steps. The paper size is stored
    in the design's ``program`` part (``program.page_size``), but it is edited here,
    where the files it lays out are made, so that a person choosing US Letter sees the
    charter it applies to.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    approvals: list[Approval] = Field(default_factory=list)
    page_size: PageSize = "A4"


def make_inputs(approvals: Iterable[object] = (), page_size: object = "A4") -> ApprovalInputs:
    """Validate approval rows and the paper size (from widgets or parameters).

    Raises:
        InputError: one problem per bad field (``approvals.1.date: must be a date``,
            ``page_size: is not one of the allowed values``).
    """
    return validate_input(ApprovalInputs, {"approvals": list(approvals), "page_size": page_size})


def inputs_from(design: Design) -> ApprovalInputs:
    """What the charter step shows for an existing design."""
    return ApprovalInputs(
        approvals=[a.model_copy() for a in design.approvals],
        page_size=design.program.page_size,
    )


def apply(design: Design, inputs: ApprovalInputs) -> Design:
    """The design with the charter step's approvals and paper size; nothing else of the
    design (the rest of ``program`` included) is touched."""
    program = design.program.model_copy(update={"page_size": inputs.page_size})
    return design.model_copy(update={"approvals": list(inputs.approvals), "program": program})
