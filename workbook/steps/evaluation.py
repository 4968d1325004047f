"""Step 7: evaluating the program once it has run.

The evaluation's design (each objective's comparison, the covariates, the power) is
decided at design time in the components step; what this step decides is which survey
scales the evaluation scores (``evaluation.surveys``), and it records the aggregates of
the last run (``evaluation.results``, by :func:`workbook.evaluation.pipeline.record_results`)
for the charter. Measuring is :mod:`workbook.evaluation`.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, field_validator

from workbook import knowledge
from workbook.design import Design, validate_input


class EvaluationInputs(BaseModel):
    """The survey scales the evaluation scores, as keys of the instrument library."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    surveys: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("surveys")
    @classmethod
    def _known(cls, keys: list[str]) -> list[str]:
        known = [s.key for s in knowledge.instruments()]
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)} is not a survey scale the workbook knows; "
                f"choose from {', '.join(known)}"
            )
        return list(dict.fromkeys(keys))


def make_inputs(surveys: Iterable[object] = ()) -> EvaluationInputs:
    """Validate the chosen survey scales (from widgets or parameters).

    Raises:
        InputError: a scale the instrument library does not have.
    """
    return validate_input(EvaluationInputs, {"surveys": list(surveys)})


def inputs_from(design: Design) -> EvaluationInputs:
    """What the evaluation step shows for an existing design."""
    return EvaluationInputs(surveys=list(design.evaluation.surveys))


def apply(design: Design, inputs: EvaluationInputs) -> Design:
    """The design with the chosen survey scales; nothing else changes."""
    evaluation = design.evaluation.model_copy(update={"surveys": list(inputs.surveys)})
    return design.model_copy(update={"evaluation": evaluation})
