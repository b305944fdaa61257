"""The PostgreSQL store's pool: a busy pool is not an outage."""

from __future__ import annotations

import asyncio

import psycopg

from roster_user.config import Settings
from roster_user.server import make_store


async def test_the_check_passes_while_every_pooled_connection_is_busy(postgres_url: str) -> None:
    store = make_store(Settings(database_url=postgres_url, database_pool_size=1))
    await store.migrate()
    await store.open()
    try:
        async with await psycopg.AsyncConnection.connect(postgres_url) as blocker:
            async with blocker.transaction():
                # Another session locks the users table: a read now holds the
                # pool's only connection until the lock goes.
                await blocker.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
                held = asyncio.create_task(store.get("anyone"))
                await wait_for_lock_waiter(postgres_url)
                await store.check()
                assert not held.done()
            assert await held is None
    finally:
        await store.close()


async def wait_for_lock_waiter(url: str) -> None:
    """Return once some session is waiting for a lock (polled with a deadline)."""
    # Its own autocommit session: statistics are a snapshot per transaction.
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    async with conn, asyncio.timeout(20):
        while True:
            cur = await conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            )
            row = await cur.fetchone()
            if row is not None and row[0]:
                return
            await asyncio.sleep(0.02)
