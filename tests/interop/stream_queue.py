"""A server stream read by a background task into a queue, so scenario steps can await events."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Generic, TypeVar

T = TypeVar("T")


class StreamQueue(Generic[T]):
    """Every message of `stream`, in order; a stream error is queued too, for next() to raise."""

    def __init__(self, stream: AsyncIterator[T]) -> None:
        """Start consuming `stream` in a task of its own."""
        self._items: asyncio.Queue[T | Exception] = asyncio.Queue()
        self._task = asyncio.create_task(self._consume(stream))

    async def _consume(self, stream: AsyncIterator[T]) -> None:
        try:
            async for item in stream:
                self._items.put_nowait(item)
        except Exception as error:  # handed to the step reading the stream
            self._items.put_nowait(error)

    async def next(self, timeout: float) -> T:
        """The next message, raising the stream's error, or TimeoutError after `timeout` s."""
        item = await asyncio.wait_for(self._items.get(), timeout)
        if isinstance(item, Exception):
            raise item
        return item

    async def close(self) -> None:
        """Cancel the stream and wait for the consuming task to end."""
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
