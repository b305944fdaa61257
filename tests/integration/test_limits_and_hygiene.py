"""Server limits answer RESOURCE_EXHAUSTED; unexpected failures leak nothing but a correlation id."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import grpc
import pytest

from roster_client import ResourceExhaustedError, RosterError, UserClient
from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.server import build_server
from tests.conftest import a_user, with_settings
from tests.support.corruption import corrupt_user
from tests.support.errors import assert_error, assert_internal
from tests.support.health_probe import SERVING, status
from tests.support.waiting import until


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # writes to SQLite directly
async def test_calls_beyond_the_concurrency_limit_are_refused_while_others_finish(
    settings: Settings, database_url: str
) -> None:
    running = await build_server(with_settings(settings, max_concurrent_rpcs=2))
    blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        async with UserClient(running.address) as client:
            blocker.execute("BEGIN IMMEDIATE")  # the next two creates wait for the write lock
            held = [asyncio.create_task(client.create_user(a_user(n))) for n in range(2)]
            await until(lambda: running.in_flight.count == 2, "two calls in flight")
            with pytest.raises(ResourceExhaustedError) as caught:
                await client.get_user("users/anyone")
            assert_error(caught.value, grpc.StatusCode.RESOURCE_EXHAUSTED, "TOO_MANY_REQUESTS")
            blocker.execute("COMMIT")
            assert all(user.name for user in await asyncio.gather(*held))
    finally:
        blocker.close()
        await shutdown.drain(running)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # writes to SQLite directly
async def test_an_unexpected_failure_is_internal_with_only_a_correlation_id_that_the_log_shares(
    client: UserClient, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    name = await corrupt_user(client, Path(database_url.removeprefix("sqlite:///")))
    with caplog.at_level(logging.ERROR), pytest.raises(RosterError) as caught:
        await client.get_user(name)
    correlation_id = assert_internal(caught.value)
    logged = [r for r in caplog.records if getattr(r, "correlation_id", None) == correlation_id]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    # Whatever the cause was, neither its type nor its text reached the caller.
    cause = logged[0].exc_info[1]
    assert cause is not None and str(cause)
    assert type(cause).__name__ not in caught.value.message
    assert str(cause) not in caught.value.message


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # writes to SQLite directly
async def test_the_server_stays_healthy_after_an_internal_error(
    client: UserClient, server: object, database_url: str
) -> None:
    await client.create_user(a_user(1), user_id="broken")
    with sqlite3.connect(Path(database_url.removeprefix("sqlite:///"))) as db:
        db.execute("UPDATE users SET labels = 'not json' WHERE user_id = 'broken'")
    with pytest.raises(RosterError) as caught:
        await client.get_user("users/broken")
    assert_internal(caught.value)
    assert await status(server.address, "") == SERVING  # type: ignore[attr-defined]
    assert (await client.create_user(a_user(2))).name
