"""PeerNudges: after a write commits, wake the change feeds of the other workers at once.

Workers share the database, not memory: a change one worker commits would reach
watchers on another only at that worker's next poll (ROSTER_WATCH_POLL_SECONDS).
Each worker binds a Unix datagram socket in a directory the supervisor made for
the pool (mode 0700); after a write it sends every peer one byte, and a byte
received wakes the local feed. A nudge carries nothing but "look now": the feed
reads the change log as on any poll, so a nudge lost to a full socket buffer or
a peer not yet listed costs latency, never a change, and the poll stays as the
backstop. Writes in one loop iteration share one nudge per peer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
# How often the list of peers is read again (a worker that starts later is
# nudged from then on; a gone one is dropped as soon as a send to it fails).
_RELIST_SECONDS = 1.0


class PeerNudges:
    """One worker's end: a socket others nudge, and nudges for every other worker's."""

    def __init__(
        self, directory: Path, on_nudge: Callable[[], None], *, name: str | None = None
    ) -> None:
        """`name` is this end's socket in `directory`: the process id unless given."""
        self._directory = directory
        self._on_nudge = on_nudge
        self._path = directory / (name or str(os.getpid()))
        self._socket: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._peers: list[str] = []
        self._listed_at = float("-inf")
        self._pending = False

    def open(self) -> None:
        """Listen for nudges from the other workers (or, failing that, do without them)."""
        self._loop = asyncio.get_running_loop()
        listening = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            listening.setblocking(False)
            # Fails if the path is too long for a socket address (a long TMPDIR).
            listening.bind(str(self._path))
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
        """A write committed here: nudge every peer, once for this loop iteration."""
        if self._socket is not None and self._loop is not None and not self._pending:
            self._pending = True
            self._loop.call_soon(self._send)

    def close(self) -> None:
        """Stop listening and remove this worker's socket."""
        if self._socket is None or self._loop is None:
            return
        self._loop.remove_reader(self._socket.fileno())
        self._socket.close()
        self._socket = None
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()

    def _receive(self) -> None:
        assert self._socket is not None
        with contextlib.suppress(BlockingIOError):
            while self._socket.recv(16):
                pass
        self._on_nudge()

    def _send(self) -> None:
        assert self._loop is not None
        self._pending = False
        if self._socket is None:
            return
        now = self._loop.time()
        if now - self._listed_at >= _RELIST_SECONDS:
            self._listed_at = now
            self._peers = [
                str(self._directory / name)
                for name in os.listdir(self._directory)
                if name != self._path.name
            ]
        for peer in list(self._peers):
            try:
                self._socket.sendto(b"\0", peer)
            except BlockingIOError:
                pass  # its buffer already holds a nudge it has not read yet
            except (FileNotFoundError, ConnectionRefusedError):
                self._peers.remove(peer)  # that worker is gone
