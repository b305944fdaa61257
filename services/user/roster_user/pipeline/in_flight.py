"""InFlight: how many handlers are running, so shutdown can wait for the last one."""

from __future__ import annotations

import asyncio


class InFlight:
    """Counts running handlers so shutdown can wait until every one has really finished."""

    def __init__(self) -> None:
        self.count = 0
        self.started = 0  # handlers ever started: proves a refused call never reached one
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        """A handler started."""
        self.count += 1
        self.started += 1
        self._idle.clear()

    def leave(self) -> None:
        """A handler finished, however it ended."""
        self.count -= 1
        if self.count == 0:
            self._idle.set()

    async def wait_idle(self) -> None:
        """Return once no handler is running."""
        await self._idle.wait()
