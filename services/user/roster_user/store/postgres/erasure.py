"""The PostgreSQL store's purge operations, run inside one transaction each."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import psycopg
from psycopg.rows import DictRow

from roster_user.domain.errors import NotFound
from roster_user.domain.model import EventType, User, without_personal_data
from roster_user.store.base import PurgeCheck
from roster_user.store.codec import scrubbed, snapshot, to_micros, user_from_row
from roster_user.store.idempotency import TOMBSTONE_DIGEST
from roster_user.store.postgres import queries as q

Conn = psycopg.AsyncConnection[DictRow]


async def purge_user(conn: Conn, user_id: str, check: PurgeCheck, when: datetime) -> User:
    """Lock, check, erase and record the purge of one user; the user as it was."""
    row = await (await conn.execute(q.GET_FOR_UPDATE, (user_id,))).fetchone()
    if row is None:
        name = f"users/{user_id}"
        raise NotFound(f"{name} does not exist", resource_name=name)
    user = user_from_row(row)
    check(user)
    await _erase(conn, user)
    await _record_purges(conn, [user], when)
    return user


async def purge_expired(
    conn: Conn, deleted_before: datetime, limit: int, when: datetime
) -> list[User] | None:
    """Under the sweep lock, erase up to `limit` expired users; None if another replica sweeps."""
    held = await (await conn.execute(q.TRY_SWEEP_LOCK, (q.SWEEP_LOCK,))).fetchone()
    if held is None or not held["held"]:
        return None
    cur = await conn.execute(q.EXPIRED, (to_micros(deleted_before), limit))
    users = [user_from_row(row) for row in await cur.fetchall()]
    for user in users:
        await _erase(conn, user)
    await _record_purges(conn, users, when)
    return users


async def _erase(conn: Conn, user: User) -> None:
    # Deleted and updated rows leave dead tuples holding the old values until
    # VACUUM reclaims them (docs/privacy.md); no live row keeps them.
    await conn.execute(q.DELETE_USER, (user.user_id,))
    cur = await conn.execute(q.CHANGES_OF, (user.uid,))
    for row in await cur.fetchall():
        await conn.execute(q.SCRUB_CHANGE, (scrubbed(row["user_snapshot"]), row["revision"]))
    await conn.execute(q.SCRUB_REQUESTS, (TOMBSTONE_DIGEST, user.uid))


async def _record_purges(conn: Conn, users: list[User], when: datetime) -> None:
    # Last statements before COMMIT: they take the change counter's row lock
    # (queries.RECORD_CHANGE), which serializes every replica's writes.
    for user in users:
        marker = dataclasses.replace(without_personal_data(user), update_time=when)
        params = (int(EventType.PURGED), snapshot(marker), to_micros(when), user.uid)
        await conn.execute(q.RECORD_CHANGE, params)
