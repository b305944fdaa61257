"""The SQLite store's write operations, run inside a batch's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from roster_user.domain.errors import (
    AlreadyExists,
    DomainError,
    Reason,
    email_in_use,
    user_exists,
    user_not_found,
)
from roster_user.domain.model import NAME_PREFIX, EventType, User
from roster_user.domain.rules import email_key
from roster_user.store.base import IdempotencyKey, Mutation
from roster_user.store.codec import snapshot, to_micros, user_columns, user_from_row
from roster_user.store.idempotency import replay
from roster_user.store.sqlite import queries as q


def apply_batch(
    conn: sqlite3.Connection, ops: Sequence[Callable[[sqlite3.Connection], object]]
) -> list[object]:
    """Run each operation in its own savepoint of the open transaction.

    Returns, per operation, its result or the error that rolled back only that
    operation: a refusal, a constraint violation, or a fault in that operation
    alone, which must not fail the writes that share its batch. Other SQLite
    errors (I/O, a full disk) propagate and the caller rolls back the batch.
    """
    results: list[object] = []
    for op in ops:
        conn.execute("SAVEPOINT op")
        try:
            results.append(op(conn))
        except sqlite3.IntegrityError as exc:
            results.append(integrity_error(exc))
        except sqlite3.Error:
            raise
        except Exception as exc:
            results.append(exc)
        else:
            conn.execute("RELEASE op")
            continue
        conn.execute("ROLLBACK TO op")
        conn.execute("RELEASE op")
    return results


def insert_user(conn: sqlite3.Connection, user: User, key: IdempotencyKey | None) -> User:
    """Insert the user, its change record and its idempotency record (or replay the first)."""
    if key is not None:
        seen = conn.execute(q.REQUEST_ID, (key.request_id,)).fetchone()
        if seen is not None:
            return replay(seen["request_digest"], seen["user_snapshot"], key)
    if conn.execute(q.EXISTS, (user.user_id,)).fetchone():
        raise user_exists(user.name)
    if conn.execute(q.EMAIL_TAKEN, (email_key(user.email),)).fetchone():
        raise email_in_use(user.name)
    conn.execute(q.INSERT, user_columns(user))
    _record(conn, EventType.CREATED, user)
    if key is not None:
        conn.execute(
            q.REMEMBER_REQUEST,
            (
                key.request_id,
                key.request_digest,
                snapshot(user),
                to_micros(user.create_time),
                user.uid,
            ),
        )
    return user


def update_user(conn: sqlite3.Connection, user_id: str, mutation: Mutation) -> User:
    """Read, mutate and write one user and record the change."""
    row = conn.execute(q.GET, (user_id,)).fetchone()
    if row is None:
        raise user_not_found(NAME_PREFIX + user_id)
    current = user_from_row(row)
    updated, event = mutation(current)
    if (
        email_key(updated.email) != email_key(current.email)
        and conn.execute(q.EMAIL_TAKEN, (email_key(updated.email),)).fetchone()
    ):
        raise email_in_use(updated.name)
    conn.execute(q.UPDATE, user_columns(updated))
    _record(conn, event, updated)
    return updated


def _record(conn: sqlite3.Connection, event: EventType, user: User) -> None:
    commit_time = to_micros(user.update_time)
    conn.execute(q.RECORD_CHANGE, (int(event), snapshot(user), commit_time, user.uid))


def integrity_error(exc: sqlite3.IntegrityError) -> DomainError:
    """The domain error for a unique-constraint failure, without its SQL text."""
    # The pre-checks inside the transaction catch conflicts first; this is the
    # database's own guard, reported without its SQL text.
    text = str(exc)
    reason = Reason.EMAIL_ALREADY_IN_USE if "email_key" in text else Reason.USER_ALREADY_EXISTS
    return AlreadyExists(
        "the user conflicts with an existing user", resource_name="", reason=reason
    )
