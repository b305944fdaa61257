"""Per-call limits: a cap on concurrent unary calls, a ceiling on their time, a per-subject cap on streams.

Installed inside the error boundary, so what it raises is reported like any domain error.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from roster_user.domain.errors import ResourceExhausted
from roster_user.pipeline.calls import Call, Context, around
from roster_user.pipeline.errors import DeadlineExceeded
from roster_user.security.principal import SUBJECT

if TYPE_CHECKING:
    from roster_user.pipeline.calls import Handler

# What RetryInfo suggests to a call refused at the concurrency cap: about a few calls' time.
_RETRY_SECONDS = 0.1


class CallLimits:
    """Bounds unary calls in number and time, and every subject's open streams."""

    def __init__(
        self, *, max_concurrent_unary: int, max_call_seconds: float, max_streams_per_subject: int
    ) -> None:
        self._max_unary = max_concurrent_unary
        self._unary = 0
        self._max_seconds = max_call_seconds
        self._max_streams = max_streams_per_subject
        self._streams: collections.Counter[str] = collections.Counter()

    def streams_of(self, subject: str) -> int:
        """How many streams `subject` has open."""
        return self._streams[subject]

    def wrap(self, method: str, handler: Handler) -> Handler:
        """The handler within the limits for its kind of call."""
        if handler.request_streaming:
            return handler
        return around(handler, self._stream if handler.response_streaming else self._unary_call)

    async def _unary_call(self, request: Any, context: Context) -> AsyncGenerator[Call, None]:
        self._unary += 1
        try:
            if self._unary > self._max_unary:
                raise ResourceExhausted(
                    "too many concurrent calls; retry after the delay in RetryInfo",
                    retry_delay=_RETRY_SECONDS,
                )
            remaining = context.time_remaining()
            if self._max_seconds <= 0 or (remaining is not None and remaining <= self._max_seconds):
                yield Call(request, context)  # no ceiling, or the caller's deadline is stricter
                return
            ceiling = asyncio.timeout(self._max_seconds)
            try:
                async with ceiling:
                    yield Call(request, context)
            except TimeoutError:
                if not ceiling.expired():
                    raise
                raise DeadlineExceeded(
                    "the call took longer than the server allows for one call",
                    metadata={"max_seconds": f"{self._max_seconds:g}"},
                ) from None
        finally:
            self._unary -= 1

    async def _stream(self, request: Any, context: Context) -> AsyncGenerator[Call, None]:
        subject = SUBJECT.get()
        if subject is None:  # auth is off: only the feed's global cap applies
            yield Call(request, context)
            return
        if self._streams[subject] >= self._max_streams:
            raise ResourceExhausted("this caller has too many open watch streams")
        self._streams[subject] += 1
        try:
            yield Call(request, context)
        finally:
            self._streams[subject] -= 1
            if not self._streams[subject]:
                del self._streams[subject]
