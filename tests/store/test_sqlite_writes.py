"""SQLite-only: how write transactions share the event loop with everything else."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from roster_user.config import Settings
from roster_user.server import make_store
from roster_user.store.base import UserStore
from tests.store.test_contract import a_user


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[tuple[UserStore, Path]]:
    """A migrated, open SQLite store and the path of its file."""
    path = tmp_path / "roster.db"
    store = make_store(Settings(database_url=f"sqlite:///{path}", sqlite_busy_timeout_seconds=30))
    await store.migrate()
    await store.open()
    try:
        yield store, path
    finally:
        await store.close()


async def test_a_write_waiting_for_another_process_lock_leaves_the_loop_serving(
    sqlite_store: tuple[UserStore, Path],
) -> None:
    # Another process (here: another connection) holds the write lock. The
    # store's BEGIN waits for it on the writer thread, so reads keep being
    # answered meanwhile, and the write commits once the lock is released.
    store, path = sqlite_store
    await store.create(a_user(1), None)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        waiting = asyncio.create_task(store.create(a_user(2), None))
        for _ in range(20):
            assert await store.get("user-1") is not None
        assert not waiting.done(), "the write should wait for the other writer's lock"
        holder.execute("COMMIT")
        async with asyncio.timeout(20):
            created = await waiting
    finally:
        holder.close()
    assert created.user_id == "user-2"
    assert [change.user.user_id for change in await store.changes_after(0, 10)] == [
        "user-1",
        "user-2",
    ]
