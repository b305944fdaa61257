"""A stored user that no code path could have written, to provoke an unexpected failure."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from roster_client import UserClient
from tests.conftest import a_user


async def corrupt_user(client: UserClient, database: Path, user_id: str = "corrupt") -> str:
    """Create a user through the API, give its row an impossible state; return its name."""
    await client.create_user(a_user(1), user_id=user_id)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE users SET state = 99 WHERE user_id = ?", (user_id,))
    return f"users/{user_id}"
