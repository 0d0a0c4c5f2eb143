"""`clearance screen`, `measures`, `entity` and `compare`: one query, the measures, one entity, two names."""

from __future__ import annotations

from typing import Annotated

import typer

from clearance.domain.enums import Activity, Decision, QueryKind
from clearance.errors import ClearanceError
from clearance.faces.cli import common
from clearance.faces.cli.common import AsJson, AsOf, ListsAsOf, Review, Strong
from clearance.faces.cli.render import line, print_entity, print_measures, print_result, print_tree
from clearance.screening.documents import entity_document, measure_document
from clearance.screening.validate import parse_as_of
from clearance.store import Store
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Screened
from clearance.store.recording import record as record_results


def screen(
    query: Annotated[str, typer.Argument(help="A name, an app name or package id, or a piece of text.")],
    kind: Annotated[
        str,
        typer.Option(
            help=f"What the query is: {', '.join(QueryKind)}. 'text' finds every listed name in it."
        ),
    ] = QueryKind.PARTY,
    activity: Annotated[
        str,
        typer.Option(
            help=f"What you are about to do: {', '.join(Activity)}. A measure blocks only the "
            "activities it restricts; with 'any', only a ban on all dealings blocks."
        ),
    ] = Activity.ANY,
    as_of: AsOf = None,
    as_json: AsJson = False,
    review: Review = 0.80,
    strong: Strong = 0.90,
    lists_as_of: ListsAsOf = None,
    birth_date: Annotated[
        str | None,
        typer.Option(
            "--birth-date",
            help="The party's date of birth, YYYY-MM-DD, YYYY-MM or YYYY: one a listed date agrees with "
            "raises a hit's score; every listed one more than a year away lowers it and keeps it from "
            "blocking (review).",
        ),
    ] = None,
    country: Annotated[
        list[str] | None,
        typer.Option(
            "--country",
            help="A country of the party (nationality, residence, incorporation), an ISO code or English "
            "name; repeatable. One the list gives raises a hit's score, one it does not lowers it a little.",
        ),
    ] = None,
    identifier: Annotated[
        list[str] | None,
        typer.Option(
            "--id",
            help="An identifier of the party, with or without its label ('IMO 9187629', 'passport no. "
            "X'); repeatable. One equal to a listed identifier is a hit that blocks on its own.",
        ),
    ] = None,
    record: common.Record = False,
    user: common.User = None,
) -> None:
    """Screen one query: clear, review or block, with each hit's measures and their state on the date.

    Exit 0 when clear, 1 on review or block, 2 on a usage or input error."""
    try:
        engine = common.engine(review=review, strong=strong, lists_as_of=lists_as_of)
        result = engine.screen(
            query,
            kind=kind,
            as_of=as_of,
            activity=activity,
            birth_date=birth_date,
            country=country,
            identifier=identifier,
        )
    except ClearanceError as exc:
        common.fail(str(exc))
    for warning in result.warnings:  # gaps in the data (datasets.policy): said, never silent
        typer.echo(f"warning: {common.one_line(warning)}", err=True)
    if record:
        recorded = record_results(
            Store.open(),
            [Screened(result=result.to_dict())],
            source="cli",
            actor=common.user_of(user),
            fingerprint=Fingerprints(engine.entities),
        )
        typer.echo(
            f"recorded: decision {recorded.decisions[0]}, {recorded.opened} alerts opened, "
            f"{recorded.suppressed} suppressed by the allowlist, {recorded.already_open} already open",
            err=True,
        )
    if as_json:
        common.dump(result.to_dict())
    else:
        print_result(result)
    raise typer.Exit(0 if result.decision is Decision.CLEAR else 1)


def measures(as_of: AsOf = None, as_json: AsJson = False) -> None:
    """Every built-in measure with its state on the date and its timeline of events."""
    try:
        moment = parse_as_of(as_of)
        engine = common.engine()
    except ClearanceError as exc:
        common.fail(str(exc))
    docs = [measure_document(m, moment) for m in engine.measures.values()]
    if as_json:
        common.dump({"as_of": moment.isoformat(), "measures": docs})
    else:
        print_measures(docs)


def entity(
    entity_id: Annotated[str, typer.Argument(help="An entity id, as printed by screen --json.")],
    graph: Annotated[
        bool,
        typer.Option(
            "--graph",
            help="Also show who owns, controls or develops it, and what it owns, two relations deep, as "
            "a tree (with --json: nodes and edges).",
        ),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Everything clearance knows about one entity: names, identifiers, relations, measures and citations."""
    try:
        engine = common.engine()
        doc = entity_document(engine.entity(entity_id))
        if graph:
            doc["graph"] = engine.neighbourhood(entity_id)
    except ClearanceError as exc:
        common.fail(str(exc))
    if as_json:
        common.dump(doc)
        return
    print_entity(doc)
    if graph:
        print_tree(doc["graph"])


def compare(
    left: str,
    right: str,
    kind: Annotated[
        str,
        typer.Option(
            help="How to read the names: party (any name), person (a person's rules: initials, middle "
            "names count half), organization or app."
        ),
    ] = QueryKind.PARTY,
    as_json: AsJson = False,
    review: Review = 0.80,
    strong: Strong = 0.90,
) -> None:
    """Two names side by side with the scorer that screening uses: the score, match or not, and why."""
    try:
        cmp = common.engine(review=review, strong=strong).compare(left, right, kind=kind)
    except ClearanceError as exc:
        common.fail(str(exc))
    if as_json:
        common.dump(
            {
                "left": cmp.left,
                "right": cmp.right,
                "score": cmp.score,
                "match": cmp.match,
                "pairs": [[p.left, p.right, p.similarity] for p in cmp.pairs],
                "explanation": cmp.explanation,
            }
        )
    else:
        line(f"{'MATCH' if cmp.match else 'no match'}  {cmp.explanation}")
