"""`clearance payments`, `text`, `apps` and `portfolio`: the files a payment filter, an IT team, an app
store and a fund have, screened item by item (`clearance.channels`), with the batch's conventions
(`faces.channels.run`): records to standard output or to `--output`, rejects with their place and
reason, `--resume`, and the screening commands' exit codes (0 clear, 1 review or block or anything
rejected, 2 usage or input error or nothing screened, 3 a fault of ours)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from clearance.channels.apps import LAYOUTS, read_catalogue, read_inventory
from clearance.channels.payments import PAYMENT_FORMATS, read_payments
from clearance.channels.portfolio import read_portfolio
from clearance.channels.text import read_text
from clearance.domain.enums import Activity, Decision
from clearance.faces.channels.recording import record_channel_records
from clearance.faces.channels.run import ChannelJob, ChannelSummary, Reader, run
from clearance.faces.cli import common
from clearance.faces.cli.common import AsOf, ListsAsOf, Review, Strong
from clearance.faces.cli.render import COLOURS, line
from clearance.store import Store

Files = Annotated[list[Path], typer.Argument(help="One or more files.", show_default=False)]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o",
        help="Write the records here (.jsonl, or .csv by the name) with rejects to OUTPUT.rejects.csv and "
        "a progress record for --resume; without it, records go to standard output, rejects to standard "
        "error.",
    ),
]  # fmt: skip
Rejects = Annotated[Path | None, typer.Option(help="Rejects file (default: OUTPUT.rejects.csv).")]
Resume = Annotated[
    bool, typer.Option(help="Go on from where a killed run with the same files and settings stopped.")
]
AsJsonLines = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print JSON lines: one record per item, per device, per reject (record: item, device, "
        "reject); with --output, the summary as one JSON document.",
    ),
]
ActivityOption = Annotated[
    str | None,
    typer.Option(help=f"What you are about to do: {', '.join(Activity)} (default: the channel's own)."),
]


def payments(
    files: Files,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=f"{', '.join(PAYMENT_FORMATS)} (default: from each file's content)."),
    ] = None,
    as_of: AsOf = None,
    activity: ActivityOption = None,
    output: Output = None,
    rejects: Rejects = None,
    resume: Resume = False,
    as_json: AsJsonLines = False,
    review: Review = 0.80,
    strong: Strong = 0.90,
    lists_as_of: ListsAsOf = None,
    record: common.Record = False,
    user: common.User = None,
) -> None:
    """Screen payment messages: ISO 20022 pacs.008 and pain.001, SWIFT MT103, or a simple CSV.

    Exit 0 when every transaction is clear, 1 when any needs review, is blocked or could not be read
    (a rejected message was never screened), 2 on a usage or input error or when nothing was screened.

    One decision per transaction (each CdtTrfTxInf, each MT103), the most severe of its fields': every
    party (debtor, creditor, ultimate parties, initiating party), every agent (BIC and name), the
    accounts' and addresses' countries and towns against the embargoed countries and regions, and the
    remittance information as free text. The transaction's own date (settlement, execution, 32A) is the
    date that matters; --as-of is for messages without one. Each hit names the field it came from (an
    XPath, or an MT tag and line) and the record carries the transaction's references (EndToEndId,
    UETR, field 20). A message that does not parse is a reject with its position; the rest goes on.

    Example: clearance payments pacs008.xml mt103.txt --json
    """
    reader: Reader = (lambda path: read_payments(path, fmt=fmt)) if fmt else read_payments
    _run(files, reader, locals(), settings={"format": fmt or ""})


def text(
    files: Annotated[list[Path], typer.Argument(help="Documents (UTF-8), or - for standard input.")],
    as_of: AsOf = None,
    activity: ActivityOption = None,
    output: Output = None,
    rejects: Rejects = None,
    resume: Resume = False,
    as_json: AsJsonLines = False,
    review: Review = 0.80,
    strong: Strong = 0.90,
    lists_as_of: ListsAsOf = None,
    record: common.Record = False,
    user: common.User = None,
) -> None:
    """Screen free text (remittance notes, e-mails, contracts): every listed name in each document, and
    the embargoed countries and places it names (at most review), one decision per document, each hit
    with every place the document names it.

    Example: echo "Invoice 2231 paid via Ali Pay" | clearance text - --as-of 2021-03-01
    """
    _run(files, read_text, locals())


def apps(
    files: Files,
    layout: Annotated[
        str | None,
        typer.Option(help=f"The export's layout: {', '.join(LAYOUTS)} (default: from its columns or keys)."),
    ] = None,
    catalogue: Annotated[
        bool, typer.Option("--catalogue", help="The files are app catalogues (package id, title, developer).")
    ] = False,
    as_of: AsOf = None,
    activity: ActivityOption = None,
    output: Output = None,
    rejects: Rejects = None,
    resume: Resume = False,
    as_json: AsJsonLines = False,
    review: Review = 0.80,
    strong: Strong = 0.90,
    lists_as_of: ListsAsOf = None,
    record: common.Record = False,
    user: common.User = None,
) -> None:
    """Screen the apps on your devices (an inventory exported by a mobile device management tool) or in
    a catalogue: by package or bundle id first, then by app name and developer. One record per
    (device, app) and one per device, naming the covered app, the measure and its state on the date,
    and who develops or controls the app.

    Example: clearance apps intune_export.csv --as-of 2021-03-01
    """
    if catalogue and layout:
        common.fail("--layout is for device inventories, not catalogues")
    reader: Reader = read_catalogue if catalogue else (lambda path: read_inventory(path, layout=layout))
    _run(files, reader, locals(), settings={"layout": layout or "", "catalogue": str(catalogue)})


def portfolio(
    files: Files,
    as_of: AsOf = None,
    activity: ActivityOption = None,
    output: Output = None,
    rejects: Rejects = None,
    resume: Resume = False,
    as_json: AsJsonLines = False,
    review: Review = 0.80,
    strong: Strong = 0.90,
    lists_as_of: ListsAsOf = None,
    record: common.Record = False,
    user: common.User = None,
) -> None:
    """Screen holdings (CSV: ISIN, ticker, issuer, quantity) against the Chinese military company
    measures (EO 13959, EO 14032) and OFAC's CMIC entries: one record per holding, with the listing,
    effective and divestment dates and whether it must be sold by the date (divest, overdue, not_yet).

    Example: clearance portfolio holdings.csv --as-of 2022-03-01
    """
    _run(files, read_portfolio, locals())


def _run(
    files: list[Path], reader: Reader, options: dict[str, Any], *, settings: dict[str, str] | None = None
) -> None:
    """Run a channel command and exit with its code."""
    output: Path | None = options["output"]
    if options["resume"] and output is None:
        common.fail("--resume needs --output: a run to standard output cannot be resumed")
    if options["rejects"] is not None and output is None:
        common.fail("--rejects needs --output: without it, rejects go to standard error")
    job = ChannelJob(
        inputs=files,
        read=reader,
        output=output,
        rejects=options["rejects"],
        as_of=options["as_of"],
        activity=options["activity"],
        resume=options["resume"],
        settings=settings or {},
    )
    job.check_files()  # before the engine is built: a usage error comes at once
    engine = common.engine(
        review=options["review"], strong=options["strong"], lists_as_of=options["lists_as_of"]
    )
    as_json = options["as_json"]
    show: Callable[[dict[str, Any]], None] = (
        (lambda r: typer.echo(json.dumps(r, ensure_ascii=False))) if as_json else _print_record
    )
    kept: list[dict[str, Any]] = []
    totals = {"decisions": 0, "opened": 0, "suppressed": 0}
    store = Store.open() if options["record"] else None

    def flush() -> None:
        if store is not None and kept:
            channel = str(kept[0].get("channel", "channel"))
            done = record_channel_records(
                store, engine, kept, channel=channel, actor=common.user_of(options["user"])
            )
            totals["decisions"] += len(done.decisions)
            totals["opened"] += done.opened
            totals["suppressed"] += done.suppressed
            kept.clear()

    def on_record(doc: dict[str, Any]) -> None:
        show(doc)
        if store is not None and doc.get("record") == "item":
            kept.append(doc)
            if len(kept) >= 500:
                flush()

    summary = run(job, engine=engine, on_record=on_record, on_reject=_print_reject(as_json=as_json))
    _print_summary(summary, as_json=as_json and output is not None)
    if store is not None:
        flush()
        typer.echo(
            f"recorded: {totals['decisions']:,} decisions, {totals['opened']:,} alerts opened, "
            f"{totals['suppressed']:,} suppressed by the allowlist",
            err=True,
        )
    raise typer.Exit(exit_code(summary))


def exit_code(summary: ChannelSummary) -> int:
    """3 when an item failed by a fault of ours, 2 when nothing was screened, 1 when anything is not
    clear or anything was rejected, else 0 (../shared/CONVENTIONS.md, "Command line"). A rejected
    message or row was never screened: a payment filter cannot release it, so the file is not all
    clear (where the batch, whose rows are parties looked up, exits by its decisions alone)."""
    if summary.internal_errors:
        return 3
    if summary.items == 0:
        return 2
    flagged = summary.decisions[Decision.REVIEW] + summary.decisions[Decision.BLOCK]
    groups = summary.groups[Decision.REVIEW] + summary.groups[Decision.BLOCK]
    return 1 if flagged or groups or summary.rejects else 0


def _print_record(record: dict[str, Any]) -> None:
    decision = Decision(record["decision"])
    refs = ", ".join(f"{k} {v}" for k, v in record["refs"].items())
    if record["record"] != "item":
        flagged = record["flagged"]
        line(
            (decision.upper(), COLOURS[decision]),
            f"  {record['record']} {record['key']}: {record['items']} apps, {len(flagged)} not clear",
        )
        for app in flagged:
            line(f"  - {app['key']}: {app['decision']}: " + "; ".join(_covered(c) for c in app["covered"]))
        return
    where = f"{record['source']}" + (f":{record['line']}" if record["line"] else "")
    line(
        (decision.upper(), COLOURS[decision]),
        f"  {refs}  ({where}, {record['position']}; as of {record['as_of'][:10]}, "
        f"activity {record['activity']})",
    )
    for reason in record["reasons"]:
        line(f"  - {reason}")
    if decision is Decision.CLEAR:  # what matched, and why it does not restrict on the date
        for finding in record["findings"]:
            for said in [h["explanation"] for h in finding["hits"]] + [
                t["explanation"] for t in finding["territories"]
            ]:
                line(f"  context: {finding['field']['role']} {finding['field']['path']}: {said}")
    for finding in record["findings"]:
        for hit in finding["hits"]:
            if hit.get("developed_by") and hit["decision"] != Decision.CLEAR:
                who = ", ".join(f"{d['name']} ({d['relation']})" for d in hit["developed_by"])
                line(f"  {hit['name']} is developed or controlled by: {who}")
    for d in record["divestment"]:
        line(f"  divestment: {d['name']} under {d['measure']}: {d['status']}, divest by {d['divest_by']}")


def _covered(covered: dict[str, Any]) -> str:
    """What hit one app of a device, in a few words: the app, its measures and their states, and who
    develops or controls it."""
    if "territory" in covered:
        return f"{covered['name']} ({covered['field']})"
    measures = ", ".join(f"{m['id']} {m['state']}" for m in covered["measures"])
    said = f"{covered['name']} [{measures}]"
    if covered["developed_by"]:
        said += " developed by " + ", ".join(d["name"] for d in covered["developed_by"])
    return said


def _print_reject(*, as_json: bool) -> Callable[[dict[str, Any]], None]:
    def show(record: dict[str, Any]) -> None:
        if as_json:
            typer.echo(json.dumps(record, ensure_ascii=False))
            return
        where = record["source"] + (f":{record['line']}" if record["line"] else "")
        typer.echo(f"reject: {where} {record['position']}: {common.one_line(record['reason'])}", err=True)

    return show


def _print_summary(summary: ChannelSummary, *, as_json: bool) -> None:
    if as_json:
        common.dump(summary.to_dict())
        return
    decisions = ", ".join(f"{summary.decisions[d]} {d}" for d in Decision)
    said = f"{summary.read} read: {summary.items} decided ({decisions}), {summary.rejects} rejected"
    if summary.groups:
        said += "; devices: " + ", ".join(f"{summary.groups[d]} {d}" for d in Decision)
    if summary.output:
        said += f"; records in {summary.output}, rejects in {summary.rejects_file}"
    typer.echo(said, err=summary.output is None)
