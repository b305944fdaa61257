"""A real OTLP/gRPC trace receiver: the collector's TraceService, keeping what it is sent."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

SERVICE = trace_service_pb2.DESCRIPTOR.services_by_name["TraceService"].full_name


@dataclasses.dataclass(frozen=True)
class ReceivedSpan:
    """One exported span and the service.name of the process that sent it."""

    service_name: str
    span: trace_pb2.Span

    @property
    def name(self) -> str:
        """The span name."""
        return self.span.name

    @property
    def trace_id(self) -> str:
        """The trace id, as 32 hex digits."""
        return self.span.trace_id.hex()

    @property
    def span_id(self) -> str:
        """The span id, as 16 hex digits."""
        return self.span.span_id.hex()

    @property
    def parent_span_id(self) -> str:
        """The parent's span id, as hex; empty for a root span."""
        return self.span.parent_span_id.hex()

    @property
    def attributes(self) -> dict[str, Any]:
        """The span's attributes as plain values."""
        return {a.key: _plain(a.value) for a in self.span.attributes}


def _plain(value: Any) -> Any:
    kind = value.WhichOneof("value")
    return getattr(value, kind) if kind else None


class Receiver:
    """Collects every span exported to it; tests wait on what has arrived."""

    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self.endpoint = ""
        self._arrived = asyncio.Condition()

    async def _export(
        self, request: trace_service_pb2.ExportTraceServiceRequest, context: object
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        for resource_spans in request.resource_spans:
            service = next(
                (
                    a.value.string_value
                    for a in resource_spans.resource.attributes
                    if a.key == "service.name"
                ),
                "",
            )
            for scope_spans in resource_spans.scope_spans:
                self.spans.extend(ReceivedSpan(service, span) for span in scope_spans.spans)
        async with self._arrived:
            self._arrived.notify_all()
        return trace_service_pb2.ExportTraceServiceResponse()

    async def wait_for(
        self, condition: Callable[[list[ReceivedSpan]], bool], what: str, timeout: float = 30
    ) -> list[ReceivedSpan]:
        """The spans received once `condition` holds for them; fails naming `what`."""

        async def wait() -> list[ReceivedSpan]:
            async with self._arrived:
                await self._arrived.wait_for(lambda: condition(self.spans))
                return list(self.spans)

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            names = dict(collections.Counter(span.name for span in self.spans))
            raise AssertionError(f"timed out waiting for {what}; received {names}") from None

    def handler(self) -> grpc.GenericRpcHandler:
        """The TraceService/Export route."""
        export = grpc.unary_unary_rpc_method_handler(
            self._export,
            request_deserializer=trace_service_pb2.ExportTraceServiceRequest.FromString,
            response_serializer=trace_service_pb2.ExportTraceServiceResponse.SerializeToString,
        )
        return grpc.method_handlers_generic_handler(SERVICE, {"Export": export})


@asynccontextmanager
async def otlp_receiver() -> AsyncIterator[Receiver]:
    """A receiver listening on a free local port; `endpoint` is its http:// URL."""
    receiver = Receiver()
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((receiver.handler(),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    receiver.endpoint = f"http://127.0.0.1:{port}"
    try:
        yield receiver
    finally:
        await server.stop(0)
