"""Starting and stopping servers repeatedly leaks no file descriptors, threads or tasks."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import threading

from roster_client import UserClient
from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.server import build_server
from tests.conftest import a_user
from tests.support.waiting import until


def resources() -> tuple[int, int, int]:
    """Open file descriptors, live threads and pending asyncio tasks of this process."""
    gc.collect()
    return len(os.listdir("/proc/self/fd")), threading.active_count(), len(asyncio.all_tasks())


async def cycle(settings: Settings, n: int) -> None:
    """Start a server, use every kind of call including a watch, and stop it."""
    running = await build_server(settings)
    async with UserClient(running.address) as client:
        stream = client.watch_users()
        await anext(stream)
        user = await client.create_user(a_user(n))
        await client.get_user(user.name)
        await client.list_users()
        await anext(stream)
        await stream.aclose()
    await shutdown.drain(running)


async def test_repeated_server_cycles_return_to_the_baseline(settings: Settings) -> None:
    await cycle(settings, 0)  # first use starts grpc's process-wide threads
    baseline = resources()
    for n in range(1, 6):
        await cycle(settings, n)
    # A closed PostgreSQL pool's worker threads and sockets go a moment after
    # close() returns (seen on a loaded machine): wait a bounded while, then compare.
    with contextlib.suppress(AssertionError):  # the comparison below says what is left
        await until(lambda: resources() == baseline, "resources back at the baseline", 10)
    assert resources() == baseline
