"""Seed a Roster SQLite database with N users straight through SQL (fast, no RPCs)."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from roster_user.domain.model import State, User
from roster_user.store.codec import user_columns
from roster_user.store.sqlite import queries as q
from roster_user.store.sqlite.store import SqliteStore

TEAMS = 10


def seed_id(n: int) -> str:
    """The user id of the n-th seeded user; the load generator picks ids the same way."""
    return f"seed-{n}"


def users(count: int) -> Iterator[dict[str, object]]:
    """Column values of `count` users spread over TEAMS label values."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(count):
        moment = start + timedelta(seconds=n)
        yield user_columns(
            User(
                user_id=seed_id(n),
                uid=str(uuid.UUID(int=n + 1, version=4)),
                email=f"seed{n}@example.com",
                display_name=f"Seed User {n}",
                state=State.ACTIVE,
                labels={"team": f"t{n % TEAMS}", "tier": "bench"},
                external_id="",
                create_time=moment,
                update_time=moment,
                delete_time=None,
                version=1,
            )
        )


def seed(path: Path, count: int) -> None:
    """Create the schema with Roster's migrations, then insert `count` users in one transaction."""
    store = SqliteStore(path, busy_timeout_s=10, readers=1)

    async def migrate() -> None:
        await store.migrate()
        await store.close()

    asyncio.run(migrate())
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.executemany(q.INSERT, users(count))
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


if __name__ == "__main__":
    seed(Path(sys.argv[1]), int(sys.argv[2]))
