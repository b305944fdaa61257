"""WatchUsers: ordered, resumable change feed with bookmarks and bounded memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from roster.user.v1 import user_pb2, user_service_pb2_grpc
from roster.user.v1 import user_service_pb2 as pb
from roster_client import (
    InvalidArgumentError,
    OutOfRangeError,
    ResourceExhaustedError,
    UnavailableError,
    UserClient,
)
from roster_client.errors import from_rpc_error
from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.server import build_server
from tests.conftest import a_user, with_settings
from tests.support.errors import assert_error

Event = pb.WatchUsersResponse
BOOKMARK = Event.EVENT_TYPE_BOOKMARK


async def next_event(stream: AsyncIterator[Event]) -> Event:
    """The next message, failing the test if none arrives within 10 seconds."""
    return await asyncio.wait_for(anext(stream), 10)


async def changes(stream: AsyncIterator[Event], count: int) -> list[Event]:
    """The next `count` non-bookmark events."""
    found: list[Event] = []
    while len(found) < count:
        event = await next_event(stream)
        if event.event_type != BOOKMARK:
            found.append(event)
    return found


async def make_changes(client: UserClient, user_id: str) -> None:
    """Create, update, delete and undelete one user."""
    user = await client.create_user(a_user(user_id), user_id=user_id)
    await client.update_user(
        user_pb2.User(name=user.name, display_name="changed"), ["display_name"]
    )
    await client.delete_user(user.name)
    await client.undelete_user(user.name)


async def test_a_watcher_sees_every_change_in_commit_order(client: UserClient) -> None:
    stream = client.watch_users()
    first = await next_event(stream)
    assert first.event_type == BOOKMARK and not first.HasField("user")
    await make_changes(client, "w1")
    events = await changes(stream, 4)
    assert [e.event_type for e in events] == [
        Event.EVENT_TYPE_CREATED,
        Event.EVENT_TYPE_UPDATED,
        Event.EVENT_TYPE_DELETED,
        Event.EVENT_TYPE_UNDELETED,
    ]
    revisions = [e.revision for e in events]
    assert revisions == sorted(set(revisions)) and revisions[0] > first.revision
    assert {e.user.name for e in events} == {"users/w1"}
    assert events[1].user.display_name == "changed" and events[2].user.HasField("delete_time")


async def test_a_watcher_that_reconnects_from_its_last_revision_misses_nothing_and_repeats_nothing(
    client: UserClient,
) -> None:
    stream = client.watch_users()
    await next_event(stream)
    await make_changes(client, "r1")
    seen = await changes(stream, 2)
    await stream.aclose()
    await make_changes(client, "r2")
    resumed = client.watch_users(seen[-1].revision)
    bookmark = await next_event(resumed)
    assert (bookmark.event_type, bookmark.revision) == (BOOKMARK, seen[-1].revision)
    rest = await changes(resumed, 6)
    revisions = [e.revision for e in seen + rest]
    assert revisions == list(range(revisions[0], revisions[0] + 8))
    assert [e.user.name for e in rest] == ["users/r1"] * 2 + ["users/r2"] * 4


async def test_concurrent_writers_are_seen_by_two_watchers_in_the_same_order(
    client: UserClient,
) -> None:
    one, two = client.watch_users(), client.watch_users()
    await next_event(one)
    await next_event(two)
    await asyncio.gather(*(client.create_user(a_user(f"c{n}")) for n in range(40)))
    first, second = await changes(one, 40), await changes(two, 40)
    assert [e.revision for e in first] == [e.revision for e in second]
    assert [e.revision for e in first] == sorted(e.revision for e in first)


async def test_a_negative_or_future_start_revision_is_invalid(client: UserClient) -> None:
    await client.create_user(a_user(1))
    for revision in (-1, 1000):
        with pytest.raises(InvalidArgumentError) as caught:
            await next_event(client.watch_users(revision))
        assert_error(
            caught.value,
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            field="start_revision",
        )


async def test_a_revision_older_than_the_retained_history_is_out_of_range(
    client: UserClient, server: object
) -> None:
    for n in range(5):
        await client.create_user(a_user(n))
    await server.store.prune_changes(2)  # type: ignore[attr-defined]
    with pytest.raises(OutOfRangeError) as caught:
        await next_event(client.watch_users(1))
    assert_error(caught.value, grpc.StatusCode.OUT_OF_RANGE, "REVISION_NOT_RETAINED")
    resumable = client.watch_users(3)
    assert (await next_event(resumable)).revision == 3
    assert [e.revision for e in await changes(resumable, 2)] == [4, 5]


async def test_a_watcher_too_slow_to_keep_up_is_cut_off_with_a_clear_status(
    settings: Settings,
) -> None:
    running = await build_server(with_settings(settings, watch_buffer_events=5))
    # A watcher that reads nothing while the changes are made, on a transport that
    # buffers almost nothing for it (a small HTTP/2 window that never grows), so the
    # server's per-watcher queue is what fills up, whatever the store's commit pattern.
    options = [("grpc.http2.bdp_probe", 0), ("grpc.http2.lookahead_bytes", 1024)]
    try:
        async with (
            UserClient(running.address) as client,
            grpc.aio.insecure_channel(running.address, options=options) as channel,
        ):
            stub: Any = user_service_pb2_grpc.UserServiceStub(channel)
            call = stub.WatchUsers(pb.WatchUsersRequest())
            assert (await asyncio.wait_for(call.read(), 10)).event_type == BOOKMARK
            for start in range(0, 600, 50):
                await asyncio.gather(
                    *(client.create_user(a_user(f"slow{n}")) for n in range(start, start + 50))
                )
            received: list[Event] = []
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                while True:
                    event = await asyncio.wait_for(call.read(), 10)
                    assert event is not grpc.aio.EOF
                    received.append(event)
            error = from_rpc_error(caught.value)
            assert_error(error, grpc.StatusCode.RESOURCE_EXHAUSTED, "WATCHER_TOO_SLOW")
            revisions = [e.revision for e in received if e.event_type != BOOKMARK]
            assert revisions == list(range(1, len(revisions) + 1))
            assert len(revisions) < 600
            assert error.metadata["last_revision"] == str(revisions[-1] if revisions else 0)
    finally:
        await shutdown.drain(running)


async def test_too_many_watch_streams_are_refused_while_others_are_served(
    settings: Settings,
) -> None:
    running = await build_server(with_settings(settings, max_watch_streams=2))
    try:
        async with UserClient(running.address) as client:
            open_streams = [client.watch_users(), client.watch_users()]
            for stream in open_streams:
                await next_event(stream)
            with pytest.raises(ResourceExhaustedError) as caught:
                await next_event(client.watch_users())
            assert_error(caught.value, grpc.StatusCode.RESOURCE_EXHAUSTED, "TOO_MANY_REQUESTS")
            await client.create_user(a_user(1))
            assert len(await changes(open_streams[0], 1)) == 1
    finally:
        await shutdown.drain(running)


async def test_shutdown_ends_open_watch_streams_with_unavailable_and_the_last_revision(
    settings: Settings,
) -> None:
    running = await build_server(settings)
    async with UserClient(running.address) as client:
        stream = client.watch_users()
        await next_event(stream)
        await client.create_user(a_user(1))
        (event,) = await changes(stream, 1)
        draining = asyncio.create_task(shutdown.drain(running))
        with pytest.raises(UnavailableError) as caught:
            await next_event(stream)
        await draining
    assert_error(caught.value, grpc.StatusCode.UNAVAILABLE, "SHUTTING_DOWN")
    assert caught.value.metadata["last_revision"] == str(event.revision)


async def test_quiet_streams_receive_bookmarks_at_the_current_revision(settings: Settings) -> None:
    running = await build_server(with_settings(settings, watch_bookmark_seconds=0.2))
    try:
        async with UserClient(running.address) as client:
            stream = client.watch_users()
            await next_event(stream)
            await client.create_user(a_user(1))
            (created,) = await changes(stream, 1)
            later = await next_event(stream)
            assert (later.event_type, later.revision) == (BOOKMARK, created.revision)
    finally:
        await shutdown.drain(running)


async def responses_until(stream: AsyncIterator[Event], count: int) -> list[Event]:
    """Responses up to the one holding the `count`th change, bookmarks left out."""
    found: list[Event] = []
    while sum(len(r.changes) for r in found) < count:
        response = await next_event(stream)
        if response.event_type != BOOKMARK:
            found.append(response)
    return found


def assert_batched(responses: list[Event], most: int) -> list[Event]:
    """Check the batched shape and return the changes, in order."""
    for response in responses:
        assert 1 <= len(response.changes) <= most
        assert response.event_type == Event.EVENT_TYPE_UNSPECIFIED
        assert not response.HasField("user") and not response.HasField("commit_time")
        assert response.revision == response.changes[-1].revision
        assert all(not change.changes for change in response.changes)
    return [change for response in responses for change in response.changes]


async def test_a_backlog_arrives_in_responses_of_at_most_the_asked_number_of_changes(
    client: UserClient,
) -> None:
    watcher = client.watch_users()
    await next_event(watcher)
    await client.create_user(a_user("b-start"))  # start_revision 0 would mean "from now"
    start = (await changes(watcher, 1))[0].revision
    for n in range(30):
        await client.create_user(a_user(f"b{n}"), user_id=f"b{n}")
    # Once a watcher has them all, the feed has read them: a stream opened now gets
    # all 30 from the change log (its backlog), none live.
    await changes(watcher, 30)
    stream = client.watch_users(start, max_changes_per_response=7)
    first = await next_event(stream)
    assert (first.event_type, first.revision, len(first.changes)) == (BOOKMARK, start, 0)
    responses = await responses_until(stream, 30)
    assert [len(r.changes) for r in responses] == [7, 7, 7, 7, 2]
    found = assert_batched(responses, 7)
    assert [c.revision for c in found] == list(range(start + 1, start + 31))
    assert [c.user.name for c in found] == [f"users/b{n}" for n in range(30)]
    assert {c.event_type for c in found} == {Event.EVENT_TYPE_CREATED}


async def test_live_changes_taken_several_per_response_arrive_once_and_in_order(
    client: UserClient,
) -> None:
    stream = client.watch_users(max_changes_per_response=1_000_000)  # counts as 1000
    start = (await next_event(stream)).revision
    await asyncio.gather(*(client.create_user(a_user(f"l{n}")) for n in range(40)))
    found = assert_batched(await responses_until(stream, 40), 1000)
    assert [c.revision for c in found] == list(range(start + 1, start + 41))


async def test_a_negative_changes_per_response_is_invalid(client: UserClient) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await next_event(client.watch_users(max_changes_per_response=-1))
    assert_error(caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT")
    assert [v.field for v in caught.value.field_violations] == ["max_changes_per_response"]


async def test_changes_made_faster_than_a_round_reach_a_batching_watcher_together(
    settings: Settings,
) -> None:
    # One round per 2 s: the first change goes out at once, the nine made right
    # after it wait for the next round and share a response. Delivered as each
    # was made, they would take ten responses.
    running = await build_server(with_settings(settings, watch_round_seconds=2.0))
    try:
        async with UserClient(running.address) as client:
            stream = client.watch_users(max_changes_per_response=100)
            await next_event(stream)
            for n in range(10):
                await client.create_user(a_user(f"r{n}"))
            responses = await responses_until(stream, 10)
            assert len(assert_batched(responses, 100)) == 10
            assert len(responses) <= 3, [len(r.changes) for r in responses]
    finally:
        await shutdown.drain(running)


async def test_a_watcher_taking_one_change_per_response_is_never_held_for_a_round(
    settings: Settings,
) -> None:
    # Rounds of 30 s: were single-change watchers held for them, all but the
    # first change would miss next_event's 10 s deadline.
    running = await build_server(with_settings(settings, watch_round_seconds=30.0))
    try:
        async with UserClient(running.address) as client:
            single = client.watch_users()
            batching = client.watch_users(max_changes_per_response=100)
            await next_event(single)
            await next_event(batching)
            for n in range(5):
                await client.create_user(a_user(f"s{n}"))
            events = await changes(single, 5)
            assert [e.user.email for e in events] == [a_user(f"s{n}").email for n in range(5)]
            assert not any(e.changes for e in events)
    finally:
        await shutdown.drain(running)
