"""SQLite-only: stores racing to migrate a brand-new file never see "database is locked"."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from roster_user.config import Settings
from roster_user.server import make_store
from roster_user.store.sqlite import schema


async def test_racing_migrations_on_fresh_files_all_succeed(tmp_path: Path) -> None:
    # The race (turning a new file to WAL) is lost only now and then, so it is
    # run on many fresh files; without the migration lock most runs of this test fail.
    for round_number in range(30):
        settings = Settings(database_url=f"sqlite:///{tmp_path / f'round-{round_number}.db'}")
        stores = [make_store(settings) for _ in range(3)]
        try:
            await asyncio.gather(*(store.migrate() for store in stores))
        finally:
            for store in stores:
                await store.close()
        every = list(range(1, schema.LATEST + 1))  # each migration recorded once, in order
        assert migrated(tmp_path / f"round-{round_number}.db") == ("wal", every, 1)


def migrated(path: Path) -> tuple[str, list[int], int]:
    """A file's journal mode, its applied migration versions and its page token key count."""
    with sqlite3.connect(path) as db:
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        versions = [row[0] for row in db.execute("SELECT version FROM schema_migrations")]
        keys = db.execute("SELECT count(*) FROM roster_meta WHERE key = 'page_token_key'")
        return mode, versions, keys.fetchone()[0]
