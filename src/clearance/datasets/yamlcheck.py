"""Strict reading of the built-in YAML files: a missing key, an unknown word or a misspelt key fails with
the file and the item (`DataError`), never a silent default."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

import yaml

from clearance.errors import DataError

E = TypeVar("E", bound=StrEnum)


def require(item: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in item or item[key] in (None, ""):
        raise DataError(f"{where}: missing '{key}'")
    return item[key]


def check(value: object, allowed: type[E], what: str, where: str) -> E:
    try:
        return allowed(str(value))
    except ValueError:
        words = ", ".join(member.value for member in allowed)
        raise DataError(f"{where}: unknown {what} '{value}' (one of: {words})") from None


def only(item: Any, keys: set[str], where: str) -> None:
    """A mapping with none but the known keys: a misspelt key fails instead of being ignored."""
    if not isinstance(item, Mapping):
        raise DataError(f"{where}: expected a mapping of keys, got {type(item).__name__}")
    unknown = sorted(str(k) for k in item if k not in keys)
    if unknown:
        raise DataError(f"{where}: unknown key '{unknown[0]}' (one of: {', '.join(sorted(keys))})")


def flag(item: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise DataError(f"{where}: '{key}' must be true or false, not '{value}'")
    return value


def load_yaml(text: str, name: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"{name}: not valid YAML: {exc}") from exc
