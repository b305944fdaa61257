"""Watchers give way: while the event loop lags, the watcher furthest behind is cut off, not the writers."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import grpc

from roster.user.v1 import user_service_pb2 as pb
from roster.user.v1 import user_service_pb2_grpc
from roster_client import ResourceExhaustedError, UserClient
from roster_client.errors import from_rpc_error
from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.server import build_server
from tests.conftest import a_user, with_settings
from tests.support.errors import assert_error
from tests.support.waiting import until

BOOKMARK = pb.WatchUsersResponse.EVENT_TYPE_BOOKMARK
WRITES = 300
# A small HTTP/2 window that never grows: what the watcher does not read waits
# in the server's queue for it, not in the transport.
SMALL_WINDOW = [("grpc.http2.bdp_probe", 0), ("grpc.http2.lookahead_bytes", 1024)]


async def stall_the_loop(seconds: float) -> None:
    """Hold the event loop again and again, as a fan-out that takes all of it does."""
    while True:
        time.sleep(seconds)  # noqa: ASYNC251 - blocking the loop is the point
        await asyncio.sleep(0.01)


async def created_once(client: UserClient) -> bool:
    """Create the user written after the stall, unless admission still refuses it."""
    try:
        await client.create_user(a_user("after"), user_id="after")
    except ResourceExhaustedError:
        return False
    return True


async def test_while_the_loop_lags_the_watcher_furthest_behind_is_cut_off_with_where_to_resume(
    settings: Settings,
) -> None:
    # A buffer far larger than the writes: only the lag can cut this watcher off.
    running = await build_server(with_settings(settings, watch_buffer_events=100_000))
    try:
        async with (
            UserClient(running.address) as client,
            grpc.aio.insecure_channel(running.address, options=SMALL_WINDOW) as channel,
        ):
            stub: Any = user_service_pb2_grpc.UserServiceStub(channel)
            stalled = stub.WatchUsers(pb.WatchUsersRequest())
            assert (await asyncio.wait_for(stalled.read(), 10)).event_type == BOOKMARK
            keeping_up = client.watch_users()
            assert (await anext(keeping_up)).event_type == BOOKMARK
            for start in range(0, WRITES, 50):  # every write succeeds
                await asyncio.gather(
                    *(client.create_user(a_user(f"w{n}")) for n in range(start, start + 50))
                )
            seen = [await anext(keeping_up) for _ in range(WRITES)]
            assert [event.revision for event in seen] == list(range(1, WRITES + 1))

            stall = asyncio.create_task(stall_the_loop(running.settings.max_queue_seconds * 2))
            try:
                await until(lambda: running.feed.cut_off >= 1, "a watcher cut off")
            finally:
                stall.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await stall

            received: list[pb.WatchUsersResponse] = []
            try:
                while True:
                    event = await asyncio.wait_for(stalled.read(), 10)
                    assert event is not grpc.aio.EOF
                    received.append(event)
            except grpc.aio.AioRpcError as caught:
                error = from_rpc_error(caught)
            assert_error(error, grpc.StatusCode.RESOURCE_EXHAUSTED, "WATCHER_TOO_SLOW")
            revisions = [e.revision for e in received if e.event_type != BOOKMARK]
            assert revisions == list(range(1, len(revisions) + 1))
            assert len(revisions) < WRITES
            assert error.metadata["last_revision"] == str(revisions[-1] if revisions else 0)

            # The watcher that kept up is still served, once the loop has caught up.
            await until(lambda: created_once(client), "a write admitted after the stall")
            after = await asyncio.wait_for(anext(keeping_up), 10)
            while after.event_type == BOOKMARK:
                after = await asyncio.wait_for(anext(keeping_up), 10)
            assert after.revision == WRITES + 1
    finally:
        await shutdown.drain(running)
