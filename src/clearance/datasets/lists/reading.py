"""Reading list files: format detection, the loss check, content hashes.

    data = read([Path("sdn.csv"), Path("un.xml")])   # one ListData per source, problems included

Formats are detected from content (the first bytes), the file name being only a hint. Files that a
reader reads together with its main file (OFAC's add.csv, alt.csv ... beside sdn.csv) are taken as its
companions and not read twice. A folder stands for the files in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from clearance.datasets.lists import csl, dpl, eu_xml, ftm, ofac_csv, ofac_xml, uk_csv, un_xml
from clearance.datasets.lists.base import ListData, Reader
from clearance.errors import InputError

READERS: tuple[Reader, ...] = (
    ofac_xml.READER,
    ofac_csv.READER,
    *csl.READERS,
    dpl.READER,
    un_xml.READER,
    eu_xml.READER,
    uk_csv.READER,
    ftm.READER,
)
DEFAULT_MAX_LOSS = 0.05  # an import that drops more than this share of its rows fails as a whole
_HEAD = 65536


class ImportFailed(InputError):
    """A file that cannot be read, or that loses too many rows: nothing of it is used."""


def expand(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")))
        elif path.is_file():
            out.append(path)
        else:
            raise ImportFailed(f"{path}: no such file or folder")
    return out


def detect(path: Path, fmt: str = "auto") -> Reader | None:
    """The reader for a file, from its content (or the format the user named)."""
    if fmt != "auto":
        for reader in READERS:
            if reader.format == fmt:
                return reader
        raise ImportFailed(f"unknown format '{fmt}': use one of {', '.join(formats())}")
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD)
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot be read ({exc.strerror})") from exc
    return next((r for r in READERS if r.sniff(path, head)), None)


def formats() -> list[str]:
    return [r.format for r in READERS]


def read(
    paths: Iterable[str | Path], fmt: str = "auto", max_loss: float = DEFAULT_MAX_LOSS
) -> list[ListData]:
    """Read list files and folders. Raises ImportFailed when a file is of no known format, cannot be read,
    or loses more than `max_loss` of its rows; bad rows below that are in each ListData's problems."""
    files = expand(paths)
    claimed: dict[Path, tuple[Reader, Path]] = {}
    companions: set[Path] = set()
    unknown: list[Path] = []
    for path in files:
        reader = detect(path, fmt)
        if reader is None:
            unknown.append(path)
            continue
        claimed[path.resolve()] = (reader, path)
        companions.update(p.resolve() for p in reader.companions(path))
    unknown = [p for p in unknown if p.resolve() not in companions]
    if unknown:
        raise ImportFailed(f"{unknown[0]}: not a list format clearance reads ({', '.join(formats())})")
    out = []
    for key, (reader, path) in claimed.items():
        if key in companions and fmt == "auto":
            continue  # read with its main file
        data = reader.read([path])
        check_loss(data, max_loss)
        out.append(data)
    return _prefer_xml(out)


def _prefer_xml(sources: list[ListData]) -> list[ListData]:
    """OFAC publishes the same list as XML and as legacy CSV; when both are given, the XML is used."""
    xml = {d.source for d in sources if d.format == "ofac-xml"}
    return [d for d in sources if d.format == "ofac-xml" or d.source not in xml]


def check_loss(data: ListData, max_loss: float) -> None:
    if data.rows == 0 and not data.entities:
        raise ImportFailed(f"{', '.join(data.files)}: no rows could be read")
    if data.rows and data.bad_rows / data.rows > max_loss:
        share = data.bad_rows / data.rows
        raise ImportFailed(
            f"{', '.join(data.files)}: {data.bad_rows} of {data.rows} rows ({share:.1%}) could not be read, "
            f"more than the {max_loss:.1%} allowed (CLEARANCE_MAX_LOSS); nothing was imported"
        )


def content_hash(paths: Iterable[str | Path]) -> str:
    """SHA-256 over the files a source was read from (names and bytes, in name order)."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def version_of(paths: Iterable[str | Path]) -> str:
    """The short content hash a result names as the version of a source read from files."""
    return content_hash(paths)[:12]
