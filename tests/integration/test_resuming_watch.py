"""The Python client's resuming watch against a real server: what it cannot cure surfaces typed.

Reconnects across a drain, a restart and a network cut are exercised for all four
clients by tests/consumers; here are the cases that must end the watch.
"""

from __future__ import annotations

import socket

import pytest

from roster_client import (
    DeadlineExceededError,
    InvalidArgumentError,
    OutOfRangeError,
    RelistRequiredError,
    UserClient,
)
from tests.conftest import a_user


async def test_a_resuming_watch_from_a_revision_no_longer_retained_asks_for_a_relist(
    client: UserClient, server: object
) -> None:
    for n in range(5):
        await client.create_user(a_user(n))
    await server.store.prune_changes(2)  # type: ignore[attr-defined]
    watch = client.watch(1)
    with pytest.raises(RelistRequiredError) as caught:
        await anext(aiter(watch))
    assert isinstance(caught.value, OutOfRangeError)
    assert caught.value.reason == "ERROR_REASON_REVISION_NOT_RETAINED"
    assert watch.reconnects == 0


async def test_a_resuming_watch_does_not_retry_a_request_the_server_rejects(
    client: UserClient,
) -> None:
    watch = client.watch(-1)
    with pytest.raises(InvalidArgumentError):
        await anext(aiter(watch))
    assert watch.reconnects == 0


async def test_a_resuming_watch_delivers_batched_changes_one_per_event(client: UserClient) -> None:
    watch = aiter(client.watch(max_changes_per_response=10))
    start = await anext(watch)
    for n in range(3):
        await client.create_user(a_user(n))
    events = [await anext(watch) for _ in range(3)]
    assert [e.revision for e in events] == [start.revision + n for n in (1, 2, 3)]
    assert all(not e.changes and e.user.name for e in events)


async def test_a_resuming_watch_with_a_timeout_stops_reconnecting_when_it_passes() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{unused.getsockname()[1]}"
    async with UserClient(address) as nowhere:
        watch = nowhere.watch(timeout=1)
        with pytest.raises(DeadlineExceededError):
            await anext(aiter(watch))
    assert watch.reconnects >= 1
