"""Store errors by what they mean: only an unreachable or busy store is UNAVAILABLE.

Each class is provoked for real on each engine: a lock held by another
connection or a statement timeout (unavailable), a statement beyond the
engine's limits (too complex: INVALID_ARGUMENT), and a statement the engine
rejects every time (a fault: INTERNAL, through StoreFault).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from roster_user.domain.errors import InvalidArgument, Unavailable
from roster_user.domain.query import SortKey, UserFilter, UserQuery
from roster_user.store.failures import StoreFault
from roster_user.store.postgres.connect import ConnectionSource, PostgresOptions
from roster_user.store.sqlite.store import SqliteStore
from tests.store.test_contract import a_user

# SQLite refuses an expression tree deeper than 1,000; the filter's contract
# limit keeps requests far below it, so this query is built past the limit.
TOO_MANY_LABELS = 2000
STATEMENT_TIMEOUT_S = 0.2


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    """A migrated SQLite store that waits for a lock only briefly."""
    store = SqliteStore(tmp_path / "roster.db", busy_timeout_s=0.05, readers=1)
    await store.migrate()
    await store.open()
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def postgres(postgres_url: str) -> AsyncIterator[ConnectionSource]:
    """The PostgreSQL store's connection source, open on a fresh database, with a short statement timeout."""
    options = PostgresOptions(
        postgres_url, pool_size=1, connect_timeout_s=5, statement_timeout_s=STATEMENT_TIMEOUT_S
    )
    source = ConnectionSource(options)
    await source.open()
    try:
        yield source
    finally:
        await source.close()


def labels_query(count: int) -> UserQuery:
    """A query for users with `count` distinct labels."""
    wanted = tuple((f"k{n}", "v") for n in range(count))
    return UserQuery(UserFilter(labels=wanted), SortKey.CREATE_TIME, False, False)


async def run(source: ConnectionSource, sql: str) -> None:
    """Run one statement on a pooled connection of the PostgreSQL store."""
    async with source.connection() as conn:
        await conn.execute(sql)


async def test_sqlite_a_write_while_another_process_holds_the_lock_is_unavailable(
    sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "roster.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(Unavailable):
            await sqlite_store.create(a_user(1), None)
    finally:
        other.close()


async def test_sqlite_a_query_past_the_expression_limit_is_invalid_argument(
    sqlite_store: SqliteStore,
) -> None:
    with pytest.raises(InvalidArgument):
        await sqlite_store.page(labels_query(TOO_MANY_LABELS), None, 10)


async def test_sqlite_a_statement_the_schema_cannot_run_is_a_fault_not_an_outage(
    sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    with sqlite3.connect(tmp_path / "roster.db") as other:
        other.execute("ALTER TABLE users RENAME TO users_gone")
    with pytest.raises(StoreFault):
        await sqlite_store.page(labels_query(1), None, 10)


async def test_postgres_a_statement_timeout_is_unavailable(postgres: ConnectionSource) -> None:
    with pytest.raises(Unavailable):
        await run(postgres, "SELECT pg_sleep(5)")


async def test_postgres_a_statement_past_the_engines_limits_is_invalid_argument(
    postgres: ConnectionSource,
) -> None:
    # A target list may hold at most 1,664 entries (SQLSTATE 54011, program limit exceeded).
    with pytest.raises(InvalidArgument):
        await run(postgres, "SELECT " + ", ".join(["1"] * 2000))


async def test_postgres_a_statement_the_schema_cannot_run_is_a_fault_not_an_outage(
    postgres: ConnectionSource,
) -> None:
    with pytest.raises(StoreFault):
        await run(postgres, "SELECT * FROM no_such_table")
