"""Retention: the background pruning and sweep do their work and survive a failed round."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import pytest

from roster_user.domain.errors import store_unavailable
from roster_user.domain.model import User
from roster_user.store.base import UserStore
from roster_user.users import retention
from roster_user.users.erasure import Erasure
from tests.store.test_contract import EPOCH, a_user
from tests.store.test_purge import delete_at
from tests.support.waiting import until


class FailingOnce:
    """A store whose first prune fails as an unavailable store does; later ones go through."""

    def __init__(self, store: UserStore) -> None:
        self.store = store
        self.rounds = 0

    async def prune_changes(self, keep: int) -> None:
        self.rounds += 1
        if self.rounds == 1:
            raise store_unavailable()
        await self.store.prune_changes(keep)


async def test_pruning_runs_every_round_and_outlives_a_failed_one(
    store: UserStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "PRUNE_EVERY_SECONDS", 0)
    for n in range(10):
        await store.create(a_user(n), None)
    flaky = FailingOnce(store)
    pruning = asyncio.create_task(retention.prune_change_log(flaky, 3))  # type: ignore[arg-type]
    try:
        # A loop that ended (or died) fails at once below instead of at the deadline.
        await until(lambda: flaky.rounds >= 3 or pruning.done(), "three pruning rounds")
    finally:
        pruning.cancel()
        await asyncio.gather(pruning, return_exceptions=True)
    assert await store.revision_bounds() == (7, 10)
    assert pruning.cancelled()


@pytest.mark.parametrize(
    ("seconds", "kept"),
    [(0, None), (0.5, timedelta(milliseconds=500)), (86400, timedelta(days=1))],
)
def test_a_purge_period_of_zero_means_never_and_any_other_is_kept_as_given(
    seconds: float, kept: timedelta | None
) -> None:
    assert retention.purge_after(seconds) == kept


class SweepFailingOnce:
    """A store whose first expiry purge fails as an unavailable store does."""

    def __init__(self, store: UserStore) -> None:
        self.store = store
        self.rounds = 0

    async def purge_expired(
        self, cutoff: datetime, limit: int, when: datetime
    ) -> list[User] | None:
        self.rounds += 1
        if self.rounds == 1:
            raise store_unavailable()
        return await self.store.purge_expired(cutoff, limit, when)

    async def forget_requests(self, cutoff: datetime) -> None:
        await self.store.forget_requests(cutoff)


async def test_the_sweep_runs_every_interval_and_outlives_a_failed_round(
    store: UserStore, caplog: pytest.LogCaptureFixture
) -> None:
    await store.create(a_user(1), None)
    await store.modify("user-1", delete_at(EPOCH))
    flaky = SweepFailingOnce(store)
    erasure = Erasure(
        flaky,  # type: ignore[arg-type]
        purge_after=timedelta(days=1),
        keep_requests=timedelta(days=1),
        clock=lambda: EPOCH + timedelta(days=2),
    )
    with caplog.at_level(logging.WARNING, logger=retention.__name__):
        sweeping = asyncio.create_task(retention.sweep(erasure, 0))
        try:
            # A loop that ended (or died) fails at once below instead of at the deadline.
            await until(lambda: flaky.rounds >= 3 or sweeping.done(), "three sweep rounds")
        finally:
            sweeping.cancel()
            await asyncio.gather(sweeping, return_exceptions=True)
    assert sweeping.cancelled()
    assert await store.get("user-1") is None
    warnings = [r.getMessage() for r in caplog.records if r.name == retention.__name__]
    assert warnings == ["retention sweep cannot reach the store; retrying at the next one"]
