"""kill -9 during concurrent creates loses no acknowledged write."""

from __future__ import annotations

import asyncio
import signal
import sqlite3

import grpc
import psycopg

from roster_client import RosterError, UserClient
from tests.conftest import a_user
from tests.support.processes import server_process

WRITERS = 8
ACKNOWLEDGED_BEFORE_KILL = 300


# How a call fails once the server is gone: nobody answers the connection.
GONE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}


async def create_until_killed(
    address: str, writer: int, acknowledged: list[str], enough: asyncio.Event, killed: asyncio.Event
) -> None:
    """Create users one after another, recording each acknowledged name, until the server dies.

    Only the kill may stop a writer: any error before it, or one that is not the
    server being gone, fails the test instead of quietly ending the writer.
    """
    async with UserClient(address, timeout=5) as client:
        for n in range(100_000):
            try:
                user = await client.create_user(a_user(f"w{writer}-{n}"))
            except RosterError as error:
                if not killed.is_set() or error.code not in GONE:
                    raise
                return
            acknowledged.append(user.name)
            if len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL:
                enough.set()


def assert_intact(database_url: str) -> None:
    """The store is consistent after the kill.

    SQLite: the file passes its integrity check. PostgreSQL: the database server
    was not what was killed; what the service itself keeps is the change log's
    commit order, with no gaps and the counter at its newest revision
    (roster_user.store.postgres.queries.RECORD_CHANGE), through writes cut off mid-way.
    """
    if database_url.startswith("postgresql://"):
        with psycopg.connect(database_url) as conn:
            row = conn.execute(
                "SELECT (SELECT revision FROM change_counter), min(revision), max(revision), "
                "count(*) FROM changes"
            ).fetchone()
        assert row is not None
        counter, low, high, count = row
        assert (counter, count) == (high, high - low + 1)
        return
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_every_acknowledged_create_survives_kill_9_and_the_store_is_intact(
    database_url: str,
) -> None:
    acknowledged: list[str] = []
    async with server_process(database_url) as server:
        address = await server.address()
        enough, killed = asyncio.Event(), asyncio.Event()
        writers = [
            asyncio.create_task(create_until_killed(address, w, acknowledged, enough, killed))
            for w in range(WRITERS)
        ]
        await asyncio.wait_for(enough.wait(), 60)
        killed.set()
        server.send(signal.SIGKILL)
        await server.exit_code()
        await asyncio.gather(*writers)
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
    async with server_process(database_url) as restarted:
        async with UserClient(await restarted.address()) as client:
            for start in range(0, len(acknowledged), 1000):
                names = acknowledged[start : start + 1000]
                assert [user.name for user in await client.batch_get_users(names)] == names
        restarted.send(signal.SIGTERM)
        assert await restarted.exit_code() == 0
    assert_intact(database_url)
