"""The change feed's limits and fan-out: stream limit at and one past, rounds, quiet markers, writes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from roster_user.domain.errors import Reason, ResourceExhausted, Unavailable
from roster_user.domain.model import Change
from roster_user.store.base import UserStore
from roster_user.users.feed import QUIET, ChangeFeed, Subscription
from tests.store.test_contract import a_user
from tests.support.waiting import until


@pytest.fixture
async def feed(store: UserStore) -> AsyncIterator[ChangeFeed]:
    """A started feed allowing two streams; rounds an hour apart, so only the first is due."""
    started = ChangeFeed(
        store, poll_seconds=30, quiet_seconds=3600, round_seconds=3600, buffer=10, max_streams=2
    )
    await started.start()
    try:
        yield started
    finally:
        await started.close()


async def revision_of(subscription: Subscription) -> int:
    """The revision of the subscription's next item, which must be a change."""
    async with asyncio.timeout(10):
        item = await subscription.next()
    assert isinstance(item, Change), item
    return item.revision


async def test_exactly_the_stream_limit_may_subscribe_and_one_more_is_refused(
    feed: ChangeFeed,
) -> None:
    first, _ = feed.subscribe(), feed.subscribe(in_rounds=True)
    assert feed.open_streams == 2
    with pytest.raises(ResourceExhausted) as refused:
        feed.subscribe()
    assert (refused.value.message, refused.value.reason) == (
        "too many open watch streams; retry later",
        Reason.TOO_MANY_REQUESTS,
    )
    feed.unsubscribe(first)
    assert feed.open_streams == 1
    feed.subscribe()


async def test_a_round_subscription_leaves_when_unsubscribed(feed: ChangeFeed) -> None:
    in_rounds = feed.subscribe(in_rounds=True)
    feed.unsubscribe(in_rounds)
    assert feed.open_streams == 0


async def test_a_closed_feed_refuses_subscribers_as_shutting_down(feed: ChangeFeed) -> None:
    await feed.close()
    with pytest.raises(Unavailable) as refused:
        feed.subscribe()
    assert (refused.value.message, refused.value.reason) == (
        "the server is shutting down; watch on another replica",
        Reason.SHUTTING_DOWN,
    )


async def test_changes_go_out_at_once_but_to_round_subscribers_once_per_round(
    store: UserStore, feed: ChangeFeed
) -> None:
    at_once, in_rounds = feed.subscribe(), feed.subscribe(in_rounds=True)
    await store.create(a_user(1), None)
    feed.written()
    assert await revision_of(at_once) == 1
    assert await revision_of(in_rounds) == 1  # the first round is due at once
    await store.create(a_user(2), None)
    feed.written()
    assert await revision_of(at_once) == 2
    # Handed over in the same pass as the at-once delivery if it were due: it is not.
    assert in_rounds.queued == 0


async def test_a_write_tells_every_write_listener_and_a_nudge_tells_none(store: UserStore) -> None:
    heard: list[str] = []
    feed = ChangeFeed(
        store,
        poll_seconds=30,
        quiet_seconds=3600,
        round_seconds=0,
        buffer=10,
        max_streams=2,
        write_listeners=[lambda: heard.append("a"), lambda: heard.append("b")],
    )
    await feed.start()
    try:
        feed.nudge()
        feed.written()
        assert heard == ["a", "b"]
    finally:
        await feed.close()


async def test_a_quiet_spell_queues_a_quiet_marker(store: UserStore) -> None:
    feed = ChangeFeed(
        store, poll_seconds=30, quiet_seconds=0.2, round_seconds=0, buffer=10, max_streams=2
    )
    await feed.start()
    try:
        subscription = feed.subscribe()
        async with asyncio.timeout(10):
            assert await subscription.next() is QUIET
    finally:
        await feed.close()


async def test_the_feed_starts_at_the_newest_committed_revision(store: UserStore) -> None:
    for n in range(2):
        await store.create(a_user(n), None)
    feed = ChangeFeed(
        store, poll_seconds=30, quiet_seconds=3600, round_seconds=0, buffer=10, max_streams=2
    )
    await feed.start()
    try:
        assert feed.position == 2
        subscription = feed.subscribe()
        assert subscription.start == 2
        await store.create(a_user(2), None)
        feed.nudge()
        assert await revision_of(subscription) == 3
        await until(lambda: feed.position == 3, "the position to follow")
    finally:
        await feed.close()
