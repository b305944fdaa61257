"""Client spans: OpenTelemetry interceptors that also send W3C trace context to the server."""

from __future__ import annotations

import grpc
from opentelemetry import trace
from opentelemetry.instrumentation.grpc import aio_client_interceptors


def tracing_interceptors(
    tracer_provider: trace.TracerProvider | None = None,
) -> list[grpc.aio.ClientInterceptor]:
    """One client span per call from `tracer_provider` (default: the global one)."""
    # The instrumentation package is untyped; these are its four aio client interceptors.
    interceptors: list[grpc.aio.ClientInterceptor] = aio_client_interceptors(  # type: ignore[no-untyped-call]
        tracer_provider
    )
    return interceptors
