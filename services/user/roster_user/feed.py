"""ChangeFeed: one task tails the store's change log and fans changes out to watchers."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from roster_user.domain.errors import DomainError, Reason, ResourceExhausted, Unavailable
from roster_user.domain.model import Change
from roster_user.store.base import UserStore

log = logging.getLogger(__name__)
_READ_BATCH = 500


class Closed:
    """Marks the end of a subscription because the server is shutting down."""


CLOSED = Closed()


class Subscription:
    """One watcher's queue of changes after `start`, bounded by `limit` entries."""

    def __init__(self, start: int, limit: int) -> None:
        self.start = start
        self.overflowed = False
        self._limit = limit
        self._queue: asyncio.Queue[Change | Closed] = asyncio.Queue()

    def offer(self, change: Change) -> None:
        """Queue a change, or mark the watcher too slow instead of growing without bound."""
        if self.overflowed:
            return
        if self._queue.qsize() >= self._limit:
            self.overflowed = True
            self._queue.put_nowait(CLOSED)
        else:
            self._queue.put_nowait(change)

    def close(self) -> None:
        """End the subscription."""
        self._queue.put_nowait(CLOSED)

    async def next(self, quiet_seconds: float) -> Change | Closed | None:
        """The next change, CLOSED at the end, or None after `quiet_seconds` of quiet."""
        # asyncio.timeout, never wait_for: on Python 3.11 wait_for swallows a
        # cancellation that arrives just as the awaited thing completes, and the
        # task it should have stopped runs on (this hung server shutdowns).
        try:
            async with asyncio.timeout(quiet_seconds):
                return await self._queue.get()
        except TimeoutError:
            return None


class ChangeFeed:
    """Delivers every committed change, in revision order, to every subscription.

    Writes in this process nudge the feed at once; a periodic poll picks up
    changes committed by other processes sharing the database.
    """

    def __init__(
        self, store: UserStore, *, poll_seconds: float, buffer: int, max_streams: int
    ) -> None:
        self._store = store
        self._poll_seconds = poll_seconds
        self._buffer = buffer
        self._max_streams = max_streams
        self._subscriptions: set[Subscription] = set()
        self._wake = asyncio.Event()
        self._position = 0
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def position(self) -> int:
        """The newest revision delivered to subscribers."""
        return self._position

    @property
    def open_streams(self) -> int:
        """How many subscriptions are open."""
        return len(self._subscriptions)

    async def start(self) -> None:
        """Begin tailing from the newest committed revision."""
        self._position = (await self._store.revision_bounds())[1]
        self._task = asyncio.create_task(self._run(), name="change-feed")

    def nudge(self) -> None:
        """Look for new changes now rather than at the next poll."""
        self._wake.set()

    def subscribe(self) -> Subscription:
        """A new subscription receiving every change after the current position."""
        if self._closed:
            raise Unavailable(
                "the server is shutting down; watch on another replica", reason=Reason.SHUTTING_DOWN
            )
        if len(self._subscriptions) >= self._max_streams:
            raise ResourceExhausted("too many open watch streams; retry later")
        subscription = Subscription(self._position, self._buffer)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a subscription whose stream has ended."""
        self._subscriptions.discard(subscription)

    async def close(self) -> None:
        """Stop tailing and end every subscription; later subscribers are refused."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            # wait(), not `await task`: the task's own CancelledError stays inside,
            # while a cancellation of this caller still propagates.
            await asyncio.wait([self._task])
        for subscription in self._subscriptions:
            subscription.close()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_seconds):  # not wait_for: see next()
                    await self._wake.wait()
            self._wake.clear()
            try:
                while await self._deliver_batch():
                    pass
            except DomainError:
                log.warning("change feed cannot read the store; retrying")

    async def _deliver_batch(self) -> bool:
        if not self._subscriptions:
            # Nobody to deliver to: only the position must stay current (new
            # subscribers start from it), and the newest revision is one indexed
            # read instead of reading and decoding every change.
            newest = (await self._store.revision_bounds())[1]
            if not self._subscriptions:  # nobody subscribed during that read either
                self._position = max(self._position, newest)
                return False
        changes = await self._store.changes_after(self._position, _READ_BATCH)
        for change in changes:
            for subscription in self._subscriptions:
                subscription.offer(change)
            self._position = change.revision
        return len(changes) == _READ_BATCH
