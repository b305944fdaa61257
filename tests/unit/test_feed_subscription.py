"""A watcher's queue is bounded: overflowing it ends the subscription instead of growing."""

from __future__ import annotations

from datetime import UTC, datetime

from roster_user.domain.model import Change, EventType, State, User
from roster_user.feed import Closed, Subscription

NOW = datetime(2026, 1, 1, tzinfo=UTC)
USER = User("u", "uid", "u@example.com", "", State.ACTIVE, {}, "", NOW, NOW, None, 1)


def change(revision: int) -> Change:
    """A change at `revision`."""
    return Change(revision, EventType.UPDATED, USER, NOW)


async def test_an_overflowing_subscription_queues_the_limit_then_one_end_marker_and_nothing_more() -> (
    None
):
    subscription = Subscription(start=0, limit=3)
    for revision in range(1, 101):
        subscription.offer(change(revision))
    assert subscription.overflowed
    received = [await subscription.next(0.01) for _ in range(5)]
    assert [item.revision for item in received[:3] if isinstance(item, Change)] == [1, 2, 3]
    assert isinstance(received[3], Closed)
    assert received[4] is None
