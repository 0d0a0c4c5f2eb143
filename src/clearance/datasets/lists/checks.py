"""What a list must pass before it is used or becomes active, beyond the rows its reader could not read.

A screening engine is trusted never to let a listed party through because of a fault of its own, and a
list that silently lost entries does exactly that. So a list is refused, and nothing of it is used, when

- its reader found the file cut short or damaged (`ListData.fatal`: no end mark, not well-formed, fewer
  records than it states, companion rows of entries the main file lacks);
- it lost more than `max_loss` of its rows (rows read and dropped, and rows a broken quote swallowed);
- more than `max_loss` of its entries have names that decode only with replacement characters (a file in
  another encoding than it declares);
- several files of one source come in one call: the later would silently replace the earlier, unless
  they are the companions of one list, which the readers read together as one;
- (on import) it would shrink its source by more than `max_shrink` against the active snapshot, unless
  the user says the list really shrank (`allow_shrink`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from clearance.datasets.lists.base import ListData
from clearance.errors import InputError

DEFAULT_MAX_LOSS = 0.05  # an import that drops more than this share of its rows fails as a whole
DEFAULT_MAX_SHRINK = 0.10  # an import that would drop more than this share of a source's entries fails
_REPLACEMENT = "\ufffd"


class ImportFailed(InputError):
    """A file that cannot be read, is cut short, loses too many rows or would shrink its list too much:
    nothing of it is used."""


def share(value: float | str, name: str) -> float:
    """A share from 0 to 1 (a loss or shrink limit), or InputError naming the setting."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not 0.0 <= number <= 1.0:  # also false for nan
        raise InputError(f"{name} must be a number from 0 to 1, not {value!r}")
    return number


def check_loss(data: ListData, max_loss: float) -> None:
    """Raise ImportFailed when a source read from files is cut short, damaged, or lost too much."""
    where = ", ".join(data.files)
    if data.fatal:
        raise ImportFailed(f"{_one_line(str(data.fatal[0]))}; nothing was imported")
    if data.rows == 0 and not data.entities:
        raise ImportFailed(f"{where}: no rows could be read")
    if data.rows and data.bad_rows / data.rows > max_loss:
        raise ImportFailed(
            f"{where}: {data.bad_rows} of {data.rows} rows ({data.bad_rows / data.rows:.1%}) could not be "
            f"read, more than the {max_loss:.1%} allowed (--max-loss, CLEARANCE_MAX_LOSS); nothing was "
            "imported"
        )
    garbled = [e for e in data.entities if any(_REPLACEMENT in n.value for n in e.all_names())]
    if data.entities and len(garbled) / len(data.entities) > max_loss:
        raise ImportFailed(
            f"{where}: {len(garbled)} of {len(data.entities)} entries have names that decode only with "
            f"replacement characters (first: {garbled[0].name!r}): the file is not in the encoding it "
            "declares (UTF-8, or cp1252 where a line is not UTF-8); nothing was imported"
        )


def check_one_per_source(sources: Sequence[ListData]) -> None:
    """Raise ImportFailed when two of `sources` are the same source (two SDN lists, an SDN CSV and XML)."""
    seen: dict[str, ListData] = {}
    for data in sources:
        first = seen.setdefault(data.source, data)
        if first is not data:
            files = ", ".join([*first.files[:1], *data.files[:1]])
            raise ImportFailed(
                f"{data.source}: several files of one source in one call ({files}); a list's companion "
                "files are read with it, but two lists of one source cannot both be used: give one"
            )


def check_shrink(data: ListData, before: int, *, max_shrink: float, allow_shrink: bool) -> None:
    """Raise ImportFailed when `data` has fewer entries than `before` (the active snapshot's) by more
    than `max_shrink`, unless `allow_shrink`."""
    after = len(data.entities)
    if allow_shrink or before <= 0 or after >= before:
        return
    drop = (before - after) / before
    if drop > max_shrink:
        raise ImportFailed(
            f"{data.source}: {', '.join(data.files[:1])} has {after:,} entries where the active snapshot has "
            f"{before:,} ({drop:.1%} fewer, more than the {max_shrink:.1%} allowed by --max-shrink, "
            "CLEARANCE_MAX_SHRINK); nothing was imported. If the list really shrank, import it with "
            "--allow-shrink"
        )


def _one_line(text: str) -> str:
    return " ".join(text.split())
