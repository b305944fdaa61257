"""PostgreSQL settings: the URL picks the store, logs never see the password, timeouts apply."""

from __future__ import annotations

from roster_user.config import Settings
from roster_user.server import make_store
from roster_user.store.postgres.connect import PostgresOptions

URL = "postgresql://roster:s3cr3t-pw@db.internal:6543/roster?sslmode=require"


def test_a_postgresql_url_selects_the_postgresql_store_and_a_sqlite_url_keeps_sqlite() -> None:
    assert make_store(Settings.load({"ROSTER_DATABASE_URL": URL})).kind == "postgresql"
    assert (
        make_store(Settings.load({"ROSTER_DATABASE_URL": "sqlite:////tmp/x.db"})).kind == "sqlite"
    )


def test_the_logged_form_of_the_url_has_neither_password_nor_user() -> None:
    options = PostgresOptions(URL, pool_size=1, connect_timeout_s=1, statement_timeout_s=1)
    assert options.redacted() == "postgresql://db.internal:6543/roster"


def test_every_connection_gets_the_statement_timeout_and_durable_commits() -> None:
    settings = Settings.load(
        {
            "ROSTER_DATABASE_URL": URL,
            "ROSTER_DATABASE_STATEMENT_TIMEOUT_SECONDS": "2.5",
            "ROSTER_DATABASE_CONNECT_TIMEOUT_SECONDS": "7",
            "ROSTER_DATABASE_POOL_SIZE": "3",
        }
    )
    options = PostgresOptions(
        settings.database_url,
        pool_size=settings.database_pool_size,
        connect_timeout_s=settings.database_connect_timeout_seconds,
        statement_timeout_s=settings.database_statement_timeout_seconds,
    )
    kwargs = options.connect_kwargs()
    assert "-c statement_timeout=2500" in kwargs["options"]
    assert "-c synchronous_commit=on" in kwargs["options"]
    assert kwargs["connect_timeout"] == 7
    assert settings.database_pool_size == 3
