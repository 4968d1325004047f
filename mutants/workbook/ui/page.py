"""What every page of the workbook shares: its styles, escaping, status lines, the one
guard around callbacks, and the names that keep server paths off the page.

Stakeholders see these pages in Voila; designers see the same widgets in JupyterLab.
Three habits hold everywhere, and live here so they cannot drift apart:

* **Styles are files.** ``style.css`` (every step) and ``app.css`` (the app shell) ship
  in this package; :data:`STYLE` and :data:`APP_STYLE` are them as HTML widget values.
* **Nothing a callback raises reaches the page.** Voila hides a traceback only while the
  page loads; after that an exception makes a button seem dead. :func:`guarded` keeps
  the workbook's own errors as the problems they are (a headless run raises them) and
  reports anything else as a bug in plain words, logged on the server.
* **Advice fits where the person is.** :func:`in_app` tells the Voila app from a
  notebook (JupyterLab, or a headless run); :func:`start_again` says how to start a
  step again in either, and :class:`StepView` puts "Run all cells to show this step"
  first in a notebook's output, where a notebook reopened without its kernel would
  otherwise show only "Error displaying widget: model not found".
* **No server path is shown.** :func:`shown_path` names a file from the program's
  folder (``output/matches.csv``), else by its folder and name; :func:`shown_lines`
  rewrites an error's lines the same way.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
from collections.abc import Iterator, Sequence
from importlib.resources import files
from pathlib import Path

import ipywidgets as w

from workbook.errors import Problem, WorkbookError

log = logging.getLogger(__name__)


def _stylesheet(name: str) -> str:
    return f"<style>{files(__package__).joinpath(name).read_text('utf-8')}</style>"


STYLE = _stylesheet("style.css")
"""The workbook's stylesheet (``workbook/ui/style.css``) as an HTML widget's value."""
APP_STYLE = _stylesheet("app.css")
"""The app shell's stylesheet (``workbook/ui/app.css``) as an HTML widget's value."""


def in_app() -> bool:
    """True in the Voila app (Voila names itself in ``$SERVER_SOFTWARE`` for its
    kernels), False in JupyterLab, a classic notebook or a headless run."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila/")


def start_again() -> str:
    """How a person starts a step again where they are: the app's page is reloaded, a
    notebook's cells are run again."""
    if in_app():
        return "reload the page"
    return "run the notebook's cells again (Run menu, Run All Cells)"


RERUN_HINT = (
    '<div class="wb-rerun-hint" style="padding: 0.4em 0.8em; '
    'border-left: 4px solid var(--jp-warn-color1, #f0a020);">'
    "<strong>Run all cells to show this step</strong> (Run menu, Run All Cells). "
    "The step's form is drawn by the notebook's Python kernel, so a notebook opened "
    "again shows it only once its cells have run.</div>"
)
"""The first output of a step in a notebook. ``style.css`` hides it as soon as the step
beside it is drawn; a reopened notebook, whose widgets cannot be drawn without their
kernel, shows it above Lab's "model not found" errors."""


class StepView(w.VBox):  # type: ignore[misc]
    """A page of the workbook (a step, the overview), as a notebook cell shows it.

    Displayed in a notebook, a page of widgets puts :data:`RERUN_HINT` before itself,
    and a page made only of HTML (``static``, the overview) is shown as an ordinary
    output, whose links JupyterLab opens as documents instead of reloading itself. The
    app (Voila) shows the widgets as they are. Otherwise an ordinary ``VBox``.
    """

    def __init__(self, children: Sequence[w.Widget] = (), *, static: bool = False) -> None:
        super().__init__(list(children))
        self.static = static

    def _ipython_display_(self, **kwargs: object) -> None:
        from IPython.display import HTML, display

        if in_app():
            display(self._repr_mimebundle_(**kwargs), raw=True)
        elif self.static:
            inner = "".join(
                f'<div class="{" ".join(child._dom_classes)}">{child.value}</div>'
                for child in self.children
            )
            display(HTML(f'<div class="{" ".join(self._dom_classes)}">{inner}</div>'))
        else:
            display(HTML(RERUN_HINT))
            display(self._repr_mimebundle_(**kwargs), raw=True)


def escape(text: object) -> str:
    """HTML-escape anything a user may have typed before it goes into an HTML widget."""
    return html.escape(str(text), quote=True)


def plain(value: object) -> str:
    """How a value reads back in a text box: 88.0 -> "88", None -> "" (undecided)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def bullet_list(items: Sequence[str], css: str) -> str:
    """An HTML list of already-escaped items inside a div of class ``css``."""
    if not items:
        return ""
    lis = "".join(f"<li>{item}</li>" for item in items)
    return f'<div class="{css}"><ul>{lis}</ul></div>'


def status(lines: Sequence[str], *, ok: bool) -> str:
    """A status line (escaped, one line per item), green when ``ok``, red otherwise;
    ``role="status"`` so a screen reader announces it."""
    css = "wb-status-ok" if ok else "wb-status-error"
    return f'<span class="{css}" role="status">{"<br>".join(escape(x) for x in lines)}</span>'


def shown_path(path: Path, folder: Path | None = None) -> str:
    """A file as a page names it: relative to ``folder`` (the program's) when inside it,
    else its own folder's name and its name; never the server path."""
    if folder is not None:
        for inside, base in ((path, folder), (path.resolve(), folder.resolve())):
            with contextlib.suppress(ValueError):
                return inside.relative_to(base).as_posix()
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def shown_lines(error: WorkbookError, *folders: Path) -> list[str]:
    """The error's lines with every path inside ``folders`` shown relative to the first
    folder that holds it, and any other file named by :func:`shown_path`."""
    problems = [
        Problem(**{**vars(p), "file": _shown_file(p.file, folders)}) if p.file else p
        for p in error.problems
    ]
    prefixes = sorted(
        {f"{prefix}{os.sep}" for folder in folders for prefix in (folder, folder.resolve())},
        key=len,
        reverse=True,
    )
    lines = []
    for problem in problems:
        line = problem.format()
        for prefix in prefixes:
            line = line.replace(prefix, "")
        lines.append(line)
    return lines


def _shown_file(file: str, folders: Sequence[Path]) -> str:
    path = Path(file)
    if not path.is_absolute() and not folders:
        return file
    for folder in folders:
        with contextlib.suppress(ValueError):
            return path.resolve().relative_to(folder.resolve()).as_posix()
    return shown_path(path) if path.is_absolute() else file


def problem_text(problem: Problem) -> str:
    """What is wrong and what to do, without the field path a stakeholder never typed."""
    text = problem.message
    if problem.fix:
        text += f"; {problem.fix}"
    return text[:1].upper() + text[1:] + "."


@contextlib.contextmanager
def guarded(
    where: w.HTML,
    what: str,
    *,
    headless: bool = False,
    nothing: str = "Nothing was changed.",
    folders: Sequence[Path] = (),
) -> Iterator[None]:
    """Run a callback's body so that nothing it raises escapes to the page.

    Args:
        where: the status line that says what happened.
        what: what the callback was doing, for the bug report ("running the match").
        headless: let the workbook's own errors through (a papermill run must fail on
            them); interactively they are shown in ``where``.
        nothing: what the page promises was left as it was when something broke.
        folders: the program's folders, for :func:`shown_lines`.
    """
    try:
        yield
    except WorkbookError as exc:
        if headless:
            raise
        where.value = status(shown_lines(exc, *folders), ok=False)
    except Exception as exc:
        log.exception("unexpected error while %s", what)
        where.value = status(
            [
                f"Something went wrong inside the workbook ({type(exc).__name__}) while "
                f"{what}. {nothing} Please report this as a bug."
            ],
            ok=False,
        )
        if headless:
            raise


def close_tree(widget: w.Widget) -> None:
    """Close a widget and every widget inside it (frees them in the kernel and page)."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()
