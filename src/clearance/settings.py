"""Where a user's own data lives, and settings read from `CLEARANCE_*` environment variables."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """CLEARANCE_HOME, or $XDG_DATA_HOME/clearance, or ~/.local/share/clearance.

    Lists, snapshots, keys and the case store added by a user live here; nothing is written until a
    command needs to."""
    explicit = os.environ.get("CLEARANCE_HOME")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "clearance"
