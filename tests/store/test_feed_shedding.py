"""Watchers give way (docs/overload.md): who is cut off, how many at a time, and how often.

The feed is driven by hand over a real SQLite store: subscriptions get changes
at chosen loop times, and the shedding check runs at a chosen `now`, so every
boundary (the behind limit, the crowd share, the lag limit, the pause between
cuts) is tried exactly at its value and just past it, without a clock.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roster_user.domain.model import Change, EventType, State, User
from roster_user.store.base import UserStore
from roster_user.users.feed import CLOSED, ChangeFeed, Subscription

NOW = datetime(2026, 1, 1, tzinfo=UTC)
USER = User("u", "uid", "u@example.com", "", State.ACTIVE, {}, "", NOW, NOW, None, 1)
MAX_BEHIND = 0.5  # ROSTER_WATCH_MAX_BEHIND_SECONDS' default
MAX_LAG = 0.25  # half of ROSTER_MAX_QUEUE_SECONDS' default
PAUSE = 0.1  # between cuts, as docs/overload.md says


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: shedding reads no store, the feed just needs a real one to tail."""
    return f"sqlite:///{tmp_path / 'roster.db'}"


def a_feed(
    store: UserStore,
    lag: Callable[[], float] = lambda: 0.0,
    max_lag_seconds: float = MAX_LAG,
) -> ChangeFeed:
    """A feed (not started: the test runs its steps) with the documented default limits."""
    return ChangeFeed(
        store,
        poll_seconds=30,
        quiet_seconds=30,
        round_seconds=0,
        buffer=100,
        max_streams=100,
        lag=lag,
        max_lag_seconds=max_lag_seconds,
        max_behind_seconds=MAX_BEHIND,
    )


def behind(subscription: Subscription, since: float, changes: int = 1) -> Subscription:
    """Queue `changes` changes for the subscription from loop time `since`, none taken."""
    for revision in range(1, changes + 1):
        subscription.offer(Change(revision, EventType.UPDATED, USER, NOW), since)
    return subscription


def watchers(feed: ChangeFeed, count: int) -> list[Subscription]:
    """`count` new subscriptions, none behind."""
    return [feed.subscribe() for _ in range(count)]


def cut(subscriptions: list[Subscription]) -> list[int]:
    """The indexes of the subscriptions cut off."""
    return [n for n, s in enumerate(subscriptions) if s.overflowed]


async def test_watchers_behind_exactly_the_limit_stay_and_just_past_it_the_furthest_goes(
    store: UserStore,
) -> None:
    feed = a_feed(store)
    subs = [behind(s, 10.0, changes) for s, changes in zip(watchers(feed, 2), (1, 2), strict=True)]
    feed._shed_slowest(10.0 + MAX_BEHIND)
    assert (cut(subs), feed.cut_off) == ([], 0)
    feed._shed_slowest(math.nextafter(10.0 + MAX_BEHIND, math.inf))
    assert (cut(subs), feed.cut_off) == ([1], 1)


async def test_a_cut_watcher_loses_its_queue_and_gets_only_the_end_marker(
    store: UserStore,
) -> None:
    feed = a_feed(store)
    kept, gone = (
        behind(s, 10.0, changes) for s, changes in zip(watchers(feed, 2), (1, 3), strict=True)
    )
    feed._shed_slowest(20.0)
    assert (gone.overflowed, gone.queued, kept.overflowed, kept.queued) == (True, 1, False, 1)
    assert await gone.next() is CLOSED
    assert isinstance(await kept.next(), Change)


async def test_one_watcher_behind_alone_is_not_cut_however_long(store: UserStore) -> None:
    feed = a_feed(store)
    alone = behind(feed.subscribe(), 10.0, changes=50)
    feed._shed_slowest(10_000.0)
    assert (alone.overflowed, feed.cut_off) == (False, 0)


@pytest.mark.parametrize(
    ("total", "too_long", "cut_off"),
    [(8, 2, 1), (9, 2, 0), (9, 3, 1), (12, 2, 0), (12, 3, 1)],
    ids=["2-of-8", "2-of-9", "3-of-9", "2-of-12", "3-of-12"],
)
async def test_watchers_are_cut_only_when_at_least_a_quarter_are_behind_too_long(
    store: UserStore, total: int, too_long: int, cut_off: int
) -> None:
    feed = a_feed(store)
    subs = watchers(feed, total)
    for subscription in subs[:too_long]:
        behind(subscription, 10.0)
    feed._shed_slowest(20.0)
    assert feed.cut_off == cut_off


@pytest.mark.parametrize(
    ("queued", "expected"),
    [((2, 3, 1), [1]), ((2, 4, 1, 3), [1, 3]), ((5, 1, 4, 2, 3), [0, 2])],
    ids=["1-of-3", "2-of-4", "2-of-5"],
)
async def test_half_of_the_watchers_behind_too_long_go_at_once_the_furthest_behind_first(
    store: UserStore, queued: tuple[int, ...], expected: list[int]
) -> None:
    feed = a_feed(store)
    subs = [behind(s, 10.0, n) for s, n in zip(watchers(feed, len(queued)), queued, strict=True)]
    feed._shed_slowest(20.0)
    assert cut(subs) == expected


async def test_only_watchers_behind_too_long_are_cut_not_those_behind_for_a_moment(
    store: UserStore,
) -> None:
    feed = a_feed(store)
    long_behind = [behind(s, 10.0, 1) for s in watchers(feed, 2)]
    # Further behind by count, but only since just now: they may still catch up.
    just_behind = [behind(s, 19.9, 50) for s in watchers(feed, 2)]
    feed._shed_slowest(20.0)
    assert (len(cut(long_behind)), cut(just_behind)) == (1, [])


async def test_a_lagging_loop_cuts_the_furthest_behind_even_if_nobody_is_behind_for_long(
    store: UserStore,
) -> None:
    feed = a_feed(store, lag=lambda: math.nextafter(MAX_LAG, math.inf))
    subs = [behind(s, 0.0, n) for s, n in zip(watchers(feed, 3), (1, 3, 2), strict=True)]
    idle = feed.subscribe()
    feed._shed_slowest(0.1)
    assert (cut(subs), idle.overflowed) == ([1], False)


@pytest.mark.parametrize(
    ("lag", "max_lag"),
    [(MAX_LAG, MAX_LAG), (5.0, 0.0)],
    ids=["lag-exactly-at-the-limit", "a-zero-limit-is-off"],
)
async def test_a_loop_lagging_no_more_than_its_limit_cuts_nobody(
    store: UserStore, lag: float, max_lag: float
) -> None:
    feed = a_feed(store, lag=lambda: lag, max_lag_seconds=max_lag)
    subs = [behind(s, 0.0, n) for s, n in zip(watchers(feed, 3), (1, 3, 2), strict=True)]
    feed._shed_slowest(0.1)
    assert (cut(subs), feed.cut_off) == ([], 0)


async def test_a_feed_given_no_lag_limit_never_cuts_for_lag(store: UserStore) -> None:
    feed = ChangeFeed(
        store,
        poll_seconds=30,
        quiet_seconds=30,
        round_seconds=0,
        buffer=100,
        max_streams=100,
        lag=lambda: 5.0,
    )
    subs = [behind(s, 0.0, n) for s, n in zip(watchers(feed, 3), (1, 3, 2), strict=True)]
    feed._shed_slowest(0.1)
    assert (cut(subs), feed.cut_off) == ([], 0)


async def test_after_a_cut_the_next_one_waits_a_tenth_of_a_second_and_the_count_adds_up(
    store: UserStore,
) -> None:
    feed = a_feed(store, lag=lambda: 1.0)
    subs = [behind(s, 0.0, n) for s, n in zip(watchers(feed, 3), (1, 3, 2), strict=True)]
    feed._shed_slowest(10.0)
    assert (cut(subs), feed.cut_off) == ([1], 1)
    feed._shed_slowest(math.nextafter(10.0 + PAUSE, -math.inf))
    assert (cut(subs), feed.cut_off) == ([1], 1)
    feed._shed_slowest(10.0 + PAUSE)
    assert (cut(subs), feed.cut_off) == ([1, 2], 2)


async def test_a_cut_is_logged_with_the_number_of_watchers_cut(
    store: UserStore, caplog: pytest.LogCaptureFixture
) -> None:
    feed = a_feed(store)
    for subscription in watchers(feed, 4):
        behind(subscription, 10.0)
    with caplog.at_level(logging.INFO, logger="roster_user.users.feed"):
        feed._shed_slowest(20.0)
    [record] = [r for r in caplog.records if r.name == "roster_user.users.feed"]
    assert (record.getMessage(), record.__dict__.get("watchers")) == (
        "watchers cut off: fan-out cannot keep up",
        2,
    )
