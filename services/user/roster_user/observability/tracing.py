"""Tracing: OpenTelemetry spans for RPCs, configured by the standard OTEL_* variables."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Mapping

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

from roster_user.config import SettingsError
from roster_user.pipeline.spans import ServerSpans

log = logging.getLogger(__name__)

DEFAULT_SERVICE_NAME = "roster-user"
DEFAULT_ENDPOINT = "http://localhost:4317"
EXPORTERS = ("otlp", "none")
_FIXED_SAMPLERS: dict[str, Sampler] = {
    "always_on": ALWAYS_ON,
    "always_off": ALWAYS_OFF,
    "parentbased_always_on": DEFAULT_ON,
    "parentbased_always_off": DEFAULT_OFF,
}
_RATIO_SAMPLERS: dict[str, Callable[[float], Sampler]] = {
    "traceidratio": TraceIdRatioBased,
    "parentbased_traceidratio": ParentBasedTraceIdRatio,
}


@dataclasses.dataclass(frozen=True, slots=True)
class TracingConfig:
    """Where and how much to trace; `exporter="none"` turns tracing off."""

    exporter: str = "none"
    service_name: str = DEFAULT_SERVICE_NAME
    endpoint: str = DEFAULT_ENDPOINT
    sampler: Sampler = DEFAULT_ON

    @property
    def enabled(self) -> bool:
        """Whether spans are created and exported."""
        return self.exporter != "none"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> TracingConfig:
        """Read the OTEL_* variables (as the spec defines them but for the default exporter)."""
        endpoint = environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environ.get(
            "OTEL_EXPORTER_OTLP_ENDPOINT", ""
        )
        # Unlike the spec's default (otlp), tracing starts only when told where
        # to export or told to export: a process with no collector configured
        # (make run, tests, local tools) would otherwise retry against
        # localhost:4317 all the time and spend its shutdown grace doing it.
        default = "otlp" if endpoint else "none"
        exporter = environ.get("OTEL_TRACES_EXPORTER", default).strip().lower() or default
        if exporter not in EXPORTERS:
            raise SettingsError(
                f"invalid OTEL_TRACES_EXPORTER={exporter!r}: must be one of {', '.join(EXPORTERS)}"
            )
        return cls(
            exporter=exporter,
            service_name=environ.get("OTEL_SERVICE_NAME") or DEFAULT_SERVICE_NAME,
            endpoint=endpoint or DEFAULT_ENDPOINT,
            sampler=_sampler(environ),
        )


def _sampler(environ: Mapping[str, str]) -> Sampler:
    name = environ.get("OTEL_TRACES_SAMPLER", "parentbased_always_on").strip().lower()
    if name in _FIXED_SAMPLERS:
        return _FIXED_SAMPLERS[name]
    if name not in _RATIO_SAMPLERS:
        known = ", ".join([*_FIXED_SAMPLERS, *_RATIO_SAMPLERS])
        raise SettingsError(f"invalid OTEL_TRACES_SAMPLER={name!r}: must be one of {known}")
    text = environ.get("OTEL_TRACES_SAMPLER_ARG", "1.0")
    try:
        ratio = float(text)
    except ValueError:
        ratio = -1.0
    if not 0.0 <= ratio <= 1.0:
        raise SettingsError(
            f"invalid OTEL_TRACES_SAMPLER_ARG={text!r}: must be a ratio between 0 and 1"
        )
    return _RATIO_SAMPLERS[name](ratio)


class Tracing:
    """A tracer provider exporting over OTLP/gRPC in batches, and the server's span layer."""

    def __init__(self, config: TracingConfig) -> None:
        resource = Resource.create({SERVICE_NAME: config.service_name})
        # No atexit hook: the drain sequence flushes, bounded by the shutdown grace.
        self.provider = TracerProvider(
            sampler=config.sampler, resource=resource, shutdown_on_exit=False
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
