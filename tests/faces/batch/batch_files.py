"""Files and jobs the batch tests share: a CSV of parties, a job over it, many rows, and a disk that
fills up."""

from __future__ import annotations

import csv
import errno
import os
from pathlib import Path
from typing import Any

import pytest

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


class _FullDisk:
    """A file that takes half of what it is given and then finds the disk full."""

    def __init__(self, file: Any) -> None:
        self.file = file

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def write(self, data: bytes) -> int:
        self.file.write(data[: len(data) // 2])
        self.file.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.file, name)


def full_disk_after(monkeypatch: pytest.MonkeyPatch, path: Path, appends: int) -> None:
    """The disk holding `path` fills up at its `appends`-th append (the header is not one)."""
    real = Path.open
    seen = {"n": 0}

    def open_(self: Path, mode: str = "r", *args: Any, **kw: Any) -> Any:
        f = real(self, mode, *args, **kw)
        if self == path and "a" in mode:
            seen["n"] += 1
            if seen["n"] >= appends:
                return _FullDisk(f)
        return f

    monkeypatch.setattr(Path, "open", open_)
