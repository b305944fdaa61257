"""SQL text for the SQLite store; every value travels as a parameter."""

from __future__ import annotations

from roster_user.domain.query import Cursor, UserFilter, UserQuery
from roster_user.store.codec import sort_column
from roster_user.store.filter_sql import SQLITE, condition

COLUMNS = (
    "seq, user_id, uid, email, display_name, state, labels, external_id, "
    "create_time, update_time, delete_time, version, state_reason"
)
GET = f"SELECT {COLUMNS} FROM users WHERE user_id = ?"
GET_MANY = f"SELECT {COLUMNS} FROM users WHERE user_id IN ({{marks}})"
EXISTS = "SELECT 1 FROM users WHERE user_id = ?"
EMAIL_TAKEN = "SELECT 1 FROM users WHERE email_key = ?"
META = "SELECT value FROM roster_meta WHERE key = ?"
INSERT = (
    "INSERT INTO users (user_id, uid, email, email_key, display_name, state, labels, "
    "external_id, create_time, update_time, delete_time, version, state_reason) VALUES "
    "(:user_id, :uid, :email, :email_key, :display_name, :state, :labels, :external_id, "
    ":create_time, :update_time, :delete_time, :version, :state_reason)"
)
UPDATE = (
    "UPDATE users SET email = :email, email_key = :email_key, display_name = :display_name, "
    "state = :state, labels = :labels, external_id = :external_id, update_time = :update_time, "
    "delete_time = :delete_time, version = :version, state_reason = :state_reason "
    "WHERE user_id = :user_id"
)
RECORD_CHANGE = (
    "INSERT INTO changes (event_type, user_snapshot, commit_time, uid) VALUES (?, ?, ?, ?)"
)
CHANGES_AFTER = (
    "SELECT revision, event_type, user_snapshot, commit_time FROM changes "
    "WHERE revision > ? ORDER BY revision LIMIT ?"
)
# Two subqueries, not min() and max() in one SELECT: SQLite answers a lone min
# or max from the index but scans the whole table for the pair (1.6 ms at 18k
# changes, on every write's feed nudge).
REVISION_BOUNDS = "SELECT (SELECT min(revision) FROM changes), (SELECT max(revision) FROM changes)"
PRUNE = "DELETE FROM changes WHERE revision <= (SELECT max(revision) FROM changes) - ?"
REQUEST_ID = "SELECT request_digest, user_snapshot FROM request_ids WHERE request_id = ?"
REMEMBER_REQUEST = (
    "INSERT INTO request_ids (request_id, request_digest, user_snapshot, create_time, uid) "
    "VALUES (?, ?, ?, ?, ?)"
)
# Purging (store/sqlite/erasure.py).
DELETE_USER = "DELETE FROM users WHERE user_id = ?"
CHANGES_OF = "SELECT revision, user_snapshot FROM changes WHERE uid = ?"
SCRUB_CHANGE = "UPDATE changes SET user_snapshot = ? WHERE revision = ?"
SCRUB_REQUESTS = "UPDATE request_ids SET request_digest = ?, user_snapshot = '' WHERE uid = ?"
EXPIRED = (
    f"SELECT {COLUMNS} FROM users WHERE delete_time IS NOT NULL AND delete_time < ? "
    "ORDER BY delete_time LIMIT ?"
)
FORGET_REQUESTS = "DELETE FROM request_ids WHERE create_time < ?"


def list_users(query: UserQuery, after: Cursor | None, limit: int) -> tuple[str, list[object]]:
    """A keyset-paged SELECT for `query`, with its parameters."""
    where: list[str] = []
    params: list[object] = []
    found = query.filter
    if not query.show_deleted:
        where.append("delete_time IS NULL")
    if not isinstance(found, UserFilter):
        where.append(condition(found, SQLITE, params))
        found = UserFilter()
    if found.state is not None:
        where.append("state = ?")
        params.append(int(found.state))
    if found.email_key is not None:
        where.append("email_key = ?")
        params.append(found.email_key)
    if found.display_name is not None:
        where.append("display_name = ?")
        params.append(found.display_name)
    if found.display_name_prefix is not None:
        where.append("substr(display_name, 1, ?) = ?")
        params += [len(found.display_name_prefix), found.display_name_prefix]
    for key, value in found.labels:
        where.append("json_extract(labels, ?) = ?")
        params += [f'$."{key}"', value]
    column = sort_column(query.sort_key)
    direction, beyond = ("DESC", "<") if query.descending else ("ASC", ">")
    if after is not None:
        where.append(f"({column} {beyond} ? OR ({column} = ? AND seq {beyond} ?))")
        params += [after.sort_value, after.sort_value, after.seq]
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    sql = f"SELECT {COLUMNS} FROM users {clause} ORDER BY {column} {direction}, seq {direction} LIMIT ?"
    return sql, [*params, limit]
