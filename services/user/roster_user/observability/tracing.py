"""Tracing: OpenTelemetry spans for RPCs, as the OTEL_* variables in Settings.tracing say."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    DEFAULT_OFF,
    DEFAULT_ON,
    ParentBasedTraceIdRatio,
    Sampler,
    TraceIdRatioBased,
)

from roster_user.config_values import TracingConfig
from roster_user.pipeline.spans import ServerSpans

# TracingConfig is read with the other settings (config.Settings.tracing); re-exported
# because the composition root imports it from here.
__all__ = ["Tracing", "TracingConfig", "current_tracer", "sampler"]

log = logging.getLogger(__name__)

_SAMPLERS: dict[str, Sampler] = {
    "always_on": ALWAYS_ON,
    "always_off": ALWAYS_OFF,
    "parentbased_always_on": DEFAULT_ON,
    "parentbased_always_off": DEFAULT_OFF,
}
_RATIO_SAMPLERS: dict[str, Callable[[float], Sampler]] = {
    "traceidratio": TraceIdRatioBased,
    "parentbased_traceidratio": ParentBasedTraceIdRatio,
}


def sampler(config: TracingConfig) -> Sampler:
    """The OpenTelemetry sampler the settings name (already validated by config_values)."""
    if config.sampler in _RATIO_SAMPLERS:
        return _RATIO_SAMPLERS[config.sampler](config.sampler_ratio)
    return _SAMPLERS[config.sampler]


class Tracing:
    """A tracer provider exporting over OTLP/gRPC in batches, and the server's span layer."""

    def __init__(self, config: TracingConfig) -> None:
        resource = Resource.create({SERVICE_NAME: config.service_name})
        # No atexit hook: the drain sequence flushes, bounded by the shutdown grace.
        self.provider = TracerProvider(
            sampler=sampler(config), resource=resource, shutdown_on_exit=False
        )
        # The batch processor reads OTEL_BSP_* itself; the exporter reads the
        # other OTEL_EXPORTER_OTLP_* variables (headers, timeout, certificates).
        self.provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=config.endpoint))
        )
        self.tracer = self.provider.get_tracer("roster_user")
        log.info(
            "tracing enabled",
            extra={"otlp_endpoint": config.endpoint, "service_name": config.service_name},
        )

    def server_spans(self) -> ServerSpans:
        """The pipeline layer tracing the RPCs it is installed around."""
        return ServerSpans(self.tracer)

    async def flush(self) -> None:
        """Export buffered spans and stop; cancel the wait to give up.

        The export runs on a daemon thread: an unreachable collector keeps it
        retrying, and a daemon thread cannot hold the process open after the
        shutdown sequence has stopped waiting for it.
        """
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()

        def settle() -> None:
            if not finished.done():
                finished.set_result(None)

        def shut_down() -> None:
            try:
                self.provider.shutdown()
            finally:
                with contextlib.suppress(RuntimeError):  # the loop may be gone already
                    loop.call_soon_threadsafe(settle)

        threading.Thread(target=shut_down, name="otel-flush", daemon=True).start()
        await finished


def current_tracer(tracing: Tracing | None) -> trace.Tracer:
    """The tracer for child spans: a no-op one when tracing is off."""
    return tracing.tracer if tracing is not None else trace.NoOpTracer()
