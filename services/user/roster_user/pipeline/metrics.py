"""RpcMetrics: the pipeline layer that counts and times every RPC, by final status."""

from __future__ import annotations

import dataclasses
import inspect
import time
from collections.abc import AsyncGenerator, AsyncIterator, Collection
from typing import TYPE_CHECKING, Any, cast

import grpc
from opentelemetry import trace
from prometheus_client.metrics import Counter, Gauge, Histogram

from roster_user.observability.metrics import Metrics
from roster_user.pipeline.calls import Call, Context, around
from roster_user.pipeline.outcome import final_code

if TYPE_CHECKING:
    from roster_user.pipeline.calls import Body, Handler

_KINDS = {
    (False, False): "unary",
    (False, True): "server_stream",
    (True, False): "client_stream",
    (True, True): "bidi_stream",
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
    contract: Counter | None  # roster_contract_calls_total{version,method}, on versioned services

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

    def __init__(self, context: Context, sent: Counter) -> None:
        self._context = context
        self._sent = sent

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    async def write(self, message: Any) -> None:
        """Send one message, counted as it is handed to grpc (as yielded ones are)."""
        self._sent.inc()
        await self._context.write(message)


def version_of(service: str) -> str:
    """The contract version of a service name: v1 for roster.user.v1.UserService."""
    return service.split(".")[-2]


class RpcMetrics:
    """Counts started, handled (by final code) and in-flight RPCs, messages and latency.

    Placed inside the server span, so the span is current when the latency is
    observed (for the exemplar), and outside the error boundary, so the code it
    reads from the context is the one the boundary chose.

    Calls to the `versioned` services are also counted by contract version, so
    an operator sees when v1's last caller has gone. That count was a layer of
    its own; here it is one attribute test per call instead of a layer's frame
    (a layer that only increments a counter costs 2.7 µs of CPU a call, against
    0.13 µs for the bare handler: 200,000 direct calls of a unary handler).
    """

    def __init__(self, metrics: Metrics, versioned: Collection[str] = ()) -> None:
        self._metrics = metrics
        self._versioned = frozenset(versioned)

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
            m.contract_calls.labels(version_of(service), name)
            if service in self._versioned
            else None,
        )

    def wrap(self, method: str, handler: Handler) -> Handler:
        """The handler counted and timed under `method`'s bound series."""
        kind = _KINDS[(handler.request_streaming, handler.response_streaming)]
        # Bound at startup for every registered method: each series exists (at
        # zero) before the first call, and a call only does arithmetic.
        series = self._bind(method, kind)
        behavior = (
            handler.unary_unary or handler.unary_stream or handler.stream_unary
        ) or handler.stream_stream
        # Handlers either yield responses or call context.write (grpc's health
        # Watch does); the latter get a context that counts what they write.
        writes = handler.response_streaming and not inspect.isasyncgenfunction(behavior)
        return around(handler, _body(series, handler, writes))


def _body(series: _Series, handler: Handler, writes: bool) -> Body:
    requests_stream = handler.request_streaming
    responses_stream = handler.response_streaming

    def each(responses: AsyncIterator[Any]) -> AsyncIterator[Any]:
        return _counted(responses, series.sent)

    async def counted(request: Any, context: Context) -> AsyncGenerator[Call, None]:
        begun = time.perf_counter()
        series.started.inc()
        if series.contract is not None:
            series.contract.inc()
        series.in_flight.inc()
        if requests_stream:
            request = _counted(request, series.received)
        else:
            series.received.inc()
        error: BaseException | None = None
        try:
            if writes:
                yield Call(request, cast(Context, _CountingWrites(context, series.sent)))
            elif responses_stream:
                yield Call(request, context, each)
            else:
                yield Call(request, context)
                series.sent.inc()  # the one response of a unary call
        except BaseException as failure:
            error = failure
            raise
        finally:
            series.in_flight.dec()
            series.finish(final_code(context, error), time.perf_counter() - begun)

    return counted


async def _counted(messages: AsyncIterator[Any], counter: Counter) -> AsyncIterator[Any]:
    """The messages, each counted as it passes (requests read, responses yielded)."""
    async for message in messages:
        counter.inc()
        yield message
