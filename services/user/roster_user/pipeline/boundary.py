"""The error boundary: decodes requests, maps errors to statuses and tracks handlers.

grpcio would otherwise send exception text to callers and answer undecodable
requests with INTERNAL; here every failure leaves as a documented status.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, NoReturn

import grpc
from google.protobuf.message import DecodeError
from opentelemetry import trace

from roster_user.api.errors import internal_status, to_status
from roster_user.domain.errors import DomainError, InvalidArgument, Reason, ResourceExhausted

log = logging.getLogger(__name__)


class InFlight:
    """Counts running handlers so shutdown can wait until every one has really finished."""

    def __init__(self) -> None:
        self.count = 0
        self.started = 0  # handlers ever started: proves a refused call never reached one
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        """A handler started."""
        self.count += 1
        self.started += 1
        self._idle.clear()

    def leave(self) -> None:
        """A handler finished, however it ended."""
        self.count -= 1
        if self.count == 0:
            self._idle.set()

    async def wait_idle(self) -> None:
        """Return once no handler is running."""
        await self._idle.wait()


async def fail(
    context: grpc.aio.ServicerContext[Any, Any], error: Exception, method: str
) -> NoReturn:
    """Abort the call with the status for `error`; unexpected errors are only logged."""
    if isinstance(error, DomainError):
        status = to_status(error)
    else:
        correlation_id = uuid.uuid4().hex[:16]
        log.error(
            "unhandled error in %s",
            method,
            exc_info=error,
            extra={"correlation_id": correlation_id, "grpc_method": method},
        )
        # The detail goes to the trace as well as the log; the caller gets only the id.
        span = trace.get_current_span()
        span.record_exception(error)
        span.set_attribute("roster.correlation_id", correlation_id)
        status = internal_status(correlation_id)
    await context.abort(status.code, status.details, status.trailing_metadata)
    raise AssertionError("abort returned")  # pragma: no cover


def _undecodable() -> InvalidArgument:
    return InvalidArgument.of(
        "request", "is not a valid encoding of the request message", Reason.UNDECODABLE_REQUEST
    )


class ErrorBoundary:
    """Wraps every handler of the given services with decoding, limits and error mapping."""

    def __init__(
        self, services: frozenset[str], in_flight: InFlight, max_concurrent_unary: int
    ) -> None:
        self._prefixes = tuple(f"/{name}/" for name in services)
        self._in_flight = in_flight
        self._max_unary = max_concurrent_unary
        self._unary = 0

    # Typed loosely: the wrapper turns the request type into raw bytes.
    def wrap(self, method: str, handler: Any) -> Any:
        """The wrapped handler for our services' methods, the original for others."""
        if not method.startswith(self._prefixes):
            return handler
        # The wrapped handlers take raw bytes so that decoding failures are ours to report.
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                self._unary_unary(handler, method), response_serializer=handler.response_serializer
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                self._unary_stream(handler, method), response_serializer=handler.response_serializer
            )
        return handler

    def _decode(self, handler: Any, raw: bytes) -> Any:
        try:
            return handler.request_deserializer(raw)
        except DecodeError:
            raise _undecodable() from None

    def _unary_unary(
        self, handler: Any, method: str
    ) -> Callable[[bytes, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]:
        behavior = handler.unary_unary

        async def run(raw: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            self._in_flight.enter()
            self._unary += 1
            try:
                if self._unary > self._max_unary:
                    raise ResourceExhausted("too many concurrent calls; retry with backoff")
                response = await behavior(self._decode(handler, raw), context)
                return response
            except grpc.aio.AbortError:
                raise
            except Exception as error:
                await fail(context, error, method)
            finally:
                self._unary -= 1
                self._in_flight.leave()

        return run

    def _unary_stream(
        self, handler: Any, method: str
    ) -> Callable[[bytes, grpc.aio.ServicerContext[Any, Any]], AsyncIterator[Any]]:
        behavior = handler.unary_stream

        async def run(
            raw: bytes, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            self._in_flight.enter()
            try:
                async for response in behavior(self._decode(handler, raw), context):
                    yield response
            except grpc.aio.AbortError:
                raise
            except Exception as error:
                await fail(context, error, method)
            finally:
                self._in_flight.leave()

        return run
