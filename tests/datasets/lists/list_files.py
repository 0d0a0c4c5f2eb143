"""List files for the data-safety tests: the excerpts in tests/data/lists, copied, cut, or edited the way
a list changes (an entry taken off every file of an OFAC list), and the home's files.

The excerpts are cut from the real files in ../shared/data (see tests/data/lists/README.md); the tests
marked `integration` use the whole real files through the `shared_data` fixture.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner, Result

from clearance.faces.cli.app import app
from fixtures import DATA

LISTS = DATA / "lists"
SDN = LISTS / "ofac-sdn-2021"  # sdn.csv, add.csv, alt.csv, sdn_comments.csv
CONS = LISTS / "ofac-consolidated-2025"
OTHER = LISTS / "other"
UN = OTHER / "un-consolidated-2026.xml"
DPL = OTHER / "bis-dpl-2019.txt"
CSL_CSV = OTHER / "csl-sample-2019.csv"
CSL_JSON = LISTS / "csl_sample.json"
OFAC_XML = LISTS / "ofac_sdn_sample.xml"
EU_XML = LISTS / "eu_fsf_sample.xml"
UK_CSV = LISTS / "uk_conlist_sample.csv"
FTM = LISTS / "opensanctions_sample.ftm.json"
OFAC_FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")

runner = CliRunner()


def copy(src: Path, dest: Path) -> Path:
    """A writable copy of a file or folder."""
    if src.is_dir():
        shutil.copytree(src, dest)
        for f in dest.iterdir():
            f.chmod(0o644)
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(src.read_bytes())
    return dest


def cut(src: Path, dest: Path, at: int) -> Path:
    """`dest` holding the first `at` bytes of `src` (a file cut short)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(src.read_bytes()[:at])
    return dest


def delist(folder: Path, *ent_nums: str) -> None:
    """Take entries off an OFAC legacy CSV list the way OFAC does: their rows leave every file."""
    starts = tuple(f"{n},".encode() for n in ent_nums)
    for name in OFAC_FILES:
        path = folder / name
        rows = path.read_bytes().split(b"\r\n")
        path.write_bytes(b"\r\n".join(r for r in rows if not r.startswith(starts)))


def ent_nums(folder: Path) -> list[str]:
    """The entry numbers of an OFAC primary file, in file order."""
    rows = (folder / "sdn.csv").read_bytes().split(b"\r\n")
    return [r.split(b",", 1)[0].decode() for r in rows if r[:1].isdigit()]


def lists_cli(home: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """`clearance lists ...` with CLEARANCE_HOME set to `home`."""
    return runner.invoke(app, ["lists", *args], env={"CLEARANCE_HOME": str(home), **(env or {})})


def one_line(text: str) -> str:
    """The one line of an error message (and that there is only one)."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]
