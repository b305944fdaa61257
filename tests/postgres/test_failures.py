"""Replicas under failure: SIGTERM under load, a database outage, and kill -9."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from roster.user.v1 import user_service_pb2 as pb
from roster.user.v1 import user_service_pb2_grpc
from tests.postgres.load import Load, missing
from tests.postgres.replicas import (
    NOT_SERVING,
    SERVING,
    Replica,
    balanced_stub,
    replicas,
    wait_health,
)
from tests.support.postgres_server import PostgresCluster

pytestmark = pytest.mark.slow


@pytest.fixture
def pair(postgres_url: str, tmp_path: Path) -> Iterator[list[Replica]]:
    """Replicas A and B serving one fresh database."""
    with replicas(postgres_url, tmp_path) as started:
        yield started


async def test_sigterm_of_one_replica_under_load_fails_no_rpc(pair: list[Replica]) -> None:
    a, b = pair
    async with balanced_stub(a.address, b.address) as stub:
        load = Load(stub, "term")
        async with load.running():
            await load.reach(40)
            a.signal(signal.SIGTERM)
            exit_code = await asyncio.to_thread(a.process.wait, 30)
            await load.reach(40)
        assert load.failed_since(0) == []
        assert exit_code == 0
        assert await missing(stub, load.acknowledged) == []


async def test_a_database_outage_flips_readiness_fails_fast_and_recovers_without_restart(
    pair: list[Replica], postgres_cluster: PostgresCluster
) -> None:
    addresses = [replica.address for replica in pair]
    async with balanced_stub(*addresses) as stub:
        load = Load(stub, "outage")
        async with load.running():
            await load.reach(40)
            await asyncio.to_thread(postgres_cluster.stop, "fast")
            try:
                for address in addresses:
                    await wait_health(address, "", NOT_SERVING)
                    await wait_health(address, "liveness", SERVING)
                await assert_fails_fast(addresses[0])
                # Keep the database away while the load goes on failing for a while.
                await load.reach(12)
            finally:
                await asyncio.to_thread(postgres_cluster.start)
            for address in addresses:
                await wait_health(address, "", SERVING)
            recovered = asyncio.get_running_loop().time()
            await load.reach(40)
        assert load.failed_since(recovered) == []
        assert await missing(stub, load.acknowledged) == []
    assert all(replica.process.poll() is None for replica in pair)


async def assert_fails_fast(address: str) -> None:
    """A call with a long deadline during the outage ends UNAVAILABLE, not at its deadline."""
    async with grpc.aio.insecure_channel(address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.GetUser(pb.GetUserRequest(name="users/anyone"), timeout=30)
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_kill_9_of_a_replica_during_concurrent_creates_loses_no_acknowledged_user(
    pair: list[Replica],
) -> None:
    a, b = pair
    async with balanced_stub(a.address) as only_a:
        load = Load(only_a, "kill")
        async with load.running(workers=8):
            await load.reach(60)
            a.signal(signal.SIGKILL)
            await asyncio.to_thread(a.process.wait, 30)
    assert len(load.acknowledged) >= 60
    async with balanced_stub(b.address) as on_b:
        assert await missing(on_b, load.acknowledged) == []
