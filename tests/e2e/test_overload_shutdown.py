"""The instant of stop: a call arriving at any moment of the drain completes or gets UNAVAILABLE.

grpc's stop() ends calls that have arrived but that the application has not
taken with a bare CANCELLED, which clients retrying only UNAVAILABLE pass on to
their callers. The drain closes admission first and lets the queue empty, so
what is left arrives as UNAVAILABLE ("did not run, retry"). Load generators
keep calling straight through each SIGTERM until the process has exited.
The twenty restarts are split between the stores, over one database each: the
drain ends with the store's close, and either store must let it end cleanly.
"""

from __future__ import annotations

import asyncio
import collections
import signal

import grpc

from roster_client import UserClient
from tests.conftest import a_user
from tests.support.burst import Stub, get_user
from tests.support.processes import server_process
from tests.support.waiting import until

SIGTERMS_PER_STORE = 10
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


async def one_sigterm_under_load(
    database_url: str, run: int
) -> tuple[collections.Counter[str], collections.Counter[str]]:
    """Start a server, load it, SIGTERM it, keep loading until it has exited.

    The outcomes of every call, and of those that ended after the signal.
    """
    codes: collections.Counter[str] = collections.Counter()
    async with server_process(
        database_url, drain_seconds="0.2", shutdown_grace_seconds="5"
    ) as server:
        address = await server.address()
        async with UserClient(address) as client:
            target = await client.create_user(a_user(f"load-{run}"))
        stop = asyncio.Event()
        load = asyncio.create_task(keep_calling(address, target.name, stop, codes))
        await until(lambda: codes["OK"] >= 200, "calls served before the signal")
        before = collections.Counter(codes)
        server.send(signal.SIGTERM)
        assert await server.exit_code() == 0
        stop.set()
        await load
    return codes, codes - before


async def test_calls_across_ten_sigterms_under_load_end_ok_or_unavailable_never_cancelled(
    database_url: str,
) -> None:
    total: collections.Counter[str] = collections.Counter()
    served_after_signal: list[int] = []
    for run in range(SIGTERMS_PER_STORE):
        codes, after_signal = await one_sigterm_under_load(database_url, run)
        total += codes
        served_after_signal.append(after_signal["OK"])
    assert set(total) <= ALLOWED, total
    # Each drain went on serving after the signal (the calls in flight and the
    # drain delay's), and the load ran on until the exit: callers were refused.
    assert all(served > 0 for served in served_after_signal), served_after_signal
    assert total["UNAVAILABLE"] > 0, total
