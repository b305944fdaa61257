"""The SIGTERM drain sequence, in the fixed order the probes and clients rely on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from roster_user.lifecycle import hangup
from roster_user.lifecycle.running import Running

log = logging.getLogger(__name__)
_MIN_FLUSH_SECONDS = 1.0
# Long enough for the responses of the last handlers to be written out.
_FLUSH_SECONDS = 0.05


async def drain(running: Running) -> None:
    """Readiness off, drain delay, stop accepting, finish in-flight, close store, flush.

    One function on purpose: the steps and their log lines read in their fixed order.
    """
    settings = running.settings
    log.info("shutdown: readiness NOT_SERVING", extra={"step": 1})
    await running.probes.begin_shutdown()
    log.info("shutdown: draining", extra={"step": 2, "seconds": settings.drain_seconds})
    # Load balancers and Kubernetes endpoints notice NOT_SERVING during this delay
    # and stop routing new calls here while this server still serves them.
    await asyncio.sleep(settings.drain_seconds)
    log.info(
        "shutdown: ending watch streams", extra={"step": 3, "streams": running.feed.open_streams}
    )
    await _bounded(running.feed.close(), settings.shutdown_grace_seconds, "watch streams")
    if running.peers is not None:
        running.peers.close()
    log.info(
        "shutdown: stopping server",
        extra={"step": 4, "grace_seconds": settings.shutdown_grace_seconds},
    )
    stop_began = asyncio.get_running_loop().time()
    # grpc's stop() ends every call that has arrived but that the application
    # has not taken, and every call arriving while it runs, with a bare
    # CANCELLED (roster_user.lifecycle.hangup). So admission closes first (each
    # call taken from now on gets UNAVAILABLE), the handlers still running
    # finish, and the sockets are shut down, so that what is still on its way
    # ends UNAVAILABLE at the client: it did not run, retry elsewhere.
    running.admission.close()
    await _bounded(running.in_flight.wait_idle(), settings.shutdown_grace_seconds, "handlers")
    await asyncio.sleep(_FLUSH_SECONDS)
    hung_up = hangup.hang_up(running.port)
    log.info("shutdown: connections closed", extra={"step": 4, "sockets": hung_up})
    await running.server.stop(settings.shutdown_grace_seconds)
    # grpc.aio's stop() can return before cancelled handlers have unwound
    # (grpc/grpc#37239); their store work must finish before the store closes.
    log.info(
        "shutdown: waiting for handlers", extra={"step": 5, "running": running.in_flight.count}
    )
    # Bounded: a handler stuck on something that never completes must not keep
    # the process from exiting (the orchestrator would kill it less gracefully).
    await _bounded(running.in_flight.wait_idle(), settings.shutdown_grace_seconds, "handlers")
    for task in running.tasks:
        task.cancel()
    await asyncio.gather(*running.tasks, return_exceptions=True)
    log.info("shutdown: closing store", extra={"step": 6})
    await _bounded(running.store.close(), settings.shutdown_grace_seconds, "store close")
    # Telemetry gets what is left of the grace (at least a second), so that an
    # unreachable collector cannot push the exit past the pod's termination budget.
    spent = asyncio.get_running_loop().time() - stop_began
    budget = max(settings.shutdown_grace_seconds - spent, _MIN_FLUSH_SECONDS)
    log.info("shutdown: flushing telemetry", extra={"step": 7, "seconds": round(budget, 3)})
    for flush in running.flushers:
        try:
            async with asyncio.timeout(budget):
                await flush()
        except TimeoutError:
            log.warning("telemetry not flushed within the shutdown grace")
    log.info("shutdown: complete", extra={"step": 8})


async def _bounded(step: Awaitable[None], seconds: float, what: str) -> None:
    """Await a shutdown step for at most `seconds` (at least one), logging if it overran."""
    try:
        async with asyncio.timeout(max(seconds, _MIN_FLUSH_SECONDS)):
            await step
    except TimeoutError:
        log.error("shutdown step did not finish in time; continuing", extra={"what": what})
