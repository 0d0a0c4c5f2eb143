"""`make demo`: the main job on the built-in data, as a compliance user would see it.

Screens parties, apps and remittance texts as of 1 March 2021 (EO 13971 in force, never implemented) and
1 July 2021 (revoked by EO 14034), then SMIC in 2022 for a securities trade and for a payment.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

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


def main() -> None:
    console = Console(width=160)
    engine = Engine(load_dataset())
    console.print(
        f"[bold]clearance[/] demo: {len(engine.matcher.index)} names of {len(engine.entities)} built-in "
        "entities, "
        f"{len(engine.measures)} measures ({', '.join(engine.dataset.versions.values())})\n"
    )
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


if __name__ == "__main__":
    main()
