"""Polling with a deadline, for state that offers no event to wait on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(condition: Callable[[], bool], what: str, deadline_s: float = 20) -> None:
    """Return once `condition()` holds; fail naming `what` after the deadline."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + deadline_s
    while not condition():
        if loop.time() > give_up:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)
