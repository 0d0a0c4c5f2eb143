"""A report of `store.reports` as JSON, CSV (one row per field of the regulation) or plain text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from clearance.errors import InputError

FORMATS = ("json", "csv", "text")
CSV_COLUMNS = ("case", "report", "citation", "field", "filled", "value", "reason", "note")


def render(report: Mapping[str, Any], fmt: str) -> str:
    """The report as `json` (indented), `csv` (`CSV_COLUMNS`, one row per field; `value` is the field's
    text) or `text`. Raises `InputError` for another format."""
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for f in report["fields"]:
            filled = "yes" if f["filled"] else "no"
            row = [report["case"]["id"], report["report"], f["citation"], f["field"], filled, f["text"]]
            writer.writerow([*row, f["reason"] or "", f["note"] or ""])
        return out.getvalue()
    if fmt != "text":
        raise InputError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")
    case, total = report["case"], report["filled"] + report["unfilled"]
    lines = [
        report["title"],
        f"Case {case['id']}: {case['party']} ({case['party_key']}), {case['disposition']} proposed by "
        f"{case['proposed_by']}, approved by {case['approved_by']} at {case['closed_at']}",
        f"Due by {report['due_by']}: {report['due_rule']}",
        f"Regulation: {report['regulation']['section']}, {report['regulation']['version']}",
        f"{report['filled']} of {total} fields filled from the store",
        "",
    ]
    for f in report["fields"]:
        lines.append(f"{f['citation']}  {f['field']}: " + (f["text"] if f["filled"] else "NOT FILLED"))
        lines += [f"    why not: {f['reason']}"] if f["reason"] else []
        lines += [f"    note: {f['note']}"] if f["note"] else []
    lines += [f"warning: {w}" for w in report["warnings"]]
    return "\n".join(lines) + "\n"
