"""The error boundary: decodes requests, maps errors to statuses and tracks handlers.

grpcio would otherwise send exception text to callers and answer undecodable
requests with INTERNAL; here every failure leaves as a documented status.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Any, NoReturn

import grpc
from google.protobuf.message import DecodeError
from opentelemetry import trace

from roster_user.api.errors import internal_status, to_status
from roster_user.domain.errors import DomainError, InvalidArgument, Reason
from roster_user.pipeline.calls import Call, Context, abort, around, replaced
from roster_user.pipeline.in_flight import InFlight

if TYPE_CHECKING:
    from roster_user.pipeline.calls import Body, Handler

log = logging.getLogger(__name__)


async def fail(context: Context, error: Exception, method: str) -> NoReturn:
    """Abort the call with the status for `error`; unexpected errors are only logged."""
    if isinstance(error, DomainError):
        await abort(context, to_status(error))
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
    await abort(context, internal_status(correlation_id))


def _undecodable() -> InvalidArgument:
    return InvalidArgument.of(
        "request", "is not a valid encoding of the request message", Reason.UNDECODABLE_REQUEST
    )


class ErrorBoundary:
    """Wraps each handler with decoding, error mapping and the count of running handlers."""

    def __init__(self, in_flight: InFlight) -> None:
        self._in_flight = in_flight

    def wrap(self, method: str, handler: Handler) -> Handler:
        """The handler taking raw bytes, so that decoding failures are ours to report."""
        if handler.request_streaming:
            return handler
        wrapped = around(handler, self._body(method, handler.request_deserializer))
        return replaced(wrapped, request_deserializer=None)

    def _body(self, method: str, decode: Callable[[bytes], Any] | None) -> Body:
        async def guarded(raw: bytes, context: Context) -> AsyncGenerator[Call, None]:
            self._in_flight.enter()
            try:
                yield Call(_decoded(decode, raw), context)
            except grpc.aio.AbortError:
                raise
            except Exception as error:
                await fail(context, error, method)
            finally:
                self._in_flight.leave()

        return guarded


def _decoded(decode: Callable[[bytes], Any] | None, raw: bytes) -> Any:
    if decode is None:
        return raw
    try:
        return decode(raw)
    except DecodeError:
        raise _undecodable() from None
