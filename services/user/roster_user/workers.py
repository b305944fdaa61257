"""Pre-forked workers: N server processes share one port with SO_REUSEPORT, one supervisor.

The supervisor reserves the address before any worker starts: it holds an
exclusive lock named after the address (so a second supervisor fails) and a
bound, never-listening SO_REUSEPORT socket (so any other server fails to bind).
Each worker is a fresh (spawned) interpreter with its own event loop, store
connections and gRPC server. SIGTERM or SIGINT to the supervisor is forwarded
once as SIGTERM and every worker drains; a second signal kills them at once.
A worker that exits on its own makes the supervisor stop the rest and exit 1.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import dataclasses
import errno
import fcntl
import logging
import multiprocessing
import os
import signal
import socket
import tempfile
import time
from collections.abc import Coroutine
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Any
from wsgiref.simple_server import WSGIServer

import uvloop
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import start_http_server
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from roster_user import logs, server, shutdown
from roster_user.config import Settings, environment
from roster_user.domain.errors import DomainError
from roster_user.telemetry import TracingConfig

log = logging.getLogger(__name__)
_START_DEADLINE_S = 60.0
_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def run_loop(settings: Settings, main: Coroutine[Any, Any, int]) -> int:
    """Run `main` to completion on the event loop the settings choose."""
    factory = uvloop.new_event_loop if settings.event_loop == "uvloop" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)


class Reservation:
    """An address held for this supervisor's workers: an address lock and a bound socket."""

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        bare = host.strip("[]")
        family, kind, proto, _, sockaddr = socket.getaddrinfo(
            bare, int(port), type=socket.SOCK_STREAM
        )[0]
        self._socket = socket.socket(family, kind, proto)
        # SO_REUSEPORT without SO_REUSEADDR: only our SO_REUSEPORT workers may bind beside it.
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            self._socket.bind(sockaddr)
        except OSError:
            self._socket.close()
            raise
        self.port = int(self._socket.getsockname()[1])
        self.address = f"{host}:{self.port}"
        safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in bare) or "any"
        lock = Path(tempfile.gettempdir()) / f"roster-user-{safe}-{self.port}.lock"
        self._lock = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.close()
            raise OSError(
                errno.EADDRINUSE, f"{self.address} is in use by another roster-user"
            ) from None

    def close(self) -> None:
        """Release the socket and the lock."""
        self._socket.close()
        os.close(self._lock)


def _drain_when_orphaned(supervisor: int) -> None:
    # If the supervisor is killed outright, the kernel sends this worker SIGTERM
    # so it drains instead of serving on, unsupervised, holding the port.
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != supervisor:  # it died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def _worker_main(settings: Settings, index: int, ready: Connection, supervisor: int) -> None:
    """A worker process: serve with SO_REUSEPORT until SIGTERM."""
    # Ctrl-C reaches the whole process group; the supervisor forwards it once as SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logs.configure(settings.log_level)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_WorkerTag(index))
    raise SystemExit(run_loop(settings, _serve_worker(settings, ready, supervisor)))


class _WorkerTag(logging.Filter):
    """Adds the worker's index to every log record."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self._index = index

    def filter(self, record: logging.LogRecord) -> bool:
        """Tag and keep the record."""
        record.worker = self._index
        return True


async def _serve_worker(settings: Settings, ready: Connection, supervisor: int) -> int:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    _drain_when_orphaned(supervisor)
    try:
        tracing = TracingConfig.from_environment(environment())
        running = await server.build_server(settings, tracing, reuse_port=True)
    except (RuntimeError, DomainError, OSError) as error:
        log.error("worker cannot start", extra={"error": str(error)})
        ready.send(("failed", str(error)))
        return 1
    log.info("worker serving", extra={"address": running.address, "pid": os.getpid()})
    ready.send(("serving", os.getpid()))
    await stop.wait()
    log.info("worker shutdown requested")
    await shutdown.drain(running)
    return 0


@dataclasses.dataclass
class _Pool:
    """The worker processes and the supervisor's shutdown state."""

    processes: list[BaseProcess] = dataclasses.field(default_factory=list)
    stopping: bool = False

    def stop(self) -> None:
        """Ask every live worker to drain (once)."""
        if not self.stopping:
            self.stopping = True
            for process in self.processes:
                if process.is_alive() and process.pid is not None:
                    os.kill(process.pid, signal.SIGTERM)

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        """First signal: drain every worker; second: kill them and exit at once."""
        if self.stopping:
            log.critical("second signal; killing workers", extra={"signal": signum})
            for process in self.processes:
                process.kill()
            os._exit(128 + signum)
        log.info("shutdown requested", extra={"signal": signal.Signals(signum).name})
        self.stop()


def supervise(settings: Settings) -> int:
    """Reserve the address, start `settings.workers` workers, and wait for them all."""
    try:
        reservation = Reservation(settings.listen_address)
    except OSError as error:
        log.error("cannot start", extra={"error": str(error), "address": settings.listen_address})
        return 1
    try:
        if run_loop(settings, server.migrate(settings)) != 0:
            return 1
        with SharedMetrics(settings.metrics_address) as metrics:
            # Workers serve no metrics of their own: they write to the shared
            # directory and the supervisor's one endpoint adds them up.
            worker_settings = dataclasses.replace(
                settings, listen_address=reservation.address, metrics_address=""
            )
            return _run_pool(worker_settings, reservation.address, metrics)
    except (OSError, DomainError) as error:
        log.error("cannot start", extra={"error": str(error), "address": settings.listen_address})
        return 1
    finally:
        reservation.close()


class SharedMetrics:
    """One /metrics endpoint over every worker (prometheus_client's multiprocess mode)."""

    def __init__(self, address: str) -> None:
        self.address = ""
        self._address = address
        self._directory: tempfile.TemporaryDirectory[str] | None = None
        self._server: WSGIServer | None = None

    def __enter__(self) -> SharedMetrics:
        if not self._address:
            return self
        self._directory = tempfile.TemporaryDirectory(prefix="roster-metrics-")
        # Read by prometheus_client when each spawned worker imports it.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = self._directory.name
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self._directory.name)  # type: ignore[no-untyped-call]
        host, _, port = self._address.rpartition(":")
        try:
            self._server, _ = start_http_server(int(port), host.strip("[]"), registry)
        except OSError as error:
            self.__exit__()
            raise OSError(f"cannot serve metrics on {self._address}: {error.strerror}") from error
        bound_host, bound_port = self._server.socket.getsockname()[:2]
        self.address = f"{bound_host}:{bound_port}"
        return self

    def worker_exited(self, pid: int | None) -> None:
        """Drop the live gauges of a worker that is gone."""
        if self._directory is not None and pid is not None:
            mark_process_dead(pid, self._directory.name)  # type: ignore[no-untyped-call]

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._directory is not None:
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
            self._directory.cleanup()


def _run_pool(settings: Settings, address: str, metrics: SharedMetrics) -> int:
    pool = _Pool()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, pool.on_signal)
    # Spawned, not forked: each worker starts gRPC, threads and the store from scratch.
    context = multiprocessing.get_context("spawn")
    readiness: list[Connection] = []
    for index in range(settings.workers):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker_main,
            args=(settings, index, send, os.getpid()),
            name=f"roster-worker-{index}",
        )
        process.start()
        send.close()
        pool.processes.append(process)
        readiness.append(receive)
    if not _wait_ready(pool, readiness):
        pool.stop()
    else:
        pids = [p.pid for p in pool.processes]
        log.info(
            "serving",
            extra={
                "address": address,
                "workers": settings.workers,
                "pids": pids,
                "metrics_address": metrics.address,
            },
        )
    return _wait_exit(pool, metrics)


def _wait_ready(pool: _Pool, readiness: list[Connection]) -> bool:
    waiting = set(readiness)
    give_up = time.monotonic() + _START_DEADLINE_S
    while waiting and not pool.stopping:
        sentinels = [p.sentinel for p in pool.processes]
        events = wait([*waiting, *sentinels], timeout=max(give_up - time.monotonic(), 0))
        if not events:
            log.error("workers did not start in time")
            return False
        for event in events:
            if event in waiting:
                assert isinstance(event, Connection)
                try:
                    status, _ = event.recv()
                except EOFError:
                    status = "failed"
                if status != "serving":
                    return False
                waiting.discard(event)
            elif event in sentinels:
                log.error("a worker exited while starting")
                return False
    return not pool.stopping


def _wait_exit(pool: _Pool, metrics: SharedMetrics) -> int:
    unexpected = False
    alive = list(pool.processes)
    while alive:
        wait([p.sentinel for p in alive])
        for process in [p for p in alive if not p.is_alive()]:
            alive.remove(process)
            process.join()
            metrics.worker_exited(process.pid)
            if not pool.stopping:
                unexpected = True
                log.error(
                    "worker exited unexpectedly; stopping the others",
                    extra={"pid": process.pid, "exit_code": process.exitcode},
                )
                pool.stop()
            elif process.exitcode != 0:
                log.error(
                    "worker failed to drain",
                    extra={"pid": process.pid, "exit_code": process.exitcode},
                )
    codes = [p.exitcode for p in pool.processes]
    log.info("workers stopped", extra={"exit_codes": codes})
    return 0 if not unexpected and all(code == 0 for code in codes) else 1
