"""`clearance serve --workers 2` as a real process: one engine loaded by the parent, two workers on one
socket, a worker that dies replaced, and a clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from clearance.faces.service.auth import KeyStore, Role


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _pids(base: str, wanted: int, tries: int = 400) -> set[int]:
    """The worker pids that answer /healthz, each request on a new connection, until `wanted` differ."""
    seen: set[int] = set()
    for _ in range(tries):
        seen.add(httpx.get(f"{base}/healthz", timeout=10).json()["pid"])
        if len(seen) >= wanted:
            break
    return seen


def _wait(predicate: object, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():  # type: ignore[operator]
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, str, Path]]:
    home = tmp_path / "home"
    key = KeyStore.under(home).create(Role.ANALYST, "ana")[1]
    port = _free_port()
    env = {
        **os.environ,
        "CLEARANCE_HOME": str(home),
        "CLEARANCE_ON_STALE": "warn",
        "CLEARANCE_RATE_LIMIT": "0",
    }
    command = [sys.executable, "-c", "from clearance.faces.cli.app import main; main()"]
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [*command, "serve", "--port", str(port), "--workers", "2"], env=env, stdout=err, stderr=err
        )
    try:
        yield proc, f"http://127.0.0.1:{port}", key, log
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


@pytest.mark.integration
def test_two_workers_share_one_engine_and_stop_cleanly(
    server: tuple[subprocess.Popen[bytes], str, str, Path],
) -> None:
    proc, base, key, log = server
    _wait(lambda: httpx.get(f"{base}/readyz", timeout=5).status_code == 200, "/readyz")
    query = {"name": "Semiconductor Manufacturing International Corp", "as_of": "2022-03-01"}
    r = httpx.post(
        f"{base}/screen",
        json={"queries": {"1": query}},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert r.status_code == 200
    assert r.json()["results"]["1"]["hits"][0]["entity_id"] == "org-smic"

    workers = _pids(base, 2)
    assert len(workers) == 2 and proc.pid not in workers  # both workers answer; the parent only supervises

    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    now: set[int] = set()

    def replaced() -> bool:
        now.clear()
        now.update(_pids(base, 2) - {victim})
        return len(now) == 2

    _wait(replaced, "a replacement worker")  # the supervisor forked another

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0
    assert _pids_alive(workers | now) == []  # no worker outlives the service
    text = log.read_text()
    assert "Traceback" not in text and f"worker {victim} ended (killed by SIGKILL)" in text


def _pids_alive(pids: set[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        alive.append(pid)
    return alive
