"""The feed's own schedule (quiet ticks, rounds) on a loop clock the test moves forward.

The loop's clock runs at its real pace plus an offset the test adds to; the feed's
intervals are a hundred seconds or more, so only the test's jumps make one pass.
Each pass reads the change log once (a subscriber is open), and a pass is over
when its read has returned, so the test waits for reads, not for time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from roster_user.domain.model import Change
from roster_user.store.base import UserStore
from roster_user.users.feed import QUIET, ChangeFeed
from tests.store.test_contract import a_user
from tests.support.waiting import until

TICK = 100.0  # a quarter of the quiet interval
FAR = 3600.0


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: these tests are about the feed's schedule, not the engine."""
    return f"sqlite:///{tmp_path / 'roster.db'}"


class Clock:
    """The running loop's clock, moved forward on demand; passes counted by change-log reads."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._real = loop.time
        self.offset = 0.0
        self.reads = 0

    def time(self) -> float:
        """The loop's time: real time plus every jump so far."""
        return self._real() + self.offset

    def count_reads(self, store: UserStore, monkeypatch: pytest.MonkeyPatch) -> None:
        """Count the store's change-log reads, each once it has returned."""
        read = store.changes_after

        async def counted(revision: int, limit: int) -> list[Change]:
            changes = await read(revision, limit)
            self.reads += 1
            return changes

        monkeypatch.setattr(store, "changes_after", counted)

    async def reached(self, reads: int) -> None:
        """Wait until the feed has read the change log `reads` times in all."""
        await until(lambda: self.reads == reads, f"{reads} change-log reads")

    async def jump(self, seconds: float) -> None:
        """Move the clock forward and wait for the one pass that is then due."""
        reads = self.reads
        self.offset += seconds
        await until(lambda: self.reads > reads, f"a feed pass after a {seconds} s jump")


@pytest.fixture
async def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The running loop's clock, under the test's control."""
    loop = asyncio.get_running_loop()
    moved = Clock(loop)
    monkeypatch.setattr(loop, "time", moved.time)
    return moved


@pytest.fixture
async def feed(store: UserStore) -> AsyncIterator[ChangeFeed]:
    """A started feed: a tick every 100 s, a round every 100 s, no poll within a test."""
    started = ChangeFeed(
        store,
        poll_seconds=FAR,
        quiet_seconds=4 * TICK,
        round_seconds=TICK,
        buffer=10,
        max_streams=10,
    )
    await started.start()
    try:
        yield started
    finally:
        await started.close()


async def test_a_quiet_marker_comes_after_four_quarters_of_the_quiet_interval_not_three(
    store: UserStore, clock: Clock, feed: ChangeFeed, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.count_reads(store, monkeypatch)
    subscription = feed.subscribe()
    for _ in range(3):
        await clock.jump(TICK)
    assert (subscription.queued, clock.reads) == (0, 3)
    await clock.jump(TICK)
    assert (subscription.queued, clock.reads) == (1, 4)
    assert await subscription.next() is QUIET


async def test_a_change_held_for_the_round_goes_out_when_the_round_is_due_long_before_a_tick(
    store: UserStore, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    rounds = ChangeFeed(
        store,
        poll_seconds=FAR,
        quiet_seconds=100 * FAR,
        round_seconds=TICK,
        buffer=10,
        max_streams=10,
    )
    await rounds.start()
    try:
        clock.count_reads(store, monkeypatch)
        in_rounds = rounds.subscribe(in_rounds=True)
        for n in (1, 2):
            await store.create(a_user(n), None)
            rounds.nudge()
            await clock.reached(n)
        # The first round is due at once; the second change waits for the next.
        assert [c.revision for c in in_rounds.take_ready(10)] == [1]
        await clock.jump(TICK)
        assert [c.revision for c in in_rounds.take_ready(10)] == [2]
    finally:
        await rounds.close()
