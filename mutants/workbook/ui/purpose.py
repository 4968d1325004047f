"""Widgets for design step 1: program, strategic purposes, measurable objectives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook import knowledge, store
from workbook.steps import purpose
from workbook.steps.purpose import PurposeInputs
from workbook.ui.base import Failed, RowList, Step, escape, plain

_OBJECTIVE_TEXT = ("description", "metric", "unit", "baseline", "target", "data_source", "owner")
_PLACEHOLDERS = {
    "description": "what improves, e.g. first-year retention of graduates",
    "metric": "e.g. retention rate",
    "unit": "e.g. %",
    "baseline": "now, e.g. 78",
    "target": "goal, e.g. 88",
    "data_source": "e.g. HRIS",
    "owner": "e.g. People team",
}


class ObjectiveRow:
    """The widgets of one measurable objective."""

    def __init__(self, step: PurposeStep) -> None:
        self.step = step
        self.purpose = w.Dropdown(description="Purpose", layout=w.Layout(width="420px"))
        self.purpose.add_class("wb-objective-purpose")
        self.text = {
            name: w.Text(
                description=name.replace("_", " ").capitalize(),
                placeholder=_PLACEHOLDERS[name],
                layout=w.Layout(width="420px" if name in ("description", "metric") else "300px"),
            ).add_class(f"wb-objective-{name.replace('_', '-')}")
            for name in _OBJECTIVE_TEXT
        }
        self.due = w.DatePicker(description="Due").add_class("wb-objective-due")
        self.remove = w.Button(description="Remove", icon="trash").add_class("wb-objective-remove")
        self.remove.on_click(lambda _b: step.remove_objective(self))
        for widget in self.widgets().values():
            widget.observe(step.refresh, names="value")
        t = self.text
        self.box = w.VBox(
            [
                w.HBox([self.purpose, t["description"]]),
                w.HBox([t["metric"], t["unit"]]),
                w.HBox([t["baseline"], t["target"], self.due]),
                w.HBox([t["data_source"], t["owner"], self.remove]),
            ]
        ).add_class("wb-objective")
        self.box.add_class("wb-row")

    def widgets(self) -> dict[str, w.Widget]:
        """Input field name -> widget, for this row."""
        return {"purpose": self.purpose, **self.text, "due": self.due}

    def values(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.widgets().items()}

    def set(self, values: dict[str, Any]) -> None:
        for name, widget in self.widgets().items():
            value = values.get(name)
            if name == "due":
                widget.value = value
            elif name == "purpose":
                if value is not None and value not in [v for _, v in widget.options]:
                    widget.options = [*widget.options, (str(value), value)]
                widget.value = value
            else:
                widget.value = plain(value)


class PurposeStep(Step[PurposeInputs]):
    """Step 1: name the program, choose its purposes, set measurable objectives."""

    step = "purpose"
    help = (
        "Why does the organisation run this program? Choose the purposes it serves and, "
        "for each, at least one objective with a metric, a baseline, a target and a date "
        "(a program is designed with its results in mind, and they must be measurable)."
    )

    def __init__(self, snapshot: store.Snapshot) -> None:
        self._order: list[str] = []
        super().__init__(snapshot, purpose.inputs_from, purpose.apply)

    # ------------------------------------------------------------ widgets

    def build(self) -> list[w.Widget]:
        def text(name: str, label: str, css: str, **kw: Any) -> w.Text:
            widget = w.Text(description=label, layout=w.Layout(width="600px"), **kw)
            widget.style.description_width = "140px"
            return self.field(name, widget.add_class(css))

        self.name = text("name", "Program name", "wb-name", placeholder="e.g. Graduate mentoring")
        self.organisation = text("organisation", "Organisation", "wb-organisation")
        self.sponsor = text("sponsor", "Sponsor", "wb-sponsor", placeholder="executive sponsor")
        self.owner = text("owner", "Owner", "wb-owner", placeholder="who maintains the design")
        self.problem = self.field(
            "problem_statement",
            w.Textarea(
                description="Problem",
                placeholder="The organisational problem this program addresses",
                layout=w.Layout(width="600px", height="90px"),
            ).add_class("wb-problem"),
        )
        self.problem.style.description_width = "140px"
        self.checks: dict[str, w.Checkbox] = {}
        rows = []
        for entry in knowledge.purposes():
            box = w.Checkbox(description=entry.title, indent=False).add_class(
                f"wb-purpose-{entry.key}"
            )
            box.observe(self._purposes_changed, names="value")
            self.checks[entry.key] = box
            rows.append(
                w.HBox(
                    [
                        box,
                        w.HTML(
                            f'<span class="wb-help">{escape(entry.description)}</span>',
                            layout=w.Layout(width="560px"),
                        ),
                    ]
                )
            )
        self.other = self.field(
            "purposes",
            w.Text(
                description="Other purposes",
                placeholder="written-in purposes, separated by ;",
                layout=w.Layout(width="600px"),
            ).add_class("wb-other-purposes"),
        )
        self.other.style.description_width = "140px"
        self.other.observe(self._purposes_changed, names="value")
        self.rows: RowList[ObjectiveRow] = RowList(self, "objectives", "wb-objectives")
        add = w.Button(description="Add objective", icon="plus").add_class("wb-add-objective")
        add.on_click(lambda _b: self.add_objective())
        return [
            self.name,
            self.organisation,
            self.sponsor,
            self.owner,
            self.problem,
            w.HTML("<h3>Strategic purposes</h3>"),
            *rows,
            self.other,
            w.HTML("<h3>Measurable objectives</h3>"),
            self.rows.box,
            add,
        ]

    def add_objective(self, values: dict[str, Any] | None = None) -> ObjectiveRow:
        """Append an objective row (pre-selecting the first chosen purpose)."""
        return self.rows.add(self._objective(values))

    def remove_objective(self, row: ObjectiveRow) -> None:
        self.rows.remove(row)

    def _objective(self, values: dict[str, Any] | None) -> ObjectiveRow:
        """A new objective row offering the chosen purposes and showing ``values``
        (``None``: a blank objective for the first chosen purpose)."""
        row = ObjectiveRow(self)
        row.purpose.options = self._purpose_options()
        if values is None and row.purpose.options:
            values = {"purpose": row.purpose.options[0][1]}
        row.set(values or {})
        return row

    def _chosen(self) -> list[str]:
        """Chosen purposes in the order they were chosen (the design's order), not the
        catalogue's, so that opening and saving a design does not reorder it."""
        keys = [key for key, box in self.checks.items() if box.value]
        others = [p.strip() for p in self.other.value.split(";") if p.strip()]
        current = keys + others
        self._order = [p for p in self._order if p in current]
        self._order += [p for p in current if p not in self._order]
        return list(self._order)

    def _purpose_options(self) -> list[tuple[str, str]]:
        options = []
        for label in self._chosen():
            entry = knowledge.entry("purposes", label)
            options.append((entry.title if entry else label, label))
        return options

    def _purposes_changed(self, _change: Any = None) -> None:
        if self._quiet:
            return
        options = self._purpose_options()
        for row in self.rows:
            value = row.purpose.value
            row.purpose.options = options
            if value in [v for _, v in options]:
                row.purpose.value = value
        self.refresh()

    def label(self, field: str) -> str:
        parts = field.split(".")
        if parts[0] == "objectives" and len(parts) >= 2 and parts[1].isdigit():
            rest = " ".join(parts[2:]).replace("_", " ")
            return f"Objective {int(parts[1]) + 1} {rest}".strip()
        return {"problem_statement": "Problem statement", "name": "Program name"}.get(
            field, field.replace("_", " ").capitalize()
        )

    # ------------------------------------------------------------ translation

    def read(self) -> PurposeInputs:
        return purpose.make_inputs(
            name=self.name.value,
            organisation=self.organisation.value,
            sponsor=self.sponsor.value,
            owner=self.owner.value,
            problem_statement=self.problem.value,
            purposes=self._chosen(),
            objectives=[row.values() for row in self.rows],
        )

    def write(self, inputs: PurposeInputs) -> None:
        with self.quietly():
            self.name.value = inputs.name
            self.organisation.value = inputs.organisation
            self.sponsor.value = inputs.sponsor
            self.owner.value = inputs.owner
            self.problem.value = inputs.problem_statement
            self._order = list(inputs.purposes)
            for key, box in self.checks.items():
                box.value = key in inputs.purposes
            self.other.value = "; ".join(p for p in inputs.purposes if p not in self.checks)
            self.rows.replace(self._objective(o.model_dump()) for o in inputs.objectives)

    # ------------------------------------------------------------ entry point

    @classmethod
    def from_params(
        cls,
        design_path: str | Path = "",
        *,
        name: str | None = None,
        organisation: str | None = None,
        sponsor: str | None = None,
        owner: str | None = None,
        problem_statement: str | None = None,
        purposes: list[str] | None = None,
        objectives: list[dict[str, Any]] | None = None,
        save: bool = False,
    ) -> PurposeStep | Failed:
        """Open the design, set the widgets from any parameter that is not ``None``,
        and (with ``save=True``) press Save, exactly as a person would.

        Raises:
            WorkbookError: only when ``save`` is true (a headless run must fail loudly);
                interactively the problem is shown in the step instead.
        """
        return cls.launch(
            design_path,
            lambda step: step.set_values(
                name=name,
                organisation=organisation,
                sponsor=sponsor,
                owner=owner,
                problem_statement=problem_statement,
                purposes=purposes,
                objectives=objectives,
            ),
            save=save,
            name=name or "",
        )

    def set_values(self, **values: Any) -> None:
        """Set widgets from parameters; ``None`` keeps what the design has."""
        with self.quietly():
            for name, widget in (
                ("name", self.name),
                ("organisation", self.organisation),
                ("sponsor", self.sponsor),
                ("owner", self.owner),
                ("problem_statement", self.problem),
            ):
                if values.get(name) is not None:
                    widget.value = values[name]
            if values.get("purposes") is not None:
                chosen = list(values["purposes"])
                self._order = chosen
                for key, box in self.checks.items():
                    box.value = key in chosen
                self.other.value = "; ".join(p for p in chosen if p not in self.checks)
            if values.get("objectives") is not None:
                # Validate first, with the same model the widgets' values go through, so a
                # bad parameter is reported by field instead of being dropped by a widget.
                rows = purpose.make_inputs(objectives=values["objectives"]).objectives
                self.rows.replace(self._objective(row.model_dump()) for row in rows)
        self._purposes_changed()
        self.refresh()
