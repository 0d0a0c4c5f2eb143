"""The `clearance` command: a thin face over the engine.

Exit codes of the screening commands: 0 when everything is clear, 1 when anything needs review or is
blocked, 2 on a usage or input error. Other commands: 0 on success, 2 on error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from clearance.datasets.loading import load_dataset
from clearance.domain.enums import Activity, QueryKind
from clearance.errors import ClearanceError
from clearance.faces.cli.lists import app as lists_app
from clearance.matching.config import ScorerConfig
from clearance.screening.documents import entity_document, measure_document
from clearance.screening.engine import Engine
from clearance.screening.results import Result
from clearance.screening.validate import day_of, parse_as_of
from clearance.settings import home
from clearance.version import __version__

app = typer.Typer(
    name="clearance",
    help=(
        "Screen parties, apps and free text against legal restrictions as of a date, with reasons.\n\n"
        'Start with:  clearance screen "Tencent Holdings" --as-of 2021-03-01\n\n'
        "Exit codes of screening commands: 0 clear, 1 review or block, 2 usage or input error. "
        f"Your own data (lists, keys, the case store) lives under CLEARANCE_HOME (now: {home()})."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=False)
app.add_typer(lists_app, name="lists")

AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        envvar="CLEARANCE_AS_OF",
        help="The date that matters, YYYY-MM-DD (the end of that day in each measure's own time zone), "
        "or an ISO datetime with zone. Default: today.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of a table.")]
Review = Annotated[
    float,
    typer.Option(
        envvar="CLEARANCE_REVIEW_THRESHOLD", help="Score from which a name match is reported for review."
    ),
]
Strong = Annotated[
    float,
    typer.Option(
        envvar="CLEARANCE_STRONG_THRESHOLD", help="Score from which a name match is strong enough to block."
    ),
]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _engine(review: float = 0.80, strong: float = 0.90, lists_as_of: str | None = None) -> Engine:
    """The engine a command screens with: built-in data and the active snapshots (or those current on
    `lists_as_of`). Raises `InputError` for thresholds outside 0 < review <= strong <= 1."""
    config = ScorerConfig(review=review, strong=strong)
    day = day_of(parse_as_of(lists_as_of)) if lists_as_of else None
    return Engine(load_dataset(lists_as_of=day), config=config)


def _dump(doc: Any) -> None:
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


@app.command()
def screen(
    query: Annotated[str, typer.Argument(help="A name, an app name or package id, or a piece of text.")],
    kind: Annotated[
        str,
        typer.Option(
            help=f"What the query is: {', '.join(QueryKind)}. 'text' finds every listed name in it."
        ),
    ] = "party",
    activity: Annotated[
        str,
        typer.Option(
            help=f"What you are about to do: {', '.join(Activity)}. A measure blocks only the "
            "activities it restricts; with 'any', only a ban on all dealings blocks."
        ),
    ] = "any",
    as_of: AsOf = None,
    as_json: AsJson = False,
    review: Review = 0.80,
    strong: Strong = 0.90,
    lists_as_of: Annotated[
        str | None,
        typer.Option(
            "--lists-as-of",
            envvar="CLEARANCE_LISTS_AS_OF",
            help="Screen against the list snapshots that were current on this day, not the active ones.",
        ),
    ] = None,
) -> None:
    """Screen one query: clear, review or block, with each hit's measures and their state on the date."""
    try:
        result = _engine(review, strong, lists_as_of).screen(query, kind=kind, as_of=as_of, activity=activity)
    except ClearanceError as exc:
        _fail(str(exc))
    if as_json:
        _dump(result.to_dict())
    else:
        print_result(result)
    raise typer.Exit(0 if result.decision == "clear" else 1)


def print_result(result: Result) -> None:
    colour = {"clear": "green", "review": "yellow", "block": "bold red"}[result.decision]
    out.print(
        f"[{colour}]{result.decision.upper()}[/]  {result.query!r} ({result.kind}, "
        f"activity {result.activity}, as of {result.as_of.isoformat()})"
    )
    if not result.hits:
        out.print("  no listed name or identifier matches")
        return
    table = Table(show_lines=True)
    for col in ("decision", "entity", "matched", "score", "measures on the date"):
        table.add_column(col, overflow="fold")
    for hit in result.hits:
        measures = "\n".join(f"{f.state.measure.short}: {f.state.state} -> {f.effect}" for f in hit.findings)
        path = " > ".join(f"{s['relation']} {s['to_name']}" for s in hit.path)
        entity = hit.entity.name + (f"\n({path})" if path else "")
        table.add_row(
            hit.decision, entity, hit.matched_name, f"{hit.score:.2f}", measures or ", ".join(hit.list_names)
        )
    out.print(table)
    for hit in result.hits:
        out.print(f"- {hit.entity.name}: {hit.explanation}", highlight=False)


@app.command()
def measures(as_of: AsOf = None, as_json: AsJson = False) -> None:
    """Every built-in measure with its state on the date and its timeline of events."""
    try:
        moment = parse_as_of(as_of)
        engine = _engine()
    except ClearanceError as exc:
        _fail(str(exc))
    docs = [measure_document(m, moment) for m in engine.measures.values()]
    if as_json:
        _dump({"as_of": moment.isoformat(), "measures": docs})
        return
    for doc in docs:
        out.print(
            f"[bold]{doc['short']}[/] ({doc['id']}): {doc['state']}  "
            f"restricts {', '.join(doc['restricts']) or '-'}"
        )
        out.print(f"  {doc['title']}", highlight=False)
        for ev in doc["events"]:
            out.print(f"  {ev['at']:<25} {ev['type']:<18} {ev['citation'] or ''}", highlight=False)


@app.command()
def entity(
    entity_id: Annotated[str, typer.Argument(help="An entity id, as printed by screen --json.")],
    as_json: AsJson = False,
) -> None:
    """Everything clearance knows about one entity: names, identifiers, relations, measures and citations."""
    try:
        e = _engine().entity(entity_id)
    except ClearanceError as exc:
        _fail(str(exc))
    doc = entity_document(e)
    if as_json:
        _dump(doc)
        return
    out.print(f"[bold]{e.name}[/] ({e.id}, {e.kind})")
    for key in ("names", "identifiers", "relations", "measures"):
        for item in doc[key]:
            out.print(
                f"  {key[:-1]}: " + ", ".join(f"{k}={v}" for k, v in item.items() if v), highlight=False
            )
    if e.notes:
        out.print(f"  notes: {e.notes}", highlight=False)


@app.command()
def compare(
    left: str,
    right: str,
    kind: Annotated[
        str,
        typer.Option(
            help="How to read the names: party (any name), person (a person's rules: initials, middle "
            "names count half), organization or app."
        ),
    ] = "party",
    as_json: AsJson = False,
) -> None:
    """Two names side by side with the scorer that screening uses: the score, match or not, and why."""
    try:
        cmp = _engine().compare(left, right, kind=kind)
    except ClearanceError as exc:
        _fail(str(exc))
    if as_json:
        _dump(
            {
                "left": cmp.left,
                "right": cmp.right,
                "score": cmp.score,
                "match": cmp.match,
                "explanation": cmp.explanation,
            }
        )
    else:
        out.print(f"{'MATCH' if cmp.match else 'no match'}  {cmp.explanation}", highlight=False)


@app.command()
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
    kind: Annotated[str, typer.Option(help="The kind of rows without a kind column.")] = "party",
    activity: Annotated[str, typer.Option(help="The activity for rows without an activity column.")] = "any",
    as_of: AsOf = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Input format: csv, jsonl, parquet.")] = None,
    output_format: Annotated[str | None, typer.Option(help="Output format: csv, jsonl, parquet.")] = None,
    rejects: Annotated[Path | None, typer.Option(help="Rejects file (default: OUTPUT.rejects.csv).")] = None,
    workers: Annotated[
        int, typer.Option(envvar="CLEARANCE_WORKERS", help="Processes (default: all cores).")
    ] = 0,
    chunk_size: Annotated[int, typer.Option(help="Rows per chunk (the unit of progress and resume).")] = 2000,
    resume: Annotated[
        bool, typer.Option(help="Go on from where a killed run with the same input stopped.")
    ] = False,
    list_paths: Annotated[
        list[Path] | None, typer.Option("--list", help="Extra list files or folders.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON document.")] = False,
    engine: Annotated[
        str,
        typer.Option(
            help="local (processes on this machine) or spark (OUTPUT becomes a folder of parts, "
            "rejects are rows with a reject_reason; master from CLEARANCE_SPARK_MASTER)."
        ),
    ] = "local",
) -> None:
    """Screen a file of parties: one decision record per row (row id, decision, best hit, score, measures
    and their states, data versions), bad rows to a rejects file with their line and reason. Exit 0 when
    every row is clear, 1 when any needs review or is blocked, 2 on a usage or input error."""
    import os as _os

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from clearance.faces.batch.run import BatchJob, Summary, run

    job = BatchJob(
        input=input_path,
        output=output,
        name_col=name_col,
        kind_col=kind_col,
        date_col=date_col,
        id_col=id_col,
        activity_col=activity_col,
        kind=kind,
        as_of=as_of,
        activity=activity,
        fmt=fmt,
        output_fmt=output_format,
        rejects=rejects,
        workers=workers or (_os.cpu_count() or 1),
        chunk_size=chunk_size,
        resume=resume,
        lists=list_paths or [],
    )
    err = Console(stderr=True)
    if engine == "spark":
        _batch_on_spark(job, as_json)
    elif engine != "local":
        _fail(f"unknown engine '{engine}': use local or spark")
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task("screening", total=None, stats="")

        def show(summary: Summary) -> None:
            hits = summary.decisions["review"] + summary.decisions["block"]
            rate = summary.rows / summary.seconds if summary.seconds else 0
            bar.update(
                task,
                stats=f"{summary.rows:,} rows, {rate:,.0f}/s, {hits:,} hits, {summary.rejected:,} rejected",
            )

        try:
            summary = run(job, on_chunk=show)
        except ClearanceError as exc:
            _fail(str(exc))
    doc = summary.to_dict()
    if as_json:
        _dump(doc)
    else:
        err.print(
            f"{summary.rows:,} rows in {summary.seconds:.1f} s ({doc['rows_per_second'] or 0:,.0f}/s): "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(summary.decisions.items()))
            + f"; {summary.rejected:,} rejected (see {job.rejects_path()}); output {job.output}"
        )
    raise typer.Exit(0 if summary.worst == "clear" else 1)


def _batch_on_spark(job: Any, as_json: bool) -> NoReturn:
    """`clearance batch --engine spark`: the same decisions, computed by Spark."""
    import os as _os

    from clearance.faces.batch.run import OUTPUT_COLUMNS
    from clearance.faces.spark import screen_job, session

    try:
        spark = session(_os.environ.get("CLEARANCE_SPARK_MASTER", "local[*]"))
        fmt, out_fmt = job.input_format(), job.output_format()
        reader = spark.read.option("header", True) if fmt == "csv" else spark.read
        df = {"csv": reader.csv, "jsonl": reader.json, "parquet": reader.parquet}[fmt](str(job.input))
        result = screen_job(df, job)
        result = result.select(*OUTPUT_COLUMNS, "reject_reason").cache()
        writer = result.write.mode("overwrite")
        {"csv": writer.option("header", True).csv, "jsonl": writer.json, "parquet": writer.parquet}[out_fmt](
            str(job.output)
        )
        counts = {
            r["decision"] or "rejected": r["count"] for r in result.groupBy("decision").count().collect()
        }
        spark.stop()
    except ClearanceError as exc:
        _fail(str(exc))
    rejected = counts.pop("rejected", 0)
    doc = {"rows": sum(counts.values()), "rejected": rejected, "decisions": counts, "output": str(job.output)}
    if as_json:
        _dump(doc)
    else:
        typer.echo(
            f"{doc['rows']:,} rows on Spark: {counts}; {rejected:,} rejected; output {job.output}", err=True
        )
    worst = max(counts, key=lambda d: ("clear", "review", "block").index(d), default="clear")
    raise typer.Exit(0 if worst == "clear" else 1)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"clearance {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    pass


def main() -> None:
    try:
        app()
    except ClearanceError as exc:  # a last net: no traceback for an error we raised on purpose
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
