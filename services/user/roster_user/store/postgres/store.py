"""The PostgreSQL store: a connection pool shared by every replica's one database."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import psycopg
from psycopg.rows import DictRow

from roster_user.domain.errors import (
    AlreadyExists,
    Unavailable,
    email_in_use,
    schema_not_current,
    user_exists,
    user_not_found,
)
from roster_user.domain.model import NAME_PREFIX, Change, EventType, User
from roster_user.domain.query import Cursor, UserQuery
from roster_user.store.base import IdempotencyKey, Mutation, PurgeCheck
from roster_user.store.codec import (
    change_from_row,
    cursor_from_row,
    snapshot,
    to_micros,
    user_columns,
    user_from_row,
)
from roster_user.store.idempotency import replay
from roster_user.store.postgres import erasure
from roster_user.store.postgres import queries as q
from roster_user.store.postgres.connect import ConnectionSource, PostgresOptions
from roster_user.store.postgres.schema import (
    CREATE_MIGRATIONS_TABLE,
    LATEST,
    MIGRATION_LOCK,
    MIGRATIONS,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
Conn = psycopg.AsyncConnection[DictRow]


class PostgresStore:
    """UserStore on PostgreSQL; any number of replicas may share the database."""

    kind = "postgresql"

    def __init__(self, options: PostgresOptions) -> None:
        self._source = ConnectionSource(options)
        # Writes run as tasks of their own so that a caller cancelled by its
        # deadline cannot abandon a transaction half way; close() waits for them.
        self._writes: set[asyncio.Task[Any]] = set()

    # ---- lifecycle -------------------------------------------------------
    async def migrate(self) -> None:
        """Apply missing migrations in one transaction under an advisory lock."""
        async with self._source.connection() as conn, conn.transaction():
            # Held until COMMIT: replicas starting together migrate one at a
            # time, and each later one finds the work done.
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            await conn.execute(CREATE_MIGRATIONS_TABLE)
            cur = await conn.execute("SELECT version FROM schema_migrations")
            applied = {row["version"] for row in await cur.fetchall()}
            for version, description, statements in MIGRATIONS:
                if version in applied:
                    continue
                for statement in statements:
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations VALUES (%s, %s, %s)",
                    (version, description, int(time.time() * 1_000_000)),
                )
                log.info(
                    "applied migration", extra={"version": version, "description": description}
                )

    async def open(self) -> None:
        """Fill the pool and check the schema is the newest."""
        await self._source.open()
        await self.check()

    async def close(self) -> None:
        """Let running writes commit, then close every connection."""
        await asyncio.gather(*self._writes, return_exceptions=True)
        await self._source.close()

    async def check(self) -> None:
        """Borrow a pooled connection with a short wait and read the schema version."""
        version = await self._source.probe(q.SCHEMA_VERSION)
        if version != LATEST:
            raise schema_not_current(version, LATEST)

    # ---- reads -----------------------------------------------------------
    async def _rows(self, sql: str, params: Sequence[object]) -> list[DictRow]:
        async with self._source.connection() as conn:
            cur = await conn.execute(sql, params)
            return await cur.fetchall()

    async def page_token_key(self) -> bytes:
        """The page token key created by the first migration."""
        rows = await self._rows(q.META, ("page_token_key",))
        return bytes.fromhex(rows[0]["value"])

    async def get(self, user_id: str) -> User | None:
        """One user by id."""
        rows = await self._rows(q.GET, (user_id,))
        return user_from_row(rows[0]) if rows else None

    async def get_many(self, user_ids: Sequence[str]) -> dict[str, User]:
        """Users by id, in one query with an array parameter."""
        rows = await self._rows(q.GET_MANY, (sorted(set(user_ids)),))
        return {row["user_id"]: user_from_row(row) for row in rows}

    async def page(
        self, query: UserQuery, after: Cursor | None, limit: int
    ) -> list[tuple[User, Cursor]]:
        """A page of users by keyset: stable under concurrent inserts."""
        sql, params = q.list_users(query, after, limit)
        rows = await self._rows(sql, params)
        return [(user_from_row(r), cursor_from_row(r, query.sort_key)) for r in rows]

    async def changes_after(self, revision: int, limit: int) -> list[Change]:
        """The change log after `revision`, in commit order."""
        rows = await self._rows(q.CHANGES_AFTER, (revision, limit))
        return [change_from_row(r) for r in rows]

    async def revision_bounds(self) -> tuple[int, int]:
        """(oldest retained - 1, newest) revisions, or (0, 0) before the first change."""
        row = (await self._rows(q.REVISION_BOUNDS, ()))[0]
        low, high = row["low"], row["high"]
        return (0, 0) if high is None else (low - 1, high)

    # ---- writes ----------------------------------------------------------
    async def _write(self, op: Callable[[Conn], Awaitable[T]]) -> T:
        task = asyncio.create_task(self._transact(op), name="postgres-write")
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        return await asyncio.shield(task)

    async def _transact(self, op: Callable[[Conn], Awaitable[T]]) -> T:
        async with self._source.connection() as conn, conn.transaction():
            return await op(conn)

    async def create(self, user: User, key: IdempotencyKey | None) -> User:
        """Insert the user, its change record and its idempotency record in one transaction."""
        return await self._write(lambda conn: _insert(conn, user, key))

    async def create_many(
        self, users: Sequence[User], keys: Sequence[IdempotencyKey | None]
    ) -> list[User]:
        """Insert every user in one transaction: a failure rolls them all back."""

        async def op(conn: Conn) -> list[User]:
            return [await _insert(conn, user, key) for user, key in zip(users, keys, strict=True)]

        return await self._write(op)

    async def modify(self, user_id: str, mutation: Mutation) -> User:
        """Lock the row, apply `mutation` to it and record the change, in one transaction."""

        async def op(conn: Conn) -> User:
            cur = await conn.execute(q.GET_FOR_UPDATE, (user_id,))
            row = await cur.fetchone()
            if row is None:
                raise user_not_found(NAME_PREFIX + user_id)
            updated, event = mutation(user_from_row(row))
            try:
                await conn.execute(q.UPDATE, user_columns(updated))
            except psycopg.errors.UniqueViolation as exc:
                raise _conflict(exc, updated) from None
            await _record(conn, event, updated)
            return updated

        return await self._write(op)

    async def prune_changes(self, keep: int) -> None:
        """Delete change records older than the newest `keep`."""
        await self._write(lambda conn: conn.execute(q.PRUNE, (keep,)))

    # ---- purging ---------------------------------------------------------
    async def purge(self, user_id: str, check: PurgeCheck, when: datetime) -> User:
        """Erase the user, scrub its records and record the purge, in one transaction."""
        return await self._write(lambda conn: erasure.purge_user(conn, user_id, check, when))

    async def purge_expired(
        self, deleted_before: datetime, limit: int, when: datetime
    ) -> list[User] | None:
        """Erase a batch of expired users in one transaction under the sweep's advisory lock."""
        return await self._write(
            lambda conn: erasure.purge_expired(conn, deleted_before, limit, when)
        )

    async def forget_requests(self, created_before: datetime) -> int:
        """Delete idempotency records older than `created_before`."""

        async def op(conn: Conn) -> int:
            cur = await conn.execute(q.FORGET_REQUESTS, (to_micros(created_before),))
            return cur.rowcount

        return await self._write(op)


async def _insert(conn: Conn, user: User, key: IdempotencyKey | None) -> User:
    """Insert one user with its change and idempotency records, or replay its first create."""
    if key is not None:
        replayed = await _claim_request(conn, key, user)
        if replayed is not None:
            return replayed
    try:
        await conn.execute(q.INSERT, user_columns(user))
    except psycopg.errors.UniqueViolation as exc:
        raise _conflict(exc, user) from None
    await _record(conn, EventType.CREATED, user)
    return user


async def _claim_request(conn: Conn, key: IdempotencyKey, user: User) -> User | None:
    """Record the request id, or return the user its first use created."""
    columns = user_columns(user)
    claim = (key.request_id, key.request_digest, snapshot(user), columns["create_time"], user.uid)
    cur = await conn.execute(q.CLAIM_REQUEST, claim)
    if await cur.fetchone() is not None:
        return None
    cur = await conn.execute(q.REQUEST_ID, (key.request_id,))
    seen = await cur.fetchone()
    if seen is None:  # ON CONFLICT saw a committed row, so this cannot happen
        raise Unavailable("the request id is being processed; retry")
    return replay(seen["request_digest"], seen["user_snapshot"], key)


async def _record(conn: Conn, event: EventType, user: User) -> None:
    # Last statement before COMMIT: it takes the change counter's row lock.
    commit_time = user_columns(user)["update_time"]
    await conn.execute(q.RECORD_CHANGE, (int(event), snapshot(user), commit_time, user.uid))


def _conflict(exc: psycopg.errors.UniqueViolation, user: User) -> AlreadyExists:
    # The database's unique indexes decide races between replicas; the
    # constraint name says which one, without sending SQL text to the caller.
    if exc.diag.constraint_name == "users_email_key_key":
        return email_in_use(user.name)
    return user_exists(user.name)
