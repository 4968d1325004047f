"""Widgets for design step 2: focus areas of the relationship, linked to the purposes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w

from workbook import knowledge, store
from workbook.design import Design
from workbook.errors import InputError
from workbook.steps import focus_areas
from workbook.steps.focus_areas import FocusAreasInputs
from workbook.ui.base import Failed, Step, bullet_list, escape

_PRIORITY_OPTIONS = [("High", "high"), ("Medium", "medium"), ("Low", "low")]


def keep_order(previous: list[Any], current: list[Any]) -> list[Any]:
    """``current`` in the order items were first chosen: earlier ones keep their place,
    new ones go last (so opening and saving a design does not reorder it)."""
    kept = [item for item in previous if item in current]
    return kept + [item for item in current if item not in kept]


def _purpose_title(design: Design, key: str) -> str:
    found = design.purpose(key)
    if found is not None and found.title:
        return found.title
    entry = knowledge.entry("purposes", key)
    return entry.title if entry else key


class AreaRow:
    """The widgets of one focus area: from the catalogue (a checkbox) or written in."""

    def __init__(self, step: FocusAreasStep, key: str | None) -> None:
        self.step = step
        self.catalogued = key is not None
        self.order: list[str] = []  # linked purposes, in the order they were linked
        entry = knowledge.entry("focus_areas", key) if key else None
        css = f"wb-focus-{key}" if key else "wb-focus-custom"
        if entry is not None:
            self.key = key or ""
            self.include = w.Checkbox(description=entry.title, indent=False).add_class(
                "wb-focus-include"
            )
            self.include.layout.width = "260px"
            self.name: w.Text | None = None
            self.remove: w.Button | None = None
            head: list[w.Widget] = [self.include]
            usual = [
                _purpose_title(step.snapshot.design, p)
                for p in focus_areas.purposes_served(step.snapshot.design, self.key)
            ]
            hint = escape(entry.description)
            if usual:
                hint += (
                    ' <span class="wb-suggested"><b>Suggested:</b> serves '
                    f"{escape(', '.join(usual))}</span>"
                )
            head.append(
                w.HTML(f'<span class="wb-help">{hint}</span>', layout=w.Layout(width="640px"))
            )
        else:
            self.key = ""
            self.include = w.Checkbox(value=True)  # written-in areas are always included
            self.name = w.Text(
                description="Focus area",
                placeholder="name of a focus area not in the catalogue",
                layout=w.Layout(width="420px"),
            ).add_class("wb-focus-name")
            self.remove = w.Button(description="Remove", icon="trash").add_class("wb-focus-remove")
            self.remove.on_click(lambda _b: step.remove_area(self))
            head = [self.name, self.remove]
        self.priority = w.Dropdown(
            description="Priority", options=_PRIORITY_OPTIONS, value="medium"
        ).add_class("wb-focus-priority")
        self.priority.layout.width = "220px"
        self.purposes = {
            p.key: w.Checkbox(
                description=_purpose_title(step.snapshot.design, p.key), indent=False
            ).add_class(f"wb-focus-purpose-{p.key}")
            for p in step.snapshot.design.purposes
        }
        for box in self.purposes.values():
            box.layout.width = "auto"
        self.note = w.Text(
            description="Note",
            placeholder="what the pairs work on, in the program's words",
            layout=w.Layout(width="600px"),
        ).add_class("wb-focus-note")
        serves = w.HBox(
            [w.HTML('<span class="wb-help">Serves:&nbsp;</span>'), *self.purposes.values()]
        )
        if not self.purposes:
            serves = w.HBox(
                [w.HTML('<span class="wb-help">No purposes chosen yet (step 1).</span>')]
            )
        self.serves = serves.add_class("wb-focus-purposes")
        self.details = w.VBox([w.HBox([self.priority, serves]), self.note])
        self.box = w.VBox([w.HBox(head), self.details]).add_class("wb-focus-area")
        self.box.add_class("wb-row")
        self.box.add_class(css)
        self.include.observe(self._included, names="value")
        for key, box in self.purposes.items():
            box.observe(lambda change, key=key: self._linked(key, change), names="value")
        for widget in (self.priority, self.note, *([self.name] if self.name else [])):
            widget.observe(step.refresh, names="value")
        self._show_details()

    def _show_details(self) -> None:
        self.details.layout.display = None if self.include.value else "none"

    def _included(self, _change: Any) -> None:
        self._show_details()
        self.step.included(self)

    def _linked(self, key: str, change: Any) -> None:
        self.order = keep_order(self.order, self.linked_now())
        self.step.refresh()

    def linked_now(self) -> list[str]:
        return [k for k, box in self.purposes.items() if box.value]

    def widgets(self) -> dict[str, w.Widget]:
        """Input field name -> widget, for this row."""
        return {
            "key": self.name if self.name is not None else self.include,
            "priority": self.priority,
            "purposes": self.serves,
            "note": self.note,
        }

    def values(self) -> dict[str, Any]:
        self.order = keep_order(self.order, self.linked_now())
        return {
            "key": self.name.value if self.name is not None else self.key,
            "priority": self.priority.value,
            "purposes": list(self.order),
            "note": self.note.value,
        }

    def set(self, values: dict[str, Any]) -> None:
        if self.name is not None:
            self.name.value = values.get("key", "")
        self.priority.value = values.get("priority", "medium")
        wanted = list(values.get("purposes", []))
        for key, box in self.purposes.items():
            box.value = key in wanted
        self.order = [k for k in wanted if k in self.purposes]  # after the boxes' callbacks
        self.note.value = values.get("note", "")


class FocusAreasStep(Step[FocusAreasInputs]):
    """Step 2: what the relationships focus on, with priorities, linked to the purposes."""

    step = "focus_areas"
    help = (
        "What will mentors and mentees work on? Include the focus areas the program needs, "
        "give each a priority and link it to the purposes (step 1) it serves; areas that "
        "serve your purposes are marked as suggested. Skill coaching can be one strategy a "
        "mentor uses inside the relationship, but a program of only skill coaching is a "
        "coaching program, not mentoring (sources 002, 004)."
    )

    def __init__(self, snapshot: store.Snapshot) -> None:
        self.rows: dict[str, AreaRow] = {}
        self.custom: list[AreaRow] = []
        self._order: list[AreaRow] = []
        super().__init__(snapshot, focus_areas.inputs_from, focus_areas.apply)

    # ------------------------------------------------------------ widgets

    def build(self) -> list[w.Widget]:
        for entry in knowledge.focus_areas():
            self.rows[entry.key] = AreaRow(self, entry.key)
        self.custom_box = w.VBox().add_class("wb-focus-custom-list")
        add = w.Button(description="Add another focus area", icon="plus").add_class(
            "wb-add-focus-area"
        )
        add.on_click(lambda _b: self.add_area())
        self.suggest_button = w.Button(
            description="Suggest focus areas",
            icon="magic",
            tooltip="Include the focus areas that serve your purposes and link them",
        ).add_class("wb-suggest")
        self.suggest_button.layout.width = "220px"
        self.suggest_button.on_click(lambda _b: self.suggest())
        self.advice = w.HTML().add_class("wb-advice-box")
        return [
            w.HTML("<h3>Focus areas from the catalogue</h3>"),
            self.suggest_button,
            *[row.box for row in self.rows.values()],
            w.HTML("<h3>Other focus areas</h3>"),
            self.custom_box,
            add,
            self.advice,
        ]

    def add_area(self, values: dict[str, Any] | None = None) -> AreaRow:
        """Append a written-in focus area."""
        row = AreaRow(self, None)
        with self.quietly():
            row.set(values or {})
        self.custom.append(row)
        self.custom_box.children = [r.box for r in self.custom]
        self.included(row)
        return row

    def remove_area(self, row: AreaRow) -> None:
        self.custom.remove(row)
        self.custom_box.children = [r.box for r in self.custom]
        self.included(row)

    def included(self, _row: AreaRow | None = None) -> None:
        """A focus area was included or left out: keep the designer's order, refresh."""
        self._order = keep_order(self._order, self._chosen_now())
        self.refresh()

    def _chosen_now(self) -> list[AreaRow]:
        return [r for r in self.rows.values() if r.include.value] + list(self.custom)

    def _chosen(self) -> list[AreaRow]:
        self._order = keep_order(self._order, self._chosen_now())
        self._fields = {}
        for i, row in enumerate(self._order):
            for name, widget in row.widgets().items():
                self._fields[f"focus_areas.{i}.{name}"] = widget
        return list(self._order)

    def label(self, field: str) -> str:
        parts = field.split(".")
        if parts[0] == "focus_areas" and len(parts) >= 2 and parts[1].isdigit():
            chosen = self._order
            index = int(parts[1])
            name = f"Focus area {index + 1}"
            if index < len(chosen):
                row = chosen[index]
                entry = knowledge.entry("focus_areas", row.key)
                name = entry.title if entry else (row.values()["key"] or name)
            rest = " ".join(parts[2:]).replace("_", " ")
            return f"{name} {rest}".strip()
        return super().label(field)

    def show_derived(self, inputs: FocusAreasInputs | None, design: Design | None) -> None:
        """The sources' advice on the chosen areas (kept as it was while a value is bad)."""
        if design is None:
            return
        self.advice.value = bullet_list(
            [
                f"{escape(a.message)} <i>({escape(a.source)})</i>"
                for a in focus_areas.advice(design)
            ],
            "wb-advice wb-warnings",
        )

    def suggest(self) -> None:
        """What "Suggest focus areas" does: include the areas serving the design's
        purposes and link unlinked areas, filling only what is empty, and say so."""
        with self._guard():
            try:
                before = self.read()
            except InputError as exc:
                self._show_problems(exc.problems)
                self._set_status(
                    ["Fix the problems above before asking for suggestions."], ok=False
                )
                return
            after = focus_areas.suggest(self.snapshot.design, before)
            self.write(after)
            added = [a.key for a in after.focus_areas[len(before.focus_areas) :]]
            linked = [
                a.key
                for a, b in zip(after.focus_areas, before.focus_areas, strict=False)
                if a.purposes != b.purposes
            ]
            lines = []
            if added:
                lines.append("Included: " + ", ".join(self._area_title(k) for k in added) + ".")
            if linked:
                lines.append(
                    "Linked to your purposes: "
                    + ", ".join(self._area_title(k) for k in linked)
                    + "."
                )
            self._set_status(
                lines or ["Nothing to suggest: every suggested area is already there."], ok=True
            )
            self.refresh()

    @staticmethod
    def _area_title(key: str) -> str:
        entry = knowledge.entry("focus_areas", key)
        return entry.title if entry else key

    # ------------------------------------------------------------ translation

    def read(self) -> FocusAreasInputs:
        return focus_areas.make_inputs(focus_areas=[row.values() for row in self._chosen()])

    def write(self, inputs: FocusAreasInputs) -> None:
        with self.quietly():
            for row in self.rows.values():
                row.include.value = False
            self.custom = []
            order: list[AreaRow] = []
            for area in inputs.focus_areas:
                found = self.rows.get(area.key)
                if found is None or found in order:  # written in (or a hand-made duplicate)
                    found = AreaRow(self, None)
                    self.custom.append(found)
                else:
                    found.include.value = True
                found.set(area.model_dump())
                order.append(found)
            self.custom_box.children = [r.box for r in self.custom]
            self._order = order
            self._chosen()

    # ------------------------------------------------------------ entry point

    @classmethod
    def from_params(
        cls,
        design_path: str | Path = "",
        *,
        focus_areas: list[dict[str, Any]] | None = None,
        suggest: bool = False,
        save: bool = False,
    ) -> FocusAreasStep | Failed:
        """Open the design, set the focus areas if given (``None`` keeps the design's),
        press "Suggest focus areas" if ``suggest``, and press Save if ``save``.

        Raises:
            WorkbookError: only when ``save`` is true (a headless run must fail loudly);
                interactively the problem is shown in the step instead.
        """

        def configure(step: FocusAreasStep) -> None:
            step.set_values(focus_areas=focus_areas)
            if suggest:
                step.suggest_button.click()

        return cls.launch(design_path, configure, save=save)

    def set_values(self, **values: Any) -> None:
        """Set widgets from parameters; ``None`` keeps what the design has.

        Raises:
            InputError: a parameter is not a valid focus area (named by field).
        """
        if values.get("focus_areas") is not None:
            # Validated with the model the widgets' values go through, so a bad
            # parameter is reported by field instead of being dropped by a widget.
            inputs = focus_areas.make_inputs(focus_areas=values["focus_areas"])
            focus_areas.apply(self.snapshot.design, inputs)  # purposes the design lacks
            self.write(inputs)
        self.refresh()
