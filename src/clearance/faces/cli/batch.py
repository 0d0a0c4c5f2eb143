"""`clearance batch`: a file of parties in, one decision record per row out, on this machine's cores or
on Spark."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from clearance.domain.enums import Activity, Decision, QueryKind
from clearance.errors import ClearanceError, InputError
from clearance.faces.batch import BatchJob, Summary, run
from clearance.faces.batch.recording import record_batch_file
from clearance.faces.batch.run import check_columns
from clearance.faces.batch.screen import job_engine
from clearance.faces.cli import common
from clearance.faces.cli.common import AsOf, ListsAsOf, Review, Strong
from clearance.matching.config import ScorerConfig
from clearance.screening.validate import day_of, parse_as_of
from clearance.store import Store


def batch(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="CSV (with a header), JSON lines or Parquet.")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help="Where the decisions go (.csv, .jsonl, or a folder for Parquet)."
        ),
    ],
    name_col: Annotated[str, typer.Option(help="The column with the name to screen.")] = "name",
    kind_col: Annotated[
        str | None, typer.Option(help="A column with each row's kind (party, person, ...).")
    ] = None,
    date_col: Annotated[str | None, typer.Option(help="A column with each row's date (YYYY-MM-DD).")] = None,
    id_col: Annotated[
        str | None, typer.Option(help="A column with each row's own id (default: line).")
    ] = None,
    activity_col: Annotated[str | None, typer.Option(help="A column with each row's activity.")] = None,
    birth_date_col: Annotated[
        str | None,
        typer.Option(
            help="A column with the party's date of birth (YYYY-MM-DD, YYYY-MM or YYYY); default: "
            "birth_date, when the input has it."
        ),
    ] = None,
    country_col: Annotated[
        str | None,
        typer.Option(
            help="A column with the party's countries (ISO codes or English names, several separated by "
            "';'); default: country, when the input has it."
        ),
    ] = None,
    identifier_col: Annotated[
        str | None,
        typer.Option(
            help="A column with the party's identifiers, with or without their label (several separated "
            "by ';'); default: identifier, when the input has it."
        ),
    ] = None,
    kind: Annotated[
        str, typer.Option(help=f"The kind of rows without a kind column: {', '.join(QueryKind)}.")
    ] = QueryKind.PARTY,
    activity: Annotated[
        str, typer.Option(help=f"The activity for rows without an activity column: {', '.join(Activity)}.")
    ] = Activity.ANY,
    as_of: AsOf = None,
    review: Review = 0.80,
    strong: Strong = 0.90,
    lists_as_of: ListsAsOf = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="Input format: csv, jsonl, parquet (default: from the file name)."),
    ] = None,
    output_format: Annotated[
        str | None, typer.Option(help="Output format: csv, jsonl, parquet (default: from the file name).")
    ] = None,
    rejects: Annotated[Path | None, typer.Option(help="Rejects file (default: OUTPUT.rejects.csv).")] = None,
    workers: Annotated[
        int,
        typer.Option(envvar="CLEARANCE_WORKERS", help="Processes; 0 means all cores.", show_default=False),
    ] = 0,
    chunk_size: Annotated[int, typer.Option(help="Rows per chunk (the unit of progress and resume).")] = 2000,
    resume: Annotated[
        bool, typer.Option(help="Go on from where a killed run with the same input stopped.")
    ] = False,
    list_paths: Annotated[
        list[Path] | None,
        typer.Option("--list", help="An extra list file or folder, in any supported format (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON document.")] = False,
    record: common.Record = False,
    user: common.User = None,
    engine: Annotated[
        str,
        typer.Option(
            help="local (processes on this machine) or spark (OUTPUT becomes a folder of parts, "
            "rejects are rows with a reject_reason; master from CLEARANCE_SPARK_MASTER)."
        ),
    ] = "local",
) -> None:
    """Screen a file of parties: one decision record per row, bad rows to a rejects file.

    Each record has the row's id, its decision, the best hit, the score, the measures and their states,
    the data versions and what the row's evidence did (columns birth_date, country, identifier, when the
    input has them: agrees, close, differs, not_listed); each reject its line and reason. Every row read
    is decided or rejected, and the summary says so (rows read = decisions + rejects). Exit 0 when every
    row is clear, 1 when any needs review or is blocked, 2 on a usage or input error or when no row
    could be screened, 3 when a row failed by a fault of clearance's own (it is rejected, every other
    row is written)."""
    try:
        config = ScorerConfig(review=review, strong=strong)
        day = day_of(parse_as_of(lists_as_of)) if lists_as_of else None
    except ClearanceError as exc:
        common.fail(str(exc))
    job = BatchJob(
        input=input_path,
        output=output,
        name_col=name_col,
        kind_col=kind_col,
        date_col=date_col,
        id_col=id_col,
        activity_col=activity_col,
        birth_date_col=birth_date_col,
        country_col=country_col,
        identifier_col=identifier_col,
        kind=kind,
        as_of=as_of,
        activity=activity,
        fmt=fmt,
        output_fmt=output_format,
        rejects=rejects,
        workers=workers or (os.cpu_count() or 1),
        chunk_size=chunk_size,
        resume=resume,
        lists=list_paths or [],
        lists_as_of=day,
        config=config,
    )
    try:
        job.check()
        if engine == "spark":
            job.check_files(spark=True)
            _on_spark(job, as_json=as_json)
        if engine != "local":
            raise InputError(f"unknown engine '{engine}': use local or spark")
        job.check_files()
        check_columns(job)
    except ClearanceError as exc:
        common.fail(str(exc))
    store = Store.open() if record else None  # a store that cannot be reached fails before any row
    err = Console(stderr=True)
    with _Bar(err) as bar:
        try:
            summary = run(job, on_chunk=bar.show)
        except ClearanceError as exc:
            bar.stop()
            common.fail(str(exc))
    doc = summary.to_dict()
    if as_json:
        common.dump(doc)
    else:
        err.print(_said(summary, job), markup=False, highlight=False, soft_wrap=True)
    for warning in summary.warnings:  # gaps in the data the rows were decided on (datasets.policy)
        typer.echo(f"warning: {warning}", err=True)
    if summary.internal_errors:
        typer.echo(
            f"error: {summary.internal_errors:,} rows failed by a fault of clearance's own (not of the "
            f"input): they are rejected with the reason 'internal error' in {job.rejects_path()}, every "
            "other row is written; please report it",
            err=True,
        )
        raise typer.Exit(3)
    nothing = summary.nothing_screened()
    if nothing:
        common.fail(f"{nothing}; see {job.rejects_path()}" if summary.read else nothing)
    if store is not None:
        recorded = record_batch_file(
            store,
            job_engine(job),
            job.output,
            actor=common.user_of(user),
            ids_name_parties=id_col is not None,
        )
        typer.echo(
            f"recorded: {len(recorded.decisions):,} decisions, {recorded.opened:,} alerts opened, "
            f"{recorded.suppressed:,} suppressed by the allowlist, {recorded.already_open:,} already open",
            err=True,
        )
    raise typer.Exit(0 if summary.worst is Decision.CLEAR else 1)


def _said(summary: Summary, job: BatchJob) -> str:
    """The summary in a few words: rows read = decided + rejected, how fast, and what the rows were
    decided on."""
    rate = summary.rows / summary.seconds if summary.seconds else 0
    decisions = ", ".join(f"{k} {v:,}" for k, v in sorted(summary.decisions.items()))
    versions = ", ".join(f"{source} {version}" for source, version in sorted(summary.data_versions.items()))
    thresholds = ", ".join(f"{k} {v}" for k, v in summary.thresholds.items())
    return (
        f"{summary.read:,} rows read = {summary.rows:,} decided ({decisions or 'none'}) + "
        f"{summary.rejected:,} rejected (see {job.rejects_path()}) in {summary.seconds:.1f} s "
        f"({rate:,.0f}/s); decided on {versions or 'no data'}, as of {summary.as_of}, {thresholds}"
        + (f"; resumed after {summary.resumed_from:,} rows" if summary.resumed_from else "")
        + f"; output {job.output}"
    )


class _Bar:
    """The progress bar on standard error (rows per second, hits, rejects), shown from the first chunk
    written: an error before it is one line alone."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.task: Any = None

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def show(self, summary: Summary) -> None:
        if self.progress is None:
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[stats]}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
            )
            self.progress.start()
            self.task = self.progress.add_task("screening", total=None, stats="")
        hits = summary.decisions["review"] + summary.decisions["block"]
        rate = summary.rows / summary.seconds if summary.seconds else 0
        stats = f"{summary.read:,} rows read, {rate:,.0f}/s, {hits:,} hits, {summary.rejected:,} rejected"
        self.progress.update(self.task, stats=stats)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def _on_spark(job: BatchJob, *, as_json: bool) -> NoReturn:
    """`clearance batch --engine spark`: the same decisions, computed by Spark (master from
    CLEARANCE_SPARK_MASTER, default local[*])."""
    from clearance.faces.spark import screen_files

    try:
        counts = screen_files(job, master=os.environ.get("CLEARANCE_SPARK_MASTER", "local[*]"))
    except ClearanceError as exc:
        common.fail(str(exc))
    rejected = counts.pop("rejected", 0)
    doc = {"rows": sum(counts.values()), "rejected": rejected, "decisions": counts, "output": str(job.output)}
    if as_json:
        common.dump(doc)
    else:
        typer.echo(
            f"{doc['rows']:,} rows on Spark: {counts}; {rejected:,} rejected; output {job.output}", err=True
        )
    worst = Decision.most_severe([Decision(d) for d in counts])
    raise typer.Exit(0 if worst is Decision.CLEAR else 1)
