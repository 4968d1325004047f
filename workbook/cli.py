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
@reports_problems
def validate(path: Path) -> None:
    """Check the design at PATH; exit 0 when it is valid, 2 otherwise."""
    store.load(path)
    click.echo(f"{path}: valid")


def main() -> None:
    """Console-script entry point."""
    cli()
