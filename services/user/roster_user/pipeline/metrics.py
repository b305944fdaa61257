"""RpcMetrics: the pipeline layer that counts and times every RPC, by final status."""

from __future__ import annotations

import dataclasses
import inspect
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from opentelemetry import trace
from prometheus_client.metrics import Counter, Gauge, Histogram

from roster_user.observability.metrics import Metrics
from roster_user.pipeline.outcome import final_code

_KINDS = {
    (False, False): "unary",
    (False, True): "server_stream",
    (True, False): "client_stream",
    (True, True): "bidi_stream",
}
_HANDLERS: dict[str, Callable[..., Any]] = {
    "unary": grpc.unary_unary_rpc_method_handler,
    "server_stream": grpc.unary_stream_rpc_method_handler,
    "client_stream": grpc.stream_unary_rpc_method_handler,
    "bidi_stream": grpc.stream_stream_rpc_method_handler,
}


@dataclasses.dataclass(slots=True)
class _Series:
    """The label children of one method, bound once so a call only does arithmetic."""

    labels: tuple[str, str, str]
    started: Counter
    received: Counter
    sent: Counter
    handling: Histogram
    in_flight: Gauge
    handled_family: Counter
    handled: dict[grpc.StatusCode, Counter]

    def finish(self, code: grpc.StatusCode, seconds: float) -> None:
        """Count the call as handled with `code` and record its latency."""
        counter = self.handled.get(code)
        if counter is None:
            # Bound on first use: a code that never happened shows no zero series.
            counter = self.handled[code] = self.handled_family.labels(*self.labels, code.name)
        counter.inc()
        context = trace.get_current_span().get_span_context()
        if context.trace_flags.sampled:
            exemplar = {
                "trace_id": format(context.trace_id, "032x"),
                "span_id": format(context.span_id, "016x"),
            }
            self.handling.observe(seconds, exemplar)
        else:
            self.handling.observe(seconds)


class _CountingWrites:
    """Delegates to a servicer context, counting the messages written through it."""

    def __init__(self, context: grpc.aio.ServicerContext[Any, Any], sent: Counter) -> None:
        self._context = context
        self._sent = sent

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    async def write(self, message: Any) -> None:
        """Send one message, counted as it is handed to grpc (as yielded ones are)."""
        self._sent.inc()
        await self._context.write(message)


class RpcMetrics:
    """Counts started, handled (by final code) and in-flight RPCs, messages and latency.

    Placed inside the server span, so the span is current when the latency is
    observed (for the exemplar), and outside the error boundary, so the code it
    reads from the context is the one the boundary chose.
    """

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def _bind(self, method: str, kind: str) -> _Series:
        service, _, name = method.lstrip("/").partition("/")
        m = self._metrics
        labels = (kind, service, name)
        return _Series(
            labels,
            m.started.labels(*labels),
            m.received.labels(*labels),
            m.sent.labels(*labels),
            m.handling.labels(*labels),
            m.in_flight.labels(service, name),
            m.handled,
            {},
        )

    def wrap(self, method: str, handler: Any) -> Any:
        """The handler counted and timed under `method`'s bound series."""
        kind = _KINDS[(handler.request_streaming, handler.response_streaming)]
        # Bound at startup for every registered method: each series exists (at
        # zero) before the first call, and a call only does arithmetic.
        series = self._bind(method, kind)
        behavior = (
            handler.unary_unary or handler.unary_stream or handler.stream_unary
        ) or handler.stream_stream
        wrap = self._stream if handler.response_streaming else self._unary
        return _HANDLERS[kind](
            wrap(behavior, series, handler.request_streaming),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )

    def _begin(self, series: _Series, request: Any, streaming: bool) -> Any:
        series.started.inc()
        series.in_flight.inc()
        if not streaming:
            series.received.inc()
            return request
        return _counted(request, series.received)

    def _end(
        self,
        series: _Series,
        context: grpc.aio.ServicerContext[Any, Any],
        error: BaseException | None,
        begun: float,
    ) -> None:
        series.in_flight.dec()
        series.finish(final_code(context, error), time.perf_counter() - begun)

    def _unary(self, behavior: Any, series: _Series, streaming: bool) -> Any:
        async def run(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            begun = time.perf_counter()
            request = self._begin(series, request, streaming)
            error: BaseException | None = None
            try:
                response = await behavior(request, context)
                series.sent.inc()
                return response
            except BaseException as failure:
                error = failure
                raise
            finally:
                self._end(series, context, error, begun)

        return run

    def _stream(self, behavior: Any, series: _Series, streaming: bool) -> Any:
        # Handlers either yield responses or call context.write (grpc's health
        # Watch does); the latter get a context that counts what they write.
        generator = inspect.isasyncgenfunction(behavior)

        async def run(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            begun = time.perf_counter()
            request = self._begin(series, request, streaming)
            error: BaseException | None = None
            try:
                if generator:
                    async for response in behavior(request, context):
                        series.sent.inc()
                        yield response
                else:
                    await behavior(request, _CountingWrites(context, series.sent))
            except BaseException as failure:
                error = failure
                raise
            finally:
                self._end(series, context, error, begun)

        return run


async def _counted(requests: AsyncIterator[Any], received: Counter) -> AsyncIterator[Any]:
    async for request in requests:
        received.inc()
        yield request
