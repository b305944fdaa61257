"""Watching: one watcher's changes after a start revision, the backlog first, then live."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, AsyncIterator

from roster_user.domain.errors import DomainError, Reason, ResourceExhausted, Unavailable
from roster_user.domain.model import Change
from roster_user.users.directory import UserDirectory
from roster_user.users.feed import ChangeFeed, Closed, Quiet, Subscription

_BACKLOG_BATCH = 500


@dataclasses.dataclass(frozen=True, slots=True)
class Bookmark:
    """The watcher has every change up to `revision`: where to resume from."""

    revision: int


# What a watch yields: a bookmark, or a run of consecutive changes (at most the
# batch size asked for, and exactly one change when that size is 1).
Watched = Bookmark | list[Change]


async def watch(
    users: UserDirectory, feed: ChangeFeed, *, start_revision: int, per_batch: int
) -> AsyncGenerator[Watched, None]:
    """A bookmark at the start, then every change after it in batches, then live changes.

    Start revision 0 means "from now". The stream ends only by raising: when the
    watcher falls too far behind or the server shuts down, the error names the
    last revision yielded. Close the iterator (contextlib.aclosing) to unsubscribe.
    """
    subscription = feed.subscribe(in_rounds=per_batch > 1)
    try:
        position = start_revision or subscription.start
        if start_revision:
            await users.check_resumable(position, subscription.start)
        yield Bookmark(position)
        async for batch in _backlog(users, position, subscription.start, per_batch):
            yield batch
            position = batch[-1].revision
        async for item in _live(subscription, position, per_batch):
            yield item
    finally:
        feed.unsubscribe(subscription)


async def _backlog(
    users: UserDirectory, position: int, until: int, per_batch: int
) -> AsyncIterator[list[Change]]:
    """The committed changes after `position` up to `until`, where the subscription begins."""
    while position < until:
        backlog = await users.changes_after(position, _BACKLOG_BATCH)
        # Pruned since the watch began? Then changes after `position` may be
        # missing from that read: the watcher is told (OUT_OF_RANGE), not left
        # with a silent gap. Checked after the read, as a prune only moves on.
        await users.check_resumable(position, until)
        due = [change for change in backlog if change.revision <= until]
        for start in range(0, len(due), per_batch):
            yield due[start : start + per_batch]
        if due:
            position = due[-1].revision
        if len(backlog) < _BACKLOG_BATCH or len(due) < len(backlog):
            break


async def _live(
    subscription: Subscription, position: int, per_batch: int
) -> AsyncIterator[Watched]:
    """The subscription's changes after `position`, with a bookmark after each quiet spell."""
    while True:
        item = await subscription.next()
        if isinstance(item, Quiet):
            yield Bookmark(position)
        elif isinstance(item, Closed):
            raise _ended(subscription, position)
        else:
            # Changes already sent from the backlog come again live: skip them.
            ready = [item, *subscription.take_ready(per_batch - 1)]
            fresh = [change for change in ready if change.revision > position]
            if fresh:
                yield fresh
                position = fresh[-1].revision


def _ended(subscription: Subscription, position: int) -> DomainError:
    """Why a subscription closed, with the revision to resume from."""
    if subscription.overflowed:
        return ResourceExhausted(
            "this watcher fell too far behind; resume from the last revision received",
            reason=Reason.WATCHER_TOO_SLOW,
            metadata={"last_revision": str(position)},
        )
    return Unavailable(
        "the server is shutting down; resume on another replica",
        reason=Reason.SHUTTING_DOWN,
        metadata={"last_revision": str(position)},
    )
