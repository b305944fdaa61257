"""A watcher's queue: bounded (overflow ends it), and quiet spells marked by the feed's ticks."""

from __future__ import annotations

from datetime import UTC, datetime

from roster_user.domain.model import Change, EventType, State, User
from roster_user.users.feed import CLOSED, QUIET, Closed, Subscription

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
        subscription.offer(change(revision), 0.0)
    assert subscription.overflowed
    received = [await subscription.next() for _ in range(4)]
    assert [item.revision for item in received[:3] if isinstance(item, Change)] == [1, 2, 3]
    assert isinstance(received[3], Closed)
    for _ in range(20):  # an ended subscription gets no quiet markers either
        subscription.tick()
    assert subscription.queued == 0


async def test_four_ticks_without_changes_queue_one_quiet_marker() -> None:
    subscription = Subscription(start=0, limit=10)
    for _ in range(3):
        subscription.tick()
    assert subscription.queued == 0
    subscription.tick()
    assert subscription.queued == 1
    assert await subscription.next() is QUIET
    for _ in range(4):
        subscription.tick()
    assert await subscription.next() is QUIET


async def test_a_change_restarts_the_quiet_count() -> None:
    subscription = Subscription(start=0, limit=10)
    for _ in range(3):
        subscription.tick()
    subscription.offer(change(1), 0.0)
    for _ in range(3):
        subscription.tick()
    assert await subscription.next() == change(1)
    assert subscription.queued == 0
    subscription.tick()
    assert await subscription.next() is QUIET


async def test_no_quiet_marker_while_changes_wait_to_be_sent() -> None:
    subscription = Subscription(start=0, limit=10)
    subscription.offer(change(1), 0.0)
    for _ in range(8):
        subscription.tick()
    assert subscription.queued == 1
    assert await subscription.next() == change(1)


async def test_take_ready_takes_at_most_the_asked_number_and_stops_at_a_marker() -> None:
    subscription = Subscription(0, 10)
    for revision in (1, 2, 3):
        subscription.offer(change(revision), 0.0)
    assert [c.revision for c in subscription.take_ready(2)] == [1, 2]
    subscription.tick()
    subscription.close()
    subscription.offer(change(4), 0.0)
    assert [c.revision for c in subscription.take_ready(5)] == [3]
    assert subscription.queued == 2
    assert await subscription.next() is CLOSED


async def test_exactly_four_quiet_ticks_after_a_change_or_a_marker_queue_one_marker() -> None:
    subscription = Subscription(0, 10)
    subscription.offer(change(1), 0.0)
    assert await subscription.next() == change(1)
    for _ in range(3):
        subscription.tick()
    assert subscription.queued == 0
    subscription.tick()
    assert await subscription.next() is QUIET
    for _ in range(3):
        subscription.tick()
    assert subscription.queued == 0
    subscription.tick()
    assert subscription.queued == 1
    assert not subscription.overflowed
