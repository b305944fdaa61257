"""The authentication layer: admits each call the security package verifies, refuses the rest.

Outside the error boundary (inside tracing and metrics, which count refusals),
so a refused call never reaches the boundary or a handler.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any

import grpc
from opentelemetry import trace

from roster_user.api.errors import to_status
from roster_user.domain.errors import DomainError
from roster_user.pipeline.calls import Call, Context, abort, around
from roster_user.pipeline.errors import PermissionDenied, Unauthenticated
from roster_user.security.authenticator import Authenticator, Denied
from roster_user.security.principal import SCOPES, SUBJECT, Principal
from roster_user.security.scopes import is_open
from roster_user.security.tokens import Refused

if TYPE_CHECKING:
    from roster_user.pipeline.calls import Body, Handler

log = logging.getLogger(__name__)
EXPIRED = "the bearer token expired during the call; resume with a fresh token"


class Authentication:
    """Admits a call only with a valid bearer token carrying the scope its method needs."""

    def __init__(self, authenticator: Authenticator) -> None:
        self._authenticator = authenticator

    def wrap(self, method: str, handler: Handler) -> Handler:
        """The handler admitting only authorised callers."""
        if handler.request_streaming:
            # Client streaming would need the refusal before the first read; there is none.
            raise ValueError(f"authentication does not support client-streaming {method}")
        body = self._stream if handler.response_streaming else self._unary
        return around(handler, body(method))

    def refuse_unknown(self, details: grpc.HandlerCallDetails) -> Handler | None:
        """For a method no service has: a refusal unless the service is open.

        An unauthenticated caller learns nothing about which methods exist, and
        an authenticated one is denied (no scope allows a method that is not there).
        """
        if is_open(details.method):
            return None
        try:
            self._authenticator.admit(details.method, details.invocation_metadata)
        except (Refused, Denied) as refusal:
            return _refusal(_error(refusal))
        return None

    async def _admit(self, method: str, context: Context) -> Principal:
        try:
            return self._authenticator.admit(method, context.invocation_metadata())
        except (Refused, Denied) as refusal:
            await abort(context, to_status(_error(refusal)))

    def _unary(self, method: str) -> Body:
        async def admitted(request: Any, context: Context) -> AsyncGenerator[Call, None]:
            principal = await self._admit(method, context)
            token = SUBJECT.set(principal.subject)
            scopes = SCOPES.set(principal.scopes)
            _on_span(principal)
            try:
                yield Call(request, context)
            finally:
                SCOPES.reset(scopes)
                SUBJECT.reset(token)

        return admitted

    def _stream(self, method: str) -> Body:
        async def admitted(request: Any, context: Context) -> AsyncGenerator[Call, None]:
            principal = await self._admit(method, context)
            # grpc.aio serves each call in a task of its own: the value ends with the call.
            SUBJECT.set(principal.subject)
            SCOPES.set(principal.scopes)
            _on_span(principal)
            ends = self._authenticator.expiry(principal)

            def until_expiry(responses: AsyncIterator[Any]) -> AsyncIterator[Any]:
                return _until(responses, context, principal.subject, ends)

            yield Call(request, context, until_expiry)

        return admitted


def _error(refusal: Refused | Denied) -> DomainError:
    """The status-bearing error that tells the caller why it was refused."""
    if isinstance(refusal, Refused):
        return Unauthenticated(refusal.message)
    if refusal.scope is None:
        return PermissionDenied("this method is not available to any caller")
    return PermissionDenied(
        f"the token lacks the scope {refusal.scope}", metadata={"required_scope": refusal.scope}
    )


def _on_span(principal: Principal) -> None:
    # The server span (when tracing is on) is current here: the span layer
    # wraps this one. OpenTelemetry's name for the caller.
    trace.get_current_span().set_attribute("enduser.id", principal.subject)


def _refusal(error: DomainError) -> Handler:
    """A handler that ends the call with `error` at once (streaming both ways: it never reads)."""

    async def refuse(request: Any, context: Context) -> None:
        await abort(context, to_status(error))

    return grpc.stream_stream_rpc_method_handler(refuse)


async def _until(
    responses: AsyncIterator[Any], context: Context, subject: str, ends: float
) -> AsyncIterator[Any]:
    """The responses, ending UNAUTHENTICATED once the token expires (epoch seconds `ends`)."""
    stream = aiter(responses)
    while True:
        # The timeout covers waiting for the next message only, never the
        # yield, so it cannot cancel grpc while it writes to the caller.
        expiry = asyncio.timeout(max(ends - time.time(), 0.0))
        try:
            async with expiry:
                message = await anext(stream)
        except StopAsyncIteration:
            return
        except TimeoutError:
            if not expiry.expired():
                raise
            log.info("stream ended: token expired", extra={"subject": subject})
            await abort(context, to_status(Unauthenticated(EXPIRED)))
        yield message
