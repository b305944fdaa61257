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
import logging
import multiprocessing
import os
import secrets
import signal
import time
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from types import FrameType

from roster_user import server
from roster_user.config import Settings
from roster_user.domain.errors import DomainError
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.event_loop import run_loop
from roster_user.observability import logs
from roster_user.pool.peer_nudges import PeerNudges, PoolSeat
from roster_user.pool.reservation import Reservation
from roster_user.pool.worker_metrics import SharedMetrics

log = logging.getLogger(__name__)
_START_DEADLINE_S = 60.0
_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def _drain_when_orphaned(supervisor: int) -> None:
    # If the supervisor is killed outright, the kernel sends this worker SIGTERM
    # so it drains instead of serving on, unsupervised, holding the port.
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != supervisor:  # it died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def _worker_main(settings: Settings, seat: PoolSeat, ready: Connection, supervisor: int) -> None:
    """A worker process: serve with SO_REUSEPORT until SIGTERM."""
    # Ctrl-C reaches the whole process group; the supervisor forwards it once as SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logs.configure(settings.log_level)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_WorkerTag(seat.index))
    raise SystemExit(run_loop(settings, _serve_worker(settings, seat, ready, supervisor)))


class _WorkerTag(logging.Filter):
    """Adds the worker's index to every log record."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self._index = index

    def filter(self, record: logging.LogRecord) -> bool:
        """Tag and keep the record."""
        record.worker = self._index
        return True


async def _serve_worker(
    settings: Settings, seat: PoolSeat, ready: Connection, supervisor: int
) -> int:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    _drain_when_orphaned(supervisor)
    try:
        running = await server.build_server(
            settings, settings.tracing, reuse_port=True, peers=PeerNudges(seat)
        )
    except (RuntimeError, DomainError, OSError) as error:
        log.error("worker cannot start", extra={"error": str(error)})
        ready.send(("failed", str(error), ""))
        return 1
    log.info("worker serving", extra={"address": running.address, "pid": os.getpid()})
    ready.send(("serving", os.getpid(), running.metrics_address))
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
            # Each worker serves its own metrics on loopback; the supervisor's
            # one endpoint adds them up.
            worker_settings = dataclasses.replace(
                settings,
                listen_address=reservation.address,
                metrics_address=metrics.worker_address,
            )
            return _run_pool(worker_settings, reservation.address, metrics)
    except (OSError, DomainError) as error:
        log.error("cannot start", extra={"error": str(error), "address": settings.listen_address})
        return 1
    finally:
        reservation.close()


def _run_pool(settings: Settings, address: str, metrics: SharedMetrics) -> int:
    pool = _Pool()
    # Names this pool's nudge sockets (roster_user.pool.peer_nudges): unguessable to others.
    token = secrets.token_hex(8)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, pool.on_signal)
    # Spawned, not forked: each worker starts gRPC, threads and the store from scratch.
    context = multiprocessing.get_context("spawn")
    readiness: list[Connection] = []
    for index in range(settings.workers):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker_main,
            args=(settings, PoolSeat(token, index, settings.workers), send, os.getpid()),
            name=f"roster-worker-{index}",
        )
        process.start()
        send.close()
        pool.processes.append(process)
        readiness.append(receive)
    if not _wait_ready(pool, readiness, metrics):
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


def _wait_ready(pool: _Pool, readiness: list[Connection], metrics: SharedMetrics) -> bool:
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
                    status, pid, metrics_address = event.recv()
                except EOFError:
                    status = "failed"
                if status != "serving":
                    return False
                metrics.worker_serving(pid, metrics_address)
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
