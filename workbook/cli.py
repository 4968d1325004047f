"""The ``workbook`` command line.

Every command reports the workbook's own errors one problem per line on stderr, in the
form ``FILE: field.path: what is wrong; what to do``, and exits with status 2. Any other
exception is a bug and is left to fail loudly with its traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from workbook import __version__, store
from workbook.errors import WorkbookError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_PROBLEMS = 2
"""Exit status when the input has problems the user can fix (click uses 2 for usage too)."""


def reports_problems(func: F) -> F:
    """Print a :class:`WorkbookError` as one line per problem and exit 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except WorkbookError as exc:
            for line in exc.lines():
                click.echo(line, err=True)
            sys.exit(EXIT_PROBLEMS)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbook")
def cli() -> None:
    """Design a workplace mentoring program and produce its charter."""


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default="", help="The program's name.")
@reports_problems
def new(path: Path, name: str) -> None:
    """Write a new, blank design to PATH (never overwrites an existing file)."""
    snapshot = store.create(path, name)
    click.echo(f"{snapshot.path}: new design written (revision {snapshot.design.revision})")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings (rule breaches) too.")
@reports_problems
def validate(path: Path, strict: bool) -> None:
    """Check the design at PATH against the schema and the rules R1..R10.

    Prints errors and warnings one line each; exits 2 when there are errors (or any
    warning with --strict), 0 otherwise.
    """
    from workbook import rules

    findings = rules.check(store.load(path).design)
    for finding in findings:
        click.echo(finding.to_problem(str(path)).format(), err=True)
    if rules.errors(findings) or (strict and findings):
        sys.exit(EXIT_PROBLEMS)
    warned = f" with {len(findings)} warning(s)" if findings else ""
    click.echo(f"{path}: valid{warned}")


def main() -> None:
    """Console-script entry point."""
    cli()
