"""Holding the store's write lock from another process, so a write waits as long as a test likes."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import psycopg


@contextlib.contextmanager
def writes_held(database_url: str) -> Iterator[None]:
    """While inside, every write the service makes waits; reads go on.

    SQLite: the file's write lock (BEGIN IMMEDIATE). PostgreSQL: the change
    counter's row, which every write that records a change locks last, just
    before its COMMIT (roster_user.store.postgres.queries.RECORD_CHANGE).
    The server's statement timeout (10 s by default) bounds how long it waits.
    """
    if database_url.startswith("postgresql://"):
        with psycopg.connect(database_url) as conn:
            conn.execute("SELECT revision FROM change_counter FOR UPDATE")
            try:
                yield
            finally:
                conn.rollback()
        return
    blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        yield
    finally:
        blocker.close()  # rolls the open transaction back
