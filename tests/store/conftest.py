"""The store contract fixtures: one fresh, open store per test, on every backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from roster_user.config import Settings
from roster_user.server import make_store
from roster_user.store.base import UserStore


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend: the contract always covers both."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'roster.db'}"


@pytest.fixture
def store_settings(database_url: str) -> Settings:
    """Settings naming the test database."""
    return Settings(database_url=database_url)


@pytest.fixture
async def store(store_settings: Settings) -> AsyncIterator[UserStore]:
    """A migrated, open store, closed after the test."""
    opened = make_store(store_settings)
    await opened.migrate()
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()
