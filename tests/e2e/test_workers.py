"""ROSTER_WORKERS=2: two processes serve one port, drain together, and share the change feed.

Every test runs over SQLite and PostgreSQL: the workers share the database, and
over either one a write through one worker must wake the other's watchers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from roster.user.v1 import user_service_pb2 as pb
from roster.user.v1 import user_service_pb2_grpc
from tests.conftest import a_user
from tests.support.processes import ServerProcess, server_process
from tests.support.waiting import until

CHANNELS = 16
BOOKMARK = pb.WatchUsersResponse.EVENT_TYPE_BOOKMARK
CREATED = pb.WatchUsersResponse.EVENT_TYPE_CREATED
# The generated stubs are typed for sync channels; these are grpc.aio channels.
Stub = Any
# The supervisor gives its workers 60 s to start and then says why they did not;
# waiting longer than that lets its own report, not this wait, fail a slow start
# (two spawned workers on a 2-core machine shared with other loads once took over 30 s).
START_WAIT_S = 90


def connection_owners(port: int, pids: list[int]) -> dict[int, int]:
    """Per process, how many accepted (established, server-side) TCP connections to `port` it holds."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(fields[9])
    owners = dict.fromkeys(pids, 0)
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd).removeprefix("socket:[").rstrip("]") in inodes:
                    owners[pid] += 1
    return owners


@contextlib.asynccontextmanager
async def channels(address: str, count: int) -> AsyncIterator[list[Stub]]:
    """`count` stubs, each on its own TCP connection (no shared subchannel pool)."""
    opened = [
        grpc.aio.insecure_channel(address, options=[("grpc.use_local_subchannel_pool", 1)])
        for _ in range(count)
    ]
    try:
        yield [user_service_pb2_grpc.UserServiceStub(channel) for channel in opened]
    finally:
        for channel in opened:
            await channel.close()


async def serving(server: ServerProcess) -> tuple[str, int, list[int]]:
    """Address, port and worker pids from the supervisor's 'serving' line."""
    entry = await server.wait_for_log("serving", timeout=START_WAIT_S)
    address = str(entry["address"])
    return address, int(address.rpartition(":")[2]), [int(p) for p in entry["pids"]]


def two_worker_pool(
    database_url: str, **settings: str
) -> contextlib.AbstractAsyncContextManager[ServerProcess]:
    """A supervisor with two workers over `database_url`; `settings` override the defaults."""
    defaults = {
        "drain_seconds": "0.2",
        "watch_poll_seconds": "0.05",
        "metrics_address": "127.0.0.1:0",
    }
    return server_process(database_url, workers="2", **(defaults | settings))


@pytest.fixture
async def two_workers(database_url: str) -> AsyncIterator[ServerProcess]:
    """A supervisor with two workers over a fresh database, on each backend in turn."""
    async with two_worker_pool(database_url) as server:
        yield server


async def test_both_workers_accept_connections_on_the_one_port_and_answer_calls(
    two_workers: ServerProcess,
) -> None:
    address, port, pids = await serving(two_workers)
    async with channels(address, CHANNELS) as stubs:
        created = await asyncio.gather(
            *(
                stub.CreateUser(pb.CreateUserRequest(user=a_user(n)), timeout=10)
                for n, stub in enumerate(stubs)
            )
        )
        owners = connection_owners(port, pids)
    assert len({response.user.name for response in created}) == CHANNELS
    assert len(pids) == 2
    assert all(count > 0 for count in owners.values()), owners
    assert sum(owners.values()) == CHANNELS


async def test_sigterm_to_the_supervisor_drains_every_worker_and_exits_zero(
    two_workers: ServerProcess,
) -> None:
    address, _, pids = await serving(two_workers)
    async with channels(address, 2) as stubs:
        await stubs[0].CreateUser(pb.CreateUserRequest(user=a_user(1)), timeout=10)
    two_workers.send(signal.SIGTERM)
    code = await two_workers.exit_code()
    drained = {e.get("worker") for e in two_workers.logs if e["message"] == "shutdown: complete"}
    assert code == 0
    assert drained == {0, 1}
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)


async def test_a_worker_that_dies_makes_the_supervisor_stop_the_other_and_exit_non_zero(
    two_workers: ServerProcess,
) -> None:
    _, _, pids = await serving(two_workers)
    os.kill(pids[0], signal.SIGKILL)
    code = await two_workers.exit_code()
    drained = {e.get("worker") for e in two_workers.logs if e["message"] == "shutdown: complete"}
    assert code == 1
    assert drained == {1}


@pytest.mark.parametrize("workers", ["1", "2"])
async def test_a_second_instance_on_the_port_in_use_fails_to_start(
    two_workers: ServerProcess, database_url: str, workers: str
) -> None:
    address, _, _ = await serving(two_workers)
    env = {
        **os.environ,
        "ROSTER_LISTEN_ADDRESS": address,
        # The database the pool serves, as another replica's would be: it is
        # there and migrated, so it cannot be why the second instance fails.
        "ROSTER_DATABASE_URL": database_url,
        "ROSTER_WORKERS": workers,
        # Only the gRPC port may be the reason it fails.
        "ROSTER_METRICS_ADDRESS": "",
    }
    second = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "roster_user.cli", "serve", env=env, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(second.communicate(), 60)
    assert second.returncode == 1, err.decode()
    assert b'"cannot start"' in err


async def open_watch(stub: Stub) -> Any:
    """A WatchUsers stream that has delivered its bookmark (so it is registered)."""
    stream = stub.WatchUsers(pb.WatchUsersRequest())
    first = await asyncio.wait_for(stream.read(), 10)
    assert first.event_type == BOOKMARK
    return stream


async def created_names(stream: Any, count: int) -> set[str]:
    """The names in the next `count` CREATED events."""
    names: set[str] = set()
    while len(names) < count:
        event = await asyncio.wait_for(stream.read(), 10)
        if event.event_type == CREATED:
            names.add(event.user.name)
    return names


async def test_watchers_on_each_worker_see_writes_made_through_the_other(
    two_workers: ServerProcess,
) -> None:
    await writes_reach_watchers_on_both_workers(two_workers)


async def test_a_write_wakes_the_other_workers_feed_without_waiting_for_its_poll(
    database_url: str,
) -> None:
    # The feed reads the change log on every poll and every bookmark tick (a
    # quarter of the bookmark interval); both this long would time the reads
    # below out: only the nudge a worker sends its peer after each write can
    # bring those changes across in time.
    async with two_worker_pool(
        database_url, watch_poll_seconds="60", watch_bookmark_seconds="240"
    ) as server:
        await writes_reach_watchers_on_both_workers(server)


async def writes_reach_watchers_on_both_workers(server: ServerProcess) -> None:
    """Watchers and writers on both workers; every watcher sees every write within 10 s."""
    address, port, pids = await serving(server)
    async with channels(address, CHANNELS) as watch_stubs:
        streams = [await open_watch(stub) for stub in watch_stubs]
        watchers_by_worker = connection_owners(port, pids)
        async with channels(address, CHANNELS) as write_stubs:
            created = await asyncio.gather(
                *(
                    stub.CreateUser(pb.CreateUserRequest(user=a_user(n)), timeout=10)
                    for n, stub in enumerate(write_stubs)
                )
            )
            all_by_worker = connection_owners(port, pids)
            names = {response.user.name for response in created}
            seen = await asyncio.gather(*(created_names(s, CHANNELS) for s in streams))
        for stream in streams:
            stream.cancel()
    writers_by_worker = {pid: all_by_worker[pid] - watchers_by_worker[pid] for pid in pids}
    # Each worker holds watchers and took writes, so some deliveries crossed processes.
    assert all(count > 0 for count in watchers_by_worker.values()), watchers_by_worker
    assert all(count > 0 for count in writers_by_worker.values()), writers_by_worker
    assert all(names_seen == names for names_seen in seen)


def scrape(metrics_address: str) -> list[Sample]:
    """Every sample on the supervisor's metrics page."""
    text = urllib.request.urlopen(f"http://{metrics_address}/metrics", timeout=5).read()
    return [
        sample
        for family in text_string_to_metric_families(text.decode())
        for sample in family.samples
    ]


def handled(metrics_address: str, method: str) -> float:
    """grpc_server_handled_total for `method` with code OK, from one scrape."""
    return sum(
        sample.value
        for sample in scrape(metrics_address)
        if sample.name == "grpc_server_handled_total"
        and sample.labels.get("grpc_method") == method
        and sample.labels.get("grpc_code") == "OK"
    )


async def test_the_supervisors_one_metrics_endpoint_counts_the_calls_of_every_worker(
    two_workers: ServerProcess,
) -> None:
    address, port, pids = await serving(two_workers)
    metrics_address = str((await two_workers.wait_for_log("serving"))["metrics_address"])
    async with channels(address, CHANNELS) as stubs:
        created = await asyncio.gather(
            *(
                stub.CreateUser(pb.CreateUserRequest(user=a_user(n)), timeout=10)
                for n, stub in enumerate(stubs)
            )
        )
        owners = connection_owners(port, pids)
    created_name = created[0].user.name
    assert all(count > 0 for count in owners.values()), owners
    # Counted as each call completes, which can trail the client's receipt slightly.
    await until(
        lambda: handled(metrics_address, "CreateUser") == CHANNELS, "every call to be counted"
    )
    # A later call's count arrives too, and the merge counts nobody twice meanwhile.
    async with channels(address, 1) as [stub]:
        await stub.GetUser(pb.GetUserRequest(name=created_name), timeout=10)
    await until(lambda: handled(metrics_address, "GetUser") == 1, "the GetUser to be counted")
    assert handled(metrics_address, "CreateUser") == CHANNELS
    # One series per label set, both workers in it, their processes' memory added up.
    samples = scrape(metrics_address)
    keys = [(sample.name, tuple(sorted(sample.labels.items()))) for sample in samples]
    by_name = {sample.name: sample.value for sample in samples if not sample.labels}
    assert len(keys) == len(set(keys))
    assert by_name["roster_workers_reporting"] == 2
    assert by_name["process_resident_memory_bytes"] > 0
