"""Retention in the background: the change log kept to its length, expired users purged."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from roster_user.domain.errors import DomainError
from roster_user.store.base import UserStore
from roster_user.users.erasure import Erasure

log = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 60.0


async def prune_change_log(store: UserStore, keep: int) -> None:
    """Every minute, drop all but the newest `keep` changes; a failed round waits for the next."""
    while True:
        await asyncio.sleep(PRUNE_EVERY_SECONDS)
        with contextlib.suppress(DomainError):
            await store.prune_changes(keep)


def purge_after(seconds: float) -> timedelta | None:
    """How long soft-deleted users are kept, or None when nothing is purged automatically."""
    return timedelta(seconds=seconds) if seconds else None


async def sweep(erasure: Erasure, interval: float) -> None:
    """Every `interval` seconds, purge expired users and forget old request ids."""
    while True:
        await asyncio.sleep(interval)
        try:
            await erasure.sweep()
        except DomainError:
            log.warning("retention sweep cannot reach the store; retrying at the next one")
