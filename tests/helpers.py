"""What several test modules share: where things are, and how a browser test drives the app.

Fixtures are in ``conftest.py``; the plain names and classes they and the tests use are
here, so no test module imports another.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import workbook
from workbook import steps, store
from workbook.design import (
    Confidentiality,
    Design,
    EffectivenessMeasure,
    FitReason,
    FitResult,
    Matching,
    MentoringModel,
    Milestone,
    Participation,
    RankedOption,
    Risk,
)

ROOT = Path(__file__).resolve().parent.parent
"""The checkout."""
NOTEBOOKS = workbook.NOTEBOOKS
EXAMPLE = workbook.EXAMPLE
"""The example program the package ships (design.yaml and roster.csv)."""
EXAMPLE_DESIGN = EXAMPLE / "design.yaml"
ARTIFACTS = ROOT / "test-artifacts"
"""Screenshots and pages the tests save, to look at as a person would."""
CHROMIUM = os.environ.get("WORKBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Browser checks a person relies on, as JavaScript run in the page.

UNNAMED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => {
    const named = (t) => t && t.trim().length > 0;
    const labels = [...(el.labels || [])].some(l => named(l.textContent));
    const by = (el.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)
      .some(id => named((document.getElementById(id) || {}).textContent));
    return !(labels || by || named(el.getAttribute('aria-label')) || named(el.title));
  })
  .map(el => el.outerHTML.slice(0, 120) + ' in ' +
       (el.closest('[class*=wb-]') || {className: '?'}).className)"""

SILENT_BUTTONS = """() => [...document.querySelectorAll('button')]
  .filter(b => !(b.textContent.trim() || b.title.trim() || b.getAttribute('aria-label')))
  .map(b => b.outerHTML.slice(0, 160))"""

CONTRAST = """(selector) => {
  const rgba = (c) => {  // rgb(a) in 0-255, or color(srgb r g b / a) in 0-1 (color-mix)
    const p = c.match(/[\\d.e-]+/g).map(Number);
    const k = c.startsWith('color(') ? 255 : 1;
    return [p[0] * k, p[1] * k, p[2] * k, p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3]));
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255]);
  };
  const luminance = (rgb) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]);
  };
  return [...document.querySelectorAll(selector)]
    .filter(el => el.getClientRects().length > 0 && el.innerText.trim())
    .map(el => {
      const bg = background(el);
      const fg = over(rgba(getComputedStyle(el).color), bg);
      const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
      return {cls: (el.closest('[class]') || el).className, text: el.innerText.slice(0, 60),
              ratio: (a + 0.05) / (b + 0.05), fg, bg, lum_bg: luminance(bg)};
    });
}"""


NO_OVERFLOW = """() => [...document.querySelectorAll('.wb-step')].flatMap(step => {
  const right = Math.min(step.getBoundingClientRect().right,
    step.closest('.jp-Cell-outputWrapper').getBoundingClientRect().right);
  return [...step.querySelectorAll('*')]
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > right + 1)
    .map(e => `${e.tagName}.${e.className} "${(e.textContent || '').slice(0, 40)}"`);
})"""
"""Everything drawn past the right edge of the cell that holds a step (JupyterLab and
Voila alike): at 1024 pixels a step's controls wrap instead."""
SAVE_IN_VIEW = """(height) => {
  const r = document.querySelector('.wb-save').getBoundingClientRect();
  return r.top > 0 && r.bottom <= height;
}"""
"""Whether the step's Save button is inside a window ``height`` pixels high."""


def step_notebooks() -> list[str]:
    """The overview, then every step's notebook, as the registry lists them."""
    return ["index.ipynb", *(s.notebook for s in steps.specs())]


@dataclass
class VoilaApp:
    """A running Voila server and the working files its notebooks use."""

    base_url: str
    workdir: Path
    programs: Path | None = None
    """The folder of programs the app (``app.ipynb``) lists; ``programs_app`` resets it."""

    @property
    def design(self) -> Path:
        return self.workdir / "design.yaml"

    @property
    def roster(self) -> Path:
        return self.workdir / "roster.csv"

    def url(self, notebook: str) -> str:
        return f"{self.base_url}/voila/render/{notebook}"

    def reset(self) -> None:
        """Put the example program back, with no history."""
        # The previous page's kernel may still be keeping or dropping a draft
        # (design.drafts/ comes and goes): what is already gone is fine.
        for item in self.workdir.iterdir():
            if item.is_dir():
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)
        for item in EXAMPLE.iterdir():
            if item.is_file():
                shutil.copy(item, self.workdir / item.name)


class Browse:
    """What a browser test does with the app: open a step, check for tracebacks."""

    def __init__(self, app: VoilaApp, page: object) -> None:
        self.app = app
        self.page = page

    def open(self, notebook: str, ready: str = ".wb-step") -> object:
        """Open a notebook in Voila and wait until its step's widgets are on the page."""
        page = self.page
        page.goto(self.app.url(notebook))  # type: ignore[attr-defined]
        page.wait_for_selector("#loading", state="detached", timeout=60_000)  # type: ignore[attr-defined]
        page.wait_for_selector(ready, timeout=30_000)  # type: ignore[attr-defined]
        return page

    def assert_no_traceback(self) -> None:
        """Fail if anything on the page looks like a Python traceback or a server path:
        its text, every field's value and every tooltip (the one check every app
        browser test shares)."""
        text = self.page.inner_text("body")  # type: ignore[attr-defined]
        for marker in ("Traceback", 'File "/', "site-packages", str(ROOT)):
            assert marker not in text, f"page shows {marker!r}:\n{text[:2000]}"
        assert_no_server_path(self.page, self.app)


SHOWN = """() => [
  ...[...document.querySelectorAll('input, textarea, select')].map(e => e.value || ''),
  ...[...document.querySelectorAll('[title]')].map(e => e.getAttribute('title') || ''),
  document.body.innerText,
]"""


def assert_no_server_path(page: object, app: VoilaApp) -> None:
    """No folder of the server (the checkout, the program's or the programs folder, a
    temporary folder) in the page's text, field values or tooltips."""
    folders = {str(ROOT), str(app.workdir), "/tmp/"}
    if app.programs is not None:
        folders.add(str(app.programs))
    for shown in page.evaluate(SHOWN):  # type: ignore[attr-defined]
        found = [f for f in folders if f in shown]
        assert not found, f"the page shows the server path {found[0]!r}: {shown[:300]!r}"


# ------------------------------------------------------------------ designs the tests share

HOSTILE = (
    '</td></tr></table><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
    " | pipes | # heading [link](javascript:window.pwned=3) *em* `code` &amp; <!-- "
    " costs $5 and $\\frac{ "
    "\n\n# Injected heading\n\n- injected item\n1. injected\n"
)
"""Text that would be markup in every format the charter is written in."""


def example() -> Design:
    return store.load(EXAMPLE_DESIGN).design


def complete() -> Design:
    """The example program with every decision made: a charter ready to sign.

    The decisions the tests check in detail (timing, milestones, the confidentiality
    answers, the fit result, risks) are pinned here, so the tests do not depend on how
    the example program is being edited.
    """
    d = example()
    result = FitResult(
        recommended=["mentoring"],
        summary="Mentoring fits: long-term career growth, driven by the mentee.",
        ranking=[
            RankedOption(relationship="mentoring", score=92.4),
            RankedOption(relationship="coaching", score=31),
        ],
        reasons=[
            FitReason(
                relationship="mentoring",
                question="What needs to be developed?",
                answer="Career growth",
                text="The goal is career growth",
                source="002",
                points=3,
            ),
            FitReason(relationship="coaching", text="Coaching fixes one skill", points=-2),
            FitReason(relationship="mentoring", text="The manager directs it", points=-1),
        ],
    )
    measures = [
        EffectivenessMeasure(objective=o.metric, method="Survey", when="Yearly", who="People")
        for _, o in d.objectives()
    ]
    model = d.model.model_copy(
        update={
            "start_date": dt.date(2027, 3, 1),
            "duration_months": 12,
            "cadence": "monthly",
            "milestones": [
                Milestone(name="Kick-off and mentoring agreement", month=0),
                Milestone(name="Goals refined", month=1),
                Milestone(name="Midpoint review", month=6),
                Milestone(name="Closure and celebration", month=12),
            ],
        }
    )
    confidentiality = Confidentiality(
        statement="What is said stays between mentor and mentee.",
        manager_hears_goals=True,
        manager_receives_progress=False,
        manager_directs_learning=False,
        feeds_performance_review=False,
    )
    risks = [
        Risk(risk="Not enough mentors volunteer", mitigation="Recognition", owner="Sponsor"),
        Risk(risk="Relationships fade", mitigation="Monthly pulse checks", owner="Coordinator"),
    ]
    return d.model_copy(
        update={
            "fit": d.fit.model_copy(update={"result": result}),
            "evaluation": d.evaluation.model_copy(update={"effectiveness": measures}),
            "model": model,
            "confidentiality": confidentiality,
            "risks": risks,
        }
    )


def unready() -> Design:
    """The complete design with exactly two decisions taken back."""
    d = complete()
    return d.model_copy(
        update={
            "fit": d.fit.model_copy(update={"result": None}),
            "program": d.program.model_copy(update={"owner": ""}),
        }
    )


def hostile() -> Design:
    """The complete design with hostile text in every free-text field it has.

    Every string in the saved data is replaced; the fields that refuse it (fixed
    choices and catalogue keys) are put back, so what remains is every field a user
    can type into.
    """
    data = complete().model_dump(mode="json")
    keep = {"key", "relationship", "recommended", "purposes", "objective"}

    def poison(node: Any, parent: str = "") -> Any:
        if isinstance(node, dict):
            return {k: poison(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [poison(v, parent) for v in node]
        if isinstance(node, str) and parent not in keep:
            return HOSTILE
        return node

    bad = poison(data)
    bad["evaluation"]["effectiveness"] = [
        {"objective": HOSTILE, "method": HOSTILE, "when": HOSTILE, "who": HOSTILE}
    ]
    bad["evaluation"]["quality_checklist"] = {HOSTILE: True}
    bad["matching"]["extra_criteria"] = {HOSTILE: {"mode": "same", "weight": 1}}
    while True:
        try:
            return Design.model_validate(bad)
        except ValidationError as exc:
            for err in exc.errors():
                *path, last = err["loc"]
                target, original = bad, data
                for part in path:
                    target, original = target[part], original[part]
                target[last] = original[last]


# ------------------------------------------------------------------ rosters the tests share

RENAMED = {"id": "Staff number", "department": "Dept"}
"""The example roster's columns as another HR system names them."""


def renamed_roster(path: Path, *, site: bool = True) -> None:
    """The example roster with two columns renamed and, with ``site``, a column the
    matching does not know (each person's site)."""
    rows = list(csv.reader(io.StringIO((EXAMPLE / "roster.csv").read_text("utf-8"))))
    header = [RENAMED.get(c, c) for c in rows[0]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*header, "Site"] if site else header)
    for i, row in enumerate(rows[1:]):
        writer.writerow([*row, ("Leeds", "Porto", "Austin")[i % 3]] if site else row)
    path.write_text(out.getvalue(), "utf-8")


def program_without_roster(programs: Path, key: str) -> Path:
    """A program folder holding the example's design and no roster, as a coordinator
    finds it before the first upload."""
    folder = programs / key
    folder.mkdir()
    shutil.copy(EXAMPLE / "design.yaml", folder / "design.yaml")
    return folder


def choose_file(page: Any, button: str, path: Path) -> None:
    """Click an upload button and choose ``path`` in the file dialog, as a person would."""
    with page.expect_file_chooser() as chooser:
        page.click(button)
    chooser.value.set_files(str(path))


ROSTER_COLUMNS = (
    "id,name,role,manager_id,level,department,timezone,skills_offered,skills_wanted,goals,"
    "languages,capacity,preferences,exclude,site"
)
"""The roster header the matching tests write their rows under."""


def roster_bytes(rows: list[str]) -> bytes:
    """A roster file's bytes: the header, then ``rows`` (comma-separated, in its order)."""
    return ("\n".join([ROSTER_COLUMNS, *rows]) + "\n").encode()


def matching_design(
    *, fmt: str | None = None, capacity: int | None = 1, **matching: object
) -> Design:
    """A design with only what matching reads: the format, mentees per mentor, matching."""
    return Design(
        model=MentoringModel(format=fmt),  # type: ignore[arg-type]
        participation=Participation(mentor_capacity=capacity),
        matching=Matching(**matching),  # type: ignore[arg-type]
    )


def objective_key(scores: list[int], objective: str) -> tuple[int, ...]:
    """What an objective maximises, in its order, for an assignment's integer scores:
    coverage the mentees matched then the total, quality the total then the matched,
    fairness the matched, the lowest score, then the total (brute-force checks compare
    these)."""
    matched, total, low = len(scores), sum(scores), min(scores, default=0)
    return {
        "coverage": (matched, total),
        "quality": (total, matched),
        "fairness": (matched, low, total),
    }[objective]
