"""Group commit: writes that arrive while one transaction commits share the next one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Conn = TypeVar("Conn")
WriteOp = Callable[[Conn], object]
# Runs a batch of operations in one transaction and returns, per operation, its
# result or the exception it raised (which rolled back only that operation).
BatchRunner = Callable[[list[WriteOp[Conn]]], Awaitable[list[object]]]


class WriteBatcher(Generic[Conn]):
    """Queues write operations and commits them in batches, one transaction at a time.

    With durable commits each transaction costs an fsync, so sharing one among
    every write that is waiting multiplies write throughput under concurrency
    while a lone write still commits at once.
    """

    def __init__(self, run_batch: BatchRunner[Conn], max_batch: int) -> None:
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._pending: list[tuple[WriteOp[Conn], asyncio.Future[object]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, op: WriteOp[Conn]) -> object:
        """Run `op` in the next transaction and return its result once committed."""
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self._pending.append((op, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(), name="sqlite-writer")
        # A caller cancelled by its deadline cancels only its future: the operation
        # stays queued (or in the transaction already committing) and commits with
        # its batch, so a write is never half-abandoned; nobody reads its result.
        return await future

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                results = await self._run_batch([op for op, _ in batch])
            except Exception as exc:  # the whole transaction failed: every op learns why
                results = [exc] * len(batch)
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)

    async def wait_idle(self) -> None:
        """Return once every submitted write has committed or failed."""
        while self._drainer is not None and not self._drainer.done():
            await asyncio.shield(self._drainer)
