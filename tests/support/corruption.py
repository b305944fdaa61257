"""A stored user that no code path could have written, to provoke an unexpected failure."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from roster_client import UserClient
from tests.conftest import a_user

# No code writes this state; reading it back fails inside the server.
_CORRUPT = "UPDATE users SET state = 99 WHERE user_id = "


async def corrupt_user(client: UserClient, database: Path | str, user_id: str = "corrupt") -> str:
    """Create a user through the API, give its row an impossible state; return its name.

    `database` is a SQLite file or a database URL (sqlite:/// or postgresql://).
    """
    await client.create_user(a_user(1), user_id=user_id)
    if isinstance(database, str) and database.startswith("postgresql://"):
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute(_CORRUPT + "%s", (user_id,))
    else:
        path = Path(database.removeprefix("sqlite:///") if isinstance(database, str) else database)
        with sqlite3.connect(path) as db:
            db.execute(_CORRUPT + "?", (user_id,))
    return f"users/{user_id}"
