"""SQLite's result codes sorted by what they mean to the caller (roster_user.store.failures)."""

from __future__ import annotations

import sqlite3

from roster_user.store.failures import Meaning

# Primary result codes (the low byte of an extended code) of a store that is
# busy, out of resources or unreachable: BUSY, LOCKED, NOMEM, READONLY,
# INTERRUPT, IOERR, FULL, CANTOPEN, PROTOCOL.
_TRANSIENT = frozenset({5, 6, 7, 8, 9, 10, 13, 14, 15})
_TOOBIG = 18
# SQLITE_ERROR is also what SQLite says when a statement exceeds a compile-time
# limit; only the message tells those apart from a statement it cannot run.
_LIMIT_MESSAGES = (
    "expression tree is too large",
    "too many sql variables",
    "too many terms in compound select",
    "parser stack overflow",
    "pattern too complex",
    "too many arguments on function",
)


def meaning(error: sqlite3.Error) -> Meaning:
    """What `error` means to the caller."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:  # raised by the sqlite3 module itself, not by SQLite: a misuse
        return Meaning.FAULT
    primary = code & 0xFF
    if primary in _TRANSIENT:
        return Meaning.UNAVAILABLE
    text = str(error).lower()
    if primary == _TOOBIG or any(limit in text for limit in _LIMIT_MESSAGES):
        return Meaning.TOO_COMPLEX
    return Meaning.FAULT
