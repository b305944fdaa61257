"""PostgreSQL's SQLSTATE classes sorted by what they mean to the caller (roster_user.store.failures)."""

from __future__ import annotations

import psycopg
from psycopg_pool import PoolTimeout

from roster_user.store.failures import Meaning

# Connection exception, insufficient resources (too many connections, out of
# memory or disk), operator intervention (statement timeout, administrator or
# crash shutdown), system error (I/O), and a transaction rolled back by a
# serialisation failure or deadlock: the database is down, overloaded or busy.
_TRANSIENT_CLASSES = frozenset({"08", "40", "53", "57", "58"})
_LOCK_NOT_AVAILABLE = "55P03"
_PROGRAM_LIMIT_CLASS = "54"  # statement too complex, too many columns or arguments


def meaning(error: psycopg.Error) -> Meaning:
    """What `error` means to the caller."""
    if isinstance(error, (PoolTimeout, psycopg.InterfaceError)):
        return Meaning.UNAVAILABLE
    sqlstate = error.sqlstate or ""
    if not sqlstate:
        # No server answer at all: the connection failed or was lost.
        return Meaning.UNAVAILABLE if isinstance(error, psycopg.OperationalError) else Meaning.FAULT
    if sqlstate[:2] in _TRANSIENT_CLASSES or sqlstate == _LOCK_NOT_AVAILABLE:
        return Meaning.UNAVAILABLE
    if sqlstate[:2] == _PROGRAM_LIMIT_CLASS:
        return Meaning.TOO_COMPLEX
    return Meaning.FAULT
