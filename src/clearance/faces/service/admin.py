"""The log of admin actions (a list update, ...): each one JSON line, written to standard error (the
`clearance.admin` logger) and appended to `CLEARANCE_HOME/logs/admin.jsonl` (mode 0600):

    {"time": "2025-01-31T09:00:00+00:00", "action": "lists.update", "outcome": "ok", "user": "ana",
     "key_id": "3f9c01ab27de", "role": "admin", "pid": 4242, ...details}

An action is logged when it starts (`outcome` "started") and when it ends ("ok" or "failed", with the
error); the key itself is never logged.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clearance.faces.service.keys import Caller

log = logging.getLogger("clearance.admin")


def setup() -> None:
    """Send the admin logger's lines to standard error, as they are (once per process)."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def record(home: Path, caller: Caller, action: str, outcome: str, **details: Any) -> dict[str, Any]:
    """Log one admin action and return its document. A log file that cannot be written is reported on
    the logger, and does not stop the action."""
    doc = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "action": action,
        "outcome": outcome,
        "user": caller.user,
        "key_id": caller.key_id,
        "role": str(caller.role),
        "pid": os.getpid(),
        **details,
    }
    line = json.dumps(doc, ensure_ascii=False, default=str)
    log.info(line)
    _append(home, line)
    return doc


def denied(home: Path, request_path: str, client: str, status: int, reason: str, key_id: str = "") -> None:
    """Log a refused request (401: no, unknown or revoked key; 403: a role it lacks), so that key
    probing and attempts at admin routes are seen: a JSON line on standard error, and for a 403, whose
    key is known, in `admin.jsonl` too. The key itself is never logged."""
    doc = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "action": "denied",
        "status": status,
        "reason": reason,
        "path": request_path,
        "client": client,
        "key_id": key_id,
        "pid": os.getpid(),
    }
    line = json.dumps(doc, ensure_ascii=False)
    log.warning(line)
    if status == 403:
        _append(home, line)


def _append(home: Path, line: str) -> None:
    """Append one line to `admin.jsonl` (mode 0600); a file that cannot be written is reported on the
    logger, and stops nothing."""
    path = home / "logs" / "admin.jsonl"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    except OSError as exc:
        log.error(json.dumps({"error": f"cannot write {path}: {exc.strerror or exc}"}))
