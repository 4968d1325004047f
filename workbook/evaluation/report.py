"""The evaluation report in words, and the files it is written to.

::

    report -> sentences and tables (this module) -> the charter's machinery
    (Markdown, HTML, Word) -> written beside evaluation.json, atomically

The report is laid out by :mod:`workbook.charter` (the same blocks, templates and Word
writer as the charter), as a document that is read, not signed. Every figure in it comes
from :class:`~workbook.evaluation.pipeline.EvaluationReport`, which holds aggregates
only: no file written here can name a person or describe fewer than five people.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

from markupsafe import Markup

from workbook import charts, knowledge, programs
from workbook.charter.blocks import (
    Block,
    Bullets,
    Charter,
    Figure,
    Paragraph,
    Section,
    Table,
)
from workbook.charter.render import parse_formats, render
from workbook.errors import EvaluationError, InputError
from workbook.evaluation import verdicts
from workbook.evaluation.pipeline import EvaluationReport, ObjectiveEvaluation, to_json
from workbook.evaluation.survey import ScaleScore
from workbook.evaluation.survey import scale as knowledge_scale
from workbook.evaluation.verdicts import VERDICTS
from workbook.store import write_outputs

__all__ = [
    "FORMATS",
    "MANIFEST",
    "VERDICTS",
    "build",
    "file_stem",
    "files",
    "naive_sentence",
    "parse_formats",
    "render",
    "sentence",
    "write",
]

MANIFEST = ".workbook-evaluation.json"
"""Records what the workbook wrote in an output folder, so it never overwrites an edit."""

JSON_NAME = "evaluation.json"
CHART_NAME = "evaluation-effects.png"
FORMATS = ("md", "html", "docx")


def design_title(key: str) -> str:
    """The evaluation design's title, as the step's dropdown and the charter say it."""
    entry = knowledge.evaluation_design(key)
    return entry.title if entry is not None else key


def amount(value: float | None, o: ObjectiveEvaluation) -> str:
    """A level of the metric: ``84%`` for a percentage, ``3.2 roles`` otherwise."""
    if value is None:
        return "not known"
    if o.rate:
        return f"{value:.0f}%"
    return f"{value:.3g}" + (f" {o.unit}" if o.unit else "")


def change(value: float | None, o: ObjectiveEvaluation) -> str:
    """A difference of the metric: ``+6.0 points`` for a percentage."""
    return verdicts.change(value, o.unit)


def needed(o: ObjectiveEvaluation) -> float | None:
    """The change the target asks for (target minus baseline)."""
    if o.baseline is None or o.target is None:
        return None
    return o.target - o.baseline


def sentence(o: ObjectiveEvaluation, confidence: int) -> str:
    """The objective's result in one or two sentences a sponsor can read."""
    name = o.description or o.metric
    e = o.estimate
    if e is None and o.expected:
        return (
            f"{name}: not measured: the outcomes file has no column {o.looked_for!r}. If "
            "the file has it under another name, write that name as the objective's "
            "outcomes column in the evaluation plan (step 4), save, and measure again."
        )
    if e is None:
        return (
            f"{name}: not in the outcomes file, so it is not measured here; "
            "it is measured the way the evaluation plan says."
        )
    if e.verdict == "suppressed":
        return (
            f"{name}: not shown, because fewer than five participants or comparison "
            "employees have a value (nobody's result could be kept private)."
        )
    text = (
        f"{name}: {VERDICTS[e.verdict]}. Participants {amount(e.participants_value, o)}"
        + (
            f", against {amount(e.comparison_value, o)} for the comparison"
            if e.comparison_value is not None and o.design != "before_after"
            else f", against a baseline of {amount(o.baseline, o)}"
        )
        + f": an effect of {change(e.effect, o)} "
        f"({confidence}% interval {change(e.ci_low, o)} to {change(e.ci_high, o)})"
    )
    want = needed(o)
    if want is not None:
        text += f"; the target asked for {change(want, o)}"
    return text + "."


def naive_sentence(o: ObjectiveEvaluation) -> str | None:
    """Why the comparison with everyone else is not the effect, when the two differ."""
    e = o.estimate
    if e is None or e.naive_difference is None or e.effect is None:
        return None
    if o.design == "before_after" or round(e.naive_difference - e.effect, 1) == 0:
        return None
    return (
        f"{o.description or o.metric}: compared with everyone who did not take part, the "
        f"difference is {change(e.naive_difference, o)}; that figure also counts who "
        "chose to take part, so it is not the program's effect."
    )


def _effects_chart(report: EvaluationReport) -> Figure | None:
    rows = [
        (
            o.description or o.metric,
            o.estimate.effect,
            o.estimate.ci_low,
            o.estimate.ci_high,
            needed(o),
        )
        for o in report.objectives
        if o.estimate is not None
        and o.estimate.effect is not None
        and o.estimate.ci_low is not None
        and o.estimate.ci_high is not None
    ]
    if not rows:
        return None
    items: list[Row] = [(n, float(e), float(lo), float(hi), t) for n, e, lo, hi, t in rows]
    title = "Effect on each objective"
    confidence = round(100 * (1 - report.significance))
    plot = charts.intervals(items, title, f"effect, with its {confidence}% interval")
    return Figure(
        svg=Markup(charts.svg(plot, "effects-chart")),
        png=_effects_png(items, title),
        alt=plot.description,
        filename=CHART_NAME,
        caption="the effect on each objective (diamond), its interval (line) and the "
        "change the target asks for (orange).",
    )


Row = tuple[str, float, float, float, float | None]
"""A chart row: the objective, the effect, the interval's ends, the change asked for."""


def _effects_png(items: Sequence[Row], title: str) -> bytes:
    """The same chart as a PNG, for Word and Markdown (matplotlib, only when written)."""
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=(7.5, 0.55 * len(items) + 1.3), dpi=110)
    ax = fig.add_subplot()
    for row, (_, effect, low, high, target) in enumerate(items):
        ax.plot([low, high], [row, row], color="#4a7ab5", linewidth=2)
        ax.plot([effect], [row], marker="D", color="#4a7ab5")
        if target is not None:
            ax.plot([target], [row], marker="|", markersize=18, color="#d9822b")
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels([name[:40] for name, *_ in items], parse_math=False)
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=10)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


ALIKE = 0.1
"""A standardised difference under this is usually taken as alike (Austin 2009)."""


def cautions(report: EvaluationReport) -> tuple[str, ...]:
    """What a reader must know before trusting a figure: people left out of an estimate,
    groups that still differ after matching, a cohort far from the plan's size."""
    found = []
    planned, took_part = report.expected_participants, report.participants
    if planned and took_part is not None and abs(took_part - planned) > 0.2 * planned:
        found.append(f"The plan expected {planned} mentees; {took_part} took part.")
    for o in report.objectives:
        e = o.estimate
        if e is None or e.verdict == "suppressed":
            continue
        name = o.description or o.metric
        if e.dropped:
            found.append(
                f"{name}: {e.dropped} participants had nobody comparable among those who did "
                "not take part and are not in this figure; the effect is for the others."
            )
        apart = [b for b in e.balance if abs(b.after) >= ALIKE]
        if apart:
            found.append(
                f"{name}: after matching the groups still differ on "
                + ", ".join(f"{b.covariate} ({abs(b.after):.2f})" for b in apart)
                + f"; under {ALIKE} is usually taken as alike."
            )
    return tuple(found)


def scale_sentence(score: ScaleScore) -> str:
    """A survey scale's result in one sentence, on its own response range."""
    if score.suppressed or score.mean is None:
        return f"{score.title}: not shown, fewer than five respondents."
    try:
        answers = knowledge_scale(score.scale).response
        on = f" on a scale from {answers.min} ({answers.low}) to {answers.max} ({answers.high})"
    except EvaluationError:
        on = ""
    text = f"{score.title}: {score.mean:.2f}{on}, from {score.n} respondents"
    if score.ci_low is not None and score.ci_high is not None:
        text += f" (95% interval {score.ci_low:.2f} to {score.ci_high:.2f})"
    return text + (f". {score.warning}" if score.warning else ".")


def _summary(report: EvaluationReport) -> Section:
    confidence = round(100 * (1 - report.significance))
    blocks: list[Block] = [
        Paragraph(
            f"Outcomes from {report.outcomes_file}: "
            + (f"{report.people} employees" if report.people is not None else "under five people")
            + ", "
            + (
                f"{report.participants} of them took part."
                if report.participants is not None
                else "fewer than five of them took part."
            )
        ),
        Bullets(
            tuple(sentence(o, confidence) for o in report.objectives),
            "Objectives",
            "The design has no objectives to measure.",
        ),
    ]
    careful = cautions(report)
    if careful:
        blocks.append(Bullets(careful, "Read these figures with care"))
    naive = [s for o in report.objectives if (s := naive_sentence(o))]
    if naive:
        blocks.append(Bullets(tuple(naive), "Why not simply compare with everyone else"))
    if report.scales:
        blocks.append(Bullets(tuple(scale_sentence(s) for s in report.scales), "Survey scales"))
    blocks += [Paragraph(n) for n in report.notes]
    return Section(0, "summary", "Summary", tuple(blocks), kind="summary")


def _effectiveness(report: EvaluationReport) -> Section:
    confidence = round(100 * (1 - report.significance))
    rows = []
    for o in report.objectives:
        e = o.estimate
        if e is None:
            rows.append((o.description or o.metric, "", "", "", VERDICTS["not_measured"]))
            continue
        interval = (
            f"{change(e.effect, o)} ({change(e.ci_low, o)} to {change(e.ci_high, o)})"
            if e.effect is not None
            else ""
        )
        people = (
            f"{e.n_participants} participants, {e.n_comparison} compared"
            if e.verdict != "suppressed"
            else "fewer than five"
        )
        rows.append(
            (
                o.description or o.metric,
                design_title(o.design) + ("" if o.design_chosen else " (not chosen in the design)"),
                people,
                interval,
                VERDICTS[e.verdict],
            )
        )
    blocks: list[Block] = [
        Paragraph(
            f"Each verdict is read from the {confidence}% interval, not from the estimate alone: "
            "the target is met when the whole interval reaches the change the target asks "
            "for, not met when the whole interval falls short of it, and otherwise the data "
            "cannot tell yet."
        ),
        Table(
            "effects",
            ("Objective", "Compared", "People", f"Effect ({confidence}% interval)", "Verdict"),
            tuple(rows),
            "Effect on each objective",
            "The design has no objectives.",
        ),
    ]
    chart = _effects_chart(report)
    if chart is not None:
        blocks.append(
            Paragraph(
                "In the chart, each diamond is an objective's effect, its line the "
                f"{confidence}% interval, and the orange mark the change the target asks for: "
                "a line wholly past the orange mark is a target met."
            )
        )
        blocks.append(chart)
    for o in report.objectives:
        e = o.estimate
        if e is None or e.verdict == "suppressed":
            continue
        details = [e.method, *e.notes]  # the notes say who was left out, and why
        blocks.append(Bullets(tuple(details), f"How '{o.description or o.metric}' was measured"))
        if e.balance:
            blocks.append(
                Table(
                    f"balance-{len(blocks)}",
                    ("Compared on", "Difference before", "Difference after"),
                    tuple((b.covariate, f"{b.before:.2f}", f"{b.after:.2f}") for b in e.balance),
                    "How alike the two groups are (standardised differences; under 0.1 is "
                    "usually taken as alike)",
                )
            )
    return Section(1, "effectiveness", "Effectiveness against the objectives", tuple(blocks))


def _surveys(report: EvaluationReport) -> Section | None:
    if not report.scales:
        return None
    rows = []
    for s in report.scales:
        if s.suppressed:
            rows.append((s.title, "fewer than five", "", "", s.warning))
            continue
        mean = f"{s.mean:.2f} ({s.ci_low:.2f} to {s.ci_high:.2f})" if s.mean is not None else ""
        alpha = f"{s.alpha:.2f}" if s.alpha is not None else ""
        rows.append((s.title, str(s.n), mean, alpha, s.warning))
    return Section(
        0,
        "surveys",
        "Survey scales",
        (
            Paragraph(
                f"Scored from {report.survey_file}. Reliability is Cronbach's alpha; under "
                "0.7 the items may not measure one thing, and the scale's mean should be read "
                "with care."
            ),
            Table(
                "scales",
                ("Scale", "Respondents", "Mean (95% interval)", "Reliability", "Note"),
                tuple(rows),
                "Survey scales",
            ),
        ),
    )


def _quality(report: EvaluationReport) -> Section | None:
    if not report.quality:
        return None
    met = {None: "Not assessed", True: "Yes", False: "No"}
    rows = tuple(
        (q.benchmark, "Yes" if q.required else "No", met[q.met], q.evidence or "")
        for q in report.quality
    )
    return Section(
        0,
        "quality",
        "Quality against the standard",
        (
            Paragraph(
                "The program's own assessment of each benchmark, with what in the design "
                "shows it where the design does."
            ),
            Table("quality", ("Benchmark", "Required", "Met", "What shows it"), rows, "Quality"),
        ),
    )


def _privacy(number: int, report: EvaluationReport) -> Section:
    items = [
        "Only aggregates are reported: no file written here names a person or holds a "
        "person's value, and the outcomes and survey files are not copied.",
        "Any figure that would describe fewer than five people is left out.",
    ]
    if report.suppressed:
        items.append("Left out in this report: " + "; ".join(report.suppressed) + ".")
    return Section(number, "privacy", "Privacy", (Bullets(tuple(items)),))


def file_stem(report: EvaluationReport) -> str:
    """Every report file's name without extension:
    ``northwind-graduate-mentoring-evaluation-2027-12-01``, so a downloads folder says
    whose report each is and from which run."""
    try:
        name = programs.folder_name(report.program)
    except InputError:
        name = "mentoring-program"
    return f"{name}-evaluation-{report.run_at.date().isoformat()}"


def build(report: EvaluationReport) -> Charter:
    """The report as a document the charter's templates and Word writer lay out."""
    sections: list[Section] = [_summary(report), _effectiveness(report)]
    for found in (_surveys(report), _quality(report)):
        if found is not None:
            number = len(sections)  # the summary is not numbered
            sections.append(Section(number, found.key, found.title, found.blocks))
    sections.append(_privacy(len(sections), report))
    date = report.run_at.date().isoformat()
    return Charter(
        title=report.program or "Mentoring program",
        organisation=report.organisation,
        version=f"design revision {report.revision}",
        owner=report.owner,
        sponsor=report.sponsor,
        date=date,
        sections=tuple(sections),
        findings=(),
        events=(),
        stem=file_stem(report),
        document="Evaluation report",
        signable=False,
    )


def files(report: EvaluationReport, formats: str | Sequence[str] = FORMATS) -> dict[str, bytes]:
    """Every file of a run: ``evaluation.json`` and the report in each format.

    Raises:
        EvaluationError: an unknown format.
    """
    try:
        chosen = parse_formats(formats)
    except InputError as exc:
        raise EvaluationError(exc.problems) from None
    document = build(report)
    out = {JSON_NAME: (json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n").encode()}
    for fmt in dict.fromkeys(chosen):
        out[f"{document.stem}.{fmt}"] = render(document, fmt)
        if fmt == "md":
            chart = next(
                (b for s in document.sections for b in s.blocks if isinstance(b, Figure)), None
            )
            if chart is not None:
                out[chart.filename] = chart.png
    return out


def write(
    report: EvaluationReport, outdir: str | Path, formats: str | Sequence[str] = FORMATS
) -> list[Path]:
    """Write ``evaluation.json`` and the report into ``outdir``; all or nothing, and never
    over a file someone else wrote or edited.

    Raises:
        EvaluationError: an unknown format; nothing is written.
        ExistsError: a file there was not written by the workbook, or was edited since.
        StoreError: the folder cannot be created or written.
    """
    return write_outputs(Path(outdir), files(report, formats), MANIFEST)
