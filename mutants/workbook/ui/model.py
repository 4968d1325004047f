"""Widgets for design step 3: model, who takes part, roles and the confidentiality boundary.

This module is the step and the shape of every relationship (format, intake, duration,
meetings, milestones); who takes part, the roles and the boundary with the mentee's
manager are a widget group of their own, :class:`workbook.ui.people.People`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook import knowledge, rules, store
from workbook.design import Design
from workbook.errors import InputError
from workbook.steps import model
from workbook.steps.model import GROUP_FORMATS, ModelInputs
from workbook.ui.base import (
    Failed,
    RowList,
    Step,
    bullet_list,
    escape,
    plain,
)
from workbook.ui.forms import Field, build_form
from workbook.ui.people import People


def shape() -> tuple[Field, ...]:
    """The relationship's shape, as the form shows it (the formats from models.yaml)."""
    formats = tuple((e.title, e.key) for e in knowledge.catalogue("models"))
    return (
        Field("model.format", "Model", "wb-format", "choice", options=formats),
        Field(
            "model.intake",
            "Intake",
            "wb-intake",
            "choice",
            options=(
                ("Cohort (everyone starts together)", "cohort"),
                ("Rolling (join any time)", "rolling"),
            ),
        ),
        Field("model.start_date", "Start date", "wb-start-date", "date"),
        Field(
            "model.duration_months",
            "Duration (months)",
            "wb-duration",
            hint="9 to 12 months for mentoring",
        ),
        Field(
            "model.cadence",
            "Meetings",
            "wb-cadence",
            "choice",
            options=(
                ("Weekly", "weekly"),
                ("Fortnightly", "fortnightly"),
                ("Monthly", "monthly"),
                ("As needed", "as_needed"),
            ),
        ),
        Field(
            "model.meeting_mode",
            "Meeting mode",
            "wb-meeting-mode",
            "choice",
            options=(("In person", "in_person"), ("Virtual", "virtual"), ("Hybrid", "hybrid")),
        ),
        Field(
            "model.meeting_minutes", "Meeting length (min)", "wb-meeting-minutes", hint="e.g. 60"
        ),
        Field(
            "model.group_size",
            "Group size",
            "wb-group-size",
            hint="mentees per group (group and team formats)",
        ),
    )


_NUMBERS = {
    "model": ("duration_months", "meeting_minutes", "group_size"),
    "participation": ("expected_mentees", "expected_mentors", "mentor_capacity"),
}

PARAMETERS: dict[str, tuple[str, str]] = {
    "model_format": ("model", "format"),
    "intake": ("model", "intake"),
    "start_date": ("model", "start_date"),
    "duration_months": ("model", "duration_months"),
    "cadence": ("model", "cadence"),
    "meeting_mode": ("model", "meeting_mode"),
    "meeting_minutes": ("model", "meeting_minutes"),
    "group_size": ("model", "group_size"),
    "milestones": ("model", "milestones"),
    "mentee_eligibility": ("participation", "mentee_eligibility"),
    "mentor_eligibility": ("participation", "mentor_eligibility"),
    "voluntary": ("participation", "voluntary"),
    "both_roles_allowed": ("participation", "both_roles_allowed"),
    "expected_mentees": ("participation", "expected_mentees"),
    "expected_mentors": ("participation", "expected_mentors"),
    "mentor_capacity": ("participation", "mentor_capacity"),
    "mentor_recognition": ("participation", "mentor_recognition"),
    "confidentiality_statement": ("confidentiality", "statement"),
    "manager_hears_goals": ("confidentiality", "manager_hears_goals"),
    "manager_receives_progress": ("confidentiality", "manager_receives_progress"),
    "manager_directs_learning": ("confidentiality", "manager_directs_learning"),
    "feeds_performance_review": ("confidentiality", "feeds_performance_review"),
}
"""Notebook parameter -> (design part, field). ``roles`` is a dict parameter of its own."""

_LABELS = {
    "model.format": "Model",
    "model.start_date": "Start date",
    "model.duration_months": "Duration",
    "model.meeting_mode": "Meeting mode",
    "model.meeting_minutes": "Meeting length",
    "model.group_size": "Group size",
    "participation.expected_mentees": "Expected mentees",
    "participation.expected_mentors": "Expected mentors",
    "participation.mentor_capacity": "Mentor capacity",
    "participation.both_roles_allowed": "Both roles",
}


def _css(path: str) -> str:
    return path.replace(".", "-").replace("_", "-")


class MilestoneRow:
    """The widgets of one milestone: name, month, description."""

    def __init__(self, step: ModelStep) -> None:
        self.name = w.Text(
            description="Milestone",
            placeholder="e.g. Midpoint review",
            layout=w.Layout(width="330px"),
        ).add_class("wb-milestone-name")
        self.month = w.Text(
            description="Month", placeholder="e.g. 6", layout=w.Layout(width="130px")
        ).add_class("wb-milestone-month")
        self.description = w.Text(
            description="What happens", layout=w.Layout(width="400px")
        ).add_class("wb-milestone-description")
        for widget, width in (
            (self.name, "80px"),
            (self.month, "50px"),
            (self.description, "95px"),
        ):
            widget.style.description_width = width
        self.remove = w.Button(description="Remove", icon="trash").add_class("wb-milestone-remove")
        self.remove.layout.width = "100px"
        self.remove.on_click(lambda _b: step.remove_milestone(self))
        for widget in self.widgets().values():
            widget.observe(step.refresh, names="value")
        self.box = w.HBox(
            [self.name, self.month, self.description, self.remove],
            layout=w.Layout(margin="2px 0"),
        ).add_class("wb-milestone")

    def widgets(self) -> dict[str, w.Widget]:
        return {"name": self.name, "month": self.month, "description": self.description}

    def values(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.widgets().items()}

    def set(self, values: dict[str, Any]) -> None:
        self.name.value = values.get("name", "")
        self.month.value = plain(values.get("month"))
        self.description.value = values.get("description", "")


class ModelStep(Step[ModelInputs]):
    """Step 3: the model, who takes part, roles and the confidentiality boundary."""

    step = "model"
    help = (
        "The shape of every relationship: the format, how people join, how long it lasts "
        "(9 to 12 months: mentoring is long term), how often pairs meet and its "
        "milestones; who takes part; what each party does; and the boundary between the "
        "relationship and the mentee's line manager. Empty fields are undecided; "
        "'Suggest defaults' fills only empty fields with sourced defaults, and says which."
    )

    def __init__(self, snapshot: store.Snapshot) -> None:
        self.notes: dict[str, w.HTML] = {}
        super().__init__(snapshot, model.inputs_from, model.apply)

    # ------------------------------------------------------------ widgets

    def noted(self, path: str, widget: w.Widget) -> w.VBox:
        """``widget`` with a note under it for the rules' warnings and advice on ``path``."""
        note = w.HTML().add_class("wb-note")
        note.add_class(f"wb-note-{_css(path)}")
        self.notes[path] = note
        return w.VBox([widget, note])

    def build(self) -> list[w.Widget]:
        (
            self.format,
            self.intake,
            self.start_date,
            self.duration,
            self.cadence,
            self.meeting_mode,
            self.meeting_minutes,
            self.group_size,
        ) = build_form(self, shape()).values()
        self.format_help = w.HTML().add_class("wb-format-help")
        self.group_box = self.noted("model.group_size", self.group_size)
        self.milestone_rows: RowList[MilestoneRow] = RowList(
            self, "model.milestones", "wb-milestones"
        )
        add = w.Button(description="Add milestone", icon="plus").add_class("wb-add-milestone")
        add.on_click(lambda _b: self.add_milestone())
        zachary = w.Button(
            description="Use Zachary's four phases",
            tooltip="Add preparing, negotiating, enabling growth and closure, scaled to the "
            "duration",
        ).add_class("wb-zachary")
        zachary.layout.width = "240px"
        zachary.on_click(lambda _b: self.use_zachary())

        self.who = People(self)
        # the step's own names for the group's widgets, as the step and its callers use them
        self.people, self.roles, self.members = self.who.people, self.who.roles, self.who.members
        self.statement, self.boundary = self.who.statement, self.who.boundary
        self.suggest_button = w.Button(
            description="Suggest defaults",
            icon="magic",
            tooltip="Fill empty fields with sourced defaults; decided values are kept",
        ).add_class("wb-suggest-defaults")
        self.suggest_button.layout.width = "200px"
        self.suggest_button.on_click(lambda _b: self.suggest())
        self.filled = w.HTML().add_class("wb-filled")
        return [
            w.HBox([self.suggest_button]),
            self.filled,
            w.HTML("<h3>Model</h3>"),
            self.noted("model.format", self.format),
            self.format_help,
            self.intake,
            self.start_date,
            self.noted("model.duration_months", self.duration),
            self.cadence,
            self.meeting_mode,
            self.meeting_minutes,
            self.group_box,
            w.HTML(
                "<h4>Milestones</h4><div class='wb-help'>Points in every relationship, in "
                "months from its start. Lois Zachary's four phases (preparing, negotiating, "
                "enabling growth, coming to closure) are a good default set.</div>"
            ),
            self.milestone_rows.box,
            self.noted("model.milestones", w.HBox([add, zachary])),
            *self.who.widgets,
        ]

    def add_milestone(self, values: dict[str, Any] | None = None) -> MilestoneRow:
        """Append a milestone row."""
        return self.milestone_rows.add(self._milestone(values or {}))

    def remove_milestone(self, row: MilestoneRow) -> None:
        self.milestone_rows.remove(row)

    def _milestone(self, values: dict[str, Any]) -> MilestoneRow:
        """A new milestone row showing ``values`` (filled in without refreshing)."""
        row = MilestoneRow(self)
        with self.quietly():
            row.set(values)
        return row

    def use_zachary(self) -> None:
        """Add Zachary's four phases, scaled to the duration, that are not there yet."""
        with self._guard():
            try:
                duration = model.make_inputs(model={"duration_months": self.duration.value})
            except InputError:
                duration = model.make_inputs()
            names = {row.name.value.strip().lower() for row in self.milestone_rows}
            added = []
            for milestone in model.zachary_milestones(duration.model.duration_months):
                if milestone.name.lower() not in names:
                    self.add_milestone(milestone.model_dump())
                    added.append(milestone.name)
            self._set_status(
                [
                    f"Added Zachary's phases: {', '.join(added)}."
                    if added
                    else "Zachary's four phases are already there."
                ],
                ok=True,
            )

    def label(self, field: str) -> str:
        parts = field.split(".")
        if parts[:2] == ["model", "milestones"] and len(parts) >= 3 and parts[2].isdigit():
            return f"Milestone {int(parts[2]) + 1} {' '.join(parts[3:])}".strip()
        if field in _LABELS:
            return _LABELS[field]
        return parts[-1].replace("_", " ").capitalize()

    # ------------------------------------------------------------ behaviour

    def show_derived(self, inputs: ModelInputs | None, design: Design | None) -> None:
        """The format's description and fit, and the rules' notes beside their fields."""
        self._show_format()
        if design is None:
            for note in self.notes.values():
                note.value = ""
            return
        self._show_notes(design)

    def _show_format(self) -> None:
        key = self.format.value
        parts = []
        entry = knowledge.entry("models", key) if key else None
        if entry is not None:
            parts.append(
                f"{escape(' '.join(entry.description.split()))} "
                f"<b>Watch:</b> {escape(' '.join(str(entry.extra('watch')).split()))} "
                f"<i>({escape(entry.source)})</i>"
            )
        hints = model.format_hint(self.snapshot.design)
        if hints:
            titles = [
                f"{escape(knowledge.title('models', k))} ({escape(', '.join(p))})"
                for k, p in hints[:3]
            ]
            parts.append("<b>Suits your purposes:</b> " + "; ".join(titles))
        self.format_help.value = "".join(f'<div class="wb-help">{p}</div>' for p in parts)
        shown = key in GROUP_FORMATS or self.group_size.value.strip() != ""
        self.group_box.layout.display = None if shown else "none"

    def _show_notes(self, design: Design) -> None:
        items: dict[str, list[str]] = {path: [] for path in self.notes}
        for f in rules.for_step(design, self.step):
            path = self._note_for(f.field)
            if path:
                items[path].append(
                    f"<b>{escape(f.label)}</b> {escape(f.message)}. <i>{escape(f.fix)}</i>"
                )
        for a in model.advice(design):
            path = self._note_for(a.field)
            if path:
                items[path].append(f"{escape(a.message)} <i>({escape(a.source)})</i>")
        for path, note in self.notes.items():
            note.value = bullet_list(items[path], "wb-warnings")

    def _note_for(self, field: str) -> str | None:
        """The note a design path is shown in: its own, or its section's (milestones)."""
        for path in self.notes:
            if field == path or field.startswith(path + "."):
                return path
        return None

    def suggest(self) -> None:
        """What "Suggest defaults" does: fill empty fields with sourced defaults and list
        them, so nothing is prefilled silently."""
        with self._guard():
            try:
                before = self.read()
            except InputError as exc:
                self._show_problems(exc.problems)
                self._set_status(["Fix the problems above before asking for defaults."], ok=False)
                return
            after, filled = model.suggest(before)
            self.write(after)
            if filled:
                self.filled.value = (
                    f"<div class='wb-help'><b>Filled {len(filled)} empty field(s) with "
                    "defaults; review them, then Save:</b></div>"
                    + bullet_list(
                        [
                            f"{escape(self.field_label(f.field))}: {escape(f.title)} "
                            f"<i>({escape(f.source)})</i>"
                            for f in filled
                        ],
                        "wb-filled-list",
                    )
                )
            else:
                self.filled.value = (
                    "<div class='wb-help'>Every field is decided: nothing to fill.</div>"
                )
            self.refresh()

    # ------------------------------------------------------------ translation

    def _raw(self) -> dict[str, Any]:
        """The widgets' values in the inputs' shape, before validation."""
        return {
            "model": {
                "format": self.format.value,
                "intake": self.intake.value,
                "start_date": self.start_date.value,
                "duration_months": self.duration.value,
                "cadence": self.cadence.value,
                "meeting_mode": self.meeting_mode.value,
                "meeting_minutes": self.meeting_minutes.value,
                "group_size": self.group_size.value,
                "milestones": [row.values() for row in self.milestone_rows],
            },
            **self.who.values(),
        }

    def read(self) -> ModelInputs:
        return model.make_inputs(**self._raw())

    def write(self, inputs: ModelInputs) -> None:
        with self.quietly():
            m, p = inputs.model, inputs.participation
            self.format.value = m.format
            self.intake.value = m.intake
            self.start_date.value = m.start_date
            self.cadence.value = m.cadence
            self.meeting_mode.value = m.meeting_mode
            for part, names in _NUMBERS.items():
                for name in names:
                    value = getattr(inputs.model if part == "model" else p, name)
                    self._number_widget(part, name).value = plain(value)
            self.milestone_rows.replace(self._milestone(x.model_dump()) for x in m.milestones)
            self.who.show(inputs)
        if not self._quiet:
            self._show_format()

    def _number_widget(self, part: str, name: str) -> w.Text:
        if part == "model":
            return {
                "duration_months": self.duration,
                "meeting_minutes": self.meeting_minutes,
                "group_size": self.group_size,
            }[name]
        return self.people[name]

    # ------------------------------------------------------------ entry point

    @classmethod
    def from_params(
        cls,
        design_path: str | Path = "",
        *,
        model_format: str | None = None,
        intake: str | None = None,
        start_date: str | dt.date | None = None,
        duration_months: int | None = None,
        cadence: str | None = None,
        meeting_mode: str | None = None,
        meeting_minutes: int | None = None,
        group_size: int | None = None,
        milestones: list[dict[str, Any]] | None = None,
        mentee_eligibility: str | None = None,
        mentor_eligibility: str | None = None,
        voluntary: bool | None = None,
        both_roles_allowed: bool | None = None,
        expected_mentees: int | None = None,
        expected_mentors: int | None = None,
        mentor_capacity: int | None = None,
        mentor_recognition: str | None = None,
        roles: dict[str, list[str]] | None = None,
        confidentiality_statement: str | None = None,
        manager_hears_goals: bool | None = None,
        manager_receives_progress: bool | None = None,
        manager_directs_learning: bool | None = None,
        feeds_performance_review: bool | None = None,
        suggest: bool = False,
        save: bool = False,
    ) -> ModelStep | Failed:
        """Open the design, set the widgets from any parameter that is not ``None``,
        press "Suggest defaults" if ``suggest``, and press Save if ``save``, exactly as a
        person would. ``roles`` replaces only the roles it names.

        Raises:
            WorkbookError: only when ``save`` is true (a headless run must fail loudly);
                interactively the problem is shown in the step instead.
        """
        values = {k: v for k, v in locals().items() if k in PARAMETERS or k == "roles"}

        def configure(step: ModelStep) -> None:
            step.set_values(**values)
            if suggest:
                step.suggest_button.click()

        return cls.launch(design_path, configure, save=save)

    def set_values(self, **values: Any) -> None:
        """Set widgets from parameters (names as in :data:`PARAMETERS`, plus ``roles``);
        ``None`` keeps what the design has.

        Raises:
            InputError: a parameter is not acceptable, named by its design field
                (``model.duration_months``).
        """
        raw = self._raw()
        for name, value in values.items():
            if value is None:
                continue
            if name == "roles":
                if not isinstance(value, dict):
                    raw["roles"] = value  # let validation name the problem
                else:
                    raw["roles"].update(value)
                continue
            part, field = PARAMETERS[name]
            raw[part][field] = value
        # Validated with the model the widgets' values go through, so a bad parameter is
        # reported by field instead of being dropped by a widget.
        self.write(model.make_inputs(**raw))
        self.refresh()
