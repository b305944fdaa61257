"""LoopLag: how long a ready callback waits for the event loop, the queue time every call pays.

A grpc.aio server does all its Python work on one event loop thread. When more
calls arrive than that thread serves, they wait: in grpc core's queue for the
application to ask for them, then in the loop's ready queue. A timer scheduled
every few milliseconds waits in the same queue, so how late it runs is what a
call arriving now would wait. Admission (roster_user.pipeline.admission) and the
change feed read it to refuse work and cut off slow watchers early and cheaply.
"""

from __future__ import annotations

import asyncio

_INTERVAL_SECONDS = 0.01


class LoopLag:
    """Samples the event loop's lateness; `seconds` is the smaller of the last two samples.

    The smaller of two, so one late wake-up (a garbage collection, a slow
    callback, a busy neighbour on the machine) does not count as overload: only
    lateness that lasts does.
    """

    def __init__(self, interval_seconds: float = _INTERVAL_SECONDS) -> None:
        self._interval = interval_seconds
        self._samples = (0.0, 0.0)

    @property
    def seconds(self) -> float:
        """How late the loop has lately run ready work, in seconds."""
        return min(self._samples)

    def start(self) -> asyncio.Task[None]:
        """Begin sampling on the running loop; the sampling task, to cancel at exit."""
        return asyncio.get_running_loop().create_task(self._sample(), name="loop-lag")

    async def _sample(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self._interval)
            late = max(loop.time() - before - self._interval, 0.0)
            self._samples = (self._samples[1], late)
