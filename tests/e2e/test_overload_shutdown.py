"""The instant of stop: a call arriving at any moment of the drain completes or gets UNAVAILABLE.

grpc's stop() ends calls that have arrived but that the application has not
taken with a bare CANCELLED, which clients retrying only UNAVAILABLE pass on to
their callers. The drain closes admission first and lets the queue empty, so
what is left arrives as UNAVAILABLE ("did not run, retry"). Load generators
keep calling straight through each SIGTERM until the process has exited.
"""

from __future__ import annotations

import asyncio
import collections
import signal
from pathlib import Path

import grpc

from roster_client import UserClient
from tests.conftest import a_user
from tests.support.burst import Stub, get_user
from tests.support.processes import server_process
from tests.support.waiting import until

SIGTERMS = 20
LOADERS, CHANNELS = 32, 8
ALLOWED = {"OK", "UNAVAILABLE"}


async def keep_calling(
    address: str, name: str, stop: asyncio.Event, codes: collections.Counter[str]
) -> None:
    """GetUser from LOADERS callers over CHANNELS connections until `stop`; count every outcome."""
    call = get_user(name, timeout=10)
    options = [("grpc.use_local_subchannel_pool", 1)]
    channels = [grpc.aio.insecure_channel(address, options=options) for _ in range(CHANNELS)]

    async def loader(stub: Stub) -> None:
        while not stop.is_set():
            try:
                await call(stub)
                codes["OK"] += 1
            except grpc.aio.AioRpcError as error:
                codes[error.code().name] += 1
                if error.code() == grpc.StatusCode.UNAVAILABLE:
                    await asyncio.sleep(0.005)  # what a retrying client does

    try:
        await asyncio.gather(*(loader(Stub(channels[n % CHANNELS])) for n in range(LOADERS)))
    finally:
        for channel in channels:
            await channel.close()


async def one_sigterm_under_load(database: Path) -> collections.Counter[str]:
    """Start a server, load it, SIGTERM it, keep loading until it has exited; the outcomes."""
    codes: collections.Counter[str] = collections.Counter()
    async with server_process(database, drain_seconds="0.2", shutdown_grace_seconds="5") as server:
        address = await server.address()
        async with UserClient(address) as client:
            target = await client.create_user(a_user("load"))
        stop = asyncio.Event()
        load = asyncio.create_task(keep_calling(address, target.name, stop, codes))
        await until(lambda: codes["OK"] >= 200, "calls served before the signal")
        server.send(signal.SIGTERM)
        assert await server.exit_code() == 0
        stop.set()
        await load
    return codes


async def test_calls_across_twenty_sigterms_under_load_end_ok_or_unavailable_never_cancelled(
    tmp_path: Path,
) -> None:
    total: collections.Counter[str] = collections.Counter()
    for run in range(SIGTERMS):
        total += await one_sigterm_under_load(tmp_path / f"roster-{run}.db")
    assert set(total) <= ALLOWED, total
    assert total["OK"] >= SIGTERMS * 200
