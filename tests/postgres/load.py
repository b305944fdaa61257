"""A bounded, steady stream of creates and reads that records every outcome."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import grpc

from roster.user.v1 import user_pb2, user_service_pb2_grpc
from roster.user.v1 import user_service_pb2 as pb

# Bounds the load even if a test never stops it: no run sends more than this.
_MAX_CALLS_PER_WORKER = 5000


class Load:
    """Workers that each create a user then read it back, until stopped."""

    def __init__(self, stub: user_service_pb2_grpc.UserServiceAsyncStub, tag: str) -> None:
        self._stub = stub
        self._tag = tag
        self._stop = asyncio.Event()
        self.acknowledged: list[str] = []
        # (loop time the call started, code and message) of every failed call
        self.failures: list[tuple[float, str]] = []
        self.calls = 0
        self._progress = asyncio.Condition()

    async def _worker(self, worker: int) -> None:
        for n in range(_MAX_CALLS_PER_WORKER):
            if self._stop.is_set():
                return
            user_id = f"{self._tag}-{worker}-{n}"
            started = asyncio.get_running_loop().time()
            request = pb.CreateUserRequest(
                user=user_pb2.User(email=f"{user_id}@example.com", display_name=user_id),
                user_id=user_id,
                request_id=str(uuid.uuid4()),
            )
            try:
                created = (await self._stub.CreateUser(request, timeout=10)).user
                self.acknowledged.append(created.name)
                await self._stub.GetUser(pb.GetUserRequest(name=created.name), timeout=10)
            except grpc.aio.AioRpcError as error:
                self.failures.append((started, f"{error.code().name}: {error.details()}"))
            async with self._progress:
                self.calls += 1
                self._progress.notify_all()

    def failed_since(self, moment: float) -> list[str]:
        """The failures of calls started at or after `moment` (loop time)."""
        return [text for started, text in self.failures if started >= moment]

    async def reach(self, calls: int, deadline_s: float = 30) -> None:
        """Wait until `calls` more calls have finished, whatever their outcome."""
        target = self.calls + calls
        async with asyncio.timeout(deadline_s), self._progress:
            await self._progress.wait_for(lambda: self.calls >= target)

    @contextlib.asynccontextmanager
    async def running(self, workers: int = 4) -> AsyncIterator[Load]:
        """Run the workers for the duration of the block."""
        tasks = [asyncio.create_task(self._worker(n)) for n in range(workers)]
        try:
            yield self
        finally:
            self._stop.set()
            await asyncio.gather(*tasks)


async def missing(stub: user_service_pb2_grpc.UserServiceAsyncStub, names: list[str]) -> list[str]:
    """The names among `names` that GetUser does not find."""
    absent: list[str] = []
    for name in names:
        try:
            await stub.GetUser(pb.GetUserRequest(name=name), timeout=10)
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
            absent.append(name)
    return absent
