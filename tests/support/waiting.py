"""Polling with a deadline, for state that offers no event to wait on."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable


async def until(
    condition: Callable[[], bool | Awaitable[bool]], what: str, deadline_s: float = 20
) -> None:
    """Return once `condition()` (awaited if it is a coroutine) holds; fail naming `what`."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + deadline_s
    while not await _holds(condition):
        if loop.time() > give_up:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def _holds(condition: Callable[[], bool | Awaitable[bool]]) -> bool:
    result = condition()
    return bool(await result) if inspect.isawaitable(result) else bool(result)
