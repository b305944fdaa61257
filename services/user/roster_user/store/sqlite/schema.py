"""Versioned SQLite migrations; each version is applied once, in order."""

from __future__ import annotations

import logging
import sqlite3
import time

log = logging.getLogger(__name__)

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "users, change log, idempotency records and the page token key",
        [
            """CREATE TABLE users (
                seq INTEGER PRIMARY KEY,
                user_id TEXT NOT NULL UNIQUE,
                uid TEXT NOT NULL UNIQUE,
                email TEXT NOT NULL,
                email_key TEXT NOT NULL UNIQUE,
                display_name TEXT NOT NULL,
                state INTEGER NOT NULL,
                labels TEXT NOT NULL,
                external_id TEXT NOT NULL,
                create_time INTEGER NOT NULL,
                update_time INTEGER NOT NULL,
                delete_time INTEGER,
                version INTEGER NOT NULL
            )""",
            "CREATE INDEX users_by_create_time ON users (create_time, seq)",
            "CREATE INDEX users_by_display_name ON users (display_name, seq)",
            """CREATE TABLE changes (
                revision INTEGER PRIMARY KEY AUTOINCREMENT,
                event_type INTEGER NOT NULL,
                user_snapshot TEXT NOT NULL,
                commit_time INTEGER NOT NULL
            )""",
            """CREATE TABLE request_ids (
                request_id TEXT PRIMARY KEY,
                request_digest TEXT NOT NULL,
                user_snapshot TEXT NOT NULL,
                create_time INTEGER NOT NULL
            )""",
            "CREATE TABLE roster_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            # The key never leaves the database, so every process sharing the
            # file verifies every other's page tokens with no secret to configure.
            "INSERT INTO roster_meta VALUES ('page_token_key', lower(hex(randomblob(32))))",
        ],
    ),
    (
        2,
        "purging: uid columns on the change log and idempotency records, expiry indexes",
        [
            # A purge finds every record of one user by uid instead of
            # decoding every snapshot; older rows get theirs from the snapshot.
            "ALTER TABLE changes ADD COLUMN uid TEXT",
            "UPDATE changes SET uid = json_extract(user_snapshot, '$.uid')",
            "CREATE INDEX changes_by_uid ON changes (uid)",
            "ALTER TABLE request_ids ADD COLUMN uid TEXT",
            "UPDATE request_ids SET uid = json_extract(user_snapshot, '$.uid')",
            "CREATE INDEX request_ids_by_uid ON request_ids (uid)",
            "CREATE INDEX request_ids_by_create_time ON request_ids (create_time)",
            "CREATE INDEX users_by_delete_time ON users (delete_time) "
            "WHERE delete_time IS NOT NULL",
        ],
    ),
    (
        3,
        "state transitions: the reason for a user's current state",
        [
            # Existing users were never given a reason; empty means none.
            "ALTER TABLE users ADD COLUMN state_reason TEXT NOT NULL DEFAULT ''",
        ],
    ),
]

LATEST = MIGRATIONS[-1][0]


def apply(conn: sqlite3.Connection) -> None:
    """Apply the missing migrations in one immediate (single-writer) transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_time INTEGER NOT NULL)"
        )
        applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for version, description, statements in MIGRATIONS:
            if version in applied:
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                (version, description, int(time.time() * 1_000_000)),
            )
            log.info("applied migration", extra={"version": version, "description": description})
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
