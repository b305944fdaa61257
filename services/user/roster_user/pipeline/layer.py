"""The call pipeline: every method's handler wrapped once, at startup, by each layer.

grpc.aio interceptors run per call: each one awaits the next to look the
handler up and then builds a fresh wrapped handler around it, so four of them
cost a measurable share of a GetUser (bench/README.md). Here the services
register into a `Registry` instead of the server; each layer wraps each method's
handler once; the server gets the finished handlers and no interceptors.

Each layer comes with a selector naming the methods it wraps (as go-kratos'
`Use(selector, middleware...)` pairs them), so layers do not pick methods themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

import grpc

if TYPE_CHECKING:
    from roster_user.pipeline.calls import Handler

# Whether a layer wraps a method, given its full path (/package.Service/Method).
Selector = Callable[[str], bool]


class Layer(Protocol):
    """Wraps one method's handler in a concern (tracing, metrics, auth, errors, limits)."""

    def wrap(self, method: str, handler: Handler) -> Handler:
        """The handler for `method` (/package.Service/Method) with this layer around it."""
        ...


@dataclasses.dataclass(frozen=True, slots=True)
class Use:
    """A layer and the methods it wraps."""

    selects: Selector
    layer: Layer


def every_method(method: str) -> bool:
    """Selects every method, registered or not."""
    return True


def methods_of(*services: str) -> Selector:
    """Selects the methods of the named services."""
    prefixes = tuple(f"/{service}/" for service in services)
    return lambda method: method.startswith(prefixes)


def except_services(*prefixes: str) -> Selector:
    """Selects every method except those of services whose names start with a prefix."""
    starts = tuple(f"/{prefix}" for prefix in prefixes)
    return lambda method: not method.startswith(starts)


def unless(selector: Selector) -> Selector:
    """Selects the methods `selector` does not."""
    return lambda method: not selector(method)


class Registry:
    """Stands in for the server while services register, keeping their handlers by method.

    Generated `add_*Servicer_to_server` functions register every method by name
    (add_registered_method_handlers) as well as through a generic handler; the
    named handlers are what the pipeline wraps, so the generic ones are not kept.
    """

    def __init__(self) -> None:
        self.services: dict[str, dict[str, Handler]] = {}

    def add_registered_method_handlers(self, service: str, handlers: Mapping[str, Handler]) -> None:
        """Keep a service's handlers, by method name."""
        self.services.setdefault(service, {}).update(handlers)

    def add_generic_rpc_handlers(self, generic_handlers: Iterable[object]) -> None:
        """Ignored: the same methods arrive through add_registered_method_handlers."""

    def pass_through(self, service: str, methods: Iterable[str]) -> None:
        """Those methods answer with their response already encoded: send the bytes as they are.

        grpc.aio writes a response returned by a handler without a serializer
        unchanged, so a handler that assembles cached encodings (api/encodings.py)
        skips building a message. The layers never read a response, so they
        wrap these handlers as they wrap any other.
        """
        handlers = self.services[service]
        for name in methods:
            handlers[name] = cast(Any, handlers[name])._replace(response_serializer=None)


class _Unknown(grpc.GenericRpcHandler):
    """Answers calls to methods no service registered (UNIMPLEMENTED unless a layer refuses)."""

    def __init__(self, refuse: Callable[[grpc.HandlerCallDetails], Handler | None]) -> None:
        self._refuse = refuse

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> Handler | None:
        """A refusal from the layer, or None for grpc's own UNIMPLEMENTED."""
        return self._refuse(handler_call_details)


def install(
    server: grpc.aio.Server,
    registry: Registry,
    layers: Sequence[Use],
    refuse_unknown: Callable[[grpc.HandlerCallDetails], Handler | None] | None = None,
) -> None:
    """Register every collected method on `server`, wrapped by `layers` (outermost first)."""
    for service, handlers in registry.services.items():
        wrapped = {}
        for name, handler in handlers.items():
            method = f"/{service}/{name}"
            for use in reversed(layers):
                if use.selects(method):
                    handler = use.layer.wrap(method, handler)
            wrapped[name] = handler
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service, wrapped),))
        server.add_registered_method_handlers(service, wrapped)
    if refuse_unknown is not None:
        server.add_generic_rpc_handlers((_Unknown(refuse_unknown),))
