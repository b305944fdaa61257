"""Log lines written while handling an RPC name its trace and its server span."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from opentelemetry.proto.trace.v1 import trace_pb2
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from roster_client import RosterError, UserClient
from tests.observability.receiver import ReceivedSpan, Receiver
from tests.support.corruption import corrupt_user
from tests.support.errors import assert_internal
from tests.support.processes import server_process

GET_USER = "/roster.user.v1.UserService/GetUser"


async def internal_error_in_a_trace(
    receiver: Receiver, provider: TracerProvider, database: Path | str
) -> tuple[str, dict[str, Any], ReceivedSpan]:
    """A traced GetUser that fails unexpectedly: (caller trace id, error log entry, server span)."""
    async with server_process(database) as server:
        async with UserClient(await server.address(), tracer_provider=provider) as client:
            name = await corrupt_user(client, database)
            tracer = provider.get_tracer("test")
            with (
                tracer.start_as_current_span("caller") as caller,
                pytest.raises(RosterError) as caught,
            ):
                await client.get_user(name)
            assert_internal(caught.value)
        logged = await server.wait_for_log(f"unhandled error in {GET_USER}")
        spans = await receiver.wait_for(
            lambda spans: any(s.name == GET_USER for s in spans), "the GetUser span"
        )
    [span] = [s for s in spans if s.name == GET_USER]
    return format(caller.get_span_context().trace_id, "032x"), logged, span


async def test_the_error_logged_during_an_rpc_carries_the_callers_trace_and_the_server_span(
    traced: Receiver, client_spans: tuple[TracerProvider, InMemorySpanExporter], database_url: str
) -> None:
    caller_trace, logged, span = await internal_error_in_a_trace(
        traced, client_spans[0], database_url
    )
    assert logged["trace_id"] == caller_trace
    assert logged["span_id"] == span.span_id


async def test_an_unexpected_error_is_recorded_on_the_server_span_the_caller_never_sees(
    traced: Receiver, client_spans: tuple[TracerProvider, InMemorySpanExporter], database_url: str
) -> None:
    _, _, span = await internal_error_in_a_trace(traced, client_spans[0], database_url)
    recorded = {
        attribute.value.string_value
        for event in span.span.events
        for attribute in event.attributes
        if attribute.key == "exception.type"
    }
    assert span.span.status.code == trace_pb2.Status.StatusCode.STATUS_CODE_ERROR
    assert "ValueError" in recorded


async def test_lifecycle_lines_outside_any_rpc_carry_no_trace_id(
    traced: Receiver, database_url: str
) -> None:
    async with server_process(database_url) as server:
        serving = await server.wait_for_log("serving")
    assert "trace_id" not in serving
