"""Real `roster-user serve` processes sharing one database, and a client for all of them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2

from roster.user.v1 import user_service_pb2_grpc
from roster_client.client import SERVICE_CONFIG

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
ROSTER_USER = Path(sys.executable).with_name("roster-user")


class Replica:
    """One server process; its JSON log goes to a file so a full pipe never blocks it."""

    def __init__(self, database_url: str, log: Path, **settings: str) -> None:
        env = {
            **os.environ,
            "ROSTER_LISTEN_ADDRESS": "127.0.0.1:0",
            "ROSTER_DATABASE_URL": database_url,
            "ROSTER_METRICS_ADDRESS": "",
            "ROSTER_DRAIN_SECONDS": "1",
            "ROSTER_SHUTDOWN_GRACE_SECONDS": "5",
            "ROSTER_HEALTH_CHECK_SECONDS": "0.2",
            "ROSTER_WATCH_POLL_SECONDS": "0.05",
            "ROSTER_DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
            **{f"ROSTER_{name.upper()}": value for name, value in settings.items()},
        }
        self.log = log
        with log.open("wb") as sink:
            self.process = subprocess.Popen(
                [str(ROSTER_USER), "serve"], env=env, stdin=subprocess.DEVNULL, stderr=sink
            )
        self.address = ""

    def wait_serving(self, deadline_s: float = 30) -> str:
        """Block until the process logs where it serves; its address."""
        give_up = time.monotonic() + deadline_s
        while time.monotonic() < give_up:
            for line in self.log.read_text().splitlines():
                entry = json.loads(line) if line.startswith("{") else {}
                if entry.get("message") == "serving":
                    self.address = str(entry["address"])
                    return self.address
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"replica did not start serving:\n{self.log.read_text()[-3000:]}")

    def signal(self, signum: int) -> None:
        """Send a signal to the process."""
        self.process.send_signal(signum)

    def stop(self) -> None:
        """SIGTERM and wait; SIGKILL if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def replicas(database_url: str, logs: Path, count: int = 2) -> Iterator[list[Replica]]:
    """`count` started replicas on one database, stopped afterwards."""
    started = [Replica(database_url, logs / f"replica-{n}.log") for n in range(count)]
    try:
        for replica in started:
            replica.wait_serving()
        yield started
    finally:
        # Signal every replica first so their drain delays overlap.
        for replica in started:
            if replica.process.poll() is None:
                replica.signal(signal.SIGTERM)
        for replica in started:
            replica.stop()


def balanced_target(*addresses: str) -> str:
    """A gRPC target naming every replica's 127.0.0.1 address."""
    ports = [address.rpartition(":")[2] for address in addresses]
    return "ipv4:" + ",".join(f"127.0.0.1:{port}" for port in ports)


@contextlib.asynccontextmanager
async def balanced_stub(
    *addresses: str,
) -> AsyncIterator[user_service_pb2_grpc.UserServiceAsyncStub]:
    """A stub over every replica: round robin, the Python client's retry policy, health checks.

    With client-side health checking the balancer stops picking a replica as soon
    as its readiness turns NOT_SERVING, during its drain delay, as a Kubernetes
    Service does; calls racing its final stop are retried by the retry policy.
    """
    config = {
        **SERVICE_CONFIG,
        "loadBalancingConfig": [{"round_robin": {}}],
        "healthCheckConfig": {"serviceName": ""},
    }
    options = [("grpc.service_config", json.dumps(config)), ("grpc.enable_retries", 1)]
    async with grpc.aio.insecure_channel(balanced_target(*addresses), options=options) as channel:
        yield user_service_pb2_grpc.UserServiceStub(channel)


async def health(address: str, service: str) -> int:
    """One Health.Check answer."""
    async with grpc.aio.insecure_channel(address) as channel:
        check = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        request = health_pb2.HealthCheckRequest(service=service)
        response: health_pb2.HealthCheckResponse = await check(request, timeout=5)
        return response.status


async def wait_health(address: str, service: str, wanted: int, deadline_s: float = 30) -> None:
    """Poll Health.Check until it reports `wanted`, failing after the deadline."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + deadline_s
    last: object = "no answer"
    while loop.time() < give_up:
        with contextlib.suppress(grpc.aio.AioRpcError):
            last = await health(address, service)
            if last == wanted:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{service!r} on {address} never became {wanted} (last: {last})")
