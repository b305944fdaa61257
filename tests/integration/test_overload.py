"""Overload: every call Roster does not serve ends RESOURCE_EXHAUSTED or UNAVAILABLE, with details, counted."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

import grpc
import pytest

from roster.user.v1 import user_service_pb2 as pb
from roster_client import UserClient
from roster_user.lifecycle.running import Running
from tests.conftest import a_user
from tests.observability.scraping import scrape, value
from tests.support.burst import Refusal, Send, Stub, burst, get_user, refusal_of
from tests.support.waiting import until

# More calls at once than grpc core lets wait for the application by default
# (it refused at random past 1,000 and all past 3,000, as a bare CANCELLED).
BURST_CALLS, BURST_CHANNELS = 4000, 40
REFUSED_CODES = {"RESOURCE_EXHAUSTED", "UNAVAILABLE"}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Overload is about the server, not the store: SQLite only."""
    return f"sqlite:///{tmp_path / 'roster.db'}"


def list_users(stub: Stub) -> Any:
    """A ListUsers of the largest page."""
    return stub.ListUsers(pb.ListUsersRequest(page_size=1000), timeout=120)


@pytest.mark.parametrize("method", ["GetUser", "ListUsers"])
async def test_a_burst_beyond_grpc_cores_backlog_ends_without_a_bare_cancelled_and_is_all_counted(
    server: Running, client: UserClient, method: str
) -> None:
    created = await client.create_user(a_user(1))
    send = get_user(created.name) if method == "GetUser" else list_users
    outcomes = await burst(server.address, send, calls=BURST_CALLS, channels=BURST_CHANNELS)
    assert set(outcomes.codes) <= {"OK"} | REFUSED_CODES, outcomes.codes
    assert all(refusal.reason for refusal in outcomes.refusals), outcomes.refusals[:3]
    # Every call reached Roster, so the dashboard sees every one of them.
    page = await scrape(server.metrics_address)
    assert value(page, "grpc_server_handled_total", grpc_method=method) == BURST_CALLS


async def stall_the_loop(seconds: float) -> None:
    """Hold the event loop again and again, so ready work waits as it does under overload."""
    while True:
        time.sleep(seconds)  # noqa: ASYNC251 - blocking the loop is the point
        await asyncio.sleep(0)


async def first_refusal(stub: Stub, send: Send) -> Refusal:
    """Call until one call is refused; its refusal."""
    refusals: list[Refusal] = []

    async def refused() -> bool:
        try:
            await send(stub)
        except grpc.aio.AioRpcError as error:
            refusals.append(refusal_of(error))
        return bool(refusals)

    await until(refused, "a refused call")
    return refusals[0]


async def test_a_call_arriving_while_work_waits_too_long_is_refused_with_a_retry_delay(
    server: Running, client: UserClient
) -> None:
    created = await client.create_user(a_user(1))
    stall = asyncio.create_task(stall_the_loop(3 * server.settings.max_queue_seconds))
    try:
        async with grpc.aio.insecure_channel(server.address) as channel:
            refusal = await first_refusal(Stub(channel), get_user(created.name))
    finally:
        stall.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stall
    assert refusal.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert refusal.reason == "ERROR_REASON_TOO_MANY_REQUESTS"
    assert refusal.retry_seconds is not None and refusal.retry_seconds > 0
    page = await scrape(server.metrics_address)
    assert value(page, "grpc_server_handled_total", grpc_code="RESOURCE_EXHAUSTED") >= 1


async def test_calls_are_admitted_again_once_the_backlog_is_gone(
    server: Running, client: UserClient
) -> None:
    created = await client.create_user(a_user(1))
    stall = asyncio.create_task(stall_the_loop(3 * server.settings.max_queue_seconds))
    async with grpc.aio.insecure_channel(server.address) as channel:
        await first_refusal(Stub(channel), get_user(created.name))
        stall.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stall

        async def served() -> bool:
            try:
                await get_user(created.name)(Stub(channel))
            except grpc.aio.AioRpcError:
                return False
            return True

        await until(served, "a served call after the stall")
