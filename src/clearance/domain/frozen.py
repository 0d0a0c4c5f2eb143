"""Frozen dataclasses that unpickle fast: the engine kept on disk (`screening.prepared`) holds some
120,000 of them (names, their normal forms, entities, listings), and the `__setstate__` dataclasses give
a frozen class with slots looks its fields up again for every object, which took a third of the time a
CLI call spends reading that file."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")
_set = object.__setattr__


def quick_pickle(cls: type[T]) -> type[T]:
    """Give a frozen dataclass a `__reduce__` that rebuilds it from its field values in order."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[Any, ...]:
        return _rebuild, (cls, names, tuple(getattr(self, name) for name in names))

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


def _rebuild(cls: type[T], names: tuple[str, ...], values: tuple[Any, ...]) -> T:
    obj = object.__new__(cls)
    for name, value in zip(names, values, strict=True):
        _set(obj, name, value)
    return obj
