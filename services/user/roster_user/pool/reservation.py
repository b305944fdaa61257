"""Holding a listen address for one supervisor's workers, so nothing else can serve on it."""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import tempfile
from pathlib import Path


class Reservation:
    """An address held for this supervisor's workers: an address lock and a bound socket."""

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        bare = host.strip("[]")
        family, kind, proto, _, sockaddr = socket.getaddrinfo(
            bare, int(port), type=socket.SOCK_STREAM
        )[0]
        self._socket = socket.socket(family, kind, proto)
        # SO_REUSEPORT without SO_REUSEADDR: only our SO_REUSEPORT workers may bind beside it.
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            self._socket.bind(sockaddr)
        except OSError:
            self._socket.close()
            raise
        self.port = int(self._socket.getsockname()[1])
        self.address = f"{host}:{self.port}"
        safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in bare) or "any"
        lock = Path(tempfile.gettempdir()) / f"roster-user-{safe}-{self.port}.lock"
        self._lock = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.close()
            raise OSError(
                errno.EADDRINUSE, f"{self.address} is in use by another roster-user"
            ) from None

    def close(self) -> None:
        """Release the socket and the lock."""
        self._socket.close()
        os.close(self._lock)
