"""Retention: the change log is kept to its configured length, pruned in the background."""

from __future__ import annotations

import asyncio
import contextlib

from roster_user.domain.errors import DomainError
from roster_user.store.base import UserStore

PRUNE_EVERY_SECONDS = 60.0


async def prune_change_log(store: UserStore, keep: int) -> None:
    """Every minute, drop all but the newest `keep` changes; a failed round waits for the next."""
    while True:
        await asyncio.sleep(PRUNE_EVERY_SECONDS)
        with contextlib.suppress(DomainError):
            await store.prune_changes(keep)
