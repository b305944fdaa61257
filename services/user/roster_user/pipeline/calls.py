"""One call as a layer sees it: the body a layer runs around it, and how a call is aborted.

A layer writes what it does around one call once, as an async context manager
(a `Body`); `around` turns it into the handler for whichever kind the method is,
unary or streaming, so the dispatch between grpc's four handler kinds lives here only.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, cast

import grpc

if TYPE_CHECKING:  # generic only in the type stubs
    Handler = grpc.RpcMethodHandler[Any, Any]

Context = grpc.aio.ServicerContext[Any, Any]
Messages = Callable[[AsyncIterator[Any]], AsyncIterator[Any]]
Behavior = Callable[[Any, Context], Any]


class Call(NamedTuple):
    """What the next layer gets: the request, the context, and a filter for streamed responses."""

    request: Any
    context: Context
    each: Messages | None = None  # applied to the responses a streaming handler yields


# Entered before the next layer runs and left when it has finished (raising
# what it raised), for a unary call and a whole stream alike.
Body = Callable[[Any, Context], AbstractAsyncContextManager[Call]]

_BEHAVIORS = ("unary_unary", "unary_stream", "stream_unary", "stream_stream")


def around(handler: Handler, body: Body) -> Handler:
    """`handler` with `body` around each of its calls, whatever kind of method it serves."""
    field = next(name for name in _BEHAVIORS if getattr(handler, name) is not None)
    behavior = getattr(handler, field)
    if not handler.response_streaming:
        run: Behavior = _unary(body, behavior)
    elif inspect.isasyncgenfunction(behavior):
        run = _yielding(body, behavior)
    else:
        run = _writing(body, behavior)  # a stream sent with context.write (grpc's health Watch)
    return replaced(handler, **{field: run})


def replaced(handler: Handler, **fields: object) -> Handler:
    """`handler` with `fields` replaced (grpc's handlers are named tuples; its stubs omit it)."""
    updated: Handler = cast(Any, handler)._replace(**fields)
    return updated


def _unary(body: Body, behavior: Callable[[Any, Context], Awaitable[Any]]) -> Behavior:
    async def run(request: Any, context: Context) -> Any:
        async with body(request, context) as call:
            return await behavior(call.request, call.context)

    return run


def _yielding(body: Body, behavior: Callable[[Any, Context], AsyncIterator[Any]]) -> Behavior:
    async def run(request: Any, context: Context) -> AsyncIterator[Any]:
        async with body(request, context) as call:
            responses = behavior(call.request, call.context)
            if call.each is not None:
                responses = call.each(responses)
            async for response in responses:
                yield response

    return run


def _writing(body: Body, behavior: Callable[[Any, Context], Awaitable[None]]) -> Behavior:
    async def run(request: Any, context: Context) -> None:
        async with body(request, context) as call:
            await behavior(call.request, call.context)

    return run


async def abort(context: Context, status: grpc.Status) -> NoReturn:
    """End the call with `status`; grpc's abort raises, so this never returns."""
    await context.abort(status.code, status.details, status.trailing_metadata)
    raise AssertionError("abort returned")  # pragma: no cover
