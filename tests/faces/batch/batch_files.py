"""Files and jobs the batch tests share: a CSV of parties, a job over it, and many rows."""

from __future__ import annotations

import csv
from pathlib import Path

from clearance.faces.batch import BatchJob


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A CSV of (id, payee, date) rows, with its header."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "payee", "date"])
        writer.writerows(rows)
    return path


def job(tmp: Path, src: Path, out: str = "out.csv", **kw: object) -> BatchJob:
    """A job over a file `write_csv` made, writing `tmp / out`; `kw` overrides its settings."""
    defaults: dict[str, object] = dict(name_col="payee", date_col="date", id_col="id", home=tmp / "home")
    defaults.update(kw)
    return BatchJob(input=src, output=tmp / out, **defaults)  # type: ignore[arg-type]


def many(n: int) -> list[tuple[str, str, str]]:
    """`n` rows whose names recur, as counterparties do, with some one-off names among them."""
    names = [
        "Tencent Holdings",
        "Acme Corp",
        "Alipay",
        "John Smith",
        "SMIC",
        "Kings Office Supply",
        "WeChat Pay",
    ]
    return [(f"r{i}", names[i % len(names)] + ("" if i % 3 else f" {i}"), "2021-03-01") for i in range(n)]
