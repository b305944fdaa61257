"""Opening the SQLite file: connection pragmas and the lock that serialises migrations."""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
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
