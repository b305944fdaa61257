"""The change feed's steps driven by hand over a real SQLite store: reads, rounds, ends.

The feed is not started unless a test needs its task: the test reads the change
log (`_deliver_batch`) and hands a round over (`_hand_over_round`) itself, so
what each subscriber holds after each step is exact.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from roster_user.domain.errors import Unavailable
from roster_user.domain.model import Change
from roster_user.store.base import UserStore
from roster_user.users.feed import CLOSED, ChangeFeed, Subscription
from tests.store.test_contract import a_user
from tests.support.waiting import until

FAR = 3600.0


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: these tests are about the feed's steps, not the engine."""
    return f"sqlite:///{tmp_path / 'roster.db'}"


def a_feed(store: UserStore, round_seconds: float = 0) -> ChangeFeed:
    """A feed that neither polls nor marks quiet spells in a test, nor cuts anyone on its own."""
    return ChangeFeed(
        store,
        poll_seconds=FAR,
        quiet_seconds=FAR,
        round_seconds=round_seconds,
        buffer=100,
        max_streams=10,
        max_behind_seconds=FAR,
    )


async def create(store: UserStore, *numbers: int) -> None:
    """Commit one user per number."""
    for n in numbers:
        await store.create(a_user(n), None)


def drain(subscription: Subscription) -> list[int]:
    """The revisions of the changes queued for the subscription, taken."""
    return [change.revision for change in subscription.take_ready(1000)]


async def test_changes_read_in_two_reads_before_a_round_are_all_handed_over_in_it(
    store: UserStore,
) -> None:
    feed = a_feed(store)
    in_rounds = feed.subscribe(in_rounds=True)
    await create(store, 1)
    assert await feed._deliver_batch() == 1
    await create(store, 2, 3)
    assert await feed._deliver_batch() == 2
    assert in_rounds.queued == 0
    feed._hand_over_round()
    assert drain(in_rounds) == [1, 2, 3]


@pytest.mark.parametrize("in_rounds", [False, True], ids=["at-once", "in-rounds"])
async def test_changes_handed_over_and_left_waiting_count_as_behind_from_the_hand_over(
    store: UserStore, in_rounds: bool
) -> None:
    feed = a_feed(store)
    subs = [feed.subscribe(in_rounds=in_rounds) for _ in range(2)]
    await create(store, 1)
    await feed._deliver_batch()
    feed._hand_over_round()
    # Both behind for two hours by the loop's clock: one of the two is cut.
    feed._shed_slowest(asyncio.get_running_loop().time() + 2 * FAR)
    assert sum(s.overflowed for s in subs) == 1


async def test_a_watcher_that_took_a_change_while_another_waited_is_still_behind(
    store: UserStore,
) -> None:
    feed = a_feed(store)
    subs = [feed.subscribe() for _ in range(2)]
    await create(store, 1, 2)
    await feed._deliver_batch()
    for subscription in subs:
        assert isinstance(await subscription.next(), Change)  # one of two taken
    feed._shed_slowest(asyncio.get_running_loop().time() + 2 * FAR)
    assert feed.cut_off == 1


async def test_a_watcher_back_for_more_with_nothing_waiting_has_caught_up(
    store: UserStore,
) -> None:
    feed = a_feed(store)
    subs = [feed.subscribe() for _ in range(2)]
    await create(store, 1)
    await feed._deliver_batch()
    waiting = []
    for subscription in subs:
        assert isinstance(await subscription.next(), Change)
        waiting.append(asyncio.create_task(subscription.next()))
    await until(lambda: all(s.behind_since is None for s in subs), "both watchers to come back")
    feed._shed_slowest(asyncio.get_running_loop().time() + 2 * FAR)
    assert feed.cut_off == 0
    await feed.close()
    assert [await task for task in waiting] == [CLOSED, CLOSED]


async def test_closing_a_feed_that_never_started_ends_every_subscription(
    store: UserStore,
) -> None:
    feed = a_feed(store)
    at_once, in_rounds = feed.subscribe(), feed.subscribe(in_rounds=True)
    await feed.close()
    assert (await at_once.next(), await in_rounds.next()) == (CLOSED, CLOSED)


async def test_closing_a_started_feed_stops_its_task_named_change_feed(
    store: UserStore,
) -> None:
    feed = a_feed(store)
    await feed.start()
    tasks = [t for t in asyncio.all_tasks() if t.get_name() == "change-feed"]
    assert len(tasks) == 1
    await feed.close()
    assert tasks[0].done()


async def test_a_change_held_for_the_next_round_arrives_when_that_round_comes(
    store: UserStore,
) -> None:
    feed = a_feed(store, round_seconds=0.05)
    await feed.start()
    try:
        in_rounds = feed.subscribe(in_rounds=True)
        for n in (1, 2):  # the first is handed over at once, the second held for a round
            await create(store, n)
            feed.nudge()
            async with asyncio.timeout(10):
                item = await in_rounds.next()
            assert isinstance(item, Change) and item.revision == n
    finally:
        await feed.close()


async def test_a_feed_that_cannot_read_the_store_warns_and_reads_again_on_the_next_nudge(
    store: UserStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    feed = a_feed(store)
    await feed.start()
    try:
        subscription = feed.subscribe()
        read = store.changes_after
        failures = [Unavailable("the user store is unavailable; retry later")]

        async def failing_once(revision: int, limit: int) -> list[Change]:
            if failures:
                raise failures.pop()
            return await read(revision, limit)

        monkeypatch.setattr(store, "changes_after", failing_once)
        with caplog.at_level(logging.WARNING, logger="roster_user.users.feed"):
            await create(store, 1)
            feed.nudge()
            await until(lambda: not failures, "the failed read")
            feed.nudge()
            async with asyncio.timeout(10):
                item = await subscription.next()
        assert isinstance(item, Change) and item.revision == 1
        assert [r.getMessage() for r in caplog.records if r.name == "roster_user.users.feed"] == [
            "change feed cannot read the store; retrying"
        ]
    finally:
        await feed.close()
