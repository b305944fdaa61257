"""The change feed over a real store: its position, its subscribers, and its shutdown."""

from __future__ import annotations

import asyncio

from roster_user.domain.model import Change
from roster_user.store.base import UserStore
from roster_user.users.feed import ChangeFeed, Closed
from tests.store.test_contract import a_user
from tests.support.waiting import until


async def test_with_no_subscribers_the_position_follows_the_writes_and_later_ones_are_delivered(
    store: UserStore,
) -> None:
    feed = ChangeFeed(
        store, poll_seconds=30, quiet_seconds=30, round_seconds=0, buffer=10, max_streams=10
    )
    await feed.start()
    try:
        for n in range(3):
            await store.create(a_user(n), None)
        feed.nudge()
        await until(lambda: feed.position == 3, "the feed to reach revision 3")
        subscription = feed.subscribe()
        assert subscription.start == 3
        await store.create(a_user(3), None)
        feed.nudge()
        async with asyncio.timeout(10):
            change = await subscription.next()
        assert isinstance(change, Change)
        assert (change.revision, change.user.user_id) == (4, "user-3")
    finally:
        await feed.close()


async def test_closing_right_after_a_nudge_stops_the_feed(store: UserStore) -> None:
    feed = ChangeFeed(
        store, poll_seconds=30, quiet_seconds=30, round_seconds=0, buffer=10, max_streams=10
    )
    await feed.start()
    subscription = feed.subscribe()
    for _ in range(20):  # let the tail task settle into its wait for a nudge
        await asyncio.sleep(0)
    # A commit's nudge and the shutdown's cancellation land in the same loop
    # turn: asyncio.wait_for on Python 3.11 would swallow the cancellation here
    # and the feed's task would run on, so close() would never return.
    feed.nudge()
    async with asyncio.timeout(10):
        await feed.close()
    async with asyncio.timeout(1):
        assert isinstance(await subscription.next(), Closed)
