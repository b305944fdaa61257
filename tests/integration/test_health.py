"""Health: readiness follows the store and shutdown; liveness follows the process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.running import Running
from roster_user.server import build_server
from tests.conftest import with_settings
from tests.support.health_probe import NOT_SERVING, SERVING, status, wait_for_status

READINESS = ("", "roster.user.v1.UserService", "roster.user.v2.UserService")


async def test_readiness_and_liveness_are_serving_once_started(server: Running) -> None:
    for service in (*READINESS, "liveness"):
        assert await status(server.address, service) == SERVING


async def test_an_unknown_service_name_is_not_found(server: Running) -> None:
    async with grpc.aio.insecure_channel(server.address) as channel:
        stub: Any = health_pb2_grpc.HealthStub(channel)  # the stubs lack Check/Watch/List
        try:
            await stub.Check(health_pb2.HealthCheckRequest(service="nope"), timeout=5)
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.NOT_FOUND
        else:
            raise AssertionError("an unknown service name answered")


async def test_health_list_reports_every_probe_name(server: Running) -> None:
    async with grpc.aio.insecure_channel(server.address) as channel:
        stub: Any = health_pb2_grpc.HealthStub(channel)  # the stubs lack Check/Watch/List
        request = health_pb2.HealthListRequest()  # type: ignore[attr-defined]
        response = await stub.List(request, timeout=5)
    assert set(response.statuses) == {*READINESS, "liveness"}


@pytest.mark.parametrize(
    "database_url", ["sqlite"], indirect=True
)  # hides the SQLite file; tests/postgres stops PostgreSQL
async def test_an_unreachable_database_turns_readiness_off_but_not_liveness_and_it_recovers(
    server: Running, database_url: str
) -> None:
    database = Path(database_url.removeprefix("sqlite:///"))
    hidden = database.with_name("moved-away.db")
    database.rename(hidden)
    try:
        for service in READINESS:
            await wait_for_status(server.address, service, NOT_SERVING)
        assert await status(server.address, "liveness") == SERVING
    finally:
        hidden.rename(database)
    for service in READINESS:
        await wait_for_status(server.address, service, SERVING)


async def test_shutdown_turns_readiness_off_for_watchers_while_liveness_stays_on(
    settings: Settings,
) -> None:
    running = await build_server(with_settings(settings, drain_seconds=1.0))
    async with grpc.aio.insecure_channel(running.address) as channel:
        stub: Any = health_pb2_grpc.HealthStub(channel)  # the stubs lack Check/Watch/List
        watch = stub.Watch(health_pb2.HealthCheckRequest(service=""))
        assert (await asyncio.wait_for(anext(aiter(watch)), 10)).status == SERVING
        draining = asyncio.create_task(shutdown.drain(running))
        assert (await asyncio.wait_for(anext(aiter(watch)), 10)).status == NOT_SERVING
        assert await status(running.address, "liveness") == SERVING
        watch.cancel()
        await draining
