"""The layouts of device app inventories that `channels.apps` reads, and how a record of each becomes
items: one per (device, app) pair, grouped by device.

Each layout names the export it follows and where its columns or keys are documented:

- `intune`: Microsoft Intune, the "Discovered apps" export (Apps > Monitor > Discovered apps > Export),
  report `AppInvRawData` of the Graph export API (`/beta/deviceManagement/reports/exportJobs`), as CSV:
  ApplicationKey, ApplicationName, ApplicationPublisher, ApplicationShortVersion, ApplicationVersion,
  DeviceId, DeviceName, OSDescription, OSVersion, Platform, UserId, EmailAddress, UserName. Source:
  "Intune reports and properties available using Graph API",
  https://learn.microsoft.com/en-us/mem/intune/fundamentals/reports-export-graph-available-reports
  (MicrosoftDocs/memdocs, intune/fundamentals/reports-export-graph-available-reports.md). The reports
  `AppInvByDevice` and `DevicesByAppInv` have the same columns and read the same. Microsoft documents
  the columns but not the form of ApplicationKey: a key written as a package or bundle id (reverse DNS,
  `com.tencent.mm`) is screened as the app's id, any other is kept as a detail only.
- `jamf`: Jamf Pro mobile device records as JSON, from the Classic API
  (GET /JSSResource/mobiledevices/id/{id}, or its subsets General, Location and Applications): per
  device `general` (id, name, udid, serial_number, os_type, os_version), `location` (username, realname,
  email_address) and `applications` (application_name, application_version, application_short_version,
  identifier). Source: https://developer.jamf.com/jamf-pro/reference/mobiledevices, and the Classic API
  structs of deploymenttheory/go-api-sdk-jamfpro (sdk/jamfpro/classicapi_mobile_devices.go). A file
  holds one record (`{"mobile_device": {...}}`), a list of them, or `{"mobile_devices": [...]}`. The
  Jamf Pro API's own detail record (GET /api/v2/mobile-devices/{id}/detail: id, udid, serialNumber,
  name, `ios.applications` with identifier, name, version, shortVersion; ruby-jss
  Jamf::OAPISchemas::MobileDeviceDetailsV2 and MobileDeviceApplication) reads too.
- `generic`: a plain CSV with the columns device_id, owner, platform, package_id, app_name, version,
  developer (device_name and serial when given), for any tool's export rewritten by hand.

Headers are matched case-insensitively and without spaces, underscores or punctuation (`normalise`), so
"Device ID", "device_id" and "DeviceId" are one column.

A Jamf device whose `applications` list is empty gives no item: it has nothing to screen, and nothing
of it is lost. A device record without an `applications` list at all is a reject (the export left the
subset out, so nothing says the device is clean), and so is a device with apps but no id: neither
udid, serial number nor Jamf id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from clearance.channels.items import Channel, Field, FieldKind, Item, Reject
from clearance.channels.tables import TEXT_CUT

# A package or bundle id as Android and iOS write them: two or more dot-separated parts, the first a letter
_PACKAGE = re.compile(r"[A-Za-z][\w-]*(?:\.[\w-]+)+")


def normalise(header: str) -> str:
    """A header as layouts spell it: case folded, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def find_columns(spellings: Mapping[str, tuple[str, ...]], header: Sequence[str]) -> dict[str, int]:
    """The column of each role whose header is one of its spellings (normalised), the first spelling
    found winning."""
    names = [normalise(name) for name in header]
    found: dict[str, int] = {}
    for role, accepted in spellings.items():
        for spelling in accepted:
            if spelling in names:
                found[role] = names.index(spelling)
                break
    return found


@dataclass(frozen=True, slots=True)
class Layout:
    """An export's layout: its `name` (the `--layout` value), what it is, where it is documented,
    whether it is CSV or JSON, and for CSV the header spellings of each role (`columns`, normalised)
    and the columns it must have, one of each set (`needs`, as the export writes them; they also tell
    the layout from the others)."""

    name: str
    title: str
    source: str
    kind: str
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    needs: tuple[tuple[str, ...], ...] = ()

    def missing(self, header: Sequence[str]) -> list[str]:
        """The needed columns the header lacks (for a set of which one is needed, all of them)."""
        names = {normalise(name) for name in header}
        return [" or ".join(any_of) for any_of in self.needs if not names & {normalise(n) for n in any_of}]

    def fits(self, header: Sequence[str]) -> bool:
        return self.kind == "csv" and not self.missing(header)

    def describe(self) -> str:
        return f"{self.name} ({self.title})"


INTUNE = Layout(
    "intune",
    "Microsoft Intune Discovered apps export, report AppInvRawData: CSV with DeviceId, ApplicationName",
    "https://learn.microsoft.com/en-us/mem/intune/fundamentals/reports-export-graph-available-reports",
    "csv",
    {
        "device_id": ("deviceid",),
        "device_name": ("devicename",),
        "owner": ("username",),
        "owner_email": ("emailaddress",),
        "owner_id": ("userid",),
        "platform": ("platform",),
        "os": ("osdescription",),
        "os_version": ("osversion",),
        "app_key": ("applicationkey",),
        "app_name": ("applicationname",),
        "developer": ("applicationpublisher",),
        "version": ("applicationshortversion",),
        "build": ("applicationversion",),
    },
    needs=(("DeviceId",), ("ApplicationName",)),
)
JAMF = Layout(
    "jamf",
    "Jamf Pro mobile device records, Classic API JSON with general, location and applications",
    "https://developer.jamf.com/jamf-pro/reference/mobiledevices",
    "json",
)
GENERIC = Layout(
    "generic",
    "CSV with device_id, owner, platform, package_id, app_name, version, developer",
    "",
    "csv",
    {
        "device_id": ("deviceid",),
        "device_name": ("devicename",),
        "serial": ("serial", "serialnumber"),
        "owner": ("owner",),
        "platform": ("platform",),
        "package_id": ("packageid",),
        "app_name": ("appname",),
        "developer": ("developer",),
        "version": ("version",),
    },
    needs=(("device_id",), ("package_id", "app_name")),
)
LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (INTUNE, JAMF, GENERIC)}

# An app catalogue's columns (CSV) or keys (JSON lines), each role with its accepted spellings
CATALOGUE: dict[str, tuple[str, ...]] = {
    "package_id": ("packageid", "bundleid", "appid", "id", "packagename", "bundleidentifier"),
    "app_name": ("title", "name", "appname", "apptitle"),
    "developer": ("developer", "publisher", "seller", "developername", "publishername", "sellername"),
    "version": ("version",),
    "platform": ("platform", "store"),
}
# Details carried from an inventory row, in the order they are kept
_DETAILS = ("owner", "owner_email", "owner_id", "platform", "os", "os_version", "device_name", "serial")


def detect(header: Sequence[str]) -> Layout | None:
    """The CSV layout whose needed columns the header has (the first of `LAYOUTS` that fits)."""
    return next((layout for layout in LAYOUTS.values() if layout.fits(header)), None)


def app_item(
    source: str,
    *,
    device: str | None,
    app: Mapping[str, str],
    paths: Mapping[str, str],
    line: int | None,
    position: str,
    details: Sequence[tuple[str, str]] = (),
) -> Item | Reject:
    """One app as an item: `app` holds its package_id, app_name, developer, version, build and
    app_key (any may be empty), `paths` where each stands. `device` is None for a catalogue (no group),
    empty when a device inventory gives none (a reject)."""
    package, name, developer = app.get("package_id", ""), app.get("app_name", ""), app.get("developer", "")
    key = app.get("app_key", "")
    if not package and _PACKAGE.fullmatch(key):
        package, paths = key, {**paths, "package_id": paths.get("app_key", "")}
    if device == "":
        return Reject(source, "no device id: the app cannot be tied to a device", line, position)
    if not package and not name:
        return Reject(source, "neither a package id nor an app name", line, position)
    fields = []
    if package:
        fields.append(Field("app", FieldKind.APP_ID, package, paths.get("package_id", ""), line))
    if name:
        fields.append(Field("app", FieldKind.APP_NAME, name, paths.get("app_name", ""), line))
        if not package and _PACKAGE.fullmatch(name):  # Android apps are often listed by package name
            fields.append(Field("app", FieldKind.APP_ID, name, paths.get("app_name", ""), line))
    if developer:
        fields.append(Field("developer", FieldKind.DEVELOPER, developer, paths.get("developer", ""), line))
    app_ref = ("package_id", package) if package else ("title" if device is None else "app_name", name)
    refs = (app_ref,) if device is None else (("device_id", device), app_ref)
    version, build = app.get("version", ""), app.get("build", "")
    more = [("version", version or build)] + ([("build", build)] if version and build != version else [])
    if key and key != package:
        more.append(("application_key", key))
    return Item(
        channel=Channel.APP,
        refs=refs,
        fields=tuple(fields),
        source=source,
        line=line,
        position=position,
        group=device,
        details=tuple((label, value) for label, value in (*details, *more) if value),
    )


def row_item(
    source: str,
    header: Sequence[str],
    columns: Mapping[str, int],
    values: Sequence[str],
    line: int,
    row: int,
    text: str,
) -> Item | Reject:
    """A CSV row (or JSON line) of an inventory (`device_id` among `columns`) or a catalogue (no
    `device_id`); `text`: the row as written, for its reject."""
    got = {role: values[at].strip() for role, at in columns.items()}
    paths = {role: header[at] for role, at in columns.items()}
    device = got.get("device_id", "") if "device_id" in columns else None
    details = [(name, got[name]) for name in _DETAILS if got.get(name)]
    item = app_item(
        source, device=device, app=got, paths=paths, line=line, position=f"row {row}", details=details
    )
    if isinstance(item, Reject):
        column = f" (column {header[columns['device_id']]} is empty)" if device == "" else ""
        return Reject(source, item.reason + column, line, item.position, text[:TEXT_CUT])
    return item


# Jamf Pro device records (JSON) -----------------------------------------------------------------------


class Cut(dict[str, Any]):
    """A JSON object the document breaks off inside: the members read before the break."""


class CutList(list[Any]):
    """A JSON array the document breaks off inside: the elements read before the break."""


class Walk:
    """Where reading a Jamf document has got to (`at`, the reader's words), for the reject of a break."""

    def __init__(self) -> None:
        self.at = ""


def is_jamf(doc: Any) -> bool:
    """Whether a JSON document (or the part of it read) is Jamf Pro device records."""
    if isinstance(doc, dict):
        return bool({"mobile_device", "mobile_devices", "general", "udid", "ios"} & doc.keys())
    if isinstance(doc, list):
        return not doc or (isinstance(doc[0], dict) and is_jamf(doc[0]))
    return False


def jamf_items(doc: Any, source: str, walk: Walk) -> Iterator[Item | Reject]:
    """The items of Jamf Pro device records, in document order; `walk.at` follows the reading."""
    if isinstance(doc, dict) and "mobile_devices" in doc:
        devices, base = doc["mobile_devices"], "/mobile_devices"
    elif isinstance(doc, list):
        devices, base = doc, ""
    else:
        devices, base = [doc], ""
    if not isinstance(devices, list):
        yield Reject(source, "mobile_devices is not a list of device records", None, "", str(devices)[:99])
        return
    complete = sum(not isinstance(record, Cut) for record in devices)
    for number, record in enumerate(devices, start=1):
        walk.at = f"device {number}"
        pointer = f"{base}/{number - 1}" if base or isinstance(doc, list) else ""
        if isinstance(record, dict) and isinstance(record.get("mobile_device"), dict):
            record, pointer = record["mobile_device"], f"{pointer}/mobile_device"
        if not isinstance(record, dict):
            yield Reject(source, "a device record that is not a JSON object", None, walk.at, str(record)[:99])
            continue
        yield from _device(record, pointer, number, source, walk)
    if isinstance(devices, CutList) and (not devices or not isinstance(devices[-1], Cut)):
        walk.at = f"device {complete + 1}"


# An app's keys in a Jamf record, each role with its keys: Classic API first, then Jamf Pro API
_JAMF_APP = {
    "package_id": ("identifier", "bundle_id", "bundleId"),
    "app_name": ("application_name", "name"),
    "version": ("application_short_version", "shortVersion", "application_version", "version"),
    "build": ("application_version", "version"),
}


def _text(record: Any, *keys: str) -> str:
    """The first of `keys` that `record` holds as text or a number, stripped."""
    if not isinstance(record, dict):
        return ""
    for key in keys:
        value = record.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def _device(
    record: dict[str, Any], pointer: str, number: int, source: str, walk: Walk
) -> Iterator[Item | Reject]:
    general = record.get("general") if isinstance(record.get("general"), dict) else {}
    location = record.get("location") if isinstance(record.get("location"), dict) else {}

    def first(*keys: str) -> str:
        return _text(general, *keys) or _text(record, *keys)

    device = first("udid") or first("serial_number", "serialNumber") or first("id", "mobileDeviceId")
    details = [
        ("owner", _text(location, "username", "email_address", "emailAddress", "realname", "realName")),
        ("platform", first("os_type", "type")),
        ("os_version", first("os_version", "osVersion")),
        ("device_name", first("name", "device_name", "display_name", "deviceName")),
        ("serial", first("serial_number", "serialNumber")),
    ]
    apps, at = record.get("applications"), f"{pointer}/applications"
    if apps is None and isinstance(record.get("ios"), dict):
        apps, at = record["ios"].get("applications"), f"{pointer}/ios/applications"
    if (
        isinstance(apps, dict) and "application" in apps
    ):  # XML turned into JSON: {"size": n, "application": [...]}
        apps, at = apps["application"], f"{at}/application"
        apps = [apps] if isinstance(apps, dict) else apps
    if apps is None:
        if not isinstance(record, Cut):
            yield Reject(
                source, "no applications list: export the device's Applications subset", None, walk.at
            )
        return
    if not isinstance(apps, list):
        yield Reject(source, "applications is not a list", None, walk.at, str(apps)[:TEXT_CUT])
        return
    if apps and not device:
        reason = f"no device id (udid, serial_number or id): its {len(apps)} apps cannot be tied to a device"
        yield Reject(source, reason, None, walk.at, str(general)[:TEXT_CUT])
        return
    for index, app in enumerate(apps):
        walk.at = f"device {number}, app {index + 1}"
        if isinstance(app, Cut):
            return
        if not isinstance(app, dict):
            yield Reject(source, "an app that is not a JSON object", None, walk.at, str(app)[:TEXT_CUT])
            continue
        got = {role: _text(app, *names) for role, names in _JAMF_APP.items()}
        paths = {
            role: f"{at}/{index}/{next((k for k in names if k in app), names[0])}"
            for role, names in _JAMF_APP.items()
        }
        yield app_item(
            source, device=device, app=got, paths=paths, line=None, position=walk.at, details=details
        )
    if isinstance(apps, CutList):
        walk.at = f"device {number}, app {len(apps) + 1}"
    elif isinstance(record, Cut):
        walk.at = f"device {number}, after its apps"
