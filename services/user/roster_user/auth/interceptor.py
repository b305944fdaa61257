"""The authentication interceptor: verifies the caller, checks the method's scope, names the caller.

It runs outside the error boundary (inside tracing and metrics, which count refusals),
so a refused call never reaches the boundary or a handler.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import grpc
from opentelemetry import trace

from roster_user.api.errors import to_status
from roster_user.auth.jwks import KeySet, KeySetError
from roster_user.auth.principal import SUBJECT, Principal
from roster_user.auth.scopes import is_open, required_scope
from roster_user.auth.tokens import Refused, TokenVerifier
from roster_user.config import Settings
from roster_user.domain.errors import DomainError, PermissionDenied, Unauthenticated

log = logging.getLogger(__name__)
Context = grpc.aio.ServicerContext[Any, Any]
EXPIRED = "the bearer token expired during the call; resume with a fresh token"


class Authenticator(grpc.aio.ServerInterceptor):
    """Admits a call only with a valid bearer token carrying the scope its method needs."""

    def __init__(self, verifier: TokenVerifier, *, leeway_seconds: float) -> None:
        self._verifier = verifier
        self._leeway = leeway_seconds

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Any]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Any:
        """The next handler for admitted calls and open services; a refusal otherwise."""
        method = handler_call_details.method
        # Looking the handler up runs no handler; it gives a refusal the method's
        # shape, so metrics label refused calls like the others.
        handler = await continuation(handler_call_details)
        if is_open(method):
            return handler
        metadata = handler_call_details.invocation_metadata
        try:
            principal = self._verifier.verify(_authorization(metadata))
        except Refused as refused:
            log.info("call refused", extra={"grpc_method": method, "cause": refused.cause})
            return _refusal(Unauthenticated(refused.message), handler)
        scope = required_scope(method)
        if handler is None or scope is None or scope not in principal.scopes:
            who = {"grpc_method": method, "subject": principal.subject, "required_scope": scope}
            log.info("call denied", extra=who)
            return _refusal(_denied(scope), handler)
        return self._bind(handler, principal)

    def _bind(self, handler: Any, principal: Principal) -> Any:
        """The handler running with the caller's subject set, and streams cut at token expiry."""
        if handler.unary_unary is not None:
            return handler._replace(unary_unary=_as_subject(handler.unary_unary, principal))
        if handler.unary_stream is not None:
            ends = principal.expires_at + self._leeway
            return handler._replace(unary_stream=_until(handler.unary_stream, principal, ends))
        return handler  # this service has no client-streaming methods


def _authorization(metadata: Iterable[tuple[str, str | bytes]] | None) -> str | None:
    values = [value for key, value in metadata or () if key == "authorization"]
    if len(values) != 1 or not isinstance(values[0], str):
        # Zero or several: an ambiguous credential is no credential.
        return None
    return values[0]


def _denied(scope: str | None) -> PermissionDenied:
    if scope is None:
        return PermissionDenied("this method is not available to any caller")
    return PermissionDenied(
        f"the token lacks the scope {scope}", metadata={"required_scope": scope}
    )


def _on_span(principal: Principal) -> None:
    # The server span (when tracing is on) is current here: the tracing
    # interceptor wraps this one. OpenTelemetry's name for the caller.
    trace.get_current_span().set_attribute("enduser.id", principal.subject)


def _refusal(error: DomainError, handler: Any) -> grpc.RpcMethodHandler[Any, Any]:
    """A handler of the same shape as `handler` that ends the call with `error` at once."""
    status = to_status(error)

    async def refuse(request: Any, context: Context) -> None:
        await context.abort(status.code, status.details, status.trailing_metadata)

    if handler is None:  # no such method: streaming both ways never waits for a request
        return grpc.stream_stream_rpc_method_handler(refuse)
    make = {
        (False, False): grpc.unary_unary_rpc_method_handler,
        (False, True): grpc.unary_stream_rpc_method_handler,
        (True, False): grpc.stream_unary_rpc_method_handler,
        (True, True): grpc.stream_stream_rpc_method_handler,
    }[(handler.request_streaming, handler.response_streaming)]
    return make(
        refuse,
        request_deserializer=handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )


def _as_subject(
    behavior: Callable[[Any, Context], Awaitable[Any]], principal: Principal
) -> Callable[[Any, Context], Awaitable[Any]]:
    async def run(request: Any, context: Context) -> Any:
        token = SUBJECT.set(principal.subject)
        _on_span(principal)
        try:
            return await behavior(request, context)
        finally:
            SUBJECT.reset(token)

    return run


def _until(
    behavior: Callable[[Any, Context], AsyncIterator[Any]], principal: Principal, ends: float
) -> Callable[[Any, Context], AsyncIterator[Any]]:
    """A stream that ends UNAUTHENTICATED once its token expires (epoch seconds `ends`)."""

    async def run(request: Any, context: Context) -> AsyncIterator[Any]:
        # grpc.aio serves each call in a task of its own: the value ends with the call.
        SUBJECT.set(principal.subject)
        _on_span(principal)
        stream = aiter(behavior(request, context))
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
                log.info("stream ended: token expired", extra={"subject": principal.subject})
                status = to_status(Unauthenticated(EXPIRED))
                await context.abort(status.code, status.details, status.trailing_metadata)
            yield message

    return run


def authenticator(settings: Settings) -> Authenticator | None:
    """The interceptor the settings ask for; None when auth is off (no JWKS file)."""
    if not settings.auth_jwks_file:
        return None
    try:
        keys = KeySet(Path(settings.auth_jwks_file))
    except KeySetError as error:
        # RuntimeError: serve() reports it as a failed start, naming the variable.
        raise RuntimeError(f"invalid ROSTER_AUTH_JWKS_FILE: {error}") from None
    verifier = TokenVerifier(
        keys,
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        algorithms=settings.auth_algorithms,
        leeway_seconds=settings.auth_leeway_seconds,
    )
    return Authenticator(verifier, leeway_seconds=settings.auth_leeway_seconds)
