"""ChangeFeed: one task tails the store's change log and fans changes out to watchers."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
from collections.abc import Callable, Iterator, Sequence

from roster_user.domain.errors import DomainError, Reason, ResourceExhausted, Unavailable
from roster_user.domain.model import Change
from roster_user.store.base import UserStore

log = logging.getLogger(__name__)
_READ_BATCH = 500
# Quiet spells are counted in ticks of a quarter of the quiet interval, so a
# quiet marker follows between 1 and 1.25 intervals without changes.
_TICKS_PER_QUIET = 4
# While fan-out cannot keep up, half of the watchers behind are cut off at a
# time, then the feed waits this long to see the effect before cutting more:
# the furthest behind go first, and those that then catch up stay.
_SHED_FRACTION = 2
# Fan-out is not keeping up when at least a quarter of the watchers (and at
# least two) have been behind for over max_behind_seconds at once.
_CROWD_SHARE = 4
_CROWD_MIN = 2
_SHED_PAUSE_SECONDS = 0.1


class Closed:
    """Marks the end of a subscription because the server is shutting down."""


class Quiet:
    """Marks a quiet spell: nothing was queued for the subscription for a while."""


CLOSED = Closed()
QUIET = Quiet()


class Subscription:
    """One watcher's queue of changes after `start`, bounded by `limit` entries.

    Waiting for the next item sets no timer: with a thousand watchers and a
    hundred changes a second, a timeout per wait was a fifth of the loop's time.
    The feed's periodic tick queues a QUIET marker instead when a subscription
    has had nothing for a while. One task consumes a subscription.
    """

    def __init__(self, start: int, limit: int) -> None:
        self.start = start
        self.overflowed = False
        self._limit = limit
        self._items: collections.deque[Change | Closed | Quiet] = collections.deque()
        self._waiter: asyncio.Future[None] | None = None
        self._quiet_ticks = 0
        # Since when changes have waited for this watcher without a break: how
        # far behind the fan-out it is, whether it reads slowly or the server
        # cannot send to everyone as fast as changes come.
        self.behind_since: float | None = None

    def _put(self, item: Change | Closed | Quiet) -> None:
        self._items.append(item)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def offer(self, change: Change, now: float) -> None:
        """Queue a change at loop time `now`, or mark the watcher too slow instead of growing."""
        self._quiet_ticks = 0
        if self.overflowed:
            return
        if self.behind_since is None:
            self.behind_since = now
        if len(self._items) >= self._limit:
            self.overflowed = True
            self._put(CLOSED)
        else:
            self._put(change)

    @property
    def queued(self) -> int:
        """How many items wait to be taken."""
        return len(self._items)

    def tick(self) -> None:
        """Count a quiet tick; after enough in a row with nothing waiting, queue QUIET."""
        self._quiet_ticks += 1
        if self._quiet_ticks >= _TICKS_PER_QUIET:
            self._quiet_ticks = 0
            # Items still waiting carry positions of their own, and an ended
            # subscription must not grow.
            if not self._items and not self.overflowed:
                self._put(QUIET)

    def close(self) -> None:
        """End the subscription."""
        self._put(CLOSED)

    def cut(self) -> None:
        """End the subscription now as too slow, dropping the changes it has not taken."""
        self.overflowed = True
        self._items.clear()
        self._put(CLOSED)

    async def next(self) -> Change | Closed | Quiet:
        """The next change, CLOSED at the end, or QUIET after a quiet spell."""
        if not self._items:
            # Back for more with nothing waiting: the watcher has caught up. (A
            # watcher that took its changes and is still sending them has not.)
            self.behind_since = None
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.popleft()

    def take_ready(self, most: int) -> list[Change]:
        """Up to `most` changes queued right now, without waiting; markers stay queued."""
        taken: list[Change] = []
        while len(taken) < most and self._items:
            head = self._items[0]
            if not isinstance(head, Change):
                break
            taken.append(head)
            self._items.popleft()
        return taken


class ChangeFeed:
    """Delivers every committed change, in revision order, to every subscription.

    Writes in this process nudge the feed at once, and so do writes of the
    other workers of one pool (roster_user.pool.peer_nudges); a periodic poll picks
    up changes committed by any other process sharing the database. Subscriptions
    that take several changes per response get them in rounds: while changes
    keep coming, at most one hand-over per `round_seconds`, so such a watcher
    sends one response per round however fast changes come and the fan-out
    leaves the loop time for other calls (1,000 watchers at 100 changes/s).
    A change after a quiet spell goes out at once either way.

    Watchers are the traffic that gives way: when fan-out cannot keep up (a
    watcher has had changes waiting for over `max_behind_seconds` without a
    break, or the event loop lags past `max_lag_seconds`), the watchers
    furthest behind are cut off, told where to resume, so that writes and
    reads keep their latency. The change is durable; a watcher resumes from it.
    """

    def __init__(
        self,
        store: UserStore,
        *,
        poll_seconds: float,
        quiet_seconds: float,
        round_seconds: float,
        buffer: int,
        max_streams: int,
        write_listeners: Sequence[Callable[[], None]] = (),
        lag: Callable[[], float] = lambda: 0.0,
        max_lag_seconds: float = 0.0,
        max_behind_seconds: float = float("inf"),
    ) -> None:
        self._store = store
        self._write_listeners = tuple(write_listeners)
        self._poll_seconds = poll_seconds
        self._tick_seconds = quiet_seconds / _TICKS_PER_QUIET
        self._round_seconds = round_seconds
        self._buffer = buffer
        self._max_streams = max_streams
        self._at_once: set[Subscription] = set()
        self._in_rounds: set[Subscription] = set()
        self._held: list[Change] = []  # read, not yet handed to the round subscriptions
        self._wake = asyncio.Event()
        self._position = 0
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._lag = lag
        self._max_lag = max_lag_seconds
        self._max_behind = max_behind_seconds
        self._next_shed = 0.0
        self.cut_off = 0  # watchers ever cut off for falling behind a lagging loop

    @property
    def position(self) -> int:
        """The newest revision read from the change log."""
        return self._position

    @property
    def open_streams(self) -> int:
        """How many subscriptions are open."""
        return len(self._at_once) + len(self._in_rounds)

    async def start(self) -> None:
        """Begin tailing from the newest committed revision."""
        self._position = (await self._store.revision_bounds())[1]
        self._task = asyncio.create_task(self._run(), name="change-feed")

    def nudge(self) -> None:
        """Look for new changes now rather than at the next poll."""
        self._wake.set()

    def written(self) -> None:
        """A write committed in this process: look now, and tell every write listener.

        The listeners are other processes' feeds (roster_user.pool.peer_nudges);
        a nudge from them calls `nudge`, not this, so it is never echoed back.
        """
        self._wake.set()
        for listener in self._write_listeners:
            listener()

    def subscribe(self, *, in_rounds: bool = False) -> Subscription:
        """A new subscription receiving every change after the current position."""
        if self._closed:
            raise Unavailable(
                "the server is shutting down; watch on another replica", reason=Reason.SHUTTING_DOWN
            )
        if self.open_streams >= self._max_streams:
            raise ResourceExhausted("too many open watch streams; retry later")
        subscription = Subscription(self._position, self._buffer)
        (self._in_rounds if in_rounds else self._at_once).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a subscription whose stream has ended."""
        self._at_once.discard(subscription)
        self._in_rounds.discard(subscription)

    async def close(self) -> None:
        """Stop tailing and end every subscription; later subscribers are refused."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            # wait(), not `await task`: the task's own CancelledError stays inside,
            # while a cancellation of this caller still propagates.
            await asyncio.wait([self._task])
        for subscription in self._everyone():
            subscription.close()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_tick = loop.time() + self._tick_seconds
        next_round = loop.time()
        while True:
            due = min(next_tick, next_round) if self._held else next_tick
            wait = min(self._poll_seconds, max(due - loop.time(), 0.0))
            # asyncio.timeout, never wait_for: on Python 3.11 wait_for swallows a
            # cancellation that arrives just as the awaited thing completes, and
            # the task it should have stopped runs on (this hung server shutdowns).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            self._wake.clear()
            try:
                while await self._deliver_batch() == _READ_BATCH:
                    pass
            except DomainError:
                log.warning("change feed cannot read the store; retrying")
            now = loop.time()
            self._shed_slowest(now)
            if self._held and now >= next_round:
                self._hand_over_round()
                next_round = now + self._round_seconds
            if now >= next_tick:
                next_tick = now + self._tick_seconds
                for subscription in self._everyone():
                    subscription.tick()

    async def _deliver_batch(self) -> int:
        """Read the next changes and hand them over (or hold them for the round)."""
        if not self.open_streams:
            # Nobody to deliver to: only the position must stay current (new
            # subscribers start from it), and the newest revision is one indexed
            # read instead of reading and decoding every change.
            newest = (await self._store.revision_bounds())[1]
            if not self.open_streams:  # nobody subscribed during that read either
                self._position = max(self._position, newest)
                return 0
        changes = await self._store.changes_after(self._position, _READ_BATCH)
        now = asyncio.get_running_loop().time()
        for change in changes:
            for subscription in self._at_once:
                subscription.offer(change, now)
            self._position = change.revision
        if self._in_rounds:
            self._held += changes
        return len(changes)

    def _shed_slowest(self, now: float) -> None:
        """While fan-out cannot keep up, cut off the watchers with the most changes waiting.

        It cannot keep up when many watchers have had changes waiting for
        longer than `max_behind_seconds` without a break, or when the event
        loop lags.
        Half of those watchers go at a time, the furthest behind first; the
        rest then get the loop's time back, and the writers with them.
        """
        if now < self._next_shed:
            return
        lagging = self._max_lag > 0 and self._lag() > self._max_lag
        since = {s: s.behind_since for s in self._everyone() if not s.overflowed}
        behind = {s: t for s, t in since.items() if t is not None}
        too_long = [s for s, t in behind.items() if now - t > self._max_behind]
        # One slow reader is that reader's business (its buffer bounds it);
        # many at once mean the server cannot send to everyone: at least two,
        # and at least a quarter of the watchers (2 of 9 is not; 3 of 9 is).
        crowded = len(too_long) >= _CROWD_MIN and len(too_long) * _CROWD_SHARE >= len(since)
        if not lagging and not crowded:
            return
        self._next_shed = now + _SHED_PAUSE_SECONDS
        furthest = sorted(too_long or behind, key=lambda s: s.queued, reverse=True)
        cut = furthest[: max(1, len(furthest) // _SHED_FRACTION)]
        for subscription in cut:
            subscription.cut()
        self.cut_off += len(cut)
        log.info("watchers cut off: fan-out cannot keep up", extra={"watchers": len(cut)})

    def _everyone(self) -> Iterator[Subscription]:
        return itertools.chain(self._at_once, self._in_rounds)

    def _hand_over_round(self) -> None:
        now = asyncio.get_running_loop().time()
        for change in self._held:
            for subscription in self._in_rounds:
                subscription.offer(change, now)
        self._held.clear()
