"""A local OTLP/gRPC trace receiver that counts spans, so exporters have somewhere real to send."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from typing import Any

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc


class Sink(trace_service_pb2_grpc.TraceServiceServicer):
    """Accepts every export and counts its spans."""

    def __init__(self) -> None:
        self.spans = 0

    async def Export(
        self, request: trace_service_pb2.ExportTraceServiceRequest, context: Any
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        """Count and drop."""
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                self.spans += len(scope.spans)
        return trace_service_pb2.ExportTraceServiceResponse()


async def main() -> None:
    """Serve on a free port until SIGTERM, then print the span count."""
    sink = Sink()
    server = grpc.aio.server()
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(sink, server)  # type: ignore[no-untyped-call]
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    sys.stderr.write(json.dumps({"message": "serving", "address": f"127.0.0.1:{port}"}) + "\n")
    sys.stderr.flush()
    await stop.wait()
    await server.stop(0)
    sys.stderr.write(json.dumps({"message": "spans", "spans": sink.spans}) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
