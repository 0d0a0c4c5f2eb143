"""Downloading the official list files: `clearance lists update`.

Each source is a base URL and the files it publishes there. The base URL of a source can be changed
with `CLEARANCE_SOURCE_<NAME>_URL` (NAME in capitals, dashes as underscores: CLEARANCE_SOURCE_OFAC_SDN_URL),
for a mirror, a proxy or a test server. A download goes to a temporary folder and must arrive whole: a
body shorter than its Content-Length, a connection cut halfway or a file over the size limit fails the
update, and the active snapshot stays as it was. An expected SHA-256 can be given per file with
`CLEARANCE_SOURCE_<NAME>_SHA256` ("file=hex,file=hex"); the hash of what arrived is always recorded.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from clearance.errors import ClearanceError

CHUNK = 1 << 16
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    base_url: str
    files: tuple[str, ...]

    def url(self) -> str:
        key = f"CLEARANCE_SOURCE_{self.name.upper().replace('-', '_')}_URL"
        return os.environ.get(key, self.base_url).rstrip("/")

    def expected(self) -> dict[str, str]:
        key = f"CLEARANCE_SOURCE_{self.name.upper().replace('-', '_')}_SHA256"
        pairs = [p.split("=", 1) for p in os.environ.get(key, "").split(",") if "=" in p]
        return {name.strip(): digest.strip().lower() for name, digest in pairs}


# The official publication points (2025-2026). OFAC's Sanctions List Service serves the legacy CSV files.
SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "ofac-sdn",
            "OFAC SDN list (legacy CSV)",
            "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports",
            ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"),
        ),
        Source(
            "ofac-consolidated",
            "OFAC consolidated non-SDN lists (legacy CSV)",
            "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports",
            ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
        ),
        Source(
            "csl",
            "US Consolidated Screening List (trade.gov)",
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1",
            ("consolidated.csv",),
        ),
        Source("bis-dpl", "BIS Denied Persons List", "https://www.bis.doc.gov/dpl", ("dpl.txt",)),
        Source(
            "un-sc",
            "UN Security Council consolidated list",
            "https://scsanctions.un.org/resources/xml/en",
            ("consolidated.xml",),
        ),
        Source(
            "uk-ofsi",
            "UK OFSI consolidated list",
            "https://ofsistorage.blob.core.windows.net/publishlive/2022format",
            ("ConList.csv",),
        ),
    )
}


class DownloadFailed(ClearanceError):
    """A file that did not arrive whole; nothing was replaced."""


def fetch(url: str, dest: Path, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Download one file to `dest`; return its SHA-256. Raises DownloadFailed unless it arrived whole."""
    digest = hashlib.sha256()
    received = 0
    request = urllib.request.Request(url, headers={"User-Agent": "clearance list update"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, dest.open("wb") as out:
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            if expected is not None and expected > max_bytes:
                raise DownloadFailed(f"{url}: {expected:,} bytes is over the {max_bytes:,}-byte limit")
            while chunk := response.read(CHUNK):
                received += len(chunk)
                if received > max_bytes:
                    raise DownloadFailed(f"{url}: more than the {max_bytes:,}-byte limit")
                digest.update(chunk)
                out.write(chunk)
    except DownloadFailed:
        raise
    except urllib.error.HTTPError as exc:
        raise DownloadFailed(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadFailed(f"{url}: download failed after {received:,} bytes ({reason})") from exc
    if expected is not None and received != expected:
        raise DownloadFailed(f"{url}: got {received:,} of {expected:,} bytes; the download was cut short")
    if received == 0:
        raise DownloadFailed(f"{url}: the file is empty")
    return digest.hexdigest()


def fetch_source(source: Source, folder: Path) -> list[Path]:
    """Download every file of a source into `folder`, checking sizes and any expected checksums."""
    expected = source.expected()
    paths = []
    for name in source.files:
        dest = folder / name
        digest = fetch(f"{source.url()}/{name}", dest)
        if name in expected and expected[name] != digest:
            raise DownloadFailed(
                f"{source.url()}/{name}: SHA-256 {digest} is not the expected {expected[name]}"
            )
        paths.append(dest)
    return paths
