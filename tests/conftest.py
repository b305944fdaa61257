"""Shared fixtures: a real server on port 0 over SQLite and PostgreSQL, and clients for it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from roster.user.v1 import user_pb2
from roster_client import UserClient
from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.running import Running
from roster_user.server import build_server
from tests.support.postgres_server import postgres_cluster, postgres_url

__all__ = ["postgres_cluster", "postgres_url"]


# Every RPC test runs on both stores; tests that write to SQLite directly pin it.
RPC_BACKENDS = ["sqlite", "postgresql"]
# Per-test limits (pytest-timeout): the default is in pyproject.toml; tests marked
# slow build other languages' clients or run processes for minutes on a loaded machine.
SLOW_TIMEOUT_SECONDS = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give slow tests the longer limit unless they set their own."""
    for item in items:
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT_SECONDS))


@pytest.fixture(params=RPC_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database for one test, on each backend in turn."""
    if request.param == "postgresql":
        # Only PostgreSQL tests start the session's private cluster.
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'roster.db'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Test settings: port 0, no drain delay, quick health checks."""
    return Settings(
        listen_address="127.0.0.1:0",
        database_url=database_url,
        drain_seconds=0,
        shutdown_grace_seconds=2,
        health_check_seconds=0.2,
        watch_poll_seconds=0.05,
        metrics_address="127.0.0.1:0",
        # Some tests send a few hundred calls at once on one channel; the
        # per-connection stream limit has its own tests in tests/security.
        max_streams_per_connection=1000,
    )


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[Running]:
    """A started server, drained after the test."""
    running = await build_server(settings)
    try:
        yield running
    finally:
        await shutdown.drain(running)


@pytest.fixture
async def client(server: Running) -> AsyncIterator[UserClient]:
    """A client connected to the test server."""
    async with UserClient(server.address) as users:
        yield users


def backend_of(database_url: str) -> str:
    """The store's name for a database URL, as metrics and spans report it."""
    return database_url.partition(":")[0]


def a_user(n: int | str = 0, **fields: object) -> user_pb2.User:
    """A valid new user whose email is derived from `n`."""
    defaults: dict[str, object] = {"email": f"user{n}@example.com", "display_name": f"User {n}"}
    defaults.update(fields)
    return user_pb2.User(**defaults)  # type: ignore[arg-type]


def with_settings(settings: Settings, **changes: object) -> Settings:
    """A copy of settings with some fields changed."""
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]
