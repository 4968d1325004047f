"""Widgets for step 7: measuring the program once it has run.

The step's own decision is which survey scales the evaluation scores (saved like any
step's inputs through :class:`~workbook.ui.base.Step`). Below the save bar:

* the outcomes file and the survey file, uploaded (CSV or XLSX). They hold personal
  data, so the step keeps them in memory only, for this session: they are never written
  into the program's folder, the design or the outputs;
* "Measure" runs :func:`workbook.evaluation.pipeline.evaluate` on the design as saved
  and shows the report (in a sandboxed frame, like the charter), with download links;
* "Write files" writes ``evaluation.json`` and the report into the output folder;
  "Record for the charter" saves the aggregates in the design (``evaluation.results``).

Stable CSS classes for browser tests: ``wb-outcomes-upload``, ``wb-survey-upload``,
``wb-evaluation-files`` (what is loaded), ``wb-evaluate`` (Measure), ``wb-evaluation-status``,
``wb-evaluation-verdicts`` (one ``li`` per objective), ``wb-evaluation-preview``,
``wb-evaluation-downloads``, ``wb-evaluation-write``, ``wb-evaluation-record``,
``wb-scale-<key>`` (a scale's checkbox).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook import knowledge, places, store
from workbook.design import Design
from workbook.errors import EvaluationError, InputError, Problem, WorkbookError
from workbook.evaluation import pipeline, report
from workbook.steps import evaluation as decisions
from workbook.steps.evaluation import EvaluationInputs
from workbook.ui.base import Failed, Step, bullet_list, escape
from workbook.ui.charter import PREVIEW_HEIGHT, _link, preview_document
from workbook.ui.page import guarded, shown_path, status
from workbook.ui.roster_upload import MAX_UPLOAD_BYTES, size_text

UPLOAD_STYLE = """<style>
.wb-step-evaluation .widget-upload { font-size: 0; }
.wb-step-evaluation .widget-upload i {
  font-size: var(--jp-widgets-font-size, 13px); margin-right: 4px;
}
.wb-step-evaluation .widget-upload::after { font-size: var(--jp-widgets-font-size, 13px); }
.wb-step-evaluation .wb-outcomes-upload::after { content: "Upload outcomes"; }
.wb-step-evaluation .wb-survey-upload::after { content: "Upload survey"; }
</style>"""
"""The upload buttons' words (ipywidgets writes a file count into them otherwise)."""


def resolve_output_dir(output_dir: str | Path, design_path: Path) -> Path:
    """Where written reports go: the parameter, else ``$WORKBOOK_OUTPUT``, else an
    ``evaluation`` folder beside the design."""
    return places.given(output_dir, places.OUTPUT) or design_path.parent / "evaluation"


class EvaluationStep(Step[EvaluationInputs]):
    """Step 7: the survey scales, then the evaluation of the program that has run."""

    step = "evaluation"
    help = (
        "Once the program has run: upload the outcomes (one row per employee, who took "
        "part, and one column per objective) and, if you ran one, the survey. Each "
        "objective is measured against the comparison chosen in the evaluation plan, and "
        "nothing about fewer than five people is shown."
    )

    def __init__(
        self,
        snapshot: store.Snapshot,
        output_dir: Path,
        formats: tuple[str, ...] = report.FORMATS,
    ) -> None:
        self.output_dir = output_dir
        self.formats = formats
        self.outcomes: tuple[str, bytes] | None = None
        self.survey: tuple[str, bytes] | None = None
        self.covariates: list[str] | None = None
        self.result: pipeline.EvaluationReport | None = None
        self.files: dict[str, bytes] = {}
        self.loaded = w.HTML().add_class("wb-evaluation-files")
        self.outcomes_upload = w.FileUpload(
            description="Upload outcomes", accept=".csv,.xlsx", multiple=False
        ).add_class("wb-outcomes-upload")
        self.survey_upload = w.FileUpload(
            description="Upload survey", accept=".csv,.xlsx", multiple=False
        ).add_class("wb-survey-upload")
        self.outcomes_upload.observe(lambda c: self._uploaded(c, "outcomes"), names="value")
        self.survey_upload.observe(lambda c: self._uploaded(c, "survey"), names="value")
        self.run_button = w.Button(
            description="Measure", button_style="primary", icon="line-chart"
        ).add_class("wb-evaluate")
        self.run_button.on_click(lambda _b: self.run())
        self.run_status = w.HTML().add_class("wb-evaluation-status")
        self.verdicts = w.HTML().add_class("wb-evaluation-verdicts")
        self.downloads = w.HTML().add_class("wb-evaluation-downloads")
        self.preview = w.HTML().add_class("wb-evaluation-preview")
        self.write_button = w.Button(
            description="Write files",
            icon="file",
            tooltip=f"Write the report into {shown_path(output_dir, snapshot.path.parent)}",
            disabled=True,
        ).add_class("wb-evaluation-write")
        self.write_button.on_click(lambda _b: self.write_files())
        self.record_button = w.Button(
            description="Record for the charter",
            icon="check",
            tooltip="Save the results (aggregates only) in the design, for the charter",
            disabled=True,
            layout=w.Layout(width="auto"),
        ).add_class("wb-evaluation-record")
        self.record_button.on_click(lambda _b: self.record())
        super().__init__(snapshot, decisions.inputs_from, decisions.apply)
        self.view.children = (
            *self.view.children,
            w.HTML(UPLOAD_STYLE),
            w.HTML(
                "<h3>Measure the program</h3><p class='wb-help'>The outcomes file has one "
                "row per employee, participants and others: an id, whether they took part "
                "(yes or no), the columns the evaluation plan compares on, and one column "
                "per objective. Files up to 10 MB, kept in this session only: they are "
                "not saved anywhere.</p>"
            ),
            w.HBox([self.outcomes_upload, self.survey_upload]),
            self.loaded,
            w.HBox([self.run_button, self.run_status]),
            self.verdicts,
            w.HBox([self.write_button, self.record_button, self.downloads]).add_class(
                "wb-evaluation-bar"
            ),
            self.preview,
        )
        self._show_loaded()

    # ------------------------------------------------------------ the scales

    def build(self) -> list[w.Widget]:
        self.scales: dict[str, w.Checkbox] = {}
        for scale in knowledge.instruments():
            box = w.Checkbox(
                description=f"{scale.title} ({len(scale.items)} items)",
                value=False,
                indent=False,
                layout=w.Layout(width="auto"),
            ).add_class(f"wb-scale-{scale.key.replace('_', '-')}")
            box.observe(self.refresh, names="value")
            self.scales[scale.key] = box
        self.field("surveys", w.VBox(list(self.scales.values())).add_class("wb-scales"))
        return [
            w.HTML(
                "<h3>Survey scales</h3><p class='wb-help'>The scales your survey asks, "
                "scored from the survey file (its columns are named like the items, such "
                "as career_support_1).</p>"
            ),
            self._fields["surveys"],
        ]

    def label(self, field: str) -> str:
        if field.startswith("surveys"):
            return "Survey scales"
        return super().label(field)

    def read(self) -> EvaluationInputs:
        return decisions.make_inputs(k for k, box in self.scales.items() if box.value)

    def write(self, inputs: EvaluationInputs) -> None:
        with self.quietly():
            for key, box in self.scales.items():
                box.value = key in inputs.surveys

    # ------------------------------------------------------------ files

    def _uploaded(self, change: dict[str, Any], kind: str) -> None:
        items = change["new"]
        if not items:
            return
        with self._run_guard("reading the upload"):
            item = items[0]
            name, content = str(item["name"]), bytes(item["content"])
            upload = self.outcomes_upload if kind == "outcomes" else self.survey_upload
            upload.value = ()  # the kernel keeps no second copy
            self.use(kind, name, content)

    def use(self, kind: str, name: str, content: bytes) -> None:
        """Hold an outcomes or survey file for this session (never written anywhere).

        Raises:
            EvaluationError: the file is over the page's size limit.
        """
        if len(content) > MAX_UPLOAD_BYTES:  # the websocket's limit, as for a roster
            raise EvaluationError(
                Problem(
                    f"is {size_text(len(content))}; the page takes files up to "
                    f"{size_text(MAX_UPLOAD_BYTES)}",
                    "remove the columns the evaluation does not use, or ask whoever "
                    "installed the workbook to evaluate this file outside the page",
                    file=name,
                )
            )
        if kind == "outcomes":
            self.outcomes = (Path(name).name, content)
        else:
            self.survey = (Path(name).name, content)
        self._clear_results()  # the report shown was of the other file
        self._show_loaded()
        self.run_status.value = status(
            [f"{Path(name).name} is ready; press Measure to use it."], ok=True
        )

    def adopt(self, old: object) -> None:
        """Keep the files an earlier copy of this step held (the app rebuilds a step when
        another step saved): uploads are this session's, and nobody should upload twice."""
        if isinstance(old, EvaluationStep):
            self.outcomes, self.survey, self.covariates = old.outcomes, old.survey, old.covariates
            self._show_loaded()

    def _show_loaded(self) -> None:
        lines = [
            f"Outcomes: {escape(self.outcomes[0])}" if self.outcomes else "Outcomes: none yet",
            f"Survey: {escape(self.survey[0])}" if self.survey else "Survey: none",
        ]
        self.loaded.value = bullet_list(lines, "wb-evaluation-loaded")
        self.run_button.disabled = self.outcomes is None

    # ------------------------------------------------------------ measuring

    def _clear_results(self) -> None:
        self.result = None
        self.files = {}
        self.verdicts.value = self.preview.value = self.downloads.value = ""
        self.write_button.disabled = self.record_button.disabled = True

    def _design(self) -> Design:
        """The design as saved, with the survey scales as ticked now: a person who ticks
        a scale and presses Measure means that scale, saved or not (Save keeps it)."""
        try:
            return decisions.apply(self.snapshot.design, self.read())
        except InputError:
            return self.snapshot.design

    def run(self, *, raise_errors: bool = False) -> pipeline.EvaluationReport | None:
        """Measure the design as saved against the files held, and show the report."""
        if self.outcomes is None:
            self.run_status.value = status(["Upload the outcomes file first."], ok=False)
            return None
        self._clear_results()
        self.run_button.disabled = True
        self.run_status.value = status(["Measuring…"], ok=True)
        found = None
        with self._run_guard("measuring the program", headless=raise_errors), self._enabled():
            name, content = self.outcomes
            survey = self.survey
            found = pipeline.evaluate(
                self._design(),
                content,
                file=name,
                survey=survey[1] if survey else None,
                survey_file=survey[0] if survey else None,
                covariates=self.covariates,
            )
            document = report.build(found)
            # Word too: the report is a few pages, and a sponsor asks for it in Word.
            shown = [fmt for fmt in ("md", "html", "docx") if fmt in self.formats or fmt == "html"]
            self.files = {fmt: report.render(document, fmt) for fmt in shown}
            self.result = found
        if found is None:
            return None
        confidence = round(100 * (1 - found.significance))
        self.verdicts.value = bullet_list(
            [escape(report.sentence(o, confidence)) for o in found.objectives],
            "wb-evaluation-verdict-list",
        )
        stem = report.file_stem(found)
        self.downloads.value = "".join(_link(fmt, data, stem) for fmt, data in self.files.items())
        html = preview_document(self.files["html"].decode("utf-8"))
        self.preview.value = (
            f'<iframe title="Evaluation report" sandbox="" style="{PREVIEW_HEIGHT}" '
            f'srcdoc="{escape(html)}"></iframe>'
        )
        measured = sum(o.estimate is not None for o in found.objectives)
        missing = [o for o in found.objectives if o.estimate is None and o.expected]
        total, source = len(found.objectives), found.outcomes_file
        line = f"Measured {measured} of {total} objectives from {source}."
        if missing:
            line += (
                f" {len(missing)} the plan measures per employee "
                f"{'is' if len(missing) == 1 else 'are'} not in the file: see below."
            )
        self.run_status.value = status([line], ok=not missing)
        self.write_button.disabled = self.record_button.disabled = False
        return found

    def write_files(self, *, raise_errors: bool = False) -> list[Path]:
        """Write ``evaluation.json`` and the report of the last run into the output folder."""
        paths: list[Path] = []
        if self.result is None:
            return paths
        with self._run_guard("writing the report", headless=raise_errors):
            paths = report.write(self.result, self.output_dir, self.formats)
            folder = self.snapshot.path.parent
            self.run_status.value = status(
                [f"Wrote {shown_path(p, folder)}" for p in paths], ok=True
            )
        return paths

    def record(self, *, raise_errors: bool = False) -> bool:
        """Save the last run's aggregates in the design (for the charter)."""
        if self.result is None:
            return False
        done = False
        with self._run_guard("recording the results", headless=raise_errors):
            recorded = pipeline.record_results(self.snapshot.design, self.result)
            self.snapshot = store.save(recorded, self.snapshot, author=self.author)
            self._update_header()
            for listener in self.saved_listeners:
                listener()
            self.run_status.value = status(
                [f"Recorded in the design as revision {self.snapshot.design.revision}."],
                ok=True,
            )
            done = True
        return done

    @contextlib.contextmanager
    def _enabled(self) -> Iterator[None]:
        """Measure is pressable again once a run ends, however it ends."""
        try:
            yield
        finally:
            self.run_button.disabled = self.outcomes is None

    def _run_guard(
        self, what: str, *, headless: bool = False
    ) -> contextlib.AbstractContextManager[None]:
        return guarded(
            self.run_status,
            what,
            headless=headless,
            nothing="Nothing was written.",
            folders=(self.snapshot.path.parent,),
        )

    # ------------------------------------------------------------ entry point

    @classmethod
    def from_params(
        cls,
        design_path: str | Path = "",
        *,
        surveys: Sequence[str] | None = None,
        save: bool = False,
        outcomes_path: str | Path = "",
        survey_path: str | Path = "",
        covariates: Sequence[str] | None = None,
        output_dir: str | Path = "",
        formats: str | Sequence[str] | None = None,
        run: bool = False,
        write: bool = False,
        record: bool = False,
    ) -> EvaluationStep | Failed:
        """Open the design, set the survey scales (``None`` keeps the design's), press
        Save with ``save=True``; read the files given by path and press Measure with
        ``run=True``, Write files with ``write=True`` and Record with ``record=True``,
        exactly as a person would.

        Raises:
            WorkbookError: only when a button is pressed by a parameter (a headless run
                must fail loudly); interactively the problem is shown in the step.
        """
        headless = save or run or write or record
        try:
            wanted = report.parse_formats(formats) if formats else report.FORMATS
        except WorkbookError as exc:
            if headless:
                raise
            return Failed(exc, cls.heading())

        def configure(step: EvaluationStep) -> None:
            step.covariates = None if covariates is None else list(covariates)
            for kind, given in (("outcomes", outcomes_path), ("survey", survey_path)):
                if str(given).strip():
                    path = Path(given).expanduser()
                    if not path.is_absolute():
                        path = step.snapshot.path.parent / path
                    with step._run_guard("reading the files", headless=headless):
                        step.use(kind, path.name, _read(path))
            if surveys is not None:
                step.write(decisions.make_inputs(surveys))
                step.refresh()

        step = cls.launch(
            design_path,
            configure,
            save=save,
            headless=headless,
            build=lambda snap: cls(snap, resolve_output_dir(output_dir, snap.path), wanted),
        )
        if isinstance(step, EvaluationStep):
            if run:
                step.run(raise_errors=True)
            if write:
                step.write_files(raise_errors=True)
            if record:
                step.record(raise_errors=True)
        return step


def _read(path: Path) -> bytes:
    """A file's bytes, or the workbook's error naming it.

    Raises:
        EvaluationError: the file cannot be read.
    """
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EvaluationError(
            Problem(
                f"cannot be read ({exc.strerror or exc})",
                "check the file's name and folder, then run again",
                file=str(path),
            )
        ) from None
