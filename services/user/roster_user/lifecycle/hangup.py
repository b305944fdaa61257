"""Hang up: shut down, at the TCP level, the server's listening socket and every client connection.

grpc's stop() ends each call that has arrived but that the application has not
taken, and each call arriving until the client has read the GOAWAY, with a bare
CANCELLED (grpc/grpc#41785; a fix is proposed in grpc/grpc#41786). Clients
retrying only UNAVAILABLE pass that on to their callers. A client whose
connection closes under a call gets UNAVAILABLE instead: the call did not run,
retry elsewhere. So once admission refuses everything and no handler runs, the
drain shuts the sockets down itself, then calls stop() with nobody left to cancel.

Linux only (/proc/self/fd); elsewhere it finds nothing and stop() behaves as grpc's.
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

_FDS = Path("/proc/self/fd")


def hang_up(port: int) -> int:
    """Shut down every TCP socket of this process whose local port is `port`; how many."""
    if not _FDS.is_dir():
        return 0
    return sum(_shut_down(fd, port) for fd in _socket_fds())


def _socket_fds() -> list[int]:
    found = []
    for entry in _FDS.iterdir():
        with contextlib.suppress(ValueError, OSError):
            if os.readlink(entry).startswith("socket:"):
                found.append(int(entry.name))
    return found


def _shut_down(fd: int, port: int) -> bool:
    """Shut down the socket behind `fd` if it is TCP on `port`: its other descriptors see it too."""
    try:
        sock = socket.socket(fileno=os.dup(fd))  # a duplicate: closing it leaves grpc's open
    except OSError:
        return False
    with sock:
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
            return False
        try:
            if sock.getsockname()[1] != port:
                return False
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            return False
    return True
