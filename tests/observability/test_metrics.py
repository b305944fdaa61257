"""The metrics endpoint, scraped over HTTP: counts move by exactly the RPCs made."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from roster_client import AlreadyExistsError, NotFoundError, UserClient
from tests.conftest import a_user, backend_of
from tests.monitoring.scrape import Scrape
from tests.observability.receiver import Receiver
from tests.observability.scraping import (
    delta,
    metrics_address,
    scrape,
    scrape_once_settled,
    scrape_openmetrics,
    value,
)
from tests.support.processes import server_process

SERVICE = "roster.user.v1.UserService"


def rpc(method: str, kind: str = "unary") -> dict[str, str]:
    """The labels of one of our methods."""
    return {"grpc_service": SERVICE, "grpc_method": method, "grpc_type": kind}


@pytest.mark.usefixtures("untraced")
async def test_unary_counters_and_the_latency_count_move_by_exactly_the_calls_per_code(
    database_url: str,
) -> None:
    async with server_process(database_url, metrics_address="127.0.0.1:0") as server:
        address, metrics = await server.address(), await metrics_address(server)
        before = await scrape(metrics)
        async with UserClient(address) as client:
            user = await client.create_user(a_user(1), user_id="counted")
            with pytest.raises(AlreadyExistsError):
                await client.create_user(a_user(2), user_id="counted")
            for _ in range(3):
                await client.get_user(user.name)
            for _ in range(2):
                with pytest.raises(NotFoundError):
                    await client.get_user("users/missing")
        get, create = rpc("GetUser"), rpc("CreateUser")

        def all_counted(page: Scrape) -> bool:
            timed = delta(before, page, "grpc_server_handling_seconds_count", **get)
            return timed >= 5 and delta(before, page, "grpc_server_started_total", **create) >= 2

        after = await scrape_once_settled(metrics, all_counted)
        # Settled: nothing more may arrive; the counts below are exact.
    moved = {
        "get started": delta(before, after, "grpc_server_started_total", **get),
        "get ok": delta(before, after, "grpc_server_handled_total", **get, grpc_code="OK"),
        "get not found": delta(
            before, after, "grpc_server_handled_total", **get, grpc_code="NOT_FOUND"
        ),
        "get timed": delta(before, after, "grpc_server_handling_seconds_count", **get),
        "get received": delta(before, after, "grpc_server_msg_received_total", **get),
        "get sent": delta(before, after, "grpc_server_msg_sent_total", **get),
        "create ok": delta(before, after, "grpc_server_handled_total", **create, grpc_code="OK"),
        "create exists": delta(
            before, after, "grpc_server_handled_total", **create, grpc_code="ALREADY_EXISTS"
        ),
    }
    assert moved == {
        "get started": 5,
        "get ok": 3,
        "get not found": 2,
        "get timed": 5,
        "get received": 5,
        "get sent": 3,
        "create ok": 1,
        "create exists": 1,
    }
    assert value(after, "roster_grpc_server_in_flight", grpc_service=SERVICE) == 0
    # Both creates reached the store, the one refused as a duplicate too.
    assert (
        value(
            after,
            "roster_store_query_seconds_count",
            operation="create",
            store=backend_of(database_url),
        )
        == 2
    )


@pytest.mark.usefixtures("untraced")
async def test_an_open_watch_stream_is_counted_with_each_message_sent_and_its_end(
    database_url: str,
) -> None:
    watch = rpc("WatchUsers", "server_stream")
    async with server_process(database_url, metrics_address="127.0.0.1:0") as server:
        address, metrics = await server.address(), await metrics_address(server)
        async with UserClient(address) as client:
            stream = client.watch_users()
            await anext(stream)  # the bookmark
            await client.create_user(a_user(1))
            await anext(stream)  # the CREATED event
            open_page = await scrape(metrics)
            await stream.aclose()

            def ended(page: Scrape) -> bool:
                return value(page, "grpc_server_handled_total", **watch) == 1

            done_page = await scrape_once_settled(metrics, ended)
    assert value(open_page, "roster_watch_streams_open") == 1
    assert value(open_page, "roster_grpc_server_in_flight", grpc_method="WatchUsers") == 1
    assert value(open_page, "grpc_server_started_total", **watch) == 1
    assert value(open_page, "grpc_server_msg_sent_total", **watch) == 2
    assert value(done_page, "roster_grpc_server_in_flight", grpc_method="WatchUsers") == 0
    assert value(done_page, "roster_watch_streams_open") == 0
    assert value(done_page, "grpc_server_handled_total", **watch, grpc_code="CANCELLED") == 1


async def test_the_latency_histogram_has_an_exemplar_naming_the_trace_of_a_sampled_call(
    traced: Receiver,
    client_spans: tuple[TracerProvider, InMemorySpanExporter],
    database_url: str,
) -> None:
    provider, _ = client_spans
    async with server_process(database_url, metrics_address="127.0.0.1:0") as server:
        address, metrics = await server.address(), await metrics_address(server)
        async with UserClient(address, tracer_provider=provider) as client:
            user = await client.create_user(a_user(1))
            # A call that succeeds is counted before its response leaves the server.
            with provider.get_tracer("test").start_as_current_span("caller") as caller:
                await client.get_user(user.name)
        samples = await scrape_openmetrics(metrics)
    exemplars = [
        sample.exemplar.labels
        for sample in samples
        if sample.name == "grpc_server_handling_seconds_bucket"
        and sample.labels.get("grpc_method") == "GetUser"
        and sample.exemplar is not None
    ]
    assert [labels["trace_id"] for labels in exemplars] == [
        format(caller.get_span_context().trace_id, "032x")
    ]


@pytest.mark.usefixtures("untraced")
async def test_messages_a_handler_writes_through_its_context_are_counted(database_url: str) -> None:
    health_watch = {"grpc_service": "grpc.health.v1.Health", "grpc_method": "Watch"}
    async with server_process(database_url, metrics_address="127.0.0.1:0") as server:
        address, metrics = await server.address(), await metrics_address(server)
        async with grpc.aio.insecure_channel(address) as channel:
            # grpc's health servicer answers Watch with context.write, not by yielding.
            health: Any = health_pb2_grpc.HealthStub(channel)
            updates = health.Watch(health_pb2.HealthCheckRequest(service="liveness"))
            await updates.read()
            page = await scrape(metrics)
            updates.cancel()
    assert value(page, "grpc_server_msg_sent_total", **health_watch) == 1
    assert value(page, "grpc_server_started_total", grpc_type="server_stream", **health_watch) == 1
