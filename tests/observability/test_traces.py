"""Server spans reach a real OTLP receiver: one per RPC, continuing the caller's trace."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from opentelemetry.proto.trace.v1 import trace_pb2
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from roster.user.v1 import user_service_pb2 as pb
from roster.user.v1 import user_service_pb2_grpc
from roster_client import NotFoundError, RosterError, UserClient
from tests.conftest import a_user, backend_of
from tests.monitoring.scrape import free_port
from tests.observability.conftest import SERVER_SERVICE_NAME
from tests.observability.receiver import ReceivedSpan, Receiver
from tests.observability.scraping import metrics_address, scrape, value
from tests.support.corruption import corrupt_user
from tests.support.errors import assert_internal
from tests.support.processes import server_process
from tests.support.waiting import until

USERS = "/roster.user.v1.UserService/"
SERVER = trace_pb2.Span.SpanKind.SPAN_KIND_SERVER
OK, NOT_FOUND = grpc.StatusCode.OK.value[0], grpc.StatusCode.NOT_FOUND.value[0]


def server_spans(spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
    """The server process's RPC spans, oldest first."""
    found = [s for s in spans if s.service_name == SERVER_SERVICE_NAME and s.span.kind == SERVER]
    return sorted(found, key=lambda s: s.span.start_time_unix_nano)


def has_rpcs(count: int) -> Callable[[list[ReceivedSpan]], bool]:
    """A condition: at least `count` server spans arrived."""
    return lambda spans: len(server_spans(spans)) >= count


async def test_each_rpc_continues_the_callers_trace_in_one_server_span_with_its_status(
    traced: Receiver, client_spans: tuple[TracerProvider, InMemorySpanExporter], database_url: str
) -> None:
    provider, exported = client_spans
    async with server_process(database_url) as server:
        address = await server.address()
        async with UserClient(address, tracer_provider=provider) as client:
            with provider.get_tracer("test").start_as_current_span("caller") as caller:
                user = await client.create_user(a_user(1))
                await client.get_user(user.name)
                with pytest.raises(NotFoundError):
                    await client.get_user("users/missing")
                await client.list_users()
        spans = server_spans(await traced.wait_for(has_rpcs(4), "4 server spans"))
    caller_trace = format(caller.get_span_context().trace_id, "032x")
    client_names = {
        format(s.context.span_id, "016x"): s.name for s in exported.get_finished_spans()
    }
    assert [(s.name, s.attributes["rpc.grpc.status_code"]) for s in spans] == [
        (USERS + "CreateUser", OK),
        (USERS + "GetUser", OK),
        (USERS + "GetUser", NOT_FOUND),
        (USERS + "ListUsers", OK),
    ]
    assert {s.trace_id for s in spans} == {caller_trace}
    assert [client_names.get(s.parent_span_id) for s in spans] == [s.name for s in spans]


async def test_server_spans_carry_the_method_and_the_peer(
    traced: Receiver, database_url: str
) -> None:
    async with server_process(database_url) as server:
        async with UserClient(await server.address()) as client:
            with pytest.raises(NotFoundError):
                await client.get_user("users/missing")
        [span] = server_spans(await traced.wait_for(has_rpcs(1), "a server span"))
    attributes = span.attributes
    assert attributes["rpc.system"] == "grpc"
    assert attributes["rpc.service"] == "roster.user.v1.UserService"
    assert attributes["rpc.method"] == "GetUser"
    assert attributes["net.peer.ip"] == "127.0.0.1"
    assert span.span.status.code == trace_pb2.Status.StatusCode.STATUS_CODE_UNSET


async def test_health_checks_and_reflection_leave_no_spans(
    traced: Receiver, database_url: str
) -> None:
    async with server_process(database_url) as server:
        address = await server.address()
        async with grpc.aio.insecure_channel(address) as channel:
            # Typed loosely: the stubs' types describe the blocking channel.
            health: Any = health_pb2_grpc.HealthStub(channel)
            for service in ("", "liveness", "roster.user.v1.UserService"):
                await health.Check(health_pb2.HealthCheckRequest(service=service))
            reflection: Any = reflection_pb2_grpc.ServerReflectionStub(channel)  # type: ignore[arg-type]
            ask = reflection_pb2.ServerReflectionRequest(list_services="")
            async for _ in reflection.ServerReflectionInfo(iter([ask])):
                pass
        # Exported after the probes' spans would have been: the queue is first in, first out.
        async with UserClient(address) as client:
            with pytest.raises(NotFoundError):
                await client.get_user("users/missing")
        spans = await traced.wait_for(has_rpcs(1), "the GetUser span")
    assert [s.name for s in server_spans(spans)] == [USERS + "GetUser"]
    assert not [s.name for s in spans if "grpc." in s.name]


async def test_database_work_is_a_child_span_naming_only_the_statement_kind(
    traced: Receiver, database_url: str
) -> None:
    secret = {"user_id": "private-person", "email": "private.person@example.com"}
    async with server_process(database_url) as server:
        async with UserClient(await server.address()) as client:
            await client.create_user(
                a_user(email=secret["email"], display_name="Private Person"),
                user_id=secret["user_id"],
            )

        def inserted(spans: list[ReceivedSpan]) -> bool:
            return any(s.name == "INSERT users" for s in spans) and bool(server_spans(spans))

        spans = await traced.wait_for(inserted, "the CreateUser and INSERT spans")
    [rpc] = server_spans(spans)
    [insert] = [s for s in spans if s.name == "INSERT users"]
    assert (insert.trace_id, insert.parent_span_id) == (rpc.trace_id, rpc.span_id)
    assert insert.attributes["db.operation.name"] == "INSERT"
    assert insert.attributes["db.system.name"] == backend_of(database_url)
    everything = " ".join(str(s.span) for s in spans)
    assert "private" not in everything.lower()


async def test_spans_buffered_at_sigterm_are_exported_before_the_process_exits(
    traced: Receiver, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ten minutes: without the shutdown flush these spans would never leave.
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "600000")
    async with server_process(database_url, drain_seconds="0") as server:
        async with UserClient(await server.address()) as client:
            for _ in range(3):
                with pytest.raises(NotFoundError):
                    await client.get_user("users/missing")
        buffered = list(traced.spans)
        server.send(signal.SIGTERM)
        await server.wait_for_log("shutdown: complete")
        # The server logs this only after its export call was answered.
        exported = server_spans(traced.spans)
        code = await server.exit_code()
    assert buffered == []
    assert [s.name for s in exported] == [USERS + "GetUser"] * 3
    assert code == 0


async def test_an_unreachable_collector_is_given_up_on_within_the_grace_and_the_exit_is_clean(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "600000")
    async with server_process(
        database_url, drain_seconds="0", shutdown_grace_seconds="1"
    ) as server:
        async with UserClient(await server.address()) as client:
            with pytest.raises(NotFoundError):
                await client.get_user("users/missing")
        server.send(signal.SIGTERM)
        code = await server.exit_code()
    messages = [entry.get("message") for entry in server.logs]
    # The exporter retries for longer than the grace; the sequence stops waiting for it.
    assert "telemetry not flushed within the shutdown grace" in messages
    assert messages[-1] == "shutdown: complete"
    assert code == 0


async def test_sampled_out_calls_export_nothing_yet_their_logs_still_name_a_trace(
    traced: Receiver, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    database = database_url
    async with server_process(database, drain_seconds="0") as server:
        async with UserClient(await server.address()) as client:
            with pytest.raises(RosterError) as caught:
                await client.get_user(await corrupt_user(client, database))
            assert_internal(caught.value)
        logged = await server.wait_for_log(f"unhandled error in {USERS}GetUser")
        server.send(signal.SIGTERM)
        code = await server.exit_code()
    # Exit flushes whatever was buffered, so an empty receiver means nothing was recorded.
    assert traced.spans == []
    assert len(logged["trace_id"]) == 32
    assert code == 0


async def test_a_server_error_marks_the_span_failed_and_a_stream_gets_a_span_when_it_ends(
    traced: Receiver, database_url: str
) -> None:
    database = database_url
    async with server_process(database, drain_seconds="0") as server:
        async with UserClient(await server.address()) as client:
            with pytest.raises(RosterError) as caught:
                await client.get_user(await corrupt_user(client, database))
            assert_internal(caught.value)
            with pytest.raises(NotFoundError):
                await client.get_user("users/missing")
            async for _bookmark in client.watch_users():
                break  # the client cancels the stream
        spans = server_spans(await traced.wait_for(has_rpcs(4), "4 server spans"))
    by_name = {s.name: s for s in spans if s.name != USERS + "GetUser"}
    failed, missing = [s for s in spans if s.name == USERS + "GetUser"]
    internal = grpc.StatusCode.INTERNAL.value[0]
    assert failed.attributes["rpc.grpc.status_code"] == internal
    assert failed.span.status.code == trace_pb2.Status.StatusCode.STATUS_CODE_ERROR
    assert [event.name for event in failed.span.events] == ["exception"]
    # A caller's mistake is not the server's failure.
    assert missing.span.status.code == trace_pb2.Status.StatusCode.STATUS_CODE_UNSET
    watch = by_name[USERS + "WatchUsers"]
    assert watch.attributes["rpc.grpc.status_code"] == grpc.StatusCode.CANCELLED.value[0]
    assert watch.span.end_time_unix_nano > watch.span.start_time_unix_nano


# Users of about 8 KiB (64 labels of 63 characters), so a backlog of them is
# many times the client's flow-control window (64 KiB with BDP probing off).
BIG_LABELS = {f"k{i:02d}-" + "k" * 58: "v" * 63 for i in range(64)}
BACKLOG = 200


async def test_a_watch_cancelled_while_grpc_waits_to_send_still_ends_its_span(
    traced: Receiver, tmp_path: Path
) -> None:
    """grpc.aio never resumes or closes a stream whose call is cancelled inside its send.

    The pipeline closes it when the call is done (pipeline/calls.py); before, its
    span, metrics and watch subscription ended only when the garbage collector
    found it, and an idle server may not collect for minutes. SQLite only: the
    store plays no part in how a stream ends.
    """
    database = f"sqlite:///{tmp_path / 'roster.db'}"
    async with server_process(database, drain_seconds="0") as server:
        metrics = await metrics_address(server)
        options = [("grpc.http2.bdp_probe", 0)]
        async with grpc.aio.insecure_channel(await server.address(), options=options) as channel:
            stub: Any = user_service_pb2_grpc.UserServiceStub(channel)
            for first in range(0, BACKLOG, 50):
                await asyncio.gather(
                    *(
                        stub.CreateUser(pb.CreateUserRequest(user=a_user(n, labels=BIG_LABELS)))
                        for n in range(first, first + 50)
                    )
                )
            watch = stub.WatchUsers(pb.WatchUsersRequest(start_revision=1))
            assert (await watch.read()).event_type == pb.WatchUsersResponse.EVENT_TYPE_BOOKMARK

            async def streaming_the_backlog() -> bool:
                page = await scrape(metrics)
                return value(page, "grpc_server_msg_sent_total", grpc_method="WatchUsers") >= 5

            # The client reads nothing more: the server fills the window and waits in its send.
            await until(streaming_the_backlog, "the server to send part of the backlog")
            watch.cancel()
            spans = await traced.wait_for(
                lambda received: any(
                    s.name == USERS + "WatchUsers" for s in server_spans(received)
                ),
                "the cancelled watch's span",
            )
    (watched,) = [s for s in server_spans(spans) if s.name == USERS + "WatchUsers"]
    assert watched.attributes["rpc.grpc.status_code"] == grpc.StatusCode.CANCELLED.value[0]
