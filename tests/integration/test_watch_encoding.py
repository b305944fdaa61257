"""WatchUsers: every watcher of a change receives the very same bytes, as a message encodes them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from google.protobuf.message import Message

from roster.user.v1 import user_service_pb2 as v1_pb
from roster.user.v2 import user_pb2 as v2_user_pb2
from roster.user.v2 import user_service_pb2 as v2_pb
from roster_client.v2 import UserClientV2
from roster_user.lifecycle.running import Running

WATCHERS = 3
CHANGES = 3
CONTRACTS: dict[str, tuple[str, type[Message], type[Message]]] = {
    "v1": (
        "/roster.user.v1.UserService/WatchUsers",
        v1_pb.WatchUsersRequest,
        v1_pb.WatchUsersResponse,
    ),
    "v2": (
        "/roster.user.v2.UserService/WatchUsers",
        v2_pb.WatchUsersRequest,
        v2_pb.WatchUsersResponse,
    ),
}


async def _next(stream: AsyncIterator[bytes]) -> bytes:
    """The next message as it crossed the wire, failing the test if none comes within 10 s."""
    return await asyncio.wait_for(anext(stream), 10)


async def _changes(stream: AsyncIterator[bytes], parse: type[Message], count: int) -> list[bytes]:
    """The messages carrying the next `count` changes, one each or several per message."""
    messages: list[bytes] = []
    seen = 0
    while seen < count:
        message = await _next(stream)
        messages.append(message)
        parsed: Any = parse.FromString(message)
        seen += len(parsed.changes) or 1
    return messages


@pytest.mark.parametrize("per_response", [1, 10], ids=["single", "batched"])
@pytest.mark.parametrize("contract", ["v1", "v2"])
async def test_every_watcher_receives_identical_bytes_for_each_change(
    server: Running, contract: str, per_response: int
) -> None:
    method, request_type, parse = CONTRACTS[contract]
    request = request_type(max_changes_per_response=per_response)
    async with grpc.aio.insecure_channel(server.address) as channel:
        watch: grpc.aio.UnaryStreamMultiCallable[Message, bytes] = channel.unary_stream(
            method, request_serializer=request_type.SerializeToString
        )
        streams: list[AsyncIterator[bytes]] = [aiter(watch(request)) for _ in range(WATCHERS)]
        bookmarks = [await _next(stream) for stream in streams]
        assert len(set(bookmarks)) == 1  # all start at the same position
        async with UserClientV2(server.address) as users:
            # One transaction: every watcher is handed the three changes together.
            await users.batch_create_users(
                [(v2_user_pb2.User(email=f"w{n}@example.com"), f"w{n}") for n in range(CHANGES)]
            )
        received = [await _changes(stream, parse, CHANGES) for stream in streams]
    first = received[0]
    assert all(other == first for other in received[1:])
    parsed: list[Any] = [parse.FromString(message) for message in first]
    events = [e for p in parsed for e in (p.changes or [p])]
    assert [e.user.name for e in events] == [f"users/w{n}" for n in range(CHANGES)]
    assert len(parsed) == (CHANGES if per_response == 1 else 1)
    # The shared bytes are what the message-built response encodes to.
    assert first == [p.SerializeToString(deterministic=True) for p in parsed]
