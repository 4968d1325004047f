"""The layers, checked: dependencies point one way, and each subpackage is used through
its face.

knowledge and errors -> design -> the domain (store, rules, steps, matching, charter,
batch, ...) -> ui (the only place that imports ipywidgets) -> notebooks. Every import
in the package, at the top of a module or inside a function, is read from the source.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import workbook

PACKAGE = Path(workbook.__file__).parent


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every workbook module a file imports (``from workbook import x`` counts as the
    module ``workbook.x`` when x is one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("workbook")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("workbook"):
                continue
            found.add(node.module)
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if _exists(candidate):
                    found.add(candidate)
    return found


def _exists(module: str) -> bool:
    base = PACKAGE.parent.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


GRAPH = {_module(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _inside(module: str, package: str) -> bool:
    """``module`` is ``package`` or in it; ``"workbook.steps."`` means only its modules."""
    if package.endswith("."):
        return module.startswith(package)
    return module == package or module.startswith(package + ".")


def offenders(where: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    """Modules inside ``where`` that import something inside ``forbidden``."""
    return sorted(
        f"{module} imports {imported}"
        for module, imports in GRAPH.items()
        if _inside(module, where)
        for imported in imports
        if any(_inside(imported, f) for f in forbidden)
        and not any(_inside(imported, a) for a in allowed)
        and not _inside(imported, where)
    )


def test_the_graph_sees_the_package() -> None:
    assert {"workbook.matching.pipeline", "workbook.charter.document", "workbook.ui.app"} <= set(
        GRAPH
    )
    assert "workbook.matching.scoring" in GRAPH["workbook.matching.pipeline"]


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("workbook.knowledge", ("workbook",)),
        ("workbook.errors", ("workbook",)),
        ("workbook.design", ("workbook.store", "workbook.rules", "workbook.steps",
                             "workbook.matching", "workbook.charter", "workbook.ui")),
        ("workbook.matching", ("workbook.ui", "workbook.charter", "workbook.steps",
                               "workbook.batch", "workbook.server", "workbook.rules")),
        # the step registry tells the charter which step decides a field; no step's module
        ("workbook.charter", ("workbook.ui", "workbook.steps.", "workbook.batch")),
        ("workbook.steps", ("workbook.ui", "workbook.batch", "workbook.server")),
        ("workbook.batch", ("workbook.ui", "workbook.matching", "workbook.charter")),
        ("workbook.rules", ("workbook.ui", "workbook.matching", "workbook.charter")),
        ("workbook.store", ("workbook.ui", "workbook.matching", "workbook.charter",
                            "workbook.rules")),
    ],
)  # fmt: skip
def test_dependencies_point_one_way(layer: str, forbidden: tuple[str, ...]) -> None:
    allowed = ("workbook.errors", "workbook.knowledge") if forbidden == ("workbook",) else ()
    if layer == "workbook.knowledge":
        allowed = ("workbook.errors",)
    assert offenders(layer, forbidden, allowed) == []


def test_the_charter_never_imports_the_matching_internals() -> None:
    # The charter describes criteria through the face; the solver, scoring and exports
    # are the pipeline's own.
    assert offenders("workbook.charter", ("workbook.matching.",)) == []


def test_the_step_registry_imports_no_step() -> None:
    assert [m for m in GRAPH["workbook.steps"] if _inside(m, "workbook.steps.")] == []


def test_only_the_ui_imports_ipywidgets() -> None:
    for path in PACKAGE.rglob("*.py"):
        module = _module(path)
        if _inside(module, "workbook.ui"):
            continue
        tree = ast.parse(path.read_text("utf-8"))
        names = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            node.module.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert "ipywidgets" not in names, module


def test_importing_the_domain_loads_no_widgets_and_the_charter_no_solver() -> None:
    domain = sorted(m for m in GRAPH if not _inside(m, "workbook.ui") and m != "workbook.__main__")
    code = (
        "import sys\n"
        "import workbook.charter, workbook.steps.matching\n"
        "light = sorted(m for m in ('numpy', 'pandas', 'ortools') if m in sys.modules)\n"
        + "".join(f"import {m}\n" for m in domain)
        + "print(light, 'ipywidgets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "False"]
