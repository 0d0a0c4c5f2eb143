"""`make demo`: the main job on the built-in data, as a compliance user would see it.

Screens a payment file (ISO 20022 pacs.008) and a device inventory as of 1 March 2021 (EO 13971 in force,
never implemented) and 1 July 2021 (revoked by EO 14034), then parties, apps and remittance texts on the
same dates, then SMIC in 2022 for a securities trade and for a payment. The two files are the package's
`faces/examples/`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

from clearance.channels.apps import read_inventory
from clearance.channels.items import Item
from clearance.channels.payments import read_payments
from clearance.channels.screen import ItemResult, Screener
from clearance.datasets.loading import load_dataset
from clearance.screening.engine import Engine

DATES = ("2021-03-01", "2021-07-01")
QUERIES = (
    ("Tencent Holdings Ltd.", "party", "any"),
    ("腾讯控股有限公司", "party", "any"),
    ("Ant Group Co., Ltd.", "party", "payment"),
    ("Tencnet", "party", "any"),
    ("Tencor Instruments", "party", "any"),
    ("Mary Johnson Bakery", "party", "any"),
    ("Alipay", "app", "app"),
    ("Cam Scanner", "app", "app"),
    ("QQ钱包", "app", "app"),
    ("SHAREit", "app", "app"),
    ("com.tencent.mobileqq", "app", "app"),
    ("VMate", "app", "app"),
    ("WeChat Pay", "app", "app"),
    ("cn.wps.moffice_eng", "app", "app"),
    ("Invoice 2231, licence fee to Kingsoft Office Software via Ali Pay", "text", "payment"),
)
SMIC = "Semiconductor Manufacturing International Corporation"


def _row(engine: Engine, query: str, kind: str, activity: str, as_of: str) -> tuple[str, str, str]:
    result = engine.screen(query, kind=kind, as_of=as_of, activity=activity)
    colour = {"clear": "green", "review": "yellow", "block": "bold red"}[result.decision]
    if not result.hits:
        return f"[{colour}]{result.decision}[/]", "", "no match"
    hit = result.hits[0]
    decisive = next(
        (f for f in hit.findings if f.effect == hit.decision), hit.findings[0] if hit.findings else None
    )
    why = decisive.reason if decisive else hit.explanation
    return f"[{colour}]{result.decision}[/]", f"{hit.entity.name} ({hit.score:.2f})", why


def _files(console: Console, engine: Engine, as_of: str) -> None:
    """The payment file and the device inventory, screened as of `as_of`: one row per transaction and
    one per device, with what decided it."""
    examples = resources.files("clearance.faces") / "examples"
    payments = Screener(engine, as_of=as_of)
    table = Table(
        title=f"Payments (examples/payments.xml, pacs.008) as of {as_of}", show_lines=True, expand=True
    )
    table.add_column("EndToEndId", max_width=22, overflow="fold")
    table.add_column("decision", max_width=8)
    table.add_column("field and why", overflow="fold")
    for item in read_payments(Path(str(examples / "payments.xml"))):
        assert isinstance(item, Item), item  # the demo's file reads whole
        result = payments.screen(item)
        table.add_row(item.key, _coloured(result.decision), _why(result))
    console.print(table)
    devices: dict[str, list[ItemResult]] = {}
    for item in read_inventory(Path(str(examples / "devices.csv"))):
        assert isinstance(item, Item), item
        devices.setdefault(item.group or "", []).append(payments.screen(item))
    table = Table(title=f"Devices (examples/devices.csv) as of {as_of}", show_lines=True, expand=True)
    table.add_column("device", max_width=12)
    table.add_column("decision", max_width=8)
    table.add_column("apps not clear: measure, state, developer", overflow="fold")
    for device, results in devices.items():
        worst = max(results, key=lambda r: r.decision.severity)
        flagged = [_app(r) for r in results if r.decision != "clear"]
        table.add_row(
            device, _coloured(worst.decision), "\n".join(flagged) or f"{len(results)} apps, all clear"
        )
    console.print(table)


def _coloured(decision: str) -> str:
    colour = {"clear": "green", "review": "yellow", "block": "bold red"}[decision]
    return f"[{colour}]{decision}[/]"


def _why(result: ItemResult) -> str:
    if not result.findings:
        return "no listed party, country or place in any field"
    if result.reasons:
        reason = result.reasons[0]
    else:  # clear, with what matched and why it does not restrict on the date
        finding = result.findings[0]
        said = [h.explanation for h in finding.hits] + [p.explanation for p in finding.places]
        reason = f"context: {finding.field.role} {finding.field.path}: {said[0] if said else finding.note}"
    return reason if len(reason) < 400 else reason[:400] + " ..."


def _app(result: ItemResult) -> str:
    hit = next(h for f in result.findings for h in f.hits)
    doc = result.findings[0].to_dict()["hits"][0]
    measures = ", ".join(f"{f.state.measure.short} {f.state.state}" for f in hit.findings)
    developers = ", ".join(d["name"] for d in doc.get("developed_by", []))
    return f"{hit.entity.name}: {measures}" + (f"; developed by {developers}" if developers else "")


def main() -> None:
    console = Console(width=160)
    engine = Engine(load_dataset())
    console.print(
        f"[bold]clearance[/] demo: {len(engine.matcher.index)} names of {len(engine.entities)} built-in "
        "entities, "
        f"{len(engine.measures)} measures ({', '.join(engine.dataset.versions.values())})\n"
    )
    for as_of in DATES:
        _files(console, engine, as_of)
    for as_of in DATES:
        table = Table(title=f"As of {as_of}", show_lines=True, expand=True)
        table.add_column("query", max_width=34, overflow="fold")
        table.add_column("kind / activity", max_width=16)
        table.add_column("decision", max_width=8)
        table.add_column("best hit (score)", max_width=30, overflow="fold")
        table.add_column("why", overflow="fold")
        for query, kind, activity in QUERIES:
            table.add_row(query, f"{kind} / {activity}", *_row(engine, query, kind, activity, as_of))
        console.print(table)
    table = Table(title="SMIC as of 2022-03-01: the activity decides", show_lines=True, expand=True)
    table.add_column("activity", max_width=12)
    table.add_column("decision", max_width=8)
    table.add_column("best hit (score)", max_width=30, overflow="fold")
    table.add_column("why", overflow="fold")
    for activity in ("securities", "payment", "export", "any"):
        table.add_row(activity, *_row(engine, SMIC, "party", activity, "2022-03-01"))
    console.print(table)
    console.print('Try: .venv/bin/clearance screen "Tencent Holdings" --as-of 2021-03-01 --json')
    console.print(
        "     .venv/bin/clearance payments src/clearance/faces/examples/payments.xml --as-of 2021-03-01"
    )
    console.print(
        "     .venv/bin/clearance apps src/clearance/faces/examples/devices.csv --as-of 2021-03-01 --json"
    )


if __name__ == "__main__":
    main()
