"""The engine kept on disk (`screening.prepared`): read when it holds this data version, rebuilt when
anything it was built from changed or the file is damaged, never trusted blindly."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.datasets.lists.updates import import_files
from clearance.matching.config import ScorerConfig
from clearance.screening import prepared
from clearance.screening.prepared import prepared_engine
from fixtures import DATA

SDN = DATA / "lists" / "ofac-sdn-2021"
CONSOLIDATED = DATA / "lists" / "ofac-consolidated-2025"
CONFIG = ScorerConfig()


def _files(home: Path) -> list[Path]:
    return sorted((home / "cache").glob("engine-*.bin"))


def _no_build(*args: object, **kwargs: object) -> object:
    raise AssertionError("the engine was built again")


def test_a_second_call_reads_the_engine_kept_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_files([SDN], tmp_path)
    first = prepared_engine(config=CONFIG, home=tmp_path)
    assert len(_files(tmp_path)) == 1
    monkeypatch.setattr(prepared, "load_dataset", _no_build)
    again = prepared_engine(config=CONFIG, home=tmp_path)
    assert again.dataset.versions == first.dataset.versions
    name = first.dataset.entities[-1].name
    assert again.screen(name, as_of="2021-03-01").decision == first.screen(name, as_of="2021-03-01").decision


@pytest.mark.parametrize("damage", ["flip", "cut", "header", "empty"])
def test_a_damaged_file_is_rebuilt_not_trusted(tmp_path: Path, damage: str) -> None:
    import_files([SDN], tmp_path)
    prepared_engine(config=CONFIG, home=tmp_path)
    (path,) = _files(tmp_path)
    data = path.read_bytes()
    header, payload = data.split(b"\n", 1)
    damaged = {
        "flip": header + b"\n" + payload[:1000] + bytes([payload[1000] ^ 1]) + payload[1001:],
        "cut": data[: len(data) // 2],
        "header": header.replace(b"clearance-engine 1", b"clearance-engine 9") + b"\n" + payload,
        "empty": b"",
    }[damage]
    path.write_bytes(damaged)
    engine = prepared_engine(config=CONFIG, home=tmp_path)
    assert "ofac-sdn" in engine.dataset.versions
    assert path.read_bytes() == data  # written again, whole


def test_a_new_snapshot_or_another_threshold_is_another_engine(tmp_path: Path) -> None:
    import_files([SDN], tmp_path)
    prepared_engine(config=CONFIG, home=tmp_path)
    import_files([CONSOLIDATED], tmp_path)
    engine = prepared_engine(config=CONFIG, home=tmp_path)
    assert {"ofac-sdn", "ofac-consolidated"} <= set(engine.dataset.versions)
    strict = prepared_engine(config=ScorerConfig(review=0.9, strong=0.95), home=tmp_path)
    assert strict.config.review == 0.9 and strict.matcher.index.need > engine.matcher.index.need
    assert len(_files(tmp_path)) == 3


def test_the_data_gaps_are_found_again_on_every_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A list ages while its engine sits on disk: a kept engine says so as a fresh one would."""
    import_files([SDN], tmp_path)
    assert prepared_engine(config=CONFIG, home=tmp_path).dataset.warnings == ()
    monkeypatch.setenv("CLEARANCE_MAX_LIST_AGE", "0.000000001")
    monkeypatch.setattr(prepared, "load_dataset", _no_build)
    warnings = prepared_engine(config=CONFIG, home=tmp_path).dataset.warnings
    assert warnings and "ofac-sdn" in warnings[0]


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARANCE_CACHE", "off")
    import_files([SDN], tmp_path)
    prepared_engine(config=CONFIG, home=tmp_path)
    assert _files(tmp_path) == []


def test_an_unwritable_home_screens_without_a_cache(tmp_path: Path) -> None:
    import_files([SDN], tmp_path)
    (tmp_path / "cache").write_text("not a folder")  # the cache folder cannot be made
    engine = prepared_engine(config=CONFIG, home=tmp_path)
    assert "ofac-sdn" in engine.dataset.versions


def test_list_files_are_known_by_their_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`clearance batch --list FILE`: the engine of those files is kept too, and a changed file is another."""
    home, files = tmp_path / "home", tmp_path / "lists"
    files.mkdir()
    for path in SDN.iterdir():
        (files / path.name).write_bytes(path.read_bytes())
    first = prepared_engine(config=CONFIG, home=home, lists=[files])
    assert first.dataset.versions["ofac-sdn"].startswith("file-") and len(_files(home)) == 1
    build = prepared.load_dataset
    monkeypatch.setattr(prepared, "load_dataset", _no_build)
    again = prepared_engine(config=CONFIG, home=home, lists=[files])
    assert again.dataset.versions == first.dataset.versions and again.dataset.warnings == ()
    sdn = files / "sdn.csv"
    sdn.write_bytes(sdn.read_bytes().replace(b'"', b'"', 1) + b"\n")  # the same rows, other bytes
    monkeypatch.setattr(prepared, "load_dataset", build)
    prepared_engine(config=CONFIG, home=home, lists=[files])
    assert len(_files(home)) == 2
