"""Per-call limits: a ceiling on unary call time and a per-subject cap on watch streams.

Installed inside the error boundary, so what it raises is reported like any domain error.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from roster_user.domain.errors import ResourceExhausted
from roster_user.pipeline.errors import DeadlineExceeded
from roster_user.security.principal import SUBJECT

Context = grpc.aio.ServicerContext[Any, Any]


class CallLimits:
    """Bounds every unary call of `services` in time and every subject's open streams."""

    def __init__(
        self, services: frozenset[str], *, max_call_seconds: float, max_streams_per_subject: int
    ) -> None:
        self._prefixes = tuple(f"/{name}/" for name in services)
        self._max_seconds = max_call_seconds
        self._max_streams = max_streams_per_subject
        self._streams: collections.Counter[str] = collections.Counter()

    def streams_of(self, subject: str) -> int:
        """How many streams `subject` has open."""
        return self._streams[subject]

    def wrap(self, method: str, handler: Any) -> Any:
        """The limited handler for our services' methods, the original for others."""
        if not method.startswith(self._prefixes):
            return handler
        if handler.unary_unary is not None and self._max_seconds > 0:
            return handler._replace(unary_unary=self._bounded(handler.unary_unary))
        if handler.unary_stream is not None:
            return handler._replace(unary_stream=self._counted(handler.unary_stream))
        return handler

    def _bounded(
        self, behavior: Callable[[Any, Context], Awaitable[Any]]
    ) -> Callable[[Any, Context], Awaitable[Any]]:
        async def run(request: Any, context: Context) -> Any:
            remaining = context.time_remaining()
            if remaining is not None and remaining <= self._max_seconds:
                return await behavior(request, context)  # the caller's deadline is stricter
            ceiling = asyncio.timeout(self._max_seconds)
            try:
                async with ceiling:
                    return await behavior(request, context)
            except TimeoutError:
                if not ceiling.expired():
                    raise
                raise DeadlineExceeded(
                    "the call took longer than the server allows for one call",
                    metadata={"max_seconds": f"{self._max_seconds:g}"},
                ) from None

        return run

    def _counted(
        self, behavior: Callable[[Any, Context], AsyncIterator[Any]]
    ) -> Callable[[Any, Context], AsyncIterator[Any]]:
        async def run(request: Any, context: Context) -> AsyncIterator[Any]:
            subject = SUBJECT.get()
            if subject is None:  # auth is off: only the feed's global cap applies
                async for message in behavior(request, context):
                    yield message
                return
            if self._streams[subject] >= self._max_streams:
                raise ResourceExhausted("this caller has too many open watch streams")
            self._streams[subject] += 1
            try:
                async for message in behavior(request, context):
                    yield message
            finally:
                self._streams[subject] -= 1
                if not self._streams[subject]:
                    del self._streams[subject]

        return run
