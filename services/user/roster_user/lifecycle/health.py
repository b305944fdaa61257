"""Probe semantics: readiness follows the store and shutdown; liveness follows the process."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from grpc_health.v1 import health, health_pb2

from roster_user.api.contract import USER_SERVICE, USER_SERVICE_V2
from roster_user.domain.errors import DomainError
from roster_user.store.base import UserStore

log = logging.getLogger(__name__)

LIVENESS = "liveness"
SERVICE = USER_SERVICE
SERVICE_V2 = USER_SERVICE_V2
# Both contract versions serve from the same store, so they are ready together.
READINESS = ("", SERVICE, SERVICE_V2)
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class HealthServicer(health.aio.HealthServicer):
    """The official aio servicer plus Health.List, which grpcio-health-checking lacks."""

    def __init__(self) -> None:
        super().__init__()
        self._statuses: dict[str, Any] = {}

    async def set(self, service: str, status: Any) -> None:
        """Record the status for List, then publish it to Check and Watch."""
        self._statuses[service] = status
        await super().set(service, status)

    # Typed loosely: the grpcio-health-checking stubs predate Health.List.
    async def List(self, request: Any, context: object) -> Any:
        """Every registered service with its current status."""
        return health_pb2.HealthListResponse(  # type: ignore[attr-defined]
            statuses={
                name: health_pb2.HealthCheckResponse(status=status)
                for name, status in self._statuses.items()
            }
        )


class Probes:
    """Owns the health statuses; readiness turns SERVING only while the store answers."""

    def __init__(
        self, servicer: health.aio.HealthServicer, store: UserStore, interval_s: float
    ) -> None:
        self.servicer = servicer
        self._store = store
        self._interval_s = interval_s
        self._ready: bool | None = None
        self._draining = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Liveness SERVING now; readiness per store check, re-checked periodically."""
        await self.servicer.set(LIVENESS, SERVING)
        await self._set_ready(False)
        await self._check_once()
        self._task = asyncio.create_task(self._watch_store(), name="store-health")

    async def begin_shutdown(self) -> None:
        """Readiness NOT_SERVING for good; liveness stays SERVING until exit."""
        self._draining = True
        if self._task is not None:
            self._task.cancel()
            # Bounded: a store check stuck in its driver must not hold up the drain.
            await asyncio.wait([self._task], timeout=max(self._interval_s, 1.0))
        await self._set_ready(False)

    async def _set_ready(self, ready: bool) -> None:
        if ready == self._ready:
            return
        if self._ready is not None:
            level = logging.INFO if ready else logging.WARNING
            log.log(level, "readiness changed", extra={"ready": ready})
        self._ready = ready
        for name in READINESS:
            await self.servicer.set(name, SERVING if ready else NOT_SERVING)

    async def _check_once(self) -> None:
        try:
            # Not wait_for, which can swallow the cancellation begin_shutdown sends.
            async with asyncio.timeout(max(self._interval_s, 1.0)):
                await self._store.check()
        except (DomainError, TimeoutError):
            ready = False
        else:
            ready = True
        if not self._draining:
            await self._set_ready(ready)

    async def _watch_store(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            await self._check_once()
