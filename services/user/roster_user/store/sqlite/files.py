"""The SQLite file: connection pragmas, per-thread connections, and the migration lock."""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path


def connect(path: Path, *, busy_timeout_s: float, create: bool = False) -> sqlite3.Connection:
    """A connection in WAL mode with durable commits.

    Only migrations may create the file: a serving process that finds it missing
    (a volume not mounted yet) must fail, not start on an empty database.
    """
    mode = "rwc" if create else "rw"
    conn = sqlite3.connect(
        f"file:{path}?mode={mode}",
        uri=True,
        timeout=busy_timeout_s,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        conn.row_factory = sqlite3.Row
        # WAL is persistent once set (by migrations, under the lock below); on an
        # already-WAL file this only reads the mode.
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before it is acknowledged, even across power loss.
        conn.execute("PRAGMA synchronous=FULL")
        # Deleted and overwritten content is zeroed rather than left in free
        # space, so a purged user's data does not linger in the file (it is
        # per connection, not stored in the file: every connection sets it).
        conn.execute("PRAGMA secure_delete=ON")
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def migration_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on a file beside the database while migrating.

    Switching a new file to WAL needs an exclusive lock for which SQLite does not
    wait (it reports "database is locked" at once), so processes that migrate at
    the same moment queue here first. flock also excludes other open files in the
    same process, so it serialises threads too; the kernel drops it if the holder dies.
    """
    lock_path = path.with_name(path.name + ".migrate-lock")
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def sweep_lock(path: Path) -> Iterator[bool]:
    """Try to hold the lock that lets one process at a time purge expired users.

    Yields False at once, without waiting, when another process (or another
    store in this one) holds it; the kernel drops it if the holder dies.
    """
    lock_path = path.with_name(path.name + ".sweep-lock")
    with open(lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def checkpoint(path: Path, busy_timeout_s: float) -> bool:
    """Copy the WAL into the database and truncate it to zero bytes; False if readers kept it.

    Until then the WAL holds older page images, purged data among them.
    """
    conn = connect(path, busy_timeout_s=busy_timeout_s)
    try:
        busy: int = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        conn.close()
    return busy == 0


class Connections:
    """One connection per reader thread, one for writes, and one for the event loop's reads."""

    def __init__(self, path: Path, busy_timeout_s: float) -> None:
        self._path = path
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._open: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._loop: sqlite3.Connection | None = None
        self._writer: sqlite3.Connection | None = None

    def _track(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        with self._lock:
            self._open.append(conn)
        return conn

    def _drop(self, conn: sqlite3.Connection | None) -> None:
        if conn is not None:
            with self._lock:
                self._open.remove(conn)
            conn.close()

    def this_thread(self, create: bool = False) -> sqlite3.Connection:
        """The calling thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self._path, busy_timeout_s=self._busy_timeout_s, create=create)
            self._local.conn = self._track(conn)
        return conn

    def forget_this_thread(self) -> None:
        """Drop the calling thread's connection after an error so the next use reconnects."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        self._local.conn = None
        self._drop(conn)

    def writer(self) -> sqlite3.Connection:
        """The connection every write transaction runs on, used by one thread at a time."""
        if self._writer is None:
            self._writer = self._track(connect(self._path, busy_timeout_s=self._busy_timeout_s))
        return self._writer

    def forget_writer(self) -> None:
        """Drop the writer's connection after an error."""
        conn, self._writer = self._writer, None
        self._drop(conn)

    def loop(self) -> sqlite3.Connection:
        """The event loop thread's connection: it never waits for a lock (busy timeout 0)."""
        if self._loop is None:
            self._loop = self._track(connect(self._path, busy_timeout_s=0))
        return self._loop

    def forget_loop(self) -> None:
        """Drop the loop's connection after an error."""
        conn, self._loop = self._loop, None
        self._drop(conn)

    def close_all(self) -> None:
        """Close every connection (the threads using them have stopped)."""
        with self._lock:
            for conn in self._open:
                conn.close()
            self._open.clear()
        self._loop = None
        self._writer = None
