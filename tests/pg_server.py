"""A throwaway PostgreSQL server for the tests (`running_postgres`): initdb in a temporary directory, a
server listening on a unix socket there only, trust authentication, no fsync. `make postgres` installs
Debian's PostgreSQL when the machine has none.

initdb and the server refuse to run as root: as root (as in CI), they run as Debian's `postgres` system
user, in a directory under /tmp that the user owns (pytest's own temporary directories are root's, 0700)."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

USER = "postgres"  # the superuser initdb creates, and the system user the server runs as under root
PORT = 5432  # only names the socket file: the server listens on no TCP address
START_TIMEOUT = 60  # seconds
INITDB_OPTIONS = ["-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]
SOCKET_PATH_MAX = 100  # a unix socket's path has 107 bytes at most on Linux


class PostgresUnavailable(RuntimeError):
    """The test PostgreSQL server could not be started."""


def _fail(cause: str) -> PostgresUnavailable:
    return PostgresUnavailable(
        f"The store's tests run against a real PostgreSQL server that they start themselves, and it could "
        f"not be started: {cause}. On Debian, run `make postgres` (it installs Debian's postgresql package); "
        f"elsewhere, install the PostgreSQL server binaries (initdb, pg_ctl)."
    )


def _version(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name))


def find_bindir() -> Path:
    """The PostgreSQL server binaries: Debian's highest version under /usr/lib/postgresql, else
    `pg_config --bindir`, else initdb on PATH."""
    found = sorted((p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")), key=_version)
    if found:
        return found[-1]
    if pg_config := shutil.which("pg_config"):
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(result.stdout.strip())
        if result.returncode == 0 and (bindir / "initdb").is_file():
            return bindir
    if initdb := shutil.which("initdb"):
        return Path(initdb).resolve().parent
    raise _fail("no PostgreSQL server binaries were found (no /usr/lib/postgresql/*/bin/initdb, no initdb)")


def _as_server_user() -> tuple[list[str], pwd.struct_passwd | None]:
    """The prefix that runs a command as the server's user, and that user when it is not the current one."""
    if os.geteuid() != 0:
        return [], None
    try:
        user = pwd.getpwnam(USER)
    except KeyError:
        raise _fail(
            f"running as root, initdb must run as the `{USER}` system user, and there is none "
            f"(Debian's postgresql package creates it)"
        ) from None
    if runuser := shutil.which("runuser"):
        return [runuser, "-u", USER, "--"], user
    if setpriv := shutil.which("setpriv"):
        return [setpriv, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups"], user
    raise _fail(f"running as root, initdb must run as `{USER}`, and neither runuser nor setpriv is installed")


def _run(command: list[str], cwd: Path, what: str, log: Path | None = None) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    try:
        result = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT + 30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise _fail(f"{what} failed ({error})") from error
    if result.returncode != 0:
        cause = f"{what} exited with {result.returncode}: {_tail(result.stdout + result.stderr)}"
        if log is not None and log.exists():
            cause += f"; the server's log ends: {_tail(log.read_text(errors='replace'))}"
        raise _fail(cause)


def _tail(text: str) -> str:
    return " ".join(text.split())[-1500:]


def _stop(prefix: list[str], bindir: Path, data: Path) -> None:
    """Stop the server (immediately: its data is thrown away); kill it if pg_ctl could not."""
    result = subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate", "-w"],
        cwd=data.parent,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=START_TIMEOUT,
        check=False,
    )
    pid_file = data / "postmaster.pid"
    if result.returncode != 0 and pid_file.exists():
        with contextlib.suppress(ValueError, IndexError, OSError):
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)


@contextlib.contextmanager
def running_postgres(tmp_dir: Path) -> Iterator[str]:
    """Start a throwaway PostgreSQL server and yield a SQLAlchemy URL to its `postgres` database (empty:
    the maintenance database, where tests create their own databases); then stop the server and delete its
    files. The server's files are in `tmp_dir`, or under /tmp when running as root or when `tmp_dir`'s path
    is too long for a unix socket."""
    bindir = find_bindir()
    prefix, user = _as_server_user()
    socket_name = f".s.PGSQL.{PORT}"
    if user is not None or len(str(tmp_dir / socket_name)) > SOCKET_PATH_MAX:
        root = Path(tempfile.mkdtemp(prefix="clearance-pg-", dir="/tmp"))
        if user is not None:
            os.chown(root, user.pw_uid, user.pw_gid)
    else:
        root = tmp_dir
    data, log = root / "data", root / "server.log"
    started = False
    try:
        _run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", *INITDB_OPTIONS],
            root,
            "initdb",
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{root}' -p {PORT} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        started = True  # from here on, a failed start may still leave a server behind: stop it anyway
        start = ["start", "-D", str(data), "-l", str(log), "-w", "-t", str(START_TIMEOUT), "-o", options]
        _run([*prefix, str(bindir / "pg_ctl"), *start], root, "pg_ctl start", log)
        yield f"postgresql+psycopg://{USER}@/postgres?host={root}&port={PORT}"
    finally:
        if started:
            _stop(prefix, bindir, data)
        shutil.rmtree(data, ignore_errors=True)
        if root != tmp_dir:
            shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create an empty database with a unique name on the server of `server_url` (its maintenance
    database), yield its URL, then drop it WITH (FORCE): connections left open do not stop that."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
