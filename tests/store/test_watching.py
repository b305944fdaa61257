"""A watch over a real store and feed: the bookmark, the backlog in batches, then live changes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from roster_user.domain.errors import OutOfRange, Reason, ResourceExhausted, Unavailable
from roster_user.domain.paging import PageTokens
from roster_user.store.base import UserStore
from roster_user.users.directory import UserDirectory
from roster_user.users.feed import ChangeFeed
from roster_user.users.watching import Bookmark, Watched, watch
from tests.store.test_contract import a_user
from tests.support.waiting import until


@pytest.fixture
async def feed(store: UserStore) -> AsyncIterator[ChangeFeed]:
    """A started feed over the store, polling rarely: tests nudge it."""
    started = ChangeFeed(
        store, poll_seconds=30, quiet_seconds=30, round_seconds=0, buffer=100, max_streams=10
    )
    await started.start()
    try:
        yield started
    finally:
        await started.close()


@pytest.fixture
def users(store: UserStore) -> UserDirectory:
    """The directory the watch reads the backlog through."""
    return UserDirectory(store, PageTokens(b"k" * 32))


def revisions(item: Watched) -> list[int] | Bookmark:
    """A batch as its revisions, a bookmark as itself."""
    return item if isinstance(item, Bookmark) else [change.revision for change in item]


async def created(store: UserStore, feed: ChangeFeed, count: int) -> None:
    """Create `count` users and wait until the feed has read them all."""
    for n in range(count):
        await store.create(a_user(n), None)
    feed.nudge()
    await until(lambda: feed.position == count, f"the feed to reach revision {count}")


async def test_a_watch_yields_a_bookmark_then_the_backlog_in_batches_of_at_most_the_asked_size(
    store: UserStore, users: UserDirectory, feed: ChangeFeed
) -> None:
    await created(store, feed, 7)
    watched = watch(users, feed, start_revision=1, per_batch=4)
    async with contextlib.aclosing(watched), asyncio.timeout(10):
        assert [revisions(await anext(watched)) for _ in range(3)] == [
            Bookmark(1),
            [2, 3, 4, 5],
            [6, 7],
        ]


async def test_after_the_backlog_a_watch_yields_each_new_change_once(
    store: UserStore, users: UserDirectory, feed: ChangeFeed
) -> None:
    await created(store, feed, 2)
    watched = watch(users, feed, start_revision=1, per_batch=1)
    async with contextlib.aclosing(watched), asyncio.timeout(10):
        assert [revisions(await anext(watched)) for _ in range(2)] == [Bookmark(1), [2]]
        await store.create(a_user(2), None)
        feed.nudge()
        assert revisions(await anext(watched)) == [3]


async def test_closing_a_watch_ends_its_subscription(
    users: UserDirectory, feed: ChangeFeed
) -> None:
    watched = watch(users, feed, start_revision=0, per_batch=1)
    assert await anext(watched) == Bookmark(0)
    assert feed.open_streams == 1
    await watched.aclose()
    assert feed.open_streams == 0


async def test_a_watch_from_a_pruned_revision_is_out_of_range_and_holds_no_subscription(
    store: UserStore, users: UserDirectory, feed: ChangeFeed
) -> None:
    await created(store, feed, 5)
    await store.prune_changes(2)
    with pytest.raises(OutOfRange) as refused:
        await anext(watch(users, feed, start_revision=1, per_batch=1))
    assert refused.value.metadata == {"oldest_resumable_revision": "3"}
    assert feed.open_streams == 0


async def test_a_watcher_that_falls_behind_is_told_to_slow_down_with_its_last_revision(
    store: UserStore, users: UserDirectory
) -> None:
    small = ChangeFeed(
        store, poll_seconds=30, quiet_seconds=30, round_seconds=0, buffer=2, max_streams=10
    )
    await small.start()
    try:
        watched = watch(users, small, start_revision=0, per_batch=1)
        async with contextlib.aclosing(watched), asyncio.timeout(10):
            assert await anext(watched) == Bookmark(0)
            await created(store, small, 3)  # one more than the buffer holds
            assert [revisions(await anext(watched)) for _ in range(2)] == [[1], [2]]
            with pytest.raises(ResourceExhausted) as ended:
                await anext(watched)
    finally:
        await small.close()
    assert (ended.value.message, ended.value.reason, ended.value.metadata) == (
        "this watcher fell too far behind; resume from the last revision received",
        Reason.WATCHER_TOO_SLOW,
        {"last_revision": "2"},
    )


async def test_a_watch_ended_by_shutdown_is_unavailable_with_its_last_revision(
    store: UserStore, users: UserDirectory, feed: ChangeFeed
) -> None:
    watched = watch(users, feed, start_revision=0, per_batch=1)
    async with contextlib.aclosing(watched), asyncio.timeout(10):
        assert await anext(watched) == Bookmark(0)
        await created(store, feed, 1)
        assert revisions(await anext(watched)) == [1]
        await feed.close()
        with pytest.raises(Unavailable) as ended:
            await anext(watched)
    assert (ended.value.message, ended.value.reason, ended.value.metadata) == (
        "the server is shutting down; resume on another replica",
        Reason.SHUTTING_DOWN,
        {"last_revision": "1"},
    )


async def test_a_watch_from_the_newest_revision_starts_with_no_backlog(
    store: UserStore, users: UserDirectory, feed: ChangeFeed
) -> None:
    await created(store, feed, 3)
    watched = watch(users, feed, start_revision=3, per_batch=10)
    async with contextlib.aclosing(watched), asyncio.timeout(10):
        assert await anext(watched) == Bookmark(3)
        await store.create(a_user(3), None)
        feed.nudge()
        assert revisions(await anext(watched)) == [4]


async def test_a_backlog_longer_than_one_read_arrives_whole_and_in_order(
    store: UserStore, users: UserDirectory, feed: ChangeFeed
) -> None:
    await created(store, feed, 1001)
    watched = watch(users, feed, start_revision=1, per_batch=1000)
    async with contextlib.aclosing(watched), asyncio.timeout(30):
        assert await anext(watched) == Bookmark(1)
        seen: list[int] = []
        while len(seen) < 1000:
            batch = revisions(await anext(watched))
            assert isinstance(batch, list) and 0 < len(batch) <= 1000
            seen += batch
    assert seen == list(range(2, 1002))


async def test_a_watch_of_one_change_per_response_is_served_at_once_not_in_rounds(
    store: UserStore, users: UserDirectory
) -> None:
    hourly = ChangeFeed(
        store, poll_seconds=30, quiet_seconds=3600, round_seconds=3600, buffer=10, max_streams=10
    )
    await hourly.start()
    try:
        watched = watch(users, hourly, start_revision=0, per_batch=1)
        async with contextlib.aclosing(watched), asyncio.timeout(10):
            assert await anext(watched) == Bookmark(0)
            for expected in (1, 2):
                await store.create(a_user(expected), None)
                hourly.nudge()
                assert revisions(await anext(watched)) == [expected]
    finally:
        await hourly.close()


def unstarted(store: UserStore) -> ChangeFeed:
    """A feed whose steps the test runs itself (reads, round hand-overs), so nothing races it."""
    return ChangeFeed(
        store, poll_seconds=30, quiet_seconds=30, round_seconds=0, buffer=100, max_streams=10
    )


async def test_a_bookmark_after_a_quiet_spell_names_the_last_revision_sent(
    store: UserStore, users: UserDirectory
) -> None:
    quick = ChangeFeed(
        store, poll_seconds=30, quiet_seconds=0.2, round_seconds=0, buffer=10, max_streams=10
    )
    await quick.start()
    try:
        watched = watch(users, quick, start_revision=0, per_batch=1)
        async with contextlib.aclosing(watched), asyncio.timeout(10):
            assert await anext(watched) == Bookmark(0)
            await created(store, quick, 1)
            item = await anext(watched)
            while isinstance(item, Bookmark):  # a quiet spell may pass before the change
                item = await anext(watched)
            assert revisions(item) == [1]
            assert await anext(watched) == Bookmark(1)
    finally:
        await quick.close()


async def test_changes_ready_together_go_out_in_one_batch_of_up_to_the_asked_size(
    store: UserStore, users: UserDirectory
) -> None:
    feed = unstarted(store)
    watched = watch(users, feed, start_revision=0, per_batch=3)
    async with contextlib.aclosing(watched), asyncio.timeout(10):
        assert await anext(watched) == Bookmark(0)
        for n in range(4):
            await store.create(a_user(n), None)
        await feed._deliver_batch()
        feed._hand_over_round()
        assert [revisions(await anext(watched)) for _ in range(2)] == [[1, 2, 3], [4]]


async def test_a_watch_of_two_changes_per_response_waits_for_the_round(
    store: UserStore, users: UserDirectory
) -> None:
    feed = unstarted(store)
    watched = watch(users, feed, start_revision=0, per_batch=2)
    async with contextlib.aclosing(watched), asyncio.timeout(10):
        assert await anext(watched) == Bookmark(0)
        await store.create(a_user(1), None)
        await feed._deliver_batch()
        pending = asyncio.ensure_future(anext(watched))
        for _ in range(20):  # ample turns to take a change that were already queued
            await asyncio.sleep(0)
        assert not pending.done()
        feed._hand_over_round()
        assert revisions(await pending) == [1]


async def test_changes_sent_from_the_backlog_are_not_sent_again_live(
    store: UserStore, users: UserDirectory
) -> None:
    feed = unstarted(store)
    feed.subscribe(in_rounds=True)  # so the feed holds what it reads for the next round
    for n in (1, 2):
        await store.create(a_user(n), None)
    await feed._deliver_batch()
    # Subscribed after the read: the backlog sends 2, and the round then hands over 1 and 2.
    watched = watch(users, feed, start_revision=1, per_batch=10)
    async with contextlib.aclosing(watched), asyncio.timeout(10):
        assert [revisions(await anext(watched)) for _ in range(2)] == [Bookmark(1), [2]]
        feed._hand_over_round()
        await store.create(a_user(3), None)
        await feed._deliver_batch()
        feed._hand_over_round()
        assert revisions(await anext(watched)) == [3]


async def test_changes_pruned_while_a_watch_reads_its_backlog_end_it_as_out_of_range(
    store: UserStore, users: UserDirectory
) -> None:
    feed = unstarted(store)
    for n in range(3):
        await store.create(a_user(n), None)
    await feed._deliver_batch()  # nobody subscribed: the position moves to 3
    watched = watch(users, feed, start_revision=1, per_batch=10)
    async with contextlib.aclosing(watched), asyncio.timeout(10):
        assert await anext(watched) == Bookmark(1)
        await store.create(a_user(3), None)
        await store.prune_changes(1)  # 2 and 3 are gone before the backlog is read
        with pytest.raises(OutOfRange) as ended:
            await anext(watched)
    assert ended.value.metadata == {"oldest_resumable_revision": "3"}


async def test_a_watch_from_the_newest_revision_goes_live_though_older_changes_are_pruned_meanwhile(
    store: UserStore, users: UserDirectory
) -> None:
    feed = unstarted(store)
    for n in range(3):
        await store.create(a_user(n), None)
    await feed._deliver_batch()  # nobody subscribed: the position moves to 3
    watched = watch(users, feed, start_revision=3, per_batch=1)
    async with contextlib.aclosing(watched), asyncio.timeout(10):
        assert await anext(watched) == Bookmark(3)
        for n in (3, 4):
            await store.create(a_user(n), None)
        await feed._deliver_batch()
        await store.prune_changes(1)  # only 5 is kept: 3 and 4 are gone, yet nothing is missed
        assert [revisions(await anext(watched)) for _ in range(2)] == [[4], [5]]
