"""Roster with SQLite reads run on the event loop thread, to measure that decision.

`python -m bench.variants serve` is `roster-user serve` except that the store's
reads skip the reader thread pool. Only the benchmark runs it; the measured
outcome is in bench/results.md.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from typing import TypeVar

from roster_user import cli
from roster_user.store import sqlite as sqlite_store

T = TypeVar("T")


async def _read_inline(self: sqlite_store.SqliteStore, fn: Callable[[sqlite3.Connection], T]) -> T:
    try:
        return self._on_thread(fn)
    except sqlite3.Error as exc:
        raise sqlite_store._unavailable(exc) from exc


if __name__ == "__main__":
    sqlite_store.SqliteStore._read = _read_inline  # type: ignore[method-assign]
    sys.exit(cli.main(sys.argv[1:]))
