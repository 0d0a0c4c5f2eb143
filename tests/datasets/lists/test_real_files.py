"""The data-safety checks on the whole real list files in ../shared/data (integration tests: they skip,
saying why, when the files are absent, and fail then in CI).

Every real publication is whole by the readers' own checks (OFAC's end marks, the 2021 remarks file
without one, XML closed, no companion row without its entry); and the issue's reproductions on them (the
SDN list cut at 60% or inside a quote at 1%, the UN list cut in half or re-encoded as Latin-1) are
refused with the whole list still active and blocking.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance import Engine, load_dataset
from clearance.datasets.lists.reading import ImportFailed, expand, plan, read_group
from clearance.datasets.lists.snapshots import active
from clearance.datasets.lists.updates import import_files
from datasets.lists.list_files import copy

pytestmark = pytest.mark.integration


def test_every_real_list_is_whole(shared_data: Path) -> None:
    groups = plan(
        expand([shared_data / "ofac-sdn-2021", shared_data / "ofac-consolidated-2025", shared_data / "other"])
    )
    assert len(groups) == 5
    for group in groups:
        data = read_group(group)
        assert data.fatal == [] and data.bad_rows == 0, group.primary


def _sdn_cut(tmp_path: Path, shared_data: Path, at: int) -> Path:
    folder = copy(shared_data / "ofac-sdn-2021", tmp_path / "cut")
    raw = (folder / "sdn.csv").read_bytes()
    (folder / "sdn.csv").write_bytes(raw[:at])
    return folder


def test_the_issues_cut_lists_are_refused_and_the_whole_one_still_blocks(
    tmp_path: Path, shared_data: Path
) -> None:
    home = tmp_path / "home"
    import_files([shared_data / "ofac-sdn-2021", shared_data / "other" / "un-consolidated-2026.xml"], home)
    before = active(home)
    raw = (shared_data / "ofac-sdn-2021" / "sdn.csv").read_bytes()
    un = (shared_data / "other" / "un-consolidated-2026.xml").read_bytes()
    cuts = {
        "sdn.csv at 60%": _sdn_cut(tmp_path / "a", shared_data, len(raw) * 6 // 10),
        "sdn.csv at a row end at 60%": _sdn_cut(
            tmp_path / "b", shared_data, raw.index(b"\r\n", len(raw) * 6 // 10) + 2
        ),
        "sdn.csv inside a quote at 1%": _sdn_cut(
            tmp_path / "c", shared_data, raw.index(b',"', len(raw) // 100) + 4
        ),
    }
    half = tmp_path / "un-half.xml"
    half.write_bytes(un[: len(un) // 2])
    latin = tmp_path / "un-latin1.xml"
    latin.write_bytes(un.decode("utf-8").encode("latin-1", errors="replace"))
    cuts |= {"UN in half": half, "UN as Latin-1": latin}
    for what, path in cuts.items():
        with pytest.raises(ImportFailed, match=r"cut short|not well-formed"):
            import_files([path], home)
        assert active(home) == before, what
    engine = Engine(load_dataset(home=home))
    assert engine.screen("BANCO NACIONAL DE CUBA", as_of="2021-07-01").decision == "block"


def test_the_real_sdn_list_cut_at_any_of_many_points_is_refused(tmp_path: Path, shared_data: Path) -> None:
    size = (shared_data / "ofac-sdn-2021" / "sdn.csv").stat().st_size
    for n in range(1, 10):
        folder = _sdn_cut(tmp_path / str(n), shared_data, size * n // 10 + n)
        with pytest.raises(ImportFailed, match="cut short"):
            import_files([folder], tmp_path / "home")
