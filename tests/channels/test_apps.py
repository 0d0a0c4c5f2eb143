"""Device app inventories (Intune, Jamf Pro, a generic CSV) and app catalogues read into items."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.channels.apps import LAYOUTS, read_catalogue, read_inventory
from clearance.channels.items import Channel, FieldKind, Item, Reject
from clearance.channels.tables import csv_records
from clearance.errors import InputError

DATA = Path(__file__).parent.parent / "data" / "channels" / "apps"
GENERIC_HEADER = "device_id,owner,platform,package_id,app_name,version,developer"


def split(outcomes: Iterable[Item | Reject]) -> tuple[list[Item], list[Reject]]:
    got = list(outcomes)
    items = [o for o in got if isinstance(o, Item)]
    assert len(items) + sum(isinstance(o, Reject) for o in got) == len(got)
    return items, [o for o in got if isinstance(o, Reject)]


def values(item: Item, kind: FieldKind) -> list[str]:
    return [f.value for f in item.fields if f.kind is kind]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


# Intune -----------------------------------------------------------------------------------------------


def test_intune_export_one_item_per_device_and_app() -> None:
    items, rejects = split(read_inventory(DATA / "intune_appinvrawdata.csv"))
    assert rejects == []
    assert len(items) == 13
    assert {i.group for i in items} == {
        "3f2b8c1e-5d4a-4e8b-9a61-0c7d2e4f9a13",
        "a7c4e2d9-1b6f-4f3a-8e25-9d0b7c6a4e21",
        "e91d3b60-7a2c-4d8e-b153-6f0a9c2e7d48",
    }
    wechat = items[0]
    assert wechat.channel is Channel.APP
    assert wechat.refs == (
        ("device_id", "3f2b8c1e-5d4a-4e8b-9a61-0c7d2e4f9a13"),
        ("package_id", "com.tencent.mm"),
    )
    assert wechat.key == "3f2b8c1e-5d4a-4e8b-9a61-0c7d2e4f9a13"
    assert (wechat.line, wechat.position) == (2, "row 1")
    assert [(f.role, f.kind, f.value, f.path, f.line) for f in wechat.fields] == [
        ("app", FieldKind.APP_ID, "com.tencent.mm", "ApplicationKey", 2),
        ("app", FieldKind.APP_NAME, "WeChat", "ApplicationName", 2),
        (
            "developer",
            FieldKind.DEVELOPER,
            "Tencent Technology (Shenzhen) Company Limited",
            "ApplicationPublisher",
            2,
        ),
    ]
    details = dict(wechat.details)
    assert details["owner"] == "Li Wei"
    assert details["owner_email"] == "li.wei@contoso.com"
    assert details["platform"] == "Android"
    assert details["device_name"] == "SHA-PIXEL7-LWEI"
    assert (details["version"], details["build"]) == ("8.0.49", "2600")
    by_id = {values(i, FieldKind.APP_ID)[0]: i for i in items}
    assert values(by_id["com.intsig.camscanner"], FieldKind.DEVELOPER) == ["INTSIG Information Co.,Ltd"]
    assert by_id["com.tencent.xin"].group == "a7c4e2d9-1b6f-4f3a-8e25-9d0b7c6a4e21"
    assert "build" not in dict(by_id["net.whatsapp.WhatsApp"].details)  # the same as its version
    assert {"com.eg.android.AlipayGphone", "cn.wps.moffice_eng", "com.lenovo.anyshare.gps"} <= by_id.keys()


def test_intune_key_that_is_no_package_id_is_kept_as_a_detail(tmp_path: Path) -> None:
    header = (DATA / "intune_appinvrawdata.csv").read_text(encoding="utf-8").splitlines()[0]
    row = (
        "0000f8a5c2e2d3b1,WPS Office,Kingsoft Corp.,12.2.0,12.2.0.16909,"
        "d1,LAPTOP-1,Windows,10.0.22631,Windows,u1,a@b.c,A B"
    )
    (item,) = split(read_inventory(write(tmp_path, "win.csv", f"{header}\n{row}\n")))[0]
    assert values(item, FieldKind.APP_ID) == []
    assert values(item, FieldKind.APP_NAME) == ["WPS Office"]
    assert item.refs == (("device_id", "d1"), ("app_name", "WPS Office"))
    assert dict(item.details)["application_key"] == "0000f8a5c2e2d3b1"


def test_malformed_csv_costs_only_its_own_rows() -> None:
    items, rejects = split(read_inventory(DATA / "intune_malformed.csv"))
    assert [i.line for i in items] == [2, 4, 8, 10]
    assert [values(i, FieldKind.APP_ID)[0] for i in items] == [
        "com.tencent.mm",
        "cn.wps.moffice_eng",
        "com.whatsapp",
        "com.google.android.apps.maps",
    ]
    assert [(r.line, r.position) for r in rejects] == [(3, "row 2"), (5, "row 4"), (6, "row 5"), (9, "row 7")]
    unbalanced, no_device, short, stray = (r.reason for r in rejects)
    assert unbalanced.startswith("an unbalanced quote")
    assert "no device id" in no_device and "DeviceId" in no_device
    assert short == "6 fields where the header has 13"
    assert stray.startswith("a stray quote")
    assert rejects[0].text.startswith("com.intsig.camscanner,CamScanner")


def test_a_quoted_line_break_is_one_record(tmp_path: Path) -> None:
    text = (
        f"{GENERIC_HEADER}\n"
        'd1,ann,Android,com.microsoft.teams,"Microsoft\nTeams",1.0,Microsoft Corporation\n'
        "d1,ann,Android,com.whatsapp,WhatsApp,2.0,WhatsApp LLC\n"
    )
    items, rejects = split(read_inventory(write(tmp_path, "inv.csv", text)))
    assert rejects == []
    assert [(i.line, i.position) for i in items] == [(2, "row 1"), (4, "row 2")]
    assert values(items[0], FieldKind.APP_NAME) == ["Microsoft\nTeams"]


def test_a_stray_open_quote_does_not_swallow_the_rows_after_it(tmp_path: Path) -> None:
    text = (
        f"{GENERIC_HEADER}\n"
        'd1,ann,Android,com.tencent.mm,"WeChat,8.0,Tencent\n'
        "d1,ann,Android,com.whatsapp,WhatsApp,2.0,WhatsApp LLC\n"
        'd1,ann,Android,com.Slack,Slack",3.0,Slack\n'
    )
    items, rejects = split(read_inventory(write(tmp_path, "inv.csv", text)))
    assert [r.line for r in rejects] == [2]
    assert [i.line for i in items] == [3, 4]


# Generic CSV ------------------------------------------------------------------------------------------


def test_generic_layout() -> None:
    items, rejects = split(read_inventory(DATA / "generic_inventory.csv"))
    assert len(items) == 5
    assert [(r.line, r.reason) for r in rejects] == [
        (7, "no device id: the app cannot be tied to a device (column device_id is empty)"),
        (8, "neither a package id nor an app name"),
    ]
    telegram = items[3]
    assert telegram.refs == (("device_id", "DMPXK3Q7JF8J"), ("app_name", "Telegram Messenger"))
    assert values(telegram, FieldKind.APP_ID) == []
    assert dict(telegram.details) == {
        "owner": "k.nakamura@example.org",
        "platform": "iOS",
        "version": "10.12.1",
    }
    assert [f.path for f in items[0].fields] == ["package_id", "app_name", "developer"]


def test_an_app_name_written_as_a_package_is_screened_as_an_id_too(tmp_path: Path) -> None:
    text = f"{GENERIC_HEADER}\nd1,ann,Android,,com.tencent.mm,1.0,\n"
    (item,) = split(read_inventory(write(tmp_path, "inv.csv", text)))[0]
    assert values(item, FieldKind.APP_ID) == values(item, FieldKind.APP_NAME) == ["com.tencent.mm"]


# Jamf Pro ---------------------------------------------------------------------------------------------


def test_jamf_records() -> None:
    items, rejects = split(read_inventory(DATA / "jamf_mobile_devices.json"))
    assert rejects == []
    assert len(items) == 9
    assert [i.position for i in items[4:6]] == ["device 1, app 5", "device 2, app 1"]
    wechat = items[0]
    assert wechat.refs == (("device_id", "00008120-001A35E23C08801E"), ("package_id", "com.tencent.xin"))
    assert wechat.group == "00008120-001A35E23C08801E"
    assert wechat.line is None
    assert [(f.kind, f.value, f.path) for f in wechat.fields] == [
        (FieldKind.APP_ID, "com.tencent.xin", "/0/mobile_device/applications/0/identifier"),
        (FieldKind.APP_NAME, "WeChat", "/0/mobile_device/applications/0/application_name"),
    ]
    assert dict(wechat.details) == {
        "owner": "abecker",
        "platform": "iOS",
        "os_version": "17.5.1",
        "device_name": "MUC-IPHONE14PM-ABECKER",
        "serial": "F2LXK9P7N72Q",
        "version": "8.0.50",
        "build": "8.0.50.34",
    }
    assert {i.group for i in items[5:]} == {"00008103-000C4D2A1E91001E"}


def test_truncated_jamf_export_keeps_every_complete_app() -> None:
    items, rejects = split(read_inventory(DATA / "jamf_truncated.json"))
    assert [i.position for i in items][-2:] == ["device 2, app 1", "device 2, app 2"]
    assert len(items) == 7
    (cut,) = rejects
    assert cut.position == "device 2, app 3"
    assert cut.line == 129
    assert "breaks off at line 129" in cut.reason
    assert "TikTok" in cut.text


@pytest.mark.parametrize(
    ("text", "positions", "reject"),
    [
        ('{"mobile_devices": [', [], "device 1"),
        (
            '{"mobile_devices": [{"general": {"udid": "U1"}, "applications": [{"identifier": "a.b"}]}, {"gen',
            ["device 1, app 1"],
            "device 2",
        ),
        (
            '[{"general": {"udid": "U1"}, "applications": [{"identifier": "a.b"},',
            ["device 1, app 1"],
            "device 1, app 2",
        ),
        (
            '[{"general": {"udid": "U1"}, "applications": [{"identifier": "a.b"}], "extension',
            ["device 1, app 1"],
            "device 1, after its apps",
        ),
        (
            '[{"general": {"udid": "U1"}, "applications": [{"identifier": "a.b"} {"identifier": "c.d"}]}]',
            ["device 1, app 1"],
            "device 1, app 2",
        ),
        ('[{"general": {"udid": "U1"}, "applications": []}] trailing', [], "after the document"),
    ],
)
def test_json_that_breaks_off(tmp_path: Path, text: str, positions: list[str], reject: str) -> None:
    items, rejects = split(read_inventory(write(tmp_path, "jamf.json", text)))
    assert [i.position for i in items] == positions
    assert [r.position for r in rejects] == [reject]


def test_jamf_shapes_and_devices_without_apps(tmp_path: Path) -> None:
    device = {"general": {"id": 7, "udid": "U7", "name": "iPad"}, "location": {"username": "kim"}}
    docs = {
        "single.json": {
            "mobile_device": {
                **device,
                "applications": [{"application_name": "Maps", "identifier": "com.google.Maps"}],
            }
        },
        "wrapped.json": {"mobile_devices": [{**device, "applications": [{"identifier": "com.google.Maps"}]}]},
        # the Jamf Pro API's detail record
        "v2.json": [
            {
                "id": "7",
                "udid": "U7",
                "name": "iPad",
                "ios": {
                    "applications": [
                        {
                            "identifier": "com.google.Maps",
                            "name": "Maps",
                            "version": "6.1",
                            "shortVersion": "6",
                        }
                    ]
                },
            }
        ],
    }
    for name, doc in docs.items():
        (item,) = split(read_inventory(write(tmp_path, name, json.dumps(doc))))[0]
        assert item.refs == (("device_id", "U7"), ("package_id", "com.google.Maps")), name
    v2 = next(iter(split(read_inventory(tmp_path / "v2.json"))[0]))
    assert [f.path for f in v2.fields] == ["/0/ios/applications/0/identifier", "/0/ios/applications/0/name"]
    assert (dict(v2.details)["version"], dict(v2.details)["build"]) == ("6", "6.1")
    records = [
        {**device, "applications": []},  # nothing to screen: no item, no reject
        device,  # the Applications subset left out: a reject
        {"general": {"name": "no id"}, "applications": [{"identifier": "a.b"}, {"identifier": "c.d"}]},
        {"general": {"serial_number": "S9"}, "applications": [{"application_version": "1"}, "x"]},
    ]
    items, rejects = split(read_inventory(write(tmp_path, "mixed.json", json.dumps(records))))
    assert items == []
    assert [(r.position, r.reason.split(":")[0]) for r in rejects] == [
        ("device 2", "no applications list"),
        ("device 3", "no device id (udid, serial_number or id)"),
        ("device 4, app 1", "neither a package id nor an app name"),
        ("device 4, app 2", "an app that is not a JSON object"),
    ]
    assert split(read_inventory(write(tmp_path, "empty.json", "[]")))[0] == []


# Layouts ----------------------------------------------------------------------------------------------


def test_layouts_are_named_and_found() -> None:
    assert set(LAYOUTS) == {"intune", "jamf", "generic"}
    assert all(layout.title for layout in LAYOUTS.values())
    assert LAYOUTS["intune"].source.startswith("https://learn.microsoft.com/")
    assert LAYOUTS["jamf"].source.startswith("https://developer.jamf.com/")
    explicit = split(read_inventory(DATA / "intune_appinvrawdata.csv", layout="intune"))[0]
    assert explicit == split(read_inventory(DATA / "intune_appinvrawdata.csv"))[0]
    assert len(split(read_inventory(DATA / "jamf_mobile_devices.json", layout="jamf"))[0]) == 9


def test_header_spellings_are_matched_loosely(tmp_path: Path) -> None:
    text = (
        "Device ID,OWNER,Platform,Package-Id,App Name,Version,Developer\n"
        "d1,ann,iOS,com.google.Maps,Maps,6,Google LLC\n"
    )
    (item,) = split(read_inventory(write(tmp_path, "inv.csv", text)))[0]
    assert item.refs == (("device_id", "d1"), ("package_id", "com.google.Maps"))


@pytest.mark.parametrize(
    ("name", "text", "layout", "message"),
    [
        (
            "a.csv",
            "serial,software\nx,y\n",
            None,
            "no known inventory layout fits its header (serial, software)",
        ),
        (
            "b.csv",
            f"{GENERIC_HEADER}\n",
            "nope",
            "unknown inventory layout 'nope': use one of intune, jamf, generic",
        ),
        ("c.csv", f"{GENERIC_HEADER}\n", "intune", "the intune layout needs the columns ApplicationName"),
        ("d.json", '{"devices": []}', None, "no known inventory layout fits its JSON (['devices'])"),
        ("e.json", "[oops", None, "not JSON (Expecting value at line 1, column 2)"),
        ("f.csv", "", None, "empty, or no header on line 1"),
        ("g.csv", 'device_id,"package_id\n', None, "the header (line 1) is not a CSV line"),
        ("h.json", f"{GENERIC_HEADER}\n", "jamf", "not JSON"),
    ],
)
def test_files_that_cannot_be_read_at_all(
    tmp_path: Path, name: str, text: str, layout: str | None, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        read_inventory(write(tmp_path, name, text), layout=layout)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_layout_error_names_the_known_layouts(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"known: intune \(Microsoft Intune .*\); jamf \(Jamf Pro .*\); generic"
    ):
        read_inventory(write(tmp_path, "x.csv", "a,b\n1,2\n"))


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be opened"):
        read_inventory(tmp_path / "missing.csv")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(f"{GENERIC_HEADER}\n".encode("utf-16"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_inventory(utf16)


def test_a_row_with_bytes_that_are_not_utf8_is_a_reject(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        f"\ufeff{GENERIC_HEADER}\nd1,J\xf6rg,iOS,a.b,App,1,Dev\n".encode() + b"d2,J\xf6rg,iOS,a.b,App,1,Dev\n"
    )
    items, rejects = split(read_inventory(path))
    assert [i.line for i in items] == [2]
    assert [(r.line, r.reason) for r in rejects] == [(3, "bytes that are not UTF-8")]


# Catalogues -------------------------------------------------------------------------------------------


def test_catalogue_csv() -> None:
    items, rejects = split(read_catalogue(DATA / "catalogue.csv"))
    assert len(items) == 10
    assert [(r.line, r.reason) for r in rejects] == [(12, "neither a package id nor an app name")]
    assert all(i.group is None and i.channel is Channel.APP for i in items)
    wps, camscanner = items[0], items[1]
    assert wps.refs == (("package_id", "cn.wps.moffice_eng"),)
    assert values(wps, FieldKind.APP_NAME) == ["WPS Office - PDF & Word"]
    assert values(wps, FieldKind.DEVELOPER) == ["WPS SOFTWARE PTE. LTD."]
    assert values(camscanner, FieldKind.DEVELOPER) == ["INTSIG Information Co.,Ltd"]
    assert dict(camscanner.details) == {"platform": "Android", "version": "6.62.0"}


def test_catalogue_spellings(tmp_path: Path) -> None:
    text = "Bundle ID,Name,Seller\ncom.tencent.xin,WeChat,Tencent\n,Kindle,AMZN Mobile LLC\n"
    items, rejects = split(read_catalogue(write(tmp_path, "apps.csv", text)))
    assert rejects == []
    assert [i.refs for i in items] == [(("package_id", "com.tencent.xin"),), (("title", "Kindle"),)]
    assert [f.path for f in items[0].fields] == ["Bundle ID", "Name", "Seller"]
    with pytest.raises(InputError, match="no column for the app's id or title"):
        read_catalogue(write(tmp_path, "bad.csv", "developer,rating\nx,1\n"))
    with pytest.raises(InputError, match="a JSON array; write the catalogue as JSON lines"):
        read_catalogue(write(tmp_path, "array.json", '[{"id": "a.b"}]'))


def test_catalogue_json_lines() -> None:
    items, rejects = split(read_catalogue(DATA / "catalogue.jsonl"))
    assert [i.refs[0] for i in items] == [
        ("package_id", "com.tencent.xin"),
        ("package_id", "com.zhiliaoapp.musically"),
        ("package_id", "com.burbn.instagram"),
    ]
    assert [i.line for i in items] == [1, 2, 7]
    assert values(items[0], FieldKind.DEVELOPER) == ["Tencent Technology (Shenzhen) Company Limited"]
    assert [(r.line, r.reason) for r in rejects] == [
        (4, "not a JSON line (JSONDecodeError)"),
        (5, "a JSON line must be an object"),
        (6, "a value that is not text or a number"),
    ]


# Accounting -------------------------------------------------------------------------------------------

_CHARS = st.sampled_from([",", '"', "\n", "\r", " ", "a", "b", "1", ".", "é", "\t", "\x00", "微"])


def physical_lines(text: str) -> list[str]:
    return list(io.StringIO(text, newline=""))


def check_accounting(path: Path, body: str, width: int, outcomes: list[Item | Reject]) -> None:
    """Every line after the header that is not blank lies in exactly one record, and every record is one
    item or one reject, at the record's line."""
    records = list(csv_records(path, width))
    covered: list[int] = []
    for record in records:
        covered.extend(range(record.line, record.line + record.used))
    assert covered == sorted(set(covered))
    lines = physical_lines(body)
    data = [number for number, line in enumerate(lines, start=2) if line.replace(",", "").strip()]
    assert set(data) <= set(covered)
    assert max(covered, default=1) <= len(lines) + 1
    assert [o.line for o in outcomes] == [r.line for r in records]
    assert sum(isinstance(o, Item) for o in outcomes) + sum(isinstance(o, Reject) for o in outcomes) == len(
        records
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.text(_CHARS, max_size=200)
    | st.lists(st.lists(st.text(_CHARS, max_size=8), max_size=9), max_size=8).map(
        lambda rows: "\n".join(",".join(row) for row in rows)
    )
)
def test_any_csv_text_is_read_into_items_and_rejects(tmp_path: Path, body: str) -> None:
    for name, header, read in (
        ("inventory.csv", GENERIC_HEADER, read_inventory),
        ("catalogue.csv", "package_id,title,developer", read_catalogue),
    ):
        path = write(tmp_path, name, f"{header}\n{body}")
        outcomes = list(read(path))
        check_accounting(path, body, header.count(",") + 1, outcomes)
