"""A channel run (`faces.channels.run`): every entry read ends as a record or a reject, a run killed
halfway resumes to the files of a run never interrupted (device records included), and a resume on
another basis is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clearance.channels.apps import read_inventory
from clearance.channels.items import Item, Reject
from clearance.channels.payments import read_payments
from clearance.errors import InputError
from clearance.faces.channels.run import ChannelJob, Reader, run
from clearance.screening.engine import Engine

HEADER = "reference,date,debtor_name,creditor_name,creditor_country,creditor_bic,remittance\n"


def _payments(tmp_path: Path, rows: int = 57) -> Path:
    path = tmp_path / "payments.csv"
    lines = [HEADER]
    for n in range(rows):
        if n % 9 == 4:
            lines.append(f'R{n},2024-05-0{n % 9},"Broken "quote,x,DE,,\n')  # a reject
        elif n % 7 == 3:
            lines.append(f"R{n},2024-05-01,Nordlicht GmbH,Persian Carpet House,IR,,Invoice {n}\n")
        else:
            lines.append(f"R{n},2024-05-01,Nordlicht GmbH,Lakeside Supplies {n},DE,COBADEFFXXX,Invoice {n}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _killed_after(reader: Reader, entries: int) -> Reader:
    def read(path: Path) -> Iterator[Item | Reject]:
        for n, entry in enumerate(reader(path)):
            if n == entries:
                raise KeyboardInterrupt  # the run dies here, mid-chunk
            yield entry

    read.__qualname__ = getattr(reader, "__qualname__", "reader")  # the same run, as far as resume can tell
    return read


@pytest.mark.parametrize("name", ["out.jsonl", "out.csv"])
def test_a_killed_run_resumes_to_the_uninterrupted_output(tmp_path: Path, engine: Engine, name: str) -> None:
    src = _payments(tmp_path)
    whole = tmp_path / "whole" / name
    whole.parent.mkdir()
    done = run(ChannelJob([src], read_payments, output=whole, chunk_size=10), engine=engine)
    assert done.read == 57 and done.items + done.rejects == 57 and done.rejects == 6
    iran = [n for n in range(57) if n % 7 == 3 and n % 9 != 4]
    assert done.decisions["block"] == len(iran) == 7  # Iran, by the creditor's country
    part = tmp_path / name
    with pytest.raises(KeyboardInterrupt):
        run(ChannelJob([src], _killed_after(read_payments, 35), output=part, chunk_size=10), engine=engine)
    resumed = run(ChannelJob([src], read_payments, output=part, chunk_size=10, resume=True), engine=engine)
    assert part.read_bytes() == whole.read_bytes()
    rejects = Path(f"{part}.rejects.csv").read_bytes()
    assert rejects == Path(f"{whole}.rejects.csv").read_bytes()
    assert resumed.to_dict() | {"output": None, "rejects_file": None} == done.to_dict() | {
        "output": None,
        "rejects_file": None,
    }


def test_device_records_survive_a_resume(tmp_path: Path, engine: Engine) -> None:
    src = tmp_path / "inventory.csv"
    rows = ["device_id,owner,platform,package_id,app_name,version,developer\n"]
    for device in range(6):
        for app in ("com.tencent.mm", "com.whatsapp", "com.eg.android.AlipayGphone", "com.slack"):
            rows.append(f"D{device},user{device},Android,{app},,1.0,\n")
    src.write_text("".join(rows), encoding="utf-8")
    whole, part = tmp_path / "whole.jsonl", tmp_path / "part.jsonl"
    job = {"as_of": "2021-03-01", "chunk_size": 5}
    run(ChannelJob([src], read_inventory, output=whole, **job), engine=engine)  # type: ignore[arg-type]
    with pytest.raises(KeyboardInterrupt):
        run(ChannelJob([src], _killed_after(read_inventory, 13), output=part, **job), engine=engine)  # type: ignore[arg-type]
    summary = run(ChannelJob([src], read_inventory, output=part, resume=True, **job), engine=engine)  # type: ignore[arg-type]
    assert part.read_bytes() == whole.read_bytes()
    assert summary.groups == {"review": 6}
    assert whole.read_text().count('"record": "device"') == 6


def test_a_resume_on_another_date_or_input_is_refused(tmp_path: Path, engine: Engine) -> None:
    src = _payments(tmp_path)
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run(ChannelJob([src], _killed_after(read_payments, 25), output=out, chunk_size=10), engine=engine)
    again = ChannelJob([src], read_payments, output=out, chunk_size=10, resume=True, as_of="2020-01-01")
    with pytest.raises(InputError, match="as of"):
        run(again, engine=engine)
    src.write_text(src.read_text() + "R99,2024-05-01,A,B,DE,,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="other inputs"):
        run(ChannelJob([src], read_payments, output=out, chunk_size=10, resume=True), engine=engine)
