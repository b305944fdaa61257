"""SIGTERM drains without dropping a request; a second signal exits at once."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from roster.user.v1 import user_service_pb2
from roster_client import NotFoundError, RosterError, UnavailableError, UserClient
from roster_user.lifecycle.health import LIVENESS
from tests.conftest import a_user
from tests.support.health_probe import NOT_SERVING, SERVING
from tests.support.processes import server_process
from tests.support.waiting import until
from tests.support.write_lock import writes_held

BOOKMARK = user_service_pb2.WatchUsersResponse.EVENT_TYPE_BOOKMARK

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


async def health_statuses(address: str, service: str, seen: list[int], gone: asyncio.Event) -> None:
    """Poll `service` as a probe does, recording each answer, until the server stops answering."""
    async with grpc.aio.insecure_channel(address) as channel:
        stub: Any = health_pb2_grpc.HealthStub(channel)
        while True:
            try:
                response = await stub.Check(
                    health_pb2.HealthCheckRequest(service=service), timeout=5
                )
            except grpc.aio.AioRpcError:
                gone.set()
                return
            seen.append(int(response.status))
            await asyncio.sleep(0.02)


async def calls_refused(address: str) -> bool:
    """Whether the server refuses new calls (it has stopped accepting them)."""
    async with UserClient(address, timeout=5) as fresh:
        try:
            await fresh.get_user("users/probe")
        except NotFoundError:
            return False
        except RosterError as error:
            return error.code == grpc.StatusCode.UNAVAILABLE
    return False


async def test_sigterm_under_load_with_a_slow_call_in_flight_fails_nothing_and_exits_zero(
    database_url: str,
) -> None:
    async with server_process(
        database_url, drain_seconds=str(DRAIN_S), shutdown_grace_seconds=str(GRACE_S)
    ) as server:
        address = await server.address()
        async with UserClient(address) as client:
            target = await client.create_user(a_user("load"))
            stop_load, load_started = asyncio.Event(), asyncio.Event()
            load = asyncio.create_task(steady_load(address, target.name, stop_load, load_started))
            watcher = asyncio.create_task(readiness_off(address, stop_load))
            await asyncio.wait_for(load_started.wait(), 30)
            # Hold the store's write lock from outside so a CreateUser stays in
            # flight until after the server has stopped accepting calls.
            with writes_held(database_url):
                slow = asyncio.create_task(client.create_user(a_user("slow"), timeout=30))
                server.send(signal.SIGTERM)
                await until(lambda: calls_refused(address), "the server to stop accepting calls")
            created = await slow
        code = await server.exit_code()
        await watcher
        done, failures = await load
    assert created.email == a_user("slow").email
    assert failures == []
    assert done > 0
    assert code == 0
    # The drain waited for the slow call rather than running out of grace:
    # no step overran, and stop() found no handler left to cancel.
    messages = [entry["message"] for entry in server.logs]
    assert "shutdown step did not finish in time; continuing" not in messages
    assert (await server.wait_for_log("shutdown: waiting for handlers"))["running"] == 0
    assert "shutdown: complete" in messages


async def test_shutdown_seen_from_outside_turns_readiness_off_first_and_liveness_never(
    database_url: str,
) -> None:
    async with server_process(
        database_url, drain_seconds=str(DRAIN_S), shutdown_grace_seconds=str(GRACE_S)
    ) as server:
        address = await server.address()
        async with UserClient(address) as client:
            user = await client.create_user(a_user(1))
            watched = client.watch_users()
            first = await anext(watched)
            assert first.event_type == BOOKMARK
            ready: list[int] = []
            live: list[int] = []
            ready_gone, live_gone = asyncio.Event(), asyncio.Event()
            probes = [
                asyncio.create_task(health_statuses(address, "", ready, ready_gone)),
                asyncio.create_task(health_statuses(address, LIVENESS, live, live_gone)),
            ]
            await until(lambda: SERVING in ready and SERVING in live, "both probes answering")
            server.send(signal.SIGTERM)
            await until(lambda: NOT_SERVING in ready, "readiness NOT_SERVING")
            # Readiness went off before the drain delay ended: the server still
            # serves new calls and the open watch has not been ended yet.
            live_before_end = len(live)
            assert (await client.get_user(user.name)).name == user.name
            with pytest.raises(UnavailableError) as ended:
                async for _change in watched:
                    pass
            assert ended.value.reason == "ERROR_REASON_SHUTTING_DOWN"
            code = await server.exit_code()
            await asyncio.gather(*probes)
    assert code == 0
    assert ready_gone.is_set() and live_gone.is_set()
    # Readiness: SERVING, then NOT_SERVING to the end; liveness SERVING until exit,
    # also while the drain ran after readiness had gone off.
    turned = ready.index(NOT_SERVING)
    assert set(ready[:turned]) == {SERVING} and set(ready[turned:]) == {NOT_SERVING}
    assert set(live) == {SERVING}
    assert len(live) > live_before_end


async def test_a_second_signal_exits_at_once_with_a_non_zero_code(database_url: str) -> None:
    async with server_process(database_url, drain_seconds="60") as server:
        await server.address()
        server.send(signal.SIGTERM)
        await server.wait_for_log("shutdown: draining")
        server.send(signal.SIGINT)
        code = await server.exit_code(timeout=20)
    assert code == 128 + signal.SIGINT
    assert "shutdown: complete" not in [entry.get("message") for entry in server.logs]


async def test_a_second_server_cannot_bind_the_same_port(database_url: str, tmp_path: Path) -> None:
    async with server_process(database_url) as first:
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
