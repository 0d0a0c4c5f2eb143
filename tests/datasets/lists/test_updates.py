"""Snapshots, imports, updates over HTTP (a local server, never the internet), and diffs.

On excerpts of the real list files (tests/data/lists, cut from ../shared/data: see the README there). The
tests marked `integration` import and screen the whole real files, and skip with a reason when
../shared/data is absent.
"""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance import Engine, load_dataset
from clearance.datasets.lists.reading import ImportFailed, read
from clearance.datasets.lists.snapshots import active, history
from clearance.datasets.lists.updates import UpdateFailed, diff, import_files, update
from clearance.faces.cli.app import app
from fixtures import DATA as FIXTURES

runner = CliRunner()
LISTS = FIXTURES / "lists"
SDN = LISTS / "ofac-sdn-2021"  # excerpts of the real files, same layout as ../shared/data
CONS = LISTS / "ofac-consolidated-2025"
OTHER = LISTS / "other"


class _Handler(http.server.SimpleHTTPRequestHandler):
    cut: bool = False

    def log_message(self, format: str, *args: object) -> None:
        pass

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        if not self.cut:
            super().copyfile(source, outputfile)
            return
        data = source.read()
        outputfile.write(data[: len(data) // 2])  # promise the whole file, send half, hang up
        self.close_connection = True


@pytest.fixture()
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"cut": False})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(SDN)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def _import_and_screen(folder: Path, home: Path, entities: int) -> None:
    """Import an OFAC SDN folder, check the snapshot, and screen against it."""
    imported = import_files([folder], home)
    assert [i.data.source for i in imported] == ["ofac-sdn"]
    snap = imported[0].snapshot
    assert imported[0].created and snap.entities == entities
    assert sorted(snap.files) == ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"]
    assert (Path(snap.path) / "sdn.csv").read_bytes() == (folder / "sdn.csv").read_bytes()
    again = import_files([folder], home)
    assert not again[0].created and again[0].snapshot.id == snap.id  # same content: nothing new
    assert [s.id for s in active(home)] == [snap.id]
    engine = Engine(load_dataset(home=home))
    result = engine.screen("BANCO NACIONAL DE CUBA", as_of="2021-07-01")
    assert result.decision == "block"
    assert result.data_versions["ofac-sdn"] == snap.id
    assert "ofac-sdn" in result.hits[0].entity.lists


def test_import_keeps_the_files_and_screens_against_the_active_snapshot(tmp_path: Path) -> None:
    _import_and_screen(SDN, tmp_path, entities=161)


@pytest.mark.integration
def test_import_and_screen_the_whole_real_sdn_list(tmp_path: Path, shared_data: Path) -> None:
    _import_and_screen(shared_data / "ofac-sdn-2021", tmp_path, entities=8976)


def _smic_joins_the_builtin_entity(lists: list[Path], home: Path) -> None:
    engine = Engine(load_dataset(lists=lists, home=home))
    smic = engine.screen(
        "Semiconductor Manufacturing International Corporation", as_of="2022-03-01", activity="securities"
    )
    top = smic.hits[0]
    assert top.entity.id == "org-smic"  # the OFAC entry joined the built-in entity through its ISINs
    assert "builtin" in top.entity.lists and len(top.entity.lists) > 1
    assert smic.decision == "block"
    assert {"builtin", "ofac-consolidated", "csl", "bis-dpl", "un-sc"} <= set(smic.data_versions)


def test_engine_default_takes_list_files_of_any_format(tmp_path: Path) -> None:
    _smic_joins_the_builtin_entity([CONS, OTHER], tmp_path)


@pytest.mark.integration
def test_engine_on_the_whole_real_lists(shared_data: Path, tmp_path: Path) -> None:
    _smic_joins_the_builtin_entity([shared_data / "ofac-consolidated-2025", shared_data / "other"], tmp_path)


def test_an_update_cut_halfway_keeps_the_good_snapshot(
    tmp_path: Path, server: tuple[str, type[_Handler]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, handler = server
    monkeypatch.setenv("CLEARANCE_SOURCE_OFAC_SDN_URL", url)
    first = update(["ofac-sdn"], tmp_path)
    assert first[0].created and first[0].snapshot.origin == url
    good = active(tmp_path)[0]
    handler.cut = True
    with pytest.raises(UpdateFailed, match=r"cut short|download failed"):
        update(["ofac-sdn"], tmp_path)
    assert active(tmp_path)[0] == good
    assert len(history(tmp_path)) == 1
    assert not any(p.name.startswith(".incoming") for p in (tmp_path / "snapshots" / "ofac-sdn").iterdir())


def test_a_wrong_checksum_fails_the_update(
    tmp_path: Path, server: tuple[str, type[_Handler]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = server
    monkeypatch.setenv("CLEARANCE_SOURCE_OFAC_SDN_URL", url)
    monkeypatch.setenv("CLEARANCE_SOURCE_OFAC_SDN_SHA256", "sdn.csv=" + "0" * 64)
    with pytest.raises(UpdateFailed, match="SHA-256"):
        update(["ofac-sdn"], tmp_path)
    assert active(tmp_path) == []


def _loss_check(dpl: Path, tmp_path: Path) -> None:
    """A DPL file with a few broken rows (under 5%) imports, reporting them; with more, nothing is
    imported."""
    lines = dpl.read_bytes().splitlines(keepends=True)
    rows = len(lines) - 1
    broken = tmp_path / "in"
    broken.mkdir()
    bad = b'"ONLY ONE FIELD"\n'  # a row with the wrong number of fields
    few = rows // 40  # 2.5% of the rows
    (broken / "dpl.txt").write_bytes(b"".join(lines[:1] + [bad] * few + lines[1:]))
    (imported,) = import_files([broken / "dpl.txt"], tmp_path / "few")
    assert imported.data.bad_rows == few and imported.data.rows == rows + few
    assert len(imported.data.problems) == few
    many = rows // 10 + 1  # over 9% of the rows
    (broken / "dpl.txt").write_bytes(b"".join(lines[:1] + [bad] * many + lines[1:]))
    with pytest.raises(ImportFailed, match="could not be read"):
        import_files([broken / "dpl.txt"], tmp_path / "home")
    assert active(tmp_path / "home") == []


def test_a_file_losing_too_many_rows_fails_and_replaces_nothing(tmp_path: Path) -> None:
    _loss_check(OTHER / "bis-dpl-2019.txt", tmp_path)


@pytest.mark.integration
def test_the_whole_real_dpl_file_losing_too_many_rows_fails(tmp_path: Path, shared_data: Path) -> None:
    _loss_check(shared_data / "other" / "bis-dpl-2019.txt", tmp_path)


def test_unknown_formats_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\nworld\n")
    with pytest.raises(ImportFailed, match="not a list format"):
        read([junk])


def _delist(folder: Path, ent_num: bytes) -> None:
    """Take an entry off an OFAC legacy CSV list the way OFAC does: its rows leave every file."""
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        rows = (folder / name).read_bytes().split(b"\r\n")
        (folder / name).write_bytes(b"\r\n".join(r for r in rows if not r.startswith(ent_num + b",")))


def test_diff_by_list(tmp_path: Path) -> None:
    src = SDN
    edited = tmp_path / "sdn"
    shutil.copytree(src, edited)
    _delist(edited, b"306")  # BANCO NACIONAL DE CUBA delisted
    rows = (edited / "sdn.csv").read_bytes().split(b"\r\n")
    rows = [r.replace(b"EMPRESA CUBANA DE PESCADOS Y MARISCOS", b"EMPRESA CUBANA DE PESCADO") for r in rows]
    (edited / "sdn.csv").write_bytes(b"\r\n".join(rows))
    result = diff(read([src / "sdn.csv"]), read([edited / "sdn.csv"]))
    assert sum(len(d.removed) for d in result.values()) == 1
    assert sum(len(d.changed) for d in result.values()) >= 1
    assert not any(d.added for d in result.values())


def test_cli_lists_import_show_and_errors(tmp_path: Path) -> None:
    env = {"CLEARANCE_HOME": str(tmp_path)}
    r = runner.invoke(app, ["lists", "import", str(OTHER / "un-consolidated-2026.xml"), "--json"], env=env)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["imported"][0]["source"] == "un-sc" and doc["imported"][0]["entities"] == 33
    shown = runner.invoke(app, ["lists", "show", "--json"], env=env)
    assert json.loads(shown.stdout)["snapshots"][0]["sha256"] == doc["imported"][0]["sha256"]
    missing = runner.invoke(app, ["lists", "import", str(tmp_path / "nope.csv")], env=env)
    assert missing.exit_code == 2 and "error:" in missing.output


def test_an_expired_denial_order_no_longer_hits(tmp_path: Path) -> None:
    engine = Engine(load_dataset(lists=[OTHER / "bis-dpl-2019.txt"], home=tmp_path))
    during = engine.screen("Aaron Robert Henderson", as_of="2015-01-01", activity="export")
    assert during.decision == "block"
    assert during.hits[0].entity.listings[0].expires is not None
    after = engine.screen("Aaron Robert Henderson", as_of="2020-01-01", activity="export")
    assert after.decision == "clear"
    assert "until 2019-09-18" in after.hits[0].explanation
    before = engine.screen("Aaron Robert Henderson", as_of="2009-01-01", activity="export")
    assert before.decision == "clear"
    # a denial order restricts exports: for a payment it asks for review, it does not block
    assert (
        engine.screen("Aaron Robert Henderson", as_of="2015-01-01", activity="payment").decision == "review"
    )


def test_screening_against_the_lists_as_they_stood(tmp_path: Path) -> None:
    import json as _json

    src = tmp_path / "v1"
    shutil.copytree(SDN, src)
    first = import_files([src], tmp_path / "home")[0].snapshot
    _delist(src, b"306")
    second = import_files([src], tmp_path / "home")[0].snapshot
    assert second.id != first.id and active(tmp_path / "home")[0].id == second.id
    # pretend the first snapshot was taken in 2021: screening "as the lists stood" then finds the entry
    manifest = Path(first.path) / "manifest.json"
    doc = _json.loads(manifest.read_text())
    doc["retrieved_at"] = "2021-07-01T12:00:00+00:00"
    manifest.write_text(_json.dumps(doc))
    from datetime import date

    now = Engine(load_dataset(home=tmp_path / "home"))
    assert now.screen("BANCO NACIONAL DE CUBA", as_of="2021-07-01").decision == "clear"
    then = Engine(load_dataset(home=tmp_path / "home", lists_as_of=date(2021, 7, 2)))
    result = then.screen("BANCO NACIONAL DE CUBA", as_of="2021-07-01")
    assert result.decision == "block"
    assert result.data_versions["ofac-sdn"] == first.id


def test_the_csv_and_the_xml_of_one_list_together_are_refused(tmp_path: Path) -> None:
    """Two files of one source in one call: refused, naming both (they used to be read, the XML kept)."""
    folder = tmp_path / "both"
    shutil.copytree(SDN, folder)
    shutil.copy(LISTS / "ofac_sdn_sample.xml", folder / "sdn.xml")
    with pytest.raises(ImportFailed, match=r"ofac-sdn: several files of one source .*sdn\.csv, .*sdn\.xml"):
        read([folder])
    assert [(d.source, d.format) for d in read([folder / "sdn.xml"])] == [("ofac-sdn", "ofac-xml")]
