"""The SQLite store: WAL mode, durable group commits, pooled readers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TypeVar, cast

from roster_user.domain.errors import (
    Unavailable,
    schema_not_current,
    store_unavailable,
    too_complex_for_store,
)
from roster_user.domain.model import Change, User
from roster_user.domain.query import Cursor, UserQuery
from roster_user.store.base import IdempotencyKey, Mutation, PurgeCheck
from roster_user.store.batching import WriteBatcher
from roster_user.store.codec import (
    change_from_row,
    cursor_from_row,
    to_micros,
    user_from_row,
)
from roster_user.store.failures import Meaning, StoreFault
from roster_user.store.sqlite import erasure, failures, files
from roster_user.store.sqlite import queries as q
from roster_user.store.sqlite import schema as schema
from roster_user.store.sqlite import writes as writes
from roster_user.store.sqlite.files import Connections, migration_lock

log = logging.getLogger(__name__)
T = TypeVar("T")


class SqliteStore:
    """UserStore on one SQLite file shared by every worker process on the machine."""

    kind = "sqlite"

    def __init__(
        self, path: Path, *, busy_timeout_s: float, readers: int, max_batch: int = 256
    ) -> None:
        self._path = path
        self._busy_timeout_s = busy_timeout_s
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="sqlite-read")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="sqlite-write")
        self._batcher: WriteBatcher[sqlite3.Connection] = WriteBatcher(self._run_batch, max_batch)
        self._connections = Connections(path, busy_timeout_s)
        self._checkpoint_due = False  # a purge's checkpoint was blocked: the WAL may hold it

    # ---- connections -----------------------------------------------------
    def _on_thread(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return fn(self._connections.this_thread())
        except sqlite3.Error:
            self._connections.forget_this_thread()
            raise

    async def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._readers, self._on_thread, fn)
        except sqlite3.Error as exc:
            raise _failure(exc) from exc

    async def _lookup(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run an indexed lookup on the event loop thread, or on a reader if it would wait.

        A primary-key read of pages in the cache costs less than the hop to a
        reader thread and back (bench/README.md). The loop's connection never
        waits for a lock, so when SQLite is busy the read goes to a reader
        thread, which may wait. Scans stay on the readers.
        """
        try:
            return fn(self._connections.loop())
        except sqlite3.Error:
            self._connections.forget_loop()
            return await self._read(fn)

    async def _write(self, op: Callable[[sqlite3.Connection], T]) -> T:
        return cast(T, await self._batcher.submit(op))

    async def _run_batch(self, ops: list[Callable[[sqlite3.Connection], object]]) -> list[object]:
        """One transaction for `ops`: lock and commit on the writer thread, statements here.

        BEGIN IMMEDIATE may wait for another process's writer and COMMIT waits for
        the disk, so those two run on the writer thread. In between this
        connection holds the write lock and no statement waits for anything, so
        the operations run on the event loop's thread: on the writer thread each
        statement queued for the GIL behind the busy loop (a batch of 15 creates
        took 5 ms, most of it waiting), and that bounded group commit.
        """
        loop = asyncio.get_running_loop()
        conn = self._connections.writer()
        try:
            await loop.run_in_executor(self._writer, conn.execute, "BEGIN IMMEDIATE")
            results = writes.apply_batch(conn, ops)
            await loop.run_in_executor(self._writer, conn.execute, "COMMIT")
        except asyncio.CancelledError:
            # The BEGIN or COMMIT in flight still runs on the writer thread; a
            # rollback queued behind it (one thread, in order) ends what it leaves.
            with contextlib.suppress(RuntimeError):  # the writer has shut down
                self._writer.submit(_roll_back, conn)
            raise
        except sqlite3.Error as exc:
            _roll_back(conn)
            self._connections.forget_writer()
            raise _failure(exc) from exc
        return results

    # ---- lifecycle -------------------------------------------------------
    async def migrate(self) -> None:
        """Apply missing migrations, one process at a time, in one immediate transaction."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.get_running_loop().run_in_executor(self._writer, self._migrate)

    def _migrate(self) -> None:
        with migration_lock(self._path):
            schema.apply(self._connections.this_thread(create=True))

    async def open(self) -> None:
        """Check that the file exists and holds the newest schema."""
        await self.check()

    async def close(self) -> None:
        """Let queued writes commit, then close every connection and thread."""
        await self._batcher.wait_idle()
        self._readers.shutdown(wait=True)
        self._writer.shutdown(wait=True)
        self._connections.close_all()

    async def check(self) -> None:
        """Open the file afresh (never creating it) and read the schema version."""

        def probe() -> int:
            uri = f"file:{self._path}?mode=rw"
            conn = sqlite3.connect(uri, uri=True, timeout=self._busy_timeout_s)
            try:
                return int(conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0])
            finally:
                conn.close()

        try:
            version = await asyncio.get_running_loop().run_in_executor(self._readers, probe)
        except (sqlite3.Error, TypeError) as exc:
            raise _unavailable(exc) from exc
        if version != schema.LATEST:
            raise schema_not_current(version, schema.LATEST)

    # ---- reads -----------------------------------------------------------
    async def page_token_key(self) -> bytes:
        """The page token key created by the first migration."""
        row = await self._read(lambda c: c.execute(q.META, ("page_token_key",)).fetchone())
        return bytes.fromhex(row[0])

    async def get(self, user_id: str) -> User | None:
        """One user by id."""
        row = await self._lookup(lambda c: c.execute(q.GET, (user_id,)).fetchone())
        return None if row is None else user_from_row(row)

    async def get_many(self, user_ids: Sequence[str]) -> dict[str, User]:
        """Users by id, in chunks below SQLite's parameter limit."""

        def fetch(conn: sqlite3.Connection) -> dict[str, User]:
            found: dict[str, User] = {}
            unique = sorted(set(user_ids))
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                sql = q.GET_MANY.format(marks=",".join("?" * len(chunk)))
                for row in conn.execute(sql, chunk):
                    found[row["user_id"]] = user_from_row(row)
            return found

        return await self._read(fetch)

    async def page(
        self, query: UserQuery, after: Cursor | None, limit: int
    ) -> list[tuple[User, Cursor]]:
        """A page of users by keyset: stable under concurrent inserts."""
        sql, params = q.list_users(query, after, limit)

        def fetch(conn: sqlite3.Connection) -> list[tuple[User, Cursor]]:
            rows = conn.execute(sql, params).fetchall()
            return [(user_from_row(r), cursor_from_row(r, query.sort_key)) for r in rows]

        return await self._read(fetch)

    async def changes_after(self, revision: int, limit: int) -> list[Change]:
        """The change log after `revision`."""
        rows = await self._read(lambda c: c.execute(q.CHANGES_AFTER, (revision, limit)).fetchall())
        return [change_from_row(r) for r in rows]

    async def revision_bounds(self) -> tuple[int, int]:
        """(oldest retained - 1, newest) revisions, or (0, 0) before the first change."""
        low, high = await self._lookup(lambda c: c.execute(q.REVISION_BOUNDS).fetchone())
        return (0, 0) if high is None else (low - 1, high)

    # ---- writes ----------------------------------------------------------
    async def create(self, user: User, key: IdempotencyKey | None) -> User:
        """Insert the user, its change record and its idempotency record in one transaction."""
        return await self._write(lambda conn: writes.insert_user(conn, user, key))

    async def create_many(
        self, users: Sequence[User], keys: Sequence[IdempotencyKey | None]
    ) -> list[User]:
        """Insert every user in one savepoint of a batch: a failure undoes them all."""

        def insert_all(conn: sqlite3.Connection) -> list[User]:
            return [
                writes.insert_user(conn, user, key) for user, key in zip(users, keys, strict=True)
            ]

        return await self._write(insert_all)

    async def modify(self, user_id: str, mutation: Mutation) -> User:
        """Read, mutate and write one user inside the writer's transaction."""
        return await self._write(lambda conn: writes.update_user(conn, user_id, mutation))

    async def prune_changes(self, keep: int) -> None:
        """Delete change records older than the newest `keep`."""
        await self._write(lambda c: c.execute(q.PRUNE, (keep,)))

    # ---- purging ---------------------------------------------------------
    async def purge(self, user_id: str, check: PurgeCheck, when: datetime) -> User:
        """Erase the user in one transaction, then checkpoint the WAL so no old page keeps it."""
        user = await self._write(lambda conn: erasure.purge_user(conn, user_id, check, when))
        await self._checkpoint()
        return user

    async def purge_expired(
        self, deleted_before: datetime, limit: int, when: datetime
    ) -> list[User] | None:
        """Under the sweep file lock, erase a batch of expired users in one transaction."""
        with files.sweep_lock(self._path) as held:
            if not held:
                return None
            users = await self._write(
                lambda conn: erasure.purge_expired(conn, deleted_before, limit, when)
            )
            # Also catches up on a checkpoint an earlier purge found blocked; with
            # nothing to erase it is skipped (a TRUNCATE checkpoint holds writers back).
            if users or self._checkpoint_due:
                await self._checkpoint()
            return users

    async def forget_requests(self, created_before: datetime) -> int:
        """Delete idempotency records older than `created_before`."""
        cutoff = to_micros(created_before)
        return await self._write(lambda c: c.execute(q.FORGET_REQUESTS, (cutoff,)).rowcount)

    async def _checkpoint(self) -> None:
        """Truncate the WAL; readers in the way only delay it to the next sweep or close."""
        loop = asyncio.get_running_loop()
        try:
            done = await loop.run_in_executor(
                self._readers, files.checkpoint, self._path, self._busy_timeout_s
            )
        except sqlite3.Error as exc:
            raise _unavailable(exc) from exc
        self._checkpoint_due = not done
        if not done:
            log.warning(
                "WAL checkpoint after a purge was blocked by readers; retried at the next sweep"
            )


def _roll_back(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _unavailable(exc: BaseException) -> Unavailable:
    log.warning("sqlite store error", extra={"error": type(exc).__name__, "detail": str(exc)})
    return store_unavailable()


def _failure(exc: sqlite3.Error) -> Exception:
    """What to raise for `exc`: only a busy or unreachable store is UNAVAILABLE."""
    meaning = failures.meaning(exc)
    if meaning is Meaning.UNAVAILABLE:
        return _unavailable(exc)
    log.warning(
        "sqlite store error",
        extra={"error": type(exc).__name__, "detail": str(exc), "meaning": meaning.value},
    )
    if meaning is Meaning.TOO_COMPLEX:
        return too_complex_for_store()
    return StoreFault(f"sqlite {type(exc).__name__}: {exc}")
