"""Evaluating the program: whether each objective can be measured with this cohort (at
design time), and, once the program has run, the effect on each objective measured
against the comparison the design chose, with survey scales scored and small groups
suppressed.

Modules: :mod:`~workbook.evaluation.power` (the smallest detectable effect),
:mod:`~workbook.evaluation.outcomes` (reading the outcomes file),
:mod:`~workbook.evaluation.effects` (the estimates), :mod:`~workbook.evaluation.survey`
(scale scores and reliability), :mod:`~workbook.evaluation.report` (evaluation.json and
the report). Nothing here imports ipywidgets.
"""
