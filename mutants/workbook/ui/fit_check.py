"""Widgets for step 0: is mentoring the right tool for the need?

The questionnaire, the presets and every text shown come from the knowledge base
(``fit_questions.yaml``, ``situations.yaml``, ``relationships.yaml``); the ranking is
:func:`workbook.fit.assess`. This module only lays them out and keeps the result live:
every answer re-ranks, so a designer sees at once which answer moves the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook import fit, knowledge, store
from workbook.design import Design, FitResult
from workbook.fit import Answer, FitAnswers
from workbook.steps import fit_check
from workbook.ui.base import STYLE, Failed, Step, escape

NOT_ANSWERED = ""
"""The dropdown value of a question left unanswered (a widget cannot hold ``None``
unambiguously)."""


def ranking_html(result: FitResult) -> str:
    """Every relationship with its score as a bar; the recommended ones in bold."""
    if not result.recommended:
        return ""
    rows = []
    for number, ranked in enumerate(result.ranking, 1):
        css = ' class="wb-fit-recommended"' if ranked.relationship in result.recommended else ""
        out = ranked.relationship in result.ruled_out
        note = '<td class="wb-fit-out">ruled out by an answer</td>' if out else "<td></td>"
        rows.append(
            f'<tr{css} data-relationship="{escape(ranked.relationship)}">'
            f"<td>{number}.</td>"
            f"<td>{escape(knowledge.title('relationships', ranked.relationship))}</td>"
            f'<td><span class="wb-fit-bar"><span style="width:{ranked.score:.0f}%"></span>'
            f"</span></td><td>{ranked.score:.0f}/100</td>{note}</tr>"
        )
    return f'<table class="wb-fit-ranking">{"".join(rows)}</table>'


def reasons_html(result: FitResult) -> str:
    """The reasons for each recommended relationship: the answers for and against it."""
    parts = []
    for key in result.recommended:
        items = []
        for reason in result.reasons:
            if reason.relationship != key:
                continue
            css, sign = ("wb-fit-for", "+") if reason.points > 0 else ("wb-fit-against", "−")
            partly = " <i>(partly)</i>" if reason.partly else ""
            items.append(
                f'<li class="{css}">{sign} <b>{escape(reason.answer)}</b>{partly} '
                f"({escape(reason.question)}): {escape(reason.text)} "
                f'<span class="wb-help">[source {escape(reason.source)}]</span></li>'
            )
        name = knowledge.title("relationships", key).lower()
        parts.append(f"<h4>Why {escape(name)}</h4><ul>{''.join(items)}</ul>")
    return "".join(parts)


def comparison_html(result: FitResult) -> str:
    """The top options side by side on the sources' dimensions."""
    if not result.recommended:
        return ""
    # Built here rather than with pandas' to_html: pandas alone would add about 50 MB
    # and half a second to the app's first step.
    columns, rows = fit.comparison_rows(fit.top(result))
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join(
        f'<tr><th scope="row">{escape(dimension)}</th>'
        + "".join(f"<td>{escape(v)}</td>" for v in values)
        + "</tr>"
        for dimension, values in rows
    )
    return (
        '<h4>Side by side</h4><table class="wb-fit-table">'
        f'<thead><tr><th scope="col">Dimension</th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


class FitCheckStep(Step[FitAnswers]):
    """Step 0: answer the questionnaire (or start from a situation) and see the ranking."""

    step = "fit_check"
    help = (
        "Mentoring is one development relationship among several. Describe the need, or "
        "start from a situation the sources describe, and see which relationship fits it, "
        "why, and how the best options compare. A mix (mentoring with skill coaching inside "
        "it) is a valid answer."
    )

    def __init__(self, snapshot: store.Snapshot) -> None:
        super().__init__(snapshot, fit_check.inputs_from, fit_check.apply)
        self.refresh()

    # ------------------------------------------------------------ widgets

    def build(self) -> list[w.Widget]:
        self.preset = w.Dropdown(
            options=[("(none: answer the questions yourself)", NOT_ANSWERED)]
            + [(s.title, s.key) for s in fit.presets()],
            description="Situation",
            layout=w.Layout(width="640px"),
        ).add_class("wb-fit-preset")
        self.preset.style.description_width = "80px"
        self._fields["preset"] = self.preset  # marked when invalid; changes handled below
        self.preset.observe(self._preset_chosen, names="value")
        self.preset_help = w.HTML().add_class("wb-fit-preset-help")
        self.clear = w.Button(description="Clear answers", icon="eraser").add_class("wb-fit-clear")
        self.clear.on_click(lambda _b: self.clear_answers())
        self.questions: dict[str, w.Dropdown] = {}
        self.partly: dict[str, w.Dropdown] = {}
        """A second answer per question that is partly true as well (counts half)."""
        self.question_rows: dict[str, w.VBox] = {}
        rows: list[w.Widget] = []
        for question in knowledge.fit_questions().questions:
            options = [(o.label, o.key) for o in question.options]
            css = question.key.replace("_", "-")
            dropdown = w.Dropdown(
                options=[("(not answered)", NOT_ANSWERED), *options],
                # The question, shown above the list, is also its accessible name.
                tooltip=question.text,
                layout=w.Layout(width="640px"),
            ).add_class(f"wb-fit-{css}")
            also = w.Dropdown(
                options=[("(nothing else)", NOT_ANSWERED), *options],
                description="Partly, also",
                tooltip=f"{question.text} Another answer that is partly true as well",
                layout=w.Layout(width="640px"),
            ).add_class(f"wb-fit-{css}-partly")
            also.style.description_width = "80px"
            self.questions[question.key] = self.field(question.key, dropdown)
            self.partly[question.key] = also
            also.observe(lambda _c: self.refresh(), names="value")
            row = w.VBox(
                [
                    w.HTML(f'<div class="wb-fit-question">{escape(question.text)}</div>'),
                    dropdown,
                    also,
                ]
            ).add_class("wb-fit-row")
            self.question_rows[question.key] = row
            rows.append(row)
        self.summary = w.HTML().add_class("wb-fit-summary")
        self.confidence = w.HTML().add_class("wb-fit-confidence")
        self.ranking = w.HTML().add_class("wb-fit-ranking-box")
        self.reasons = w.HTML().add_class("wb-fit-reasons")
        self.comparison = w.HTML().add_class("wb-fit-comparison")
        return [
            w.HTML(STYLE),
            w.HTML("<h3>Start from a situation</h3>"),
            w.HBox([self.preset, self.clear]),
            self.preset_help,
            w.HTML("<h3>Describe the need</h3>"),
            w.HTML(
                '<div class="wb-help">Choose the answer that describes the need best. Where '
                "the need is mixed (mainly one thing, partly another), add the other under "
                "<i>Partly, also</i>: it counts half. Questions marked <b>Answer next</b> are "
                "the ones that could still change the result.</div>"
            ),
            *rows,
            w.HTML("<h3>Result</h3>"),
            self.summary,
            self.confidence,
            self.ranking,
            self.reasons,
            self.comparison,
        ]

    def label(self, field: str) -> str:
        question = knowledge.fit_questions().question(field)
        return question.text if question else field.replace("_", " ").capitalize()

    def _preset_chosen(self, _change: Any = None) -> None:
        """Fill the questionnaire with the chosen situation's answers."""
        self._show_preset_help()
        if self._quiet or not self.preset.value:
            self.refresh()
            return
        with self._guard():
            self.write(FitAnswers.from_preset(self.preset.value))
        self.refresh()

    def _show_preset_help(self) -> None:
        situation = knowledge.entry("situations", self.preset.value) if self.preset.value else None
        self.preset_help.value = (
            f'<div class="wb-help">{escape(situation.description)} '
            f"(source {escape(situation.source)})</div>"
            if situation
            else ""
        )

    def clear_answers(self) -> None:
        """Forget every answer and the preset (nothing is saved until Save)."""
        self.write(FitAnswers())
        self.refresh()

    # ------------------------------------------------------------ behaviour

    def show_derived(self, inputs: FitAnswers | None, design: Design | None) -> None:
        """Re-rank the relationships with the current answers."""
        result = fit.assess(inputs) if inputs is not None else FitResult()
        self.summary.value = f"<p><b>{escape(result.summary)}</b></p>" if result.summary else ""
        self.confidence.value = (
            f'<p class="wb-fit-confidence-{result.confidence}">{escape(result.confidence_text)}</p>'
            if result.confidence_text
            else ""
        )
        for key, row in self.question_rows.items():
            # "Partly, also" once the question has its main answer.
            answered = self.questions[key].value != NOT_ANSWERED
            self.partly[key].layout.display = None if answered else "none"
            if key in result.deciding:
                row.add_class("wb-fit-deciding")
            else:
                row.remove_class("wb-fit-deciding")
        self.ranking.value = ranking_html(result)
        self.reasons.value = reasons_html(result)
        self.comparison.value = comparison_html(result)

    # ------------------------------------------------------------ translation

    def read(self) -> FitAnswers:
        answers = {k: d.value for k, d in self.questions.items() if d.value != NOT_ANSWERED}
        partly = {
            k: d.value
            for k, d in self.partly.items()
            if d.value != NOT_ANSWERED and k in answers and d.value != answers[k]
        }
        return FitAnswers(answers, preset=self.preset.value or None, partly=partly)

    def write(self, inputs: FitAnswers) -> None:
        with self.quietly():
            self.preset.value = inputs.preset or NOT_ANSWERED
            for key, dropdown in self.questions.items():
                dropdown.value = inputs.answers.get(key, NOT_ANSWERED)
                self.partly[key].value = inputs.partly.get(key, NOT_ANSWERED)
            self._show_preset_help()

    # ------------------------------------------------------------ entry point

    @classmethod
    def from_params(
        cls,
        design_path: str | Path = "",
        *,
        preset: str | None = None,
        answers: Mapping[str, Answer | None] | None = None,
        save: bool = False,
    ) -> FitCheckStep | Failed:
        """Open the design, set the answers from the parameters, and (with ``save=True``)
        press Save, exactly as a person would.

        Raises:
            WorkbookError: a bad parameter (always: a run with answers nobody asked for
                must not look like advice), or any problem when ``save`` is true.
        """
        return cls.launch(
            design_path,
            lambda step: step.set_values(preset=preset, answers=answers),
            save=save,
            # answers nobody asked for must never be shown as advice
            headless=save or preset is not None or answers is not None,
        )

    def set_values(
        self, *, preset: str | None = None, answers: Mapping[str, Answer | None] | None = None
    ) -> None:
        """Set the questionnaire from parameters; ``None`` keeps what the design has.

        A preset replaces every answer with the situation's; ``answers`` then change
        single answers (``None`` or ``""`` clears one). An answer is an option key, or
        two (the main one, then one partly true) as a list or as
        ``{option: "mainly", other: "partly"}``.

        Raises:
            InputError: an unknown preset, question or answer, one problem per field.
        """
        if preset is None and answers is None:
            self.refresh()
            return
        current = self.read()
        if preset is not None:
            chosen = FitAnswers.from_preset(preset, answers)
        else:
            given = dict(answers or {})
            merged: dict[str, Answer | None] = {**current.answers, **given}
            # A question answered again loses its old partial answer.
            partly = {k: v for k, v in current.partly.items() if k not in given}
            chosen = FitAnswers(merged, preset=current.preset, partly=partly)
        self.write(chosen)
        self.refresh()
