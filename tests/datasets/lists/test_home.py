"""The home: several sources made active all or nothing, only activated snapshots read, leftovers of an
interrupted import cleaned, and every snapshot verified when read (issue 16, items 7 and 8).

A damaged home (ACTIVE or a manifest that cannot be read, ACTIVE naming a snapshot that is not there or
missing while snapshots are kept, a snapshot file edited, emptied or deleted) is a DataError naming the
source and the file: `screen` exits 2 with one line, `lists verify` exits 1 naming it; never a silent
drop of the source, never a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance import Engine, load_dataset
from clearance.datasets.lists import manifest
from clearance.datasets.lists.reading import ImportFailed
from clearance.datasets.lists.snapshots import active, current_on, find, history, read_index
from clearance.datasets.lists.staging import Transaction
from clearance.datasets.lists.updates import import_files, load_active, verify_home
from clearance.errors import DataError
from clearance.faces.cli.app import app
from datasets.lists.list_files import DPL, SDN, UN, copy, cut, delist, lists_cli, one_line


def _shas(home: Path) -> dict[str, str]:
    return {s.source: s.sha256 for s in active(home)}


def _edited_un(tmp_path: Path) -> Path:
    """The UN excerpt less its first record: another publication of the list."""
    text = UN.read_text(encoding="utf-8")
    start = text.index("<INDIVIDUAL>")
    end = text.index("</INDIVIDUAL>", start) + len("</INDIVIDUAL>")
    path = tmp_path / "new" / "un.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return path


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """A home with the SDN and UN excerpts active."""
    home = tmp_path / "home"
    import_files([SDN, UN], home)
    return home


# ------------------------------------------------------------------------------------ all or nothing


def test_an_import_of_several_sources_is_all_or_nothing(tmp_path: Path, home: Path) -> None:
    before = _shas(home)
    new_un = _edited_un(tmp_path)
    dpl_cut = cut(DPL, tmp_path / "new" / "dpl.txt", len(DPL.read_bytes()) - 3)
    with pytest.raises(ImportFailed, match=r"dpl\.txt:\d+: cut short"):
        import_files([new_un, dpl_cut], home)
    assert _shas(home) == before  # the good UN file was not made active alone
    sdn_small = copy(SDN, tmp_path / "small")
    delist(sdn_small, *[r.split(",")[0] for r in (SDN / "sdn.csv").read_text().splitlines()[:40]])
    with pytest.raises(ImportFailed, match="the active snapshot has 161"):
        import_files([new_un, DPL, sdn_small], home)
    assert _shas(home) == before
    assert not [p for p in (home / "snapshots").rglob(".incoming-*")]


def test_sources_imported_together_become_active_in_one_step(tmp_path: Path, home: Path) -> None:
    imported = import_files([_edited_un(tmp_path), DPL], home)
    index = read_index(home)
    assert index.activations[-1].snapshots == {i.snapshot.source: i.snapshot.id for i in imported}
    assert index.active == {s.source: s.id for s in active(home)}
    doc = json.loads((home / "snapshots" / "ACTIVE").read_text())
    assert doc["format"] == "clearance-active/1" and len(doc["activations"]) == 2


def test_a_snapshot_never_made_active_is_never_read_and_the_next_import_removes_it(
    tmp_path: Path, home: Path
) -> None:
    """What an import killed between staging and activation leaves: a staged snapshot (here one retrieved
    earlier than today, so that as-of screening would pick it), `.incoming-*` and `.active-*` leftovers."""
    good = active(home)
    sdn = next(s for s in good if s.source == "ofac-sdn")
    ghost_id = "20210701T120000000000Z-000000000000"
    ghost = Path(sdn.path).parent / ghost_id
    shutil.copytree(sdn.path, ghost)
    doc = json.loads((ghost / "manifest.json").read_text())
    doc.update(id=ghost_id, retrieved_at="2021-07-01T12:00:00+00:00")
    (ghost / "manifest.json").write_text(json.dumps(doc))
    (home / "snapshots" / ".incoming-x1").mkdir()
    (home / "snapshots" / "ofac-sdn" / ".incoming-x2").mkdir()
    (home / "snapshots" / ".active-x3").write_text("{")
    assert active(home) == good and ghost_id not in {s.id for s in history(home)}
    assert current_on(home, date(2021, 7, 2)) == []  # nothing was active then: the ghost is not used
    assert find(home, ghost_id) is None and find(home, f"ofac-sdn/{ghost_id}") is None
    datas, versions = load_active(home, date(2021, 7, 2))
    assert datas == [] and versions == {}
    with Transaction(home) as txn:  # what the next import does first
        assert sorted(txn.cleaned) == sorted(
            [".active-x3", ".incoming-x1", "ofac-sdn/.incoming-x2", f"ofac-sdn/{ghost_id}"]
        )
    assert not ghost.exists()
    leftovers = [
        p.name for p in (home / "snapshots").rglob("*") if p.name.startswith((".incoming", ".active"))
    ]
    assert leftovers == []


def test_lists_as_of_uses_the_snapshots_that_were_active(tmp_path: Path, home: Path) -> None:
    first = next(s for s in active(home) if s.source == "un-sc")
    (second,) = import_files([_edited_un(tmp_path)], home)
    assert current_on(home, date.today())[1].id == second.snapshot.id
    assert [s.id for s in history(home, "un-sc")] == [first.id, second.snapshot.id]


def test_one_import_at_a_time(home: Path) -> None:
    with Transaction(home), pytest.raises(ImportFailed, match=r"another import into .* is still running"):
        Transaction(home, wait=0.1).__enter__()
    with Transaction(home, wait=0.1):  # released when the first is done
        pass


def test_a_home_from_before_the_one_active_file(tmp_path: Path, home: Path) -> None:
    """Homes written before the home's ACTIVE have one ACTIVE per source and manifests without per-file
    checks: they are read as they are (the whole content's SHA-256 checked), and the next import writes
    the home's ACTIVE."""
    base = home / "snapshots"
    for snap in active(home):
        (base / snap.source / "ACTIVE").write_text(snap.id + "\n")
        doc = json.loads((Path(snap.path) / "manifest.json").read_text())
        del doc["checks"]
        (Path(snap.path) / "manifest.json").write_text(json.dumps(doc))
    (base / "ACTIVE").unlink()
    assert read_index(home).legacy
    datas, versions = load_active(home)
    assert sorted(versions) == ["ofac-sdn", "un-sc"] and sum(len(d.entities) for d in datas) == 161 + 33
    assert verify_home(home) == 2
    sdn = Path(next(s for s in active(home) if s.source == "ofac-sdn").path)
    original = (sdn / "sdn.csv").read_bytes()
    (sdn / "sdn.csv").write_bytes(original.replace(b"BANCO NACIONAL DE CUBA", b"BANCO NACIONAL DE CUBB"))
    with pytest.raises(DataError, match=r"ofac-sdn: the files of snapshot .* do not match its manifest"):
        load_active(home)
    (sdn / "sdn.csv").write_bytes(original)
    import_files([DPL], home)
    assert not read_index(home).legacy and (base / "ACTIVE").is_file()
    assert not (base / "ofac-sdn" / "ACTIVE").exists()
    assert sorted(load_active(home)[1]) == ["bis-dpl", "ofac-sdn", "un-sc"]


# ---------------------------------------------------------------------------------------- verification


def _sdn(home: Path) -> Path:
    return Path(next(s for s in active(home) if s.source == "ofac-sdn").path)


def _edit_json(path: Path, change: Callable[[dict[str, object]], None]) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def _dangling(home: Path) -> None:
    def change(doc: dict[str, object]) -> None:
        for mapping in [doc["active"], *(a["snapshots"] for a in doc["activations"])]:  # type: ignore[attr-defined]
            if "ofac-sdn" in mapping:
                mapping["ofac-sdn"] = "20990101T000000000000Z-000000000000"

    _edit_json(home / "snapshots" / "ACTIVE", change)


DAMAGE: dict[str, tuple[Callable[[Path], object], str]] = {
    "ACTIVE not JSON": (
        lambda h: (h / "snapshots" / "ACTIVE").write_text("garbage"),
        r"snapshots/ACTIVE is corrupt",
    ),
    "ACTIVE emptied": (
        lambda h: (h / "snapshots" / "ACTIVE").write_bytes(b""),
        r"snapshots/ACTIVE is corrupt",
    ),
    "ACTIVE deleted": (
        lambda h: (h / "snapshots" / "ACTIVE").unlink(),
        r"ACTIVE is missing, yet snapshots of",
    ),
    "ACTIVE dangling": (_dangling, r"ofac-sdn: .*ACTIVE names snapshot 20990101T.* not there"),
    "ACTIVE inconsistent": (
        lambda h: _edit_json(h / "snapshots" / "ACTIVE", lambda d: d["active"].pop("un-sc")),  # type: ignore[attr-defined]
        r"ACTIVE is corrupt \(its active snapshots are not those of its last activations\)",
    ),
    "manifest not JSON": (
        lambda h: (_sdn(h) / "manifest.json").write_text("{"),
        r"ofac-sdn: .*manifest\.json is corrupt",
    ),
    "manifest deleted": (
        lambda h: (_sdn(h) / "manifest.json").unlink(),
        r"ofac-sdn: .*manifest\.json is missing",
    ),
    "manifest of another snapshot": (
        lambda h: _edit_json(_sdn(h) / "manifest.json", lambda d: d.update(source="un-sc")),
        r"ofac-sdn: .*manifest\.json describes un-sc/",
    ),
    "an entry removed": (
        lambda h: delist(_sdn(h), "306"),
        r"ofac-sdn: .*/sdn\.csv does not match its manifest",
    ),
    "a file emptied": (
        lambda h: (_sdn(h) / "sdn.csv").write_bytes(b""),
        r"ofac-sdn: .*/sdn\.csv does not match",
    ),
    "a file deleted": (
        lambda h: (_sdn(h) / "add.csv").unlink(),
        r"ofac-sdn: .*/add\.csv is missing from snapshot",
    ),
    "the snapshot deleted": (
        lambda h: shutil.rmtree(_sdn(h)),
        r"ofac-sdn: .*ACTIVE names snapshot .* not there",
    ),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_home_is_an_error_naming_the_source_and_file(home: Path, damage: str) -> None:
    harm, message = DAMAGE[damage]
    harm(home)
    with pytest.raises(DataError, match=message):
        load_active(home)
    with pytest.raises(DataError, match=message):
        Engine(load_dataset(home=home))
    r = lists_cli(home, "verify")
    assert r.exit_code == 1 and one_line(r.stderr).startswith("damaged: ")
    r = CliRunner().invoke(
        app, ["screen", "BANCO NACIONAL DE CUBA", "--as-of", "2021-07-01"], env={"CLEARANCE_HOME": str(home)}
    )
    assert r.exit_code == 2, r.output
    assert one_line(r.stderr).startswith("error: ")


def test_verify_an_intact_home(home: Path) -> None:
    r = lists_cli(home, "verify")
    assert r.exit_code == 0 and "2 snapshots" in r.stdout and "intact" in r.stdout


def test_an_edit_that_puts_size_and_time_back_is_found_by_verify(home: Path) -> None:
    """The check on read is cheap (size and time as recorded); `lists verify` hashes every file."""
    path = _sdn(home) / "sdn.csv"
    stat = path.stat()
    path.write_bytes(path.read_bytes().replace(b"BANCO NACIONAL DE CUBA", b"BANCO NACIONAL DE CUBB"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    load_active(home)  # passes the cheap check: documented
    with pytest.raises(DataError, match=r"ofac-sdn: .*/sdn\.csv does not match its manifest"):
        verify_home(home)
    r = lists_cli(home, "verify")
    assert r.exit_code == 1 and "sdn.csv does not match its manifest" in one_line(r.stderr)


def test_reading_hashes_only_files_whose_size_or_time_changed(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    real = manifest.file_sha256
    monkeypatch.setattr(manifest, "file_sha256", lambda p: hashed.append(p.name) or real(p))
    load_active(home)
    assert hashed == []
    os.utime(_sdn(home) / "alt.csv")  # touched, not changed
    load_active(home)
    assert hashed == ["alt.csv"]


def test_show_and_diff_on_a_damaged_home_are_one_line_errors(home: Path) -> None:
    (home / "snapshots" / "ACTIVE").write_text("[]")
    for args in (["show"], ["show", "--all"], ["diff", "ofac-sdn", "un-sc"]):
        r = lists_cli(home, *args)
        assert r.exit_code == 2 and "ACTIVE is corrupt" in one_line(r.stderr)


def test_a_damaged_snapshot_is_repaired_by_importing_the_list_again(home: Path) -> None:
    delist(_sdn(home), "306")
    with pytest.raises(DataError, match="import the list again to replace it"):
        load_active(home)
    (again,) = import_files([SDN], home)
    assert again.created  # the same content as the damaged snapshot's manifest, yet a new snapshot
    engine = Engine(load_dataset(home=home))
    assert engine.screen("BANCO NACIONAL DE CUBA", as_of="2021-07-01").decision == "block"


def test_a_full_disk_during_an_import_is_one_line_and_changes_nothing(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while the new files are flushed (a fake: every fsync fails with ENOSPC)."""
    before = _shas(home)
    new_un = _edited_un(tmp_path)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ImportFailed, match="No space left on device while copying it into the home"):
        import_files([new_un, DPL], home)
    r = lists_cli(home, "import", str(new_un))
    assert r.exit_code == 2 and "No space left on device" in one_line(r.stderr)
    monkeypatch.undo()
    assert _shas(home) == before
    assert not [p for p in (home / "snapshots").rglob(".incoming-*")]
