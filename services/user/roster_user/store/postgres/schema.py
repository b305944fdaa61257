"""Versioned PostgreSQL migrations: the same versions and meaning as the SQLite ones."""

from __future__ import annotations

# Any constant works: every replica agrees on it, and nothing else in the
# database takes this advisory lock.
MIGRATION_LOCK = 0x526F73746572  # "Roster"

CREATE_MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_time BIGINT NOT NULL
)"""

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "users, change log, idempotency records and the page token key",
        [
            # COLLATE "C" compares UTF-8 bytes, like SQLite's BINARY collation,
            # so both stores sort display names (and page through them) alike.
            """CREATE TABLE users (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id TEXT COLLATE "C" NOT NULL UNIQUE,
                uid TEXT NOT NULL UNIQUE,
                email TEXT NOT NULL,
                email_key TEXT COLLATE "C" NOT NULL UNIQUE,
                display_name TEXT COLLATE "C" NOT NULL,
                state SMALLINT NOT NULL,
                labels JSONB NOT NULL,
                external_id TEXT NOT NULL,
                create_time BIGINT NOT NULL,
                update_time BIGINT NOT NULL,
                delete_time BIGINT,
                version BIGINT NOT NULL
            )""",
            "CREATE INDEX users_by_create_time ON users (create_time, seq)",
            "CREATE INDEX users_by_display_name ON users (display_name, seq)",
            "CREATE INDEX users_by_labels ON users USING GIN (labels jsonb_path_ops)",
            # Revisions are not drawn from a sequence: a transaction can take a
            # lower sequence value and commit after one holding a higher value,
            # and a watcher that already read past it would miss it. See
            # postgres_queries.RECORD_CHANGE for how commit order is kept.
            """CREATE TABLE changes (
                revision BIGINT PRIMARY KEY,
                event_type SMALLINT NOT NULL,
                user_snapshot TEXT NOT NULL,
                commit_time BIGINT NOT NULL
            )""",
            """CREATE TABLE change_counter (
                only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
                revision BIGINT NOT NULL
            )""",
            "INSERT INTO change_counter (revision) VALUES (0)",
            """CREATE TABLE request_ids (
                request_id TEXT PRIMARY KEY,
                request_digest TEXT NOT NULL,
                user_snapshot TEXT NOT NULL,
                create_time BIGINT NOT NULL
            )""",
            "CREATE TABLE roster_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            # 32 random bytes as hex from two version-4 UUIDs (built in since
            # PostgreSQL 13, no pgcrypto): the key never leaves the database,
            # so every replica verifies every other's page tokens.
            """INSERT INTO roster_meta VALUES ('page_token_key',
                replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))""",
        ],
    ),
    (
        2,
        "purging: uid columns on the change log and idempotency records, expiry indexes",
        [
            # A purge finds every record of one user by uid instead of
            # decoding every snapshot; older rows get theirs from the snapshot.
            "ALTER TABLE changes ADD COLUMN uid TEXT",
            "UPDATE changes SET uid = user_snapshot::jsonb ->> 'uid'",
            "CREATE INDEX changes_by_uid ON changes (uid)",
            "ALTER TABLE request_ids ADD COLUMN uid TEXT",
            "UPDATE request_ids SET uid = user_snapshot::jsonb ->> 'uid'",
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
