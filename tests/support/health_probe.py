"""Polling gRPC health with a deadline, the way probes and load balancers do."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


async def status(address: str, service: str) -> int:
    """One Health.Check of `service`."""
    async with grpc.aio.insecure_channel(address) as channel:
        stub: Any = health_pb2_grpc.HealthStub(channel)  # the stubs lack Check/Watch/List
        response = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        return int(response.status)


async def wait_for_status(address: str, service: str, wanted: int, deadline_s: float = 20) -> None:
    """Poll until `service` reports `wanted`, failing after the deadline."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + deadline_s
    last: int | str = "no answer"
    while loop.time() < give_up:
        try:
            last = await status(address, service)
        except grpc.aio.AioRpcError as error:
            last = error.code().name
        if last == wanted:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{service!r} did not become {wanted} within {deadline_s}s (last: {last})")
