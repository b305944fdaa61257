"""Abuse limits: one caller hitting a limit does not stop others from being served."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import h2.errors

from roster.user.v1 import user_pb2, user_service_pb2_grpc
from roster.user.v1 import user_service_pb2 as pb
from roster_client import UserClient
from roster_client.errors import from_rpc_error
from tests.support.write_lock import writes_held

from . import h2client
from .conftest import Errors, Start, auth_settings, bearer
from .tokens import Mint

BOOKMARK = pb.WatchUsersResponse.EVENT_TYPE_BOOKMARK


def _watch(channel: grpc.aio.Channel, token: str) -> Any:
    stub: Any = user_service_pb2_grpc.UserServiceStub(channel)
    return stub.WatchUsers(pb.WatchUsersRequest(), metadata=bearer(token), timeout=30)


async def test_one_subject_hits_its_watch_cap_while_another_is_still_served(
    start: Start, mint: Mint, errors: Errors
) -> None:
    running = await start(**auth_settings(mint, max_watch_streams_per_subject=2))
    alice, bob = mint.token(subject="alice"), mint.token(subject="bob")
    async with grpc.aio.insecure_channel(running.address) as channel:
        open_streams = [_watch(channel, alice) for _ in range(2)]
        for stream in open_streams:
            assert (await stream.read()).event_type == BOOKMARK
        refused = await errors.expect(_watch(channel, alice).read())
        bobs = _watch(channel, bob)
        assert (await bobs.read()).event_type == BOOKMARK
        for stream in (*open_streams, bobs):
            stream.cancel()
    assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert from_rpc_error(refused).reason == "ERROR_REASON_TOO_MANY_REQUESTS"


async def test_a_call_without_a_deadline_gets_the_server_ceiling(
    start: Start, errors: Errors
) -> None:
    running = await start(max_call_seconds=0.5)
    # Another process holding the write lock keeps the call waiting for as long as it likes.
    with writes_held(running.settings.database_url):
        async with grpc.aio.insecure_channel(running.address) as channel:
            stub: Any = user_service_pb2_grpc.UserServiceStub(channel)
            request = pb.CreateUserRequest(
                user=user_pb2.User(email="slow@example.com", display_name="S"), user_id="slow"
            )
            error = await errors.expect(stub.CreateUser(request))  # no deadline at all
    assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    decoded = from_rpc_error(error)
    assert (decoded.reason, decoded.metadata) == (
        "ERROR_REASON_DEADLINE_EXCEEDED",
        {"max_seconds": "0.5"},
    )


async def test_oversized_metadata_is_refused_and_other_calls_still_succeed(
    start: Start, errors: Errors
) -> None:
    running = await start(max_metadata_bytes=8192)
    async with grpc.aio.insecure_channel(running.address) as channel:
        stub: Any = user_service_pb2_grpc.UserServiceStub(channel)
        # Just over the limit: grpc's own default would reject only some of these.
        padding = (("x-padding", "a" * 9000),)
        for _ in range(5):
            error = await errors.expect(stub.ListUsers(pb.ListUsersRequest(), metadata=padding))
            assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert list((await stub.ListUsers(pb.ListUsersRequest(), timeout=10)).users) == []
    assert running.in_flight.started == 1


async def test_the_server_announces_its_per_connection_stream_limit(start: Start) -> None:
    running = await start(max_streams_per_connection=7)
    assert await asyncio.to_thread(h2client.advertised_max_streams, running.address) == 7


async def _serve_through(attack: asyncio.Future[Any], address: str, least: int) -> None:
    """Legitimate calls until the attack ends (at least `least`); each must succeed.

    A failed call raises; an attack that never ends is failed by the test timeout.
    """
    served = 0
    async with UserClient(address) as users:
        while served < least or not attack.done():
            await users.list_users(timeout=10)
            served += 1


async def test_a_ping_flood_gets_goaway_while_other_clients_are_served(start: Start) -> None:
    running = await start()
    attack = asyncio.ensure_future(asyncio.to_thread(h2client.ping_flood, running.address, 200))
    await _serve_through(attack, running.address, least=20)
    assert await attack == h2.errors.ErrorCodes.ENHANCE_YOUR_CALM


async def test_rapidly_reset_streams_do_not_stop_other_clients_from_being_served(
    start: Start,
) -> None:
    running = await start()
    attack = asyncio.ensure_future(asyncio.to_thread(h2client.rapid_reset, running.address, 2000))
    await _serve_through(attack, running.address, least=20)
    assert await attack > 0
