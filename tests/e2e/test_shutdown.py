"""SIGTERM drains without dropping a request; a second signal exits at once."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from roster_client import UserClient
from tests.conftest import a_user
from tests.support.health_probe import NOT_SERVING
from tests.support.processes import server_process

DRAIN_S, GRACE_S = 1.0, 5.0


async def steady_load(
    address: str, name: str, stop: asyncio.Event, started: asyncio.Event
) -> tuple[int, list[str]]:
    """GetUser calls back to back until `stop`, as a client behind a load balancer sends them."""
    done, failures = 0, []
    async with UserClient(address) as client:
        while not stop.is_set():
            try:
                await client.get_user(name)
                done += 1
                started.set()
            except Exception as error:  # every failure is a finding
                failures.append(repr(error))
    return done, failures


async def readiness_off(address: str, seen: asyncio.Event) -> None:
    """Watch readiness as a load balancer does; set `seen` when it reports NOT_SERVING."""
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        async for update in stub.Watch(health_pb2.HealthCheckRequest(service="")):  # type: ignore[attr-defined]
            if update.status == NOT_SERVING:
                seen.set()
                return


async def test_sigterm_under_load_with_a_slow_call_in_flight_fails_nothing_and_exits_zero(
    tmp_path: Path,
) -> None:
    database = tmp_path / "roster.db"
    async with server_process(
        database, drain_seconds=str(DRAIN_S), shutdown_grace_seconds=str(GRACE_S)
    ) as server:
        address = await server.address()
        async with UserClient(address) as client:
            target = await client.create_user(a_user("load"))
            stop_load, load_started = asyncio.Event(), asyncio.Event()
            load = asyncio.create_task(steady_load(address, target.name, stop_load, load_started))
            watcher = asyncio.create_task(readiness_off(address, stop_load))
            await asyncio.wait_for(load_started.wait(), 30)
            # Hold SQLite's write lock from outside so a CreateUser stays in
            # flight until after the server has stopped accepting calls.
            blocker = sqlite3.connect(database, isolation_level=None)
            blocker.execute("BEGIN IMMEDIATE")
            slow = asyncio.create_task(client.create_user(a_user("slow"), timeout=30))
            signalled = time.monotonic()
            server.send(signal.SIGTERM)
            await server.wait_for_log("shutdown: stopping server")
            blocker.execute("COMMIT")
            created = await slow
        blocker.close()
        code = await server.exit_code()
        elapsed = time.monotonic() - signalled
        await watcher
        done, failures = await load
    assert created.name
    assert failures == []
    assert done > 0
    assert code == 0
    assert elapsed < DRAIN_S + GRACE_S + 1
    steps = [
        entry["message"]
        for entry in server.logs
        if str(entry.get("message", "")).startswith("shutdown:")
    ]
    assert steps == [
        "shutdown: readiness NOT_SERVING",
        "shutdown: draining",
        "shutdown: ending watch streams",
        "shutdown: stopping server",
        "shutdown: connections closed",
        "shutdown: waiting for handlers",
        "shutdown: closing store",
        "shutdown: flushing telemetry",
        "shutdown: complete",
    ]


async def test_a_second_signal_exits_at_once_with_a_non_zero_code(tmp_path: Path) -> None:
    async with server_process(tmp_path / "roster.db", drain_seconds="60") as server:
        await server.address()
        server.send(signal.SIGTERM)
        await server.wait_for_log("shutdown: draining")
        server.send(signal.SIGINT)
        code = await server.exit_code(timeout=20)
    assert code == 128 + signal.SIGINT
    assert "shutdown: complete" not in [entry.get("message") for entry in server.logs]


async def test_a_second_server_cannot_bind_the_same_port(tmp_path: Path) -> None:
    async with server_process(tmp_path / "one.db") as first:
        address = await first.address()
        port = address.rpartition(":")[2]
        async with server_process(
            tmp_path / "two.db", listen_address=f"127.0.0.1:{port}"
        ) as second:
            code = await second.exit_code()
            failure = await second.wait_for_log("cannot start")
        first.send(signal.SIGTERM)
        assert await first.exit_code() == 0
    assert code == 1
    assert failure["address"] == f"127.0.0.1:{port}"
