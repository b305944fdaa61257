"""SIGTERM and SIGINT: the first asks for a drain, a second exits at once."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

log = logging.getLogger(__name__)


def stop_requested() -> asyncio.Event:
    """An event set by the first SIGTERM or SIGINT; a second one exits without draining."""
    stop = asyncio.Event()

    def on_signal(signum: int) -> None:
        if stop.is_set():
            log.critical("second signal; exiting without draining", extra={"signal": signum})
            os._exit(128 + signum)
        log.info("shutdown requested", extra={"signal": signal.Signals(signum).name})
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)
    return stop
