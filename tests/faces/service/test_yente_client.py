"""A client written for yente, not for clearance, is the test (issue 19): nomenklatura's `YenteEnricher`
(benchmarks/baselines/yente_client.py, run by .venv-baselines' Python) against a running `clearance serve`
on the OFAC SDN and consolidated excerpts, matches a listed SDN person with a date of birth and a listed
company, expands a match, and gets back the entities `Engine.screen` finds.

It needs .venv-baselines (`make baselines`, which `make test` builds first) and fails, not skips, when
it is missing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clearance import Engine, load_dataset
from clearance.faces.cli.app import app
from fixtures import DATA

ROOT = Path(__file__).resolve().parents[3]
BASELINES_PYTHON = ROOT / ".venv-baselines" / "bin" / "python"
CLIENT = ROOT / "benchmarks" / "baselines" / "yente_client.py"
CLEARANCE = Path(sys.executable).with_name("clearance")
QUERIES = [
    {
        "id": "q-kolbayev",
        "schema": "Person",
        "properties": {"name": ["Kamchybek Kolbayev"], "birthDate": ["1974-08-03"], "nationality": ["kg"]},
    },
    {"id": "q-cnooc", "schema": "Company", "properties": {"name": ["CNOOC Limited"]}},
]
SCREENS = {  # the same queries as Engine.screen takes them
    "q-kolbayev": {
        "query": "Kamchybek Kolbayev",
        "kind": "person",
        "birth_date": "1974-08-03",
        "country": "KG",
    },
    "q-cnooc": {"query": "CNOOC Limited", "kind": "organization"},
}

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the two OFAC excerpts imported, as `clearance lists import` does it."""
    where = tmp_path_factory.mktemp("yente-home")
    runner = CliRunner()
    for folder in ("ofac-sdn-2021", "ofac-consolidated-2025"):
        r = runner.invoke(
            app, ["lists", "import", str(DATA / "lists" / folder)], env={"CLEARANCE_HOME": str(where)}
        )
        assert r.exit_code == 0, r.output
    return where


@pytest.fixture(scope="module")
def key(home: Path) -> str:
    r = CliRunner().invoke(app, ["keys", "create", "--role", "analyst"], env={"CLEARANCE_HOME": str(home)})
    assert r.exit_code == 0, r.output
    return r.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def server(home: Path, key: str) -> Iterator[str]:
    """`clearance serve` on a free port, until the module's tests are done; its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "CLEARANCE_HOME": str(home),
        "CLEARANCE_RATE_LIMIT": "0",
        "CLEARANCE_ON_STALE": "warn",
    }
    log = home / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(CLEARANCE), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"clearance serve exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"clearance serve was not ready in 120 s: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_client(url: str, key: str, tmp_path: Path, *args: str) -> dict[str, Any]:
    if not BASELINES_PYTHON.exists():
        pytest.fail(
            f"{BASELINES_PYTHON} is missing: the yente client runs in the baselines' environment; "
            "`make baselines` builds it (`make test` does so first)"
        )
    queries = tmp_path / "queries.json"
    queries.write_text(json.dumps(QUERIES), encoding="utf-8")
    cmd = [str(BASELINES_PYTHON), str(CLIENT), "--api", url, "--key", key, "--queries", str(queries), *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    doc: dict[str, Any] = json.loads(done.stdout)
    return doc


@pytest.fixture(scope="module")
def engine(home: Path) -> Engine:
    return Engine(load_dataset(home=home))


def test_the_yente_client_finds_what_the_engine_finds(
    server: str, key: str, tmp_path: Path, engine: Engine
) -> None:
    doc = run_client(server, key, tmp_path, "--expand", "q-kolbayev")
    for qid, screen in SCREENS.items():
        args = dict(screen)
        expected = engine.screen(args.pop("query"), **args)
        ids = {h.entity.id for h in expected.hits}
        assert 0 < len(ids) <= 5  # yente's default limit: the client asks for no other
        assert {m["id"] for m in doc["matches"][qid]} == ids, qid
    assert [m["id"] for m in doc["matches"]["q-kolbayev"]] == ["ofac-12625"]
    assert "org-cnooc-ltd" in {m["id"] for m in doc["matches"]["q-cnooc"]}
    assert all("sanction" in m["topics"] for found in doc["matches"].values() for m in found)
    # expanding the match: the entity, its SDN listing (a Sanction) and the organization it is linked to
    expanded = {(e["id"], e["schema"]) for e in doc["expanded"]}
    assert ("ofac-12625", "Person") in expanded and ("ofac-23223", "Organization") in expanded
    assert any(schema == "Sanction" for _, schema in expanded)
    assert any(schema == "UnknownLink" for _, schema in expanded)


def test_a_wrong_key_stops_the_client(server: str, tmp_path: Path) -> None:
    if not BASELINES_PYTHON.exists():
        pytest.fail(f"{BASELINES_PYTHON} is missing: run `make baselines`")
    queries = tmp_path / "queries.json"
    queries.write_text(json.dumps(QUERIES[:1]), encoding="utf-8")
    cmd = [
        str(BASELINES_PYTHON),
        str(CLIENT),
        "--api",
        server,
        "--key",
        "clr_wrong",
        "--queries",
        str(queries),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1 and "Authorization failure" in done.stderr
