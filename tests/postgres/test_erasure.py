"""PostgreSQL after a purge: no live row holds the person; dead tuples do until VACUUM."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from roster_user.config import Settings
from roster_user.server import make_store
from roster_user.store.base import IdempotencyKey, UserStore
from tests.store.test_contract import EPOCH, a_user, rename
from tests.store.test_purge import allow, delete_at
from tests.support.postgres_server import PostgresCluster

TABLES = ("users", "changes", "request_ids")


@pytest.fixture
async def store(postgres_url: str) -> AsyncIterator[UserStore]:
    """A migrated, open store on a fresh database that autovacuum leaves alone."""
    opened = make_store(Settings(database_url=postgres_url))
    await opened.migrate()
    await opened.open()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for table in TABLES:
            # The test decides when dead tuples are vacuumed, not a timer.
            conn.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    try:
        yield opened
    finally:
        await opened.close()


async def purged_person(store: UserStore) -> str:
    """Create, rename, delete and purge a user whose every field holds a unique mark."""
    mark = uuid.uuid4().hex
    user = a_user(1, email=f"p-{mark}@example.com", external_id=f"hr-{mark}")
    await store.create(user, IdempotencyKey("req-1", "digest"))  # an id, not personal data
    await store.modify("user-1", rename(f"Name {mark}"))
    await store.modify("user-1", delete_at(EPOCH + timedelta(minutes=1)))
    await store.purge("user-1", allow, EPOCH + timedelta(days=1))
    return mark


def live_rows_with(url: str, mark: str) -> list[str]:
    """Every live row of the service's tables whose text holds `mark`."""
    with psycopg.connect(url) as conn:
        return [
            f"{table}: {row[0]}"
            for table in TABLES
            for row in conn.execute(f"SELECT t::text FROM {table} t")  # noqa: S608 (constants)
            if mark in row[0]
        ]


def files_with(cluster: PostgresCluster, url: str, mark: str) -> list[str]:
    """The relations (tables and their indexes) whose current data files hold `mark`."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # dirty pages reach the data files
        rows = conn.execute(
            "SELECT c.relname, pg_relation_filepath(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't')"
        ).fetchall()
    found = []
    for name, relative in rows:
        path = cluster.data / relative
        if path.exists() and mark.encode() in Path(path).read_bytes():
            found.append(name)
    return sorted(found)


async def test_after_a_purge_no_live_row_holds_the_persons_data(
    store: UserStore, postgres_url: str
) -> None:
    mark = await purged_person(store)
    assert live_rows_with(postgres_url, mark) == []


async def test_dead_tuples_hold_a_purged_persons_data_until_vacuum_full_rewrites_the_tables(
    store: UserStore, postgres_url: str, postgres_cluster: PostgresCluster
) -> None:
    mark = await purged_person(store)
    assert files_with(postgres_cluster, postgres_url, mark) != []  # dead tuples and index entries
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("VACUUM FULL users, changes, request_ids")
    assert files_with(postgres_cluster, postgres_url, mark) == []
