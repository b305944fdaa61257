"""PeerNudges: after a write commits, wake the change feeds of the other workers at once.

Workers share the database, not memory: a change one worker commits would reach
watchers on another only at that worker's next poll (ROSTER_WATCH_POLL_SECONDS).
Each worker binds a Unix datagram socket; after a write it sends every peer one
byte, and a byte received wakes the local feed. A nudge carries nothing but
"look now": the feed reads the change log as on any poll, so a nudge lost to a
full socket buffer or a peer not listening yet costs latency, never a change,
and the poll stays as the backstop. Writes in one loop turn share one nudge.

The sockets live in Linux's abstract namespace, named after the pool (a random
token the supervisor draws) and the worker's index: nothing on the filesystem to
clean up after a killed supervisor, no writable directory needed, and a name no
other process can guess to squat on.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import socket
from collections.abc import Callable

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, slots=True)
class PoolSeat:
    """Which pool a worker belongs to, and its place in it."""

    pool: str  # the supervisor's random token
    index: int
    size: int

    def address(self, index: int) -> bytes:
        """The abstract socket address of worker `index` of this pool."""
        return f"\0roster-{self.pool}-{index}".encode()


class PeerNudges:
    """One worker's end: a socket the others nudge, and nudges for each of theirs."""

    def __init__(self, seat: PoolSeat) -> None:
        self._seat = seat
        self._on_nudge: Callable[[], None] = lambda: None
        self._peers = [seat.address(i) for i in range(seat.size) if i != seat.index]
        self._socket: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending = False

    def open(self, on_nudge: Callable[[], None]) -> None:
        """Call `on_nudge` when another worker wrote (or, failing to listen, do without)."""
        self._on_nudge = on_nudge
        self._loop = asyncio.get_running_loop()
        listening = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            listening.setblocking(False)
            listening.bind(self._seat.address(self._seat.index))
        except OSError as error:
            listening.close()
            log.warning(
                "cannot listen for other workers' nudges; their changes arrive by polling",
                extra={"error": str(error)},
            )
            return
        self._socket = listening
        self._loop.add_reader(listening.fileno(), self._receive)

    def notify(self) -> None:
        """A write committed here: nudge every peer, once for this loop turn."""
        if self._socket is not None and self._loop is not None and not self._pending:
            self._pending = True
            self._loop.call_soon(self._send)

    def close(self) -> None:
        """Stop listening; the address is free again once the socket is closed."""
        if self._socket is None or self._loop is None:
            return
        self._loop.remove_reader(self._socket.fileno())
        self._socket.close()
        self._socket = None

    def _receive(self) -> None:
        assert self._socket is not None
        with contextlib.suppress(BlockingIOError):
            while self._socket.recv(16):
                pass
        self._on_nudge()

    def _send(self) -> None:
        self._pending = False
        if self._socket is None:
            return
        for peer in self._peers:
            # A full buffer already holds a nudge the peer has not read; a refused
            # one is a peer not listening (starting, or gone): neither needs more.
            with contextlib.suppress(BlockingIOError, ConnectionRefusedError):
                self._socket.sendto(b"\0", peer)
