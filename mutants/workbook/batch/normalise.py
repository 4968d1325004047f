"""Make an executed notebook's bytes depend only on its inputs.

papermill's and nbclient's timing metadata goes, papermill's injected and error cells
get fixed ids, absolute paths in papermill's metadata become relative, and the widget
model ids (random UUIDs) are renumbered in the order the notebook reaches them, so two
runs of ``workbook run`` on the same inputs write the same files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbook import store

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
TIMING = ("start_time", "end_time", "duration")
REFERENCE = "IPY_MODEL_"


def normalise(nb: dict[str, Any], name: str, output: str) -> dict[str, Any]:
    """Make an executed notebook (as JSON data) independent of when and where it ran.

    Args:
        nb: the notebook, changed in place and returned.
        name: the source notebook's file name (papermill's ``input_path``).
        output: the output's path relative to the program folder (``output_path``).
    """
    meta = nb.setdefault("metadata", {})
    papermill = meta.get("papermill", {})
    for key in TIMING:
        papermill.pop(key, None)
    if "input_path" in papermill:
        papermill["input_path"] = name
    if "output_path" in papermill:
        papermill["output_path"] = output
    for index, cell in enumerate(nb.get("cells", [])):
        cell_meta = cell.setdefault("metadata", {})
        cell_meta.pop("execution", None)
        for key in TIMING:
            cell_meta.get("papermill", {}).pop(key, None)
        tags = cell_meta.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            anchor = "papermill-error-cell" in "".join(cell.get("source", ""))
            cell["id"] = "papermill-error-anchor" if anchor else f"papermill-error-{index}"
    renumber_widgets(nb)
    return nb


def renumber_widgets(nb: dict[str, Any]) -> None:
    """Replace the random widget model ids with ``00..01``, ``00..02`` ... in the order
    the notebook reaches them: the cells' outputs first, then each model's references
    (``IPY_MODEL_<id>``, nested output views), depth first, dictionary keys sorted.
    Models nothing reaches (widgets built but never shown) come last, ordered by their
    content and the content of everything they reference."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state")
    if not state:
        return
    order: list[str] = []

    def reached(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            key = value.removeprefix(REFERENCE)
            if key in state:
                yield key
        elif isinstance(value, dict):
            for k in sorted(value):
                yield from reached(value[k])
        elif isinstance(value, list):
            for item in value:
                yield from reached(item)

    def visit(value: Any) -> None:
        for key in reached(value):
            if key not in seen:
                seen.add(key)
                order.append(key)
                visit(state[key])

    seen: set[str] = set()
    visit([cell.get("outputs", []) for cell in nb.get("cells", [])])
    digests: dict[str, str] = {}

    def by_digest(key: str) -> str:
        return _digest(key, state, digests, ())

    rest = [k for k in state if k not in seen]
    referenced = {ref for k in rest for ref in reached(state[k]) if ref != k}
    roots = [k for k in rest if k not in referenced]
    # Roots with equal digests have equal subtrees, so their order does not show.
    for key in [*sorted(roots, key=by_digest), *sorted(rest, key=by_digest)]:
        if key not in seen:
            seen.add(key)
            order.append(key)
            visit(state[key])
    new = {old: f"{n + 1:032x}" for n, old in enumerate(order)}

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            key = value.removeprefix(REFERENCE)
            if key in new:
                return value[: len(value) - len(key)] + new[key]
            return value
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value

    nb["cells"] = rename(nb.get("cells", []))
    widgets = nb["metadata"]["widgets"][WIDGET_STATE]
    widgets["state"] = {new[k]: rename(state[k]) for k in order}


def _digest(key: str, state: dict[str, Any], memo: dict[str, str], path: tuple[str, ...]) -> str:
    """A model's content with every reference replaced by the referenced model's digest,
    so that two models differ whenever anything they show differs."""
    if key in memo:
        return memo[key]
    if key in path:
        return "cycle"

    def mask(value: Any) -> Any:
        if isinstance(value, str):
            ref = value.removeprefix(REFERENCE)
            return _digest(ref, state, memo, (*path, key)) if ref in state else value
        if isinstance(value, dict):
            return {k: mask(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        return value

    text = json.dumps(mask(state[key]), sort_keys=True, ensure_ascii=False)
    memo[key] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return memo[key]


def normalise_file(path: Path, relative_to: Path) -> None:
    """Normalise an executed notebook on disk (atomically rewritten)."""
    nb = json.loads(path.read_text("utf-8"))
    normalise(nb, path.name, path.relative_to(relative_to).as_posix())
    # nbformat's own layout: one-space indent, sorted keys, a final newline.
    text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    store.atomic_write(path, text.encode("utf-8"))
