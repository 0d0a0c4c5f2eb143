"""Reading list files: format detection, grouping a list with its companion files, the checks, content
hashes.

    data = read([Path("sdn.csv"), Path("un.xml")])   # one ListData per source, problems included

Formats are detected from content (the first bytes), the file name being only a hint. Files that a
reader reads together with its main file (OFAC's add.csv, alt.csv ... beside sdn.csv) are taken as its
companions and not read on their own: the main file and its companions are one `Group`. A folder stands
for the files in it. What a list must pass before it is used is in `checks`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from clearance.datasets.lists import csl, dpl, eu_xml, ftm, ofac_csv, ofac_xml, uk_csv, un_xml
from clearance.datasets.lists.base import ListData, Reader
from clearance.datasets.lists.checks import DEFAULT_MAX_LOSS, ImportFailed, check_loss, check_one_per_source

__all__ = [
    "DEFAULT_MAX_LOSS",
    "READERS",
    "Group",
    "ImportFailed",
    "content_hash",
    "detect",
    "expand",
    "formats",
    "plan",
    "read",
    "read_group",
    "version_of",
]

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
_HEAD = 65536


@dataclass(frozen=True)
class Group:
    """One list to read: its main file and the companion files read with it (they exist)."""

    reader: Reader
    primary: Path
    files: tuple[Path, ...]  # the primary first


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


def plan(paths: Iterable[str | Path], *, fmt: str = "auto") -> list[Group]:
    """The lists in files and folders, each with its companions. Raises ImportFailed for a file of no
    known format (that is no list's companion) or one that cannot be read."""
    claimed: dict[Path, tuple[Reader, Path]] = {}
    companions: dict[Path, Path] = {}
    unknown: list[Path] = []
    for path in expand(paths):
        reader = detect(path, fmt)
        if reader is None:
            unknown.append(path)
            continue
        claimed.setdefault(path.resolve(), (reader, path))
        companions.update((p.resolve(), p) for p in reader.companions(path))
    unknown = [p for p in unknown if p.resolve() not in companions]
    if unknown:
        raise ImportFailed(f"{unknown[0]}: not a list format clearance reads ({', '.join(formats())})")
    groups = []
    for key, (reader, path) in claimed.items():
        if key in companions:
            continue  # read with its main file
        groups.append(Group(reader, path, (path, *reader.companions(path))))
    return groups


def read_group(group: Group, *, at: Path | None = None) -> ListData:
    """Read one list. With `at`, from copies of its files in that folder (under the same names), while
    its problems and files still name the originals: what is checked is then what is kept."""
    if at is None:
        return group.reader.read([group.primary])
    data = group.reader.read([at / group.primary.name])
    prefix, original = f"{at}/", group.primary.parent

    def relabel(name: str) -> str:
        return str(original / name[len(prefix) :]) if name.startswith(prefix) else name

    data.files = [relabel(f) for f in data.files]
    data.problems = [dataclasses.replace(p, file=relabel(p.file)) for p in data.problems]
    data.fatal = [dataclasses.replace(p, file=relabel(p.file)) for p in data.fatal]
    return data


def read(
    paths: Iterable[str | Path], *, fmt: str = "auto", max_loss: float = DEFAULT_MAX_LOSS
) -> list[ListData]:
    """Read list files and folders. Raises ImportFailed when a file is of no known format, cannot be
    read, is cut short or damaged, loses more than `max_loss` of its rows, or when two lists of one
    source are given; bad rows below that are in each ListData's problems."""
    sources = []
    for group in plan(paths, fmt=fmt):
        data = read_group(group)
        check_loss(data, max_loss)
        sources.append(data)
    check_one_per_source(sources)
    return sources


def content_hash(paths: Iterable[str | Path]) -> str:
    """SHA-256 over the files a source was read from (names and bytes, in name order)."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode() + b"\0")
        with Path(path).open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def version_of(paths: Iterable[str | Path]) -> str:
    """The short content hash a result names as the version of a source read from files."""
    return content_hash(paths)[:12]
