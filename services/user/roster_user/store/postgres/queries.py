"""SQL text for the PostgreSQL store; every value travels as a parameter."""

from __future__ import annotations

import json

from roster_user.domain.query import Cursor, SortKey, UserFilter, UserQuery
from roster_user.store.codec import sort_column
from roster_user.store.filter_sql import POSTGRES, condition

COLUMNS = (
    "seq, user_id, uid, email, display_name, state, labels, external_id, "
    "create_time, update_time, delete_time, version, state_reason"
)
GET = f"SELECT {COLUMNS} FROM users WHERE user_id = %s"
GET_FOR_UPDATE = f"{GET} FOR UPDATE"
GET_MANY = f"SELECT {COLUMNS} FROM users WHERE user_id = ANY(%s)"
META = "SELECT value FROM roster_meta WHERE key = %s"
SCHEMA_VERSION = "SELECT max(version) FROM schema_migrations"
INSERT = (
    "INSERT INTO users (user_id, uid, email, email_key, display_name, state, labels, "
    "external_id, create_time, update_time, delete_time, version, state_reason) VALUES "
    "(%(user_id)s, %(uid)s, %(email)s, %(email_key)s, %(display_name)s, %(state)s, "
    "%(labels)s::jsonb, %(external_id)s, %(create_time)s, %(update_time)s, "
    "%(delete_time)s, %(version)s, %(state_reason)s)"
)
UPDATE = (
    "UPDATE users SET email = %(email)s, email_key = %(email_key)s, "
    "display_name = %(display_name)s, state = %(state)s, labels = %(labels)s::jsonb, "
    "external_id = %(external_id)s, update_time = %(update_time)s, "
    "delete_time = %(delete_time)s, version = %(version)s, "
    "state_reason = %(state_reason)s WHERE user_id = %(user_id)s"
)
# One global commit order for every replica. The single counter row is updated
# in the writing transaction, so its row lock is held until COMMIT: the next
# writer (on any replica) gets the lock, and reads the counter, only after this
# transaction is committed and visible. Revisions therefore increase in commit
# order with no gaps (a rollback also undoes its increment), and a reader that
# sees revision N also sees every revision below N.
# The cost: writes that record changes serialize on this row for the time from
# this statement to the end of their COMMIT (one WAL flush), so the whole
# cluster commits at most about one such write per flush. The statement is
# therefore the last one before COMMIT in every write.
RECORD_CHANGE = (
    "WITH next AS (UPDATE change_counter SET revision = revision + 1 RETURNING revision) "
    "INSERT INTO changes (revision, event_type, user_snapshot, commit_time, uid) "
    "SELECT revision, %s, %s, %s, %s FROM next"
)
CHANGES_AFTER = (
    "SELECT revision, event_type, user_snapshot, commit_time FROM changes "
    "WHERE revision > %s ORDER BY revision LIMIT %s"
)
# Two index lookups, the same shape as the SQLite store's (which scans the table
# for min() and max() in one SELECT).
REVISION_BOUNDS = (
    "SELECT (SELECT min(revision) FROM changes) AS low, (SELECT max(revision) FROM changes) AS high"
)
PRUNE = "DELETE FROM changes WHERE revision <= (SELECT max(revision) FROM changes) - %s"
# ON CONFLICT waits for a concurrent transaction holding the same request_id to
# finish, so a retry racing its original either replays it or takes over.
CLAIM_REQUEST = (
    "INSERT INTO request_ids (request_id, request_digest, user_snapshot, create_time, uid) "
    "VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (request_id) DO NOTHING RETURNING request_id"
)
REQUEST_ID = "SELECT request_digest, user_snapshot FROM request_ids WHERE request_id = %s"
# Purging (store/postgres/erasure.py). Only one replica sweeps at a time: the
# sweep's transaction takes this advisory lock or skips its turn.
SWEEP_LOCK = 0x526F73746572_01
TRY_SWEEP_LOCK = "SELECT pg_try_advisory_xact_lock(%s) AS held"
DELETE_USER = "DELETE FROM users WHERE user_id = %s"
CHANGES_OF = "SELECT revision, user_snapshot FROM changes WHERE uid = %s FOR UPDATE"
SCRUB_CHANGE = "UPDATE changes SET user_snapshot = %s WHERE revision = %s"
SCRUB_REQUESTS = "UPDATE request_ids SET request_digest = %s, user_snapshot = '' WHERE uid = %s"
# SKIP LOCKED: a user being undeleted or purged by a call right now waits for
# the next sweep instead of holding this one up.
EXPIRED = (
    f"SELECT {COLUMNS} FROM users WHERE delete_time IS NOT NULL AND delete_time < %s "
    "ORDER BY delete_time LIMIT %s FOR UPDATE SKIP LOCKED"
)
FORGET_REQUESTS = "DELETE FROM request_ids WHERE create_time < %s"


def list_users(query: UserQuery, after: Cursor | None, limit: int) -> tuple[str, list[object]]:
    """A keyset-paged SELECT for `query`, with its parameters."""
    where: list[str] = []
    params: list[object] = []
    found = query.filter
    if not query.show_deleted:
        where.append("delete_time IS NULL")
    if not isinstance(found, UserFilter):
        where.append(condition(found, POSTGRES, params))
        found = UserFilter()
    if found.state is not None:
        where.append("state = %s")
        params.append(int(found.state))
    if found.email_key is not None:
        where.append("email_key = %s")
        params.append(found.email_key)
    if found.display_name is not None:
        where.append("display_name = %s")
        params.append(found.display_name)
    if found.display_name_prefix is not None:
        where.append("starts_with(display_name, %s)")
        params.append(found.display_name_prefix)
    if found.labels:
        # Containment of every wanted label at once, answered by the GIN index.
        where.append("labels @> %s::jsonb")
        params.append(json.dumps(dict(found.labels), ensure_ascii=False))
    column = sort_column(query.sort_key)
    direction, beyond = ("DESC", "<") if query.descending else ("ASC", ">")
    if after is not None:
        cast = "bigint" if query.sort_key is SortKey.CREATE_TIME else "text"
        where.append(f"({column}, seq) {beyond} (%s::{cast}, %s::bigint)")
        params += [after.sort_value, after.seq]
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    sql = f"SELECT {COLUMNS} FROM users {clause} ORDER BY {column} {direction}, seq {direction} LIMIT %s"
    return sql, [*params, limit]
