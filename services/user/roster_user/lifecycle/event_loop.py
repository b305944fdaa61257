"""The event loop a process runs on: asyncio's own or uvloop, as the settings choose."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import uvloop

from roster_user.config import Settings


def run_loop(settings: Settings, main: Coroutine[Any, Any, int]) -> int:
    """Run `main` to completion on the event loop the settings choose."""
    factory = uvloop.new_event_loop if settings.event_loop == "uvloop" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
