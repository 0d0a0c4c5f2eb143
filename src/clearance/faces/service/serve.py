"""Running the service: `serve(host, port, workers)`, what `clearance serve` calls.

One worker: uvicorn in this process; the engine loads in the background and `/readyz` says when.

Several workers: the engine is loaded once, here, before any worker exists (read from the engine kept
on disk, `screening.prepared`, or built and kept there), its objects moved out of the garbage
collector's sight (`perf.settle_heap`). Then N worker processes are forked; each runs uvicorn on the one
listening socket bound here, so the kernel hands each new connection to one of them. The index is shared
copy-on-write: a fresh worker adds 16 MB of its own, not a copy of the engine; the pages a worker touches
(reference counts) are copied as it runs, so after long use it may hold half the engine privately, plus
its caches (README, "HTTP service"). This process supervises them:

* a worker that dies is replaced (after a pause of a second when it died within a second of starting,
  so that a worker failing at start does not spin);
* SIGHUP (sent by a worker after `POST /lists/update` loaded new lists) loads the engine again here,
  forks new workers with it and stops the old ones gracefully: every worker screens on the new data,
  still sharing it;
* SIGTERM or SIGINT stops every worker gracefully (uvicorn finishes the requests under way; after
  `STOP_TIMEOUT` seconds a worker still running is killed), then this process returns.

A worker whose supervisor is gone (killed with SIGKILL) stops by itself within a second.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import replace
from types import FrameType

import uvicorn

from clearance.errors import InputError
from clearance.faces.service.app import create_app
from clearance.faces.service.settings import ServiceSettings
from clearance.faces.service.state import load_engine
from clearance.perf import settle_heap
from clearance.screening.engine import Engine

STOP_TIMEOUT = 30  # seconds a worker has to finish its requests once asked to stop
SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD)
log = logging.getLogger("clearance.service")


def serve(host: str, port: int, workers: int, *, settings: ServiceSettings | None = None) -> None:
    """Serve until stopped (SIGTERM, SIGINT); `workers` 0 is one per CPU core. Raises `InputError` when
    the address cannot be listened on or a setting is wrong, and, with several workers, what loading the
    data raises (before any worker starts; with one, /readyz reports it)."""
    if workers < 0:
        raise InputError(f"--workers must be 0 (one per CPU core) or more, not {workers}")
    workers = workers or os.cpu_count() or 1
    base = settings or ServiceSettings.from_env()
    the_settings = replace(base, host=host, port=port, workers=workers)
    _setup_logging()
    sock = listen(host, port)
    if workers == 1:
        app = create_app(settings=the_settings)
        server = uvicorn.Server(_config(app, the_settings))
        log.info(
            "clearance serving on http://%s:%d (1 worker; loading the data)", host, sock.getsockname()[1]
        )
        # uvicorn stops gracefully on these, then raises them again with the handlers it found: a stop
        # asked for is a normal end (exit 0), not a death by signal or a KeyboardInterrupt
        previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            server.run(sockets=[sock])
        except _Stopped:
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            sock.close()
        return
    Supervisor(sock, the_settings).run()


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host`:`port` (IPv6 when the host has a colon); `InputError` when it
    cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _config(app: object, settings: ServiceSettings) -> uvicorn.Config:
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=settings.host,
        port=settings.port,
        lifespan="on",
        access_log=False,
        server_header=False,
        log_config=None,
        timeout_graceful_shutdown=STOP_TIMEOUT,
    )


def _setup_logging() -> None:
    """The service's and uvicorn's messages on standard error, one line each."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


class Supervisor:
    """The parent of the workers (see the module's doc)."""

    def __init__(self, sock: socket.socket, settings: ServiceSettings) -> None:
        self.sock = sock
        self.settings = settings
        self.workers: dict[int, float] = {}  # pid -> when it started
        self.stopping: set[int] = set()  # workers asked to stop: their death is no surprise
        self.pid = os.getpid()

    def run(self) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)  # taken with sigtimedwait below, one at a time
        try:
            log.info("loading the data once for %d workers", self.settings.workers)
            engine = self._load()
            for _ in range(self.settings.workers):
                self._fork(engine)
            log.info(
                "clearance serving on http://%s:%d (%d workers)",
                self.settings.host,
                self.sock.getsockname()[1],
                self.settings.workers,
            )
            while True:
                info = signal.sigtimedwait(SIGNALS, 1.0)
                if info is None or info.si_signo == signal.SIGCHLD:
                    self._reap(engine)
                elif info.si_signo == signal.SIGHUP:
                    engine = self._reload(engine)
                else:
                    log.info("stopping the workers")
                    self._stop(set(self.workers))
                    return
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
            self.sock.close()

    def _load(self) -> Engine:
        engine = load_engine(self.settings)
        engine.prepare()
        settle_heap()  # what is alive now is shared by the workers: no collector pass writes on it
        return engine

    def _fork(self, engine: Engine) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                _worker(self.sock, engine, self.settings, self.pid)
            except BaseException:  # a worker never returns into the supervisor's code
                logging.getLogger("clearance.service").exception("worker %d failed", os.getpid())
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.workers[pid] = time.monotonic()

    def _reap(self, engine: Engine) -> None:
        """Collect the workers that ended; replace those that were not asked to stop."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            started = self.workers.pop(pid, None)
            if pid in self.stopping:
                self.stopping.discard(pid)
                continue
            if started is None:
                continue
            log.warning("worker %d ended (%s); starting another", pid, _status(status))
            if time.monotonic() - started < 1.0:
                time.sleep(1.0)
            self._fork(engine)

    def _reload(self, engine: Engine) -> Engine:
        """Load the data again, fork new workers with it, stop the old ones (see the module's doc)."""
        log.info("new data: loading it once and replacing the workers")
        try:
            fresh = self._load()
        except Exception as exc:  # the old workers keep screening on what they have
            log.error("the new data could not be loaded (%s); the workers keep the data they have", exc)
            return engine
        old = set(self.workers)
        for _ in range(self.settings.workers):
            self._fork(fresh)
        self._stop(old)
        return fresh

    def _stop(self, pids: set[int]) -> None:
        """SIGTERM to each worker in `pids`, wait for them (SIGKILL after STOP_TIMEOUT)."""
        self.stopping |= pids
        for pid in pids:
            _kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT + 5.0
        waiting = set(pids)
        while waiting and time.monotonic() < deadline:
            for pid in list(waiting):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    waiting.discard(pid)
                    self.workers.pop(pid, None)
                    self.stopping.discard(pid)
            if waiting:
                time.sleep(0.05)
        for pid in waiting:
            log.warning("worker %d did not stop in time: killed", pid)
            _kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            self.workers.pop(pid, None)
            self.stopping.discard(pid)


def _worker(sock: socket.socket, engine: Engine, settings: ServiceSettings, parent: int) -> None:
    """A worker's life: uvicorn on the shared socket with the engine loaded by the parent."""
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
    app = create_app(engine=engine, settings=settings)
    app.state.after_reload = lambda: _kill(parent, signal.SIGHUP)
    server = uvicorn.Server(_config(app, settings))
    threading.Thread(target=_orphan_watch, args=(server, parent), daemon=True).start()
    server.run(sockets=[sock])  # uvicorn's own loop (uvloop when installed), as with one worker


def _orphan_watch(server: uvicorn.Server, parent: int) -> None:
    """Stop the worker when its supervisor is gone."""
    while not server.should_exit:
        if os.getppid() != parent:
            server.should_exit = True
            return
        time.sleep(1.0)


def _kill(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit {os.waitstatus_to_exitcode(status)}"


class _Stopped(Exception):
    """SIGTERM or SIGINT reached the one-worker server after it stopped gracefully."""


def _stopped(sig: int, frame: FrameType | None) -> None:
    raise _Stopped()
