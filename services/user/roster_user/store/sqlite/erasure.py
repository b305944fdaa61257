"""The SQLite store's purge operations, run inside a batch's transaction."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import datetime

from roster_user.domain.errors import NotFound
from roster_user.domain.model import EventType, User, without_personal_data
from roster_user.store.base import PurgeCheck
from roster_user.store.codec import scrubbed, snapshot, to_micros, user_from_row
from roster_user.store.idempotency import TOMBSTONE_DIGEST
from roster_user.store.sqlite import queries as q


def purge_user(conn: sqlite3.Connection, user_id: str, check: PurgeCheck, when: datetime) -> User:
    """Check, erase and record the purge of one user; the user as it was."""
    row = conn.execute(q.GET, (user_id,)).fetchone()
    if row is None:
        name = f"users/{user_id}"
        raise NotFound(f"{name} does not exist", resource_name=name)
    user = user_from_row(row)
    check(user)
    _erase(conn, user)
    _record_purge(conn, user, when)
    return user


def purge_expired(
    conn: sqlite3.Connection, deleted_before: datetime, limit: int, when: datetime
) -> list[User]:
    """Erase up to `limit` users soft-deleted before `deleted_before` and record their purges."""
    rows = conn.execute(q.EXPIRED, (to_micros(deleted_before), limit)).fetchall()
    users = [user_from_row(row) for row in rows]
    for user in users:
        _erase(conn, user)
        _record_purge(conn, user, when)
    return users


def _erase(conn: sqlite3.Connection, user: User) -> None:
    conn.execute(q.DELETE_USER, (user.user_id,))
    for revision, text in conn.execute(q.CHANGES_OF, (user.uid,)).fetchall():
        conn.execute(q.SCRUB_CHANGE, (scrubbed(text), revision))
    conn.execute(q.SCRUB_REQUESTS, (TOMBSTONE_DIGEST, user.uid))


def _record_purge(conn: sqlite3.Connection, user: User, when: datetime) -> None:
    marker = dataclasses.replace(without_personal_data(user), update_time=when)
    conn.execute(
        q.RECORD_CHANGE, (int(EventType.PURGED), snapshot(marker), to_micros(when), user.uid)
    )
