"""Authentication: verifies the caller, checks the method's scope, names the caller.

A pipeline layer outside the error boundary (inside tracing and metrics, which
count refusals), so a refused call never reaches the boundary or a handler.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

import grpc
from opentelemetry import trace

from roster_user.api.errors import to_status
from roster_user.config import Settings
from roster_user.domain.errors import DomainError, PermissionDenied, Unauthenticated
from roster_user.security.jwks import KeySet, KeySetError
from roster_user.security.principal import SCOPES, SUBJECT, Principal
from roster_user.security.scopes import is_open, required_scope
from roster_user.security.tokens import Refused, TokenVerifier

log = logging.getLogger(__name__)
Context = grpc.aio.ServicerContext[Any, Any]
EXPIRED = "the bearer token expired during the call; resume with a fresh token"


class Authenticator:
    """Admits a call only with a valid bearer token carrying the scope its method needs."""

    def __init__(self, verifier: TokenVerifier, *, leeway_seconds: float) -> None:
        self._verifier = verifier
        self._leeway = leeway_seconds

    def admit(self, method: str, metadata: Iterable[tuple[str, str | bytes]] | None) -> Principal:
        """The caller, if its token is valid and carries the scope `method` needs."""
        try:
            principal = self._verifier.verify(_authorization(metadata))
        except Refused as refused:
            log.info("call refused", extra={"grpc_method": method, "cause": refused.cause})
            raise Unauthenticated(refused.message) from None
        scope = required_scope(method)
        if scope is None or scope not in principal.scopes:
            who = {"grpc_method": method, "subject": principal.subject, "required_scope": scope}
            log.info("call denied", extra=who)
            raise _denied(scope)
        return principal

    def wrap(self, method: str, handler: Any) -> Any:
        """The handler admitting only authorised callers; open services pass unchanged."""
        if is_open(method):
            return handler
        if handler.unary_unary is not None:
            return handler._replace(unary_unary=self._unary(method, handler.unary_unary))
        if handler.unary_stream is not None:
            return handler._replace(unary_stream=self._stream(method, handler.unary_stream))
        # Client streaming would need the refusal before the first read; there is none.
        raise ValueError(f"authentication does not support client-streaming {method}")

    def refuse_unknown(self, details: grpc.HandlerCallDetails) -> Any:
        """For a method no service has: a refusal unless the service is open.

        An unauthenticated caller learns nothing about which methods exist, and
        an authenticated one is denied (no scope allows a method that is not there).
        """
        if is_open(details.method):
            return None
        try:
            self.admit(details.method, details.invocation_metadata)
        except DomainError as error:
            return _refusal(error)
        return None

    def _unary(
        self, method: str, behavior: Callable[[Any, Context], Awaitable[Any]]
    ) -> Callable[[Any, Context], Awaitable[Any]]:
        async def run(request: Any, context: Context) -> Any:
            try:
                principal = self.admit(method, context.invocation_metadata())
            except DomainError as error:
                await _abort(context, error)
            token = SUBJECT.set(principal.subject)
            scopes = SCOPES.set(principal.scopes)
            _on_span(principal)
            try:
                return await behavior(request, context)
            finally:
                SCOPES.reset(scopes)
                SUBJECT.reset(token)

        return run

    def _stream(
        self, method: str, behavior: Callable[[Any, Context], AsyncIterator[Any]]
    ) -> Callable[[Any, Context], AsyncIterator[Any]]:
        async def run(request: Any, context: Context) -> AsyncIterator[Any]:
            try:
                principal = self.admit(method, context.invocation_metadata())
            except DomainError as error:
                await _abort(context, error)
            ends = principal.expires_at + self._leeway
            async for message in _until(behavior, principal, ends)(request, context):
                yield message

        return run


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
    # The server span (when tracing is on) is current here: the span layer
    # wraps this one. OpenTelemetry's name for the caller.
    trace.get_current_span().set_attribute("enduser.id", principal.subject)


async def _abort(context: Context, error: DomainError) -> NoReturn:
    status = to_status(error)
    await context.abort(status.code, status.details, status.trailing_metadata)
    raise AssertionError("abort returned")  # pragma: no cover


def _refusal(error: DomainError) -> grpc.RpcMethodHandler[Any, Any]:
    """A handler that ends the call with `error` at once (streaming both ways: it never reads)."""

    async def refuse(request: Any, context: Context) -> None:
        await _abort(context, error)

    return grpc.stream_stream_rpc_method_handler(refuse)


def _until(
    behavior: Callable[[Any, Context], AsyncIterator[Any]], principal: Principal, ends: float
) -> Callable[[Any, Context], AsyncIterator[Any]]:
    """A stream that ends UNAUTHENTICATED once its token expires (epoch seconds `ends`)."""

    async def run(request: Any, context: Context) -> AsyncIterator[Any]:
        # grpc.aio serves each call in a task of its own: the value ends with the call.
        SUBJECT.set(principal.subject)
        SCOPES.set(principal.scopes)
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
    """The layer the settings ask for; None when auth is off (no JWKS file)."""
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
