"""Admission: the first thing a call meets, refusing it cheaply when it cannot be served in time.

Two refusals, both before authentication, decoding or a handler:
- overload: when ready work waits longer than `max_queue_seconds` for the event
  loop (roster_user.lifecycle.loop_lag), a new call would wait as long again
  behind it. Refusing it at once with RESOURCE_EXHAUSTED and a RetryInfo delay
  costs far less than serving it late, so the calls that are accepted keep
  close to their unloaded latency instead of every call slowing down.
- shutdown: once the drain closes admission, every new call gets UNAVAILABLE
  (it did not run; retry elsewhere) rather than whatever grpc does at stop().
Inside the metrics layer, so every refusal is counted in grpc_server_handled_total.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Any

from roster_user.api.errors import to_status
from roster_user.domain.errors import Reason, ResourceExhausted, Unavailable
from roster_user.pipeline.calls import Call, Context, abort, around

if TYPE_CHECKING:
    from roster_user.pipeline.calls import Handler

# RetryInfo's delay: about the backlog's own length, within these bounds.
_MIN_RETRY_SECONDS = 0.05
_MAX_RETRY_SECONDS = 2.0


def overloaded(queue_seconds: float) -> ResourceExhausted:
    """RESOURCE_EXHAUSTED for a call refused because work waits `queue_seconds` for the server."""
    delay = min(max(queue_seconds, _MIN_RETRY_SECONDS), _MAX_RETRY_SECONDS)
    return ResourceExhausted(
        "the server is overloaded; retry after the delay in RetryInfo",
        metadata={"queue_seconds": f"{queue_seconds:.3f}"},
        retry_delay=delay,
    )


class Admission:
    """Refuses new calls while the server is overloaded or shutting down."""

    def __init__(self, queue_seconds: Callable[[], float], *, max_queue_seconds: float) -> None:
        self._queue_seconds = queue_seconds
        self._max_queue_seconds = max_queue_seconds
        self._closed = False
        self._shutting_down = to_status(
            Unavailable(
                "the server is shutting down; the call did not run, retry on another replica",
                reason=Reason.SHUTTING_DOWN,
            )
        )

    def close(self) -> None:
        """Refuse every call from now on: the server is about to stop."""
        self._closed = True

    def wrap(self, method: str, handler: Handler) -> Handler:
        """The handler behind admission."""
        if handler.request_streaming:
            return handler
        return around(handler, self._admit)

    async def _admit(self, request: Any, context: Context) -> AsyncGenerator[Call, None]:
        if self._closed:
            await abort(context, self._shutting_down)
        waited = self._queue_seconds()
        if self._max_queue_seconds > 0 and waited > self._max_queue_seconds:
            await abort(context, to_status(overloaded(waited)))
        yield Call(request, context)
