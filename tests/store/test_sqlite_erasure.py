"""SQLite-only: after a purge and a restart, no byte of the person is left in the files."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from roster_user.config import Settings
from roster_user.server import make_store
from roster_user.store.base import IdempotencyKey, UserStore
from tests.store.test_contract import EPOCH, a_user, rename
from tests.store.test_purge import allow, delete_at


def traces(directory: Path, secrets: list[bytes]) -> dict[str, list[bytes]]:
    """Per database file (main, WAL, shared memory), the secrets its bytes contain."""
    found: dict[str, list[bytes]] = {}
    for path in sorted(directory.glob("roster.db*")):
        content = path.read_bytes()
        hits = [secret for secret in secrets if secret in content]
        if hits:
            found[path.name] = hits
    return found


async def started(path: Path) -> UserStore:
    """A migrated, open store on `path`, as a starting server has."""
    store = make_store(Settings(database_url=f"sqlite:///{path}"))
    await store.migrate()
    await store.open()
    return store


async def test_a_purged_users_data_appears_nowhere_in_the_database_files_after_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "roster.db"
    unique = uuid.uuid4().hex
    email = f"erase-{unique}@example.com"
    secrets = [email.encode(), f"Name {unique}".encode(), f"hr-{unique}".encode()]
    store = await started(path)
    try:
        for n in range(50):  # neighbours on the same pages, which stay
            await store.create(a_user(100 + n), None)
        await store.create(
            a_user(1, email=email, external_id=f"hr-{unique}", labels={"team": unique}),
            IdempotencyKey("req-1", "digest"),
        )
        await store.modify("user-1", rename(f"Name {unique}"))
        await store.modify("user-1", delete_at(EPOCH + timedelta(minutes=1)))
        assert traces(tmp_path, secrets) != {}  # the search can find what is there
        await store.purge("user-1", allow, EPOCH + timedelta(days=1))
    finally:
        await store.close()
    restarted = await started(path)
    try:
        assert await restarted.get("user-1") is None
        assert await restarted.get("user-100") is not None
    finally:
        await restarted.close()
    assert traces(tmp_path, [*secrets, unique.encode()]) == {}
