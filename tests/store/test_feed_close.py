"""The change feed stops when told to, even when a write nudges it at that very moment."""

from __future__ import annotations

import asyncio

from roster_user.feed import ChangeFeed
from roster_user.store.base import UserStore


async def test_closing_right_after_a_nudge_stops_the_feed(store: UserStore) -> None:
    feed = ChangeFeed(store, poll_seconds=30, buffer=10, max_streams=10)
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
    assert await subscription.next(1) is not None  # the CLOSED marker, not a quiet None
