"""Headless batch runs: every step's notebook, for each program, with papermill.

``workbook run DESIGN ... -o OUTDIR`` is :func:`plan` then :func:`execute`
(:mod:`workbook.batch.runner`), the notebooks executed in a reused kernel
(:mod:`workbook.batch.kernel`) and normalised so that the same inputs give the same
bytes (:mod:`workbook.batch.normalise`).
"""

from workbook.batch.runner import (
    MANIFEST,
    Plan,
    ProgramResult,
    StepResult,
    execute,
    pick_steps,
    plan,
    program_name,
    results_for,
    run_program,
    summary_table,
)

__all__ = [
    "MANIFEST",
    "Plan",
    "ProgramResult",
    "StepResult",
    "execute",
    "pick_steps",
    "plan",
    "program_name",
    "results_for",
    "run_program",
    "summary_table",
]
