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
from roster_user.security.principal import SCOPES, SUBJECT, Principal, loggable
from roster_user.security.scopes import is_open
from roster_user.security.tokens import Refused

if TYPE_CHECKING:
    from roster_user.pipeline.calls import Body, Handler

log = logging.getLogger(__name__)
EXPIRED = "the bearer token expired during the call; resume with a fresh token"
REVOKED = "the key that signed the bearer token is no longer trusted; resume with a fresh token"


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
            trust = _Trust(self._authenticator, principal)

            def while_trusted(responses: AsyncIterator[Any]) -> AsyncIterator[Any]:
                return _while_trusted(responses, context, trust)

            yield Call(request, context, while_trusted)

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


class _Trust:
    """Whether a stream's token still holds: not expired, its signing key still in the set."""

    def __init__(self, authenticator: Authenticator, principal: Principal) -> None:
        self._authenticator = authenticator
        self.principal = principal
        self.ends = authenticator.expiry(principal)
        self.period = authenticator.keys.reload_seconds

    def broken(self) -> str | None:
        """Why the stream must end now (a message for the caller), or None."""
        if time.time() >= self.ends:
            return EXPIRED
        if not self._authenticator.still_trusted(self.principal):
            return REVOKED
        return None

    def next_check(self) -> float:
        """Seconds until the expiry or the next look at the key set, whichever is first."""
        return max(min(self.ends - time.time(), self.period), 0.0)


async def _while_trusted(
    responses: AsyncIterator[Any], context: Context, trust: _Trust
) -> AsyncIterator[Any]:
    """The responses, ending UNAUTHENTICATED once the token expires or its key is removed.

    The next message is awaited in a task of its own and only waited for with a
    timeout, never cancelled by it: cancelling the producer would end it, and a
    timeout around the yield could cancel grpc while it writes to the caller.
    """
    stream = aiter(responses)
    pending: asyncio.Future[Any] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(stream))
            done, _ = await asyncio.wait({pending}, timeout=trust.next_check())
            if not done:
                await _end_if_broken(context, trust)
                continue
            finished, pending = pending, None
            try:
                message = finished.result()
            except StopAsyncIteration:
                return
            yield message
    finally:
        if pending is not None:
            pending.cancel()


async def _end_if_broken(context: Context, trust: _Trust) -> None:
    why = trust.broken()
    if why is None:
        return
    cause = "token expired" if why is EXPIRED else "signing key no longer trusted"
    log.info("stream ended: %s", cause, extra={"subject": loggable(trust.principal.subject)})
    await abort(context, to_status(Unauthenticated(why)))
