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
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import click

from workbook import __version__, store
from workbook import steps as registry
from workbook.design import MatchObjective
from workbook.errors import WorkbookError

if TYPE_CHECKING:
    from workbook import batch as run_module
    from workbook.matching import Mode  # pandas and numpy: only when matching

P = ParamSpec("P")
R = TypeVar("R")

EXIT_PROBLEMS = 2
"""Exit status when the input has problems the user can fix (click uses 2 for usage too)."""


def reports_problems(func: Callable[P, R]) -> Callable[P, R]:
    """Print a :class:`WorkbookError` as one line per problem and exit 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except WorkbookError as exc:
            for line in exc.lines():
                click.echo(line, err=True)
            sys.exit(EXIT_PROBLEMS)

    return wrapper


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


objective_option = click.option(
    "--objective",
    type=click.Choice(["coverage", "quality", "fairness"]),
    default=None,
    help="Override the design's objective.",
)
review_option = click.option(
    "--review",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The coordinator's pins and forbidden pairs (mentee_id,mentor_id,action).",
)
"""Options the commands that match a roster share, worded once."""


@cli.command("match")
@click.argument("design", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the exports: new, or one the workbook wrote before.",
)
@objective_option
@click.option(
    "--mode",
    type=click.Choice(["assign", "group", "shortlist"]),
    default=None,
    help="Override the mode the design implies.",
)
@click.option("--all-scores", is_flag=True, help="Also write pair_scores.csv (every allowed pair).")
@review_option
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A previous cohort's matches.csv; its pairs are not repeated (to keep a running "
    "program's pairs instead, see --keep).",
)
@click.option(
    "--keep",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The running program's matches.csv: its pairs that are still allowed are kept as "
    "they are and only the mentees without a mentor are matched, into the places left; "
    "running_pairs.csv says why any pair could not be kept. Unlike --previous, which "
    "forbids a past cohort's pairs.",
)
@click.option(
    "--record",
    is_flag=True,
    help="Save the run's aggregates (counts, scores; never names) in the design for the charter.",
)
@click.option(
    "--why-not",
    "why_not",
    nargs=2,
    metavar="MENTEE_ID MENTOR_ID",
    default=None,
    help="Say why this mentee did not get this mentor (and what forcing the pair would "
    "cost) instead of writing the exports.",
)
@reports_problems
def match_command(
    design: Path,
    roster: Path,
    outdir: Path,
    objective: MatchObjective | None,
    mode: Mode | None,
    all_scores: bool,
    review: Path | None,
    previous: Path | None,
    keep: Path | None,
    record: bool,
    why_not: tuple[str, str] | None,
) -> None:
    """Match the mentees and mentors of ROSTER under DESIGN's settings; write to OUTDIR.

    A refused roster prints one line per problem and exits 2; nothing is written.
    """
    from workbook import matching

    snapshot = store.load(design)
    if why_not is not None:
        from workbook.matching import whynot

        answer = whynot.why_not(
            snapshot.design,
            roster,
            *why_not,
            objective=objective,
            review=review,
            previous=previous,
            running=keep,
        )
        for line in whynot.in_words(answer):
            click.echo(line)
        return
    result = matching.match(
        snapshot.design,
        roster,
        outdir,
        objective=objective,
        mode=mode,
        all_scores=all_scores,
        review=review,
        previous=previous,
        keep=keep,
    )
    s = result.summary
    click.echo(
        f"{outdir}: matched {s.matched} of {s.mentees} mentees with {s.mentors} mentors "
        f"(objective {s.objective}, optimal, total score {s.total_score}) in {s.seconds} s"
    )
    if s.must_haves:
        click.echo(f"{outdir}: must-haves: the mentor " + "; the mentor ".join(s.must_haves))
    click.echo(
        f"{outdir}: {s.close_calls} close call(s) (matches.csv says which and why), "
        f"{s.blocking_pairs} blocking pair(s)"
    )
    if s.kept is not None:
        click.echo(
            f"{outdir}: kept {s.kept} running pair(s); {s.dropped} could not be kept"
            + (" (running_pairs.csv says why)" if s.dropped else "")
        )
        if result.running is not None:
            for row in result.running[result.running["kept"] == "no"].itertuples():
                click.echo(f"  not kept: {row.mentee_id} with {row.mentor_id}: {row.why}")
    if record:
        store.save(matching.record_results(snapshot.design, result), snapshot)
        click.echo(f"{design}: aggregates recorded in matching.results")


@cli.command("plan-supply")
@click.argument("design", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--capacity",
    type=click.IntRange(1, 50),
    default=None,
    help="Mentees each new mentor would take (default: the design's mentees per mentor).",
)
@objective_option
@review_option
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A previous cohort's matches.csv; its pairs are not repeated.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@reports_problems
def plan_supply_command(
    design: Path,
    roster: Path,
    capacity: int | None,
    objective: MatchObjective | None,
    review: Path | None,
    previous: Path | None,
    as_json: bool,
) -> None:
    """How many more mentors, and which, would match every mentee of ROSTER under DESIGN.

    ROSTER may hold mentees only (before mentors are recruited). Also says what one
    more place with each current mentor would change. Writes nothing; the plan names no
    mentee.
    """
    import json

    from workbook.matching import supply

    snapshot = store.load(design)
    plan = supply.plan_supply(
        snapshot.design,
        roster,
        capacity=capacity,
        objective=objective,
        review=review,
        previous=previous,
    )
    if as_json:
        click.echo(json.dumps(supply.to_json(plan), indent=2))
        return
    for line in supply.in_words(plan):
        click.echo(line)


@cli.command("evaluate")
@click.argument("design", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("outcomes", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for evaluation.json and the report: new, or one the workbook wrote before.",
)
@click.option(
    "--survey",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The survey file (one row per respondent, one column per item).",
)
@click.option(
    "--covariates",
    default=None,
    help="Compare like with like on these columns (COL,COL), instead of the design's list.",
)
@click.option(
    "--formats",
    default="md,html,docx",
    show_default=True,
    help="Report formats, comma-separated (md, html, docx).",
)
@click.option(
    "--record",
    is_flag=True,
    help="Save the run's aggregates in the design, for the charter's results addendum.",
)
@reports_problems
def evaluate_command(
    design: Path,
    outcomes: Path,
    outdir: Path,
    survey: Path | None,
    covariates: str | None,
    formats: str,
    record: bool,
) -> None:
    """Measure each objective of DESIGN in the OUTCOMES file; write the report to OUTDIR.

    OUTCOMES has one row per employee: id, participant (yes/no), the covariates and one
    column per objective. A refused file prints one line per problem and exits 2;
    nothing is written.
    """
    from workbook.evaluation import pipeline, report

    snapshot = store.load(design)
    columns = None
    if covariates is not None:
        columns = [c.strip() for c in covariates.split(",") if c.strip()]
    result = pipeline.evaluate(snapshot.design, outcomes, survey=survey, covariates=columns)
    written = report.write(result, outdir, formats)
    for o in result.objectives:
        verdict = o.estimate.verdict if o.estimate is not None else "not_measured"
        click.echo(f"{o.description or o.metric}: {report.VERDICTS[verdict]}")
    click.echo(f"{outdir}: wrote {', '.join(p.name for p in written)}")
    if record:
        store.save(pipeline.record_results(snapshot.design, result), snapshot)
        click.echo(f"{design}: aggregates recorded for the charter")


@cli.command("fit")
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@reports_problems
def fit_command(answers: Path, as_json: bool) -> None:
    """Rank mentoring and its neighbours for the fit-check ANSWERS (a YAML file).

    ANSWERS holds 'question: answer' lines, or 'preset:' with optional 'answers:' that
    change the preset's. Bad answers are listed one per line (exit 2).
    """
    from workbook import fit

    result = fit.assess(fit.FitAnswers.from_file(answers))
    click.echo(result.model_dump_json(indent=2) if as_json else fit.report(result))


@cli.command("charter")
@click.argument("design", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the charter into, as NAME-charter-rREV.md, .html and .docx "
    "(created if needed).",
)
@click.option(
    "--format",
    "formats",
    default="md,html,docx",
    show_default=True,
    help="Comma-separated formats: md, html, docx, and pdf where LibreOffice is installed.",
)
@click.option("--strict", is_flag=True, help="Refuse a design with open decisions or broken rules.")
@reports_problems
def charter_command(design: Path, outdir: Path, formats: str, strict: bool) -> None:
    """Write the program charter of DESIGN into the folder given with -o.

    An unfinished design still gets a charter, with its open decisions marked and
    listed at the top; with --strict it is refused instead, one line per open decision
    or broken rule (exit 2), and nothing is written.
    """
    from workbook import charter

    loaded = store.load(design).design
    for path in charter.write(loaded, outdir, formats, strict=strict):
        click.echo(str(path))
    summary = charter.build(loaded, chart=False)
    if summary.ready:
        click.echo(f"{design}: the charter is ready to sign")
    else:
        click.echo(
            f"{design}: the charter is not ready to sign ({len(summary.open_decisions)} "
            f"decision(s) open, {len(summary.findings)} rule(s) broken); --strict lists them"
        )


@cli.command("run")
@click.argument("designs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Roster for the matching step (without one, matching is skipped).",
)
@click.option(
    "-o",
    "--outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the outputs, one subfolder per program: new, or written by a run before.",
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Programs at once."
)
@click.option(
    "--steps",
    default=None,
    help="Comma-separated steps to run (default: the design steps, all but the evaluation): "
    + ", ".join(registry.all_keys())
    + ".",
)
@click.option(
    "--kernel-per-notebook",
    is_flag=True,
    help="Start a kernel for every notebook instead of one per program (slower).",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@reports_problems
def run_command(
    designs: tuple[Path, ...],
    roster: Path | None,
    outdir: Path,
    jobs: int,
    steps: str | None,
    kernel_per_notebook: bool,
    no_progress: bool,
) -> None:
    """Execute the step notebooks for each DESIGN with papermill, headless.

    Writes OUTDIR/<program>/ with the executed notebooks, a working copy of the design,
    the charter and, with --roster, the matching exports; the designs themselves are
    never changed. A failure is reported in one line (program, notebook, cell, error),
    its notebook kept; the other programs go on. Exits 1 if any program failed or did
    not validate, 2 for usage errors (nothing run).
    """
    from workbook import batch as run

    plan = run.plan(
        list(designs),
        outdir,
        roster.resolve() if roster else None,
        run.pick_steps(steps),
        reuse_kernel=not kernel_per_notebook,
    )
    for invalid in plan.invalid:
        for line in invalid.lines:
            click.echo(f"{invalid.name}: invalid design: {line}", err=True)
    results = run.results_for(plan, _run_with_progress(plan, jobs, not no_progress))
    click.echo(run.summary_table(results, plan.steps))
    if not all(r.ok for r in results):
        sys.exit(1)


def _run_with_progress(
    plan: run_module.Plan, jobs: int, progress: bool
) -> list[run_module.ProgramResult]:
    """Execute the plan with a progress bar across programs and steps (on stderr)."""
    from tqdm import tqdm  # type: ignore[import-untyped]

    from workbook import batch as run

    total = len(plan.programs) * len(plan.steps)
    with tqdm(total=total, unit="step", file=sys.stderr, disable=not progress or not total) as bar:

        def report(name: str, step: run.StepResult) -> None:
            bar.set_postfix_str(f"{name}: {step.step}", refresh=False)
            if step.status == "failed":
                bar.write(step.message, file=sys.stderr)
            bar.update()

        return run.execute(plan, jobs, report)


@cli.command("params")
@click.option(
    "--readme",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Rewrite the generated block of this README instead of printing the tables.",
)
@reports_problems
def params_command(readme: Path | None) -> None:
    """Print every notebook's parameters (read from its parameters cell) as Markdown."""
    from workbook import params

    if readme is None:
        click.echo(params.markdown(), nl=False)
        return
    changed = params.update_readme(readme)
    click.echo(f"{readme}: {'updated' if changed else 'already up to date'}")


@cli.command("app")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--port", type=int, default=8866, show_default=True)
@click.option(
    "--ip",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default serves this machine only.",
)
@click.option(
    "--token",
    envvar="WORKBOOK_TOKEN",
    default="",
    help="A secret every request must carry (?token=...); also read from $WORKBOOK_TOKEN.",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@reports_problems
def app_command(path: Path | None, port: int, ip: str, token: str, no_browser: bool) -> None:
    """Serve the app with Voila at http://IP:PORT on a programs folder.

    PATH is a folder holding one folder per program (default: $WORKBOOK_PROGRAMS, else the
    current folder), or
    a program's design.yaml, which the app then opens directly.
    """
    from workbook import server as app

    sys.exit(app.serve(path, port=port, ip=ip, token=token, open_browser=not no_browser))


@cli.command("history")
@click.argument("design", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--show", "show", type=int, default=None, metavar="REV", help="Print revision REV.")
@click.option(
    "--restore",
    type=int,
    default=None,
    metavar="REV",
    help="Save revision REV's decisions as a new revision (checked like any save).",
)
@click.option("--author", default="", help="Who restores (default: your login name).")
@reports_problems
def history_command(design: Path, show: int | None, restore: int | None, author: str) -> None:
    """List every revision of DESIGN: who saved it, when, and which steps it changed."""
    from workbook import clock, history

    if show is not None:
        click.echo(store.dump(history.find(design, show).design).decode("utf-8"), nl=False)
        return
    if restore is not None:
        saved = history.restore(design, restore, author=author)
        click.echo(f"{design}: revision {restore} restored as revision {saved.design.revision}")
        return
    rows = [("revision", "saved", "by", "changed")]
    for revision in history.revisions(design):
        rows.append(
            (
                f"{revision.number}{' (current)' if revision.current else ''}",
                clock.utc_text(revision.when) or "-",
                revision.by or "-",
                "; ".join(revision.changed) or ("the first revision" if not rows[1:] else "-"),
            )
        )
    widths = [max(len(row[k]) for row in rows) for k in range(3)]
    for row in rows:
        click.echo("  ".join([*(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)), row[3]]))


@cli.command("lab")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--port", type=int, default=None, help="Port for JupyterLab (default: its own).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@reports_problems
def lab_command(path: Path, port: int | None, no_browser: bool) -> None:
    """Open JupyterLab on a program's folder (PATH: the folder or its design.yaml).

    The folder gets its own copies of the step notebooks in notebooks/ (created when
    missing, refreshed when unedited, never overwritten once you edit them), so running
    them never changes the workbook's own notebooks.
    """
    from workbook import lab

    sys.exit(lab.serve(path, port=port, open_browser=not no_browser))


def main() -> None:
    """Console-script entry point."""
    cli()
