"""An import that would shrink a list, and several lists of one source in one call (issue 16, items 1-2).

An import that would leave a source with more than `--max-shrink` (CLEARANCE_MAX_SHRINK, default 10%)
fewer entries than its active snapshot is refused, naming both counts, unless `--allow-shrink`. Two
files of one source in one call are refused, naming them, unless they are the companions of one list
(sdn.csv with add.csv, alt.csv and sdn_comments.csv is one list).
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from clearance import load_dataset
from clearance.datasets.lists.reading import ImportFailed, read
from clearance.datasets.lists.snapshots import active
from clearance.datasets.lists.updates import UpdateFailed, import_files, update
from datasets.lists.list_files import DPL, OFAC_XML, SDN, UN, copy, delist, ent_nums, lists_cli, one_line


def _smaller(tmp_path: Path, drop: int) -> Path:
    """The SDN excerpt (161 entries) with its first `drop` entries taken off."""
    folder = copy(SDN, tmp_path / f"sdn-less-{drop}")
    delist(folder, *ent_nums(folder)[:drop])
    return folder


# ---------------------------------------------------------------------------------------------- shrink


def test_an_import_that_shrinks_a_list_too_much_is_refused_naming_both_counts(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (whole,) = import_files([SDN], home)
    assert whole.snapshot.entities == 161
    with pytest.raises(
        ImportFailed,
        match=r"ofac-sdn: .*sdn\.csv has 141 entries where the active snapshot has 161 \(12\.4% fewer, more "
        r"than the 10\.0% allowed by --max-shrink, CLEARANCE_MAX_SHRINK\); nothing was imported\. If the "
        r"list really shrank, import it with --allow-shrink",
    ):
        import_files([_smaller(tmp_path, 20)], home)
    assert active(home) == [whole.snapshot]
    (within,) = import_files([_smaller(tmp_path, 10)], home)  # 151 of 161: 6.2% fewer, within 10%
    assert within.created and within.snapshot.entities == 151


def test_allow_shrink_and_a_larger_limit_let_a_list_shrink(tmp_path: Path) -> None:
    small = _smaller(tmp_path, 50)  # 111 of 161: 31% fewer
    for home, options in (
        (tmp_path / "allowed", {"allow_shrink": True}),
        (tmp_path / "limit", {"max_shrink": 0.35}),
    ):
        import_files([SDN], home)
        (imported,) = import_files([small], home, **options)  # type: ignore[arg-type]
        assert imported.created and active(home)[0].entities == 111


def test_shrink_is_measured_per_source_against_its_own_active_snapshot(tmp_path: Path) -> None:
    home = tmp_path / "home"
    import_files([UN], home)
    (first,) = import_files([_smaller(tmp_path, 100)], home)  # no active ofac-sdn yet: nothing to shrink
    assert first.snapshot.entities == 61
    assert {s.source for s in active(home)} == {"ofac-sdn", "un-sc"}


def test_cli_shrink_options(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert lists_cli(home, "import", str(SDN)).exit_code == 0
    small = str(_smaller(tmp_path, 20))
    r = lists_cli(home, "import", small)
    assert r.exit_code == 2
    line = one_line(r.stderr)
    assert "141 entries where the active snapshot has 161" in line and "--allow-shrink" in line
    assert lists_cli(home, "import", small, env={"CLEARANCE_MAX_SHRINK": "0.13"}).exit_code == 0
    home2 = tmp_path / "home2"
    assert lists_cli(home2, "import", str(SDN)).exit_code == 0
    assert lists_cli(home2, "import", small, "--max-shrink", "0.1").exit_code == 2
    r = lists_cli(home2, "import", small, "--allow-shrink", "--json")
    assert r.exit_code == 0 and '"entities": 141' in r.stdout


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server over a folder the test fills (never the internet)."""
    folder = tmp_path / "served"
    folder.mkdir()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_an_update_that_would_shrink_a_source_keeps_its_snapshot(
    tmp_path: Path, served: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, folder = served
    monkeypatch.setenv("CLEARANCE_SOURCE_OFAC_SDN_URL", url)
    for f in SDN.iterdir():
        copy(f, folder / f.name)
    home = tmp_path / "home"
    (first,) = update(["ofac-sdn"], home)
    small = _smaller(tmp_path, 40)
    for f in small.iterdir():
        copy(f, folder / f.name).touch()
    with pytest.raises(UpdateFailed, match=r"ofac-sdn: .* has 121 entries where the active snapshot has 161"):
        update(["ofac-sdn"], home)
    assert active(home) == [first.snapshot]
    (shrunk,) = update(["ofac-sdn"], home, allow_shrink=True)
    assert shrunk.snapshot.entities == 121


# ------------------------------------------------------------------------------------ one list a source


def test_two_lists_of_one_source_in_one_import_are_refused_naming_both(tmp_path: Path) -> None:
    """The issue's case: a whole sdn.csv and a cut one in one call; the later used to replace the
    earlier in silence."""
    whole, other = copy(SDN, tmp_path / "a"), _smaller(tmp_path, 5)
    with pytest.raises(
        ImportFailed,
        match=r"ofac-sdn: several files of one source in one call \(.*/a/sdn\.csv, .*/sdn-less-5/sdn\.csv\)",
    ):
        import_files([whole, other], tmp_path / "home")
    assert active(tmp_path / "home") == []
    r = lists_cli(tmp_path / "home", "import", str(whole), str(other), str(UN))
    assert r.exit_code == 2 and "several files of one source" in one_line(r.stderr)
    assert active(tmp_path / "home") == []


def test_the_same_list_in_two_formats_or_two_copies_is_refused(tmp_path: Path) -> None:
    dpl_copy = copy(DPL, tmp_path / "copy" / "dpl.txt")
    with pytest.raises(
        ImportFailed, match=r"bis-dpl: several files of one source .*bis-dpl-2019\.txt, .*dpl\.txt"
    ):
        read([DPL, dpl_copy])
    sdn_xml = copy(OFAC_XML, tmp_path / "xml" / "sdn.xml")
    with pytest.raises(ImportFailed, match="ofac-sdn: several files of one source"):
        read([SDN, sdn_xml])
    with pytest.raises(ImportFailed, match="several files of one source"):
        load_dataset(lists=[DPL, dpl_copy], home=tmp_path / "home")


def test_a_list_and_its_companions_are_one_list(tmp_path: Path) -> None:
    files = [SDN / name for name in ("add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv")]
    (imported,) = import_files(files, tmp_path / "home")
    assert sorted(imported.snapshot.files) == ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"]
    assert imported.snapshot.entities == 161
    again = read([SDN, SDN / "sdn.csv", SDN / "alt.csv"])  # the folder and its files: still one list
    assert [d.source for d in again] == ["ofac-sdn"]


def test_an_update_of_a_file_published_cut_short_keeps_the_snapshot(
    tmp_path: Path, served: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The download arrives whole (its Content-Length met), but what was published ends early."""
    url, folder = served
    monkeypatch.setenv("CLEARANCE_SOURCE_OFAC_SDN_URL", url)
    for f in SDN.iterdir():
        copy(f, folder / f.name)
    home = tmp_path / "home"
    (first,) = update(["ofac-sdn"], home)
    raw = (SDN / "alt.csv").read_bytes()
    (folder / "alt.csv").write_bytes(raw[: raw.index(b"\r\n", len(raw) // 2) + 2])
    with pytest.raises(UpdateFailed, match=r"^ofac-sdn: .*alt\.csv:\d+: cut short"):
        update(["ofac-sdn"], home)
    assert active(home) == [first.snapshot]
    r = lists_cli(home, "update", "ofac-sdn", env={"CLEARANCE_SOURCE_OFAC_SDN_URL": url})
    assert r.exit_code == 2 and one_line(r.stderr).startswith("error: ofac-sdn: ")
