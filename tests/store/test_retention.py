"""Retention: the background pruning keeps the newest changes and survives a failed round."""

from __future__ import annotations

import asyncio

import pytest

from roster_user.domain.errors import store_unavailable
from roster_user.store.base import UserStore
from roster_user.users import retention
from tests.store.test_contract import a_user
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
        await until(lambda: flaky.rounds >= 3, "three pruning rounds")
    finally:
        pruning.cancel()
        await asyncio.gather(pruning, return_exceptions=True)
    assert await store.revision_bounds() == (7, 10)
    assert pruning.cancelled()
