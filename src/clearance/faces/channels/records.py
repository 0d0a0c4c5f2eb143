"""The records a channel command writes: one per item (`ItemResult.to_dict`), one per group of items
decided together (a device and its apps), and one per reject; as JSON lines (the whole record) or CSV
(one line per record, the nested parts as JSON in their cells).

A group record (`record: "device"`) takes the most severe decision of its items and names each item
that is not clear, with the measure and its state on the date (../shared/CONVENTIONS.md, "Decisions").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from clearance.channels.items import Channel, Reject
from clearance.channels.screen import ItemResult
from clearance.domain.enums import Decision

ITEM_COLUMNS = (
    "record", "channel", "key", "refs", "source", "line", "position", "as_of", "activity", "decision",
    "reasons", "fields_screened", "findings", "best", "divestment", "details", "data_versions",
)  # fmt: skip
REJECT_COLUMNS = ("source", "line", "position", "reason", "text")
GROUPED = {Channel.APP: "device"}  # the channels whose items are gathered per group, and its name


def item_record(result: ItemResult) -> dict[str, Any]:
    """The whole record of an item, as `--json` and JSON-lines output give it."""
    return result.to_dict()


def csv_row(record: dict[str, Any]) -> list[Any]:
    """A record (item or group) as the cells of `ITEM_COLUMNS`: nested parts as JSON, `best` the most
    severe finding's field, entity or territory and score in words."""
    cells = {
        **record,
        "refs": _json(record.get("refs")),
        "reasons": " | ".join(record.get("reasons", ())),
        "findings": len(record.get("findings", ())),
        "best": best_of(record),
        "divestment": _json(record.get("divestment")),
        "details": _json(record.get("details")),
        "data_versions": _json(record.get("data_versions")),
    }
    return [cells.get(column, "") for column in ITEM_COLUMNS]


def best_of(record: dict[str, Any]) -> str:
    """The finding a record's decision rests on, in words: the field, then the entity or territory."""
    for finding in record.get("findings", ()):
        if finding["decision"] != record["decision"]:
            continue
        fld = finding["field"]
        where = f"{fld['role']} {fld['path']}" + (f" (line {fld['line']})" if fld["line"] else "")
        for hit in finding["hits"]:
            if hit["decision"] == record["decision"]:
                return f"{where}: {hit['name']} ({hit['entity_id']}, score {hit['score']:.2f})"
        for place in finding["territories"]:
            if place["decision"] == record["decision"]:
                return f"{where}: '{place['matched']}', {place['name']} ({place['territory']})"
    return ""


def reject_record(reject: Reject) -> dict[str, Any]:
    return {"record": "reject", **reject.to_dict()}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value not in (None, {}, [], ()) else ""


@dataclass
class Group:
    """The items of one group so far (a device's apps): their number, the most severe decision and the
    items that are not clear, each with what hit it. Kept in the progress record, so that a resumed run
    gives the same group records."""

    channel: str
    key: str
    items: int = 0
    decision: str = Decision.CLEAR
    flagged: list[dict[str, Any]] = field(default_factory=list)

    def add(self, record: dict[str, Any]) -> None:
        self.items += 1
        decision = Decision(record["decision"])
        if decision.severity > Decision(self.decision).severity:
            self.decision = decision
        if decision is not Decision.CLEAR:
            refs = record["refs"]
            own = [v for v in refs.values() if v != self.key]  # the app's own reference, not the device's
            self.flagged.append(
                {
                    "key": own[0] if own else record["key"],
                    "refs": record["refs"],
                    "decision": decision,
                    "covered": _covered(record),
                    "reasons": record["reasons"],
                }
            )

    def record(self) -> dict[str, Any]:
        """The group's record: `record` is the group's name (`device`), `key` its id."""
        name = GROUPED[Channel(self.channel)]
        return {
            "record": name,
            "channel": self.channel,
            "key": self.key,
            "refs": {f"{name}_id": self.key},
            "decision": self.decision,
            "items": self.items,
            "flagged": self.flagged,
            "reasons": [
                f"{f['key']}: {r}"
                for f in self.flagged
                if f["decision"] == self.decision
                for r in f["reasons"]
            ],
        }


def _covered(record: dict[str, Any]) -> list[dict[str, Any]]:
    """What hit an item, per entity: the covered app or party, the measures and their states, and who
    develops or controls it (the hit's path)."""
    out = []
    for finding in record["findings"]:
        for hit in finding["hits"]:
            if hit["decision"] == Decision.CLEAR:
                continue
            out.append(
                {
                    "entity_id": hit["entity_id"],
                    "name": hit["name"],
                    "field": finding["field"]["path"],
                    "measures": [
                        {"id": m["id"], "state": m["state"], "since": m["since"], "effect": m["effect"]}
                        for m in hit["measures"]
                    ],
                    "path": hit["path"],
                    "developed_by": hit.get("developed_by", []),
                }
            )
        for place in finding["territories"]:
            if place["decision"] != Decision.CLEAR:
                out.append(
                    {
                        "territory": place["territory"],
                        "name": place["name"],
                        "field": finding["field"]["path"],
                    }
                )
    return out
